"""Helpers shared by the git tests: commits with fixed times, reading timelines."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import git

SID = "2025-11-04-sqlalchemy-mapper-error"


def commit(
    root: Path,
    message: str,
    *,
    name: str | None = None,
    when: str = "2025-11-04T01:05:00+00:00",
    extra: tuple[str, ...] = (),
) -> str:
    """Write a file, commit it with a fixed author time; the new SHA."""
    target = root / (name or f"{message.split()[0].lower()}.txt")
    target.write_text(f"{message}\n", encoding="utf-8")
    git(root, "add", str(target.relative_to(root)))
    run_commit(root, "-m", message, *extra, when=when)
    return git(root, "rev-parse", "HEAD")


def run_commit(
    root: Path, *args: str, when: str = "2025-11-04T01:05:00+00:00"
) -> subprocess.CompletedProcess[str]:
    """`git commit ARGS` with fixed dates; fails the test if git fails."""
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", "commit", "-q", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done


def events(root: Path, session: str = SID) -> list[dict[str, Any]]:
    path = root / "sessions" / session / "timeline.yaml"
    if not path.exists():
        return []
    return [
        json.loads(line[2:])
        for line in path.read_text("utf-8").splitlines()
        if line.startswith("- ")
    ]


def linked(root: Path, session: str = SID) -> list[str]:
    """The SHAs of the session's commit events, in file order."""
    return [e["sha"] for e in events(root, session) if e.get("kind") == "commit"]
