"""Asking the repository which commits exist: one `git cat-file` for all of them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from journal.errors import JournalError

_HEX = re.compile(r"^[0-9a-fA-F]{4,64}$")


def commits_exist(root: Path, shas: Sequence[str]) -> dict[str, bool] | None:
    """sha → whether it names a commit here; None when `root` is not in a git
    repository or git cannot be run (the check is then skipped, not failed)."""
    from journal.gitlink.shell import run_git
    from journal.store.locate import git_dir

    if git_dir(root) is None:
        return None
    queried = [sha for sha in shas if _HEX.match(sha)]
    result = {sha: False for sha in shas if not _HEX.match(sha)}
    if not queried:
        return result
    request = "".join(f"{sha}^{{commit}}\n" for sha in queried).encode()
    try:
        # Through the seam: inside a hook (or under a stray GIT_DIR) a git started
        # here must still find the journal's own repository.
        out = run_git(["cat-file", "--batch-check"], cwd=root, input=request)
    except JournalError:
        return None
    answers = out.splitlines()
    if len(answers) != len(queried):
        return None
    for sha, answer in zip(queried, answers, strict=True):
        # "<sha> commit <size>" when found; "… missing" or "… ambiguous" otherwise.
        result[sha] = not answer.endswith(" missing")
    return result
