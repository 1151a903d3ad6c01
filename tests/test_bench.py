"""The bench runs and prints one well-formed table (times themselves are not tested:
they belong to the machine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

from measure import due
from scenarios import find_jrnl
from table import COLUMNS, Figure, Row, at_most, within

OPERATIONS = (
    "python -c pass",
    "jrnl",
    "journal log",
    "git commit, no hooks",
    "hooks (default install: commit-msg) add to git commit",
    "post-commit hook (--post-commit) adds to git commit",
    "both hooks (--post-commit) add to git commit",
    "journal list",
    "journal todo",
    "journal stats",
    "journal check",
    "journal log --session number",
    "journal log --session prefix",
    "render --all, from nothing",
    "render --all, nothing changed",
    "render --all, cold: peak memory",
    "mkdocs build",
    "site generation, first build",
    "site generation, one session changed",
    "journal import",
    "render --all from nothing, sessions of 100 events",
    "related map from nothing",
)


def table_rows(out: str) -> list[list[str]]:
    lines = [line for line in out.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == list(COLUMNS)
    assert set(lines[1]) <= set("|-:")
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:]]


@pytest.mark.slow
def test_the_bench_prints_one_well_formed_table() -> None:
    done = subprocess.run(
        # --smoke: every row once at the smallest sizes (the table, not figures).
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--silent"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = table_rows(done.stdout)
    for row in rows:
        assert len(row) == len(COLUMNS), row
        _, _, median, _, growth, _, ratio, budget, holds, peak = row
        float(ratio)
        assert peak == "—" or peak.endswith(" MiB"), row
        # A time, a memory, or (the scale group's candidates) a count of pairs.
        counted = row[0].startswith("pairs of sessions")
        assert median.endswith(" pairs" if counted else (" ms", " s", " MiB")), row
        assert growth == "—" or growth.endswith("×"), row
        assert holds == ("—" if budget == "—" else holds), row
        assert holds in ({"—"} if budget == "—" else {"yes", "NO"}), row
    assert rows[0][0].startswith("python -c pass") and rows[0][9].endswith(" MiB")
    for name in OPERATIONS:
        if name != "jrnl" or find_jrnl():
            assert any(row[0].startswith(name) for row in rows), name
    budgets = sum(1 for row in rows if row[7] != "—")
    missed = sum(1 for row in rows if row[8] == "NO")
    last = done.stdout.rstrip().splitlines()[-1]
    expected = f"{missed} of {budgets} budgets missed" if missed else "all"
    assert last.startswith(expected), last


def test_a_scenario_with_fewer_runs_is_spread_over_the_rounds() -> None:
    for runs in (1, 3, 7, 21):
        turns = [r for r in range(21) if due(r, runs, 21)]
        assert len(turns) == runs and turns[0] == 0


def test_a_budget_holds_on_the_ratio_or_on_the_median() -> None:
    fast, slow = Figure(0.04, 0.002), Figure(0.1, 0.01)
    assert Row("log", "1 event", fast, "jrnl", slow, budget=at_most(0.5, "jrnl")).holds
    assert not Row("log", "x", slow, "jrnl", fast, budget=at_most(0.5, "jrnl")).holds
    assert Row("list", "x", fast, "python", slow, budget=within(0.05)).holds
    assert Row("list", "x", slow, "python", fast).holds is None
    cells = Row("list", "x", slow, "python", fast, budget=within(0.05)).cells()
    assert cells[-2] == "NO" and cells[2] == "100.0 ms" and cells[6] == "2.50"
    assert cells[-1] == "—"  # no peak memory recorded
    peaked = Figure.of([0.1, 0.2, 0.3], peak=[2048.0, 4096.0, 1024.0])
    assert Row("list", "x", peaked, "python", fast).cells()[-1] == "2 MiB"
