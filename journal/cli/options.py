"""Option declarations shared by many commands."""

from __future__ import annotations

from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SessionOpt = Annotated[
    str | None,
    typer.Option(
        "--session", "-S", help="Session id, unique prefix or number (default: active)."
    ),
]
