"""Figures computed from a session's typed events: time to detect, mitigate, resolve.

One implementation, shared by the report's summary, `journal stats` and the site.
A figure whose events are missing is None — never guessed — and one whose events are
out of order (resolved before detected) is None too, with the problem named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal.model.session import Event, Session

IMPACT_START_KIND = "impact"
"""An event of this kind, if present, marks when impact began (else `started`)."""
MILESTONES = ("detected", "mitigated", "resolved")
"""Event kinds in the order an incident goes through them."""


@dataclass(frozen=True)
class Metrics:
    """Seconds from the start of impact to each milestone; None where unknown."""

    impact_start: datetime | None
    detected: datetime | None
    mitigated: datetime | None
    resolved: datetime | None
    time_to_detect_s: float | None
    time_to_mitigate_s: float | None
    time_to_resolve_s: float | None
    duration_s: float | None
    criteria_met: int
    criteria_total: int
    open_steps: int
    problems: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Disorder:
    """Two moments in the wrong order: `later` happened before `earlier`.

    `later` is an event kind (or `ended`); `earlier` an event kind, `started`, or
    `impact` (the start of impact).
    """

    later: str
    later_at: datetime
    earlier: str
    earlier_at: datetime

    def describe(self) -> str:
        return (
            f"{self.later} ({self.later_at.isoformat()}) is before "
            f"{self.earlier} ({self.earlier_at.isoformat()})"
        )


def first_of(events: Sequence[Event], kind: str) -> datetime | None:
    # Compared in UTC: two times in one zone compare by wall clock across a DST change.
    times = [e.at for e in events if e.kind == kind]
    return min(times, key=_utc) if times else None


def disorders(session: Session, events: Sequence[Event]) -> list[Disorder]:
    """Every pair of moments out of order: a milestone before the start of impact or
    before an earlier milestone, and `ended` before `started`."""
    impact = first_of(events, IMPACT_START_KIND)
    start_label = IMPACT_START_KIND if impact else "started"
    start = impact or session.started
    chain: list[tuple[str, datetime | None]] = [(start_label, start)]
    chain += [(kind, first_of(events, kind)) for kind in MILESTONES]
    found: list[Disorder] = []
    for index, (later, later_at) in enumerate(chain):
        for earlier, earlier_at in chain[:index]:
            if later_at and earlier_at and _utc(later_at) < _utc(earlier_at):
                found.append(Disorder(later, later_at, earlier, earlier_at))
    if (
        session.started
        and session.ended
        and _utc(session.ended) < _utc(session.started)
    ):
        found.append(Disorder("ended", session.ended, "started", session.started))
    return found


def compute(session: Session, events: Sequence[Event]) -> Metrics:
    """The metrics of one session from its fields and timeline."""
    start = first_of(events, IMPACT_START_KIND) or session.started
    moments = {kind: first_of(events, kind) for kind in MILESTONES}
    spans = {kind: _span(start, moments[kind]) for kind in MILESTONES}
    duration = _span(session.started, session.ended)
    found = disorders(session, events)
    for disorder in found:
        if disorder.later == "ended":
            duration = None
            continue
        # Between two milestones which one is wrong is unknown: drop both figures.
        spans[disorder.later] = None
        if disorder.earlier in spans:
            spans[disorder.earlier] = None
    return Metrics(
        impact_start=start,
        detected=moments["detected"],
        mitigated=moments["mitigated"],
        resolved=moments["resolved"],
        time_to_detect_s=spans["detected"],
        time_to_mitigate_s=spans["mitigated"],
        time_to_resolve_s=spans["resolved"],
        duration_s=duration,
        criteria_met=sum(1 for c in session.success_criteria if c.done),
        criteria_total=len(session.success_criteria),
        open_steps=sum(1 for s in session.next_steps if not s.done),
        problems=tuple(d.describe() for d in found),
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _span(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    # Subtracting in UTC: with one shared tzinfo Python subtracts wall clocks, which
    # is an hour off across a DST change.
    seconds = (_utc(end) - _utc(start)).total_seconds()
    return seconds if seconds >= 0 else None


def format_duration(seconds: float | None) -> str:
    """`1h 05m`, `7m`, `42s`, `2d 3h`; an em dash when unknown."""
    if seconds is None:
        return "—"
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m" if not secs else f"{minutes}m {secs:02d}s"
    return f"{secs}s"
