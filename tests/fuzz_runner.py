"""The command fuzzer's two ways of running a command: `journal.cli.main()` in this
process (fast: most runs), or a real subprocess with a memory and file-size limit and a
timeout (for devices, FIFOs and a sample of the rest); both with the same environment.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# A fixed clock just after the clocks went back in Europe/Berlin (03:00 CEST → 02:00
# CET), so relative times such as -2h cross a daylight-saving change.
NOW = "2025-10-26T02:30:00+01:00"


@dataclass(frozen=True)
class Outcome:
    """What one run did: exit code, both streams, and whether it hung."""

    code: int
    out: str
    err: str
    seconds: float
    timed_out: bool = False


def environment() -> dict[str, str]:
    """The environment of every run: fixed clock, a harmless editor, no pager."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOURNAL_", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX"))
    }
    env.update(
        JOURNAL_NOW=NOW,
        EDITOR="true",
        VISUAL="true",
        PAGER="cat",
        TZ="UTC",
        NO_COLOR="1",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        COLUMNS="100",
        PYTHONIOENCODING="utf-8:strict",  # as a terminal in en_US.UTF-8 does
    )
    return env


def run_subprocess(argv: list[str], cwd: Path, *, timeout: float = 30) -> Outcome:
    """The real command, with closed standard input, limited memory and file size."""
    started = time.perf_counter()
    args = [os.fsencode(a) for a in argv]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "journal", *args],
            cwd=cwd,
            env=environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            preexec_fn=_limits,
        )
    except subprocess.TimeoutExpired as exc:
        return Outcome(
            -1, _text(exc.stdout), _text(exc.stderr), timeout, timed_out=True
        )
    return Outcome(
        done.returncode,
        _text(done.stdout),
        _text(done.stderr),
        time.perf_counter() - started,
    )


def _limits() -> None:
    # A read of /dev/zero or a FIFO must end in a limit, not in an exhausted machine.
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8", "backslashreplace")


class _Alarm(Exception):
    pass


def _ring(signum: int, frame: object) -> None:
    raise _Alarm()


def run_in_process(argv: list[str], cwd: Path, *, timeout: int = 30) -> Outcome:
    """`journal.cli.main()` in this process, as the entry point runs it: the fast paths
    first, then typer; standard input empty, both streams captured strictly as UTF-8."""
    from journal.cli import main
    from tests.inprocess import command_built_once

    started = time.perf_counter()
    with _swapped(cwd) as (out, err):
        code, timed_out = 0, False
        previous = signal.signal(signal.SIGALRM, _ring)
        signal.alarm(timeout)
        try:
            main_argv = ["journal", *argv]
            sys.argv = main_argv
            with command_built_once():
                main()
        except SystemExit as exc:
            code = _exit_code(exc.code, err)
        except _Alarm:
            code, timed_out = -1, True
        except BaseException as exc:  # what would reach the user as a traceback
            import traceback

            traceback.print_exception(exc, file=err)
            code = 1
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        out.seek(0)
        err.seek(0)
        text_out, text_err = out.read(), err.read()
    return Outcome(code, text_out, text_err, time.perf_counter() - started, timed_out)


def _exit_code(code: object, err: io.TextIOBase) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)  # sys.exit("text") prints the text and exits 1
    return 1


@contextlib.contextmanager
def _swapped(cwd: Path) -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr, Path.cwd(), dict(os.environ))
    stdin = Path(os.devnull).open(encoding="utf-8")  # noqa: SIM115
    out = _capture()
    err = _capture(errors="backslashreplace")  # as Python's own stderr
    try:
        os.environ.clear()
        os.environ.update(environment())
        os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = stdin, out, err
        yield out, err
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved[:4]
        os.chdir(saved[4])
        os.environ.clear()
        os.environ.update(saved[5])
        for stream in (stdin, out, err):
            stream.close()


def _capture(errors: str = "strict") -> io.TextIOWrapper:
    import tempfile

    raw = tempfile.TemporaryFile()  # noqa: SIM115 - closed with its wrapper
    return io.TextIOWrapper(raw, encoding="utf-8", errors=errors, newline="\n")
