"""The features of every session (`related-index.json`, a facet of the session
records: see `insight/features.py`), and the digest of them that the "seen before"
line of `journal log` reads with the standard library (`seen-digest`, laid out in
parts as `insight/seen.py` describes), made again by the commands that pass
`digest` (`new`, `close`, `import`, `related`) once it is behind. Best effort like
every cache: one that cannot be written only costs its work."""

from __future__ import annotations

import contextlib
import json
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.insight.seen import FORMAT, SEEN_NAME, shard_of
from journal.store.cache import code_digest, save_cache_bytes, stat_key

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from journal.store.sessions import Journal

FACET = "related-index"
FEATURES_FORMAT = 9
"""Bumped when the features change shape or what is read into them."""
SHARD_SIZE = 32
"""Signatures per shard of a type's word index (at most `MAX_SHARDS` shards)."""
MAX_SHARDS = 64

Record = dict[str, Any]
"""One session's entry: the stat of its two files and its features."""


def refresh(journal: Journal, *, digest: bool = False) -> dict[str, dict[str, Any]]:
    """Every readable session's features, oldest first (see `records`)."""
    found = records(journal, digest=digest)
    return {sid: record["features"] for sid, record in found.items()}


def records(journal: Journal, *, digest: bool = False) -> dict[str, Record]:
    """Every readable session's stats and features, oldest first; only sessions
    whose files changed are read again. With `digest`, the digest is made again
    when it is behind the features; without, it is left behind — at 10,000
    sessions it takes ~1.4 s, which `site serve` would pay after every change for a
    lookup only `journal log` makes."""
    from journal.store.facets import Records

    index = Records(
        journal,
        FACET,
        lambda sid: _features(journal, sid),
        extra=str(FEATURES_FORMAT),
        fields=frozenset(("features",)),
        big=True,
    )
    found = {
        sid: {"stat": index.stats[sid], "features": record["features"]}
        for sid, record in index.records().items()
        if "error" not in record
    }
    index.save()
    seen = journal.state_dir / SEEN_NAME
    made_from = stat_key(journal.state_dir / f"{FACET}.json")
    if digest and _made_from(seen) != made_from:
        features = {sid: record["features"] for sid, record in found.items()}
        save_cache_bytes(seen, digest_bytes(features, made_from))
    return found


def _features(journal: Journal, session_id: str) -> Record:
    from journal.insight.features import session_features

    try:
        session = journal.load(session_id)
        events = journal.events(session_id, strict=False)
    except JournalError as exc:
        return {"error": exc.one_line()}
    return {"features": session_features(session_id, session, events)}


def _made_from(seen: Path) -> Any:
    """The stat of the features' file the digest at `seen` was made from."""
    try:
        with seen.open("rb") as handle:
            return json.loads(handle.readline()).get("of", False)
    except (OSError, ValueError, AttributeError):
        return False


def refresh_quietly(journal: Journal) -> None:
    """`refresh` with the digest, for commands whose own work must not fail
    because of it (`new`, `close`, `import`, `related`: what "seen before" will
    know)."""
    with contextlib.suppress(JournalError, OSError, ValueError):
        refresh(journal, digest=True)


def digest_bytes(features: dict[str, dict[str, Any]], of: Any = None) -> bytes:
    """The digest of every session's features, laid out as `insight/seen.py` reads
    it: a JSON header line giving each part's byte range (and `of`, the stat of the
    features' file it was made from), then the parts."""
    from journal.insight.features import signatures_of

    by_kind: dict[str, list[tuple[list[Any], frozenset[str]]]] = {}
    roots: dict[str, list[list[Any]]] = {}
    for session_id, data in features.items():
        label = [session_id, data["title"], data.get("number")]
        for found in signatures_of(data):
            bucket = by_kind.setdefault((found.kind or "").rsplit(".", 1)[-1], [])
            bucket.append(([*label, found.text[:160]], found.tokens))
        for path in data.get("root_files", ()):
            roots.setdefault(path, []).append(label)
    parts: dict[str, bytes] = {"roots": _dumps(roots)}
    for kind, bucket in sorted(by_kind.items()):
        parts.update(_bucket_parts(kind, bucket))
    at = list(accumulate((len(blob) for blob in parts.values()), initial=0))
    ranges = {name: [at[n], len(blob)] for n, (name, blob) in enumerate(parts.items())}
    header = {"code": code_digest(), "format": FORMAT, "of": of, "parts": ranges}
    return b"".join([_dumps(header), b"\n", *parts.values()])


def _bucket_parts(
    kind: str, bucket: list[tuple[list[Any], frozenset[str]]]
) -> Iterable[tuple[str, bytes]]:
    shards = max(1, min(MAX_SHARDS, len(bucket) // SHARD_SIZE))
    lines = [_dumps(entry) + b"\n" for entry, _ in bucket]
    offsets = list(accumulate((len(line) for line in lines), initial=0))[:-1]
    words: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for index, (_, tokens) in enumerate(bucket):
        for word in sorted(tokens):
            words[shard_of(word, shards)].setdefault(word, []).append(index)
    yield f"sizes:{kind}", _dumps([shards, [len(t) for _, t in bucket], offsets])
    yield f"entries:{kind}", b"".join(lines)
    for number, shard in enumerate(words):
        if shard:
            yield f"words:{kind}:{number}", _dumps(shard)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
