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
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from journal import __version__
from journal.store.fingerprint import load_cache, read_or_empty, save_cache, stat_key
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.locate import CONFIG_NAME
from journal.store.sessions import Journal

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
        stale: list[str] = []
        for session_id in wanted:
            stats = self._stats(session_id)
            cached = self._cache.get(session_id)
            if (
                isinstance(cached, dict)
                and cached.get("stat") == stats
                and self._whole(cached.get("record"))
            ):
                fresh[session_id] = {"stat": stats, "record": cached["record"]}
            else:
                fresh[session_id] = {"stat": stats, "record": None}
                stale.append(session_id)
        for session_id, record in self._built(stale, len(wanted)):
            fresh[session_id]["record"] = record
        self.rebuilt += stale
        self._dirty = self._dirty or bool(stale)
        records = {sid: entry["record"] for sid, entry in fresh.items()}
        if session_ids is None:
            self._dirty = self._dirty or set(fresh) != set(self._cache)
            self._cache = fresh
        else:
            self._cache.update(fresh)
        return records

    def _built(self, stale: list[str], total: int) -> Iterator[tuple[str, Record]]:
        """(session, record) for each of `stale`, built from its files: in worker
        processes when there are many (a cold run), else here."""
        jobs = _workers() if len(stale) >= POOL_MIN else 1
        if jobs > 1:
            built: Iterable[Record] = _pooled(self._build, stale, jobs)
        else:
            built = map(self._build, stale)
        for done, (session_id, record) in enumerate(zip(stale, built, strict=True), 1):
            if progress is not None and done % 50 == 0:
                progress(self._name, done, total)
            yield session_id, record
        if progress is not None and stale:
            progress(self._name, total, total)

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


POOL_MIN = 400
"""Records to rebuild from which the work is shared among worker processes: below it,
starting them costs more than it saves."""
_CHUNK = 50
_BUILD: list[Callable[[str], Record]] = []


def _workers() -> int:
    """How many processes may build records: the cores this process may use, where
    a worker can start as a fork of this one (inheriting the builder as it is)."""
    if sys.platform != "linux":
        return 1
    from journal.process import usable_cores

    return usable_cores()


def _pooled(
    build: Callable[[str], Record], stale: list[str], jobs: int
) -> Iterator[Record]:
    """`build` of each of `stale`, in order, computed by `jobs` forked processes."""
    import multiprocessing

    chunks = [stale[i : i + _CHUNK] for i in range(0, len(stale), _CHUNK)]
    _BUILD[:] = [build]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for records in pool.imap(_build_chunk, chunks):
                yield from records
    finally:
        _BUILD.clear()


def _build_chunk(session_ids: list[str]) -> list[Record]:
    build = _BUILD[0]
    return [build(session_id) for session_id in session_ids]


def _salt(journal: Journal, extra: str) -> str:
    """What every record depends on besides its session: the package and the
    journal's configuration (kinds, statuses and time zone shape what loads)."""
    config = read_or_empty(journal.root / CONFIG_NAME)
    digest = hashlib.sha256(config).hexdigest()[:16]
    return f"{__version__}:{digest}:{extra}"
