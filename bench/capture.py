"""How fast is `journal log` on a 1,000-event session, against the interpreter and jrnl?

Prints median wall times measured in one run and their ratios, so the figures hold
on any machine. Budget: log <= 0.5 x jrnl, and the goal log <= 3 x bare Python.

    python bench/capture.py [--runs 30] [--events 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], *, cwd: Path, env: dict[str, str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - start)
    return samples


def make_journal(root: Path, events: int) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    journal = [sys.executable, "-m", "journal"]
    subprocess.run([*journal, "init"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*journal, "new", "Bench session", "--at", "2025-11-04T00:00Z"],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    timeline = next((root / "sessions").iterdir()) / "timeline.yaml"
    with timeline.open("a", encoding="utf-8") as handle:
        for i in range(events):
            handle.write(
                f'- {{"at": "2025-11-04T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:'
                f'{i % 60:02d}+00:00", "kind": "note", '
                f'"text": "event {i} of the bench"}}\n'
            )


def jrnl_command(home: Path) -> list[str] | None:
    exe = shutil.which("jrnl")
    if not exe:
        return None
    config = home / ".config" / "jrnl" / "jrnl.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "journals:\n  default:\n    journal: " + str(home / "journal.txt") + "\n"
        "encrypt: false\neditor: ''\ndefault_hour: 9\ndefault_minute: 0\n"
        "timeformat: '%F %r'\ntagsymbols: '@'\nhighlight: true\nlinewrap: 79\n"
        "indent_character: '|'\n"
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "version: v4.1\n"
    )
    return [exe, "An event from the bench"]


def row(name: str, samples: list[float], base: float | None) -> str:
    median = statistics.median(samples) * 1000
    spread = (max(samples) - min(samples)) * 1000
    ratio = f"{median / base:6.2f}x" if base else "      "
    return f"| {name:<38} | {median:8.1f} ms | ±{spread:6.1f} | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, home = Path(tmp) / "journal", Path(tmp) / "home"
        home.mkdir()
        make_journal(root, args.events)
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
        }
        bare = timed([sys.executable, "-c", "pass"], cwd=root, env=env, runs=args.runs)
        log = timed(
            [sys.executable, "-m", "journal", "log", "An event from the bench"],
            cwd=root,
            env=env,
            runs=args.runs,
        )
        entry = shutil.which("journal")
        script = (
            timed(
                [entry, "log", "Via the entry point"], cwd=root, env=env, runs=args.runs
            )
            if entry
            else None
        )
        jrnl = jrnl_command(home)
        jrnl_samples = timed(jrnl, cwd=root, env=env, runs=args.runs) if jrnl else None
    base = statistics.median(bare) * 1000
    print(f"journal log on a {args.events:,}-event session, {args.runs} runs each\n")
    print(
        "| command                                | median      | spread  | vs bare |"
    )
    print(
        "|----------------------------------------|-------------|---------|---------|"
    )
    print(row("python -c pass (floor)", bare, base))
    print(row("python -m journal log", log, base))
    if script:
        print(row("journal log (console script)", script, base))
    if jrnl_samples:
        print(row("jrnl (peer)", jrnl_samples, base))
        ratio = statistics.median(log) / statistics.median(jrnl_samples)
        verdict = "holds" if ratio <= 0.5 else "MISSED"
        print(f"\nlog / jrnl = {ratio:.2f} (budget <= 0.5: {verdict})")
    else:
        print("\njrnl not installed: `pip install jrnl` to measure the peer")
    goal = statistics.median(log) / statistics.median(bare)
    verdict = "holds" if goal <= 3 else "MISSED"
    print(f"log / bare python = {goal:.2f} (goal <= 3: {verdict})")


if __name__ == "__main__":
    main()
