"""The commit-msg hook: `Journal-Session: <id>` on each commit while a session is
active, added once (also on `--amend`) with `git interpret-trailers`.

The installed script does this in the shell when it can; this module serves the
other cases (JOURNAL_SESSION, JOURNAL_DIR, pre-commit and prek). Standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path

from journal.gitlink.postcommit import (
    active_ref,
    journal_root,
    resolve,
    session_state_dir,
    settings,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from journal.gitlink.postcommit import Say


def commit_msg(root_arg: str | None, message_file: str | None, *, say: Say) -> None:
    """Add `Journal-Session: <id>` to the message while a session is active."""
    if message_file is None:
        raise ValueError("the commit-msg hook got no message file")
    root = journal_root(root_arg)
    if root is None:
        return
    active = active_ref(session_state_dir(root))
    if active is None:
        return
    sessions_dir, key = settings(root)
    session_id = resolve(str(Path(root, sessions_dir)), active)
    if session_id is None:
        say(f"warning: the active session {active!r} does not exist; no trailer added")
        return
    path = Path(message_file)
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    prefix = comment_prefix(text, edited=os.environ.get("GIT_EDITOR") != ":")
    if not has_content(text, prefix or "#"):
        return
    if raw and not raw.endswith(b"\n"):
        # A merge's message has no final newline, and interpret-trailers then glues
        # the trailer to its last line: the subject becomes two lines.
        with path.open("ab") as handle:
            handle.write(b"\n")
    from journal.gitlink.shell import run_git

    option = "commentChar" if len(prefix) == 1 else "commentString"
    config = ["-c", f"core.{option}={prefix}"] if prefix else []
    args = ["interpret-trailers", "--in-place", "--if-exists", "doNothing"]
    trailer = ["--trailer", f"{key}: {session_id}", str(path)]
    run_git([*config, *args, *trailer], cwd=Path.cwd())


CANDIDATES = "#;@!$%^&|:"
"""What `core.commentChar=auto` picks from, in order (git's commit.c)."""
SCISSORS = " ------------------------ >8 ------------------------"


def comment_prefix(message: str, *, edited: bool) -> str:
    """The comment prefix `git commit` used in `message` where git's trailer parser
    would not know it ("" when git's own setting holds); `edited`: an editor was
    opened (git sets GIT_EDITOR=: for the hook when not).

    With `core.commentChar=auto` git picks the prefix per commit and
    `interpret-trailers` cannot know it: the trailer then lands below the comments,
    or below a `--verbose` diff, which git cuts off. The scissors line names the
    prefix; an edited message ends in git's comment section, whose last line does.
    """
    lines, prefix = _split(message)
    if prefix:
        return prefix
    last = next((line for line in reversed(lines) if line.strip(" \t\r\v\f")), "")
    return last[0] if edited and last[:1] and last[0] in CANDIDATES else ""


def _split(message: str) -> tuple[list[str], str]:
    """The lines above the scissors line, and that line's prefix ("" without one)."""
    lines = message.split("\n")
    for index, line in enumerate(lines):
        prefix = line[: -len(SCISSORS)] if line.endswith(SCISSORS) else ""
        if prefix and not any(c.isspace() for c in prefix):
            return lines[:index], prefix
    return lines, ""


def has_content(message: str, prefix: str) -> bool:
    """True when `message` has a line git keeps: not blank, not a comment, above the
    scissors. An empty message aborts the commit; a trailer alone must not rescue it."""
    lines = _split(message)[0]
    blank = " \t\r\n\v\f"
    return any(line.strip(blank) and not line.startswith(prefix) for line in lines)
