"""`journal edit`: $EDITOR on a copy of session.yaml, saved only when it validates."""

from __future__ import annotations

import os
import shlex
import tempfile
from collections.abc import Callable
from pathlib import Path

from journal.errors import ConflictError, JournalError, UsageError
from journal.operations.redact import scrub
from journal.operations.session_edits import strings
from journal.process import CommandNotFoundError, spawn
from journal.store.files import atomic_write
from journal.store.sessions import Journal


def edit_session(
    journal: Journal,
    ref: str | None,
    *,
    confirm: Callable[[str], bool],
    redact: bool = True,
) -> str:
    """Edit until the copy validates or the user gives up; returns what happened.

    The original is replaced only by a valid copy, and only if nobody changed it
    meanwhile; otherwise it stays untouched and the copy is kept for the user.
    Secrets in text the edit added are redacted before it is saved (not in text
    that was there before, which an earlier `--no-redact` may have kept).
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
    try:
        saved, found = _redacted(journal, original, edited, redact=redact)
    except JournalError as exc:
        raise UsageError(
            f"not saved: {exc.one_line()}", f"your edit is kept in {copy}"
        ) from None
    with journal.lock(session_id):
        if read_text(original_path) != original:
            raise ConflictError(
                f"{original_path} changed while you were editing; not saved",
                f"your edit is kept in {copy}",
            )
        atomic_write(original_path, saved)
    copy.unlink()
    if found:
        kinds = ", ".join(sorted(set(found)))
        return f"saved {session_id} ({len(found)} secret(s) redacted: {kinds})"
    return f"saved {session_id}"


def _redacted(
    journal: Journal, original: str, edited: str, *, redact: bool
) -> tuple[str, tuple[str, ...]]:
    """`edited` with secrets redacted from the strings the edit added or changed,
    keeping its comments and layout; validated again when anything was redacted."""
    from journal.store.yamlio import dump_roundtrip, load_roundtrip, parse_yaml

    if not scrub(edited, config=journal.config, redact=redact)[1]:
        return edited, ()  # no secret anywhere: the text is saved as typed
    where = "the edited session.yaml"
    before = set(strings(parse_yaml(original, where=where)))
    doc = load_roundtrip(edited, where=where)
    doc, found = scrub(doc, config=journal.config, redact=redact, keep=before)
    if not found:
        return edited, ()
    text = dump_roundtrip(doc)
    journal.validate_text(text, where=f"{where} (after redaction)")
    return text, found


def _run_editor(editor: str, path: Path) -> None:
    try:
        code = spawn([*shlex.split(editor), str(path)]).wait()
    except CommandNotFoundError:
        raise UsageError(f"cannot start the editor {editor!r}", "set $EDITOR") from None
    if code != 0:
        raise UsageError(
            f"the editor {editor!r} exited with code {code}; nothing saved",
            f"your copy is in {path}",
        )
