"""The summary pages of one journal's site — home, archive, months, tags, follow-ups,
lessons, metrics, hotspots — put together from each session's rows, kept between
generations (`rowcache`), and written with their links checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from journal.errors import JournalError
from journal.site import paths
from journal.site.followups_page import followups_page
from journal.site.hotspots_page import hotspots_page
from journal.site.indexes import index_pages
from journal.site.lessons_page import lessons_page
from journal.site.metrics_page import metrics_page
from journal.site.safety import defang_links
from journal.store.fingerprint import paused_gc

if TYPE_CHECKING:
    from journal.insight.hotspots import Hotspots
    from journal.site.collect import Collected
    from journal.site.writer import DocsWriter
    from journal.store.sessions import Journal

WIDE = "---\nhide:\n  - toc\n---\n\n"
"""Front matter that hides the table of contents (Material, Zensical)."""


def summary_pages(journal: Journal, writer: DocsWriter, collected: Collected) -> int:
    """Home, archive, months, tags, follow-ups, lessons, metrics and hotspots:
    made from each session's kept rows (`rowcache`), their links checked."""
    with paused_gc():  # tens of thousands of rows, none in a cycle
        pages = _summaries(journal, collected)
        fixed = collected.rows.fixed
        for rel, text in pages.items():
            # Tables need the width the table of contents would take.
            wide = rel not in (paths.LESSONS, paths.ARCHIVE)
            writer.write(rel, defang_links(WIDE + text if wide else text, fixed))
    collected.rows.save()
    return len(pages)


def _summaries(journal: Journal, collected: Collected) -> dict[str, str]:
    """The summary pages by docs path, before their links are checked."""
    config = journal.config
    slugs = paths.tag_slugs(t for i in collected.infos for t in i.brief.tags)
    pages = index_pages(
        collected,
        title=config.site.title,
        home_limit=config.site.home_sessions,
        closed=config.closed_statuses,
        slugs=slugs,
    )
    pages[paths.FOLLOWUPS] = followups_page(collected)
    pages[paths.LESSONS] = lessons_page(collected)
    pages[paths.METRICS] = metrics_page(
        collected, severities=config.severities, statuses=config.statuses
    )
    pages[paths.HOTSPOTS] = hotspots_page(_hotspots(journal), collected)
    return pages


def _hotspots(journal: Journal) -> Hotspots:
    """The journal's hotspots; none when its sessions or git cannot be read."""
    from journal.insight.hotspots import Hotspots, find_hotspots

    try:
        return find_hotspots(journal)
    except JournalError:
        return Hotspots([], [])
