"""A progress line on the terminal while a cold run builds the session index: shown
only on a terminal (standard error), and only once the work has taken a second."""

from __future__ import annotations

import sys
import time

_DELAY_S = 1.0


class _Line:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, name: str, done: int, total: int) -> None:
        if not self.shown and time.monotonic() - self.started < _DELAY_S:
            return
        if done >= total:
            if self.shown:
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
                self.shown = False
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\rjournal: reading sessions [{bar}] {done:,}/{total:,}")
        sys.stderr.flush()
        self.shown = True


def install() -> None:
    """Show progress while the session index is rebuilt, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return
    from journal.store import facets

    facets.progress = _Line()
