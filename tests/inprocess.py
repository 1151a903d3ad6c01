"""The journal command run inside the test process: `journal.cli.main` with its fast
paths, the same exit codes and output as the installed command, at a fraction of the
cost of a subprocess (for matrices of many runs)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Result


def run_inprocess(
    *args: str,
    cwd: Path,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Result:
    """`journal ARGS` in `cwd`, as `python -m journal` runs it; its exit code and the
    output it wrote (captured at the file descriptors, so child processes count)."""
    from journal.cli import main

    capfd.readouterr()  # what came before is not this run's
    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        patch.setattr(sys, "argv", ["journal", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    captured = capfd.readouterr()
    return Result(code, captured.out, captured.err)
