"""Many runs of the `journal` command, each in its own process, for the price of a
fork: a driver process imports the modules once (typer, Jinja, rich, YAML and the
package's own: imported, never run, so each child starts from the state an import
leaves, as a new process does; and the click command typer makes from the app, made
once and never run, as a new process has it once it made it), then forks one child
per run. The child takes its
own working folder, standard input, output and error files and arguments, and runs
`journal.cli.main` as `python -m journal` does; its exit status is the process's.
The environment is the driver's, set when it starts. What this does not measure is
start-up cost (`tests/test_startup.py` and `bench/` do)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PRELOAD = (  # what is imported before the fork: the same for every run
    "typer",
    "jinja2",
    "rich.console",
    "rich.markdown",
    "markdown_it",
    "yaml",
    "ruamel.yaml",
    "msgspec",
    "journal.cli",
    "journal.cli.app",
    "journal.cli.handlers",
    "journal.cli.terminal",
    "journal.render.report",
    "journal.render.batch",
    "journal.operations.log",
    "journal.operations.listing",
    "journal.insight.followups",
)

_DRIVER = r"""
import json, os, sys, traceback
for name in PRELOAD:
    try:
        __import__(name)
    except ImportError:
        pass
if "journal.cli.app" in sys.modules:
    sys.modules["journal.cli.app"]._register()  # the command modules, imported
    # The click command typer makes from the app, made here and never run: each
    # child finds it as a new process has it right after making it itself.
    import typer.main
    _app = sys.modules["journal.cli.app"].app
    _made = typer.main.get_command
    _built = _made(_app)
    typer.main.get_command = lambda t: _built if t is _app else _made(t)
control_in = os.fdopen(os.dup(0), "r")
control_out = os.fdopen(os.dup(1), "w")

def exit_code(exc):
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1

def child(job):
    code = 1
    try:
        os.chdir(job["cwd"])
        for fd, path in ((0, job["stdin"]), (1, job["out"]), (2, job["err"])):
            flags = os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_CREAT | os.O_TRUNC
            opened = os.open(path, flags, 0o644)
            os.dup2(opened, fd)
            os.close(opened)
        sys.argv = ["journal", *job["argv"]]
        from journal.cli import main
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exit_code(exc)
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)

for line in control_in:
    job = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        child(job)
    _, status = os.waitpid(pid, 0)
    control_out.write(json.dumps(os.waitstatus_to_exitcode(status)) + "\n")
    control_out.flush()
"""


class Driver:
    """`driver.run(cwd, argv, stdin)` → (exit code, stdout, stderr)."""

    def __init__(self, env: dict[str, str], scratch: Path) -> None:
        self.scratch = scratch
        scratch.mkdir(parents=True, exist_ok=True)
        source = f"PRELOAD = {PRELOAD!r}\n{_DRIVER}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", source],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def run(
        self, cwd: Path, argv: tuple[str, ...], stdin: str
    ) -> tuple[int, bytes, bytes]:
        files = {name: self.scratch / name for name in ("stdin", "out", "err")}
        files["stdin"].write_bytes(stdin.encode("utf-8"))
        job = {"cwd": str(cwd), "argv": list(argv)}
        job.update({name: str(path) for name, path in files.items()})
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        code = json.loads(self.process.stdout.readline())
        return code, files["out"].read_bytes(), files["err"].read_bytes()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
