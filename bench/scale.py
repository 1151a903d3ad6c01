"""The `scale` group: a first `render --all` and the related map, from nothing, on
journals of sessions of 100 events (issue 28: a first render that grew with the
square of the journal, 24 GB resident at 10,000 sessions).

Each size gets its own journal. `render --all` runs once (at 10,000 sessions a run
takes minutes); the related map, seconds long, runs `RELATED_RUNS` times, interleaved
with the other sizes' runs. Each row reports its wall time (the median), its growth
against the size before (the budget: linear, as `render --all`'s) and the command's
own peak memory (max RSS, wait4).

- `render --all` into an empty output: the reports folder, the render index, the
  manifest, the signature index and the related map removed before the run.
- The related map from nothing: the signature index warm (made untimed before the
  run), the map's cache removed; `related_map` timed inside the process, the
  process's peak memory taken. Beside it, untimed and without a budget, how many
  pairs of sessions share a root-cause file: each such pair reaches the threshold
  by that file alone, so a session's row has that many candidates at least — in
  these journals (words, files and titles from small vocabularies) they grow with
  the square of the journal, which the map's time cannot wholly escape.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

import synth
from measure import Figures, run_command, timed
from table import Budget, Figure, Row, at_most, with_growth

if TYPE_CHECKING:
    from collections.abc import Callable

    from scenarios import Bench

EVENTS = 100
"""Events in each session of the group's journals."""
RELATED_RUNS = 3
"""Runs of the related map at each size. Run once, its growth from 2,000 to
10,000 sessions read 1.17, 1.19 and 1.24 x linear in three bench runs of one code
on this 2-core machine: one run's noise is the budget's margin."""
PEAK_KIB = 1024 * 1024
"""Issue 28: at most 1 GiB resident at 10,000 sessions."""
BUDGET_FROM = 10000
"""The memory budget applies from this size (the issue's)."""
RENDER = f"render --all from nothing, sessions of {EVENTS} events"
RELATED = f"related map from nothing (signature index warm), {EVENTS} events"
_PAIRS = ("pairs", "pairs")
"""The figure of the pairs' row: the scenario's `pairs`, counted."""
_STATE_FILES = ("render-index.json", "related-index.json", "related-map.json")
_RELATED = (
    "import json, time; from journal.store.sessions import Journal; "
    "from journal.insight.relatedmap import related_map; j = Journal.open(); "
    "t = time.perf_counter(); rows = related_map(j); "
    "seconds = time.perf_counter() - t; "
    "from collections import Counter; from journal.insight.sigindex import records; "
    "df = Counter(r for x in records(j).values() "
    "for r in set(x['features']['root_files'])); "
    "pairs = sum(n * (n - 1) // 2 for n in df.values()); "
    "print(json.dumps({'seconds': seconds, 'rows': len(rows), 'pairs': pairs}))"
)
PAIRS = "pairs of sessions sharing a root-cause file (untimed: the rows' candidates)"
_FEATURES = (
    "from journal.store.sessions import Journal; "
    "from journal.insight.sigindex import refresh; refresh(Journal.open())"
)


def add_scale(bench: Bench, count: int) -> None:
    """The two scenarios at `count` sessions."""
    from scenarios import JOURNAL

    root = bench.base / f"scale-{count}"
    shas = synth.new_journal(root, env=bench.env)
    synth.write_sessions(root, count, shas=shas, events=EVENTS)
    state = synth.state_dir(root)

    def nothing() -> None:
        for folder in (root / "reports", state / "reports"):
            shutil.rmtree(folder, ignore_errors=True)
        for name in _STATE_FILES:
            (state / name).unlink(missing_ok=True)

    argv = [JOURNAL, "render", "--all"]
    once = timed(argv, cwd=root, env=bench.env)
    bench.add(f"scale-render:{count}", once, 1, reset=nothing, warm_up=False)

    def features_only() -> None:
        (state / "related-map.json").unlink(missing_ok=True)
        run_command([sys.executable, "-c", _FEATURES], cwd=root, env=bench.env)

    def related() -> Figures:
        ran = run_command([sys.executable, "-c", _RELATED], cwd=root, env=bench.env)
        data = json.loads(ran.stdout)
        if data["rows"] != count:
            raise RuntimeError(f"related map of {count} sessions: {data}")
        return {
            "seconds": float(data["seconds"]),
            "rss_kib": float(ran.max_rss_kib),
            "pairs": float(data["pairs"]),
        }

    bench.add(
        f"scale-related:{count}",
        related,
        RELATED_RUNS,
        reset=features_only,
        warm_up=False,
    )


def scale_rows(
    counts: list[int], figure: Callable[..., Figure], python: Figure
) -> list[Row]:
    """Time with growth and a linear budget, peak memory with the issue's budget
    (`figure` is `budgets.Results.figure`)."""
    rows: list[Row] = []
    for key, name in (("scale-render", RENDER), ("scale-related", RELATED)):
        series = []
        for before, count in zip([None, *counts], counts, strict=False):
            found = figure(f"{key}:{count}")
            size = f"{count:,} sessions"
            if before is None:
                series.append(Row(name, size, found, "python -c pass", python))
                continue
            factor = count / before
            previous = figure(f"{key}:{before}").median
            linear = Figure(previous * factor, None)
            label = f"{factor:g} × {before:,} sessions"
            budget = at_most(1.2, "linear")
            series.append(Row(name, size, found, label, linear, budget=budget))
        rows += with_growth(series)
    rows += with_growth(_pairs_rows(counts, figure))
    memory = Budget(PEAK_KIB, "median", "≤ 1 GiB")
    python_rss = figure("python", "rss_kib", "KiB")
    for count in counts:
        peak = figure(f"scale-render:{count}", "rss_kib", "KiB")
        budget = memory if count >= BUDGET_FROM else None
        rows.append(
            Row(
                f"{RENDER}: peak memory",
                f"{count:,} sessions",
                peak,
                "python -c pass",
                python_rss,
                budget=budget,
            )
        )
    return rows


def _pairs_rows(counts: list[int], figure: Callable[..., Figure]) -> list[Row]:
    """How many pairs share a root-cause file at each size, against linear growth
    from the size before: no budget, the reason the related map's rows grow."""
    rows: list[Row] = []
    for before, count in zip([None, *counts], counts, strict=False):
        found = replace(figure(f"scale-related:{count}", *_PAIRS), peak_kib=None)
        if before is None:
            rows.append(Row(PAIRS, f"{count:,} sessions", found, "—", found))
            continue
        previous = figure(f"scale-related:{before}", *_PAIRS).median
        linear = Figure(previous * count / before, None, "pairs")
        label = f"{count / before:g} × {before:,} sessions"
        rows.append(Row(PAIRS, f"{count:,} sessions", found, label, linear))
    return rows
