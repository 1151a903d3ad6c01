"""`process.run_to_file` stops a command that runs past its time, and everything
it started: not only the shell, but a child the signal has not reached yet, or one
that ignores SIGTERM (`journal verify` and `exec` time commands out this way)."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pytest

from journal import process

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to see a process's state"
)


def _runs(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _timed_out(tmp_path: Path, command: str) -> tuple[process.Completed, int]:
    with tempfile.TemporaryFile(dir=tmp_path) as output:
        done = process.run_to_file(command, cwd=tmp_path, timeout_s=0.3, output=output)
    return done, int((tmp_path / "child.pid").read_text())


def test_a_child_of_a_timed_out_command_is_gone_when_it_returns(
    tmp_path: Path,
) -> None:
    done, child = _timed_out(tmp_path, "sleep 60 & echo $! > child.pid; wait")
    assert done.exit_code is None
    assert not _runs(child)


def test_a_child_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    started = time.monotonic()
    done, child = _timed_out(
        tmp_path, "sh -c 'trap \"\" TERM; sleep 60' & echo $! > child.pid; wait"
    )
    assert done.exit_code is None
    assert not _runs(child)
    # SIGTERM, the grace it is given, then SIGKILL: well under the command's 60 s.
    assert time.monotonic() - started < 20
