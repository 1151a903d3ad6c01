"""Everything the site's pages are made of: each session's facts and metrics from the
site's index (`SiteIndex`), its whole session and timeline read only when a page needs
them, the follow-ups across sessions, and each session's rows of the summary pages
kept between generations (`Rows`)."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from journal.errors import JournalError
from journal.insight.metrics import Metrics, compute
from journal.site import paths
from journal.site.safety import unchanged_line
from journal.store.cache import paused_gc, save_cache_bytes
from journal.store.facets import Records

if TYPE_CHECKING:
    from journal.insight.followups import Followup
    from journal.insight.relatedtype import Related
    from journal.model.session import Event, Session
    from journal.store.sessions import Journal


Record = dict[str, Any]
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


class SiteIndex(Records):
    """Every session's record: the `site/site-index` facet of the session records
    (`store/cache.py`), in the journal's state folder. It holds what the summary
    pages need of every session (its facts, tags, `previous`, next steps, lessons
    and metrics), so that a build after one session changed reads one session, not
    all of them.

    Never trusted blindly. A record is reused only when both of the session's files
    have the stats (mtime, size, inode, ctime — ctime moves on every write, even one
    that puts the old mtime back) they had when it was built, under the same salt
    (`store/cache.py`: the package's code, templates, `journal.yaml`); a missing
    entry, a changed stat or an unreadable cache means reading the session again.
    Stats are taken before the files are read, so an edit racing a build leaves a
    stale stat behind, never a stale record. Records to build are built in worker
    processes when there are many."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal, "site/site-index", self._one, fields=_FIELDS)

    def _one(self, session_id: str) -> Record:
        from journal.insight.index import metrics_dict
        from journal.model.session import to_builtins
        from journal.store import notices

        # `Records` names only what it reads of a journal; this is a whole one.
        journal = cast("Journal", self.journal)
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


_FIELDS = frozenset(("brief", "metrics", "timeline_problem"))

Source = Callable[[], "tuple[Session, list[Event]]"]
ROWS_FORMAT = 1
NAME = "site-rows"
"""The folder of the rows' files, in the state folder's `site/`."""
SHARDS = 16


class Rows:
    """Rows by session and name; without a folder (a site of several journals, a
    test) every row is made, none kept.

    What each session contributes to the summary pages — its rows in the session
    tables, its metrics row, its lessons, its follow-up rows — is kept between
    generations, so that after one session changed the pages are put together from
    the rows of the others instead of escaping and linking 10,000 sessions again.

    A session's rows are reused only while its stamp is the one they were made
    under: the stats of its two files as the site's index took them (`SiteIndex`),
    and its trailer commits; the cache as a whole only under the same salt
    (`store/cache.py`: the package's code, templates, `journal.yaml`). Whatever else
    a row depends on (the page's folder, its open follow-ups, its tags' file names,
    today) is part of the row's name, so a row made for other inputs is never
    found. A missing, truncated, foreign or damaged file (a checksum covers its
    rows) means making its rows again; failing to write one is never an error.

    The rows live in SHARDS files by session, so a change to one session rewrites
    one file of the twenty megabytes 10,000 sessions' rows take. Each row remembers
    whether `safety.defang_links` leaves it as it is, so the pages' check skips
    those lines (`fixed`).
    """

    def __init__(
        self,
        folder: Path | None = None,
        *,
        salt: str = "",
        stamps: dict[str, Any] | None = None,
    ) -> None:
        self.folder = folder
        self.salt = salt
        self.stamps = stamps or {}
        self.fixed: set[str] = set()
        """Lines handed out that `defang_links` leaves as they are."""
        self._fresh: dict[str, dict[str, Any]] | None = None
        self._stored: dict[int, set[str]] = {}
        """The sessions each shard's file held."""
        self._new: dict[str, dict[str, Any]] = {}
        self._made: set[str] = set()
        """Sessions with a row made this time."""

    def line(self, session_id: str, name: str, make: Callable[[], str]) -> str:
        """The session's row `name`: the one kept, or `make()`."""
        kept = self._kept(session_id, name)
        if (
            type(kept) is not list
            or len(kept) != 2
            or type(kept[0]) is not str
            or type(kept[1]) is not bool
        ):
            text = make()
            kept = [text, unchanged_line(text)]
            self._made.add(session_id)
        self._use(session_id, name, kept)
        if kept[1]:
            self.fixed.add(kept[0])
        return kept[0]  # type: ignore[no-any-return]

    def lines(
        self, session_id: str, name: str, count: int, make: Callable[[], list[str]]
    ) -> list[str]:
        """`count` lines under one name (a session's lessons), as `line`."""
        kept = self._kept(session_id, name)
        if not (
            type(kept) is list
            and len(kept) == 2
            and type(kept[0]) is list
            and type(kept[1]) is list
            and len(kept[0]) == len(kept[1]) == count
            and all(type(t) is str for t in kept[0])
            and all(type(f) is bool for f in kept[1])
        ):
            texts = make()
            kept = [texts, [unchanged_line(t) for t in texts]]
            self._made.add(session_id)
        self._use(session_id, name, kept)
        self.fixed.update(t for t, f in zip(kept[0], kept[1], strict=True) if f)
        return kept[0]  # type: ignore[no-any-return]

    def carried(self, stamps: dict[str, Any]) -> Rows:
        """The rows for the next generation in this process (`journal site serve`):
        those of this one whose session still has the stamp they were made under,
        without reading the files again."""
        carried = Rows(self.folder, salt=self.salt, stamps=stamps)
        mine = self.stamps
        kept = {
            sid: rows
            for sid, rows in self._new.items()
            if sid in stamps and stamps[sid] == mine.get(sid)
        }
        carried._fresh = kept
        carried._new = {sid: dict(rows) for sid, rows in kept.items()}
        carried._stored = self._stored
        return carried

    def save(self) -> None:
        """Keep the rows used this time (those of sessions gone are dropped),
        rewriting the shards where a row was made or a session went."""
        if self.folder is None:
            return
        import msgspec

        stamps = self.stamps
        shards: dict[int, dict[str, Any]] = {n: {} for n in range(SHARDS)}
        for sid, rows in self._new.items():
            if sid in stamps:
                shards[shard_of(sid)][sid] = [stamps[sid], rows]
        dirty = {shard_of(sid) for sid in self._made}
        for n, held in self._stored.items():
            if not held <= shards[n].keys():
                dirty.add(n)
        for n in sorted(dirty):
            body = msgspec.json.encode(shards[n])
            head = {"format": ROWS_FORMAT, "salt": self.salt, "crc": zlib.crc32(body)}
            data = msgspec.json.encode(head) + b"\n" + body
            save_cache_bytes(self.folder / f"{n:02d}.json", data)
            self._stored[n] = set(shards[n])

    def _kept(self, session_id: str, name: str) -> Any:
        fresh = self._fresh
        if fresh is None:
            fresh = self._fresh = self._load()
        rows = fresh.get(session_id)
        return None if rows is None else rows.get(name)

    def _use(self, session_id: str, name: str, kept: list[Any]) -> None:
        """Keep the row for next time (rows not used this time are dropped)."""
        if self.folder is None:
            return
        self._new.setdefault(session_id, {})[name] = kept

    def _load(self) -> dict[str, dict[str, Any]]:
        """The kept rows of each session whose stamp still holds."""
        fresh: dict[str, dict[str, Any]] = {}
        if self.folder is None or not self.folder.is_dir():
            return fresh  # a first build: one look, not one a shard
        stamps = self.stamps
        for n in range(SHARDS):
            sessions = self._shard(self.folder / f"{n:02d}.json")
            self._stored[n] = set(sessions)
            fresh.update(
                (sid, entry[1])
                for sid, entry in sessions.items()
                if type(entry) is list
                and len(entry) == 2
                and type(entry[1]) is dict
                and sid in stamps
                and entry[0] == stamps[sid]
            )
        return fresh

    def _shard(self, path: Path) -> dict[str, Any]:
        """One file's sessions; none when it is missing, damaged or foreign."""
        import msgspec

        try:
            head, _, body = path.read_bytes().partition(b"\n")
            stored = msgspec.json.decode(head)
            if (
                not isinstance(stored, dict)
                or stored.get("format") != ROWS_FORMAT
                or stored.get("salt") != self.salt
                or stored.get("crc") != zlib.crc32(body)
            ):
                return {}
            with paused_gc():
                sessions = msgspec.json.decode(body)
        except (OSError, msgspec.DecodeError):
            return {}
        return sessions if isinstance(sessions, dict) else {}


def shard_of(session_id: str) -> int:
    """The file a session's rows are kept in."""
    return zlib.crc32(session_id.encode("utf-8")) % SHARDS


@dataclass(frozen=True)
class SessionInfo:
    """One session as the site shows it."""

    id: str
    brief: Session
    """What the summary pages read of `session.yaml` (`BRIEF`; the other
    fields are left at their defaults); the whole session is `session`."""
    metrics: Metrics
    day: date
    """The local date of the session's first moment (`started` or an earlier,
    back-filled event); the folder's date if it has neither."""
    journal: str = ""
    """The journal's name on a site of several journals (`id` is then
    `<journal>/<folder>`); empty on a journal's own site."""
    linked: tuple[dict[str, Any], ...] = ()
    """The commits that name this session in a trailer, as timeline events (its
    page shows them)."""
    source: Source | None = field(default=None, compare=False, repr=False)
    """Reads the whole session and its timeline, when a page needs them."""

    @cached_property
    def _loaded(self) -> tuple[Session, list[Event]]:
        if self.source is None:
            return self.brief, []
        return self.source()

    @property
    def session(self) -> Session:
        """The whole session, read when first asked for."""
        return self._loaded[0]

    @property
    def events(self) -> list[Event]:
        """The timeline with its trailer commits, read when first asked for."""
        return self._loaded[1]

    @property
    def local_id(self) -> str:
        """The session's folder name in its own journal."""
        return self.id.partition("/")[2] if self.journal else self.id

    @property
    def previous(self) -> str | None:
        """The `previous:` session as an id of this site: on a site of several
        journals, `<journal>/<id>` as written or, without a journal, this one's."""
        written = self.brief.previous
        if not written or not self.journal or "/" in written:
            return written
        return f"{self.journal}/{written}"

    @property
    def label(self) -> str:
        """`Session 8: SQLAlchemy mapper error`, or the title alone; prefixed by the
        journal's name on a site of several journals."""
        number = self.brief.number
        title = " ".join(self.brief.title.split())
        label = f"Session {number}: {title}" if number is not None else title
        return f"{self.journal} · {label}" if self.journal else label

    @property
    def sort_key(self) -> tuple[date, float, str]:
        """Chronological: by day, then first moment, then id."""
        first = self.metrics.span_start
        return (self.day, first.timestamp() if first else 0.0, self.id)

    @cached_property
    def month(self) -> str:
        """`2025-11`: the home, archive, metrics and navigation group by it;
        `UNDATED_MONTH` for a session imported without a date."""
        if self.day.year <= 1:
            return UNDATED_MONTH
        return f"{self.day.year:04d}-{self.day.month:02d}"


UNDATED_MONTH = "0000-00"
"""The month of the sessions an import could not date (their day is 0001-01-01):
it sorts before every month, as their day does, and shows as "Undated"."""


@dataclass
class Collected:
    """The journal as the site sees it, oldest session first."""

    infos: list[SessionInfo]
    followups: list[Followup]
    today: date
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(session id, message) for sessions skipped or read in part."""
    journals: list[str] = field(default_factory=list)
    """The journals' names on a site of several journals; empty on one journal's."""
    rows: Rows = field(default_factory=Rows)
    """Each session's rows of the summary pages, kept from the last generation."""
    read: dict[str, list[Any]] = field(default_factory=dict)
    """The sessions read from their files this time, with their files' stats then
    (the render index takes their facts instead of parsing them again)."""

    @cached_property
    def by_id(self) -> dict[str, SessionInfo]:
        return {info.id: info for info in self.infos}

    @cached_property
    def following(self) -> dict[str, list[SessionInfo]]:
        """The sessions naming each session as their `previous`, oldest first."""
        found: dict[str, list[SessionInfo]] = {}
        for info in self.infos:
            if info.previous:
                found.setdefault(info.previous, []).append(info)
        return found

    @cached_property
    def newest(self) -> list[SessionInfo]:
        return sorted(self.infos, key=lambda i: i.sort_key, reverse=True)

    @cached_property
    def newest_place(self) -> dict[str, int]:
        return {info.id: place for place, info in enumerate(self.newest)}

    @cached_property
    def _open_counts(self) -> Counter[str]:
        return Counter(f.session_id for f in self.followups if f.is_open)

    def open_steps(self, session_id: str) -> int:
        """Open follow-ups of one session, as the follow-ups page counts them."""
        # get: a Counter's [] calls __missing__ (Python) for every session
        # without open steps, once per row of every table.
        return self._open_counts.get(session_id, 0)


def collect(journal: Journal, memory: Memory | None = None) -> Collected:
    """Every session as the site's index keeps it (see `SiteIndex`): a session that
    does not load is skipped and reported; whole sessions and timelines are read
    only for the pages that need them. Given the `memory` of the last generation
    in this process (`journal site serve`), a session whose record and commits are
    the ones it had keeps its `SessionInfo`, and the follow-ups are kept while no
    session's facts changed."""
    from journal.gitlink.derived import trailer_commits
    from journal.insight.followups import link_steps

    infos: list[SessionInfo] = []
    problems: list[tuple[str, str]] = []
    commits = trailer_commits(journal)  # once, for every session
    index = SiteIndex(journal) if memory is None else memory.site_index(journal)
    stamps: dict[str, Any] = {}
    records = index.records()
    before = memory.kept(records) if memory is not None else {}
    with paused_gc():
        for session_id, record in records.items():
            if "error" in record:
                problems.append((session_id, record["error"]))
                continue
            if record["timeline_problem"]:
                problems.append((session_id, record["timeline_problem"]))
            linked = commits.get(session_id)
            info = before.get(session_id)
            if info is None or info.linked != tuple(linked or ()):
                info = _info(journal, session_id, record, commits)
            infos.append(info)
            stat = index.stats[session_id]
            stamps[session_id] = [*stat, linked] if linked else stat
        kept = memory.followups(infos) if memory is not None else None
        followups = link_steps((i.id, i.brief) for i in infos) if kept is None else kept
    if memory is None:
        index.save()  # a live server's waits for an idle moment (`Memory.flush`)
    rows = (memory or Memory()).rows(journal, index.salt, stamps)
    read = {sid: index.stats[sid] for sid in index.rebuilt}
    today = journal.now().date()
    return Collected(infos, followups, today, problems, rows=rows, read=read)


def given(whole: tuple[Session, list[Event]]) -> Source:
    """A source of a session already read."""
    return lambda: whole


def read_whole(
    journal: Journal,
    session_id: str,
    *,
    strict: bool,
    commits: list[dict[str, Any]],
) -> tuple[Session, list[Event]]:
    """The session, its timeline (the readable lines when `strict` is off) and the
    trailer commits its timeline does not list."""
    from journal.gitlink.derived import with_trailer_commits

    session = journal.load(session_id)
    events = journal.events(session_id, strict=strict)
    found = {session_id: commits} if commits else {}
    return session, with_trailer_commits(journal, session_id, events, found=found)


def _info(
    journal: Journal,
    session_id: str,
    record: dict[str, Any],
    commits: dict[str, list[dict[str, Any]]],
) -> SessionInfo:
    from journal.insight.index import metrics_of
    from journal.model.session import to_session

    linked = commits.get(session_id, [])
    strict = not record["timeline_problem"]
    source = partial(read_whole, journal, session_id, strict=strict, commits=linked)
    brief = to_session(record["brief"])
    if linked:
        # Trailer commits may widen the timeline's span: measured with them.
        whole, events = source()
        metrics = compute(whole, events)
    else:
        metrics = metrics_of(record["metrics"])
    if metrics.span_start is not None:
        day = metrics.span_start.astimezone(journal.tz).date()
    else:
        try:
            day = date.fromisoformat(session_id[:10])
        except ValueError:  # the id pattern allows 2025-13-45
            day = date.min
    return SessionInfo(
        session_id, brief, metrics, day, linked=tuple(linked), source=source
    )


RelatedMap = dict[str, list["Related"]]


@dataclass
class Memory:
    """What `journal site serve` keeps in memory from one generation to the next
    (the last generation's state, and what the server saw change since), so that
    after one session changed only what can show that change is made again: the
    session's page, its neighbours' in a chain, the pages whose related sessions
    moved, and the summary pages that list it.

    A generation from the caches on disk goes through every session to find it
    unchanged (2.3 s at 10,000 sessions); with the memory, a session whose record is
    the very object the site's index kept, and whose folder the server's poll saw
    untouched, is known unchanged without a look. Anything the memory cannot follow
    (configuration, templates, a new day) starts it afresh: the server makes a new
    `Memory`, and the next generation does all the work, from the caches on disk."""

    index: SiteIndex | None = None
    """The site's index, its records kept between generations."""
    touched: set[str] = field(default_factory=set)
    """Sessions with a file the server saw change (evidence included) since the
    last generation."""
    collected: Collected | None = None
    records: dict[str, Record] = field(default_factory=dict)
    related: RelatedMap | None = None
    summaries: set[str] = field(default_factory=set)
    """The summary pages the last generation wrote."""
    slugs: dict[str, str] | None = None
    """The tags' file names the summary pages were made with."""
    hotspots: tuple[str | None, dict[str, Any]] | None = None
    """HEAD and the sessions' features the hotspots page was made from."""
    _records: dict[str, Record] = field(default_factory=dict)
    _rows: Rows | None = None
    _related: RelatedMap | None = None

    def site_index(self, journal: Journal) -> SiteIndex:
        """The site's index: read from its file the first time, then the one kept
        here, its records in memory."""
        if self.index is None:
            self.index = SiteIndex(journal)
        else:
            self.index.again(journal)
        return self.index

    def rows(self, journal: Journal, salt: str, stamps: dict[str, Any]) -> Rows:
        """The summary pages' rows: read from their files the first time, then
        those kept here."""
        if self._rows is None:
            folder = journal.state_dir / "site" / NAME
            self._rows = Rows(folder, salt=salt, stamps=stamps)
        else:
            self._rows = self._rows.carried(stamps)
        return self._rows

    def kept(self, records: dict[str, Record]) -> dict[str, SessionInfo]:
        """Last generation's `SessionInfo` of each session whose record is the one
        it was made from (the index hands out the same object while the session's
        files keep their stats) and whose folder was not touched."""
        self._records = records
        if self.collected is None:
            return {}
        before, touched = self.records, self.touched
        return {
            sid: info
            for sid, info in self.collected.by_id.items()
            if sid not in touched and records.get(sid) is before.get(sid)
        }

    def followups(self, infos: list[SessionInfo]) -> list[Followup] | None:
        """The last generation's follow-ups while every session is there with the
        facts it had (they are made of them)."""
        before = self.collected
        if before is None or len(infos) != len(before.infos):
            return None
        by_id = before.by_id
        for info in infos:
            old = by_id.get(info.id)
            if old is not info and (old is None or old.brief != info.brief):
                return None
        return before.followups

    def changes(self, collected: Collected) -> Changes | None:
        """What changed since the last generation; None when everything is to be
        made (no last generation, or a new day: ages and overdue steps move)."""
        before = self.collected
        if before is None or before.today != collected.today:
            return None
        old, new = before.by_id, collected.by_id
        changed = {sid for sid, info in new.items() if old.get(sid) is not info}
        changed |= old.keys() - new.keys()
        problems = set(before.problems) ^ set(collected.problems)
        changed |= {sid for sid, _ in problems}
        return Changes(changed, before, collected)

    def pages_unchanged(
        self, collected: Collected, related: RelatedMap | None
    ) -> set[str]:
        """The sessions whose page is known current without computing its key."""
        self._related = related
        found = self.changes(collected)
        if found is None or (related is None) != (self.related is None):
            return set()
        affected = found.neighbourhood()
        if related is not None and related is not self.related:
            before = self.related or {}
            for sid, rows in related.items():
                if before.get(sid) != rows:  # labels included: a new title moves
                    affected.add(sid)
        return set(collected.by_id) - affected

    def flush(self) -> None:
        """Write what the generations kept in memory only (the site's index), so
        the next `journal site build` finds it: when the server is idle or stops."""
        if self.index is not None:
            self.index.save()

    def remember(self, collected: Collected) -> None:
        """Keep this generation's state for the next one (the summary pages keep
        theirs as they are made)."""
        self.collected = collected
        self.records = self._records
        self.related = self._related
        self.touched = set()


@dataclass
class Changes:
    """The sessions changed between two generations."""

    sessions: set[str]
    before: Collected
    after: Collected

    def neighbourhood(self) -> set[str]:
        """The changed sessions and those whose page names one of them in its
        chain (`previous:` and the sessions following), before and after."""
        found = set(self.sessions)
        for collected in (self.before, self.after):
            for sid in self.sessions:
                info = collected.by_id.get(sid)
                if info is not None and info.previous:
                    found.add(info.previous)
                found.update(i.id for i in collected.following.get(sid, []))
        return found

    def summaries(self, slugs: dict[str, str]) -> set[str]:
        """The summary pages besides the hotspots that show a changed session:
        the tables of its months and tags, the home, archive and tag index, and
        the follow-ups, lessons and metrics when what they show of it moved."""
        before, after = self.before.by_id, self.after.by_id
        facts = listed = False
        months: set[str] = set()
        tags: set[str] = set()
        for sid in self.sessions:
            old, new = before.get(sid), after.get(sid)
            if old is None or new is None or old.brief != new.brief:
                facts = True
            elif _listed(old) != _listed(new):
                listed = True
            for info in (old, new):
                if info is not None:
                    months.add(info.month)
                    tags.update(info.brief.tags)
        pages: set[str] = set()
        if facts or listed:
            pages |= {paths.HOME, paths.ARCHIVE, paths.TAGS, paths.METRICS}
            pages |= {paths.month_page(m) for m in months}
            pages |= {paths.tag_page(slugs[t]) for t in tags if t in slugs}
        if facts:
            pages |= {paths.FOLLOWUPS, paths.LESSONS}
        return pages


def _listed(info: SessionInfo) -> tuple[Any, ...]:
    """What the summary tables and the metrics page show of a session besides its
    facts."""
    return (info.metrics, info.day, info.linked)
