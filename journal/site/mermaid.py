"""A session's timeline as a Mermaid gantt chart: the phases of the incident as bars
(each time-to figure from its origin to its milestone, from `insight.metrics`) and
each event as a milestone on a real time axis that spans every moment the session
knows; starred events stand out.

User text goes through `label`, which leaves nothing Mermaid's gantt grammar reads as
syntax: `:` `;` `#` `%` and angle brackets become Mermaid entity codes, line breaks
become spaces, and every label starts with the event's time, so no text can begin a
`section`, `title` or `click` line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING

from journal.site.charts import one_line

if TYPE_CHECKING:
    from datetime import datetime

    from journal.insight.metrics import Metrics
    from journal.model.session import Event

MAX_EVENTS = 40
"""More milestones than this make the chart unreadable: the rest stay in the table."""
KEY_KINDS = (
    "impact",
    "detected",
    "acknowledged",
    "identified",
    "mitigated",
    "resolved",
)
_LABEL_MAX = 72
_ENTITIES = {
    "#": "#35;",
    ":": "#58;",
    ";": "#59;",
    "%": "#37;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    '"': "#quot;",
    "`": "#96;",
}
_ESCAPES = str.maketrans(_ENTITIES)
_FORMAT = "%Y-%m-%d %H:%M:%S"
# Mermaid sizes a gantt to the window it renders in and the page scales it down to
# the text column: a fixed width keeps the labels at a readable size.
_CONFIG = (
    "---",
    "config:",
    "  gantt:",
    "    useWidth: 760",
    "    fontSize: 13",
    "    sectionFontSize: 13",
    "    barHeight: 20",
    "    barGap: 6",
    "    leftPadding: 70",
    "---",
)


def label(text: str, *, limit: int = _LABEL_MAX) -> str:
    """Text safe inside a gantt task name, cut to `limit` characters."""
    return one_line(text, limit).translate(_ESCAPES)


def chosen_events(events: Sequence[Event]) -> list[Event]:
    """The events drawn: all of them, or the starred and key ones first, then the
    earliest others, up to MAX_EVENTS, in time order."""
    if len(events) <= MAX_EVENTS:
        return list(events)
    key = [i for i, e in enumerate(events) if e.star or e.kind in KEY_KINDS]
    rest = [i for i, e in enumerate(events) if not (e.star or e.kind in KEY_KINDS)]
    picked = (key + rest)[:MAX_EVENTS]
    return [events[i] for i in sorted(picked)]


def gantt(
    events: Sequence[Event], metrics: Metrics, *, tz: tzinfo, tz_name: str
) -> str | None:
    """The Mermaid source (without the fence), or None when there is nothing to draw."""
    if not events:
        return None
    shown = chosen_events(events)
    # The span (events before `started` included) decides whether dates are shown.
    moments = [e.at for e in events] + [
        m for m in (metrics.span_start, metrics.span_end) if m is not None
    ]
    multi_day = len({m.astimezone(tz).date() for m in moments}) > 1
    lines = [
        *_CONFIG,
        "gantt",
        f"    title Timeline ({label(tz_name, limit=40)})",
        "    dateFormat YYYY-MM-DD HH:mm:ss",
        f"    axisFormat {'%m-%d %H:%M' if multi_day else '%H:%M'}",
        "    todayMarker off",
    ]
    bars = [
        f"    {label(name)} :done, {start.astimezone(tz).strftime(_FORMAT)}, "
        f"{end.astimezone(tz).strftime(_FORMAT)}"
        for name, start, end in phases(metrics)
    ]
    if bars:
        lines += ["    section Phases", *bars]
    lines.append("    section Events")
    clock = "%m-%d %H:%M" if multi_day else "%H:%M"
    for event in shown:
        at = event.at.astimezone(tz)
        name = label(f"{at.strftime(clock)} {event.kind} — {event.text or event.kind}")
        tags = "crit, milestone" if event.star else "milestone"
        lines.append(f"    {name} :{tags}, {at.strftime(_FORMAT)}, 0s")
    return "\n".join(lines)


def phases(metrics: Metrics) -> list[tuple[str, datetime, datetime]]:
    """One bar per figure of journal.insight.metrics, from the moment it is measured
    from (the start of impact, the detection, or `started`) to its milestone,
    labelled with the figure and its origin (the gantt's and the SVG's)."""
    from journal.insight.metrics import figures, format_duration

    rows = []
    for figure in figures(metrics):
        end, start = figure.milestone, figure.origin_at
        if end is None or start is None or figure.seconds is None:
            continue
        name = f"{figure.label} {format_duration(figure.seconds)} from {figure.origin}"
        rows.append((name, start, end))
    return rows


def fence(source: str) -> str:
    """The source in a ```mermaid fence (no backticks can occur in it)."""
    return f"```mermaid\n{source}\n```"
