"""Figures computed from a session's typed events: time to detect, mitigate, resolve.

One implementation, shared by the report's summary, `journal stats` and the site.
A figure whose events are missing is None — never guessed — and one whose events are
out of order (resolved before detected) is None too, with the problem named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journal.model import Event, Session

IMPACT_START_KIND = "impact"
"""An event of this kind, if present, marks when impact began (else `started`)."""


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


def first_of(events: Sequence[Event], kind: str) -> datetime | None:
    times = [e.at for e in events if e.kind == kind]
    return min(times) if times else None


def compute(session: Session, events: Sequence[Event]) -> Metrics:
    """The metrics of one session from its fields and timeline."""
    problems: list[str] = []
    start = first_of(events, IMPACT_START_KIND) or session.started
    detected = first_of(events, "detected")
    mitigated = first_of(events, "mitigated")
    resolved = first_of(events, "resolved")
    return Metrics(
        impact_start=start,
        detected=detected,
        mitigated=mitigated,
        resolved=resolved,
        time_to_detect_s=_span(start, detected, "detected", problems),
        time_to_mitigate_s=_span(start, mitigated, "mitigated", problems),
        time_to_resolve_s=_span(start, resolved, "resolved", problems),
        duration_s=_span(session.started, session.ended, "ended", problems),
        criteria_met=sum(1 for c in session.success_criteria if c.done),
        criteria_total=len(session.success_criteria),
        open_steps=sum(1 for s in session.next_steps if not s.done),
        problems=tuple(problems),
    )


def _span(
    start: datetime | None, end: datetime | None, label: str, problems: list[str]
) -> float | None:
    if start is None or end is None:
        return None
    seconds = (end - start).total_seconds()
    if seconds < 0:
        problems.append(
            f"{label} ({end.isoformat()}) is before the start ({start.isoformat()})"
        )
        return None
    return seconds


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
