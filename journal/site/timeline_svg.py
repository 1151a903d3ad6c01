"""A session's timeline: the phases of the incident as bars (each time-to figure
from its origin to its milestone, from `insight.metrics`) and each event on a real
time axis that spans every moment the session knows; starred events stand out.

It is an SVG drawn at build time (`timeline_svg`), which needs no script and no
network, so it shows the same offline, from `file://`, in any builder and in print.
Every text in it is HTML-escaped (`charts.escape`: quotes and brackets included) and
flattened to one line, so no text can end the SVG, an attribute or the raw HTML
block the Markdown page holds it in; a label cut short keeps its full text as a
tooltip.

With a local Mermaid named, it is Mermaid's gantt chart instead (`gantt`). User text
there goes through `label`, which leaves nothing Mermaid's gantt grammar reads as
syntax: `:` `;` `#` `%` and angle brackets become Mermaid entity codes, line breaks
become spaces, and every label starts with the event's time, so no text can begin a
`section`, `title` or `click` line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from journal.site.charts import escape, one_line, svg

if TYPE_CHECKING:
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
_GANTT_LABEL_MAX = 72
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


def label(text: str, *, limit: int = _GANTT_LABEL_MAX) -> str:
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


WIDTH = 760
LABEL_W = 330
RIGHT = 16
ROW_H = 22
TOP = 40
_LABEL_MAX = 52
_STAR = "#e53935"
_EVENT = "#1e88e5"
_PHASE = "#90a4ae"


def _t(text: str) -> str:
    return escape(one_line(text))


class _Axis:
    def __init__(self, start: datetime, end: datetime, tz: tzinfo) -> None:
        self.start = start
        self.span = max((end - start).total_seconds(), 60.0)
        self.tz = tz
        self.clock = (
            "%m-%d %H:%M"
            if start.astimezone(tz).date() != end.astimezone(tz).date()
            else "%H:%M"
        )

    def x(self, moment: datetime) -> float:
        share = (moment - self.start).total_seconds() / self.span
        return LABEL_W + share * (WIDTH - LABEL_W - RIGHT)

    def ticks(self, bottom: float) -> list[str]:
        out = []
        for i in range(5):
            moment = self.start + timedelta(seconds=self.span * i / 4)
            x = self.x(moment)
            anchor = "end" if i == 4 else "middle"  # the last one stays in the frame
            out.append(
                f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom:.1f}" '
                'stroke="currentColor" stroke-opacity=".15"/>'
                f'<text x="{x:.1f}" y="{TOP - 10}" font-size="11" '
                f'text-anchor="{anchor}">{_t(moment.astimezone(self.tz).strftime(self.clock))}'
                "</text>"
            )
        return out


def _row_label(y: float, text: str, *, bold: bool = False, full: str = "") -> str:
    """The row's label, cut to fit, with its whole text (`full`: already `_t`'d)
    as a tooltip."""
    flat = one_line(text)
    shown = one_line(flat, _LABEL_MAX)
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="4" y="{y + 15:.1f}" font-size="12"{weight}>{escape(shown)}'
        f"<title>{full or escape(flat)}</title></text>"
    )


def timeline_svg(
    events: Sequence[Event], metrics: Metrics, *, tz: tzinfo, tz_name: str
) -> str | None:
    """The figure (an HTML block of one line), or None when there is nothing to draw."""
    if not events:
        return None
    shown = chosen_events(events)
    bars = phases(metrics)
    moments = [e.at for e in events] + [
        m for m in (metrics.span_start, metrics.span_end) if m is not None
    ]
    axis = _Axis(min(moments), max(moments), tz)
    rows = len(bars) + len(shown)
    bottom = TOP + rows * ROW_H
    body = axis.ticks(bottom)
    y = float(TOP)
    for name, start, end in bars:
        x1, x2 = axis.x(start), axis.x(end)
        body.append(
            _row_label(y, name)
            + f'<rect x="{x1:.1f}" y="{y + 4:.1f}" width="{max(x2 - x1, 2):.1f}" '
            f'height="{ROW_H - 8}" rx="3" fill="{_PHASE}"><title>{_t(name)}</title>'
            "</rect>"
        )
        y += ROW_H
    for event in shown:
        at = event.at.astimezone(tz)
        text = f"{at.strftime(axis.clock)} {event.kind} — {event.text or event.kind}"
        x, mid = axis.x(event.at), y + ROW_H / 2
        color = _STAR if event.star else _EVENT
        full = _t(text)  # the label's tooltip and the diamond's
        body.append(
            _row_label(y, text, bold=event.star, full=full)
            + f'<path d="M{x:.1f} {mid - 6:.1f}l6 6l-6 6l-6 -6z" fill="{color}">'
            f"<title>{full}</title></path>"
        )
        y += ROW_H
    title = f"Timeline ({tz_name})"
    drawn = svg(one_line(title), WIDTH, bottom + 8, body)
    more = len(events) - len(shown)
    caption = f"{_t(title)}" + (
        f"; {more} more events in the table below" if more else ""
    )
    return (
        f'<figure class="journal-chart journal-timeline">{drawn}'
        f"<figcaption>{caption}</figcaption></figure>"
    )
