"""Per-session records cached by the stats of each session's two files, rebuilt only
for the sessions that changed: what lets `list`, `todo`, `stats` and `check` answer
at 10,000 sessions without parsing 10,000 files.

Never trusted blindly. A record is reused only when both files' stats (mtime, size,
inode and ctime — ctime moves on every write, even one that restores the mtime) are
what they were when it was built, under the same package version and `journal.yaml`;
a missing entry, a changed stat or an unreadable cache means reading the files again.
Stats are taken before the files are read, so an edit racing a build leaves a stale
stat behind, never a stale record. Writing the cache is best effort.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

from journal import __version__
from journal.store.fingerprint import load_cache, read_or_empty, save_cache, stat_key
from journal.store.locate import CONFIG_NAME
from journal.store.sessions import SESSION_FILE, TIMELINE_FILE, Journal

Record = dict[str, Any]
FORMAT = 1

progress: Callable[[str, int, int], None] | None = None
"""Set by the command line on a terminal: called with (cache name, sessions rebuilt
so far, sessions in all) while records are rebuilt, and once more at the end."""


class StatIndex:
    """One cache file in the state folder of `name`: session id → record, where
    `build(session_id)` makes the record of one session from its files; `fields`
    names the keys every record has unless it holds an `error`."""

    def __init__(
        self,
        journal: Journal,
        name: str,
        build: Callable[[str], Record],
        *,
        salt: str = "",
        fields: frozenset[str] = frozenset(),
    ) -> None:
        self.journal = journal
        self._name = name
        self._path = journal.state_dir / f"{name}.json"
        self._build = build
        self._fields = fields
        self._salt = _salt(journal, salt)
        self._sessions = str(journal.sessions_dir)
        self._cache = self._load()
        self._dirty = False
        self.rebuilt: list[str] = []
        """The sessions whose records were built from their files this time."""

    def records(self, session_ids: list[str] | None = None) -> dict[str, Record]:
        """Every session's record (or those of `session_ids`), oldest first."""
        wanted = self.journal.session_ids() if session_ids is None else session_ids
        fresh: dict[str, Any] = {}
        records: dict[str, Record] = {}
        for session_id in wanted:
            stats = self._stats(session_id)
            cached = self._cache.get(session_id)
            if (
                isinstance(cached, dict)
                and cached.get("stat") == stats
                and self._whole(cached.get("record"))
            ):
                record = cached["record"]
            else:
                record = self._build(session_id)
                self.rebuilt.append(session_id)
                self._dirty = True
                if progress is not None and len(self.rebuilt) % 50 == 0:
                    progress(self._name, len(self.rebuilt), len(wanted))
            records[session_id] = record
            fresh[session_id] = {"stat": stats, "record": record}
        if progress is not None and self.rebuilt:
            progress(self._name, len(wanted), len(wanted))
        if session_ids is None:
            self._dirty = self._dirty or set(fresh) != set(self._cache)
            self._cache = fresh
        else:
            self._cache.update(fresh)
        return records

    def save(self) -> None:
        """Write the cache if anything changed; failing to is never an error."""
        if not self._dirty:
            return
        data = {"format": FORMAT, "salt": self._salt, "sessions": self._cache}
        save_cache(self._path, data)
        self._dirty = False

    def _whole(self, record: object) -> bool:
        """A record of the shape its builder makes: a mapping with every field it
        always has (or an `error`), so a cache from an older shape is rebuilt."""
        if not isinstance(record, dict):
            return False
        return "error" in record or self._fields <= record.keys()

    def _stats(self, session_id: str) -> list[list[int] | None]:
        # Plain strings: at 10,000 sessions, pathlib's joins cost half a second.
        folder = f"{self._sessions}{os.sep}{session_id}{os.sep}"
        return [stat_key(folder + SESSION_FILE), stat_key(folder + TIMELINE_FILE)]

    def _load(self) -> dict[str, Any]:
        stored = load_cache(self._path)
        if stored.get("format") != FORMAT or stored.get("salt") != self._salt:
            return {}
        sessions = stored.get("sessions")
        return sessions if isinstance(sessions, dict) else {}


def _salt(journal: Journal, extra: str) -> str:
    """What every record depends on besides its session: the package and the
    journal's configuration (kinds, statuses and time zone shape what loads)."""
    config = read_or_empty(journal.root / CONFIG_NAME)
    digest = hashlib.sha256(config).hexdigest()[:16]
    return f"{__version__}:{digest}:{extra}"
