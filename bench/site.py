"""Site generation against the builder's own time on the same pages.

Budget (DESIGN.md): generating the pages costs at most 10 % of what the builder
(MkDocs + Material, strict) then spends on them. Journals of 10 and 100 generated
sessions by default; `--big` adds 1,000 (the MkDocs build then takes minutes).

    python bench/site.py [--big] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KINDS = ("note", "detected", "investigating", "identified", "mitigated", "resolved")


def make_journal(root: Path, count: int) -> None:
    """`count` sessions over ~2 years, each with 12 events, steps and a lesson."""
    root.mkdir(parents=True)
    (root / "journal.yaml").write_text("sessions_dir: sessions\n")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    for n in range(count):
        began = start + timedelta(hours=17 * n * 1000 / max(count, 1))
        sid = f"{began:%Y-%m-%d}-incident-{n}"
        folder = root / "sessions" / sid
        folder.mkdir(parents=True)
        session = {
            "title": f"Incident {n}: queue backlog on worker pool {n % 7}",
            "number": n,
            "status": "resolved" if n % 3 else "open",
            "severity": ("critical", "high", "medium", "low")[n % 4],
            "started": began.isoformat(),
            "tags": [f"team-{n % 5}", "production"],
            "summary": "Workers stalled; the queue grew until autoscaling caught up.",
            "root_cause": {"summary": f"A lock held by job {n} blocked the pool."},
            "next_steps": [
                {"text": f"Alert on queue depth for pool {n % 7}", "owner": "ops"},
                {"text": "Write the postmortem", "done": n % 2 == 0},
            ],
            "lessons": [{"title": "Queue depth is the early signal", "kind": "lucky"}],
        }
        (folder / "session.yaml").write_text(json.dumps(session))
        events = [
            {
                "at": (began + timedelta(minutes=4 * k)).isoformat(),
                "kind": KINDS[k * len(KINDS) // 12],
                "text": f"Step {k} of incident {n}: checked the pool and the queue",
            }
            for k in range(12)
        ]
        (folder / "timeline.yaml").write_text(
            "".join("- " + json.dumps(e) + "\n" for e in events)
        )


def measure(count: int, runs: int) -> dict[str, float]:
    from journal.site.build import build_site
    from journal.site.pages import generate
    from journal.store import Journal

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "journal"
        make_journal(root, count)
        journal = Journal.open(root)
        cold = []
        for _ in range(runs):
            shutil.rmtree(root / ".journal-site", ignore_errors=True)
            started = time.perf_counter()
            generate(journal)
            cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        generate(journal)
        warm = time.perf_counter() - started
        builds = [build_site(journal).build_seconds for _ in range(runs)]
    return {
        "sessions": count,
        "generate_s": statistics.median(cold),
        "regenerate_unchanged_s": warm,
        "build_s": statistics.median(builds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also 1,000 sessions")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [10, 100] + ([1000] if args.big else [])
    print(
        f"{'sessions':>8} {'generate':>10} {'unchanged':>10} {'build':>9} {'ratio':>7}"
    )
    worst = 0.0
    for count in sizes:
        r = measure(count, 1 if count >= 1000 else args.runs)
        ratio = r["generate_s"] / r["build_s"]
        worst = max(worst, ratio)
        print(
            f"{count:>8} {r['generate_s']:>9.2f}s {r['regenerate_unchanged_s']:>9.2f}s "
            f"{r['build_s']:>8.2f}s {ratio:>6.1%}"
        )
    verdict = "within" if worst <= 0.10 else "OVER"
    print(f"budget: generation <= 10% of the build; worst {worst:.1%} ({verdict})")
    return 0 if worst <= 0.10 else 1


if __name__ == "__main__":
    sys.exit(main())
