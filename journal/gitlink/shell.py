"""The one place `git` is run: every git subprocess of journal goes through `run_git`.

Standard library only (the post-commit hook uses it). Tests swap `RUNNER` to observe
or fake calls; errors become `GitError` here, once.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from journal.errors import JournalError, NotFoundError

# Inside a hook git exports these for the repository being committed to; a git we
# start ourselves must discover its repository from `cwd` instead.
_HOOK_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
)
_TIMEOUT_S = 120.0


class GitError(JournalError):
    """git itself failed (or is missing); `stderr` holds its own words."""

    def __init__(self, message: str, hint: str | None = None, *, stderr: str = ""):
        super().__init__(message, hint)
        self.stderr = stderr


class NotARepoError(NotFoundError):
    """The folder is not inside a git repository."""


Runner = Callable[..., "subprocess.CompletedProcess[bytes]"]
RUNNER: Runner = subprocess.run


def git_env() -> dict[str, str]:
    """The environment for a git child: ours, minus what a hook's git exported."""
    env = {k: v for k, v in os.environ.items() if k not in _HOOK_VARIABLES}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"  # English messages, so errors can be recognised
    return env


def run_git(
    args: Sequence[str],
    *,
    cwd: Path,
    input: bytes | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> str:
    """Run `git ARGS` in `cwd`; its stdout as text, or GitError naming what failed."""
    result = run_git_raw(args, cwd=cwd, input=input)
    if result.returncode not in ok_codes:
        raise _error(args, cwd, result.stderr.decode("utf-8", "replace"))
    return result.stdout.decode("utf-8", "replace")


def run_git_raw(
    args: Sequence[str], *, cwd: Path, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run git and hand back the completed process, whatever its exit code."""
    try:
        return RUNNER(
            ["git", *args],
            cwd=cwd,
            input=input,
            capture_output=True,
            env=git_env(),
            timeout=_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed (or not on PATH)", "install git 2.25 or newer"
        ) from None
    except NotADirectoryError:
        raise NotFoundError(f"no folder {cwd}") from None
    except subprocess.TimeoutExpired:
        raise GitError(
            f"git {args[0] if args else ''} took over {_TIMEOUT_S:.0f} s",
            "is the repository on a slow or hung file system?",
        ) from None


def _error(args: Sequence[str], cwd: Path, stderr: str) -> JournalError:
    text = stderr.strip().splitlines()
    last = text[-1] if text else "no output"
    if "not a git repository" in stderr.lower():
        return NotARepoError(
            f"{cwd} is not in a git repository",
            "run `git init` there, or run journal inside a git checkout",
        )
    if last.startswith("fatal: "):
        last = last[len("fatal: ") :]
    name = args[0] if args else "git"
    return GitError(f"git {name} failed: {last}", stderr=stderr)
