"""The summary pages of one journal's site — home, archive, months, tags, follow-ups,
lessons, metrics, hotspots — put together from each session's rows, kept between
generations (`rowcache`), and written with their links checked."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from journal.errors import JournalError
from journal.site import paths
from journal.site.followups_page import followups_page
from journal.site.hotspots_page import hotspots_page
from journal.site.indexes import index_makers
from journal.site.lessons_page import lessons_page
from journal.site.metrics_page import metrics_page
from journal.site.safety import defang_links
from journal.store.cache import paused_gc

if TYPE_CHECKING:
    from journal.insight.hotspots import Hotspots
    from journal.site.collect import Collected
    from journal.site.live import Memory
    from journal.site.writer import DocsWriter
    from journal.store.sessions import Journal

WIDE = "---\nhide:\n  - toc\n---\n\n"
_HIDE_TOC = "hide:\n  - toc\n"


def wide(text: str) -> str:
    """The page without its table of contents: WIDE's front matter, or its key added
    to the page's own (`safety.front_matter`; a second block would show as text)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[: end + 1] + _HIDE_TOC + text[end + 1 :]
    return WIDE + text


"""Front matter that hides the table of contents (Material, Zensical)."""


def summary_pages(
    journal: Journal,
    writer: DocsWriter,
    collected: Collected,
    memory: Memory | None = None,
) -> int:
    """Home, archive, months, tags, follow-ups, lessons, metrics and hotspots:
    made from each session's kept rows (`rowcache`), their links checked. Given
    the `memory` of a live server, only the pages a change shows on are made."""
    config = journal.config
    with paused_gc():  # tens of thousands of rows, none in a cycle
        slugs = paths.tag_slugs(t for i in collected.infos for t in i.brief.tags)
        makers = index_makers(
            collected,
            title=config.site.title,
            home_limit=config.site.home_sessions,
            closed=config.closed_statuses,
            slugs=slugs,
        )
        makers[paths.FOLLOWUPS] = partial(followups_page, collected)
        makers[paths.LESSONS] = partial(lessons_page, collected)
        makers[paths.METRICS] = partial(
            metrics_page,
            collected,
            severities=config.severities,
            statuses=config.statuses,
        )
        makers[paths.HOTSPOTS] = lambda: hotspots_page(_hotspots(journal), collected)
        redo = _to_redo(journal, collected, memory, slugs)
        fixed = collected.rows.fixed
        current = memory.summaries if memory is not None else set()
        for rel, make in makers.items():
            if redo is not None and rel not in redo and rel in current:
                writer.keep(rel)
                continue
            text = make()
            # Tables need the width the table of contents would take.
            full = wide(text) if rel not in (paths.LESSONS, paths.ARCHIVE) else text
            writer.write(rel, defang_links(full, fixed))
    collected.rows.save()
    if memory is not None:
        memory.summaries, memory.slugs = set(makers), slugs
    return len(makers)


def _to_redo(
    journal: Journal,
    collected: Collected,
    memory: Memory | None,
    slugs: dict[str, str],
) -> set[str] | None:
    """The summary pages to make again after the last generation; None: all."""
    if memory is None:
        return None
    changes = memory.changes(collected)
    current = _hotspots_current(journal, memory)
    if changes is None or memory.slugs != slugs:
        return None
    redo = changes.summaries(slugs)
    if not current:
        redo.add(paths.HOTSPOTS)
    return redo


def _hotspots_current(journal: Journal, memory: Memory) -> bool:
    """Whether the hotspots page was made from the sessions' features and HEAD
    they have now (it ranks the files their commits changed)."""
    from journal.gitlink.head import head_commit
    from journal.insight.sigindex import refresh

    before = memory.hotspots
    try:
        now = (head_commit(journal.root), refresh(journal))
    except JournalError:
        memory.hotspots = None
        return False
    memory.hotspots = now
    if before is None or before[0] != now[0] or before[1].keys() != now[1].keys():
        return False
    kept = before[1]
    return all(f is kept[sid] or f == kept[sid] for sid, f in now[1].items())


def _hotspots(journal: Journal) -> Hotspots:
    """The journal's hotspots; none when its sessions or git cannot be read."""
    from journal.insight.hotspots import Hotspots, find_hotspots

    try:
        return find_hotspots(journal)
    except JournalError:
        return Hotspots([], [])
