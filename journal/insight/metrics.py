"""Figures computed from a session's typed events — time to acknowledge, detect,
mitigate, resolve — each with the moment it is measured from, and the session's span.

One implementation, shared by the report's summary, `journal stats` and the site.
Back-filling is the normal flow (the pager fires, you mitigate, then you open a
session), so events before `started` are ordinary: the span reaches back to them and
no figure is measured from a moment that came after what it measures. A figure whose
events are missing is None — never guessed. Contradictions (see `contradictions`)
leave the figures they touch out, with the problem named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from journal.model.session import Event, Session

IMPACT_START_KIND = "impact"
"""An event of this kind, if present, marks when impact began: the clock's origin."""
MILESTONES = ("acknowledged", "detected", "mitigated", "resolved")
"""Event kinds that have a figure (`time_to_<kind minus -ed>`)."""
FIGURE_NAMES = {
    "acknowledged": "acknowledge",
    "detected": "detect",
    "mitigated": "mitigate",
    "resolved": "resolve",
}
MOMENTS = ("impact_start", "started", *MILESTONES, "span_start", "span_end")
"""The fields of `Metrics` that are moments (ISO text in the figures index)."""


@dataclass(frozen=True)
class Metrics:
    """Seconds from each figure's origin to its milestone; None where unknown.

    `*_from` names the origin of a figure that has a value: `impact` (an `impact`
    event), `detected` or `started`; None when the figure is None.
    """

    impact_start: datetime | None
    started: datetime | None
    acknowledged: datetime | None
    detected: datetime | None
    mitigated: datetime | None
    resolved: datetime | None
    time_to_acknowledge_s: float | None
    time_to_detect_s: float | None
    time_to_mitigate_s: float | None
    time_to_resolve_s: float | None
    time_to_acknowledge_from: str | None
    time_to_detect_from: str | None
    time_to_mitigate_from: str | None
    time_to_resolve_from: str | None
    span_start: datetime | None
    """The earliest moment the session knows: `started` or any event."""
    span_end: datetime | None
    """The latest: `ended` or any event."""
    duration_s: float | None
    """From `span_start` to `span_end`, once the session has ended."""
    criteria_met: int
    criteria_total: int
    open_steps: int
    problems: tuple[str, ...] = field(default=())


class Figure(NamedTuple):
    """One time-to figure as the report, the site and the diagram show it."""

    key: str
    """`time_to_detect`…: the name of its fields in `Metrics` and `stats --json`."""
    label: str
    milestone: datetime | None
    seconds: float | None
    origin: str | None
    origin_at: datetime | None


def figures(metrics: Metrics) -> list[Figure]:
    """The time-to figures in the order an incident reaches them."""
    at = {
        IMPACT_START_KIND: metrics.impact_start,
        "detected": metrics.detected,
        "started": metrics.started,
    }
    found = []
    for kind in ("detected", "acknowledged", "mitigated", "resolved"):
        key = f"time_to_{FIGURE_NAMES[kind]}"
        origin = getattr(metrics, f"{key}_from")
        found.append(
            Figure(
                key=key,
                label=f"Time to {FIGURE_NAMES[kind]}",
                milestone=getattr(metrics, kind),
                seconds=getattr(metrics, f"{key}_s"),
                origin=origin,
                origin_at=at[origin] if origin else None,
            )
        )
    return found


class Disorder(NamedTuple):
    """Two moments in an order that contradicts itself: `later` (an event kind or
    `ended`) happened before `earlier` (an event kind or `started`)."""

    later: str
    later_at: datetime
    earlier: str
    earlier_at: datetime

    def describe(self) -> str:
        return (
            f"{self.later} ({_shown(self.later_at)}) is before "
            f"{self.earlier} ({_shown(self.earlier_at)})"
        )


class Repeat(NamedTuple):
    """A milestone that can happen once, logged more than once (`resolved`)."""

    kind: str
    times: tuple[datetime, ...]

    def describe(self) -> str:
        shown = ", ".join(_shown(t) for t in self.times)
        return f"{len(self.times)} {self.kind} events ({shown})"


Contradiction = Disorder | Repeat

# (later, earlier): pairs that cannot happen in this order, whatever was back-filled.
_IMPOSSIBLE = (
    ("resolved", "detected"),
    ("mitigated", IMPACT_START_KIND),
    ("resolved", IMPACT_START_KIND),
)
ONCE = ("resolved",)
"""Milestones a session reaches once; a second one is a contradiction."""


def first_of(events: Sequence[Event], kind: str) -> datetime | None:
    # Compared in UTC: two times in one zone compare by wall clock across a DST change.
    times = [e.at for e in events if e.kind == kind]
    return min(times, key=_utc) if times else None


def span(
    session: Session, events: Sequence[Event]
) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest) of `started`, `ended` and every event; None when none."""
    moments = [e.at for e in events]
    moments += [t for t in (session.started, session.ended) if t is not None]
    if not moments:
        return None, None
    return min(moments, key=_utc), max(moments, key=_utc)


def contradictions(session: Session, events: Sequence[Event]) -> list[Contradiction]:
    """What cannot be true whatever order things were logged in: resolved before
    detected, mitigated or resolved before the impact began, `ended` before a moment
    it closes (`started` or the last event), and a milestone of `ONCE` logged twice.
    Everything else — events before `started` above all — is normal back-filling."""
    found: list[Contradiction] = []
    for later, earlier in _IMPOSSIBLE:
        later_at, earlier_at = first_of(events, later), first_of(events, earlier)
        if later_at and earlier_at and _utc(later_at) < _utc(earlier_at):
            found.append(Disorder(later, later_at, earlier, earlier_at))
    # The last moment `ended` closes: the last event, or `started` if later.
    closes = [(e.kind, e.at) for e in events]
    if session.started:
        closes.append(("started", session.started))
    closed = max(closes, key=lambda pair: _utc(pair[1])) if closes else None
    if session.ended and closed and _utc(session.ended) < _utc(closed[1]):
        found.append(Disorder("ended", session.ended, closed[0], closed[1]))
    for kind in ONCE:
        times = sorted((e.at for e in events if e.kind == kind), key=_utc)
        if len(times) > 1:
            found.append(Repeat(kind, tuple(times)))
    return found


def compute(session: Session, events: Sequence[Event]) -> Metrics:
    """The metrics of one session from its fields and timeline."""
    impact = first_of(events, IMPACT_START_KIND)
    moments = {kind: first_of(events, kind) for kind in MILESTONES}
    found = contradictions(session, events)
    measured: dict[str, tuple[float | None, str | None]] = {}
    notes: list[str] = []
    for kind in MILESTONES:
        origin = _origin(kind, session, impact, moments)
        measured[kind] = _measure(kind, moments[kind], origin, notes)
    start, end = span(session, events)
    duration = _span(start, end) if session.ended else None
    for contradiction in found:
        for kind in _touched(contradiction):
            if kind == "ended":
                duration = None
            elif kind in measured:
                measured[kind] = (None, None)
    times: dict[str, Any] = dict(moments)  # each milestone, then its figure
    for kind, (seconds, since) in measured.items():
        times[f"time_to_{FIGURE_NAMES[kind]}_s"] = seconds
        times[f"time_to_{FIGURE_NAMES[kind]}_from"] = since
    return Metrics(
        impact_start=impact,
        started=session.started,
        **times,
        span_start=start,
        span_end=end,
        duration_s=duration,
        criteria_met=sum(1 for c in session.success_criteria if c.done),
        criteria_total=len(session.success_criteria),
        open_steps=sum(1 for s in session.next_steps if not s.done),
        problems=tuple(c.describe() for c in found) + tuple(notes),
    )


def _origin(
    kind: str,
    session: Session,
    impact: datetime | None,
    moments: dict[str, datetime | None],
) -> tuple[str, datetime] | None:
    """Where the clock of `kind` starts.

    acknowledged: from the detection (the alert being acknowledged). The others from
    the start of impact when an `impact` event says when; else time to detect from
    `started` if the session was opened before the detection, and time to mitigate
    or resolve from the detection, or from `started` when nothing was detected.
    """
    moment = moments[kind]
    detected = moments["detected"]
    if kind == "acknowledged":
        return ("detected", detected) if detected else None
    if impact:
        return (IMPACT_START_KIND, impact)
    if kind != "detected" and detected:
        return ("detected", detected)
    started = session.started
    if started and moment and _utc(started) <= _utc(moment):
        return ("started", started)
    return None


def _measure(
    kind: str,
    moment: datetime | None,
    origin: tuple[str, datetime] | None,
    notes: list[str],
) -> tuple[float | None, str | None]:
    if moment is None or origin is None:
        return None, None
    if (seconds := _span(origin[1], moment)) is None:
        # Not a contradiction (those are named once, by `contradictions`), but the
        # figure cannot be measured from an origin that comes after it.
        if (kind, origin[0]) not in _IMPOSSIBLE:
            notes.append(
                f"time to {FIGURE_NAMES[kind]}: {kind} ({_shown(moment)}) is "
                f"before {origin[0]} ({_shown(origin[1])})"
            )
        return None, None
    return seconds, origin[0]


def _touched(contradiction: Contradiction) -> tuple[str, ...]:
    """The figures a contradiction leaves out: between two milestones which one is
    wrong is unknown, so both; an early `ended` only takes the duration."""
    if isinstance(contradiction, Repeat):
        return (contradiction.kind,)
    if contradiction.later == "ended":
        return ("ended",)
    return (contradiction.later, contradiction.earlier)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _shown(moment: datetime) -> str:
    """A moment in a problem's text: in UTC, so the text does not depend on the
    offset a time happened to be typed with."""
    return _utc(moment).isoformat()


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
