"""The commit HEAD names, for every cache keyed on it (the related map's renames, the
trailer commits, `show`'s saved output, the render stamp): read from git's files
(`store/cache.py`, no process) in the plain layouts, else asked of git."""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths use this)
if TYPE_CHECKING:
    from pathlib import Path


def head_commit(root: Path) -> str | None:
    """The commit HEAD names; None outside git or before the first commit."""
    from journal.store.cache import head_sha
    from journal.store.locate import git_dir

    repository = git_dir(root)
    if repository is None:
        return None
    found = head_sha(repository)
    if found is not None:
        return found
    from journal.errors import JournalError
    from journal.gitlink.shell import run_git_raw

    revision = ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]
    try:
        done = run_git_raw(revision, cwd=root)
    except JournalError:
        return None  # no git
    if done.returncode != 0:
        return None  # not a repository, or no commit yet
    return done.stdout.decode("ascii", "replace").strip() or None
