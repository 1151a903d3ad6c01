"""`journal list` and `journal todo` without typer: the answer comes from the session
index (`insight/index.py`), so a warm run needs neither YAML nor the model.

Like `fastlog.py`, anything unusual — `--help`, an unknown option, an error — returns
None and the full CLI runs the command again, with its usual help and error lines
(both commands only read the journal, so running twice is harmless). The printed
formats live here and the typer commands print through them: one format each.
"""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from datetime import date
    from typing import Any

_LIST_OPTIONS = {"--status": "status", "--tag": "tag"}
_TODO_OPTIONS = {"--owner": "owner"}
_TODO_FLAGS = {"--overdue": "overdue"}


def run_fast_read(command: str, argv: list[str]) -> int | None:
    """Run `list` or `todo`; None hands the command to the full CLI."""
    if command == "list":
        opts = _parse(argv, _LIST_OPTIONS, {})
        return None if opts is None else _guarded(_list, opts)
    if command == "todo":
        opts = _parse(argv, _TODO_OPTIONS, _TODO_FLAGS)
        return None if opts is None else _guarded(_todo, opts)
    return None


def _parse(
    argv: list[str], values: dict[str, str], flags: dict[str, str]
) -> dict[str, Any] | None:
    opts: dict[str, Any] = {name: [] for name in values.values()}
    items = iter(argv)
    for arg in items:
        name, has_inline, inline = arg.partition("=")
        if arg == "--json":
            opts["json"] = True
        elif arg in flags:
            opts[flags[arg]] = True
        elif name in values:
            value = inline if has_inline else next(items, None)
            if value is None or value.startswith("-"):
                return None
            opts[values[name]].append(value)
        else:
            return None
    return opts


def _guarded(command: Any, opts: dict[str, Any]) -> int | None:
    """Work out the whole answer first, then print it: a failure hands over to the
    full CLI before anything was printed."""
    try:
        lines, warnings = command(opts)
    except Exception:
        return None
    for warning in warnings:
        print(f"journal: warning: {warning}", file=sys.stderr)
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:
        # The reader went away (`journal list | head`): say nothing more.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def _list(opts: dict[str, Any]) -> tuple[list[str], list[str]]:
    from journal.operations.listing import list_rows

    rows = list_rows(statuses=opts["status"] or None, tags=opts["tag"] or None)
    as_json = bool(opts.get("json"))
    return list_lines(rows, as_json=as_json, status=opts["status"], tag=opts["tag"]), []


def list_lines(
    rows: list[dict[str, Any]],
    *,
    as_json: bool,
    status: list[str] | None = None,
    tag: list[str] | None = None,
) -> list[str]:
    """What `journal list` prints; with no row, what the filters asked for."""
    if as_json:
        return [json.dumps(rows, ensure_ascii=False, indent=2)]
    if not rows and (status or tag):
        return [no_match("session", [("status", status), ("tag", tag)])]
    if not rows:
        return ["no sessions yet — start one with `journal new TITLE`"]
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
    return lines


def no_match(what: str, filters: list[tuple[str, list[str] | None]]) -> str:
    """`no session has tag db or cache and status open`: an empty answer names the
    filters that made it empty (each filter takes any of its values)."""
    parts = [f"{name} {' or '.join(values)}" for name, values in filters if values]
    return f"no {what} has " + " and ".join(parts)


def _todo(opts: dict[str, Any]) -> tuple[list[str], list[str]]:
    from journal.insight.followups import gather, open_followups
    from journal.store.sessions import Journal

    journal = Journal.open()
    today = journal.now().date()
    gathered = gather(journal)
    owner = opts["owner"][-1] if opts["owner"] else None
    items = open_followups(
        gathered.items, today=today, owner=owner, overdue=bool(opts.get("overdue"))
    )
    warnings = [f"{sid} skipped: {error}" for sid, error in gathered.skipped]
    as_json = bool(opts.get("json"))
    overdue = bool(opts.get("overdue"))
    return todo_lines(items, today, as_json=as_json, owner=owner, overdue=overdue), (
        warnings
    )


def todo_lines(
    items: list[Any],
    today: date,
    *,
    as_json: bool,
    owner: str | None = None,
    overdue: bool = False,
) -> list[str]:
    """What `journal todo` prints; with no item, what the filters asked for."""
    if as_json:
        rows = [todo_row(item, today) for item in items]
        return [json.dumps(rows, ensure_ascii=False, indent=2)]
    if not items and (owner or overdue):
        whose = f" owned by {owner}" if owner else ""
        return [f"no open step{whose}" + (" is overdue" if overdue else "")]
    if not items:
        return ["nothing to do"]
    return [todo_line(item, today) for item in items]


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
