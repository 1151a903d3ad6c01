"""`journal exec -- CMD …`: run a command as usual, its output streaming through, then
record it as an event with exit code, duration, an output excerpt and the full output
as evidence (in the session's `evidence/` folder) — secrets scrubbed from all three.
`verify` records its commands through the same helpers."""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shlex
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from journal.errors import JournalError, UsageError
from journal.operations.log import check_text, log_event, new_file
from journal.operations.redact import scrub
from journal.process import exit_status, spawn
from journal.store.config import Config
from journal.store.files import atomic_write
from journal.store.ids import slugify
from journal.store.layout import EVIDENCE_DIR, evidence_dir
from journal.store.sessions import Journal
from journal.store.validation import check_kind
from journal.when import format_iso

OnOutput = Callable[[int, bytes], None]
"""Gets each chunk of output as it arrives: (1 = stdout or 2 = stderr, bytes)."""


@dataclass(frozen=True)
class Executed:
    session_id: str
    exit_code: int
    """As a shell reports it: killed by signal N gives 128+N."""
    duration_s: float
    event: dict[str, Any]
    redacted: tuple[str, ...]


def execute(
    journal: Journal,
    argv: Sequence[str],
    *,
    on_output: OnOutput,
    session: str | None = None,
    kind: str = "action",
    text: str | None = None,
    star: bool = False,
    redact: bool = True,
) -> Executed:
    """Run `argv` (no shell), pass its output to `on_output`, and log the event."""
    if not argv:
        raise UsageError(
            "no command to run", "put it after --: journal exec -- make test"
        )
    # Everything the record needs is checked before the command runs: a command
    # that ran once may not be safe to run again.
    session_id = journal.resolve(session)
    check_kind(journal.config, kind)
    # The default text names the command: too long a command is refused here too.
    # A name that is not UTF-8 (a file name in another encoding) runs as given and
    # is recorded with U+FFFD in its place.
    shown = (
        shlex.join(argv).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    )
    text = check_text(f"ran `{shown}`" if text is None else text) and text
    folder = journal.existing_dir(session_id)
    started = journal.now()
    had_evidence = (folder / "evidence").is_dir()
    path, handle = open_evidence(folder, f"exec-{argv[0]}", at=started)
    try:
        with handle:
            code, seconds = _run(argv, sink=handle, on_output=on_output)
    except BaseException:
        path.unlink(missing_ok=True)
        if not had_evidence:  # a command that never ran leaves no folder behind
            with contextlib.suppress(OSError):
                path.parent.rmdir()
        raise
    kept = keep(path, config=journal.config, redact=redact)
    command, found = scrub(shown, config=journal.config, redact=redact)
    status = exit_status(code)
    try:
        logged = log_event(
            journal,
            text or f"ran `{command}`: exit {status} in {seconds:.1f}s",
            session=session_id,
            kind=kind,
            at=format_iso(started),
            star=star,
            redact=redact,
            extra=event_fields(command, status, seconds, kept),
        )
    except JournalError as exc:
        # The command ran: the error says so, and where its output is kept (the
        # evidence file stays).
        output = (
            f"its output is kept in {path}" if kept.evidence else "it printed nothing"
        )
        raise type(exc)(
            f"the command ran (exit {status}) but was not recorded: {exc.message}",
            f"{exc.hint}; {output}" if exc.hint else output,
            where=exc.where,
        ) from None
    return Executed(
        session_id,
        status,
        seconds,
        logged.event,
        tuple(sorted({*found, *kept.redacted, *logged.redacted})),
    )


def _run(
    argv: Sequence[str], *, sink: IO[bytes], on_output: OnOutput
) -> tuple[int, float]:
    started = time.monotonic()
    # stdin stays the terminal's and the process stays in our process group, so it
    # can prompt, and Ctrl-C reaches it as it would without `journal exec`.
    proc = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    interrupts = 0
    while True:
        try:
            _pump(proc, sink=sink, on_output=on_output)
            code = proc.wait()
            break
        except KeyboardInterrupt:
            # The command got the same Ctrl-C; let it finish and record it. A second
            # one means it did not listen.
            interrupts += 1
            if interrupts > 1:
                proc.kill()
    return code, time.monotonic() - started


def _pump(
    proc: subprocess.Popen[bytes], *, sink: IO[bytes], on_output: OnOutput
) -> None:
    with selectors.DefaultSelector() as selector:
        for stream, number in ((proc.stdout, 1), (proc.stderr, 2)):
            if stream is not None and not stream.closed:
                selector.register(stream, selectors.EVENT_READ, number)
        while selector.get_map():
            for key, _ in selector.select():
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                sink.write(chunk)
                on_output(key.data, chunk)


TAIL_LINES = 20
TAIL_CHARS = 2_000
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@dataclass(frozen=True)
class Kept:
    """What an event records about a command's output."""

    excerpt: str
    evidence: str | None
    """Path inside the session folder (`evidence/…`), or None when there was none."""
    redacted: tuple[str, ...] = ()


def open_evidence(folder: Path, stem: str, *, at: datetime) -> tuple[Path, IO[bytes]]:
    """A new, uniquely named file under `folder/evidence/` to stream output into."""
    base = f"{slugify(stem)[:40]}-{at.strftime('%Y%m%dT%H%M%S')}"
    return new_file(evidence_dir(folder), f"{base}.log")  # never a link out of it


def keep(path: Path, *, config: Config, redact: bool) -> Kept:
    """Scrub the evidence file in place and take its excerpt; drop it if empty."""
    raw = path.read_bytes()
    if not raw.strip():
        path.unlink()
        return Kept("", None)
    text, found = scrub(
        raw.decode("utf-8", errors="replace"), config=config, redact=redact
    )
    if found:
        atomic_write(path, text)
    # The excerpt: the last lines, without terminal colour codes.
    lines = _ANSI.sub("", text).replace("\r\n", "\n").rstrip("\n").split("\n")
    tail = "\n".join(lines[-TAIL_LINES:])
    if len(tail) > TAIL_CHARS:
        tail = "…" + tail[-(TAIL_CHARS - 1) :]
    return Kept(tail, f"{EVIDENCE_DIR}/{path.name}", found)


def event_fields(
    command: str, exit_code: int | None, seconds: float, kept: Kept
) -> dict[str, Any]:
    """What an event records of a command that ran (`exec`, `verify`)."""
    return {
        "command": command,
        "exit_code": exit_code,
        "duration_s": round(seconds, 3),
        "output": kept.excerpt or None,
        "evidence": [kept.evidence] if kept.evidence else None,
    }
