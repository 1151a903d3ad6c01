"""Option declarations shared by many commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from journal.store.sessions import Journal

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
NoRedact = Annotated[
    bool,
    typer.Option(
        "--no-redact",
        help="Keep secrets (tokens, keys, passwords in URLs) as given; by default "
        "they are replaced by [REDACTED:kind] before anything is written.",
    ),
]
SessionOpt = Annotated[
    str | None,
    typer.Option(
        "--session", "-S", help="Session id, unique prefix or number (default: active)."
    ),
]


def open_journal() -> Journal:
    """The journal of the working folder (`Journal.open`), imported when a command
    runs rather than when typer lists the commands."""
    from journal.store.sessions import Journal

    return Journal.open()
