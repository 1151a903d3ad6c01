"""`journal todo` and `journal step carry`: follow-ups across all sessions."""

from __future__ import annotations

from typing import Annotated

import typer

from journal.cli.commands.items import step_app
from journal.cli.options import Json, SessionOpt, open_journal
from journal.cli.output import emit

commands = typer.Typer()


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

    source, target = carry(open_journal(), step, to=to, session=session)
    emit(
        {"from": source, "to": target},
        f"carried step {source} → {target}",
        as_json=as_json,
    )
