"""`journal verify` and `journal exec`: run commands and record what happened."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from journal.cli.commands.tabled import Values, command
from journal.cli.options import Json, NoRedact, SessionArg, open_journal
from journal.cli.output import redaction_note, seen_lines
from journal.cli.table import FLAG, NO_REDACT, SESSION, Param, option

commands = typer.Typer()


@commands.command("verify")
def verify(
    ref: SessionArg = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would run; run nothing.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds per command, for steps without their own timeout."),
    ] = None,
    cwd: Annotated[
        Path | None,
        typer.Option(help="Folder to run in, for steps without their own cwd."),
    ] = None,
    step: Annotated[
        list[int] | None, typer.Option("--step", help="Only step N (repeatable).")
    ] = None,
    no_redact: NoRedact = False,
    as_json: Json = False,
) -> None:
    """Run the session's validation commands, record each result as a `verify`
    event, and tick the success criteria a passing step proves.

    Exit 1 if any command failed or timed out.
    """
    from journal.operations.verify import plan, run

    journal = open_journal()
    planned = plan(
        journal,
        ref,
        numbers=step or (),
        cwd=cwd.resolve() if cwd else None,
        timeout_s=timeout,
    )
    if dry_run:
        _show_plan(planned, as_json=as_json)
        return
    results = run(journal, planned, redact=not no_redact)
    if as_json:
        print(json.dumps(_results_json(planned.session_id, results), indent=2))
    else:
        for result in results:
            print(_result_line(result))
    if any(r.status in ("failed", "timed-out") for r in results):
        sys.exit(1)


def _plan_row(step: Any) -> dict[str, Any]:
    return {
        "number": step.number,
        "title": step.title,
        "command": step.command,
        "cwd": str(step.cwd),
        "timeout_s": step.timeout_s,
        "expect": step.expect,
        "criteria": list(step.criteria),
    }


def _show_plan(planned: Any, *, as_json: bool) -> None:
    if as_json:
        rows = [_plan_row(s) for s in planned.steps]
        payload = {"session": planned.session_id, "would_run": rows}
        print(json.dumps(payload, indent=2))
        return
    print(f"would run in {planned.session_id} (nothing has run):")
    for s in planned.steps:
        if not s.command:
            print(f"  {s.number}. {s.title}: no command (manual step)")
            continue
        print(f"  {s.number}. {s.title}  [in {s.cwd}, timeout {s.timeout_s:g}s]")
        print(f"       $ {s.command}")
        if s.expect:
            print(f"       expect: {s.expect}")
        if s.criteria:
            ticks = ", ".join(str(n) for n in s.criteria)
            print(f"       ticks criteria {ticks} when it passes")


def _results_json(session_id: str, results: list[Any]) -> dict[str, Any]:
    return {
        "session": session_id,
        "results": [
            _plan_row(r.step)
            | {
                "status": r.status,
                "exit_code": r.exit_code,
                "duration_s": r.duration_s,
                "output": r.excerpt,
                "evidence": r.evidence,
                "ticked": list(r.ticked),
            }
            for r in results
        ],
    }


def _result_line(result: Any) -> str:
    step = result.step
    if result.status == "manual":
        return f"  - {step.number}. {step.title}: manual (no command)"
    mark = {"passed": "ok  ", "failed": "FAIL", "timed-out": "TIME"}[result.status]
    code = f"exit {result.exit_code}" if result.exit_code is not None else "timed out"
    line = f"{mark} {step.number}. {step.title} ({code}, {result.duration_s:.1f}s)"
    if result.ticked:
        line += f" — ticked criteria {', '.join(map(str, result.ticked))}"
    if result.status != "passed" and result.excerpt:
        tail = "\n".join("       " + x for x in result.excerpt.splitlines()[-5:])
        line += "\n" + tail
    return line


@command(
    commands,
    "exec",
    """Run a command as usual (its output streams through), then record it as an
event with exit code, duration, output excerpt and the full output as evidence.

Exits with the command's exit code. Example: journal exec -- make test""",
    Param(dest="command", many=True, help="The command and its arguments, after --."),
    option("--kind -k", "Event kind to record.", default="action"),
    option("--message -m", "Event text (default: the command).", dest="text"),
    option("--star -s", "Mark as a key moment.", kind=FLAG),
    NO_REDACT,
    SESSION,
    context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
)
def exec_(v: Values) -> None:
    from journal.operations.execute import execute

    journal = open_journal()
    # These options are execute's arguments of the same names.
    named = {k: v[k] for k in ("session", "kind", "text", "star")}
    redact = not v["no_redact"]
    done = execute(
        journal, v["command"], on_output=_write_through, redact=redact, **named
    )
    evidence = done.event.get("evidence") or []
    note = f", output in {evidence[0]}" if evidence else ""
    print(
        f"journal: recorded exit {done.exit_code} ({done.duration_s:.1f}s) "
        f"→ {done.session_id}{note}{redaction_note(done.redacted)}",
        file=sys.stderr,
    )
    if done.exit_code != 0:
        # A failed command's output, looked up like a logged error: "seen before".
        from journal.insight.seen import seen_before_any

        output = str(done.event.get("output") or "")
        lines = [line for line in output.splitlines() if line.strip()]
        seen = seen_before_any(journal.state_dir, done.session_id, lines[-20:])
        if seen:
            print(f"journal: {seen_lines(seen)}", file=sys.stderr)
    sys.exit(done.exit_code)


def _write_through(stream: int, chunk: bytes) -> None:
    target = sys.stdout if stream == 1 else sys.stderr
    target.buffer.write(chunk)
    target.buffer.flush()
