"""The pages that list sessions: home, the archive by month, one page per month, and
the tag pages; and the site's navigation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

from journal.render import escape
from journal.site import paths
from journal.site.collect import UNDATED_MONTH, Collected, SessionInfo
from journal.site.safety import front_matter
from journal.site.tables import (
    FILTER,
    REPOSITORY_FILTER,
    cell_link,
    month_name,
    newest_first,
    session_table,
)

NAV_SESSIONS = 50
Makers = dict[str, Callable[[], str]]


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
