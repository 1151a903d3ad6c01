"""Finding the journal root, the git directory and the per-user state folder.

Standard library only (the `journal log` and hook fast paths use it). The git
directory is found by walking up for `.git` exactly as `git rev-parse --git-dir`
does for plain checkouts, linked worktrees and submodules, so no git process is
started on the fast path.
"""

from __future__ import annotations

import os
from pathlib import Path

from journal.errors import NotFoundError

CONFIG_NAME = "journal.yaml"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding `journal.yaml`, unless
    `JOURNAL_DIR` in the environment names the root."""
    explicit = os.environ.get("JOURNAL_DIR")
    if explicit:
        root = Path(explicit).resolve()
        if not (root / CONFIG_NAME).is_file():
            raise NotFoundError(
                f"JOURNAL_DIR={explicit} has no {CONFIG_NAME}",
                "point JOURNAL_DIR at a journal, or run `journal init` there",
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise NotFoundError(
        f"no journal here: no {CONFIG_NAME} in {here} or any folder above it",
        "run `journal init` to start one, or cd into your journal",
    )


def git_dir(start: Path) -> Path | None:
    """The git directory of the repository containing `start`, or None."""
    env = os.environ.get("GIT_DIR")
    if env:
        return Path(env).resolve()
    for folder in (start, *start.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a linked worktree's or submodule's: "gitdir: <path>"
            try:
                first = dot_git.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                return None
            if not first.startswith("gitdir:"):
                return None
            target = Path(first[len("gitdir:") :].strip())
            return target if target.is_absolute() else (folder / target).resolve()
    return None


def state_dir(root: Path) -> Path:
    """Per-user, uncommitted state: `<git dir>/journal`, or `.journal/` outside git."""
    git = git_dir(root)
    return git / "journal" if git else root / ".journal"
