"""`journal sync`: bring the timelines in line with the repository's history.

Links every commit whose `Journal-Session:` trailer names a session but which that
session does not list yet (a clone without the hook), and follows linked commits that
left the history (rebased, amended, squashed) to the commit they became — or marks
them `lost: true`. Nothing is ever dropped silently; rewritten lines are replaced
atomically under the session lock, every other line kept byte for byte. Appending
commit events to a session (`journal link`, and sync's own) is idempotent, under the
session lock.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.errors import JournalError
from journal.gitlink.commits import (
    Commit,
    git_log,
    has_commits,
    read_commits,
    resolve_revs,
)
from journal.gitlink.postcommit import is_linked, replace_lines
from journal.gitlink.shell import run_git
from journal.store.eventlog import format_event, read_timeline
from journal.store.sessions import Journal
from journal.store.timeline import append_event, read_lines
from journal.store.validation import check_kind

# What the repository's history knows about the commits the journal linked: which
# are still reachable, and where a rewritten one went (reflog, patch-id, same
# authorship).
REFS = ("--branches", "--tags", "--remotes", "HEAD")


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


def is_shallow(cwd: Path) -> bool:
    """Whether this clone is shallow: commits below its boundary are not here."""
    return run_git(["rev-parse", "--is-shallow-repository"], cwd=cwd).strip() == "true"


def present(cwd: Path, shas: Iterable[str]) -> set[str]:
    """The SHAs whose commit object exists in this clone (reachable or not)."""
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    out = run_git(
        ["cat-file", "--batch-check=%(objectname) %(objecttype)"],
        cwd=cwd,
        input=("\n".join(wanted) + "\n").encode(),
    )
    return {
        parts[0]
        for parts in (line.split() for line in out.splitlines())
        if len(parts) == 2 and parts[1] == "commit"
    }


def amended(cwd: Path) -> dict[str, str]:
    """old SHA → new SHA for each `commit --amend` in HEAD's reflog."""
    out = run_git(
        ["log", "-g", "--no-show-signature", "--format=%H%x00%gs", "HEAD"],
        cwd=cwd,
        ok_codes=(0, 128),
    )
    entries = [line.split("\x00", 1) for line in out.splitlines() if "\x00" in line]
    pairs = itertools.pairwise(entries)
    return {old[0]: new[0] for new, old in pairs if new[1].startswith("commit (amend)")}


def patch_ids(cwd: Path, shas: Iterable[str]) -> dict[str, str]:
    """sha → stable patch-id (merges and empty commits have none)."""
    wanted = list(dict.fromkeys(shas))
    if not wanted:
        return {}
    diff = run_git(
        ["log", "-p", "--no-walk=unsorted", "--no-color", "--no-ext-diff", "--stdin"],
        cwd=cwd,
        input=("\n".join(wanted) + "\n").encode(),
    )
    out = run_git(["patch-id", "--stable"], cwd=cwd, input=diff.encode())
    rows = (line.split() for line in out.splitlines())
    return {parts[1]: parts[0] for parts in rows if len(parts) == 2}


@dataclass(frozen=True)
class Move:
    """Where a linked commit that left the history went, and how that was found."""

    old: str
    new: Commit
    how: str
    """reflog, patch-id, or authorship (same author, author time and subject)."""


def find_moves(
    cwd: Path,
    gone: dict[str, dict[str, object]],
    history: list[Commit],
    alive: set[str],
) -> dict[str, Move]:
    """For each gone SHA (with its event), the reachable commit it became, if any."""
    by_sha = {c.sha: c for c in history}
    moves: dict[str, Move] = {}
    reflog = amended(cwd)
    for old in gone:
        new = _follow(old, reflog, alive)
        if new and new in by_sha:
            moves[old] = Move(old, by_sha[new], "reflog")
    rest = [s for s in gone if s not in moves]
    have = present(cwd, rest)
    moves.update(_by_patch_id(cwd, [s for s in rest if s in have], history))
    for old in rest:
        if old in moves:
            continue
        event = gone[old]
        key = (event.get("at"), event.get("by"), event.get("text"))
        same = [c for c in history if (c.at, c.author, c.subject) == key]
        if len(same) == 1:
            moves[old] = Move(old, same[0], "authorship")
    return moves


def _follow(sha: str, reflog: dict[str, str], alive: set[str]) -> str | None:
    seen = {sha}
    while sha in reflog:
        sha = reflog[sha]
        if sha in alive:
            return sha
        if sha in seen:
            return None
        seen.add(sha)
    return None


def _by_patch_id(cwd: Path, olds: list[str], history: list[Commit]) -> dict[str, Move]:
    if not olds:
        return {}
    old_commits = read_commits(cwd, olds, trailer="Journal-Session")
    keys = {(c.at, c.author) for c in old_commits}
    # A rebase or cherry-pick keeps the author and the author time: only commits
    # sharing both can be the same change, so only they need a patch-id.
    candidates = [c for c in history if (c.at, c.author) in keys]
    ids = patch_ids(cwd, [*olds, *(c.sha for c in candidates)])
    moves = {}
    for old in old_commits:
        pid = ids.get(old.sha)
        same = [
            c for c in candidates if c.sha != old.sha and pid and ids.get(c.sha) == pid
        ]
        if same:
            moves[old.sha] = Move(old.sha, same[0], "patch-id")
    return moves


@dataclass
class SyncReport:
    """Everything sync did or saw, per session."""

    linked: list[tuple[str, Commit]] = field(default_factory=list)
    moved: list[tuple[str, Move]] = field(default_factory=list)
    merged: list[tuple[str, Move]] = field(default_factory=list)
    """A rewritten commit whose new SHA the session already listed: one line left."""
    lost: list[tuple[str, str]] = field(default_factory=list)
    found: list[tuple[str, str]] = field(default_factory=list)
    unchecked: list[tuple[str, str]] = field(default_factory=list)
    """Linked commits this shallow clone cannot see: left as they are."""
    unknown_sessions: list[tuple[str, str]] = field(default_factory=list)
    scanned: int = 0
    shallow: bool = False
    empty_repo: bool = False


def sync(journal: Journal, *, since: str | None = None) -> SyncReport:
    """Link trailer commits and repair links to rewritten commits, in every session."""
    cwd = journal.root
    report = SyncReport()
    if not has_commits(cwd):
        report.empty_repo = True
        return report
    # Every commit reachable from branches, tags, remotes and HEAD, newest first.
    exclude = [f"^{resolve_revs(cwd, [since])[0]}"] if since else []
    history = git_log(cwd, journal.config.git.trailer, *REFS, *exclude)
    report.scanned = len(history)
    report.shallow = is_shallow(cwd)
    alive = set(run_git(["rev-list", *REFS], cwd=cwd).split())
    linked = _every_linked(journal)
    gone = {
        sha: event
        for events in linked.values()
        for sha, event in events.items()
        if sha not in alive and not event.get("lost")
    }
    moves = find_moves(cwd, gone, history, alive) if gone else {}
    wanted = _trailer_links(journal, history, report)
    for session_id, events in linked.items():
        plan = _plan(session_id, events, moves, alive, report)
        _apply(journal, session_id, plan, wanted.get(session_id, []), report)
    return report


def _every_linked(journal: Journal) -> dict[str, dict[str, dict[str, Any]]]:
    """The linked commits of every session whose timeline can be read; one that
    cannot (a folder or a named pipe in its place) is skipped with a warning."""
    from journal.store import notices

    linked = {}
    for session_id in journal.session_ids():
        events: dict[str, dict[str, Any]] = {}
        try:
            for raw in read_lines(journal.timeline_path(session_id)):
                sha = raw.data.get("sha") if raw.data else None
                if isinstance(sha, str) and raw.data is not None:
                    events.setdefault(sha, raw.data)
        except JournalError as exc:
            notices.warn(f"{session_id} skipped: {exc.one_line()}")
            continue
        linked[session_id] = events
    return linked


def _trailer_links(
    journal: Journal, history: list[Commit], report: SyncReport
) -> dict[str, list[Commit]]:
    wanted: dict[str, list[Commit]] = {}
    known = set(journal.session_ids())
    for commit in reversed(history):  # oldest first
        for ref in commit.trailers:
            session_id = ref if ref in known else _resolve(journal, ref)
            if session_id is None:
                report.unknown_sessions.append((commit.sha, ref))
            elif commit not in wanted.setdefault(session_id, []):
                wanted[session_id].append(commit)
    return wanted


def _resolve(journal: Journal, ref: str) -> str | None:
    try:
        return journal.resolve(ref)
    except JournalError:
        return None


def _plan(
    session_id: str,
    events: dict[str, dict[str, Any]],
    moves: dict[str, Move],
    alive: set[str],
    report: SyncReport,
) -> dict[str, dict[str, Any] | None]:
    """sha → the event to write in place of its line (None: drop the line)."""
    plan: dict[str, dict[str, Any] | None] = {}
    rewritten = {e.get("rewritten_from"): sha for sha, e in events.items()}
    for sha, event in events.items():
        if sha in alive:
            if event.get("lost"):
                plan[sha] = {k: v for k, v in event.items() if k != "lost"}
                report.found.append((session_id, sha))
            continue
        if event.get("lost"):
            continue
        move = moves.get(sha)
        if sha in rewritten:  # a merge brought back the line of the old SHA
            plan[sha] = None
            stub = Commit(rewritten[sha], "", "", "")
            report.merged.append((session_id, Move(sha, stub, "line")))
        elif move is not None and move.new.sha in events:
            plan[sha] = None
            report.merged.append((session_id, move))
            new = events[move.new.sha]
            if not new.get("rewritten_from") and move.new.sha not in plan:
                plan[move.new.sha] = {**new, "rewritten_from": sha}
        elif move is not None:
            plan[sha] = {**event, **move.new.event(), "rewritten_from": sha}
            report.moved.append((session_id, move))
        elif report.shallow:
            report.unchecked.append((session_id, sha))
        else:
            plan[sha] = {**event, "lost": True}
            report.lost.append((session_id, sha))
    return plan


def _apply(
    journal: Journal,
    session_id: str,
    plan: dict[str, dict[str, Any] | None],
    commits: list[Commit],
    report: SyncReport,
) -> None:
    if not plan and not commits:
        return
    path = journal.timeline_path(session_id)
    with journal.lock(session_id):
        raw = read_timeline(path)
        changes: dict[int, dict[str, Any] | None] = {}
        for line in read_lines(path):
            sha = line.data.get("sha") if line.data else None
            if isinstance(sha, str) and sha in plan and line.line - 1 not in changes:
                changes[line.line - 1] = plan[sha]
        if changes:
            replace_lines(path, raw, changes)
            raw = path.read_bytes()
        done = append_new(session_id, path, raw, commits)
        report.linked += [(session_id, commit) for commit in done.linked]
