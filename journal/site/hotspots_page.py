"""The hotspots page: the source files most sessions touched (changed by their linked
commits or named as their root cause), as a chart and a table with the sessions, the
last date, the trend, and whether the file is gone; directories rolled up below."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journal.render import escape
from journal.site import charts, paths
from journal.site.tables import cell_link

if TYPE_CHECKING:
    from journal.insight.hotspots import Hotspot, Hotspots
    from journal.site.collect import Collected

CHART_ROWS = 15
TABLE_ROWS = 100
SESSION_LINKS = 3
"""Sessions linked in a row, newest first; the count says how many there are."""


def hotspots_page(found: Hotspots, collected: Collected) -> str:
    lines = [
        "# Hotspots",
        "",
        "Source files ranked by the sessions that touched them: changed by a commit "
        "linked to the session, or named as its root cause. Renamed files count "
        "under their current name; files no longer in the repository are marked "
        "*deleted*. The trend compares the last 90 days with the 90 before.",
    ]
    if not found.files:
        lines += [
            "",
            "No hotspots yet: link commits to sessions (`journal hook install`) or "
            "set `root_cause.location`.",
        ]
        return "\n".join(lines) + "\n"
    top = found.files[:CHART_ROWS]
    chart = charts.bars(
        "Sessions per file",
        [(spot.path, [float(len(spot.sessions))]) for spot in top],
        [charts.Series("Sessions", charts.PALETTE[0])],
        fmt=lambda v: f"{v:,.0f}",
        caption=f"The {len(top)} files touched by the most sessions.",
    )
    lines += ["", chart, "", "## Files", "", *_table(found.files, collected, "File")]
    if found.directories:
        lines += ["", "## Directories", ""]
        lines += _table(found.directories, collected, "Directory")
    return "\n".join(lines) + "\n"


def _table(spots: list[Hotspot], collected: Collected, what: str) -> list[str]:
    rows = [
        f"| {what} | Sessions | Last | Trend | Via |",
        "|---|---|---|---|---|",
    ]
    for spot in spots[:TABLE_ROWS]:
        name = escape.code_span(spot.path, cell=True)
        if spot.exists is False:
            name += " *(deleted)*"
        rows.append(
            f"| {name} | {_sessions(spot, collected)} | {spot.last} "
            f"| {spot.trend} | {', '.join(sorted(spot.how))} |"
        )
    if len(spots) > TABLE_ROWS:
        rows += ["", f"*{len(spots) - TABLE_ROWS:,} more not shown.*"]
    return rows


def _sessions(spot: Hotspot, collected: Collected) -> str:
    newest = sorted(spot.sessions, reverse=True)[:SESSION_LINKS]
    links = []
    for session_id in newest:
        info = collected.by_id.get(session_id)
        label = info.label if info else session_id
        href = paths.link(paths.HOTSPOTS, paths.session_page(session_id))
        links.append(cell_link(label, href))
    more = ", …" if len(spot.sessions) > SESSION_LINKS else ""
    return f"{len(spot.sessions)}: " + ", ".join(links) + more
