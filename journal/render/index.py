"""What one session's report needs to know of the others, and a digest of each
session's files, cached by file stat so unchanged sessions are never parsed again.

A report links its previous and next sessions by number and title; the next ones are
the sessions whose `previous` names it. Finding them means knowing every session's
`previous`, which this index keeps without loading all of `session.yaml` each time.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from journal import __version__
from journal.errors import JournalError
from journal.store.fingerprint import load_cache, read_or_empty, save_cache, stat_key
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.sessions import Journal

_CACHE_NAME = "render-index.json"
Facts = tuple[str, "int | None", "str | None"]
"""A session's title (its id when it has none), number and previous."""
Known = dict[str, tuple[list[Any], Facts]]
"""Facts of sessions read elsewhere, with the stats of their two files then."""


@dataclass(frozen=True)
class Entry:
    """One session as other reports see it, and the digest of its two files."""

    id: str
    title: str
    number: int | None
    previous: str | None
    digest: str

    @property
    def label(self) -> str:
        """`Session 7: Production monitoring`, or the title alone without a number."""
        return f"Session {self.number}: {self.title}" if self.number else self.title


class SessionIndex:
    """Every session's entry; read through a stat-keyed cache in the state folder."""

    def __init__(self, journal: Journal):
        self.journal = journal
        self._path = journal.state_dir / _CACHE_NAME
        self._sessions = str(journal.sessions_dir)
        self._cache = _load_cache(self._path)
        self._dirty = False
        self._entries: dict[str, Entry] | None = None
        self._following: dict[str, list[Entry]] | None = None

    def entries(self, known: Known | None = None) -> dict[str, Entry]:
        """Every session's entry; `known` gives the facts of sessions their caller
        has just read whole (the site's index), so a first build parses each
        `session.yaml` once (0.3 s of one core at 1,000 sessions)."""
        if self._entries is None:
            fresh: dict[str, Any] = {}
            entries: dict[str, Entry] = {}
            for session_id in self.journal.session_ids():
                entry, record = self._entry(session_id, known or {})
                entries[session_id] = entry
                fresh[session_id] = record
            self._dirty = self._dirty or set(fresh) != set(self._cache)
            self._cache = fresh
            self._entries = entries
        return self._entries

    def next_of(self, session_id: str) -> list[Entry]:
        """The sessions that name `session_id` as their previous, oldest first."""
        if self._following is None:
            self._following = {}
            for entry in self.entries().values():
                if entry.previous:
                    self._following.setdefault(entry.previous, []).append(entry)
        return self._following.get(session_id, [])

    def stats(self, session_id: str) -> list[list[int] | None]:
        """The stats of the session's two files, as `entries` took them this run
        before reading the files."""
        stats: list[list[int] | None] = self._cache[session_id]["stat"]
        return stats

    def save(self) -> None:
        """Write the cache if anything changed; failing to is never an error."""
        if not self._dirty:
            return
        save_cache(self._path, {"version": __version__, "sessions": self._cache})
        self._dirty = False

    def _entry(self, session_id: str, known: Known) -> tuple[Entry, dict[str, Any]]:
        # Plain strings for the stats: pathlib's joins cost 0.3 s at 10,000 sessions.
        base = f"{self._sessions}{os.sep}{session_id}{os.sep}"
        stats = [stat_key(base + SESSION_FILE), stat_key(base + TIMELINE_FILE)]
        cached = self._cache.get(session_id)
        if isinstance(cached, dict) and cached.get("stat") == stats:
            try:
                return Entry(**cached["entry"]), cached
            except TypeError:
                pass
        folder = self.journal.sessions_dir / session_id
        facts = known.get(session_id)
        if facts is not None and facts[0] == stats:  # read at these very stats
            entry = Entry(session_id, *facts[1], digest=_digest(folder))
        else:
            entry = _read_entry(session_id, folder)
        self._dirty = True
        return entry, {"stat": stats, "entry": asdict(entry)}


def _read_entry(session_id: str, folder: Path) -> Entry:
    session_bytes = read_or_empty(folder / SESSION_FILE)
    title, number, previous = _facts(session_bytes, session_id)
    return Entry(session_id, title, number, previous, _digest(folder, session_bytes))


def _digest(folder: Path, session_bytes: bytes | None = None) -> str:
    if session_bytes is None:
        session_bytes = read_or_empty(folder / SESSION_FILE)
    timeline_bytes = read_or_empty(folder / TIMELINE_FILE)
    return hashlib.sha256(
        session_bytes + b"\0" + hashlib.sha256(timeline_bytes).digest()
    ).hexdigest()


def facts_of(
    session_id: str, title: str, number: int | None, previous: str | None
) -> Facts:
    """An entry's facts from a session already loaded, as `_facts` reads them."""
    return (" ".join(title.split()) if title else session_id, number, previous)


def _facts(raw: bytes, session_id: str) -> tuple[str, int | None, str | None]:
    """Title, number and previous of a session; a broken file shows as its id."""
    from journal.store.yamlio import parse_yaml

    try:
        data = parse_yaml(raw.decode("utf-8-sig"), where=session_id)
    except (JournalError, UnicodeDecodeError):
        return session_id, None, None
    if not isinstance(data, dict):
        return session_id, None, None
    title = data.get("title")
    number = data.get("number")
    previous = data.get("previous")
    return (
        " ".join(str(title).split()) if title else session_id,
        number if isinstance(number, int) and not isinstance(number, bool) else None,
        previous if isinstance(previous, str) else None,
    )


def _load_cache(path: Path) -> dict[str, Any]:
    stored = load_cache(path)
    if stored.get("version") != __version__:
        return {}
    sessions = stored.get("sessions")
    return sessions if isinstance(sessions, dict) else {}
