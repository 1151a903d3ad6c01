"""Commits as journal events: resolving revisions and ranges, reading their metadata.

Plain `git` through the seam (GitPython would add ~80 ms of import and extra git
processes for what one `git log` line gives).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from journal.errors import NotFoundError, UsageError
from journal.gitlink.shell import run_git, run_git_raw

_TRAILER_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_REV_HINT = "give a commit SHA, a branch, a tag, or a range such as main..HEAD"
_RECORD_END = "\x1e"


class Commit(NamedTuple):
    """What the journal records about one commit."""

    sha: str
    at: str
    """Author time, ISO 8601 with the author's offset."""
    author: str
    subject: str
    trailers: tuple[str, ...] = ()
    """Values of the session trailer (`Journal-Session: <id>`), in order."""

    def event(self) -> dict[str, Any]:
        """The timeline event of this commit."""
        return {
            "at": self.at,
            "kind": "commit",
            "text": self.subject,
            "sha": self.sha,
            "by": self.author,
        }


def log_format(trailer: str) -> str:
    """The `git log --format` whose records `parse_log` reads."""
    if not _TRAILER_KEY.match(trailer):
        raise UsageError(
            f"git.trailer {trailer!r} is not a trailer key",
            "use letters, digits and dashes, e.g. Journal-Session",
        )
    return (
        f"%H%x00%aI%x00%an%x00%s%x00"
        f"%(trailers:key={trailer},valueonly,separator=%x1f){_RECORD_END}"
    )


def parse_log(text: str) -> list[Commit]:
    """Commits from `git log --format=log_format(…)` output."""
    commits = []
    for record in text.split(_RECORD_END):
        fields = record.strip("\n").split("\x00")
        if len(fields) != 5:
            continue
        sha, at, author, subject, trailers = fields
        values = tuple(v.strip() for v in trailers.split("\x1f") if v.strip())
        commits.append(Commit(sha, at, author, subject, values))
    return commits


def has_commits(cwd: Path) -> bool:
    """False in a repository whose HEAD has no commit yet (a new repo, an orphan)."""
    result = run_git_raw(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=cwd)
    if result.returncode == 0:
        return True
    run_git(["rev-parse", "--git-dir"], cwd=cwd)  # not a repository: raises
    return False


def shares_history(cwd: Path) -> bool:
    """True in a repository with a remote: other clones may add sessions too, and
    new session folders get a suffix so two of them never share a name. False
    outside git."""
    result = run_git_raw(["config", "--get-regexp", r"^remote\..*\.url$"], cwd=cwd)
    return result.returncode == 0 and bool(result.stdout.strip())


def resolve_revs(cwd: Path, revs: Sequence[str]) -> list[str]:
    """Full SHAs for revisions and ranges (`main..HEAD`), oldest first per range."""
    if not has_commits(cwd):
        raise NotFoundError(
            "this repository has no commits yet",
            "commit first, then run `journal link`",
        )
    shas: list[str] = []
    for rev in revs:
        if not rev.strip() or rev.startswith("-"):
            raise UsageError(f"{rev!r} is not a revision", _REV_HINT)
        if ".." in rev or rev.startswith("^"):
            listed = ["rev-list", "--reverse", "--end-of-options", rev, "--"]
            result = run_git_raw(listed, cwd=cwd)
            if result.returncode != 0:
                raise NotFoundError(f"unknown revision range {rev!r}", _REV_HINT)
            found = result.stdout.decode().split()
            if not found:
                raise NotFoundError(
                    f"the range {rev!r} holds no commits", "check the order: OLD..NEW"
                )
        else:
            verify = ["rev-parse", "--verify", "--quiet", "--end-of-options"]
            result = run_git_raw([*verify, f"{rev}^{{commit}}"], cwd=cwd)
            if result.returncode != 0:
                raise NotFoundError(f"unknown revision {rev!r}", _REV_HINT)
            found = [result.stdout.decode().strip()]
        shas.extend(s for s in found if s not in shas)
    return shas


def git_log(
    cwd: Path, trailer: str, *revs: str, input: bytes | None = None
) -> list[Commit]:
    """The commits `git log REVS` lists, with the values of the trailer `trailer`."""
    fmt = f"--format={log_format(trailer)}"
    out = run_git(["log", "--no-show-signature", fmt, *revs], cwd=cwd, input=input)
    return parse_log(out)


def read_commits(cwd: Path, shas: Iterable[str], *, trailer: str) -> list[Commit]:
    """Metadata of the given commits, in the order given."""
    wanted = list(shas)
    if not wanted:
        return []
    stdin = "\n".join(wanted).encode() + b"\n"
    return git_log(cwd, trailer, "--no-walk=unsorted", "--stdin", input=stdin)
