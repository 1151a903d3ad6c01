"""The pages that list sessions: home, the archive by month, one page per month, and
the tag pages, with the table of sessions they share; the site's navigation; and the
escaped Markdown helpers every page uses for user text."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cache, partial
from typing import Any

from journal.insight.metrics import format_duration
from journal.render import escape
from journal.site import paths
from journal.site.collect import UNDATED_MONTH, Collected, SessionInfo
from journal.site.safety import front_matter

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
NAV_SESSIONS = 50
Makers = dict[str, Callable[[], str]]


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


def index_makers(
    collected: Collected,
    *,
    title: str,
    home_limit: int,
    closed: tuple[str, ...],
    slugs: dict[str, str],
) -> Makers:
    """What makes each of the home, archive, month and tag pages, by docs path (a
    live server makes only those a change shows on)."""
    months = by_month(collected.infos)
    tags = by_tag(collected.infos)
    makers: Makers = {
        paths.HOME: partial(
            home,
            collected,
            title=title,
            limit=home_limit,
            closed=closed,
            slugs=slugs,
            tags=tags,
        ),
        paths.ARCHIVE: partial(archive, collected, months),
        paths.TAGS: partial(tags_index, slugs, tags),
    }
    ordered = sorted(months)
    for index, month in enumerate(ordered):
        around = (
            ordered[index - 1] if index else None,
            ordered[index + 1] if index + 1 < len(ordered) else None,
        )
        makers[paths.month_page(month)] = partial(
            month_page, month, months[month], collected, around, slugs
        )
    for tag, infos in tags.items():
        page = paths.tag_page(slugs[tag])
        makers[page] = partial(tag_page, tag, infos, collected, page=page, slugs=slugs)
    return makers


def by_month(infos: list[SessionInfo]) -> dict[str, list[SessionInfo]]:
    months: dict[str, list[SessionInfo]] = defaultdict(list)
    for info in infos:
        months[info.month].append(info)
    return dict(months)


def by_tag(infos: list[SessionInfo]) -> dict[str, list[SessionInfo]]:
    tags: dict[str, list[SessionInfo]] = defaultdict(list)
    for info in infos:
        for tag in dict.fromkeys(info.brief.tags):
            tags[tag].append(info)
    return dict(sorted(tags.items(), key=lambda kv: kv[0].casefold()))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def home(
    collected: Collected,
    *,
    title: str,
    limit: int,
    closed: tuple[str, ...],
    slugs: dict[str, str],
    tags: dict[str, list[SessionInfo]],
) -> str:
    infos = collected.infos
    still_open = sum(1 for i in infos if i.brief.status not in closed)
    followups = [f for f in collected.followups if f.is_open]
    overdue = sum(1 for f in followups if f.overdue(collected.today))
    shown = collected.newest[: max(limit, 0)]
    lines = [
        f"# {escape.inline(title) or 'Journal'}",
        "",
        f"**{_plural(len(infos), 'session')}** · {still_open:,} not closed · "
        f"[{_plural(len(followups), 'open follow-up')}]({paths.FOLLOWUPS})"
        + (f" ({overdue:,} overdue)" if overdue else "")
        + f" · [metrics]({paths.METRICS}) · [lessons]({paths.LESSONS})",
        "",
    ]
    if not infos:
        lines.append("No sessions yet: start one with `journal new TITLE`.")
        return "\n".join(lines) + "\n"
    if len(shown) < len(infos):
        lines += [
            f"The newest {len(shown):,} of {len(infos):,} sessions; "
            f"[every session, by month]({paths.ARCHIVE}).",
            "",
        ]
    if collected.journals:
        lines += [REPOSITORY_FILTER, ""]
    lines += [FILTER, "", session_table(shown, collected, page=paths.HOME, slugs=slugs)]
    tag_links = [
        cell_link(tag, paths.link(paths.HOME, paths.tag_page(slugs[tag])))
        for tag in tags
    ]
    if tag_links:
        lines += ["", "**Tags:** " + " · ".join(tag_links)]
    return "\n".join(lines) + "\n"


def archive(collected: Collected, months: dict[str, list[SessionInfo]]) -> str:
    lines = ["# Sessions", "", f"{_plural(len(collected.infos), 'session')}, by month."]
    year = None
    for month in sorted(months, reverse=True):
        group = "Undated" if month == UNDATED_MONTH else month[:4]
        if group != year:
            year = group
            lines += ["", f"## {year}", ""]
        link = paths.link(paths.ARCHIVE, paths.month_page(month))
        count = _plural(len(months[month]), "session")
        lines.append(f"- [{month_name(month)}]({link}) — {count}")
    return "\n".join(lines) + "\n"


def month_page(
    month: str,
    infos: list[SessionInfo],
    collected: Collected,
    around: tuple[str | None, str | None],
    slugs: dict[str, str],
) -> str:
    page = paths.month_page(month)
    lines = [f"# {month_name(month)}", "", _plural(len(infos), "session") + ".", ""]
    lines += [FILTER, "", session_table(infos, collected, page=page, slugs=slugs), ""]
    steps = []
    if around[0]:
        link = paths.link(page, paths.month_page(around[0]))
        steps.append(f"[← {month_name(around[0])}]({link})")
    steps.append(f"[All months]({paths.link(page, paths.ARCHIVE)})")
    if around[1]:
        link = paths.link(page, paths.month_page(around[1]))
        steps.append(f"[{month_name(around[1])} →]({link})")
    lines.append(" · ".join(steps))
    return "\n".join(lines) + "\n"


def tags_index(slugs: dict[str, str], tags: dict[str, list[SessionInfo]]) -> str:
    lines = ["# Tags", ""]
    if not tags:
        return "\n".join([*lines, "No session has a tag yet."]) + "\n"
    lines += ["| Tag | Sessions |", "|---|--:|"]
    for tag, infos in tags.items():
        link = paths.link(paths.TAGS, paths.tag_page(slugs[tag]))
        lines.append(f"| {cell_link(tag, link)} | {len(infos):,} |")
    return "\n".join(lines) + "\n"


def tag_page(
    tag: str,
    infos: list[SessionInfo],
    collected: Collected,
    *,
    page: str,
    slugs: dict[str, str],
) -> str:
    all_tags = paths.link(page, paths.TAGS)
    lines = [
        front_matter(f"Tag: {tag}") + f"# Tag: {escape.inline(tag)}",
        "",
        f"{_plural(len(infos), 'session')} · [all tags]({all_tags})",
        "",
        session_table(infos, collected, page=page, slugs=slugs),
    ]
    return "\n".join(lines) + "\n"


def build_nav(collected: Collected, *, hotspots: bool = True) -> list[Any]:
    """The navigation; `hotspots` is off on a site of several journals, whose
    repositories' files are not comparable. Kept small at any size: a journal of
    up to NAV_SESSIONS sessions lists them by month; a larger one lists months by
    year, and each month page lists its sessions. Every page repeats the
    navigation, so its size multiplies with the page count — 1,000 sessions in it
    would make the build quadratic. Session entries carry no title: the builder
    takes it from the page's (escaped) heading, so no user text reaches the
    configuration."""
    nav: list[Any] = [
        {"Home": paths.HOME},
        {"Sessions": _sessions(collected)},
        {"Follow-ups": paths.FOLLOWUPS},
        {"Lessons": paths.LESSONS},
        {"Metrics": paths.METRICS},
        {"Hotspots": paths.HOTSPOTS},
        {"Tags": paths.TAGS},
    ]
    return nav if hotspots else [item for item in nav if "Hotspots" not in item]


def _sessions(collected: Collected) -> list[Any]:
    months = by_month(collected.infos)
    entries: list[Any] = [{"All sessions": paths.ARCHIVE}]
    if len(collected.infos) <= NAV_SESSIONS:
        for month in sorted(months, reverse=True):
            pages = [paths.session_page(i.id) for i in newest_first(months[month])]
            entries.append({month_name(month): pages})
        return entries
    years: dict[str, list[Any]] = {}
    for month in sorted(months.keys() - {UNDATED_MONTH}, reverse=True):
        years.setdefault(month[:4], []).append(
            {month_name(month): paths.month_page(month)}
        )
    entries += [{year: items} for year, items in years.items()]
    if UNDATED_MONTH in months:  # a page of its own, last: it has no year
        entries.append({month_name(UNDATED_MONTH): paths.month_page(UNDATED_MONTH)})
    return entries


def count_entries(nav: list[Any]) -> int:
    """Pages listed in a navigation tree (what every page repeats)."""
    total = 0
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        total += count_entries(value) if isinstance(value, list) else 1
    return total
