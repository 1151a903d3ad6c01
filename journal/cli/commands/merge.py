"""`journal merge install|uninstall|status` (the session.yaml merge driver) and
`journal resolve` (finishing a merge that stopped on a session)."""

from __future__ import annotations

from typing import Annotated

import typer

from journal.cli.options import Json, open_journal
from journal.cli.output import emit

commands = typer.Typer()
merge_app = typer.Typer(
    help="The merge driver that merges session.yaml field by field.",
    no_args_is_help=True,
)
commands.add_typer(merge_app, name="merge")


@merge_app.command("install")
def merge_install(as_json: Json = False) -> None:
    """Register the merge driver in this repository's git config (hook install does
    this too); `journal init` marks session.yaml `merge=journal` in .gitattributes."""
    from journal.gitlink.mergedriver import register

    outcome = register(open_journal().root)
    emit(
        {"merge_driver": outcome},
        f"merge driver for session.yaml: {outcome}",
        as_json=as_json,
    )


@merge_app.command("uninstall")
def merge_uninstall(as_json: Json = False) -> None:
    """Remove the merge driver from this repository's git config."""
    from journal.gitlink.mergedriver import unregister

    removed = unregister(open_journal().root)
    text = "merge driver removed" if removed else "merge driver was not registered"
    emit({"removed": removed}, text, as_json=as_json)


@merge_app.command("status")
def merge_status(as_json: Json = False) -> None:
    """Say whether the driver is registered, current, and named in .gitattributes."""
    from journal.gitlink.mergedriver import attribute_set, state

    journal = open_journal()
    found = state(journal.root)
    marked = attribute_set(journal.root, journal.config.sessions_dir)
    if found.command is None:
        word = "not registered (run `journal merge install`)"
    elif found.current:
        word = "registered"
    else:
        word = "registered for another Python (run `journal merge install`)"
    lines = [f"merge driver: {word}"]
    lines.append(
        "session.yaml is marked merge=journal in .gitattributes"
        if marked
        else "session.yaml is not marked merge=journal (run `journal init` again)"
    )
    emit(
        {
            "registered": found.command is not None,
            "current": found.current,
            "command": found.command,
            "attribute": marked,
        },
        "\n".join(lines),
        as_json=as_json,
    )


@commands.command("resolve")
def resolve(
    ref: Annotated[
        str | None,
        typer.Argument(help="Session (default: every session with a conflict)."),
    ] = None,
    ours: Annotated[
        list[str] | None,
        typer.Option("--ours", help="Keep our side of this field (repeatable)."),
    ] = None,
    theirs: Annotated[
        list[str] | None,
        typer.Option("--theirs", help="Take their side of this field (repeatable)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Finish a merge that stopped on a session: merge session.yaml field by field
    again, settle the fields named, keep both sides' events, and `git add` them."""
    from journal.operations.resolve import resolve as settle

    journal = open_journal()
    plans = settle(journal, ref, ours=ours or [], theirs=theirs or [])
    lines = []
    for plan in plans:
        chosen = f" ({', '.join(plan.settled)})" if plan.settled else ""
        lines.append(f"resolved {journal.display(plan.path)}{chosen}")
    emit(
        {"resolved": [{"path": str(p.path), "settled": p.settled} for p in plans]},
        "\n".join(lines) + "\nstaged; commit to finish the merge",
        as_json=as_json,
    )
