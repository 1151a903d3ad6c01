"""Per-session records, one facet a file (`Records`): `<facet>.json` in the state
folder maps each session id to the record `build` makes of its files, reused while
the session's stats and the salt are those it was made under (`store/cache.py`
keys every cache), and written atomically through `store/files.py`. A command
reads only the facets it needs. A cold run builds the records in forked worker
processes.

Standard library only: the fast paths (`list`, `todo`, `render --all`) use it.
"""

from __future__ import annotations

import json
from itertools import chain

from journal.store.cache import (
    FORMAT,
    load_cache,
    remember,
    remembered,
    salt,
    save_cache_bytes,
    session_stats,
)

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths use this)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from journal.store.cache import Journal, Record

progress: Callable[[str, int, int], None] | None = None
"""Set by the command line on a terminal: called with (facet, sessions rebuilt so
far, sessions in all) while records are rebuilt, and once more at the end."""


class Records:
    """One facet of every session's record: `build(session_id)` makes it from the
    session's files; `fields` names the keys every record has unless it holds an
    `error`; `extra` is what this facet depends on besides the salt (the rules of
    `check`). Stats are taken before the files are read, so an edit racing a build
    leaves a stale stat behind, never a stale record. `big`: the facet is written
    with msgspec (the features, 15 MB at 10,000 sessions: 10 times faster than
    `json`); every facet is read by `load_cache`."""

    def __init__(
        self,
        journal: Journal,
        facet: str,
        build: Callable[[str], Record],
        *,
        extra: str = "",
        fields: frozenset[str] = frozenset(),
        big: bool = False,
    ) -> None:
        self.journal = journal
        self._name = facet
        self._path = journal.state_dir / f"{facet}.json"
        self._build = build
        self._fields = fields
        self._extra = extra
        self._big = big
        self.salt = f"{salt(journal)}:{extra}"
        """What the records were made under: the salt of every cache and `extra`."""
        self._sessions = str(journal.sessions_dir)
        self._cache = self._load()
        self._dirty = False
        self.stats: dict[str, list[list[int] | None]] = {}
        """Each session's stats as `records` took them, before reading its files."""
        self.rebuilt: list[str] = []
        """The sessions whose records were built from their files this time."""

    def records(self, session_ids: list[str] | None = None) -> dict[str, Record]:
        """Every session's record (or those of `session_ids`), oldest first."""
        wanted = self.journal.session_ids() if session_ids is None else session_ids
        fresh: dict[str, Any] = {}
        stale: list[str] = []
        sessions, cache, taken = self._sessions, self._cache, self.stats
        whole = self._whole
        for session_id in wanted:  # once per session: kept lean (10,000 at scale)
            stats = session_stats(sessions, session_id)
            taken[session_id] = stats
            cached = cache.get(session_id)
            if (
                type(cached) is dict
                and cached.get("stat") == stats
                and whole(cached.get("record"))
            ):
                # The stored entry is reused: the same stat and record, no new dict.
                fresh[session_id] = cached
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
        if len(stale) >= POOL_MIN:
            from journal.pool import pooled  # a cold run's: not on the fast paths

            build = self._build
            chunks = pooled(lambda chunk: list(map(build, chunk)), stale, size=CHUNK)
            built: Iterable[Record] = chain.from_iterable(chunks)
        else:
            built = map(self._build, stale)
        for done, (session_id, record) in enumerate(zip(stale, built, strict=True), 1):
            if progress is not None and done % 50 == 0:
                progress(self._name, done, total)
            yield session_id, record
        if progress is not None and stale:
            progress(self._name, total, total)

    def save(self) -> None:
        """Write the facet if anything changed; failing to is never an error."""
        if not self._dirty:
            return
        data = {"format": FORMAT, "salt": self.salt, "sessions": self._cache}
        # Unsorted: the sessions are in order, and sorting 10,000 records costs.
        if self._big:
            import msgspec

            save_cache_bytes(self._path, msgspec.json.encode(data))
        else:
            save_cache_bytes(self._path, json.dumps(data).encode("utf-8"))
        remember(self._path, self.salt, self._cache)
        self._dirty = False

    def again(self, journal: Journal) -> None:
        """Start another generation in this process from the records kept in memory
        (`journal site serve`): the file is not read again unless the salt moved."""
        self.journal = journal
        self.rebuilt = []
        self.stats = {}
        now = f"{salt(journal)}:{self._extra}"
        if now != self.salt:
            self.salt = now
            self._cache = {}
            self._dirty = True

    def _whole(self, record: object) -> bool:
        """A record of the shape its builder makes: a mapping with every field it
        always has (or an `error`), so a record of an older shape is rebuilt."""
        return isinstance(record, dict) and (
            "error" in record or self._fields <= record.keys()
        )

    def _load(self) -> dict[str, Any]:
        """The stored records, from memory while the file is the one this process
        last read or wrote; none when it is missing, damaged or of another salt."""
        known = remembered(self._path, self.salt)
        if known is not None:
            return known  # type: ignore[no-any-return]
        stored = load_cache(self._path)
        sessions = stored.get("sessions")
        if stored.get("format") != FORMAT or stored.get("salt") != self.salt:
            sessions = None
        sessions = sessions if isinstance(sessions, dict) else {}
        remember(self._path, self.salt, sessions)
        return sessions


POOL_MIN = 400
"""Records to rebuild from which the work is shared among worker processes: below it,
starting them costs more than it saves."""
CHUNK = 50
"""Records a worker builds at a time (`journal/pool.py`)."""
