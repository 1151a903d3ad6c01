"""Charts as inline SVG, drawn here: they need no JavaScript and no network, so they
show the same offline, in any builder, and in the page's print.

Every text in a chart is HTML-escaped (`escape`); labels too long for the axis are
cut, with the full text kept as a tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape as _html_escape


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
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


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
