"""The commit-msg hook: `Journal-Session: <id>` on each commit while a session is
active, added once (also on `--amend`) with `git interpret-trailers`.

The installed script does this in the shell when it can; this module serves the
other cases (JOURNAL_SESSION, JOURNAL_DIR, pre-commit and prek). Standard library only.
"""

from __future__ import annotations

import re
from pathlib import Path

from journal.gitlink.postcommit import (
    Say,
    active_ref,
    journal_root,
    resolve,
    session_state_dir,
    settings,
)


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
    session_id = resolve(root / sessions_dir, active)
    if session_id is None:
        say(f"warning: the active session {active!r} does not exist; no trailer added")
        return
    path = Path(message_file)
    text = path.read_text(encoding="utf-8", errors="replace")
    if not _has_content(text) or re.search(
        rf"^{re.escape(key)}\s*:", text, re.MULTILINE | re.IGNORECASE
    ):
        return
    from journal.gitlink.shell import run_git

    run_git(
        [
            "interpret-trailers",
            "--in-place",
            "--if-exists",
            "doNothing",
            "--trailer",
            f"{key}: {session_id}",
            str(path),
        ],
        cwd=Path.cwd(),
    )


def _has_content(message: str) -> bool:
    # An empty message aborts the commit; a trailer alone must not rescue it.
    for line in message.split("\n"):
        if line.startswith("# ------------------------ >8"):
            break
        if line.strip() and not line.startswith("#"):
            return True
    return False
