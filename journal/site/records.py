"""The site's index of sessions: what the summary pages need of every session (its
facts, tags, `previous`, next steps, lessons and metrics), kept in a stat-keyed
cache so that a build after one session changed reads one session, not all of them.

Never trusted blindly. A record is reused only when both of the session's files
have the stats (mtime, size, inode, ctime — ctime moves on every write, even one that
puts the old mtime back) they had when it was built, under the same salt
(`store/cache.py`: the package's code, templates, `journal.yaml`); a missing entry,
a changed stat or an unreadable cache means reading the session again. Stats are
taken before the files are read, so an edit racing a build leaves a stale stat
behind, never a stale record.

Records to build are built in worker processes when there are many (`workers`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from journal.errors import JournalError
from journal.site import workers
from journal.site.cache import load_fast, save_fast
from journal.store.cache import salt
from journal.store.fingerprint import stat_key
from journal.store.sessions import SESSION_FILE, TIMELINE_FILE, Journal

Record = dict[str, Any]
FORMAT = 1
_NAME = "site-index.json"
BRIEF = (
    "title",
    "number",
    "status",
    "severity",
    "started",
    "ended",
    "tags",
    "previous",
    "next_steps",
    "lessons",
)
"""The fields of `session.yaml` the summary pages read (`SessionInfo.brief`)."""


class SiteIndex:
    """Every session's record, read through the cache in the journal's state folder."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.path = journal.state_dir / "site" / _NAME
        self.salt = salt(journal)
        self._sessions = str(journal.sessions_dir)
        self._old = self._load()
        self._new: dict[str, Any] = {}
        self.rebuilt: list[str] = []
        """The sessions whose records were built from their files this time."""
        self.stats: dict[str, list[Any]] = {}
        """Each session's file stats its record stands for (`rowcache` keys by it)."""
        self.unsaved = False
        """Whether the records differ from the file's (`save` writes them)."""

    def again(self, journal: Journal) -> None:
        """Start another generation in this process from the records of the last
        one, kept in memory (`journal site serve`): the file is not read again."""
        self.journal = journal
        self._old = self._new
        self._new = {}
        self.rebuilt = []

    def records(self) -> dict[str, Record]:
        """Every session's record, oldest first: `{"error": …}` for a session that
        does not load."""
        stats: dict[str, list[Any]] = {}
        records: dict[str, Record] = {}
        for session_id in self.journal.session_ids():
            stat = self._stats(session_id)
            stats[session_id] = stat
            cached = self._old.get(session_id)
            if (
                isinstance(cached, dict)
                and cached.get("stat") == stat
                and _whole(cached.get("record"))
            ):
                records[session_id] = cached["record"]
            else:
                self.rebuilt.append(session_id)
        self.stats = stats
        built = workers.run(build_records, str(self.journal.root), self.rebuilt)
        records.update(built)
        ordered = {sid: records[sid] for sid in stats}
        self._new = {
            sid: {"stat": stats[sid], "record": record}
            for sid, record in ordered.items()
        }
        self.unsaved |= bool(self.rebuilt) or self._new.keys() != self._old.keys()
        return ordered

    def save(self) -> None:
        """Write the cache if the records changed since it was last read or
        written; failing to is never an error."""
        if not self.unsaved:
            return
        save_fast(
            self.path, {"format": FORMAT, "salt": self.salt, "sessions": self._new}
        )
        self.unsaved = False

    def _stats(self, session_id: str) -> list[Any]:
        folder = f"{self._sessions}{os.sep}{session_id}{os.sep}"
        return [stat_key(folder + SESSION_FILE), stat_key(folder + TIMELINE_FILE)]

    def _load(self) -> dict[str, Any]:
        stored = load_fast(self.path)
        if stored.get("format") != FORMAT or stored.get("salt") != self.salt:
            return {}
        sessions = stored.get("sessions")
        return sessions if isinstance(sessions, dict) else {}


def build_records(root: str, session_ids: list[str]) -> dict[str, Record]:
    """The records of `session_ids`, read from their files (in a worker, or here)."""
    journal = Journal.open(Path(root))
    return {sid: build_record(journal, sid) for sid in session_ids}


def build_record(journal: Journal, session_id: str) -> Record:
    """One session's record from its files."""
    from journal.insight.index import metrics_dict
    from journal.insight.metrics import compute
    from journal.model.session import to_builtins
    from journal.store import notices

    try:
        session = journal.load(session_id)
    except JournalError as exc:
        return {"error": exc.one_line()}
    problem = None
    before = len(notices.given)
    try:
        events = journal.events(session_id)
        # A torn line is skipped with a warning: the site names it too.
        problem = "; ".join(notices.given[before:]) or None
    except JournalError as exc:
        # A torn last line during an incident must not take the session off the
        # site: the readable events are shown and the problem reported.
        problem = exc.one_line()
        events = journal.events(session_id, strict=False)
    data = to_builtins(session)
    brief = {name: data[name] for name in BRIEF if name in data}
    return {
        "brief": brief,
        "metrics": metrics_dict(compute(session, events)),
        "timeline_problem": problem,
    }


def _whole(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    return (
        "error" in record or {"brief", "metrics", "timeline_problem"} <= record.keys()
    )
