"""Two responders, one session, two clones: git never stops on a clean tree, session.yaml
merges field by field, and a true conflict is named and resolved — all through real
git repositories, real clones and the real `journal` command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import git, run_journal

SID = "2025-11-04-db-failover"


def _ok(cwd: Path, *args: str, input: str | None = None) -> str:
    result = run_journal(*args, cwd=cwd, input=input)
    assert result.code == 0, f"journal {' '.join(args)}: {result.err}"
    return result.out


def _session(clone: Path) -> dict:
    return yaml.safe_load((clone / "sessions" / SID / "session.yaml").read_text())


def _texts(clone: Path, field: str) -> list[str]:
    return [item["text"] for item in _session(clone).get(field) or []]


def _git_may_stop(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """git, as a responder runs it: it may stop (a conflict), and the test says so."""
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def _commit_all(clone: Path, message: str) -> None:
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", message)


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An origin, and the clones of Alice and Bob, each with `journal hook install`."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    alice = tmp_path / "alice"
    git(tmp_path, "init", "-q", str(alice))
    _ok(alice, "init")
    # Opened before the journal had a remote: its folder name has no clone suffix.
    _ok(alice, "new", "DB failover", "--at", "2025-11-04T01:00:00+00:00")
    _ok(alice, "step", "add", "Page the DBA")
    _ok(alice, "criterion", "add", "Replica healthy")
    _commit_all(alice, "Start the session")
    git(alice, "remote", "add", "origin", str(origin))
    git(alice, "push", "-q", "-u", "origin", "HEAD:main")
    bob = tmp_path / "bob"
    git(tmp_path, "clone", "-q", str(origin), str(bob))
    for clone in (alice, bob):
        _ok(clone, "use", SID)
        _ok(clone, "hook", "install")
        git(clone, "config", "pull.rebase", "false")
    return origin, alice, bob


def _both_sides_edit(alice: Path, bob: Path) -> None:
    _ok(alice, "step", "add", "Alice: add replica lag alert", "--owner", "alice")
    _ok(alice, "criterion", "add", "Alice: failover under 30 s")
    _ok(alice, "step", "done", "1")
    _ok(
        alice,
        "log",
        "Alice saw the primary fail",
        "--kind",
        "detected",
        "--at",
        "2025-11-04T01:02:00+00:00",
    )
    _commit_all(alice, "Alice's notes")
    git(alice, "push", "-q", "origin", "HEAD:main")
    _ok(bob, "step", "add", "Bob: rehearse failover monthly")
    _ok(bob, "criterion", "add", "Bob: no data loss")
    _ok(bob, "set", "root_cause.summary", "The failover script read a stale config")
    _ok(
        bob,
        "log",
        "Bob promoted the replica",
        "--kind",
        "mitigated",
        "--at",
        "2025-11-04T01:10:00+00:00",
    )
    _commit_all(bob, "Bob's notes")


def _assert_everything_kept(clone: Path, *, first: str) -> None:
    # Items added on both sides are all kept: those of the branch merged into first,
    # as if its commands had run before the other side's.
    added = ["Alice: add replica lag alert", "Bob: rehearse failover monthly"]
    if first == "bob":
        added.reverse()
    assert _texts(clone, "next_steps") == ["Page the DBA", *added]
    assert _session(clone)["next_steps"][0]["done"] is True
    assert set(_texts(clone, "success_criteria")) == {
        "Replica healthy",
        "Alice: failover under 30 s",
        "Bob: no data loss",
    }
    assert _session(clone)["root_cause"]["summary"] == (
        "The failover script read a stale config"
    )
    timeline = (clone / "sessions" / SID / "timeline.yaml").read_text()
    assert "Alice saw the primary fail" in timeline
    assert "Bob promoted the replica" in timeline
    result = run_journal("check", cwd=clone)
    assert result.code == 0, result.out + result.err


def test_commits_with_the_default_hooks_leave_a_clean_tree(team: tuple) -> None:
    _, alice, _ = team
    _ok(alice, "log", "Restarted the primary")
    _commit_all(alice, "Restart the primary")
    assert git(alice, "status", "--porcelain") == ""
    message = git(alice, "log", "-1", "--format=%B")
    assert f"Journal-Session: {SID}" in message


def test_a_trailer_commit_shows_in_the_report_without_any_write(team: tuple) -> None:
    _, alice, _ = team
    (alice / "fix.py").write_text("fixed = True\n")
    _commit_all(alice, "Fix the failover script")
    sha = git(alice, "rev-parse", "HEAD")
    assert "Fix the failover script" in _ok(alice, "render", SID)
    assert sha[:7] in _ok(alice, "render", SID)
    exported = _ok(alice, "export", SID)
    assert sha in exported
    assert git(alice, "status", "--porcelain") == ""


def test_close_writes_the_trailer_commits_into_the_timeline(team: tuple) -> None:
    _, alice, _ = team
    (alice / "fix.py").write_text("fixed = True\n")
    _commit_all(alice, "Fix the failover script")
    sha = git(alice, "rev-parse", "HEAD")
    shown_before = _ok(alice, "render", SID).count(sha[:7])
    assert shown_before >= 1
    out = _ok(alice, "close")
    assert "1 commit(s) written" in out
    timeline = (alice / "sessions" / SID / "timeline.yaml").read_text()
    assert timeline.count(sha) == 1
    # Listed as before, though the timeline and history both carry it now.
    assert _ok(alice, "render", SID).count(sha[:7]) == shown_before


def test_two_responders_pull_without_stop_or_conflict(team: tuple) -> None:
    _, alice, bob = team
    _both_sides_edit(alice, bob)
    pulled = _git_may_stop(bob, "pull", "-q", "origin", "main")
    assert pulled.returncode == 0, pulled.stderr
    assert git(bob, "status", "--porcelain") == ""
    _assert_everything_kept(bob, first="bob")


def test_the_same_through_rebase(team: tuple) -> None:
    _, alice, bob = team
    _both_sides_edit(alice, bob)
    git(bob, "fetch", "-q", "origin")
    rebased = _git_may_stop(bob, "rebase", "origin/main")
    assert rebased.returncode == 0, rebased.stderr
    assert git(bob, "status", "--porcelain") == ""
    _assert_everything_kept(bob, first="alice")


def test_the_same_through_cherry_pick(team: tuple) -> None:
    _, alice, bob = team
    _both_sides_edit(alice, bob)
    git(bob, "fetch", "-q", "origin")
    git(bob, "branch", "-q", "bobs", "HEAD")
    git(bob, "reset", "-q", "--hard", "origin/main")
    picked = _git_may_stop(bob, "cherry-pick", "bobs")
    assert picked.returncode == 0, picked.stderr
    _assert_everything_kept(bob, first="alice")


def _conflicting_summaries(alice: Path, bob: Path) -> subprocess.CompletedProcess[str]:
    _ok(alice, "set", "root_cause.summary", "A stale DNS record")
    _ok(alice, "step", "add", "Alice: lower the DNS TTL")
    _commit_all(alice, "Alice's cause")
    git(alice, "push", "-q", "origin", "HEAD:main")
    _ok(bob, "set", "root_cause.summary", "The failover script read a stale config")
    _ok(bob, "step", "add", "Bob: test the script")
    _commit_all(bob, "Bob's cause")
    return _git_may_stop(bob, "pull", "origin", "main")


def test_a_true_conflict_stops_git_is_named_and_resolved(team: tuple) -> None:
    _, alice, bob = team
    pulled = _conflicting_summaries(alice, bob)
    assert pulled.returncode != 0
    assert "root_cause.summary" in pulled.stderr
    text = (bob / "sessions" / SID / "session.yaml").read_text()
    # Only the conflicting field is marked; both new steps are merged already.
    assert text.count("<<<<<<< ours root_cause.summary") == 1
    assert "Alice: lower the DNS TTL" in text and "Bob: test the script" in text
    checked = run_journal("check", cwd=bob)
    assert checked.code == 1
    assert "root_cause.summary: changed on both sides" in checked.out
    assert f"journal resolve {SID} --ours root_cause.summary" in checked.out
    # Every command reports the conflict in one line; none crashes.
    for args in (("render", SID), ("list",), ("stats",), ("show", SID)):
        result = run_journal(*args, cwd=bob)
        assert "Traceback" not in result.err, args
        if result.code:
            assert "unresolved merge conflict" in result.err, args
    _ok(bob, "resolve", "--theirs", "root_cause.summary")
    assert _session(bob)["root_cause"]["summary"] == "A stale DNS record"
    git(bob, "commit", "-q", "--no-edit")
    assert git(bob, "status", "--porcelain") == ""
    assert set(_texts(bob, "next_steps")) >= {
        "Alice: lower the DNS TTL",
        "Bob: test the script",
    }
    assert run_journal("check", cwd=bob).code == 0


def test_a_conflicted_session_refuses_edits_with_one_line(team: tuple) -> None:
    _, alice, bob = team
    assert _conflicting_summaries(alice, bob).returncode != 0
    before = (bob / "sessions" / SID / "session.yaml").read_bytes()
    result = run_journal("step", "add", "More", cwd=bob)
    assert result.code == 1
    assert "unresolved merge conflict" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert (bob / "sessions" / SID / "session.yaml").read_bytes() == before


def test_without_the_driver_resolve_merges_from_the_index(team: tuple) -> None:
    _, alice, bob = team
    git(bob, "config", "--remove-section", "merge.journal")  # a clone without it
    _ok(alice, "step", "add", "Alice: lower the DNS TTL")
    _commit_all(alice, "Alice's step")
    git(alice, "push", "-q", "origin", "HEAD:main")
    _ok(bob, "step", "add", "Bob: test the script")
    _commit_all(bob, "Bob's step")
    pulled = _git_may_stop(bob, "pull", "origin", "main")
    assert pulled.returncode != 0  # git's own line merge: both appended at one place
    checked = run_journal("check", cwd=bob)
    assert checked.code == 1
    assert "merge-conflict" in checked.out
    out = _ok(bob, "resolve")
    assert "resolved" in out
    git(bob, "commit", "-q", "--no-edit")
    assert _texts(bob, "next_steps") == [
        "Page the DBA",
        "Bob: test the script",
        "Alice: lower the DNS TTL",
    ]
    assert run_journal("check", cwd=bob).code == 0


def test_resolve_refuses_a_field_that_is_not_in_conflict(team: tuple) -> None:
    _, alice, bob = team
    assert _conflicting_summaries(alice, bob).returncode != 0
    before = (bob / "sessions" / SID / "session.yaml").read_bytes()
    result = run_journal("resolve", "--ours", "title", cwd=bob)
    assert result.code == 2
    assert "no conflict at title" in result.err
    assert (bob / "sessions" / SID / "session.yaml").read_bytes() == before


def test_timelines_union_merge_even_when_a_side_lacks_its_final_newline(
    team: tuple,
) -> None:
    _, alice, bob = team
    path = Path("sessions") / SID / "timeline.yaml"
    _ok(alice, "log", "Alice one", "--at", "2025-11-04T01:01:00+00:00")
    _commit_all(alice, "Alice logs")
    git(alice, "push", "-q", "origin", "HEAD:main")
    _ok(bob, "log", "Bob one", "--at", "2025-11-04T01:03:00+00:00")
    timeline = bob / path
    timeline.write_bytes(timeline.read_bytes().rstrip(b"\n"))  # an editor's save
    _commit_all(bob, "Bob logs")
    pulled = _git_may_stop(bob, "pull", "-q", "origin", "main")
    assert pulled.returncode == 0, pulled.stderr
    lines = (bob / path).read_text().splitlines()
    assert all(line.startswith("- {") and line.endswith("}") for line in lines), lines
    texts = [yaml.safe_load(line)[0]["text"] for line in lines]
    assert "Alice one" in texts and "Bob one" in texts
    assert run_journal("check", cwd=bob).code == 0


def test_merge_status_install_and_uninstall(team: tuple) -> None:
    _, alice, _ = team
    assert "merge driver: registered" in _ok(alice, "merge", "status")
    assert "is marked merge=journal" in _ok(alice, "merge", "status")
    assert "removed" in _ok(alice, "merge", "uninstall")
    assert "not registered" in _ok(alice, "merge", "status")
    assert "registered" in _ok(alice, "merge", "install")
    assert "already registered" in _ok(alice, "merge", "install")
