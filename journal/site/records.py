"""The site's index of sessions: what the summary pages need of every session (its
facts, tags, `previous`, next steps, lessons and metrics), kept as a facet of the
session records (`store/cache.py`) so that a build after one session changed reads
one session, not all of them.

Never trusted blindly. A record is reused only when both of the session's files
have the stats (mtime, size, inode, ctime — ctime moves on every write, even one that
puts the old mtime back) they had when it was built, under the same salt
(`store/cache.py`: the package's code, templates, `journal.yaml`); a missing entry,
a changed stat or an unreadable cache means reading the session again. Stats are
taken before the files are read, so an edit racing a build leaves a stale stat
behind, never a stale record.

Records to build are built in worker processes when there are many.
"""

from __future__ import annotations

from typing import Any, cast

from journal.errors import JournalError
from journal.store.facets import Records
from journal.store.sessions import Journal

Record = dict[str, Any]
BRIEF = (
    "title",
    "number",
    "status",
    "severity",
    "started",
    "ended",
    "tags",
    "previous",
    "next_steps",
    "lessons",
)
"""The fields of `session.yaml` the summary pages read (`SessionInfo.brief`)."""


class SiteIndex(Records):
    """Every session's record: the `site/site-index` facet of the session records
    (`store/cache.py`), in the journal's state folder."""

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal, "site/site-index", self._one, fields=_FIELDS)

    def _one(self, session_id: str) -> Record:
        # `Records` names only what it reads of a journal; this is a whole one.
        return build_record(cast("Journal", self.journal), session_id)


def build_record(journal: Journal, session_id: str) -> Record:
    """One session's record from its files."""
    from journal.insight.index import metrics_dict
    from journal.insight.metrics import compute
    from journal.model.session import to_builtins
    from journal.store import notices

    try:
        session = journal.load(session_id)
    except JournalError as exc:
        return {"error": exc.one_line()}
    problem = None
    before = len(notices.given)
    try:
        events = journal.events(session_id)
        # A torn line is skipped with a warning: the site names it too.
        problem = "; ".join(notices.given[before:]) or None
    except JournalError as exc:
        # A torn last line during an incident must not take the session off the
        # site: the readable events are shown and the problem reported.
        problem = exc.one_line()
        events = journal.events(session_id, strict=False)
    data = to_builtins(session)
    brief = {name: data[name] for name in BRIEF if name in data}
    return {
        "brief": brief,
        "metrics": metrics_dict(compute(session, events)),
        "timeline_problem": problem,
    }


_FIELDS = frozenset(("brief", "metrics", "timeline_problem"))
