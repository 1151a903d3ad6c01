"""`store/cache.py` reads from git's files the commit `git rev-parse HEAD` names, in
every plain layout, and gives up (None: the caller asks git) on the others."""

from __future__ import annotations

from pathlib import Path

from journal.store.cache import head_from_files
from tests.conftest import git


def _rev_parse(root: Path) -> str:
    return git(root, "rev-parse", "HEAD")


def test_head_from_files_reads_what_git_reads(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    assert head_from_files(repo / ".git") is None  # unborn: the caller asks git
    git(repo, "commit", "-q", "--allow-empty", "-m", "one")
    loose = head_from_files(repo / ".git")
    assert loose == f"refs/heads/main {_rev_parse(repo)}"
    git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert head_from_files(repo / ".git") == loose
    git(repo, "commit", "-q", "--allow-empty", "-m", "two")  # loose again, newer
    assert head_from_files(repo / ".git") == f"refs/heads/main {_rev_parse(repo)}"
    git(repo, "checkout", "-q", "--detach")
    assert head_from_files(repo / ".git") == _rev_parse(repo)
    git(repo, "checkout", "-q", "main")
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "side"))
    git(tmp_path / "side", "commit", "-q", "--allow-empty", "-m", "side")
    side_dir = repo / ".git" / "worktrees" / "side"
    assert (
        head_from_files(side_dir) == f"refs/heads/side {_rev_parse(tmp_path / 'side')}"
    )
    git(repo, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/alias")
    assert head_from_files(repo / ".git") is None  # a ref naming a ref: ask git
