"""Output captured from a command: the excerpt an event keeps, the full text kept as
evidence in the session's `evidence/` folder, both scrubbed of secrets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from journal.store.config import Config
from journal.store.files import atomic_write
from journal.store.ids import slugify
from journal.store.layout import EVIDENCE_DIR, evidence_dir

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
    evidence = evidence_dir(folder)  # never a link out of the session
    base = f"{slugify(stem)[:40]}-{at.strftime('%Y%m%dT%H%M%S')}"
    counter = 1
    while True:
        name = base if counter == 1 else f"{base}-{counter}"
        path = evidence / f"{name}.log"
        try:
            return path, path.open("xb")
        except FileExistsError:
            counter += 1


def keep(path: Path, *, config: Config, redact: bool) -> Kept:
    """Scrub the evidence file in place and take its excerpt; drop it if empty."""
    raw = path.read_bytes()
    if not raw.strip():
        path.unlink()
        return Kept("", None)
    from journal.operations.redact import scrub

    text, found = scrub(
        raw.decode("utf-8", errors="replace"), config=config, redact=redact
    )
    if found:
        atomic_write(path, text)
    return Kept(excerpt(text), f"{EVIDENCE_DIR}/{path.name}", found)


def excerpt(text: str) -> str:
    """The last lines of an output, without terminal colour codes."""
    lines = _ANSI.sub("", text).replace("\r\n", "\n").rstrip("\n").split("\n")
    tail = "\n".join(lines[-TAIL_LINES:])
    if len(tail) > TAIL_CHARS:
        tail = "…" + tail[-(TAIL_CHARS - 1) :]
    return tail


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
