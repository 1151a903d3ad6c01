"""The typer commands of `cli/table.py`: each parameter of the table becomes a typer
option or argument (names, type, default, help), and the command calls the same
handler the fast path calls (`cli/handlers.py`). Nothing is declared here."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from journal.cli.handlers import HANDLERS
from journal.cli.table import COMMANDS, FLAG, PATH, SWITCH, Param

commands = typer.Typer()


def add_command(name: str) -> None:
    """Register the table's command `name` on `commands`."""
    spec = COMMANDS[name]
    handler = HANDLERS[name]

    def command(**values: Any) -> None:
        for param in spec.params:
            if param.many:  # click gives a tuple, or None when none was given
                values[param.dest] = list(values[param.dest] or [])
        code = handler(values)
        if code:
            raise typer.Exit(code)

    command.__name__ = name
    command.__doc__ = spec.help
    command.__annotations__ = {}
    command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_parameter(param) for param in spec.params]
    )
    commands.command(name)(command)


def _parameter(param: Param) -> inspect.Parameter:
    """`dest: Annotated[type, typer.Option(...)] = default` for one parameter."""
    kind: Any = {FLAG: bool, SWITCH: bool | None, PATH: Path | None}.get(
        param.kind, str | None
    )
    if param.many:
        kind = list[str] | None
    if param.names:
        names = list(param.names)
        if param.off:
            names[0] += "/" + "/".join(param.off)
        info: Any = typer.Option(
            *names, help=param.help, show_default=param.show_default
        )
    else:
        info = typer.Argument(help=param.help, show_default=param.show_default)
    return inspect.Parameter(
        param.dest,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        annotation=Annotated[kind, info],
        default=param.default,
    )


for _name in COMMANDS:
    add_command(_name)
