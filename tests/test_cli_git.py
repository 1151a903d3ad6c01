"""`journal link`, and the git commands' help and errors as users see them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, git, snapshot
from tests.gitlink_support import SID, commit, events, linked


def test_link_defaults_to_head(cli: Cli, journal_root: Path, session_id: str) -> None:
    sha = commit(journal_root, "Fix mapper error", when="2025-11-04T01:05:00-05:00")
    out = cli.ok("link").out
    assert out == f"linked  {sha[:7]} Fix mapper error\n→ {SID}\n"
    assert events(journal_root)[-1] == {
        "at": "2025-11-04T01:05:00-05:00",
        "kind": "commit",
        "text": "Fix mapper error",
        "sha": sha,
        "by": "Test Responder",
    }


def test_link_a_range_oldest_first_once_each(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    base = commit(journal_root, "Base")
    shas = [commit(journal_root, f"Step {n}", name=f"{n}.txt") for n in range(3)]
    cli.ok("link", "HEAD")
    data = json.loads(cli.ok("link", f"{base}..HEAD", "--json").out)
    assert [c["sha"] for c in data["linked"]] == shas[:2]
    assert [c["sha"] for c in data["already"]] == shas[2:]
    assert linked(journal_root) == [shas[2], *shas[:2]]
    assert cli.ok("link", "main~2", "HEAD").out.startswith("already")


def test_link_with_session_option_and_forge_url(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    cli.ok("new", "Second incident", "--no-activate", "--at", "2025-11-05T09:00Z")
    git(journal_root, "remote", "add", "origin", "git@github.com:org/repo.git")
    sha = commit(journal_root, "Fix")
    data = json.loads(cli.ok("link", "--session", "2025-11-05", "--json").out)
    assert data["session"] == "2025-11-05-second-incident"
    assert data["linked"][0]["url"] == f"https://github.com/org/repo/commit/{sha}"
    assert linked(journal_root, "2025-11-05-second-incident") == [sha]
    assert linked(journal_root) == []


def test_link_in_a_bare_repository(tmp_path: Path, journal_root: Path) -> None:
    commit(journal_root, "Shared history")
    bare = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--bare", str(journal_root), str(bare))
    cli = Cli(bare)
    cli.ok("init")
    cli.ok("new", "Server side", "--at", "2025-11-04T01:00Z")
    out = cli.ok("link").out
    assert out.startswith("linked") and "Shared history" in out


def _error(
    cli: Cli, root: Path, args: tuple[str, ...], message: str, code: int
) -> None:
    cli.ok("list")  # the first command caches the configuration
    before = snapshot(root)
    result = cli(*args)
    assert result.code == code, result.err
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"journal: error: {message}"), result.err
    assert snapshot(root) == before


def test_link_errors(cli: Cli, journal_root: Path, session_id: str) -> None:
    _error(
        cli,
        journal_root,
        ("link",),
        "this repository has no commits yet — commit first, then run `journal link`",
        1,
    )
    commit(journal_root, "First")
    _error(cli, journal_root, ("link", "nope"), "unknown revision 'nope' — give", 1)
    _error(cli, journal_root, ("link", "nope..HEAD"), "unknown revision range", 1)
    _error(cli, journal_root, ("link", "HEAD..HEAD"), "the range 'HEAD..HEAD' holds", 1)
    _error(cli, journal_root, ("link", "--", "-x"), "'-x' is not a revision", 2)
    _error(
        cli, journal_root, ("link", "--session", "zzz"), "no session matches 'zzz'", 1
    )
    cli.ok("use", "--clear")
    _error(cli, journal_root, ("link",), "no active session", 1)


def test_link_outside_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    cli = Cli(folder)
    cli.ok("init")
    cli.ok("new", "No git here", "--at", "2025-11-04T01:00Z")
    _error(cli, folder, ("link",), f"{folder} is not in a git repository", 1)


@pytest.mark.parametrize(
    "args",
    [
        ("link",),
        ("sync",),
        ("hook",),
        ("hook", "install"),
        ("hook", "uninstall"),
        ("hook", "status"),
    ],
)
def test_every_git_command_has_help(cli: Cli, args: tuple[str, ...]) -> None:
    out = cli.ok(*args, "--help").out
    assert "Usage: journal " + " ".join(args) in out
    if args != ("hook",):
        assert "--json" in out


def test_item15_hotspots_of_a_commit_at_the_repository_root(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    # issue 26 item 15: a file at the top of the repository has no directory to roll
    # up into, and the table of directories was drawn from no rows (TypeError).
    sha = commit(journal_root, "Fix readme", name="README")
    cli.ok("link", sha)
    result = cli("hotspots")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["file", "sessions", "last", "trend"]
    assert lines[1].split()[:2] == ["README", "1"]
    assert "directory" not in result.out and result.err == ""
    data = json.loads(cli.ok("hotspots", "--json").out)
    assert [f["path"] for f in data["files"]] == ["README"]
    assert data["directories"] == []
