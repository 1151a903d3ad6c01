"""Charts as inline SVG, drawn here: the metrics page's (`bars`, `columns`) and a
session's timeline (`timeline_svg`: the phases of the incident as bars, each time-to
figure from its origin to its milestone, from `insight.metrics`, and each event on a
real time axis that spans every moment the session knows; starred events stand out).
They need no script and no network, so they show the same offline, from `file://`,
in any builder and in the page's print.

Every text in them is HTML-escaped (`escape`: quotes and brackets included) and
flattened to one line, so no text can end the SVG, an attribute or the raw HTML
block the Markdown page holds it in; labels too long are cut, with the full text
kept as a tooltip.

With a local Mermaid named, the timeline is Mermaid's gantt chart instead (`gantt`).
User text there goes through `label`, which leaves nothing Mermaid's gantt grammar
reads as syntax: `:` `;` `#` `%` and angle brackets become Mermaid entity codes,
line breaks become spaces, and every label starts with the event's time, so no text
can begin a `section`, `title` or `click` line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from html import escape as _html_escape
from typing import TYPE_CHECKING

from journal.insight.metrics import MILESTONES
from journal.when import clock_text

if TYPE_CHECKING:
    from journal.insight.metrics import Metrics
    from journal.model.session import Event


def escape(text: str) -> str:
    """HTML-escaped, quotes and brackets too: no `](` is left for the page's link
    check (journal.site.safety) to read as a link in the middle of the SVG."""
    escaped = _html_escape(text, quote=True)
    # Two replaces, not `str.translate`: a table of two characters still looks
    # every character up (2.7 against 0.3 us a label; a timeline has a hundred).
    if "[" in escaped or "]" in escaped:
        escaped = escaped.replace("[", "&#91;").replace("]", "&#93;")
    return escaped


WIDTH = 720
LABEL_W = 230
BAR_H = 14
ROW_GAP = 10
TOP = 34
PALETTE = ("#1e88e5", "#fb8c00", "#43a047", "#8e24aa", "#e53935", "#00897b")


@dataclass(frozen=True)
class Series:
    name: str
    color: str


Format = Callable[[float], str]


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def one_line(text: object, limit: int | None = None) -> str:
    """`text` on one line, cut to `limit` characters (an ellipsis the last)."""
    flat = " ".join(str(text).split())
    return flat if limit is None else _cut(flat, limit)


def _cut(flat: str, limit: int) -> str:
    """A text already on one line, cut to `limit` characters as `one_line` cuts."""
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _legend(series: Sequence[Series]) -> list[str]:
    out, x = [], LABEL_W
    for s in series:
        out.append(
            f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{s.color}"/>'
        )
        out.append(_text(x + 18, 18, s.name, font_size="12"))
        x += 30 + 7 * len(s.name)
    return out


def svg(title: str, width: int, height: float, body: list[str]) -> str:
    """The SVG element of a chart (or of a timeline) of `width` by `height`."""
    return (
        f'<svg viewBox="0 0 {width} {height:.0f}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" fill="currentColor">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _figure(title: str, height: float, body: list[str], caption: str) -> str:
    drawn = svg(title, WIDTH, height, body)
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="journal-chart">\n{drawn}\n{cap}\n</figure>'


def bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[Series],
    *,
    fmt: Format,
    caption: str = "",
    colors: Sequence[str] | None = None,
) -> str:
    """Horizontal bars: one row per label, one bar per series (None: no bar).
    `colors` gives each row its own colour (single-series charts)."""
    values = [v for _, vs in rows for v in vs if v is not None]
    top = max(values, default=0.0) or 1.0
    span = WIDTH - LABEL_W - 90
    row_h = BAR_H * len(series) + ROW_GAP
    body = _legend(series) if len(series) > 1 else []
    first = TOP if body else 8
    for index, (name, vs) in enumerate(rows):
        y = first + index * row_h
        body.append(
            f"<g><title>{escape(name)}</title>"
            + _text(
                LABEL_W - 8,
                y + BAR_H * len(series) / 2 + 4,
                one_line(name, 34),
                text_anchor="end",
                font_size="12",
            )
            + "</g>"
        )
        for k, value in enumerate(vs):
            by = y + k * BAR_H
            color = colors[index] if colors else series[k].color
            if value is None:
                body.append(_text(LABEL_W + 4, by + 11, "—", font_size="11"))
                continue
            w = max(span * value / top, 1.5)
            body.append(
                f'<rect x="{LABEL_W}" y="{by + 1}" width="{w:.1f}" '
                f'height="{BAR_H - 2}" rx="2" fill="{color}">'
                f"<title>{escape(f'{series[k].name}: {fmt(value)}')}</title></rect>"
            )
            body.append(_text(LABEL_W + w + 5, by + 11, fmt(value), font_size="11"))
    return _figure(title, first + len(rows) * row_h + 6, body, caption)


def columns(
    title: str,
    groups: Sequence[tuple[str, Sequence[float | None]]],
    series: Sequence[Series],
    *,
    fmt: Format,
    caption: str = "",
) -> str:
    """Vertical columns over time: one group per label (a month), one column per
    series, with a value axis of three gridlines."""
    values = [v for _, vs in groups for v in vs if v is not None]
    top = max(values, default=0.0) or 1.0
    height, base, left = 300.0, 250.0, 70.0
    plot_h = base - TOP - 10
    slot = (WIDTH - left - 10) / max(len(groups), 1)
    col_w = max(min(slot * 0.8 / max(len(series), 1), 28.0), 2.0)
    body = _legend(series)
    for step in (0.5, 1.0):
        y = base - plot_h * step
        body.append(
            f'<line x1="{left}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="currentColor" stroke-opacity="0.15"/>'
        )
        body.append(
            _text(left - 6, y + 4, fmt(top * step), text_anchor="end", font_size="11")
        )
    body.append(
        f'<line x1="{left}" x2="{WIDTH - 10}" y1="{base}" y2="{base}" '
        'stroke="currentColor" stroke-opacity="0.4"/>'
    )
    every = max(1, round(len(groups) / 12))
    for index, (name, vs) in enumerate(groups):
        x0 = left + index * slot + (slot - col_w * len(series)) / 2
        for k, value in enumerate(vs):
            if value is None:
                continue
            h = max(plot_h * value / top, 1.5)
            body.append(
                f'<rect x="{x0 + k * col_w:.1f}" y="{base - h:.1f}" '
                f'width="{col_w - 1:.1f}" height="{h:.1f}" fill="{series[k].color}">'
                f"<title>{escape(f'{name} {series[k].name}: {fmt(value)}')}</title>"
                "</rect>"
            )
        if index % every == 0:
            x = left + (index + 0.5) * slot
            body.append(_text(x, base + 16, name, text_anchor="middle", font_size="11"))
    return _figure(title, height, body, caption)


MAX_EVENTS = 40
"""More milestones than this make the chart unreadable: the rest stay in the table."""
KEY_KINDS = ("impact", "identified", *MILESTONES)
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
    clock = "%m-%d %H:%M" if multi_day else "%H:%M"
    lines = [
        *_CONFIG,
        "gantt",
        f"    title Timeline ({label(tz_name, limit=40)})",
        "    dateFormat YYYY-MM-DD HH:mm:ss",
        f"    axisFormat {clock}",
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


TIMELINE_WIDTH = 760
TIMELINE_LABEL_W = 330
RIGHT = 16
ROW_H = 22
TIMELINE_TOP = 40
_TIMELINE_LABEL_MAX = 52
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
        self.dated = start.astimezone(tz).date() != end.astimezone(tz).date()
        """Whether times show their day (`%m-%d %H:%M`): the span crosses one."""

    def clock(self, local: datetime) -> str:
        """A moment already in the zone, as the ticks and labels show it."""
        time = clock_text(local)
        return f"{local.month:02d}-{local.day:02d} {time}" if self.dated else time

    def x(self, moment: datetime) -> float:
        share = (moment - self.start).total_seconds() / self.span
        return TIMELINE_LABEL_W + share * (TIMELINE_WIDTH - TIMELINE_LABEL_W - RIGHT)

    def ticks(self, bottom: float) -> list[str]:
        out = []
        for i in range(5):
            moment = self.start + timedelta(seconds=self.span * i / 4)
            x = self.x(moment)
            anchor = "end" if i == 4 else "middle"  # the last one stays in the frame
            out.append(
                f'<line x1="{x:.1f}" y1="{TIMELINE_TOP - 6}" x2="{x:.1f}" '
                f'y2="{bottom:.1f}" '
                'stroke="currentColor" stroke-opacity=".15"/>'
                f'<text x="{x:.1f}" y="{TIMELINE_TOP - 10}" font-size="11" '
                f'text-anchor="{anchor}">{_t(self.clock(moment.astimezone(self.tz)))}'
                "</text>"
            )
        return out


def _row_label(y: float, flat: str, full: str, *, bold: bool = False) -> str:
    """The row's label (`flat`: on one line), cut to fit, with its whole text
    (`full`: `flat` escaped) as a tooltip."""
    shown = _cut(flat, _TIMELINE_LABEL_MAX)
    weight = ' font-weight="bold"' if bold else ""
    label = full if shown is flat else escape(shown)
    return (
        f'<text x="4" y="{y + 15:.1f}" font-size="12"{weight}>{label}'
        f"<title>{full}</title></text>"
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
    bottom = TIMELINE_TOP + rows * ROW_H
    body = axis.ticks(bottom)
    y = float(TIMELINE_TOP)
    for name, start, end in bars:
        x1, x2 = axis.x(start), axis.x(end)
        flat = one_line(name)
        full = escape(flat)
        body.append(
            _row_label(y, flat, full)
            + f'<rect x="{x1:.1f}" y="{y + 4:.1f}" width="{max(x2 - x1, 2):.1f}" '
            f'height="{ROW_H - 8}" rx="3" fill="{_PHASE}"><title>{full}</title>'
            "</rect>"
        )
        y += ROW_H
    for event in shown:
        at = event.at.astimezone(tz)
        flat = one_line(f"{axis.clock(at)} {event.kind} — {event.text or event.kind}")
        x, mid = axis.x(event.at), y + ROW_H / 2
        color = _STAR if event.star else _EVENT
        # Flattened and escaped once: the label's, its tooltip's and the diamond's.
        full = escape(flat)
        body.append(
            _row_label(y, flat, full, bold=event.star)
            + f'<path d="M{x:.1f} {mid - 6:.1f}l6 6l-6 6l-6 -6z" fill="{color}">'
            f"<title>{full}</title></path>"
        )
        y += ROW_H
    title = f"Timeline ({tz_name})"
    drawn = svg(one_line(title), TIMELINE_WIDTH, bottom + 8, body)
    more = len(events) - len(shown)
    caption = f"{_t(title)}" + (
        f"; {more} more events in the table below" if more else ""
    )
    return (
        f'<figure class="journal-chart journal-timeline">{drawn}'
        f"<figcaption>{caption}</figcaption></figure>"
    )
