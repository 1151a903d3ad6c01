"""Bench: what our git hooks add to `git commit`, as ratios measured in one run.

    python bench/hook.py [--rounds 21]

Times the median wall time of `git commit --allow-empty` in temp repositories (isolated
git config, fixed dates): without hooks; with `journal hook install` and no active
session; with an active session of 1,000 events (post-commit only, and with the
commit-msg hook too). Baselines in the same run: bare `python -c pass` and
`journal log` on the same 1,000-event session. Budgets (DESIGN.md): no active session
adds ≤ 1.5 × `python -c pass`; an active session adds ≤ one `journal log`.
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
from collections.abc import Callable
from pathlib import Path

DATE = "2025-11-04T01:05:00+00:00"
JOURNAL = [sys.executable, "-m", "journal"]
SID = "2025-11-04-bench-incident"


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "JOURNAL_"))
    }
    env.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_DATE=DATE,
        GIT_COMMITTER_DATE=DATE,
        TZ="UTC",
    )
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)


def _repo(base: Path, name: str, env: dict[str, str], *, hooks: str) -> Path:
    root = base / name
    root.mkdir()
    _run(["git", "init", "-q"], root, env)
    _run([*JOURNAL, "init"], root, env)
    if hooks == "both":
        _run([*JOURNAL, "hook", "install"], root, env)
    elif hooks == "post-commit":
        _run([*JOURNAL, "hook", "install", "--no-commit-msg"], root, env)
    _run(["git", "add", "-A"], root, env)
    _run(["git", "commit", "-q", "-m", "start"], root, env)
    return root


def _activate(root: Path, env: dict[str, str], events: int) -> None:
    _run([*JOURNAL, "new", "Bench incident", "--at", DATE], root, env)
    lines = [
        "- "
        + json.dumps(
            {
                "at": f"2025-11-04T{1 + i // 3600 % 20:02d}:{i // 60 % 60:02d}:"
                f"{i % 60:02d}+00:00",
                "kind": "note",
                "text": f"event {i}: workers report mapper errors on queue {i % 7}",
            }
        )
        for i in range(events)
    ]
    (root / "sessions" / SID / "timeline.yaml").write_text("\n".join(lines) + "\n")


def _timer(args: list[str], cwd: Path, env: dict[str, str]) -> Callable[[], float]:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
        return time.perf_counter() - start

    return once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="journal-bench-") as tmp:
        base = Path(tmp)
        home = base / "home"
        home.mkdir()
        (home / ".gitconfig").write_text(
            "[user]\n\tname = Bench\n\temail = bench@example.com\n"
            "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
        )
        env = _env(home)
        plain = _repo(base, "plain", env, hooks="none")
        idle = _repo(base, "idle", env, hooks="both")
        active = _repo(base, "active", env, hooks="both")
        active_pc = _repo(base, "active-pc", env, hooks="post-commit")
        for root in (active, active_pc):
            _activate(root, env, 1000)
        commit = ["git", "commit", "-q", "--allow-empty", "-m", "Bench commit"]
        cases = {
            "git commit, no hooks": _timer(commit, plain, env),
            "git commit, hooks, no active session": _timer(commit, idle, env),
            "git commit, post-commit hook, active session": _timer(
                commit, active_pc, env
            ),
            "git commit, both hooks, active session": _timer(commit, active, env),
            "python -c pass": _timer([sys.executable, "-c", "pass"], base, env),
            "journal log (1,000-event session)": _timer(
                [str(Path(sys.executable).with_name("journal")), "log", "bench note"],
                active,
                env,
            ),
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for run in cases.values():  # warm the caches once
            run()
        for _ in range(rounds):  # interleaved, so drift hits every case alike
            for name, run in cases.items():
                samples[name].append(run())
    med = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    width = max(map(len, med))
    print(f"median of {rounds} runs (ms)")
    for name, value in med.items():
        print(f"  {name:<{width}}  {value:7.1f}")
    plain_ms = med["git commit, no hooks"]
    python_ms = med["python -c pass"]
    log_ms = med["journal log (1,000-event session)"]
    idle_add = med["git commit, hooks, no active session"] - plain_ms
    pc_add = med["git commit, post-commit hook, active session"] - plain_ms
    both_add = med["git commit, both hooks, active session"] - plain_ms
    print("ratios")
    print(
        f"  no active session: hook adds {idle_add:5.1f} ms = "
        f"{idle_add / python_ms:4.2f} × python -c pass   (budget ≤ 1.5)"
    )
    print(
        f"  active session, post-commit: adds {pc_add:5.1f} ms = "
        f"{pc_add / log_ms:4.2f} × journal log   (budget ≤ 1.0)"
    )
    print(
        f"  active session, both hooks:  adds {both_add:5.1f} ms = "
        f"{both_add / log_ms:4.2f} × journal log"
    )
    idle_x = med["git commit, hooks, no active session"] / plain_ms
    active_x = med["git commit, both hooks, active session"] / plain_ms
    print(f"  git commit, hooks vs none: {idle_x:4.2f}× idle, {active_x:4.2f}× active")


if __name__ == "__main__":
    main()
