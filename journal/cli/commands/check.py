"""`journal check`: lint sessions against the schema and the rules."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from journal.cli.options import open_journal

commands = typer.Typer()


class Format(StrEnum):
    text = "text"
    json = "json"


@commands.command("check")
def check(
    ids: Annotated[
        list[str] | None,
        typer.Argument(help="Sessions to check (id, prefix or number); default: all."),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", "-f", help="text or json.")
    ] = Format.text,
    as_json: Annotated[
        bool, typer.Option("--json", help="Same as --format json.")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Repair what is safe to repair (torn lines, shared numbers)."
        ),
    ] = False,
    list_rules: Annotated[
        bool, typer.Option("--rules", help="List the rules and exit.")
    ] = False,
) -> None:
    """Check sessions against the schema and the rules; exit 1 on any error.

    Disable a rule with `check_disable: [rule-id]` in journal.yaml.
    """
    from journal.insight.lint import check as run_check
    from journal.insight.lint import rules

    want_json = as_json or output is Format.json
    if list_rules:
        _print_rules(rules(), as_json=want_json)
        return
    journal = open_journal()
    findings = run_check(journal, ids or [], fix=fix)
    errors = sum(1 for f in findings if f.severity == "error" and not f.fixed)
    warnings = sum(1 for f in findings if f.severity == "warning" and not f.fixed)
    fixed = sum(1 for f in findings if f.fixed)
    checked = len(ids) if ids else len(journal.session_ids())
    if want_json:
        summary = {
            "sessions": checked,
            "errors": errors,
            "warnings": warnings,
            "fixed": fixed,
        }
        payload = {"findings": [f.as_dict() for f in findings], "summary": summary}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            where = f"{finding.file}:{finding.line}" if finding.line else finding.file
            state = "fixed" if finding.fixed else finding.severity
            hint = f" — {finding.hint}" if finding.hint else ""
            print(f"{where}: {state} [{finding.rule}] {finding.message}{hint}")
        print(
            f"{checked} session(s) checked: {errors} error(s), {warnings} warning(s)"
            + (f", {fixed} fixed" if fixed else "")
        )
    if errors:
        sys.exit(1)


def _print_rules(known: dict[str, Any], *, as_json: bool) -> None:
    rows = [
        {"id": r.id, "severity": r.severity, "summary": r.summary}
        for r in known.values()
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for r in rows:
        print(f"{r['id']:<22} {r['severity']:<8} {r['summary']}")
