"""The site's navigation, kept small at any size: a journal of up to NAV_SESSIONS
sessions lists them by month; a larger one lists months by year, and each month page
lists its sessions. Every page repeats the navigation, so its size multiplies with
the page count — 1,000 sessions in it would make the build quadratic.

Session entries carry no title: the builder takes it from the page's (escaped)
heading, so no user text reaches the configuration.
"""

from __future__ import annotations

from typing import Any

from journal.site import paths
from journal.site.collect import UNDATED_MONTH, Collected
from journal.site.indexes import by_month
from journal.site.tables import month_name, newest_first

NAV_SESSIONS = 50


def build_nav(collected: Collected, *, hotspots: bool = True) -> list[Any]:
    """The navigation; `hotspots` is off on a site of several journals, whose
    repositories' files are not comparable."""
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
