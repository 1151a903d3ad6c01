"""What the repository's history knows about commits the journal linked: which are
still reachable, and where a rewritten one went (reflog, patch-id, same authorship).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from journal.gitlink.commits import Commit, log_format, parse_log
from journal.gitlink.shell import run_git

REFS = ("--branches", "--tags", "--remotes", "HEAD")


def scan(cwd: Path, *, trailer: str, exclude: str | None = None) -> list[Commit]:
    """Every commit reachable from branches, tags, remotes and HEAD, newest first."""
    args = ["log", "--no-show-signature", f"--format={log_format(trailer)}", *REFS]
    if exclude:
        args.append(f"^{exclude}")
    return parse_log(run_git(args, cwd=cwd))


def reachable(cwd: Path) -> set[str]:
    return set(run_git(["rev-list", *REFS], cwd=cwd).split())


def is_shallow(cwd: Path) -> bool:
    out = run_git(["rev-parse", "--is-shallow-repository"], cwd=cwd)
    return out.strip() == "true"


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
        if old not in moves:
            match = _by_authorship(gone[old], history)
            if match is not None:
                moves[old] = Move(old, match, "authorship")
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
    from journal.gitlink.commits import read_commits

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


def _by_authorship(event: dict[str, object], history: list[Commit]) -> Commit | None:
    same = [
        c
        for c in history
        if c.at == event.get("at")
        and c.author == event.get("by")
        and c.subject == event.get("text")
    ]
    return same[0] if len(same) == 1 else None
