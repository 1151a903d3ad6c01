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


def _two_clones(tmp_path: Path) -> tuple[Cli, Cli]:
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    first = tmp_path / "alice"
    git(tmp_path, "clone", "-q", str(origin), str(first))
    alice = Cli(first)
    alice.ok("init")
    alice.ok("hook", "install")
    git(first, "add", "-A")
    git(first, "commit", "-q", "-m", "Start the journal")
    git(first, "push", "-q", "origin", "HEAD:main")
    second = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(origin), str(second))
    bob = Cli(second)
    bob.ok("hook", "install")
    for clone in (first, second):
        git(clone, "config", "pull.rebase", "false")
    return alice, bob


def _new(cli: Cli, at: str, text: str) -> str:
    out = cli.ok("new", "Database down", "--at", at, "--number", "next", "--json")
    session = str(json.loads(out.out)["session"])
    cli.ok("log", text, "--at", at)
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", f"Open {session}")
    return session


def test_item13_two_clones_open_the_same_title_on_the_same_day(
    tmp_path: Path,
) -> None:
    # issue 26 item 13: the two folders had one name, so `git pull` made one session
    # of two (timelines interleaved, one session.yaml won).
    alice, bob = _two_clones(tmp_path)
    first = _new(alice, "2025-11-04T01:00:00+00:00", "Alice sees errors")
    git(alice.root, "push", "-q", "origin", "HEAD:main")
    second = _new(bob, "2025-11-04T01:20:00+00:00", "Bob sees errors")
    assert first != second
    for session in (first, second):
        assert session.startswith("2025-11-04-database-down-")
        assert len(session) == len("2025-11-04-database-down-") + 4
    git(bob.root, "pull", "-q", "--no-edit", "origin", "main")
    assert git(bob.root, "status", "--porcelain") == ""
    listed = json.loads(bob.ok("list", "--json").out)
    assert {row["id"] for row in listed} == {first, second}
    shown = {s: bob.ok("show", s).out for s in (first, second)}
    assert "Alice sees errors" in shown[first] and "Bob" not in shown[first]
    assert "Bob sees errors" in shown[second] and "Alice" not in shown[second]
    # prefixes still resolve: the slug alone is now ambiguous, a longer prefix is not
    ambiguous = bob("show", "database-down")
    assert ambiguous.code != 0 and "matches 2 sessions" in ambiguous.err
    common = next(
        i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b
    )
    assert bob.ok("show", first[: common + 1]).out == shown[first]
    # both took number 1: check names it, check --fix renumbers the later one
    check = bob("check", "--json")
    assert check.code == 1
    duplicates = [
        f for f in json.loads(check.out)["findings"] if f["rule"] == "number-duplicate"
    ]
    assert {f["session"] for f in duplicates} == {first, second}
    fixed = bob("check", "--fix", "--json")
    found = json.loads(fixed.out)["findings"]
    renumbered = [f for f in found if f["rule"] == "number-duplicate"]
    assert renumbered == [
        {
            "rule": "number-duplicate",
            "severity": "error",
            "file": f"sessions/{second}/session.yaml",
            "line": None,
            "message": f"number 1 was also used by {first}, which started first; "
            "renumbered to 2",
            "hint": "if 1 is the number people know it by, say so in its summary",
            "session": second,
            "fixed": True,
        }
    ]
    again = json.loads(bob.ok("check", "--json").out)["findings"]
    assert not [f for f in again if f["rule"] == "number-duplicate"]
    assert bob.ok("show", "2").out == bob.ok("show", second).out


def test_item13_a_journal_without_a_remote_keeps_plain_folder_names(
    cli: Cli,
) -> None:
    out = cli.ok("new", "Database down", "--at", "2025-11-04T01:00Z", "--json").out
    assert json.loads(out)["session"] == "2025-11-04-database-down"


def test_item13_check_fix_renumbers_the_later_of_two_sessions(cli: Cli) -> None:
    # What a merge of two clones leaves: two sessions that each took number 3.
    cli.ok("new", "Later", "--at", "2025-11-05T01:00Z", "--number", "3")
    cli.ok("new", "Earlier", "--at", "2025-11-04T01:00Z", "--number", "3")
    cli.ok("new", "Other", "--at", "2025-11-06T01:00Z", "--number", "7")
    before = cli("check")
    assert before.code == 1 and "number 3 is also used by" in before.out
    fixed = cli("check", "--fix")
    assert (
        "number 3 was also used by 2025-11-04-earlier, which started first; "
        "renumbered to 8"
    ) in fixed.out
    assert "number-duplicate" not in cli("check").out
    assert "Later" in cli.ok("show", "8").out
    assert "Earlier" in cli.ok("show", "3").out
