"""Everything the site's pages are made of: each session's facts and metrics from the
site's index (`records`), its whole session and timeline read only when a page needs
them, and the follow-ups across sessions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Protocol

from journal.insight.metrics import Metrics, compute
from journal.site.rowcache import Rows

if TYPE_CHECKING:
    from journal.insight.followups import Followup
    from journal.model.session import Event, Session
    from journal.site.records import SiteIndex
    from journal.store.sessions import Journal


Source = Callable[[], "tuple[Session, list[Event]]"]


@dataclass(frozen=True)
class SessionInfo:
    """One session as the site shows it."""

    id: str
    brief: Session
    """What the summary pages read of `session.yaml` (`records.BRIEF`; the other
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
        """Every session, newest first."""
        return sorted(self.infos, key=lambda i: i.sort_key, reverse=True)

    @cached_property
    def newest_place(self) -> dict[str, int]:
        """Each session's place in `newest`."""
        return {info.id: place for place, info in enumerate(self.newest)}

    @cached_property
    def _open_counts(self) -> Counter[str]:
        return Counter(f.session_id for f in self.followups if f.is_open)

    def open_steps(self, session_id: str) -> int:
        """Open follow-ups of one session, as the follow-ups page counts them."""
        # get: a Counter's [] calls __missing__ (Python) for every session
        # without open steps, once per row of every table.
        return self._open_counts.get(session_id, 0)


class Recall(Protocol):
    """What a live server's memory of the last generation (`live.Memory`) gives
    the next one."""

    def site_index(self, journal: Journal) -> SiteIndex:
        """The site's index, its records kept from the last generation."""

    def kept(self, records: dict[str, Any]) -> dict[str, SessionInfo]:
        """The last generation's `SessionInfo` of each session still current."""

    def followups(self, infos: list[SessionInfo]) -> list[Followup] | None:
        """The last generation's follow-ups, if no session's facts changed."""

    def rows(self, journal: Journal, salt: str, stamps: dict[str, Any]) -> Rows:
        """The summary pages' rows, kept from the last generation."""


def collect(journal: Journal, memory: Recall | None = None) -> Collected:
    """Every session as the site's index keeps it (see `records`): a session that
    does not load is skipped and reported; whole sessions and timelines are read
    only for the pages that need them. Given the `memory` of the last generation
    in this process (`journal site serve`), a session whose record and commits are
    the ones it had keeps its `SessionInfo`, and the follow-ups are kept while no
    session's facts changed."""
    from journal.gitlink.derived import trailer_commits
    from journal.insight.followups import link_steps
    from journal.site.records import SiteIndex
    from journal.site.rowcache import NAME
    from journal.store.cache import paused_gc

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
        folder = journal.state_dir / "site" / NAME
        rows = Rows(folder, salt=index.salt, stamps=stamps)
    else:
        rows = memory.rows(journal, index.salt, stamps)
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
