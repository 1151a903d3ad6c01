"""The progress line of a cold run: on a terminal only, after a second, erased at
the end (`cli/progress.py`, fed by `store/facets.py`)."""

from __future__ import annotations

import pytest

from journal.cli import progress
from journal.store import facets as index


def test_the_line_waits_a_second_then_shows_and_erases_itself(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    line = progress._Line()
    line("session-index", 50, 1000)
    assert capsys.readouterr().err == ""  # under a second: nothing
    monkeypatch.setattr(progress, "_DELAY_S", 0.0)
    line("session-index", 500, 1000)
    shown = capsys.readouterr().err
    assert "500/1,000" in shown and shown.startswith("\r")
    line("session-index", 1000, 1000)
    assert capsys.readouterr().err == "\r\033[K"


def test_nothing_is_installed_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index, "progress", None)
    progress.install()  # pytest's captured stderr is not a terminal
    assert index.progress is None
