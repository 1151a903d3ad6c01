"""Every performance budget of journal, measured side by side in one run.

Generates synthetic journals (deterministic seed) in a temp folder, times each
operation at each size against baselines measured in the same run (bare Python,
jrnl adding an entry, git commit without hooks, the site builder on the same pages),
and prints one table: median and spread over repeated runs, growth from the size
before, ratio to the baseline, the budget and whether it holds.

    python bench/run.py             # the full run: several minutes
    python bench/run.py --quick     # smaller sizes, fewer runs: under a minute
    python bench/run.py --only log,hook --strict

Exit status: 0, or 1 with --strict when a budget is missed (2: the bench failed).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import budgets
from measure import BenchError, run_all
from scenarios import FULL, QUICK, SMOKE, Plan, build, find_jrnl
from table import Row, markdown

GROUPS = (
    "log",
    "hook",
    "read",
    "render",
    "site",
    "import",
    "org",
    "ingest",
    "scale",
)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    plan = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.org_sessions:
        from dataclasses import replace

        plan = replace(plan, org_sessions=(args.org_sessions,))
    if args.scale_sessions:
        from dataclasses import replace

        sizes = tuple(int(n) for n in args.scale_sessions.split(","))
        plan = replace(plan, scale_sessions=sizes)
    if args.largest:
        from dataclasses import replace

        def kept(sizes: tuple[int, ...]) -> tuple[int, ...]:
            return tuple(n for n in sizes if n <= args.largest)

        plan = replace(
            plan, sessions=kept(plan.sessions), site_sessions=kept(plan.site_sessions)
        )
    only = frozenset(args.only.split(",")) if args.only else frozenset()
    unknown = only - set(GROUPS)
    if unknown:
        print(
            f"bench: unknown group(s) {sorted(unknown)}; use {GROUPS}", file=sys.stderr
        )
        return 2
    started, load = time.perf_counter(), os.getloadavg()[0]
    try:
        rows = _measure(plan, only, keep=args.keep, verbose=not args.silent)
    except (BenchError, RuntimeError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    print(_header(plan, mode, time.perf_counter() - started, load))
    print(markdown(rows))
    missed = [r for r in rows if r.holds is False]
    print()
    print(_verdict(rows, missed))
    return 1 if args.strict and missed else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="every row once at the smallest sizes: checks the table, not the figures",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a budget is missed"
    )
    parser.add_argument("--only", help=f"comma-separated groups of {', '.join(GROUPS)}")
    parser.add_argument(
        "--org-sessions",
        type=int,
        help="sessions in each of the org site's three journals (default: the plan's)",
    )
    parser.add_argument(
        "--scale-sessions",
        help="comma-separated sizes of the scale group (default: the plan's)",
    )
    parser.add_argument(
        "--largest",
        type=int,
        help="leave out journals of more sessions than this in the read, render "
        "and site groups (MkDocs alone takes over ten minutes a build at 10,000)",
    )
    parser.add_argument(
        "--keep", type=Path, help="generate the journals here, and keep them"
    )
    parser.add_argument("--silent", action="store_true", help="no progress on stderr")
    return parser


def _measure(
    plan: Plan, only: frozenset[str], *, keep: Path | None, verbose: bool
) -> list[Row]:
    if keep is not None:
        keep.mkdir(parents=True)
        return _measure_in(keep, plan, only, verbose)
    with tempfile.TemporaryDirectory(prefix="journal-bench-") as tmp:
        return _measure_in(Path(tmp), plan, only, verbose)


def _measure_in(
    base: Path, plan: Plan, only: frozenset[str], verbose: bool
) -> list[Row]:
    if verbose:
        print("bench: generating the journals …", file=sys.stderr, flush=True)
    bench = build(base, plan, only)
    if plan is SMOKE:
        # Every row runs once, and its figure says nothing: no untimed run first.
        for scenario in bench.scenarios:
            scenario.warm_up = False
    run_all(bench.scenarios, verbose=verbose)
    return budgets.rows(bench)


def _header(plan: Plan, mode: str, seconds: float, load: float) -> str:
    peer = (
        "jrnl installed" if find_jrnl() else "jrnl not installed (`pip install jrnl`)"
    )
    return (
        f"journal bench ({mode}): {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}, load average "
        f"{load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; {peer}. "
        f"{plan.fast_runs} runs of each fast command, {plan.slow_runs} of each slow "
        f"one, {plan.site_runs} of each site build of 100+ sessions, interleaved; "
        f"sessions of {plan.session_events} events; took {seconds:.0f} s.\n"
    )


def _verdict(rows: list[Row], missed: list[Row]) -> str:
    checked = sum(1 for r in rows if r.budget is not None)
    if not missed:
        return f"all {checked} budgets met"
    names = "; ".join(f"{r.operation} ({r.size})" for r in missed)
    return f"{len(missed)} of {checked} budgets missed: {names}"


if __name__ == "__main__":
    sys.exit(main())
