"""`journal check` (lint sessions against the schema and the rules), and what the
journal remembers: `related` sessions and `hotspots` in the code."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from journal.cli.options import Json, RefArg, open_journal

commands = typer.Typer()


@commands.command("related")
def related(
    ref: RefArg = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many.")] = 10,
    as_json: Json = False,
) -> None:
    """Past sessions sharing an error signature, a root-cause file, files changed by
    linked commits, a component, a tag or a title with this one — each with why."""
    from journal.insight.relatedmap import ranker_for, related_to
    from journal.insight.sigindex import refresh_quietly

    journal = open_journal()
    session_id = journal.resolve_for_reading(ref)
    refresh_quietly(journal)  # what "seen before" will know in the next incident
    ranker = ranker_for(journal)
    if session_id not in ranker.features:
        journal.load(session_id)  # says what is wrong with it
        journal.events(session_id)
    found = related_to(ranker, session_id, limit=limit)
    if as_json:
        payload = {"session": session_id, "related": [r.as_dict() for r in found]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not found:
        print(f"nothing related to {session_id}")
        return
    for item in found:
        print(f"{item.id}  {item.label}")
        for reason in item.reasons:
            print(f"    {reason}")


@commands.command("hotspots")
def hotspots(
    since: Annotated[
        str | None,
        typer.Option(help="Sessions started since: 2025-11-01, or 90d back from now."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows of each table.")] = 20,
    as_json: Json = False,
) -> None:
    """Source files (and directories) ranked by the sessions whose linked commits
    changed them or whose root cause names them; renames followed, deleted marked."""
    from journal.insight.aggregates import parse_since
    from journal.insight.hotspots import find_hotspots

    journal = open_journal()
    start = parse_since(since, journal=journal).date() if since else None
    result = find_hotspots(journal, since=start)
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if not result.files:
        print("no hotspots: no session has linked commits or a root-cause file")
        return
    _table("file", result.files[:limit])
    if result.directories:  # none when every file sits at the repository's root
        print()
        _table("directory", result.directories[:limit])
    if result.shallow:
        from journal.insight.hotspots import SHALLOW_NOTE

        print(f"\nnote: {SHALLOW_NOTE}")


def _table(heading: str, rows: list[Any]) -> None:
    width = max([len(heading), *(len(r.path) for r in rows)])
    print(f"{heading:<{width}}  sessions  last        trend")
    for row in rows:
        mark = "  (deleted)" if row.exists is False else ""
        print(
            f"{row.path:<{width}}  {len(row.sessions):>8}  {row.last:<10}  "
            f"{row.trend}{mark}"
        )


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
        rows = [
            {"id": r.id, "severity": r.severity, "summary": r.summary}
            for r in rules().values()
        ]
        if want_json:
            print(json.dumps(rows, indent=2))
        else:
            for r in rows:
                print(f"{r['id']:<22} {r['severity']:<8} {r['summary']}")
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
