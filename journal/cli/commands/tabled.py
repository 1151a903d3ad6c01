"""Typer commands made from declarations (`cli/table.py`'s `Param` and `Command`):
each parameter becomes a typer option or argument (names, type, default, help), and
the command calls one handler with the values by `dest`. The table's commands call
the same handler the fast path calls (`cli/handlers.py`); other command modules
declare theirs with `command`. Nothing is declared here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from journal.cli.handlers import HANDLERS
from journal.cli.table import COMMANDS, FLAG, INT, PATH, SWITCH, Command, Param

Values = dict[str, Any]
Handler = Callable[[Values], "int | None"]

commands = typer.Typer()


def register(
    app: typer.Typer, spec: Command, handler: Handler, **settings: Any
) -> None:
    """Register `spec` on `app` as a typer command that calls `handler` (`settings`:
    more of `typer.Typer.command`'s arguments)."""

    def run(**values: Any) -> None:
        for param in spec.params:
            if param.many:  # click gives a tuple, or None when none was given
                values[param.dest] = list(values[param.dest] or [])
        code = handler(values)
        if code:
            raise typer.Exit(code)

    run.__name__ = spec.name
    run.__doc__ = spec.help
    run.__annotations__ = {}
    run.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_parameter(param) for param in spec.params]
    )
    app.command(spec.name, **settings)(run)


def command(
    app: typer.Typer, name: str, help: str, *params: Param, **settings: Any
) -> Callable[[Handler], Handler]:
    """A decorator: the handler below runs the command `name` of `app`."""

    def decorate(handler: Handler) -> Handler:
        spec = Command(name=name, help=help, params=params)
        register(app, spec, handler, **settings)
        return handler

    return decorate


def _parameter(param: Param) -> inspect.Parameter:
    """`dest: Annotated[type, typer.Option(...)] = default` for one parameter."""
    kind: Any = {FLAG: bool, SWITCH: bool | None, PATH: Path | None, INT: int}.get(
        param.kind, str | None
    )
    one: Any = {INT: int, PATH: Path}.get(param.kind, str)
    if param.many:
        kind = list[one] | None
    if param.required:  # no default, and None is no value
        kind = list[one] if param.many else one
    if param.names:
        names = list(param.names)
        if param.off:
            names[0] += "/" + "/".join(param.off)
        info: Any = typer.Option(
            *names, help=param.help, show_default=param.show_default, min=param.min
        )
    else:
        info = typer.Argument(
            help=param.help, show_default=param.show_default, min=param.min
        )
    return inspect.Parameter(
        param.dest,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        annotation=Annotated[kind, info],
        default=inspect.Parameter.empty if param.required else param.default,
    )


for _name in COMMANDS:
    register(commands, COMMANDS[_name], HANDLERS[_name])
