"""The one git seam: environment, errors, and that nothing else starts git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import journal
from journal.gitlink import shell
from journal.gitlink.shell import GitError, NotARepoError, run_git
from tests.conftest import git


def test_hook_variables_do_not_leak_into_our_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    monkeypatch.setenv("GIT_DIR", "/nonexistent/.git")
    monkeypatch.setenv("GIT_INDEX_FILE", "/nonexistent/index")
    out = run_git(["rev-parse", "--show-toplevel"], cwd=tmp_path)
    assert Path(out.strip()) == tmp_path.resolve()


def test_tests_can_swap_the_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake(args: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        seen.append(args)
        return subprocess.CompletedProcess(args, 0, b"faked\n", b"")

    monkeypatch.setattr(shell, "RUNNER", fake)
    assert run_git(["status"], cwd=Path()) == "faked\n"
    assert seen == [["git", "status"]]


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotARepoError) as info:
        run_git(["log"], cwd=tmp_path)
    assert info.value.one_line() == (
        f"{tmp_path} is not in a git repository — run `git init` there, "
        "or run journal inside a git checkout"
    )


def test_git_failure_names_the_command(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(GitError) as info:
        run_git(["rev-parse", "--verify", "no-such-ref"], cwd=tmp_path)
    assert info.value.message.startswith("git rev-parse failed: ")


def test_missing_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitError) as info:
        run_git(["status"], cwd=tmp_path)
    assert info.value.message == "git is not installed (or not on PATH)"


def test_only_the_seam_starts_processes() -> None:
    package = Path(journal.__file__).parent
    files = list((package / "gitlink").glob("*.py"))
    starters = [
        f.name for f in files if "subprocess" in f.read_text() and f.name != "shell.py"
    ]
    assert starters == []
