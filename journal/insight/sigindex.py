"""The signature index: every session's features, cached in the state folder by the
stat of its two files, and the small digest of it that `journal log` reads.

Two files, written together by `refresh`:

- `related-index.json`: the features of every session (see `insight/features.py`);
  only sessions whose files changed are read again.
- `seen-digest`: what the "seen before" line needs and nothing more — each session's
  label, its error signatures bucketed by exception type with an index of their words,
  and the sessions naming each root-cause file — laid out in parts (`insight/seen.py`)
  so the `log` fast path reads a few of them with the standard library.

Best effort like every cache: one that cannot be written only costs its work.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from journal import __version__
from journal.errors import JournalError
from journal.insight.seen import FORMAT, SEEN_NAME, shard_of
from journal.store.fingerprint import load_cache, save_cache, save_cache_bytes, stat_key
from journal.store.sessions import SESSION_FILE, TIMELINE_FILE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from journal.store.sessions import Journal

FEATURES_NAME = "related-index.json"
SHARD_SIZE = 32
"""Signatures per shard of a type's word index (at most `MAX_SHARDS` shards)."""
MAX_SHARDS = 64


def refresh(journal: Journal) -> dict[str, dict[str, Any]]:
    """Every readable session's features, oldest first; both cache files updated."""
    path = journal.state_dir / FEATURES_NAME
    stored = load_cache(path)
    cached = stored.get("sessions") if stored.get("version") == __version__ else None
    cached = cached if isinstance(cached, dict) else {}
    fresh: dict[str, Any] = {}
    features: dict[str, dict[str, Any]] = {}
    for session_id in journal.session_ids():
        record = _record(journal, session_id, cached.get(session_id))
        if record is not None:
            fresh[session_id] = record
            features[session_id] = record["features"]
    if fresh != cached or not (journal.state_dir / SEEN_NAME).is_file():
        save_cache(path, {"version": __version__, "sessions": fresh})
        save_cache_bytes(journal.state_dir / SEEN_NAME, digest_bytes(features))
    return features


def refresh_quietly(journal: Journal) -> None:
    """`refresh` for commands whose own work must not fail because of it."""
    with contextlib.suppress(JournalError, OSError, ValueError):
        refresh(journal)


def _record(journal: Journal, session_id: str, cached: Any) -> dict[str, Any] | None:
    from journal.insight.features import session_features

    folder = journal.sessions_dir / session_id
    stats = [stat_key(folder / SESSION_FILE), stat_key(folder / TIMELINE_FILE)]
    if isinstance(cached, dict) and cached.get("stat") == stats:
        return cached
    try:
        session = journal.load(session_id)
        events = journal.events(session_id, strict=False)
    except JournalError:
        return None
    return {"stat": stats, "features": session_features(session_id, session, events)}


def digest_bytes(features: dict[str, dict[str, Any]]) -> bytes:
    """The digest of every session's features, laid out as `insight/seen.py` reads
    it: a JSON header line giving each part's byte range, then the parts."""
    from journal.insight.signatures import informative

    by_kind: dict[str, list[tuple[list[Any], frozenset[str]]]] = {}
    roots: dict[str, list[list[Any]]] = {}
    for session_id, data in features.items():
        label = [session_id, data["title"], data.get("number")]
        for kind, key, text in data.get("signatures", ()):
            skeleton = key[len(kind) + 2 :] if kind else key
            bucket = by_kind.setdefault(kind.rsplit(".", 1)[-1], [])
            bucket.append(([*label, text[:160]], informative(skeleton)))
        for path in data.get("root_files", ()):
            roots.setdefault(path, []).append(label)
    parts: dict[str, bytes] = {"roots": _dumps(roots)}
    for kind, bucket in sorted(by_kind.items()):
        parts.update(_bucket_parts(kind, bucket))
    header: dict[str, Any] = {"version": __version__, "format": FORMAT, "parts": {}}
    at = 0
    for name, blob in parts.items():
        header["parts"][name] = [at, len(blob)]
        at += len(blob)
    return b"".join([_dumps(header), b"\n", *parts.values()])


def _bucket_parts(
    kind: str, bucket: list[tuple[list[Any], frozenset[str]]]
) -> Iterable[tuple[str, bytes]]:
    shards = max(1, min(MAX_SHARDS, len(bucket) // SHARD_SIZE))
    lines = [_dumps(entry) + b"\n" for entry, _ in bucket]
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line)
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
