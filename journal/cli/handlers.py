"""What `log`, `list`, `todo`, `stats`, `show` and `render` do and print, one function
each, whichever parser read their options: the fast one (`cli/table.py`, no typer) or
the typer command made from the same table (`cli/commands/tabled.py`). Each takes the
options by their `dest` and returns the exit status; errors are raised, and turned
into one line by `output.report` (fast path) or `app._report` (typer), the same way.

The formats printed live here too. Heavy modules are imported inside the functions,
only when the answer needs them.
"""

from __future__ import annotations

import json
import sys

from journal.cli.output import no_match, print_lines, redaction_note, seen_lines, warn

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from journal.store.sessions import Journal


def log(opts: dict[str, Any]) -> int:
    """Append one event; print what was written and, for errors, where they were
    seen before."""
    journal, logged = _log(opts)
    session_id, event = logged.session_id, logged.event
    # For the kinds that carry errors: past sessions with the same error.
    seen: list[Any] | None = None
    if event["kind"] in ("detected", "identified"):
        try:
            from journal.insight.seen import seen_before

            seen = seen_before(journal.state_dir, session_id, text=event["text"])
        except Exception:  # the event is written; a broken index only costs the hint
            seen = []
    if opts["as_json"]:
        data = {
            "session": session_id,
            "event": event,
            "redacted": list(logged.redacted),
        }
        if seen is not None:
            data["seen_before"] = [m.as_dict() for m in seen]
        print(json.dumps(data, ensure_ascii=False))
    else:
        # `logged 01:02 detected ★ → <id>`
        star = " ★" if event.get("star") else ""
        note = redaction_note(logged.redacted)
        print(f"logged {event['at'][11:16]} {event['kind']}{star} → {session_id}{note}")
        if seen:
            print(seen_lines(seen))
    return 0


def _log(opts: dict[str, Any]) -> tuple[Any, Any]:
    """The journal, and what `log_event` wrote for these options."""
    from pathlib import Path

    from journal.operations.log import log_event
    from journal.store.sessions import Journal

    journal = Journal.open()

    # These options are log_event's arguments of the same names.
    named = {k: opts[k] for k in ("session", "kind", "at", "star", "by")}

    def write(text: str, files: list[Path]) -> Any:
        redact = not opts["no_redact"]
        return log_event(journal, text, attach=files, redact=redact, **named)

    words, attach = opts["text"], opts["attach"]
    if words != ["-"] and "-" not in attach:
        # The common case; `-` (standard input) costs an import only when used.
        return journal, write(" ".join(words), [Path(name) for name in attach])
    from journal.cli.stdin import log_inputs

    with log_inputs(words, attach) as (text, files):
        return journal, write(text, files)


def list_(opts: dict[str, Any]) -> int:
    """The sessions, newest first, from the session index; with no row, what the
    filters asked for."""
    from journal.operations.listing import list_rows

    status, tag = opts["status"], opts["tag"]
    rows = list_rows(statuses=status or None, tags=tag or None)
    if opts["as_json"]:
        return print_lines([json.dumps(rows, ensure_ascii=False, indent=2)])
    if not rows and (status or tag):
        return print_lines([no_match("session", [("status", status), ("tag", tag)])])
    if not rows:
        return print_lines(["no sessions yet — start one with `journal new TITLE`"])
    widths = {
        key: max(len(str(row[key] or "")) for row in rows)
        for key in ("id", "status", "severity")
    }
    lines = []
    for row in rows:
        mark = "*" if row["active"] else " "
        number = f"#{row['number']}" if row["number"] is not None else ""
        lines.append(
            f"{mark} {row['id']:<{widths['id']}}  {number:>4}  "
            f"{row['status']:<{widths['status']}}  "
            f"{row['severity'] or '':<{widths['severity']}}"
            f"  {row['events']:>4} ev  {row['title']}"
        )
    return print_lines(lines)


def todo(opts: dict[str, Any]) -> int:
    """Every session's open steps, oldest first (with no item, what the filters
    asked for); a session that cannot be read is named in a warning."""
    from journal.insight.followups import gather, open_followups
    from journal.store.sessions import Journal

    journal = Journal.open()
    today = journal.now().date()
    gathered = gather(journal)
    owner, overdue = opts["owner"], opts["overdue"]
    items = open_followups(gathered.items, today=today, owner=owner, overdue=overdue)
    if opts["as_json"]:
        rows = [todo_row(item, today) for item in items]
        lines = [json.dumps(rows, ensure_ascii=False, indent=2)]
    elif not items and (owner or overdue):
        whose = f" owned by {owner}" if owner else ""
        lines = [f"no open step{whose}" + (" is overdue" if overdue else "")]
    else:
        lines = [todo_line(item, today) for item in items] or ["nothing to do"]
    for session_id, error in gathered.skipped:
        warn(f"{session_id} skipped: {error}")
    return print_lines(lines)


def todo_row(item: Any, today: Any) -> dict[str, Any]:
    step = item.step
    return {
        "ref": item.ref,
        "session": item.session_id,
        "session_number": item.session_number,
        "number": item.number,
        "text": step.text,
        "horizon": step.horizon,
        "owner": step.owner,
        "due": step.due.isoformat() if step.due else None,
        "done": step.done,
        "tracked_in": step.tracked_in,
        "carried_from": step.carried_from,
        "history": list(item.history),
        "raised": item.raised.isoformat(),
        "age_days": item.age_days(today),
        "overdue": item.overdue(today),
    }


def todo_line(item: Any, today: Any) -> str:
    step = item.step
    parts = [f"{item.ref:<40}", f"{item.age_days(today):>4}d", f"{step.horizon:<9}"]
    text = " ".join(step.text.split())
    details = []
    if step.owner:
        details.append(f"@{step.owner}")
    if step.due:
        late = " OVERDUE" if item.overdue(today) else ""
        details.append(f"due {step.due.isoformat()}{late}")
    if step.tracked_in:
        details.append(step.tracked_in)
    if len(item.history) > 1:
        details.append(f"carried from {item.history[0]}")
    suffix = f"  ({', '.join(details)})" if details else ""
    return " ".join(parts) + f" {text}{suffix}"


def show(opts: dict[str, Any]) -> int:
    """The report formatted for the terminal: what was printed before while nothing
    it is made of changed (`cli/shown.py`), else rendered, laid out and kept."""
    from journal.cli.shown import emit, load_shown, output_key, save_shown
    from journal.store.sessions import Journal

    journal = Journal.open()
    ascii = journal.config.ascii if opts["ascii"] is None else opts["ascii"]
    session_id = journal.resolve_for_reading(opts["ref"])
    # The key first: an edit racing the render leaves a key that never matches.
    key = output_key(journal, session_id, ascii)
    text = load_shown(journal, session_id, key)
    if text is None:
        from journal.cli.terminal import format_markdown
        from journal.render.report import Renderer
        from journal.store import notices

        text = format_markdown(Renderer(journal, ascii=ascii).render(session_id))
        if not notices.given:  # a warning (a torn line skipped) must show every time
            save_shown(journal, session_id, key, text)
    return emit(text, pager=opts["pager"])


def render(opts: dict[str, Any]) -> int:
    """One session's Markdown report (stdout or `--output`), or with `--all` every
    session's report in the reports folder."""
    from journal.errors import UsageError
    from journal.store.sessions import Journal

    journal = Journal.open()
    ascii = journal.config.ascii if opts["ascii"] is None else opts["ascii"]
    output, as_json = opts["output"], opts["as_json"]
    if opts["all_"]:
        if opts["ref"] is not None:
            raise UsageError("give a session or --all, not both")
        return _render_all(journal, output, ascii, as_json)
    from journal.cli.output import emit
    from journal.operations.output_path import check_output, is_stdout, write_output
    from journal.render.report import Renderer

    if output is not None:
        check_output(journal, output)
    session_id = journal.resolve_for_reading(opts["ref"])
    text = Renderer(journal, ascii=ascii).render(session_id)
    if output is None or is_stdout(output):
        # UTF-8 whatever the locale says: a report is never re-encoded on the way out.
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    elif write_output(journal, output, text):
        emit(
            {"session": session_id, "path": str(output)},
            f"wrote {output}",
            as_json=as_json,
        )
    return 0


def _render_all(
    journal: Journal, output: Path | None, ascii: bool, as_json: bool
) -> int:
    from journal.operations.output_path import output_folder
    from journal.render.stamp import current, reports_folder

    target = output_folder(journal, output or reports_folder(journal))
    # Nothing changed since a run that left every report current: say so from the
    # stamp's stats, without loading the index, the manifest or git.
    unchanged = current(journal, target, ascii)
    if unchanged is not None:
        return print_summary(str(target), [], len(unchanged), [], [], as_json)
    from journal.render.batch import render_all

    done = render_all(journal, out_dir=target, ascii=ascii)
    kept = len(done.unchanged)
    return print_summary(
        str(done.out_dir), done.written, kept, done.removed, done.failed, as_json
    )


def print_summary(
    out_dir: str,
    written: list[str],
    unchanged: int,
    removed: list[str],
    failed: list[tuple[str, str]],
    as_json: bool,
) -> int:
    """What `render --all` prints (from the figures alone: the stamp's answer has no
    result); its exit status (1 when a report failed)."""
    from journal.cli.output import emit

    for session_id, message in failed:
        print(f"journal: error: {session_id}: {message}", file=sys.stderr)
    emit(
        {
            "dir": out_dir,
            "written": written,
            "unchanged": unchanged,
            "removed": removed,
            "failed": [{"session": s, "error": m} for s, m in failed],
        },
        f"reports in {out_dir}: {len(written)} written, "
        f"{unchanged} unchanged, {len(removed)} removed"
        + (f", {len(failed)} failed" if failed else ""),
        as_json=as_json,
    )
    if not failed:
        return 0
    print(
        f"journal: error: {len(failed)} session(s) could not be rendered — "
        "fix the files named above and run `journal render --all` again",
        file=sys.stderr,
    )
    return 1


_HEADERS = ("detect", "ack", "mitigate", "resolve", "duration")


def stats(opts: dict[str, Any]) -> int:
    """The figures of every selected session, then their count, median and
    percentiles; a session that cannot be read is named in a warning."""
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


HANDLERS = {
    "log": log,
    "list": list_,
    "todo": todo,
    "stats": stats,
    "show": show,
    "render": render,
}
