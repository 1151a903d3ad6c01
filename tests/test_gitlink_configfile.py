"""`remote.origin.url` from git's files (journal/gitlink/configfile.py): whenever it
answers, the answer is git's own, and what it cannot follow is left to git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from journal.gitlink import origin_url
from journal.gitlink.configfile import origin_from_files
from tests.conftest import git

_ORIGIN = '[remote "origin"]\n\turl = git@github.com:org/repo.git\n'


def _git_says(root: Path) -> str:
    done = subprocess.run(
        ["git", "config", "--get", "remote.origin.url"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _repo(tmp_path: Path, extra: str = "") -> Path:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q")
    if extra:
        with (root / ".git" / "config").open("a", encoding="utf-8") as config:
            config.write(extra)
    return root


# What the files say plainly: read without git, and the same as git's answer.
PLAIN = [
    "",
    _ORIGIN,
    _ORIGIN + '[remote "origin"]\n\turl = https://gitlab.com/g/sub/r.git\n',
    '[Remote "origin"]\n  URL=https://github.com/a/b\n',
    '[remote "Origin"]\n\turl = https://github.com/not/this\n',
    '[remote "upstream"]\n\turl = https://github.com/up/stream\n',
    "# a comment\n; another\n"
    + _ORIGIN
    + "\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    '[remote "origin"]\n\tpushurl = https://github.com/push/only\n',
    "[core]\n\tx = a # a comment after a value elsewhere\n" + _ORIGIN,
]

# What only git reads right: the files are left to it.
UNUSUAL = [
    "[include]\n\tpath = other\n",
    '[includeIf "gitdir:~/"]\n\tpath = other\n',
    '[remote "origin"]\n\turl = "https://github.com/quoted/r"\n',
    '[remote "origin"]\n\turl = https://github.com/a/b # a comment\n',
    '[remote "origin"]\n\turl = https://github.com/a/\\\nb\n',
    "[remote.origin]\n\turl = https://github.com/old/syntax\n",
    '[remote "origin"] url = https://github.com/same/line\n',
    "[extensions]\n\tworktreeConfig = true\n" + _ORIGIN,
    "[core]\n\tflag\n" + _ORIGIN,
]


@pytest.mark.parametrize("extra", PLAIN)
def test_plain_files_give_gits_answer_without_git(tmp_path: Path, extra: str) -> None:
    root = _repo(tmp_path, extra)
    assert origin_from_files(root) == _git_says(root)
    # From a folder inside the work tree too (a journal in a repository's folder).
    inner = root / "team" / "journal"
    inner.mkdir(parents=True)
    assert origin_from_files(inner) == _git_says(inner)


@pytest.mark.parametrize("extra", UNUSUAL)
def test_what_the_reading_does_not_follow_is_left_to_git(
    tmp_path: Path, extra: str
) -> None:
    root = _repo(tmp_path, extra)
    assert origin_from_files(root) is None
    assert origin_url(root) == _git_says(root)


def test_the_global_file_counts_when_the_repository_sets_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    home = tmp_path / "home.gitconfig"
    home.write_text('[remote "origin"]\n\turl = https://github.com/global/one\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home))
    assert origin_from_files(root) == _git_says(root) == "https://github.com/global/one"
    # The repository's own value comes later, so it wins.
    (root / ".git" / "config").write_text(_ORIGIN)
    assert origin_from_files(root) == _git_says(root) == "git@github.com:org/repo.git"


def test_a_system_file_only_git_can_find_is_left_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    monkeypatch.delenv("GIT_CONFIG_NOSYSTEM")
    monkeypatch.delenv("GIT_CONFIG_SYSTEM", raising=False)
    assert origin_from_files(root) is None
    # Unless the repository names the remote itself: read after any system file.
    (root / ".git" / "config").write_text(_ORIGIN)
    assert origin_from_files(root) == _git_says(root)


def test_configuration_from_the_environment_is_left_to_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path, _ORIGIN)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "remote.origin.url")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "https://github.com/from/env")
    assert origin_from_files(root) is None
    assert origin_url(root) == "https://github.com/from/env"


def test_outside_a_repository_only_the_global_files_count(tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    assert origin_from_files(alone) == _git_says(alone) == ""


def test_linked_worktrees_are_left_to_git(tmp_path: Path) -> None:
    root = _repo(tmp_path, _ORIGIN)
    git(root, "commit", "-q", "--allow-empty", "-m", "first")
    git(root, "worktree", "add", "-q", str(tmp_path / "wt"))
    assert origin_from_files(tmp_path / "wt") is None
    assert origin_url(tmp_path / "wt") == "git@github.com:org/repo.git"


def test_the_xdg_file_then_the_home_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    (xdg / "git").mkdir(parents=True)
    home.mkdir()
    monkeypatch.delenv("GIT_CONFIG_GLOBAL")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    (xdg / "git" / "config").write_text(
        '[remote "origin"]\n\turl = https://github.com/xdg/one\n'
    )
    assert origin_from_files(root) == _git_says(root) == "https://github.com/xdg/one"
    # git reads the home folder's file after XDG's: its value wins.
    (home / ".gitconfig").write_text(
        '[remote "origin"]\n\turl = https://github.com/home/one\n'
    )
    assert origin_from_files(root) == _git_says(root) == "https://github.com/home/one"
