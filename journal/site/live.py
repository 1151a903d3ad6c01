"""What `journal site serve` keeps in memory from one generation to the next, so that
after one session changed only what can show that change is made again: the
session's page, its neighbours' in a chain, the pages whose related sessions moved,
and the summary pages that list it.

A generation from the caches on disk goes through every session to find it
unchanged (2.3 s at 10,000 sessions); with the memory, a session whose record is
the very object the site's index kept, and whose folder the server's poll saw
untouched, is known unchanged without a look. Anything the memory cannot follow
(configuration, templates, a new day) starts it afresh: the server makes a new
`Memory`, and the next generation does all the work, from the caches on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from journal.site import paths

if TYPE_CHECKING:
    from journal.insight.followups import Followup
    from journal.insight.related import Related
    from journal.site.collect import Collected, Record, Rows, SessionInfo, SiteIndex
    from journal.store.sessions import Journal

RelatedMap = dict[str, list["Related"]]


@dataclass
class Memory:
    """The last generation's state, and what the server saw change since."""

    index: SiteIndex | None = None
    """The site's index, its records kept between generations."""
    touched: set[str] = field(default_factory=set)
    """Sessions with a file the server saw change (evidence included) since the
    last generation."""
    collected: Collected | None = None
    records: dict[str, Record] = field(default_factory=dict)
    related: RelatedMap | None = None
    summaries: set[str] = field(default_factory=set)
    """The summary pages the last generation wrote."""
    slugs: dict[str, str] | None = None
    """The tags' file names the summary pages were made with."""
    hotspots: tuple[str | None, dict[str, Any]] | None = None
    """HEAD and the sessions' features the hotspots page was made from."""
    _records: dict[str, Record] = field(default_factory=dict)
    _rows: Rows | None = None
    _related: RelatedMap | None = None

    def site_index(self, journal: Journal) -> SiteIndex:
        """The site's index: read from its file the first time, then the one kept
        here, its records in memory."""
        from journal.site.collect import SiteIndex

        if self.index is None:
            self.index = SiteIndex(journal)
        else:
            self.index.again(journal)
        return self.index

    def rows(self, journal: Journal, salt: str, stamps: dict[str, Any]) -> Rows:
        """The summary pages' rows: read from their files the first time, then
        those kept here."""
        from journal.site.collect import NAME, Rows

        if self._rows is None:
            folder = journal.state_dir / "site" / NAME
            self._rows = Rows(folder, salt=salt, stamps=stamps)
        else:
            self._rows = self._rows.carried(stamps)
        return self._rows

    def kept(self, records: dict[str, Record]) -> dict[str, SessionInfo]:
        """Last generation's `SessionInfo` of each session whose record is the one
        it was made from (the index hands out the same object while the session's
        files keep their stats) and whose folder was not touched."""
        self._records = records
        if self.collected is None:
            return {}
        before, touched = self.records, self.touched
        return {
            sid: info
            for sid, info in self.collected.by_id.items()
            if sid not in touched and records.get(sid) is before.get(sid)
        }

    def followups(self, infos: list[SessionInfo]) -> list[Followup] | None:
        """The last generation's follow-ups while every session is there with the
        facts it had (they are made of them)."""
        before = self.collected
        if before is None or len(infos) != len(before.infos):
            return None
        by_id = before.by_id
        for info in infos:
            old = by_id.get(info.id)
            if old is not info and (old is None or old.brief != info.brief):
                return None
        return before.followups

    def changes(self, collected: Collected) -> Changes | None:
        """What changed since the last generation; None when everything is to be
        made (no last generation, or a new day: ages and overdue steps move)."""
        before = self.collected
        if before is None or before.today != collected.today:
            return None
        old, new = before.by_id, collected.by_id
        changed = {sid for sid, info in new.items() if old.get(sid) is not info}
        changed |= old.keys() - new.keys()
        problems = set(before.problems) ^ set(collected.problems)
        changed |= {sid for sid, _ in problems}
        return Changes(changed, before, collected)

    def pages_unchanged(
        self, collected: Collected, related: RelatedMap | None
    ) -> set[str]:
        """The sessions whose page is known current without computing its key."""
        self._related = related
        found = self.changes(collected)
        if found is None or (related is None) != (self.related is None):
            return set()
        affected = found.neighbourhood()
        if related is not None and related is not self.related:
            before = self.related or {}
            for sid, rows in related.items():
                if before.get(sid) != rows:  # labels included: a new title moves
                    affected.add(sid)
        return set(collected.by_id) - affected

    def flush(self) -> None:
        """Write what the generations kept in memory only (the site's index), so
        the next `journal site build` finds it: when the server is idle or stops."""
        if self.index is not None:
            self.index.save()

    def remember(self, collected: Collected) -> None:
        """Keep this generation's state for the next one (the summary pages keep
        theirs as they are made)."""
        self.collected = collected
        self.records = self._records
        self.related = self._related
        self.touched = set()


@dataclass
class Changes:
    """The sessions changed between two generations."""

    sessions: set[str]
    before: Collected
    after: Collected

    def neighbourhood(self) -> set[str]:
        """The changed sessions and those whose page names one of them in its
        chain (`previous:` and the sessions following), before and after."""
        found = set(self.sessions)
        for collected in (self.before, self.after):
            for sid in self.sessions:
                info = collected.by_id.get(sid)
                if info is not None and info.previous:
                    found.add(info.previous)
                found.update(i.id for i in collected.following.get(sid, []))
        return found

    def summaries(self, slugs: dict[str, str]) -> set[str]:
        """The summary pages besides the hotspots that show a changed session:
        the tables of its months and tags, the home, archive and tag index, and
        the follow-ups, lessons and metrics when what they show of it moved."""
        before, after = self.before.by_id, self.after.by_id
        facts = listed = False
        months: set[str] = set()
        tags: set[str] = set()
        for sid in self.sessions:
            old, new = before.get(sid), after.get(sid)
            if old is None or new is None or old.brief != new.brief:
                facts = True
            elif _listed(old) != _listed(new):
                listed = True
            for info in (old, new):
                if info is not None:
                    months.add(info.month)
                    tags.update(info.brief.tags)
        pages: set[str] = set()
        if facts or listed:
            pages |= {paths.HOME, paths.ARCHIVE, paths.TAGS, paths.METRICS}
            pages |= {paths.month_page(m) for m in months}
            pages |= {paths.tag_page(slugs[t]) for t in tags if t in slugs}
        if facts:
            pages |= {paths.FOLLOWUPS, paths.LESSONS}
        return pages


def _listed(info: SessionInfo) -> tuple[Any, ...]:
    """What the summary tables and the metrics page show of a session besides its
    facts."""
    return (info.metrics, info.day, info.linked)
