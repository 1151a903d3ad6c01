"""Remote URLs → forge web links, and the two builders the report renderer uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.gitlink import commit_url_builder, file_url_builder
from journal.gitlink.remote import commit_url, file_url, parse_remote
from tests.conftest import git

SHA = "fa1b1d5c0ffee0000000000000000000000000aa"


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@github.com:org/repo.git", "https://github.com/org/repo/commit/{sha}"),
        ("https://github.com/org/repo", "https://github.com/org/repo/commit/{sha}"),
        (
            "https://x-access-token:ghp_secret@github.com/org/repo.git",
            "https://github.com/org/repo/commit/{sha}",
        ),
        (
            "ssh://git@gitlab.com/group/sub/repo.git",
            "https://gitlab.com/group/sub/repo/-/commit/{sha}",
        ),
        (
            "https://gitlab.com/group/sub/deeper/repo.git",
            "https://gitlab.com/group/sub/deeper/repo/-/commit/{sha}",
        ),
        (
            "ssh://git@gitlab.example.com:2222/team/repo.git",
            "https://gitlab.example.com/team/repo/-/commit/{sha}",
        ),
        (
            "git@bitbucket.org:workspace/repo.git",
            "https://bitbucket.org/workspace/repo/commits/{sha}",
        ),
        (
            "https://user:app-password@bitbucket.org/workspace/repo.git",
            "https://bitbucket.org/workspace/repo/commits/{sha}",
        ),
        (
            "https://codeberg.org/owner/repo.git",
            "https://codeberg.org/owner/repo/commit/{sha}",
        ),
        (
            "git@gitea.example.org:owner/repo.git",
            "https://gitea.example.org/owner/repo/commit/{sha}",
        ),
        (
            "https://dev.azure.com/org/project/_git/repo",
            "https://dev.azure.com/org/project/_git/repo/commit/{sha}",
        ),
        (
            "https://org@dev.azure.com/org/project/_git/repo",
            "https://dev.azure.com/org/project/_git/repo/commit/{sha}",
        ),
        (
            "git@ssh.dev.azure.com:v3/org/project/repo",
            "https://dev.azure.com/org/project/_git/repo/commit/{sha}",
        ),
        (
            "https://org.visualstudio.com/DefaultCollection/project/_git/repo",
            "https://dev.azure.com/org/project/_git/repo/commit/{sha}",
        ),
    ],
)
def test_commit_urls_for_every_forge_and_url_form(remote: str, expected: str) -> None:
    found = parse_remote(remote)
    assert found is not None
    url = commit_url(found, SHA)
    assert url == expected.format(sha=SHA)
    assert "secret" not in url and "password" not in url


@pytest.mark.parametrize(
    "remote", ["", "/srv/git/repo.git", "../other", "file:///srv/repo.git", "origin"]
)
def test_local_and_unreadable_remotes_give_no_link(remote: str) -> None:
    assert parse_remote(remote) is None


def test_unknown_forge_gives_no_link() -> None:
    found = parse_remote("https://git.example.com/team/repo.git")
    assert found is not None and found.forge == "unknown"
    assert commit_url(found, SHA) is None


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        (
            "git@github.com:org/repo.git",
            "https://github.com/org/repo/blob/main/app/models.py#L115-L120",
        ),
        (
            "git@gitlab.com:group/sub/repo.git",
            "https://gitlab.com/group/sub/repo/-/blob/main/app/models.py#L115-120",
        ),
        (
            "git@bitbucket.org:ws/repo.git",
            "https://bitbucket.org/ws/repo/src/main/app/models.py#lines-115:120",
        ),
        (
            "https://codeberg.org/o/r.git",
            "https://codeberg.org/o/r/src/branch/main/app/models.py#L115-L120",
        ),
        (
            "git@ssh.dev.azure.com:v3/org/p/r",
            "https://dev.azure.com/org/p/_git/r?path=/app/models.py&version=GBmain"
            "&line=115&lineEnd=120&lineStartColumn=1",
        ),
    ],
)
def test_file_urls_point_at_lines(remote: str, expected: str) -> None:
    found = parse_remote(remote)
    assert found is not None
    assert file_url(found, "app/models.py:115-120", branch="main") == expected


def _repo(tmp_path: Path, remote: str | None) -> Path:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q")
    if remote:
        git(root, "remote", "add", "origin", remote)
    return root


def test_builders_read_origin(tmp_path: Path) -> None:
    root = _repo(tmp_path, "git@github.com:org/repo.git")
    assert commit_url_builder(root)(SHA) == f"https://github.com/org/repo/commit/{SHA}"
    # no origin/HEAD known: GitHub reads HEAD as the default branch
    files = file_url_builder(root)
    assert files("a b/c.md") == "https://github.com/org/repo/blob/HEAD/a%20b/c.md"
    assert files(str(root / "docs" / "x.md")) == (
        "https://github.com/org/repo/blob/HEAD/docs/x.md"
    )
    assert files("/elsewhere/x.md") is None


def test_file_builder_uses_origins_default_branch(tmp_path: Path) -> None:
    root = _repo(tmp_path, "git@gitlab.com:g/r.git")
    git(root, "commit", "-q", "--allow-empty", "-m", "one")
    git(root, "update-ref", "refs/remotes/origin/trunk", "HEAD")
    git(root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert file_url_builder(root)("x.py") == "https://gitlab.com/g/r/-/blob/trunk/x.py"


@pytest.mark.parametrize(
    "remote", [None, "/srv/git/local.git", "https://git.example.com/a/b"]
)
def test_builders_give_none_without_a_known_forge(
    tmp_path: Path, remote: str | None
) -> None:
    root = _repo(tmp_path, remote)
    assert commit_url_builder(root)(SHA) is None
    assert file_url_builder(root)("x.py") is None


def test_builders_give_none_outside_a_repository(tmp_path: Path) -> None:
    assert commit_url_builder(tmp_path)(SHA) is None
    assert file_url_builder(tmp_path)("x.py") is None


def test_self_hosted_pattern(tmp_path: Path) -> None:
    root = _repo(tmp_path, "ssh://git@git.example.com:2222/team/app.git")
    pattern = "https://git.example.com/{path}/commit/{sha}"
    assert commit_url_builder(root, web_url=pattern)(SHA) == (
        f"https://git.example.com/team/app/commit/{SHA}"
    )
    assert file_url_builder(root, web_url=pattern)("x.py") == (
        "https://git.example.com/team/app/blob/HEAD/x.py"
    )
    gitlab = "https://code.example.com/{path}/-/commit/{sha}"
    assert file_url_builder(root, web_url=gitlab)("x.py:3") == (
        "https://code.example.com/team/app/-/blob/HEAD/x.py#L3"
    )
    fixed = "https://git.example.com/team/app/commit/{sha}"
    assert commit_url_builder(tmp_path, web_url=fixed)(SHA) == (
        f"https://git.example.com/team/app/commit/{SHA}"
    )
    # a pattern that needs the remote's path, without a remote: no link
    assert commit_url_builder(tmp_path, web_url=pattern)(SHA) is None


def test_builders_read_the_remote_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journal.gitlink import shell

    calls: list[list[str]] = []
    real = shell.RUNNER

    def counting(args: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(args)
        return real(args, **kwargs)

    root = _repo(tmp_path, "git@github.com:org/repo.git")
    monkeypatch.setattr(shell, "RUNNER", counting)
    build = commit_url_builder(root)
    for _ in range(50):
        build(SHA)
    assert calls == []  # a plain config file is read without git (configfile)
    # A value the file reading leaves to git (quoted): git is asked, once.
    git(root, "config", "remote.origin.url", "git@github.com:org/quoted.git")
    config = root / ".git" / "config"
    config.write_text(
        config.read_text().replace(
            " = git@github.com:org/quoted.git", ' = "git@github.com:org/quoted.git"'
        )
    )
    build = commit_url_builder(root)
    for _ in range(50):
        build(SHA)
    assert calls == [["git", "config", "--get", "remote.origin.url"]]
    assert build(SHA) == f"https://github.com/org/quoted/commit/{SHA}"
