"""The command fuzzer's campaigns: run vectors against fresh journals, keep what fails.

Used by the quick profile (`tests/test_fuzz_commands.py`) and the long one
(`bench/fuzz.py`); the vectors and the property are in `tests/fuzz_support.py`, the
journals and the runners in `tests/fuzz_sandbox.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.fuzz_runner import Outcome, run_in_process, run_subprocess
from tests.fuzz_sandbox import changes, restore, tree_hash
from tests.fuzz_support import Vector, known_item, problems


@dataclass(frozen=True)
class Finding:
    vector: Vector
    problems: tuple[str, ...]
    outcome: Outcome
    item: int | None  # the issue item on the allow-list, or None: a new defect


@dataclass
class Campaign:
    """The figures of a run of the fuzzer."""

    seed: int
    runs: int = 0
    subprocess_runs: int = 0
    failures_by_exit: dict[int, int] | None = None
    commands: frozenset[tuple[str, ...]] = frozenset()
    findings: tuple[Finding, ...] = ()
    seconds: float = 0.0

    @property
    def new(self) -> list[Finding]:
        return [f for f in self.findings if f.item is None]

    @property
    def internal_errors(self) -> int:
        return sum(
            any(
                p in ("an internal error", "a traceback") or p.startswith("exit code")
                for p in f.problems
            )
            for f in self.findings
        )


def run_campaign(
    seed: int,
    found: list[Vector],
    templates: dict[str, Path],
    work: Path,
    *,
    progress: Callable[[int, Finding | None], None] | None = None,
) -> Campaign:
    """Run every vector in a fresh copy of its journal; collect what fails."""

    started = time.perf_counter()
    findings: list[Finding] = []
    exits: dict[int, int] = {}
    sandbox = work / "sandbox"
    expected: dict[str, dict[str, str]] = {}
    for number, vector in enumerate(found):
        restore(templates[vector.journal], sandbox)
        before = tree_hash(sandbox)
        # Each run starts from the same journal, or its result means nothing.
        assert before == expected.setdefault(vector.journal, before), "restore failed"
        argv, cwd = vector.resolved(str(sandbox)), sandbox / "repo"
        run = run_subprocess if vector.subprocess else run_in_process
        outcome = run(argv, cwd)
        changed = changes(before, tree_hash(sandbox))
        exits[outcome.code] = exits.get(outcome.code, 0) + 1
        wrong = problems(vector, outcome, changed)
        finding = None
        if wrong:
            item = known_item(vector, outcome, changed)
            finding = Finding(vector, tuple(wrong), outcome, item)
            findings.append(finding)
        if progress:
            progress(number, finding)
    return Campaign(
        seed=seed,
        runs=len(found),
        subprocess_runs=sum(v.subprocess for v in found),
        failures_by_exit=exits,
        commands=frozenset(v.argv[: _depth(v)] for v in found),
        findings=tuple(findings),
        seconds=time.perf_counter() - started,
    )


def _depth(vector: Vector) -> int:
    return 2 if vector.argv[0] in _GROUPS else 1


_GROUPS = {"option", "criterion", "step", "lesson", "validate", "hook", "merge", "site"}


def describe(finding: Finding) -> str:
    """One finding as the long profile prints it: the vector, then what went wrong."""
    where = f"item {finding.item}" if finding.item else "NEW"
    err = finding.outcome.err.strip().splitlines()
    tail = err[-1][:300] if err else "(no stderr)"
    return (
        f"{where}: {finding.vector.shown()}\n"
        f"    exit {finding.outcome.code}: {'; '.join(finding.problems)}\n    {tail}"
    )
