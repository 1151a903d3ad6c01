"""Finding the journal root, the git directory and the per-user state folder.

Standard library only (the `journal log` and hook fast paths use it). The git
directory is found by walking up for `.git` exactly as `git rev-parse --git-dir`
does for plain checkouts, linked worktrees and submodules, so no git process is
started on the fast path.
"""

from __future__ import annotations

import os

from journal.errors import NotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

CONFIG_NAME = "journal.yaml"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` holding `journal.yaml`, unless
    `JOURNAL_DIR` in the environment names the root."""
    from pathlib import Path

    return Path(root_folder(os.fspath(start) if start else os.getcwd()))


def root_folder(start: str) -> str:
    """`find_root` on strings, for the git hook (which stays off pathlib)."""
    explicit = os.environ.get("JOURNAL_DIR")
    if explicit:
        root = os.path.realpath(explicit)
        if not os.path.isfile(os.path.join(root, CONFIG_NAME)):
            raise NotFoundError(
                f"JOURNAL_DIR={explicit} has no {CONFIG_NAME}",
                "point JOURNAL_DIR at a journal, or run `journal init` there",
            )
        return root
    here = folder = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_NAME)):
            return folder
        above = os.path.dirname(folder)
        if above == folder:
            break
        folder = above
    raise NotFoundError(
        f"no journal here: no {CONFIG_NAME} in {here} or any folder above it",
        "run `journal init` to start one, or cd into your journal",
    )


def git_dir(start: Path) -> Path | None:
    """The git directory of the repository containing `start`, or None."""
    from pathlib import Path

    found = git_folder(os.fspath(start))
    return Path(found) if found is not None else None


def git_folder(start: str) -> str | None:
    """`git_dir` on strings, for the git hook."""
    env = os.environ.get("GIT_DIR")
    if env:
        return os.path.realpath(env)
    folder = start
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return dot_git
        if os.path.isfile(dot_git):  # a linked worktree's or submodule's: "gitdir: …"
            return _linked_git_dir(folder, dot_git)
        above = os.path.dirname(folder)
        if above == folder:
            return None
        folder = above


def _linked_git_dir(folder: str, dot_git: str) -> str | None:
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first = handle.read().splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    target = first[len("gitdir:") :].strip()
    if os.path.isabs(target):
        return target
    return os.path.realpath(os.path.join(folder, target))


def state_dir(root: Path) -> Path:
    """Per-user, uncommitted state: `<git dir>/journal`, or `.journal/` outside git."""
    from pathlib import Path

    return Path(state_folder(os.fspath(root)))


def state_folder(root: str) -> str:
    """`state_dir` on strings, for the git hook."""
    git = git_folder(root)
    return os.path.join(git, "journal") if git else os.path.join(root, ".journal")
