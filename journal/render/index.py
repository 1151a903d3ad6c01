"""What one session's report needs to know of the others, and a digest of each
session's files, kept as a facet of the session records (`store/cache.py`) so
unchanged sessions are never parsed again.

A report links its previous and next sessions by number and title; the next ones are
the sessions whose `previous` names it. Finding them means knowing every session's
`previous`, which this index keeps without loading all of `session.yaml` each time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, NamedTuple

from journal.errors import JournalError
from journal.store.cache import read_or_empty
from journal.store.facets import Records
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.sessions import Journal

Facts = tuple[str, "int | None", "str | None"]
"""A session's title (its id when it has none), number and previous."""
Known = dict[str, tuple[list[Any], Facts]]
"""Facts of sessions read elsewhere, with the stats of their two files then."""


class Entry(NamedTuple):
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
    """Every session's entry: the `render-index` facet of the session records
    (`store/cache.py`)."""

    def __init__(self, journal: Journal):
        self.journal = journal
        self._known: Known = {}
        self._records = Records(journal, "render-index", self._build, fields=_FIELDS)
        self._entries: dict[str, Entry] | None = None
        self._following: dict[str, list[Entry]] | None = None

    def entries(self, known: Known | None = None) -> dict[str, Entry]:
        """Every session's entry; `known` gives the facts of sessions their caller
        has just read whole (the site's index), so a first build parses each
        `session.yaml` once (0.3 s of one core at 1,000 sessions)."""
        if self._entries is None:
            self._known = known or {}
            records = self._records.records()
            self._entries = {
                sid: Entry(sid, r["title"], r["number"], r["previous"], r["digest"])
                for sid, r in records.items()
            }
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
        return self._records.stats[session_id]

    def save(self) -> None:
        """Write the records if anything changed; failing to is never an error."""
        self._records.save()

    def _build(self, session_id: str) -> dict[str, Any]:
        folder = self.journal.sessions_dir / session_id
        facts = self._known.get(session_id)
        if facts is not None and facts[0] == self._records.stats[session_id]:
            # read at these very stats
            title, number, previous = facts[1]
            digest = _digest(folder)
        else:
            raw = read_or_empty(folder / SESSION_FILE)
            title, number, previous = _facts(raw, session_id)
            digest = _digest(folder, raw)
        return dict(title=title, number=number, previous=previous, digest=digest)


_FIELDS = frozenset(("title", "number", "previous", "digest"))


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
    number = data.get("number")
    previous = data.get("previous")
    return facts_of(
        session_id,
        str(data.get("title") or ""),
        number if isinstance(number, int) and not isinstance(number, bool) else None,
        previous if isinstance(previous, str) else None,
    )
