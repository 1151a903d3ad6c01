"""`journal todo` and `journal step carry`: follow-ups across all sessions."""

from __future__ import annotations

from typing import Annotated

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
    from journal.cli.fastread import todo_lines
    from journal.cli.output import warn
    from journal.insight.followups import gather, open_followups
    from journal.store.sessions import Journal

    journal = Journal.open()
    today = journal.now().date()
    gathered = gather(journal)
    items = open_followups(gathered.items, today=today, owner=owner, overdue=overdue)
    for session_id, error in gathered.skipped:
        warn(f"{session_id} skipped: {error}")
    lines = todo_lines(items, today, as_json=as_json, owner=owner, overdue=overdue)
    print("\n".join(lines))


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
