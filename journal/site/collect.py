"""Everything the site's pages are made of, read once: each session with its timeline
and metrics, and the follow-ups across sessions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.insight.metrics import Metrics, compute

if TYPE_CHECKING:
    from journal.insight.followups import Followup
    from journal.model.session import Event, Session
    from journal.store.sessions import Journal


@dataclass(frozen=True)
class SessionInfo:
    """One session as the site shows it."""

    id: str
    session: Session
    events: list[Event]
    metrics: Metrics
    day: date
    """The local date of the session's first moment (`started` or an earlier,
    back-filled event); the folder's date if it has neither."""
    journal: str = ""
    """The journal's name on a site of several journals (`id` is then
    `<journal>/<folder>`); empty on a journal's own site."""

    @property
    def local_id(self) -> str:
        """The session's folder name in its own journal."""
        return self.id.partition("/")[2] if self.journal else self.id

    @property
    def previous(self) -> str | None:
        """The `previous:` session as an id of this site: on a site of several
        journals, `<journal>/<id>` as written or, without a journal, this one's."""
        written = self.session.previous
        if not written or not self.journal or "/" in written:
            return written
        return f"{self.journal}/{written}"

    @property
    def label(self) -> str:
        """`Session 8: SQLAlchemy mapper error`, or the title alone; prefixed by the
        journal's name on a site of several journals."""
        number = self.session.number
        title = " ".join(self.session.title.split())
        label = f"Session {number}: {title}" if number is not None else title
        return f"{self.journal} · {label}" if self.journal else label

    @property
    def sort_key(self) -> tuple[date, float, str]:
        """Chronological: by day, then first moment, then id."""
        first = self.metrics.span_start
        return (self.day, first.timestamp() if first else 0.0, self.id)

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


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
    def _open_counts(self) -> Counter[str]:
        return Counter(f.session_id for f in self.followups if f.is_open)

    def open_steps(self, session_id: str) -> int:
        """Open follow-ups of one session, as the follow-ups page counts them."""
        return self._open_counts[session_id]


def collect(journal: Journal) -> Collected:
    """Read every session; a session that does not load is skipped and reported."""
    from journal.insight.followups import link_steps

    infos: list[SessionInfo] = []
    problems: list[tuple[str, str]] = []
    from journal.gitlink.derived import trailer_commits

    commits = trailer_commits(journal)  # once, for every session
    for session_id in journal.session_ids():
        try:
            session = journal.load(session_id)
        except JournalError as exc:
            problems.append((session_id, exc.one_line()))
            continue
        events = _events(journal, session_id, problems, commits)
        infos.append(_info(journal, session_id, session, events))
    followups = link_steps((i.id, i.session) for i in infos)
    return Collected(infos, followups, journal.now().date(), problems)


def _events(
    journal: Journal,
    session_id: str,
    problems: list[tuple[str, str]],
    commits: dict[str, list[dict[str, Any]]],
) -> list[Event]:
    # A torn last line during an incident must not take the session off the site:
    # the readable events are shown and the problem reported.
    from journal.gitlink.derived import with_trailer_commits

    try:
        events = journal.events(session_id)
    except JournalError as exc:
        problems.append((session_id, exc.one_line()))
        events = journal.events(session_id, strict=False)
    return with_trailer_commits(journal, session_id, events, found=commits)


def _info(
    journal: Journal, session_id: str, session: Session, events: list[Event]
) -> SessionInfo:
    metrics = compute(session, events)
    if metrics.span_start is not None:
        day = metrics.span_start.astimezone(journal.tz).date()
    else:
        try:
            day = date.fromisoformat(session_id[:10])
        except ValueError:  # the id pattern allows 2025-13-45
            day = date.min
    return SessionInfo(session_id, session, events, metrics, day)
