"""Appending commit events to a session: idempotent, under the session lock."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journal.gitlink.commits import Commit, read_commits, resolve_revs
from journal.gitlink.lines import is_linked
from journal.store.eventlog import format_event, read_timeline
from journal.store.sessions import Journal
from journal.store.timeline import append_event
from journal.store.validation import check_kind


@dataclass(frozen=True)
class Linked:
    """What `link` did for one session: commits added, and those already there."""

    session_id: str
    linked: list[Commit] = field(default_factory=list)
    already: list[Commit] = field(default_factory=list)


def link_revs(
    journal: Journal, revs: Sequence[str], *, session: str | None = None
) -> Linked:
    """Link the commits of `revs` (default HEAD; ranges allowed) to a session."""

    session_id = journal.resolve(session)
    check_kind(journal.config, "commit")
    shas = resolve_revs(journal.root, list(revs) or ["HEAD"])
    commits = read_commits(journal.root, shas, trailer=journal.config.git.trailer)
    return link_commits(journal, session_id, commits)


def link_commits(journal: Journal, session_id: str, commits: list[Commit]) -> Linked:
    """Append each commit not yet in the session's timeline."""
    journal.existing_dir(session_id)  # refused unless the session is there
    path = journal.timeline_path(session_id)
    with journal.lock(session_id):
        return append_new(session_id, path, read_timeline(path), commits)


def append_new(
    session_id: str, path: Path, raw: bytes, commits: list[Commit]
) -> Linked:
    """Append to the timeline at `path` (whose bytes are `raw`) each commit it does
    not list yet, oldest first as given. The caller holds the session lock."""
    result = Linked(session_id)
    for commit in commits:
        if is_linked(raw, commit.sha):
            result.already.append(commit)
            continue
        event = commit.event()
        append_event(path, event)
        raw += format_event(event).encode("utf-8")
        result.linked.append(commit)
    return result
