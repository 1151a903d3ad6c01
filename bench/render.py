"""How long does `journal render --all` take for 100 and 1,000 sessions of 50 events,
and the no-op re-run when nothing changed?

Prints wall times of the real command (start-up included) measured in one run, per
session, and the growth from 100 to 1,000 sessions. Budget: linear growth (1,000
sessions take no more than ~10x the time of 100, per session about the same), and the
no-op re-run of 1,000 sessions at most 0.3 s.

    python bench/render.py [--sizes 100 1000] [--events 50] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOOP_BUDGET_S = 0.3


def make_journal(root: Path, sessions: int, events: int) -> None:
    """A journal of generated sessions, each with the usual fields and its events."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(
        [sys.executable, "-m", "journal", "init"],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    kinds = ["note", "detected", "investigating", "identified", "mitigated", "resolved"]
    for n in range(sessions):
        day = f"2025-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
        folder = root / "sessions" / f"{day}-bench-session-{n}"
        folder.mkdir(parents=True)
        previous = f"previous: {day}-bench-session-{n - 1}\n" if n % 10 else ""
        (folder / "session.yaml").write_text(
            f"schema: 1\ntitle: Bench session {n}\nnumber: {n + 1}\n"
            "status: resolved\n"
            f'severity: high\nstarted: "{day}T00:00:00+00:00"\n'
            f'ended: "{day}T03:00:00+00:00"\ntags: [bench, api]\n{previous}'
            "summary: |\n  Requests failed with **timeouts** after a deploy; see the"
            " timeline.\n"
            "root_cause:\n  summary: A pool of 5 connections.\n"
            "  location: app/db.py:31\n"
            "options:\n  - {title: Roll back, decision: rejected, why: too broad}\n"
            "  - {title: Raise the pool, decision: chosen, why: smallest change}\n"
            "success_criteria:\n  - {text: p99 under 200 ms, done: true}\n"
            "next_steps:\n"
            "  - {text: Alert on pool waits, horizon: short, owner: dana}\n",
            encoding="utf-8",
        )
        lines = []
        for i in range(events):
            event = {
                "at": f"{day}T{i // 60 % 24:02d}:{i % 60:02d}:00+00:00",
                "kind": kinds[i % len(kinds)],
                "text": f"event {i}: queue depth {i * 7} | p99 {i * 13} ms",
            }
            lines.append("- " + json.dumps(event) + "\n")
        (folder / "timeline.yaml").write_text("".join(lines), encoding="utf-8")


def timed(root: Path, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "journal", "render", "--all"],
            cwd=root,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "JOURNAL_SESSION": ""},
        )
        samples.append(time.perf_counter() - start)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5, help="no-op re-runs to median")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            root = Path(tmp) / f"j{size}"
            make_journal(root, size, args.events)
            full = timed(root, 1)[0]
            noop = statistics.median(timed(root, args.runs))
            reports = len(list((root / "reports").glob("*.md")))
            assert reports == size, f"{reports} reports for {size} sessions"
            rows.append((size, full, noop))
    print(f"journal render --all, {args.events} events per session (wall time)")
    print(f"{'sessions':>9} {'full':>9} {'per session':>12} {'no-op':>8}")
    for size, full, noop in rows:
        print(f"{size:>9} {full:>8.2f}s {full / size * 1000:>10.2f}ms {noop:>7.3f}s")
    first, last = rows[0], rows[-1]
    growth = (last[1] / first[1]) / (last[0] / first[0])
    print(
        f"growth: {last[0] // first[0]}x sessions took {last[1] / first[1]:.1f}x the "
        f"time ({growth:.2f} of linear; start-up makes small runs look slower)"
    )
    ok = last[2] <= NOOP_BUDGET_S
    print(
        f"no-op re-run of {last[0]} sessions: {last[2]:.3f}s "
        f"(budget {NOOP_BUDGET_S}s: {'ok' if ok else 'OVER'})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
