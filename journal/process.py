"""Starting other programs: the one seam every subprocess of the core goes through.

Tests swap `spawn` to watch or forbid what runs; errors starting a program become a
`JournalError` here, once. `usable_cores` sizes the worker pools of large batches.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from journal.errors import NotFoundError

_GRACE_S = 2.0
_POLL_S = 0.01


class CommandNotFoundError(NotFoundError):
    """The program to run does not exist; exits like a shell would."""

    exit_code = 127


@dataclass(frozen=True)
class Completed:
    """A finished program: its exit code (None if stopped at the timeout)."""

    exit_code: int | None
    duration_s: float
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def timed_out(self) -> bool:
        return self.exit_code is None


def spawn(
    command: Sequence[str] | str,
    *,
    cwd: Path | None = None,
    shell: bool = False,
    own_group: bool = False,
    stdin: Any = None,
    stdout: Any = None,
    stderr: Any = None,
) -> subprocess.Popen[bytes]:
    """Start `command` (an argv list, or a string for the shell). `own_group` puts
    it in a new process group so a timeout can stop the whole pipeline; leave it off
    for programs that talk to the terminal."""
    if cwd is not None and not cwd.is_dir():
        raise NotFoundError(
            f"cannot run in {cwd}: no such folder", "give an existing folder as cwd"
        )
    args: Any = command if shell else list(command)
    try:
        return subprocess.Popen(
            args,
            cwd=cwd,
            shell=shell,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=own_group,
        )
    except OSError as exc:  # not found, not executable, a name too long, ENOEXEC
        name = command if isinstance(command, str) else command[0]
        raise CommandNotFoundError(
            f"cannot run {name!r}: {exc.strerror or 'not found'}",
            "check the command name and your PATH",
        ) from None


def run_to_file(
    command: str, *, cwd: Path, timeout_s: float, output: IO[bytes]
) -> Completed:
    """Run a shell command, its stdout and stderr going to `output`; stop it (and
    everything it started) after `timeout_s`. Nothing is read from stdin."""
    started = time.monotonic()
    proc = spawn(
        command,
        cwd=cwd,
        shell=True,
        own_group=True,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        code: int | None = proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        stop_group(proc)
        code = None
    except BaseException:
        stop_group(proc)
        raise
    return Completed(code, time.monotonic() - started)


def capture(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    input: bytes | None = None,
    timeout_s: float = 60.0,
) -> Completed:
    """Run a program to completion and keep what it printed (site builders)."""
    started = time.monotonic()
    proc = spawn(
        argv,
        cwd=cwd,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(input, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return Completed(None, time.monotonic() - started, out, err)
    return Completed(proc.returncode, time.monotonic() - started, out, err)


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Terminate a process started with `own_group` and everything it started, then
    kill what lingers. Done when the whole group is gone, not when its leader is:
    a child the signal has not reached yet, or one that ignores SIGTERM, outlived
    a shell that exited at once."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        if _stopped(proc, deadline=time.monotonic() + _GRACE_S):
            return


def _stopped(proc: subprocess.Popen[bytes], *, deadline: float) -> bool:
    """Whether the leader has exited and no process of its group runs, by `deadline`."""
    while True:
        try:
            proc.wait(timeout=_POLL_S)  # reaps the leader once it exits
        except subprocess.TimeoutExpired:
            pass
        else:
            if not _group_runs(proc.pid):
                return True
            time.sleep(_POLL_S)  # `wait` returns at once now: no spinning on /proc
        if time.monotonic() >= deadline:
            return False


def _group_runs(group: int) -> bool:
    """Whether a process of `group` still runs. A zombie does not: it only waits to
    be reaped by its new parent, which in a container may never do it."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc_dir = Path("/proc")
    if not (proc_dir / "self" / "stat").exists():
        return True  # no /proc (macOS): a signal answered, so take it as running
    for entry in os.scandir(proc_dir):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        state, _parent, member_of = stat.rsplit(")", 1)[1].split()[:3]
        if int(member_of) == group and state not in ("Z", "X"):
            return True
    return False


def exit_status(code: int) -> int:
    """A process's return code as a shell reports it (killed by signal N → 128+N)."""
    return 128 - code if code < 0 else code


def usable_cores() -> int:
    """How many worker processes a large batch may use: the cores this process may
    run on, at most 8 (more costs memory for little on a journal's work)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))
