"""A session's timeline as an SVG drawn at build time: the phases of the incident as
bars (each time-to figure from its origin to its milestone, from `insight.metrics`)
and each event as a diamond on a real time axis; starred events stand out.

It needs no script and no network, so it shows the same offline, from `file://`, in
any builder and in print. Every text in it is HTML-escaped (`charts.escape`: quotes
and brackets included) and flattened to one line, so no text can end the SVG, an
attribute or the raw HTML block the Markdown page holds it in; a label cut short
keeps its full text as a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from journal.site.charts import escape, one_line, svg
from journal.site.mermaid import chosen_events, phases

if TYPE_CHECKING:
    from journal.insight.metrics import Metrics
    from journal.model.session import Event

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
