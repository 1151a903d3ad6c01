"""`journal verify`: run a session's validation commands, record each result as a
`verify` event, and tick the success criteria a passing step proves.

Only the commands written in the session's `validation` list run, and only when the
user asks; `plan` alone (for `--dry-run`) runs nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from journal.errors import NotFoundError, UsageError
from journal.store.sessions import Journal
from journal.store.validation import check_kind
from journal.when import format_iso

Status = Literal["passed", "failed", "timed-out", "manual"]


@dataclass(frozen=True)
class PlannedStep:
    """One validation step as it would run."""

    number: int
    title: str
    command: str | None
    cwd: Path
    timeout_s: float
    expect: str | None
    criteria: tuple[int, ...]
    """Numbers (from 1) of the success criteria this step proves."""


@dataclass(frozen=True)
class Plan:
    """What `journal verify` would run for one session."""

    session_id: str
    steps: list[PlannedStep]


@dataclass(frozen=True)
class StepResult:
    step: PlannedStep
    status: Status
    exit_code: int | None = None
    duration_s: float | None = None
    excerpt: str = ""
    evidence: str | None = None
    ticked: tuple[int, ...] = ()


def plan(
    journal: Journal,
    ref: str | None,
    *,
    numbers: Sequence[int] = (),
    cwd: Path | None = None,
    timeout_s: float | None = None,
) -> Plan:
    """The steps of a session that `run` would run, in order.

    A step's own `cwd` (relative to the journal root) and `timeout_s` win; `cwd` and
    `timeout_s` given here apply to the others; the defaults are the journal root and
    the configured `verify_timeout_s`.
    """
    check_kind(journal.config, "verify")
    if timeout_s is not None and timeout_s <= 0:
        raise UsageError(f"--timeout {timeout_s:g} must be above 0", "give seconds")
    session_id = journal.resolve(ref)
    session = journal.load(session_id)
    if not session.validation:
        raise UsageError(
            f"{session_id} has no validation steps",
            'add one: journal validate add "Build passes" --command "make test"',
        )
    for number in numbers:
        if not 1 <= number <= len(session.validation):
            raise UsageError(
                f"there is no validation step {number} "
                f"(the session has {len(session.validation)})",
                "see the numbers with `journal show`",
            )
    base = cwd or journal.root
    default_timeout = timeout_s or journal.config.verify_timeout_s
    steps = [
        PlannedStep(
            number=number,
            title=step.title,
            command=step.command,
            cwd=journal.root / step.cwd if step.cwd else base,
            timeout_s=step.timeout_s or default_timeout,
            expect=step.expect,
            criteria=tuple(
                index
                for index, criterion in enumerate(session.success_criteria, start=1)
                if criterion.validation and _same(criterion.validation, step.title)
            ),
        )
        for number, step in enumerate(session.validation, start=1)
        if not numbers or number in numbers
    ]
    return Plan(session_id, steps)


def run(journal: Journal, plan: Plan, *, redact: bool = True) -> list[StepResult]:
    """Run each step with a command, in order; steps without one are `manual`."""
    for step in plan.steps:
        if step.command and not step.cwd.is_dir():
            raise NotFoundError(
                f"validation step {step.number} runs in {step.cwd}: no such folder",
                "fix its cwd, or pass --cwd",
            )
    return [
        _run_step(journal, step, session_id=plan.session_id, redact=redact)
        for step in plan.steps
    ]


def _run_step(
    journal: Journal, step: PlannedStep, *, session_id: str, redact: bool
) -> StepResult:
    if not step.command:
        return StepResult(step, "manual")
    from journal.operations.execute import event_fields, keep, open_evidence
    from journal.operations.log import log_event
    from journal.operations.redact import scrub
    from journal.process import run_to_file

    started = journal.now()
    stem = f"verify-{step.number}-{step.title}"
    path, handle = open_evidence(journal.session_dir(session_id), stem, at=started)
    with handle:
        done = run_to_file(
            step.command, cwd=step.cwd, timeout_s=step.timeout_s, output=handle
        )
    kept = keep(path, config=journal.config, redact=redact)
    command, _ = scrub(step.command, config=journal.config, redact=redact)
    status: Status = (
        "timed-out" if done.timed_out else "passed" if done.exit_code == 0 else "failed"
    )
    outcome = (
        f"timed out after {done.duration_s:.1f}s"
        if status == "timed-out"
        else f"{status} (exit {done.exit_code} in {done.duration_s:.1f}s)"
    )
    log_event(
        journal,
        f"{step.title}: {outcome}",
        session=session_id,
        kind="verify",
        at=format_iso(started),
        redact=redact,
        extra=event_fields(command, done.exit_code, done.duration_s, kept),
    )
    passed = status == "passed"
    return StepResult(
        step,
        status,
        exit_code=done.exit_code,
        duration_s=done.duration_s,
        excerpt=kept.excerpt,
        evidence=kept.evidence,
        ticked=_tick(journal, step, session_id) if passed and step.criteria else (),
    )


def _tick(journal: Journal, step: PlannedStep, session_id: str) -> tuple[int, ...]:
    ticked = []
    with journal.edit(session_id) as doc:
        criteria = doc.get("success_criteria") or []
        for number in step.criteria:
            item = criteria[number - 1] if number <= len(criteria) else None
            # The file may have changed since the plan: tick only what still matches.
            if (
                item is not None
                and not item.get("done")
                and _same(str(item.get("validation") or ""), step.title)
            ):
                item["done"] = True
                ticked.append(number)
    return tuple(ticked)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
