"""Option declarations shared by many commands, as typer annotations of the
table's declarations (`cli/table.py`), so that each help text is written once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from journal.cli.table import JSON, NO_REDACT, REF, SESSION

if TYPE_CHECKING:
    from journal.store.sessions import Journal

Json = Annotated[bool, typer.Option(*JSON.names, help=JSON.help)]
NoRedact = Annotated[bool, typer.Option(*NO_REDACT.names, help=NO_REDACT.help)]
SessionOpt = Annotated[str | None, typer.Option(*SESSION.names, help=SESSION.help)]
RefArg = Annotated[str | None, typer.Argument(help=REF.help)]
SessionArg = Annotated[str | None, typer.Argument(help="Session (default: active).")]


def open_journal() -> Journal:
    """The journal of the working folder (`Journal.open`), imported when a command
    runs rather than when typer lists the commands."""
    from journal.store.sessions import Journal

    return Journal.open()
