"""`journal log`: build one timeline event and append it, on the standard library alone.

Both the fast command-line path and the full CLI call `log_event`; it never parses
`session.yaml` or the timeline, so its cost does not grow with the session.
"""

from __future__ import annotations

import contextlib
import errno
from pathlib import Path

from journal.errors import NotFoundError, UsageError, WriteError
from journal.record import Record
from journal.store.eventlog import refuse_bad_utf8
from journal.store.files import atomic_write, too_long
from journal.store.layout import EVIDENCE_DIR, evidence_dir
from journal.store.sessions import Journal
from journal.store.timeline import append_event
from journal.store.validation import check_kind
from journal.when import format_iso, parse_when

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any

MAX_TEXT = 200_000


class Logged(Record):
    """What `log_event` wrote: the session, the event as stored, secrets redacted."""

    session_id: str
    event: dict[str, Any]
    redacted: tuple[str, ...]


def log_event(
    journal: Journal,
    text: str,
    *,
    session: str | None = None,
    kind: str = "note",
    at: str | None = None,
    star: bool = False,
    attach: list[Path] | None = None,
    by: str | None = None,
    redact: bool = True,
    extra: dict[str, Any] | None = None,
) -> Logged:
    """Append an event to a session's timeline (the active one by default)."""
    session_id = journal.resolve(session)
    check_kind(journal.config, kind)
    text = check_text(text, attach=bool(attach))
    moment = parse_when("now" if at is None else at, tz=journal.tz)
    from journal.operations.redact import scrub

    text, found = scrub(text, config=journal.config, redact=redact)
    event: dict[str, Any] = {"at": format_iso(moment), "kind": kind, "text": text}
    if star:
        event["star"] = True
    if by:
        event["by"] = by
    event.update(extra or {})
    folder = journal.existing_dir(session_id)
    with journal.lock(session_id):
        had_evidence = (folder / EVIDENCE_DIR).is_dir()
        copied: list[str] = []
        try:
            for path in attach or ():
                copied.append(_attach(folder, path))
                found += _scrub_attachment(folder / copied[-1], journal, redact)
            if copied:
                event["evidence"] = copied
            append_event(folder / "timeline.yaml", event)
        except BaseException:  # no copy of the attachments stays behind
            for name in copied:
                with contextlib.suppress(OSError):
                    (folder / name).unlink()
            if not had_evidence:
                with contextlib.suppress(OSError):
                    (folder / EVIDENCE_DIR).rmdir()
            raise
    return Logged(session_id=session_id, event=event, redacted=found)


def check_text(text: str, *, attach: bool = False) -> str:
    """The event text, stripped; refused when empty (unless a file is attached) or
    too long. `exec` calls it before running anything."""
    text = text.strip()
    refuse_bad_utf8({"text": text})  # exit 1, as when the timeline checks it
    if not text and not attach:
        raise UsageError(
            "the event text is empty", 'say what happened: journal log "…"'
        )
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"the event text is {len(text):,} characters, over the {MAX_TEXT:,} limit",
            "attach long output as a file with --attach",
        )
    return text


def _attach(folder: Path, source: Path) -> str:
    """Copy a file into the session's evidence/; returns its path in the session."""
    import shutil

    try:
        present = source.is_file()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise too_long(source, "attach") from None
        raise NotFoundError(f"cannot attach {source}: {exc.strerror}") from None
    if not present:
        raise NotFoundError(f"cannot attach {source}: no such file")
    evidence = evidence_dir(folder)
    target: Path | None = None
    try:
        with source.open("rb") as src:
            target, dst = new_file(evidence, _safe_name(source.name))  # ours to remove
            with dst:
                shutil.copyfileobj(src, dst)
    except OSError as exc:
        if target is not None:
            target.unlink(missing_ok=True)
        raise WriteError(
            f"cannot attach {source}: {exc.strerror}", "nothing was logged"
        ) from None
    return f"{EVIDENCE_DIR}/{target.name}"


def new_file(folder: Path, name: str) -> tuple[Path, IO[bytes]]:
    """`folder/name`, or `stem-2.ext`, `stem-3.ext`… where that is taken, made and
    open for writing ("x": a new file, never through an existing name or a link)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 1
    while True:
        path = folder / (name if counter == 1 else f"{stem}-{counter}{suffix}")
        try:
            return path, path.open("xb")
        except FileExistsError:
            counter += 1


def _scrub_attachment(path: Path, journal: Journal, redact: bool) -> tuple[str, ...]:
    """Secrets taken out of an attached text file, as out of the event's text: a
    log or a config pasted as evidence lands in git like the rest. A file that is
    not UTF-8 text (an image, a core dump) is kept as it is."""
    from journal.operations.redact import scrub

    if not (redact and journal.config.redact):
        return ()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return ()
    clean, found = scrub(text, config=journal.config)
    if found:
        atomic_write(path, clean)
    return found


def _safe_name(name: str) -> str:
    # No leading dot (hidden) or dash (read as an option by `rm *`, `cat *`).
    cleaned = "".join(c if c.isalnum() or c in "._-" else "-" for c in name)
    cleaned = cleaned.lstrip(".-") or "attachment"
    # Room for a `-N` suffix within the 255 bytes a file name may have.
    while len(cleaned.encode("utf-8")) > 200:
        stem, suffix = Path(cleaned).stem, Path(cleaned).suffix[:20]
        cleaned = stem[:-1] + suffix
    return cleaned
