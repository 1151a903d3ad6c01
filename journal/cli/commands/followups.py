"""`journal todo` and `journal step carry`: follow-ups across all sessions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from journal.cli.commands.items import step_app
from journal.cli.options import Json, SessionOpt
from journal.cli.output import emit

commands = typer.Typer()


@commands.command("todo")
def todo(
    owner: Annotated[str | None, typer.Option(help="Only this owner's.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only those past their due date.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Open follow-ups (next steps) of every session, oldest first, with age."""
    from journal.cli.output import warn
    from journal.insight.followups import gather, open_followups
    from journal.store.sessions import Journal

    journal = Journal.open()
    today = journal.now().date()
    gathered = gather(journal)
    items = open_followups(gathered.items, today=today, owner=owner, overdue=overdue)
    for session_id, error in gathered.skipped:
        warn(f"{session_id} skipped: {error}")
    if as_json:
        rows = [_row(item, today) for item in items]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not items:
        print("nothing to do")
        return
    for item in items:
        print(_line(item, today))


def _row(item: Any, today: Any) -> dict[str, Any]:
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


def _line(item: Any, today: Any) -> str:
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


@step_app.command("carry")
def step_carry(
    step: Annotated[
        str, typer.Argument(help="The step: N (of --session) or SESSION:N.")
    ],
    to: Annotated[
        str | None, typer.Option(help="The later session (default: active).")
    ] = None,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Carry an open step forward to a later session, keeping where it came from."""
    from journal.operations.followup_steps import carry
    from journal.store.sessions import Journal

    source, target = carry(Journal.open(), step, to=to, session=session)
    emit(
        {"from": source, "to": target},
        f"carried step {source} → {target}",
        as_json=as_json,
    )
