"""An editable install never serves stale output: a change anywhere in the package
that alters what a command prints is seen by every cache (`store/cache.py`, the one
definition of "the code changed").

Each test runs the real command line from a copy of the package (what an editable
install is: the source tree, imported as it is), fills the caches, edits one file of
the copy outside the module that writes the cache, and runs the command again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli, run_journal


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the package and its templates: the tree an editable install runs."""
    where = tmp_path / "editable"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "journal", where / "journal", ignore=ignore)
    shutil.copytree(REPO / "templates", where / "templates", ignore=ignore)
    return where


@pytest.fixture
def example(cli: Cli) -> Cli:
    shutil.rmtree(cli.root / "sessions")
    shutil.copytree(REPO / "sessions", cli.root / "sessions")
    shutil.copy(REPO / "journal.yaml", cli.root / "journal.yaml")
    return cli


def _run(cli: Cli, package: Path, *args: str) -> str:
    # A real process: the package it imports is the copy, found by PYTHONPATH.
    result = run_journal(
        *args, cwd=cli.root, env={"PYTHONPATH": str(package)}, process=True
    )
    assert result.code == 0, result.err
    return result.out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_change_outside_render_that_alters_a_report_rewrites_it(
    example: Cli, package: Path
) -> None:
    first = json.loads(_run(example, package, "render", "--all", "--json"))
    assert first["written"]
    reports = example.root / "reports"
    assert not any("DURATION-EDITED" in p.read_text() for p in reports.iterdir())
    # Reports print durations through insight/metrics.py, not journal/render/.
    _edit(
        package / "journal" / "insight" / "metrics.py",
        '    """`1h 05m`, `7m`, `42s`, `2d 3h`; an em dash when unknown."""\n',
        '    """`1h 05m`, `7m`, `42s`, `2d 3h`; an em dash when unknown."""\n'
        '    return "DURATION-EDITED"\n',
    )
    second = json.loads(_run(example, package, "render", "--all", "--json"))
    edited = [p.name for p in reports.iterdir() if "DURATION-EDITED" in p.read_text()]
    assert edited, "no report shows the edited code's output"
    assert sorted(second["written"]) == sorted(n[:-3] for n in edited)


def test_a_change_to_the_metrics_code_changes_stats(
    example: Cli, package: Path
) -> None:
    before = json.loads(_run(example, package, "stats", "--json"))
    assert before["sessions"]
    assert all(row["duration_s"] != 4242.0 for row in before["sessions"])
    # The figures index keeps `metrics.compute`'s result per session.
    metrics = package / "journal" / "insight" / "metrics.py"
    with metrics.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\n_computed = compute\n\n\n"
            "def compute(session, events):  # type: ignore[no-redef]\n"
            "    import dataclasses\n\n"
            "    return dataclasses.replace(_computed(session, events), "
            "duration_s=4242.0)\n"
        )
    after = json.loads(_run(example, package, "stats", "--json"))
    assert [row["id"] for row in after["sessions"]] == [
        row["id"] for row in before["sessions"]
    ]
    assert all(row["duration_s"] == 4242.0 for row in after["sessions"])
