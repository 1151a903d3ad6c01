"""The installed hooks, driven by real `git commit`s: what they link, and that they
never get in the way of a commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.gitlink.installer import install
from journal.store.sessions import Journal
from tests.conftest import Cli, git
from tests.gitlink_support import SID, commit, events, linked, run_commit
from tests.test_startup import banned

# The process boundary is what is tested: the hook entry point and scripts, as git runs them.
pytestmark = pytest.mark.subprocess


def _install(root: Path) -> None:
    # These tests are about the post-commit hook, which is opt-in (`--post-commit`).
    install(Journal.open(root), post_commit=True)


@pytest.fixture
def hooked(journal_root: Path, session_id: str) -> Path:
    """A journal with both hooks installed, an active session, and one commit."""
    _install(journal_root)
    git(journal_root, "add", "-A")
    run_commit(journal_root, "-m", "Start the journal")
    return journal_root


def test_commit_is_linked_with_author_time_subject_and_trailer(hooked: Path) -> None:
    before = linked(hooked)
    sha = commit(hooked, "Fix mapper error", when="2025-11-04T03:05:00+02:00")
    event = events(hooked)[-1]
    assert event == {
        "at": "2025-11-04T03:05:00+02:00",
        "kind": "commit",
        "text": "Fix mapper error",
        "sha": sha,
        "by": "Test Responder",
    }
    assert linked(hooked) == [*before, sha]
    trailers = git(hooked, "log", "-1", "--format=%(trailers:key=Journal-Session)")
    assert trailers == f"Journal-Session: {SID}"


def test_a_secret_in_a_commit_subject_is_redacted_in_the_journal(
    hooked: Path,
) -> None:
    """The hook writes text into the journal like any command: the same rules."""
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    (hooked / "ci.txt").write_text("ci\n")
    git(hooked, "add", "ci.txt")
    done = run_commit(hooked, "-m", f"Rotate CI token {token}")
    event = events(hooked)[-1]
    assert event["kind"] == "commit"
    assert token not in event["text"]
    assert event["text"] == "Rotate CI token [REDACTED:github-token]"
    assert "redacted 1 secret(s)" in done.stderr
    timeline = (hooked / "sessions" / SID / "timeline.yaml").read_text("utf-8")
    assert token not in timeline
    # `redact: false` in journal.yaml keeps it, as it does for `log`.
    config = hooked / "journal.yaml"
    config.write_text(
        config.read_text("utf-8").replace("redact: true", "redact: false")
    )
    (hooked / "ci2.txt").write_text("ci\n")
    git(hooked, "add", "ci2.txt")
    kept = run_commit(hooked, "-m", f"Keep {token}")
    assert events(hooked)[-1]["text"] == f"Keep {token}", kept.stderr


def test_no_active_session_does_not_start_python(hooked: Path, cli: Cli) -> None:
    cli.ok("use", "--clear")
    marker = hooked.parent / "python-ran"
    fake = hooked.parent / "fake-python"
    fake.write_text(f"#!/bin/sh\necho ran >> '{marker}'\n")
    fake.chmod(0o755)
    for name in ("post-commit", "commit-msg"):
        hook = hooked / ".git" / "hooks" / name
        hook.write_text(hook.read_text().replace(sys.executable, str(fake)))
    before = events(hooked)
    commit(hooked, "Unrelated change")
    assert not marker.exists()
    assert events(hooked) == before
    # …but a commit that names a session in its trailer does start it
    commit(hooked, "Named change", extra=("-m", f"Journal-Session: {SID}"))
    assert marker.read_text() == "ran\n"


def test_trailer_links_without_an_active_session(hooked: Path, cli: Cli) -> None:
    cli.ok("use", "--clear")
    plain = commit(hooked, "Unrelated change")
    named = commit(hooked, "Named change", extra=("-m", "Journal-Session: 8"))
    assert plain not in linked(hooked)
    assert linked(hooked)[-1] == named


def test_journal_session_variable_picks_the_session(hooked: Path, cli: Cli) -> None:
    cli.ok("use", "--clear")
    os.environ["JOURNAL_SESSION"] = "8"  # restored by the isolated_env fixture
    try:
        sha = commit(hooked, "Change under JOURNAL_SESSION")
    finally:
        del os.environ["JOURNAL_SESSION"]
    assert linked(hooked)[-1] == sha
    assert (
        git(hooked, "log", "-1", "--format=%(trailers:key=Journal-Session,valueonly)")
        == SID
    )


def _only_warning(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("journal: warning: ")


def test_a_failing_hook_never_fails_the_commit(hooked: Path) -> None:
    timeline = hooked / "sessions" / SID / "timeline.yaml"
    saved = timeline.read_bytes()
    timeline.unlink()
    timeline.mkdir()  # appending now fails
    (hooked / "x.txt").write_text("x\n")
    git(hooked, "add", "x.txt")
    done = run_commit(hooked, "-m", "Commit despite a broken journal")
    assert git(hooked, "log", "-1", "--format=%s") == "Commit despite a broken journal"
    _only_warning(done.stderr)
    assert "journal sync" in done.stderr
    timeline.rmdir()
    timeline.write_bytes(saved)


def test_a_missing_python_is_one_warning(hooked: Path) -> None:
    hook = hooked / ".git" / "hooks" / "post-commit"
    hook.write_text(hook.read_text().replace(sys.executable, "/nonexistent/python"))
    (hooked / "y.txt").write_text("y\n")
    git(hooked, "add", "y.txt")
    done = run_commit(hooked, "-m", "Commit with a moved venv")
    _only_warning(done.stderr)
    assert "journal hook install" in done.stderr


def test_linking_is_idempotent(hooked: Path, cli: Cli) -> None:
    sha = commit(hooked, "Fix once")
    assert "already" in cli.ok("link").out
    subprocess.run(
        [sys.executable, "-m", "journal.cli.hook", "post-commit"],
        cwd=hooked,
        check=True,
    )
    assert linked(hooked).count(sha) == 1


def test_amend_relinks_and_keeps_one_trailer(hooked: Path) -> None:
    first = commit(hooked, "Fix mapper")
    (hooked / "fix.txt").write_text("better\n")
    git(hooked, "add", "fix.txt")
    run_commit(hooked, "--amend", "--no-edit")
    run_commit(hooked, "--amend", "-m", "Fix mapper properly")
    amended = git(hooked, "rev-parse", "HEAD")
    message = git(hooked, "log", "-1", "--format=%B")
    assert message.count("Journal-Session:") == 1
    assert first not in linked(hooked)
    assert linked(hooked).count(amended) == 1
    last = events(hooked)[-1]
    assert last["sha"] == amended and last["text"] == "Fix mapper properly"
    assert "rewritten_from" in last


def test_rebase_does_not_link_replayed_commits(hooked: Path, cli: Cli) -> None:
    git(hooked, "checkout", "-q", "-b", "fix")
    a = commit(hooked, "Fix part A", name="a.txt")
    b = commit(hooked, "Fix part B", name="b.txt")
    git(hooked, "checkout", "-q", "main")
    cli.ok("use", "--clear")
    commit(hooked, "Meanwhile on main", name="main.txt")
    cli.ok("use", SID)
    git(hooked, "checkout", "-q", "fix")
    before = (hooked / "sessions" / SID / "timeline.yaml").read_bytes()
    done = subprocess.run(
        ["git", "rebase", "-q", "--autostash", "main"],
        cwd=hooked,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (hooked / "sessions" / SID / "timeline.yaml").read_bytes() == before
    # sync then follows both commits to their new SHAs
    out = cli.ok("sync").out
    assert out.count("re-pointed") == 2 and "(patch-id)" in out
    new = git(hooked, "rev-list", "--reverse", "main..fix").split()
    assert [s for s in linked(hooked) if s in new] == new
    assert a not in linked(hooked) and b not in linked(hooked)
    assert {e.get("rewritten_from") for e in events(hooked)} >= {a, b}


def test_item14_a_rebase_lists_each_rebased_commit_once(hooked: Path, cli: Cli) -> None:
    # issue 26 item 14: the post-commit hook linked a and b; after the rebase the
    # timeline still names a and b while history carries a' and b' with the
    # trailer, and every report listed both pairs until `journal sync`.
    git(hooked, "checkout", "-q", "-b", "fix")
    a = commit(hooked, "Fix part A", name="a.txt")
    b = commit(hooked, "Fix part B", name="b.txt")
    git(hooked, "checkout", "-q", "main")
    cli.ok("use", "--clear")
    commit(hooked, "Meanwhile on main", name="main.txt")
    cli.ok("use", SID)
    git(hooked, "checkout", "-q", "fix")
    rebase = ["git", "rebase", "-q", "--autostash", "main"]
    subprocess.run(rebase, cwd=hooked, check=True, capture_output=True)
    new = git(hooked, "rev-list", "--reverse", "main..fix").split()
    assert len(new) == 2 and not {a, b} & set(new)
    for shown in (cli.ok("show").out, cli.ok("render").out):
        for old, sha in ((a, new[0]), (b, new[1])):
            assert old[:7] not in shown
            assert sha[:7] in shown
        assert shown.count("Fix part A") == shown.count("Fix part B")
    timeline_show = cli.ok("show").out
    assert timeline_show.count("Fix part A") == 2  # the timeline, the commits table
    # sync then writes the new SHAs, and the reports stay the same
    before = cli.ok("render").out
    assert cli.ok("sync").out.count("re-pointed") == 2
    assert linked(hooked)[-2:] == new
    assert cli.ok("render").out == before


def test_new_commit_during_a_rebase_stop_is_linked(hooked: Path, cli: Cli) -> None:
    commit(hooked, "Step one", name="one.txt")
    commit(hooked, "Step two", name="two.txt")
    cli.ok("use", "--clear")
    git(hooked, "add", "-A")
    run_commit(hooked, "-m", "Journal so far")
    cli.ok("use", SID)
    before = linked(hooked)
    env = {**os.environ, "GIT_SEQUENCE_EDITOR": "sed -i 1s/pick/edit/"}
    rebase = ["git", "rebase", "-q", "-i", "HEAD~3"]
    subprocess.run(rebase, cwd=hooked, env=env, check=True, capture_output=True)
    assert (hooked / ".git" / "rebase-merge").is_dir()
    extra = commit(hooked, "Extra while stopped", name="extra.txt")
    git(hooked, "stash", "-q")  # the hook's new line; --continue wants a clean tree
    done = subprocess.run(
        ["git", "rebase", "--continue"], cwd=hooked, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    git(hooked, "stash", "pop", "-q")
    assert linked(hooked) == [*before, extra]  # the replayed picks are not linked


def test_cherry_pick_links_the_new_commit_once(hooked: Path, cli: Cli) -> None:
    git(hooked, "checkout", "-q", "-b", "hotfix")
    original = commit(hooked, "Hotfix", name="hot.txt")
    git(hooked, "checkout", "-q", "main")
    cli.ok("use", "--clear")  # the trailer alone names the session
    subprocess.run(
        ["git", "cherry-pick", "hotfix"], cwd=hooked, check=True, capture_output=True
    )
    picked = git(hooked, "rev-parse", "HEAD")
    assert picked != original
    assert linked(hooked).count(original) == 1
    assert linked(hooked).count(picked) == 1


def test_detached_head_commit_is_linked(hooked: Path) -> None:
    git(hooked, "checkout", "-q", "--detach")
    sha = commit(hooked, "Detached fix")
    assert linked(hooked)[-1] == sha


def test_first_commit_of_a_new_repository_is_linked(
    journal_root: Path, session_id: str
) -> None:
    _install(journal_root)
    git(journal_root, "add", "-A")
    run_commit(journal_root, "-m", "Initial commit")
    assert linked(journal_root) == [git(journal_root, "rev-parse", "HEAD")]


def test_merge_commit_that_resolves_a_conflict_is_linked(
    hooked: Path, cli: Cli
) -> None:
    cli.ok("use", "--clear")
    git(hooked, "checkout", "-q", "-b", "other")
    commit(hooked, "Other side", name="same.txt")
    git(hooked, "checkout", "-q", "main")
    commit(hooked, "Main side", name="same.txt")
    cli.ok("use", SID)
    done = subprocess.run(
        ["git", "merge", "other"], cwd=hooked, capture_output=True, text=True
    )
    assert done.returncode != 0  # conflict: a merge is in progress
    assert cli.ok("link", "other").out.startswith("linked")
    (hooked / "same.txt").write_text("resolved\n")
    git(hooked, "add", "same.txt")
    run_commit(hooked, "--no-edit")
    assert linked(hooked)[-1] == git(hooked, "rev-parse", "HEAD")


def test_an_empty_message_still_aborts_the_commit(hooked: Path) -> None:
    (hooked / "z.txt").write_text("z\n")
    git(hooked, "add", "z.txt")
    head = git(hooked, "rev-parse", "HEAD")
    message = hooked.parent / "msg"
    message.write_text("# only a comment\n\n")
    done = subprocess.run(
        ["git", "commit", "-q", "--cleanup=strip", "-F", str(message)],
        cwd=hooked,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "empty commit message" in done.stderr
    assert git(hooked, "rev-parse", "HEAD") == head


def test_linked_worktree_has_its_own_active_session(hooked: Path, cli: Cli) -> None:
    git(hooked, "add", "-A")
    run_commit(hooked, "-m", "Journal so far")
    cli.ok("use", "--clear")
    tree = hooked.parent / "tree"
    git(hooked, "worktree", "add", "-q", str(tree), "-b", "wt")
    Cli(tree).ok("use", SID)
    in_tree = commit(tree, "Fix in the worktree")
    in_main = commit(hooked, "Unrelated change in main")
    assert linked(tree)[-1] == in_tree
    assert in_main not in linked(hooked)
    assert (hooked / ".git" / "worktrees" / "tree" / "journal" / "active").is_file()


def test_submodule_journal_links_its_own_commits(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    git(inner, "init", "-q")
    Cli(inner).ok("init")
    git(inner, "add", "-A")
    git(inner, "commit", "-q", "-m", "journal")
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    git(
        outer,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(inner),
        "ops",
    )
    sub = outer / "ops"
    cli = Cli(sub)
    cli.ok("hook", "install", "--post-commit")
    assert (outer / ".git" / "modules" / "ops" / "hooks" / "post-commit").is_file()
    # A submodule has a remote: its session folders end in a clone suffix.
    out = cli.ok("new", "Sub incident", "--at", "2025-11-04T01:00:00+00:00", "--json")
    session = json.loads(out.out)["session"]
    assert session.startswith("2025-11-04-sub-incident-")
    sha = commit(sub, "Fix inside the submodule")
    assert linked(sub, session) == [sha]


def _imported_modules(stderr: str) -> set[str]:
    """Modules named by `-X importtime` lines (the rest of stderr is left alone)."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


def test_hook_path_imports_nothing_heavy(tmp_path: Path) -> None:
    """Outside any repository: the early exit."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "journal.cli.hook", "post-commit"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    modules = _imported_modules(done.stderr)
    assert "journal.cli" in modules, "no import times read"
    assert not set(banned()) & {m.split(".")[0] for m in modules}


def test_the_linking_hook_imports_nothing_heavy(hooked: Path) -> None:
    """The real path: `git commit` runs the installed hook, which links the commit;
    PYTHONPROFILEIMPORTTIME makes that Python report every import on stderr."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    env |= {"GIT_AUTHOR_DATE": "2025-11-04T01:05:00+00:00"}
    (hooked / "fix.txt").write_text("fix\n")
    git(hooked, "add", "fix.txt")
    done = subprocess.run(
        ["git", "commit", "-q", "-m", "Fix the mapper"],
        cwd=hooked,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    sha = git(hooked, "rev-parse", "HEAD")
    assert linked(hooked)[-1] == sha, "the hook did not link the commit"
    modules = _imported_modules(done.stderr)
    # It went past the early exit: the modules that append the event were loaded.
    appending = {
        "journal.gitlink.postcommit",
        "journal.store.eventlog",
        "journal.store.files",
    }
    assert appending <= modules, modules
    heavy = set(banned()) & {m.split(".")[0] for m in modules}
    assert heavy == set(), sorted(heavy)
    # Nor the standard library's slow imports: `re` and `enum` come with each of
    # these, and they were half of the hook's Python time (docs/performance.md).
    slow = SLOW_STDLIB & {m.split(".")[0] for m in modules}
    assert slow == set(), sorted(slow)


SLOW_STDLIB = frozenset(
    {
        "re",
        "enum",
        "pathlib",
        "json",
        "typing",
        "contextlib",
        "functools",
        "collections",
        "dataclasses",
        "datetime",
        "tempfile",
        "subprocess",
    }
)
"""Modules the linking hook does without: each costs a commit milliseconds."""


def test_two_branches_logging_to_one_session_merge_cleanly(
    hooked: Path, cli: Cli
) -> None:
    git(hooked, "add", "-A")
    run_commit(hooked, "-m", "Journal so far")
    base = events(hooked)
    for branch, word in (("left", "Left"), ("right", "Right")):
        git(hooked, "checkout", "-q", "-b", branch, "main")
        cli.ok("use", SID)
        cli.ok(
            "log", f"{word} responder sees errors", "--at", "2025-11-04T01:10:00+00:00"
        )
        commit(hooked, f"{word} fix", name=f"{branch}.txt")
        cli.ok("log", f"{word} fix deployed", "--kind", "deployed")
        cli.ok("use", "--clear")
        git(hooked, "add", "-A")
        run_commit(hooked, "-m", f"{word} journal")
    git(hooked, "checkout", "-q", "left")
    done = subprocess.run(
        ["git", "merge", "--no-edit", "right"],
        cwd=hooked,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    merged = events(hooked)
    lines = [repr(sorted(e.items())) for e in merged]
    assert len(lines) == len(set(lines)), "an event appears twice"
    assert len(merged) == len(base) + 6
    texts = {e["text"] for e in merged}
    for word in ("Left", "Right"):
        assert {
            f"{word} responder sees errors",
            f"{word} fix",
            f"{word} fix deployed",
        } <= texts
    Journal.open(hooked).events(SID)  # the merged timeline is valid


def test_pre_commit_route_without_the_installed_script(
    journal_root: Path, session_id: str
) -> None:
    """pre-commit/prek run `python -m journal.cli.hook …` with no --commit: same result."""
    git(journal_root, "add", "-A")
    run_commit(journal_root, "-m", "Start")
    message = journal_root.parent / "COMMIT_MSG"
    message.write_text("Fix through pre-commit\n")
    hook = [sys.executable, "-P", "-m", "journal.cli.hook"]
    subprocess.run([*hook, "commit-msg", str(message)], cwd=journal_root, check=True)
    assert message.read_text() == f"Fix through pre-commit\n\nJournal-Session: {SID}\n"
    subprocess.run([*hook, "commit-msg", str(message)], cwd=journal_root, check=True)
    assert message.read_text().count("Journal-Session") == 1
    sha = git(journal_root, "rev-parse", "HEAD")
    done = subprocess.run(
        [*hook, "post-commit"], cwd=journal_root, capture_output=True, text=True
    )
    assert done.returncode == 0 and linked(journal_root) == [sha]
    assert done.stderr == f"journal: linked {sha[:7]} → {SID}\n"


def test_custom_sessions_folder_and_trailer_key(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    cli = Cli(root)
    cli.ok("init", "--sessions-dir", "incidents")
    config = root / "journal.yaml"
    config.write_text(
        config.read_text().replace("trailer: Journal-Session", "trailer: Incident")
    )
    cli.ok("hook", "install", "--post-commit")
    cli.ok("new", "Custom incident", "--at", "2025-11-04T01:00:00+00:00")
    sha = commit(root, "Fix with custom settings")
    sid = "2025-11-04-custom-incident"
    assert git(root, "log", "-1", "--format=%(trailers:key=Incident,valueonly)") == sid
    path = root / "incidents" / sid / "timeline.yaml"
    assert sha in path.read_text()
    cli.ok("use", "--clear")
    named = commit(root, "Named by trailer", extra=("-m", f"Incident: {sid}"))
    assert named in path.read_text()


def test_pre_commit_manifest_offers_the_three_hooks() -> None:
    import yaml

    manifest = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    hooks = {h["id"]: h for h in yaml.safe_load(manifest.read_text())}
    assert {k: v["stages"] for k, v in hooks.items()} == {
        "journal-link": ["post-commit"],
        "journal-trailer": ["commit-msg"],
        "journal-check": ["pre-commit"],
    }
    assert all(h["minimum_pre_commit_version"] == "3.2.0" for h in hooks.values())
    assert hooks["journal-link"]["always_run"] is True
    assert hooks["journal-link"]["pass_filenames"] is False
    assert hooks["journal-link"]["entry"].endswith("journal.cli.hook post-commit")
    assert hooks["journal-check"]["entry"] == "journal check"


def test_the_hook_reads_redact_patterns_in_every_way_journal_yaml_may_write_them(
    tmp_path: Path,
) -> None:
    """Line by line for the usual forms, through the configuration for the rest."""
    from journal.cli.hook import _redact_settings

    def settings(text: str) -> tuple[bool, tuple[str, ...]]:
        (tmp_path / "journal.yaml").write_text(text, encoding="utf-8")
        return _redact_settings(tmp_path)

    assert settings("redact: true\nredact_patterns: []\n") == (True, ())
    assert settings("redact: false  # keep\n") == (False, ())
    assert settings('redact_patterns: ["ACME-[0-9]+"]\n') == (True, ("ACME-[0-9]+",))
    assert settings("redact_patterns:\n  - 'ACME-[0-9]+'\n") == (True, ("ACME-[0-9]+",))
    assert settings("redact_patterns: ['ACME-[0-9]+']\n") == (True, ("ACME-[0-9]+",))


_LINKED = rb"(?:sha|rewritten_from)['\"]?\s*:\s*['\"]?"
"""What `is_linked` looked for with a regex until the hook stopped importing `re`: the
oracle its byte walk must agree with."""


@pytest.mark.parametrize(
    "raw",
    [
        b'- {"at": "t", "kind": "commit", "text": "x", "sha": "SHA"}\n',
        b"- {at: t, kind: commit, sha: SHA}\n",
        b"- {'sha':'SHA'}\n",
        b'- {"rewritten_from": "SHA", "sha": "OTHER"}\n',
        b'- {"sha" :\t "SHA"}\n',
        b'- {"sha":\n  "SHA"}\n',
        b"sha:SHA",
        b"SHA",
        b'- {"text": "SHA was reverted"}\n',
        b'- {"text": "sha SHA"}\n',
        b'- {"sha": "SHAf"}\n',
        b'- {"sha": "SHA_2"}\n',
        b'- {"sha": "SHA-2"}\n',
        b'- {"sha": "xSHA"}\n',
        b'- {"sha": ""SHA"}\n',
        b'- {"sha": : "SHA"}\n',
        b'- {"shas": "SHA"}\n',
        b'- {"git_sha": "SHA"}\n',
        b'- {"text": "SHA", "sha": "SHA"}\n',
        b":SHA",
        b'"sha""SHA"',
    ],
)
def test_is_linked_agrees_with_the_regex_it_replaced(raw: bytes) -> None:
    import re

    from journal.gitlink.postcommit import is_linked

    sha = "0123456789abcdef0123456789abcdef01234567"
    data = raw.replace(b"SHA", sha.encode()).replace(b"OTHER", b"f" * 40)
    expected = re.search(_LINKED + sha.encode() + rb"\b", data) is not None
    assert is_linked(data, sha) is expected


_PIECES = [b"sha", b"rewritten_from", b'"', b"'", b":", b" ", b"\t", b"\n", b"x", b"_"]


@given(st.lists(st.sampled_from([*_PIECES, b"SHA", b"SH"]), max_size=12))
def test_is_linked_agrees_with_the_regex_on_any_bytes(pieces: list[bytes]) -> None:
    import re

    from journal.gitlink.postcommit import is_linked

    sha = "0123456789abcdef0123456789abcdef01234567"
    data = b"".join(pieces).replace(b"SHA", sha.encode())
    expected = re.search(_LINKED + sha.encode() + rb"\b", data) is not None
    assert is_linked(data, sha) is expected
