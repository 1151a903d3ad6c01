"""Commits that link themselves: timeline events read back from the `Journal-Session:`
trailers in HEAD's history, for commits a session's timeline does not list yet.

The default hooks write only the trailer, so a commit never leaves the work tree dirty;
reports, the site and export see the commit here, and `journal sync` or `journal close`
write it into the timeline as an ordinary change. The scan is cached in the state folder
per HEAD, and extended (not redone) when HEAD only moved forward.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.gitlink.commits import Commit, git_log
from journal.gitlink.head import head_commit
from journal.gitlink.shell import run_git_raw
from journal.store.cache import load_cache, save_cache
from journal.store.sessions import Journal

if TYPE_CHECKING:
    from journal.model.session import Event

CACHE_NAME = "trailer-commits.json"
_FORMAT_VERSION = 1

Found = dict[str, list[dict[str, Any]]]
"""Session id → commit events (oldest first) whose trailer names that session."""


def trailer_commits(journal: Journal) -> Found:
    """The trailer commits of every session. A repository that cannot be read (no
    git, not a repository, no commit yet) has none: reports then show the timeline
    alone. A caller going through many sessions reads this once and passes it on."""
    try:
        head = head_commit(journal.root)
        if head is None:
            return {}
        commits = _commits_at(journal, head, journal.config.git.trailer)
    except JournalError:
        return {}
    by_session: Found = {}
    for commit in sorted(commits.values(), key=lambda c: c.at):
        for session_id in dict.fromkeys(commit.trailers):
            by_session.setdefault(session_id, []).append(commit.event())
    return by_session


def _commits_at(journal: Journal, head: str, trailer: str) -> dict[str, Commit]:
    path = journal.state_dir / CACHE_NAME
    cache = load_cache(path)
    known, since = _read(cache, trailer), cache.get("head")
    if known is not None and since == head:
        return known
    if (
        known is not None
        and isinstance(since, str)
        and is_ancestor(journal.root, since, head)
    ):
        commits = {**known, **_scan(journal.root, trailer, f"{since}..{head}")}
    else:
        commits = _scan(journal.root, trailer, head)
    rows = [
        [c.sha, c.at, c.author, c.subject, list(c.trailers)] for c in commits.values()
    ]
    save_cache(
        path,
        {"version": _FORMAT_VERSION, "head": head, "trailer": trailer, "commits": rows},
    )
    return commits


def _read(cache: dict[str, Any], trailer: str) -> dict[str, Commit] | None:
    if cache.get("version") != _FORMAT_VERSION or cache.get("trailer") != trailer:
        return None
    rows = cache.get("commits")
    if not isinstance(rows, list):
        return None
    try:
        return {
            row[0]: Commit(row[0], row[1], row[2], row[3], tuple(row[4]))
            for row in rows
        }
    except (IndexError, TypeError):
        return None


def _scan(root: Path, trailer: str, revs: str) -> dict[str, Commit]:
    return {c.sha: c for c in git_log(root, trailer, revs) if c.trailers}


def is_ancestor(root: Path, older: str, newer: str) -> bool:
    """Whether `older` is an ancestor of `newer` (false when history was rewritten
    or either is not a commit)."""
    done = run_git_raw(["merge-base", "--is-ancestor", older, newer], cwd=root)
    return done.returncode == 0


def with_trailer_commits(
    journal: Journal,
    session_id: str,
    events: list[Event],
    *,
    found: Found | None = None,
) -> list[Event]:
    """`events` plus the session's trailer commits it does not list, sorted by time;
    `found` is `trailer_commits(journal)`, read here when not given."""
    from journal.model.session import to_event

    listed = {e.sha for e in events if e.sha}
    listed.update(e.rewritten_from for e in events if e.rewritten_from)
    commits = trailer_commits(journal) if found is None else found
    extra = [e for e in commits.get(session_id, []) if e["sha"] not in listed]
    if not extra:
        return events
    # A rebase keeps a commit's author, author time and subject: a trailer commit
    # that matches a listed commit of another SHA is what that commit became (linked
    # by the post-commit hook before the rebase; `journal sync` writes the new SHA).
    # It is shown once, as the commit history has — not twice. The rest is new.
    same = {
        (e.at, e.by, e.text): index
        for index, e in enumerate(events)
        if e.kind == "commit" and e.sha
    }
    from msgspec.structs import replace

    shown = list(events)
    rest = []
    for commit in map(to_event, extra):
        index = same.pop((commit.at, commit.by, commit.text), None)
        if index is None:
            rest.append(commit)
        else:
            old = shown[index]
            shown[index] = replace(old, sha=commit.sha, rewritten_from=old.sha)
    return sorted([*shown, *rest], key=lambda e: e.at)


def link_trailer_commits(journal: Journal, session_id: str) -> int:
    """Write the session's trailer commits into its timeline; how many were new.

    What `journal close` does, so a closed session carries its commits itself (a
    shallow clone or an exported folder shows them without the history).
    """
    from journal.gitlink.sync import link_commits

    events = trailer_commits(journal).get(session_id, [])
    commits = [
        Commit(e["sha"], e["at"], e["by"], e["text"], (session_id,)) for e in events
    ]
    return len(link_commits(journal, session_id, commits).linked) if commits else 0
