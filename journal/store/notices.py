"""Warnings the library gives while it goes on: a torn line set aside, a line or a
session skipped. The library never prints; the command line sets `listener` (each
warning once per process, in the order given) and prints them on standard error."""

from __future__ import annotations

from collections.abc import Callable

listener: Callable[[str], None] | None = None
"""Called once with each new warning; None keeps them in `given` only."""
given: list[str] = []
"""Every warning given in this process, first to last, each once."""


def warn(message: str) -> None:
    """Give a warning (a repeat of one already given is dropped)."""
    if message in given:
        return
    given.append(message)
    if listener is not None:
        listener(message)
