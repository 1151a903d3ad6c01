"""`journal edit`: $EDITOR on a copy of session.yaml, saved only when it validates."""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Callable
from pathlib import Path

from journal.errors import ConflictError, JournalError, UsageError
from journal.store.files import atomic_write
from journal.store.sessions import Journal


def edit_session(
    journal: Journal, ref: str | None, *, confirm: Callable[[str], bool]
) -> str:
    """Edit until the copy validates or the user gives up; returns what happened.

    The original is replaced only by a valid copy, and only if nobody changed it
    meanwhile; otherwise it stays untouched and the copy is kept for the user.
    """
    from journal.store.yamlio import read_text

    session_id = journal.resolve(ref)
    original_path = journal.session_path(session_id)
    original = read_text(original_path)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(prefix=f"{session_id}.", suffix=".yaml")
    copy = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(original)
    while True:
        _run_editor(editor, copy)
        edited = read_text(copy)
        try:
            journal.validate_text(edited, where=str(original_path))
        except JournalError as exc:
            if edited == original:  # not valid before the editor either: say that
                copy.unlink()
                raise
            if confirm(exc.one_line()):
                continue
            raise UsageError(
                f"not saved: {exc.one_line()}", f"your edit is kept in {copy}"
            ) from None
        break
    if edited == original:
        copy.unlink()
        return f"no changes to {session_id}"
    with journal.lock(session_id):
        if read_text(original_path) != original:
            raise ConflictError(
                f"{original_path} changed while you were editing; not saved",
                f"your edit is kept in {copy}",
            )
        atomic_write(original_path, edited)
    copy.unlink()
    return f"saved {session_id}"


def _run_editor(editor: str, path: Path) -> None:
    from journal.process import CommandNotFoundError, spawn

    try:
        code = spawn([*shlex.split(editor), str(path)]).wait()
    except CommandNotFoundError:
        raise UsageError(f"cannot start the editor {editor!r}", "set $EDITOR") from None
    if code != 0:
        raise UsageError(
            f"the editor {editor!r} exited with code {code}; nothing saved",
            f"your copy is in {path}",
        )
