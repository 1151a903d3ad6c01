"""Timing commands, and running scenarios interleaved so drift hits them all alike.

A scenario is one thing measured at one size: a callable returning named figures
(seconds, kilobytes) for one run, an optional untimed reset before each run, and how
many runs it gets. Every scenario runs once untimed first (a warm-up, and the state
a no-op run needs); then rounds go through all of them in turn, a scenario with fewer
runs than there are rounds spread evenly over the rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Figures = dict[str, float]


class BenchError(RuntimeError):
    """A command the bench runs failed."""


@dataclass(frozen=True)
class Ran:
    """One run of a command: wall time, peak memory (KiB) and what it printed."""

    seconds: float
    max_rss_kib: int
    stdout: bytes


def run_command(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: dict[str, str],
    ok: Sequence[int] = (0,),
) -> Ran:
    """Run `argv` to completion; its wall time, and its own peak RSS (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip()[-2000:]
            raise BenchError(f"{' '.join(argv)} exited {proc.returncode}:\n{tail}")
        out.seek(0)
        return Ran(seconds, usage.ru_maxrss, out.read())


@dataclass
class Scenario:
    """One operation at one size."""

    key: str
    once: Callable[[], Figures]
    runs: int
    reset: Callable[[], None] | None = None
    warm_up: bool = True
    """Run once untimed first (off for the slowest, whose first run is cold anyway)."""
    samples: dict[str, list[float]] = field(default_factory=dict)

    def sample(self) -> None:
        if self.reset is not None:
            self.reset()
        for name, value in self.once().items():
            self.samples.setdefault(name, []).append(value)


def timed(
    argv: Sequence[str], *, cwd: Path, env: dict[str, str], ok: Sequence[int] = (0,)
) -> Callable[[], Figures]:
    """A scenario body: the wall time and peak memory of one command."""

    def once() -> Figures:
        ran = run_command(argv, cwd=cwd, env=env, ok=ok)
        return {"seconds": ran.seconds, "rss_kib": float(ran.max_rss_kib)}

    return once


def due(round_: int, runs: int, rounds: int) -> bool:
    """Whether a scenario of `runs` runs takes a turn in `round_` (round 0 always)."""
    if round_ == 0:
        return True
    return (round_ * runs) // rounds != ((round_ - 1) * runs) // rounds


def run_all(scenarios: Sequence[Scenario], *, verbose: bool = True) -> None:
    """Warm every scenario up once, then run them interleaved."""
    for scenario in scenarios:
        if scenario.warm_up:
            _note(verbose, f"warm-up {scenario.key}")
            if scenario.reset is not None:
                scenario.reset()
            scenario.once()
    rounds = max((s.runs for s in scenarios), default=0)
    for round_ in range(rounds):
        _note(verbose, f"round {round_ + 1}/{rounds}")
        for scenario in scenarios:
            if due(round_, scenario.runs, rounds):
                scenario.sample()


def _note(verbose: bool, text: str) -> None:
    if verbose:
        print(f"  … {text}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> float | None:
    """The interquartile range (25th to 75th percentile); None for one run."""
    if len(values) < 2:
        return None
    low, _, high = statistics.quantiles(values, n=4, method="inclusive")
    return high - low
