"""`-` means standard input: `kubectl get pods | journal log -`, `--attach -`.

Standard library only, and `tempfile` only when a file is piped in: `journal log` runs
through here on its fast path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from journal.errors import UsageError

STDIN = "-"
# The name a piped attachment takes in evidence/ (numbered when it is taken).
PIPED_NAME = "stdin.txt"


def read_text(what: str) -> str:
    """Standard input as text, for a `-` given in place of `what`."""
    data = _read_bytes(what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"standard input for {what} is not UTF-8 text (byte {exc.start})",
            "attach binary output as a file instead: … | journal log --attach - TEXT",
        ) from None


@contextmanager
def log_inputs(words: list[str], attach: list[str]) -> Iterator[tuple[str, list[Path]]]:
    """The text and attachments of `journal log`, with `-` read from standard input.

    The text is `-` only when it is the single word; standard input feeds the text or
    one attachment, not both. A piped attachment lives in a temporary folder until the
    event is written.
    """
    piped = [name for name in attach if name == STDIN]
    text_piped = words == [STDIN]
    if len(piped) + text_piped > 1:
        raise UsageError(
            "standard input (`-`) can be read only once",
            "pipe either the text (journal log -) or a file (journal log --attach - …)",
        )
    text = read_text("the event text") if text_piped else " ".join(words)
    if not piped:
        yield text, [Path(name) for name in attach]
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="journal-stdin-") as tmp:
        spooled = Path(tmp) / PIPED_NAME
        spooled.write_bytes(_read_bytes("--attach"))
        yield text, [spooled if name == STDIN else Path(name) for name in attach]


def _read_bytes(what: str) -> bytes:
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(
            f"`-` for {what} reads standard input, but nothing is piped in",
            "pipe something in, e.g. kubectl get pods | journal log -",
        )
    return sys.stdin.buffer.read()
