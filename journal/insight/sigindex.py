"""The signature index: every session's features, cached in the state folder by the
stat of its two files, and the small digest of it that `journal log` reads.

Two files, written by `refresh`:

- `related-index.json`: the features of every session (see `insight/features.py`);
  only sessions whose files changed are read again.
- `seen-digest`, made from it by the commands that pass `digest` (`new`, `close`,
  `import`, `related`) once it is behind: what the "seen before" line needs and
  nothing more — each session's label, its error signatures bucketed by exception
  type with an index of their words, and the sessions naming each root-cause file —
  laid out in parts (`insight/seen.py`) so the `log` fast path reads a few of them
  with the standard library.

Best effort like every cache: one that cannot be written only costs its work.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.insight.seen import FORMAT, SEEN_NAME, shard_of
from journal.store.cache import code_digest, salt
from journal.store.fingerprint import (
    load_cache,
    save_cache_bytes,
    stat_key,
    stats_in_use,
)
from journal.store.layout import SESSION_FILE, TIMELINE_FILE

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from journal.store.sessions import Journal

FEATURES_NAME = "related-index.json"
FEATURES_FORMAT = 4
"""Bumped when the features change shape (2: each signature's words kept; 3: the
session's facts, `previous` and term counts; 4: its names and citations)."""
SHARD_SIZE = 32
"""Signatures per shard of a type's word index (at most `MAX_SHARDS` shards)."""
MAX_SHARDS = 64

Record = dict[str, Any]
"""One session's entry: the stat of its two files and its features."""
_LOADED: dict[str, tuple[list[Any], dict[str, Record], bool]] = {}
"""The cache file last read or written by this process, by path, with its stat
and salt: a
site build reads it for the related map and again for the hotspots, and `site
serve` after every change."""
_SEEN_UNDER: dict[str, tuple[dict[str, list[int]], dict[str, Record]]] = {}
"""The records last returned under stats taken by a live server (`stats_taken`):
the site asks twice per generation (related sessions, hotspots)."""


def refresh(journal: Journal, *, digest: bool = False) -> dict[str, dict[str, Any]]:
    """Every readable session's features, oldest first (see `records`)."""
    found = records(journal, digest=digest)
    return {sid: record["features"] for sid, record in found.items()}


def records(journal: Journal, *, digest: bool = False) -> dict[str, Record]:
    """Every readable session's record, oldest first; only sessions whose files
    changed are read again. The features cache is updated when one was; the
    digest too with `digest`, else it is marked behind and made on the next call
    with `digest` — at 10,000 sessions it takes ~1.4 s, which `site serve` would
    pay after every change for a lookup only `journal log` makes."""
    path = journal.state_dir / FEATURES_NAME
    taken = stats_in_use()
    seen_now = _SEEN_UNDER.get(str(path))
    if not digest and taken is not None and seen_now and seen_now[0] is taken:
        return seen_now[1]  # asked again under the same stats: nothing moved
    salted = salt(journal)
    cached, digested = _load(path, salted)
    fresh: dict[str, Record] = {}
    changed = False
    folder = f"{journal.sessions_dir}{os.sep}"  # a property: made once, not per session
    for session_id in journal.session_ids():
        before = cached.get(session_id)
        record = _record(journal, folder, session_id, before)
        changed = changed or record is not before
        if record is not None:
            fresh[session_id] = record
    changed = changed or len(fresh) != len(cached)
    seen = journal.state_dir / SEEN_NAME
    behind = changed or not digested or not seen.is_file()
    if changed or (digest and behind):
        import msgspec

        if digest:
            features = {sid: record["features"] for sid, record in fresh.items()}
            save_cache_bytes(seen, digest_bytes(features))
        now_digested = digest or not behind
        stored = {
            "salt": salted,
            "format": FEATURES_FORMAT,
            "digested": now_digested,
            "sessions": fresh,
        }
        save_cache_bytes(path, msgspec.json.encode(stored))
        _LOADED[str(path)] = ([stat_key(path), salted], fresh, now_digested)
    if taken is not None:
        _SEEN_UNDER[str(path)] = (taken, fresh)
    return fresh


def session_stats(journal: Journal) -> dict[str, list[list[int] | None]]:
    """Each session's two files' stat, as the records keep them: what tells a
    cache made from the records that none changed, without reading them."""
    folder = f"{journal.sessions_dir}{os.sep}"
    return {
        sid: [
            stat_key(f"{folder}{sid}{os.sep}{SESSION_FILE}"),
            stat_key(f"{folder}{sid}{os.sep}{TIMELINE_FILE}"),
        ]
        for sid in journal.session_ids()
    }


def _load(path: Path, salt: str) -> tuple[dict[str, Record], bool]:
    """The cached records (none when the cache is missing, damaged or made under
    another salt), and whether the digest was made from them."""
    known = _LOADED.get(str(path))
    stat = stat_key(path)
    if known is not None and stat is not None and known[0] == [stat, salt]:
        return known[1], known[2]
    stored = load_cache(path)
    current = stored.get("salt") == salt and stored.get("format") == FEATURES_FORMAT
    cached = stored.get("sessions") if current else None
    cached = cached if isinstance(cached, dict) else {}
    digested = bool(stored.get("digested"))
    _LOADED[str(path)] = ([stat, salt], cached, digested)
    return cached, digested


def refresh_quietly(journal: Journal) -> None:
    """`refresh` with the digest, for commands whose own work must not fail
    because of it (`new`, `close`, `import`, `related`: what "seen before" will
    know)."""
    with contextlib.suppress(JournalError, OSError, ValueError):
        refresh(journal, digest=True)


def _record(
    journal: Journal, sessions: str, session_id: str, cached: Any
) -> Record | None:
    from journal.insight.features import session_features

    # Strings, not paths: pathlib's joins cost ~0.3 s at 10,000 sessions.
    folder = f"{sessions}{session_id}{os.sep}"
    stats = [stat_key(folder + SESSION_FILE), stat_key(folder + TIMELINE_FILE)]
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
        rows = data.get("signatures", ())
        words = data.get("signature_words")
        paired = words if words is not None and len(words) == len(rows) else None
        for n, (kind, key, text) in enumerate(rows):
            skeleton = key[len(kind) + 2 :] if kind else key
            bucket = by_kind.setdefault(kind.rsplit(".", 1)[-1], [])
            tokens = frozenset(paired[n]) if paired else informative(skeleton)
            bucket.append(([*label, text[:160]], tokens))
        for path in data.get("root_files", ()):
            roots.setdefault(path, []).append(label)
    parts: dict[str, bytes] = {"roots": _dumps(roots)}
    for kind, bucket in sorted(by_kind.items()):
        parts.update(_bucket_parts(kind, bucket))
    header: dict[str, Any] = {"code": code_digest(), "format": FORMAT, "parts": {}}
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
