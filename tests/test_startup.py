"""Start-up stays fast: `journal log` and the git hook import none of the heavy
packages, and lint keeps them out of module level (ruff TID253)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli

# The process boundary is what is tested: start-up: what a fresh process imports and costs.
pytestmark = pytest.mark.subprocess

# The ones start-up cost is measured for (ECOSYSTEM.md); pyproject bans more.
HEAVY = ("jinja2", "git", "markdown_it", "ruamel", "pydantic", "rich", "mkdocs")


def banned() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    lint = config["tool"]["ruff"]["lint"]
    names: list[str] = lint["flake8-tidy-imports"]["banned-module-level-imports"]
    return names


def imported(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages a Python command imports (from `-X importtime`)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    assert "journal" in names, "no import times read: did -X importtime change?"
    return names


def test_lint_bans_module_level_imports_of_the_heavy_packages() -> None:
    assert set(HEAVY) <= set(banned())


def test_journal_log_imports_no_heavy_package(cli: Cli, session_id: str) -> None:
    names = imported(["-m", "journal", "log", "Restarted the workers"], cli.root)
    assert names.isdisjoint(banned()), sorted(names & set(banned()))
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    assert "Restarted the workers" in timeline.read_text("utf-8")


def test_the_hook_module_imports_no_heavy_package(tmp_path: Path) -> None:
    names = imported(
        ["-c", "import journal.cli.hook, journal.gitlink.postcommit"], tmp_path
    )
    assert names.isdisjoint(banned()), sorted(names & set(banned()))


def test_warm_list_and_todo_answer_from_the_index_alone(
    cli: Cli, session_id: str
) -> None:
    cli.ok("step", "add", "Rotate the keys", "--owner", "dana")
    for command in ("list", "todo", "stats"):
        cli.ok(command)  # builds the session index
        names = imported(["-m", "journal", command], cli.root)
        assert names.isdisjoint(banned()), (command, sorted(names & set(banned())))


def test_the_fast_list_and_todo_print_what_the_full_cli_prints(
    cli: Cli, session_id: str
) -> None:
    cli.ok("step", "add", "Rotate the keys", "--owner", "dana", "--due", "2025-11-01")
    cli.ok("new", "Second incident", "--severity", "low")
    for argv in (
        ["list"],
        ["list", "--json"],
        ["list", "--status", "open"],
        ["todo"],
        ["todo", "--json"],
        ["todo", "--owner", "DANA", "--overdue"],
    ):
        fast = cli.ok(*argv)
        full = cli.ok(*argv, env={"JOURNAL_NO_FAST": "1"})  # the typer CLI
        assert fast.out == full.out, argv
        assert fast.out.strip()


def test_render_all_skips_typer_and_prints_what_the_full_cli_prints(
    cli: Cli, session_id: str
) -> None:
    first = cli.ok("render", "--all")
    assert "1 written" in first.out
    for argv in (["render", "--all"], ["render", "--all", "--json"]):
        fast = cli.ok(*argv)
        full = cli.ok(*argv, env={"JOURNAL_NO_FAST": "1"})  # the typer CLI
        assert fast.out == full.out, argv
        assert "1 unchanged" in fast.out or '"unchanged": 1' in fast.out
    names = imported(["-m", "journal", "render", "--all"], cli.root, env={**os.environ})
    assert "typer" not in names and names.isdisjoint(banned())


def test_stats_skips_typer_and_prints_what_the_full_cli_prints(
    cli: Cli, session_id: str
) -> None:
    cli.ok("log", "Alert fired", "--kind", "detected", "--at", "2025-11-04T10:05:00Z")
    cli.ok("log", "Rolled back", "--kind", "mitigated", "--at", "2025-11-04T10:40:00Z")
    for argv in (
        ["stats"],
        ["stats", "--json"],
        ["stats", "--tag", "nothing-has-this"],
        ["stats", "--since", "2025-11-01", "-t", "db", "--severity", "high"],
    ):
        fast = cli.ok(*argv)
        full = cli.ok(*argv, env={"JOURNAL_NO_FAST": "1"})  # the typer CLI
        assert (fast.out, fast.err) == (full.out, full.err), argv
        assert fast.out.strip()
    assert "35m" in cli.ok("stats").out  # detected 10:05, mitigated 10:40
    names = imported(["-m", "journal", "stats"], cli.root, env={**os.environ})
    assert "typer" not in names and names.isdisjoint(banned())
