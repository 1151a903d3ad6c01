"""The journal command run inside the test process: `journal.cli.main` with its fast
paths, the same exit codes and output as the installed command, at a fraction of the
cost of a subprocess (for matrices of many runs)."""

from __future__ import annotations

import os
import shutil
import subprocess
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
    for args in (("init",), *commands):
        done = subprocess.run(
            [sys.executable, "-m", "journal", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 0, done.stderr
    return root


def copy_template(template: Path, folder: Path) -> Path:
    """A copy of `template` at `folder/repo` (links kept as links)."""
    root = folder / "repo"
    shutil.copytree(template, root, symlinks=True)
    return root
