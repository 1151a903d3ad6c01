"""The signature index: every session's features, cached in the state folder by the
stat of its two files, and the small digest of it that `journal log` reads.

Two files, written together by `refresh`:

- `related-index.json`: the features of every session (see `insight/features.py`);
  only sessions whose files changed are read again.
- `seen-index.json`: what the "seen before" line needs and nothing more — each
  session's label, its error signatures bucketed by exception type with their words,
  and the sessions naming each root-cause file — so the `log` fast path reads it with
  the standard library and compares the new line with a handful of candidates.

Best effort like every cache: one that cannot be written only costs its work.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from journal import __version__
from journal.errors import JournalError
from journal.insight.seen import SEEN_NAME
from journal.store.fingerprint import load_cache, save_cache, stat_key
from journal.store.sessions import SESSION_FILE, TIMELINE_FILE

if TYPE_CHECKING:
    from journal.store.sessions import Journal

FEATURES_NAME = "related-index.json"


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
        save_cache(journal.state_dir / SEEN_NAME, seen_digest(features))
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


def seen_digest(features: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fast path's file: labels, signatures by type, root-cause files."""
    from journal.insight.signatures import informative

    sessions: dict[str, list[Any]] = {}
    by_kind: dict[str, list[list[Any]]] = {}
    root_files: dict[str, list[str]] = {}
    for session_id, data in features.items():
        sessions[session_id] = [data["title"], data.get("number")]
        for kind, key, text in data.get("signatures", ()):
            skeleton = key[len(kind) + 2 :] if kind else key
            words = sorted(informative(skeleton))
            bucket = by_kind.setdefault(kind.rsplit(".", 1)[-1], [])
            bucket.append([session_id, key, text[:160], words])
        for path in data.get("root_files", ()):
            root_files.setdefault(path, []).append(session_id)
    return {
        "version": __version__,
        "sessions": sessions,
        "by_kind": by_kind,
        "root_files": root_files,
    }
