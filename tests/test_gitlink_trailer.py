"""The `Journal-Session:` trailer on every kind of commit git makes (issue 26 item 9):
git's own parser (`git interpret-trailers --parse`) sees exactly one, in the last
paragraph, and the subject stays one line — through the installed shell script and
through the Python route alike."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from journal.gitlink.installer import install
from journal.store.sessions import Journal
from tests.conftest import git
from tests.gitlink_support import SID, run_commit

TRAILER = f"Journal-Session: {SID}"
SIGNED = "Signed-off-by: Test Responder <responder@example.com>"


@pytest.fixture(params=["shell", "python"])
def repo(
    request: pytest.FixtureRequest,
    journal_root: Path,
    session_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A journal with the default hook (commit-msg) and an active session; with
    `python`, JOURNAL_SESSION sends the hook down its Python route."""
    install(Journal.open(journal_root))
    git(journal_root, "add", "-A")
    run_commit(journal_root, "-m", "Start the journal")
    if request.param == "python":
        monkeypatch.setenv("JOURNAL_SESSION", "8")
    monkeypatch.setenv("GIT_EDITOR", "true")
    return journal_root


def _change(root: Path, name: str, text: str = "change\n") -> None:
    (root / name).write_text(text, encoding="utf-8")
    git(root, "add", name)


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def _message(root: Path, rev: str = "HEAD") -> str:
    return git(root, "log", "-1", "--format=%B", rev)


def _trailers(root: Path, rev: str = "HEAD") -> list[str]:
    parsed = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        cwd=root,
        input=_message(root, rev),
        capture_output=True,
        text=True,
        check=True,
    )
    return parsed.stdout.splitlines()


def _assert_linked(root: Path, subject: str, *before: str) -> None:
    lines = _message(root).split("\n")
    assert lines[0] == subject
    assert len(lines) == 1 or lines[1] == "", "the subject is more than one line"
    assert _trailers(root) == [*before, TRAILER]


def _branch(root: Path, name: str, file: str, text: str = "branch\n") -> None:
    git(root, "checkout", "-q", "-b", name)
    _change(root, file, text)
    run_commit(root, "-m", f"Work on {name}")
    git(root, "checkout", "-q", "main")


def test_item9_merge_commit_trailer(repo: Path) -> None:
    # git merge hands the hook a message with no final newline: the trailer was
    # glued to the subject.
    _branch(repo, "b", "b.txt")
    _change(repo, "main.txt")
    run_commit(repo, "-m", "Work on main")
    _git(repo, "merge", "--no-edit", "b")
    _assert_linked(repo, "Merge branch 'b'")


def test_item9_merge_with_a_conflict_then_commit(repo: Path) -> None:
    _change(repo, "same.txt", "base\n")
    run_commit(repo, "-m", "Base")
    _branch(repo, "b", "same.txt", "theirs\n")
    _change(repo, "same.txt", "ours\n")
    run_commit(repo, "-m", "Ours")
    merge = subprocess.run(["git", "merge", "b"], cwd=repo, capture_output=True)
    assert merge.returncode == 1
    _change(repo, "same.txt", "both\n")
    run_commit(repo, "--no-edit")
    _assert_linked(repo, "Merge branch 'b'")
    run_commit(repo, "--amend", "--no-edit")  # and again: still one
    _assert_linked(repo, "Merge branch 'b'")


def test_item9_squash_merge(repo: Path) -> None:
    # The squash message quotes each commit with `Author:` and `Date:` lines.
    _branch(repo, "b", "b.txt")
    _git(repo, "merge", "--squash", "b")
    run_commit(repo, "--no-edit")
    _assert_linked(repo, "Squashed commit of the following:")


def test_item9_revert(repo: Path) -> None:
    _change(repo, "r.txt")
    run_commit(repo, "-m", "Add r")
    _git(repo, "revert", "--no-edit", "HEAD")
    # git's sequencer runs no commit-msg hook for a revert; amending it does.
    assert _trailers(repo) == []
    run_commit(repo, "--amend", "--no-edit")
    _assert_linked(repo, 'Revert "Add r"')
    assert _message(repo).split("\n")[2].startswith("This reverts commit ")


@pytest.mark.parametrize(
    ("option", "subject"),
    [
        ("--fixup=HEAD", "fixup! Add f"),
        ("--squash=HEAD", "squash! Add f"),
        ("--fixup=amend:HEAD", "amend! Add f"),
    ],
)
def test_item9_fixup_squash_and_amend_commits(
    repo: Path, option: str, subject: str
) -> None:
    _change(repo, "f.txt")
    run_commit(repo, "-m", "Add f")
    _change(repo, "f.txt", "better\n")
    run_commit(repo, option)
    _assert_linked(repo, subject)
    if option == "--fixup=amend:HEAD":  # it quotes the message, trailer included
        assert _message(repo).count("Journal-Session:") == 1


def test_item9_autosquash_keeps_one_trailer_block(repo: Path) -> None:
    # The squashed message holds both messages, each with its trailer: git's parser
    # reads the last paragraph, and finds the one trailer there.
    _change(repo, "f.txt")
    run_commit(repo, "-m", "Add f")
    _change(repo, "f.txt", "better\n")
    run_commit(repo, "--squash=HEAD", "-m", "Handle the empty case")
    env = {**os.environ, "GIT_SEQUENCE_EDITOR": "true", "GIT_EDITOR": "true"}
    done = subprocess.run(
        ["git", "rebase", "-q", "-i", "--autosquash", "HEAD~2"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert git(repo, "rev-list", "--count", "HEAD") == "2"
    _assert_linked(repo, "Add f")


def test_item9_amend_adds_the_trailer_once(repo: Path) -> None:
    _change(repo, "a.txt")
    run_commit(repo, "--no-verify", "-m", "Add a", "-m", SIGNED)
    assert _trailers(repo) == [SIGNED]
    run_commit(repo, "--amend", "--no-edit")
    _assert_linked(repo, "Add a", SIGNED)
    run_commit(repo, "--amend", "--no-edit")
    _assert_linked(repo, "Add a", SIGNED)


@pytest.mark.parametrize("char", ["", ";", "auto"])
@pytest.mark.parametrize("verbose", [False, True])
def test_item9_edited_message_with_comments_and_verbose_diff(
    repo: Path, char: str, verbose: bool
) -> None:
    # The editor (here `true`) sees git's comment section, and with --verbose a
    # scissors line and the diff below it; the diff itself holds a trailer-like line.
    if char:
        git(repo, "config", "core.commentChar", char)
    _change(repo, "notes.txt", "# heading\nKey: value\nJournal-Session: elsewhere\n")
    args = ["-e", "-m", "Add notes", "-m", "#12 is the ticket", "-m", SIGNED]
    run_commit(repo, *args, *(["--verbose"] if verbose else []))
    _assert_linked(repo, "Add notes", SIGNED)
    # `#` is the comment prefix only when configured so (auto picks `;` here)
    assert ("#12 is the ticket" in _message(repo)) == (char != "")


def test_item9_unedited_message_keeps_lines_that_start_with_hash(repo: Path) -> None:
    # With -m and no editor git keeps `#` lines (cleanup=whitespace), and its trailer
    # parser still reads them as comments: the trailer is found either way.
    _change(repo, "h.txt")
    run_commit(repo, "-m", "Fix the build", "-m", "#123 was the cause")
    assert "#123 was the cause" in _message(repo)
    _assert_linked(repo, "Fix the build")


def test_item9_message_file_without_a_final_newline(repo: Path) -> None:
    _change(repo, "n.txt")
    message = repo.parent / "message.txt"
    message.write_bytes(b"Subject without a newline")
    run_commit(repo, "--cleanup=verbatim", "-F", str(message))
    _assert_linked(repo, "Subject without a newline")


# --- the comment prefix, as git commit chose it ------------------------------------

SCISSORS = " ------------------------ >8 ------------------------"


@pytest.mark.parametrize(
    ("text", "edited", "expected"),
    [
        ("Subject\n", True, ""),
        ("Subject\n\n# Please enter\n#\n", True, "#"),
        ("Subject\n\n; Please enter\n", True, ";"),
        ("#1 fix\n\n; Please enter\n", True, ";"),
        ("Subject\n\n#1\n", False, ""),  # not edited: git's own setting holds
        ("Subject\n\n; Please enter\n", False, ""),
        (f"S\n\n; x\n;{SCISSORS}\n# diff\n", True, ";"),
        (f"S\n\n// x\n//{SCISSORS}\n# diff\n", True, "//"),
        ("Subject\n\n- a list\n", True, ""),
    ],
)
def test_comment_prefix_follows_git_commit(
    text: str, edited: bool, expected: str
) -> None:
    from journal.gitlink.trailer import comment_prefix

    assert comment_prefix(text, edited=edited) == expected


def test_the_shell_script_and_python_agree_on_the_comment_prefix(
    tmp_path: Path,
) -> None:
    from journal.gitlink.scripts import COMMENT_AWK
    from journal.gitlink.trailer import comment_prefix

    cases = [
        "Subject\n\n; Please\n",
        "#1 fix\n\n; Please enter\n",
        "Subject\n\n#1\n",
        f"S\n\n// x\n//{SCISSORS}\n# diff\n",
        "#1\n;2\n@3\n",
        "",
        "\n# only a comment\n",
    ]
    for text in cases:
        for edited in (True, False):
            path = tmp_path / "msg"
            path.write_text(text, encoding="utf-8")
            env = {**os.environ, "GIT_EDITOR": "vi" if edited else ":"}
            done = subprocess.run(
                ["awk", COMMENT_AWK, str(path)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            expected = comment_prefix(text, edited=edited)
            has_text = _has_text(text, expected)
            printed = expected or "-"
            assert done.stdout.rstrip("\n") == (printed if has_text else ""), text


def _has_text(text: str, prefix: str) -> bool:
    from journal.gitlink.trailer import has_content

    return has_content(text, prefix or "#")
