"""The journal command run inside the test process: `journal.cli.main` with its fast
paths, the same exit codes and output as the installed command, at a fraction of the
cost of a subprocess (Python's start and the imports are paid once per test process,
not once per command).

`run_in_process` is what `tests/conftest.py`'s `run_journal` (and so the `cli`
fixture) calls unless a test needs the process boundary itself (docs/testing.md): it
gives the command what a subprocess would have — its own working directory, the
environment plus the test's variables, a standard input (the test's text, or an empty
file), standard output and error captured at the file descriptors (so the git and
`exec` processes it starts are captured too) — and puts everything back after."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

import pytest

from tests.conftest import Result

_BUILT: dict[tuple[int, int, int], tuple[Any, Any]] = {}
"""The click command typer made from the journal app, by the app and the number of
its commands and groups (a test that registers one more gets a new one)."""


@contextlib.contextmanager
def command_built_once() -> Iterator[None]:
    """`typer.main.get_command(app)` made once per test process, not once per
    command run here. A real process calls it once and runs the command once; here
    the same click command runs again and again, as click's own `CliRunner` runs
    one: a click command keeps no state from one `main()` to the next (each gets a
    new `Context`), and `journal.cli.app` builds it with completion off, so nothing
    of the environment is read while it is made. Walking the app costs more than
    most commands (~0.1 s idle, 0.5 s on a loaded machine)."""
    import typer.main

    made = typer.main.get_command

    def get_command(typer_instance: Any) -> Any:
        key = (
            id(typer_instance),
            len(typer_instance.registered_commands),
            len(typer_instance.registered_groups),
        )
        if key not in _BUILT:  # the app is kept with it: its id is never reused
            _BUILT[key] = (typer_instance, made(typer_instance))
        return _BUILT[key][1]

    typer.main.get_command = get_command
    try:
        yield
    finally:
        typer.main.get_command = made


def run_in_process(
    args: tuple[str, ...],
    *,
    cwd: Path,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """`journal ARGS` in `cwd` as `python -m journal` runs it, inside this process."""
    from journal.cli import main

    _as_a_new_process()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved_env = dict(os.environ)
    saved_cwd = Path.cwd()
    saved_argv = sys.argv
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    saved_fds = [os.dup(fd) for fd in (0, 1, 2)]
    files = [tempfile.TemporaryFile() for _ in range(3)]  # noqa: SIM115
    files[0].write((input or "").encode())
    files[0].seek(0)
    code = 0
    try:
        for fd, file in enumerate(files):
            os.dup2(file.fileno(), fd)
        sys.stdin, sys.stdout, sys.stderr = _standard_streams()
        os.environ.update(env or {})
        if os.environ.get("TZ") != saved_env.get("TZ"):
            time.tzset()
        os.chdir(cwd)
        sys.argv = ["journal", *args]
        try:
            with command_built_once():
                main()
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except BaseException:  # what Python prints for an uncaught exception
            traceback.print_exc()
            code = 1
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        for fd, saved in enumerate(saved_fds):
            os.dup2(saved, fd)
            os.close(saved)
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        time.tzset()
        gc.unfreeze()  # what a command froze for its own short life
    out, err = (_read(file) for file in files[1:])
    files[0].close()
    return Result(code, out, err)


def _as_a_new_process() -> None:
    """Forget what the library keeps "once per process": the warnings already given
    (`journal.store.notices`), which a new process would print again."""
    notices = sys.modules.get("journal.store.notices")
    given = getattr(notices, "given", None)
    if isinstance(given, list):
        given.clear()


def _standard_streams() -> tuple[TextIO, TextIO, TextIO]:
    """New sys.stdin/stdout/stderr on descriptors 0, 1 and 2, made as Python makes
    them for pipes (UTF-8; stderr backslash-escapes what it cannot encode)."""
    return (
        open(0, encoding="utf-8", closefd=False),
        open(1, "w", encoding="utf-8", closefd=False),
        open(2, "w", 1, encoding="utf-8", errors="backslashreplace", closefd=False),
    )


def _exit_code(code: object) -> int:
    """What `sys.exit(code)` makes the exit status (a message counts as 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _read(file: IO[bytes]) -> str:
    """The text as `subprocess.run(text=True)` gives it (universal newlines)."""
    file.seek(0)
    data = file.read()
    file.close()
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


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
            with command_built_once():
                main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    captured = capfd.readouterr()
    return Result(code, captured.out, captured.err)


def make_template(folder: Path, *commands: tuple[str, ...]) -> Path:
    """A journal at `folder/repo` (git, `journal init`, then `commands`), made once
    per module and copied for each test with `copy_template`: a fresh journal for
    the price of a copy. The environment is isolated as `isolated_env` does."""
    root = folder / "repo"
    root.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOURNAL_", "GIT_")) and k not in ("EDITOR", "VISUAL")
    }
    env.update(HOME=str(folder), TZ="UTC", GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    # The commands run in this process (a `python -m journal` each was ~0.3 s of
    # CPU, ten for the parity test's template, on each worker), in exactly the
    # environment above: the process's own is put back afterwards.
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    try:
        for args in (("init",), *commands):
            done = run_in_process(args, cwd=root)
            assert done.code == 0, done.err
    finally:
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()
    return root


def copy_template(template: Path, folder: Path) -> Path:
    """A copy of `template` at `folder/repo` (links kept as links)."""
    root = folder / "repo"
    shutil.copytree(template, root, symlinks=True)
    return root
