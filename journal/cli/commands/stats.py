"""`journal stats`: time to detect, mitigate and resolve across sessions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from journal.cli.options import Json

commands = typer.Typer()

_HEADERS = ("detect", "ack", "mitigate", "resolve", "duration")


@commands.command("stats")
def stats(
    since: Annotated[
        str | None,
        typer.Option(help="Sessions started since: 2025-11-01, or 30d back from now."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", "-t", help="Any of these tags.")
    ] = None,
    severity: Annotated[
        list[str] | None, typer.Option(help="Any of these severities.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Per-session time to detect, acknowledge, mitigate and resolve, with medians
    and percentiles; figures whose events are missing are left out, never guessed.
    --json names what each figure is measured from (`time_to_mitigate_from`)."""
    from journal.cli.output import warn
    from journal.insight.aggregates import Selection, collect, parse_since
    from journal.store.sessions import Journal

    journal = Journal.open()
    selection = Selection(
        since=parse_since(since, journal=journal) if since else None,
        tags=tuple(tag or ()),
        severities=tuple(severity or ()),
    )
    result = collect(journal, selection)
    if as_json:
        print(json.dumps(result.as_dict(selection), ensure_ascii=False, indent=2))
        return
    for session_id, error in result.skipped:
        warn(f"{session_id} not counted: {error}")
    if not result.sessions:
        print(_nothing_matches(tag, severity, since, skipped=bool(result.skipped)))
        return
    _print_table(result)


def _nothing_matches(
    tag: list[str] | None,
    severity: list[str] | None,
    since: str | None,
    *,
    skipped: bool,
) -> str:
    """What an empty table says: the filters that emptied it, if any."""
    from journal.cli.handlers import no_match

    if not (tag or severity or since):
        if skipped:
            return "no session could be counted (see the warnings above)"
        return "no sessions yet — start one with `journal new TITLE`"
    if not (tag or severity):
        return f"no session started since {since}"
    found = no_match("session", [("tag", tag), ("severity", severity)])
    return found + (f", started since {since}" if since else "")


def _print_table(result: Any) -> None:
    from journal.insight.aggregates import FIGURES
    from journal.insight.metrics import format_duration

    width = max(len(row.session_id) for row in result.sessions)
    lines = [f"{'session':<{width}}  " + "  ".join(f"{h:>9}" for h in _HEADERS)]
    for row in result.sessions:
        cells = [format_duration(getattr(row.metrics, name)) for name in FIGURES]
        lines.append(
            f"{row.session_id:<{width}}  " + "  ".join(f"{c:>9}" for c in cells)
        )
    # One write, not a `print` a row: a tenth of a warm `stats` at 10,000 sessions.
    print("\n".join(lines))
    aggregates = result.aggregates()
    print()
    for label in ("count", "median", "p90", "p95"):
        cells = [
            str(aggregates[name]["count"])
            if label == "count"
            else format_duration(aggregates[name][label])
            for name in FIGURES
        ]
        print(f"{label:<{width}}  " + "  ".join(f"{c:>9}" for c in cells))
