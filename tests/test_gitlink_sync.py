"""`journal sync`: trailer commits linked, rewritten commits followed or marked lost."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, git, snapshot
from tests.gitlink_support import SID, commit, events, linked, run_commit

TRAILER = ("-m", f"Journal-Session: {SID}")


def _timeline(root: Path) -> Path:
    return root / "sessions" / SID / "timeline.yaml"


def test_links_trailer_commits_the_hook_never_saw(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    cli.ok("use", "--clear")
    a = commit(journal_root, "First fix", extra=TRAILER)
    commit(journal_root, "Unrelated")
    b = commit(journal_root, "Second fix", extra=("-m", "Journal-Session: 8"))
    ghost = commit(journal_root, "Other journal", extra=("-m", "Journal-Session: nope"))
    data = json.loads(cli.ok("sync", "--json").out)
    assert [d["sha"] for d in data["linked"]] == [a, b]
    assert data["unknown_sessions"] == [{"sha": ghost, "session": "nope"}]
    assert linked(journal_root) == [a, b]
    again = cli.ok("sync").out
    assert "linked" not in again and "skipped" in again
    assert linked(journal_root) == [a, b]


def test_since_limits_the_scan(cli: Cli, journal_root: Path, session_id: str) -> None:
    old = commit(journal_root, "Old fix", extra=TRAILER)
    new = commit(journal_root, "New fix", extra=TRAILER)
    cli.ok("sync", "--since", old)
    assert linked(journal_root) == [new]


def test_amended_commit_is_followed_through_the_reflog(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    first = commit(journal_root, "Fix mapper")
    cli.ok("link")
    (journal_root / "fix.txt").write_text("a different change\n")
    git(journal_root, "add", "fix.txt")
    run_commit(journal_root, "--amend", "-m", "Fix mapper for real")
    amended = git(journal_root, "rev-parse", "HEAD")
    out = cli.ok("sync").out
    assert f"re-pointed {first[:7]} → {amended[:7]} (reflog)" in out
    event = events(journal_root)[-1]
    assert event["sha"] == amended and event["rewritten_from"] == first
    assert event["text"] == "Fix mapper for real"


def test_rewritten_lines_keep_every_other_byte(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    cli.ok("log", "Before the fix", "--at", "2025-11-04T01:01:00+00:00")
    first = commit(journal_root, "Fix mapper")
    cli.ok("link")
    path = _timeline(journal_root)
    with path.open("a") as handle:
        handle.write("# a comment someone wrote\n")
        handle.write('- {at: "2025-11-04T01:09:00+00:00", kind: note, text: by hand}\n')
    before = path.read_bytes().split(b"\n")
    run_commit(journal_root, "--amend", "-m", "Fix mapper (amended)")
    cli.ok("sync")
    after = path.read_bytes().split(b"\n")
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert len(changed) == 1 and first.encode() in before[changed[0]]


def test_rebased_commits_missing_here_are_found_by_authorship(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    commit(journal_root, "Base")
    first = commit(journal_root, "Fix mapper")
    cli.ok("link")
    # The rewrite happened in another clone: the new commit has other parents and
    # the old object is not here at all.
    git(journal_root, "checkout", "-q", "--orphan", "rewritten")
    run_commit(journal_root, "-m", "Fix mapper")
    new = git(journal_root, "rev-parse", "HEAD")
    git(journal_root, "branch", "-D", "main")
    git(journal_root, "reflog", "expire", "--expire=now", "--all")
    git(journal_root, "gc", "-q", "--prune=now")
    out = cli.ok("sync").out
    assert f"re-pointed {first[:7]} → {new[:7]} (authorship)" in out
    assert linked(journal_root) == [new]


def test_squashed_commits_are_marked_lost_then_found_again(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    base = commit(journal_root, "Base")
    a = commit(journal_root, "Part A", name="a.txt", when="2025-11-04T01:06:00+00:00")
    b = commit(journal_root, "Part B", name="b.txt", when="2025-11-04T01:07:00+00:00")
    cli.ok("link", f"{base}..HEAD")
    git(journal_root, "branch", "keep", b)
    git(journal_root, "reset", "-q", "--soft", base)
    run_commit(journal_root, "-m", "Parts A and B", when="2025-11-04T01:08:00+00:00")
    git(journal_root, "branch", "-D", "keep")
    git(journal_root, "reflog", "expire", "--expire=now", "--all")
    lost = json.loads(cli.ok("sync", "--json").out)["lost"]
    assert sorted(x["sha"] for x in lost) == sorted([a, b])
    marked = {e["sha"]: e for e in events(journal_root)}
    assert marked[a]["lost"] is True and marked[a]["text"] == "Part A"
    assert marked[b]["lost"] is True
    assert cli.ok("sync").out.startswith("in sync")  # lost stays lost, quietly
    # the branch comes back (fetched from a colleague): the commits are found again
    git(journal_root, "branch", "keep", b)
    found = json.loads(cli.ok("sync", "--json").out)["found"]
    assert sorted(x["sha"] for x in found) == sorted([a, b])
    assert not any(e.get("lost") for e in events(journal_root))


def test_a_merged_back_old_line_is_folded_into_the_new_one(
    cli: Cli, journal_root: Path, session_id: str
) -> None:
    first = commit(journal_root, "Fix mapper")
    cli.ok("link")
    path = _timeline(journal_root)
    stale = path.read_bytes()
    run_commit(journal_root, "--amend", "-m", "Fix mapper (amended)")
    cli.ok("sync")
    # a union merge with a branch that still had the old line brings it back
    path.write_bytes(path.read_bytes() + stale)
    out = cli.ok("sync").out
    assert f"merged     {first[:7]}" in out
    shas = linked(journal_root)
    assert shas == [git(journal_root, "rev-parse", "HEAD")]


def test_shallow_clone_leaves_commits_it_cannot_see(
    cli: Cli, journal_root: Path, session_id: str, tmp_path: Path
) -> None:
    old = commit(journal_root, "Old fix")
    cli.ok("link")
    git(journal_root, "add", "-A")
    run_commit(journal_root, "-m", "Journal")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{journal_root}", str(clone))
    shallow = Cli(clone)
    result = json.loads(shallow.ok("sync", "--json").out)
    assert result["shallow"] is True
    assert result["unchecked"] == [{"session": SID, "sha": old}]
    assert result["lost"] == []
    assert not any(e.get("lost") for e in events(clone))
    assert shallow.ok("link", "--session", SID).out.startswith("linked")


def test_empty_repository_has_nothing_to_sync(cli: Cli, session_id: str) -> None:
    assert cli.ok("sync").out.strip() == "no commits yet: nothing to sync"


def test_not_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    cli = Cli(folder)
    cli.ok("init")
    cli.ok("list")
    files = snapshot(folder)
    result = cli("sync")
    assert result.code == 1
    assert result.err.startswith(f"journal: error: {folder} is not in a git repository")
    assert snapshot(folder) == files
