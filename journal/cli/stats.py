"""What `journal stats` does and prints: time to detect, mitigate and resolve
across sessions. A command of the table (`cli/table.py`), run without typer."""

from __future__ import annotations

import json

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from typing import Any

_HEADERS = ("detect", "ack", "mitigate", "resolve", "duration")


def stats(opts: dict[str, Any]) -> int:
    """The figures of every selected session, then their count, median and
    percentiles; a session that cannot be read is named in a warning."""
    from journal.cli.output import print_lines, warn
    from journal.insight.aggregates import Selection, collect, parse_since
    from journal.store.sessions import Journal

    journal = Journal.open()
    since, tag, severity = opts["since"], opts["tag"], opts["severity"]
    selection = Selection(
        since=parse_since(since, journal=journal) if since else None,
        tags=tuple(tag),
        severities=tuple(severity),
    )
    result = collect(journal, selection)
    if opts["as_json"]:
        text = json.dumps(result.as_dict(selection), ensure_ascii=False, indent=2)
        return print_lines([text])
    for session_id, error in result.skipped:
        warn(f"{session_id} not counted: {error}")
    if not result.sessions:
        empty = _nothing_matches(tag, severity, since, skipped=bool(result.skipped))
        return print_lines([empty])
    return print_lines(_table(result))


def _nothing_matches(
    tag: list[str], severity: list[str], since: str | None, *, skipped: bool
) -> str:
    """What an empty table says: the filters that emptied it, if any."""
    from journal.cli.output import no_match

    if not (tag or severity or since):
        if skipped:
            return "no session could be counted (see the warnings above)"
        return "no sessions yet — start one with `journal new TITLE`"
    if not (tag or severity):
        return f"no session started since {since}"
    found = no_match("session", [("tag", tag), ("severity", severity)])
    return found + (f", started since {since}" if since else "")


def _table(result: Any) -> list[str]:
    """A row of figures a session, a blank line, then count, median, p90, p95."""
    from journal.insight.aggregates import FIGURES
    from journal.insight.metrics import format_duration

    width = max(len(row.session_id) for row in result.sessions)
    lines = [f"{'session':<{width}}  " + "  ".join(f"{h:>9}" for h in _HEADERS)]
    for row in result.sessions:
        cells = [format_duration(getattr(row.metrics, name)) for name in FIGURES]
        lines.append(
            f"{row.session_id:<{width}}  " + "  ".join(f"{c:>9}" for c in cells)
        )
    lines.append("")
    aggregates = result.aggregates()
    for label in ("count", "median", "p90", "p95"):
        cells = [
            str(aggregates[name]["count"])
            if label == "count"
            else format_duration(aggregates[name][label])
            for name in FIGURES
        ]
        lines.append(f"{label:<{width}}  " + "  ".join(f"{c:>9}" for c in cells))
    return lines
