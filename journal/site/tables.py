"""The table of sessions that the home, month and tag pages share, and the escaped
Markdown helpers every page uses for user text."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from functools import cache, partial

from journal.insight.metrics import format_duration
from journal.render import escape
from journal.site import paths
from journal.site.collect import UNDATED_MONTH, Collected, SessionInfo

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
HEADER = (
    "| Date | # | Session | Severity | Status | Time to resolve "
    "| Open follow-ups | Tags |\n"
    "|---|--:|---|---|---|--:|--:|---|"
)
ORG_HEADER = (
    "| Date | Repository | # | Session | Severity | Status | Time to resolve "
    "| Open follow-ups | Tags |\n"
    "|---|---|--:|---|---|---|--:|--:|---|"
)
FILTER = '<div class="journal-filter" data-column="Tags"></div>'
"""Where journal.js puts its tag filter; without JavaScript the tag links remain."""
REPOSITORY_FILTER = '<div class="journal-filter" data-column="Repository"></div>'


def cell_link(text: str, href: str) -> str:
    """A link inside a table cell: pipes and brackets of the text escaped."""
    label = re.sub(r"(?<!\\)([\[\]])", r"\\\1", escape.cell(text))
    return f"[{label}]({href})"


def month_name(month: str) -> str:
    """`2025-11` → `November 2025`; the undated sessions' month → `Undated`."""
    if month == UNDATED_MONTH:
        return "Undated"
    year, _, number = month.partition("-")
    try:
        return f"{MONTHS[int(number) - 1]} {year}"
    except (ValueError, IndexError):
        return month


def newest_first(
    infos: Sequence[SessionInfo], collected: Collected | None = None
) -> list[SessionInfo]:
    """`infos` newest first; given the journal they come from, by each session's
    place in it (one sort of the whole journal, not one per page)."""
    if collected is not None:
        place = collected.newest_place
        if all(info.id in place for info in infos):
            return sorted(infos, key=lambda i: place[i.id])
    return sorted(infos, key=lambda i: i.sort_key, reverse=True)


def session_table(
    infos: Sequence[SessionInfo],
    collected: Collected,
    *,
    page: str,
    slugs: dict[str, str],
) -> str:
    """Sessions newest first, one row each, links relative to `page`."""
    org = bool(collected.journals)
    rows = [ORG_HEADER if org else HEADER]
    # Tags, severities and statuses repeat on every row: each cell made once.
    cell = cache(escape.cell)

    @cache
    def tag_cell(tag: str) -> str:
        return cell_link(tag, paths.link(page, paths.tag_page(slugs[tag])))

    def row(info: SessionInfo, open_steps: int) -> str:
        s = info.brief
        cells = [
            info.day.isoformat() if info.day.year > 1 else "—",
            str(s.number) if s.number is not None else "",
            cell_link(s.title, paths.link(page, paths.session_page(info.id))),
            cell(s.severity) if s.severity else "—",
            cell(s.status),
            format_duration(info.metrics.time_to_resolve_s),
            str(open_steps),
            ", ".join(tag_cell(t) for t in s.tags),
        ]
        if org:
            journal = paths.link(page, paths.journal_page(info.journal))
            cells.insert(1, cell_link(info.journal, journal))
        return "| " + " | ".join(cells) + " |"

    # Links depend on the page's folder alone (page names are plain, see
    # paths.link): one row serves every month page, another every tag page.
    folder = posixpath.dirname(page)
    line = collected.rows.line
    for info in newest_first(infos, collected):
        open_steps = collected.open_steps(info.id)
        tags = "\x1f".join([slugs[t] for t in info.brief.tags])
        name = f"table\x1f{folder}\x1f{open_steps}\x1f{tags}"
        rows.append(line(info.id, name, partial(row, info, open_steps)))
    return "\n".join(rows)
