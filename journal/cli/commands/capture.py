"""`journal log`: the full-CLI twin of the fast path (help, odd arguments)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from journal.cli.fastlog import describe
from journal.cli.fastlog import seen_before_logged as seen_before
from journal.cli.options import Json, NoRedact, SessionOpt

commands = typer.Typer()


@commands.command("log")
def log(
    text: Annotated[
        list[str],
        typer.Argument(
            help="What happened (words are joined); - reads standard input."
        ),
    ],
    kind: Annotated[
        str, typer.Option("--kind", "-k", help="Event kind, e.g. detected.")
    ] = "note",
    at: Annotated[
        str | None, typer.Option("--at", "-a", help="When: HH:MM, -5m, or ISO 8601.")
    ] = None,
    star: Annotated[
        bool, typer.Option("--star", "-s", help="Mark as a key moment.")
    ] = False,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "--attach", help="Copy a file into evidence/; - takes standard input."
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who did it.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add an event to the session's timeline (appends one line; never rewrites)."""
    from journal.cli.stdin import log_inputs
    from journal.operations.log import log_event
    from journal.store.sessions import Journal

    journal = Journal.open()
    with log_inputs(text, attach or []) as (words, files):
        logged = log_event(
            journal,
            words,
            session=session,
            kind=kind,
            at=at,
            star=star,
            attach=files,
            by=by,
            redact=not no_redact,
        )
    # "Seen before" as on the fast path: this twin runs for --help-free odd
    # arguments (an --attach, text from standard input), which log errors too.
    seen = seen_before(journal, logged.session_id, logged.event)
    if as_json:
        payload = {
            "session": logged.session_id,
            "event": logged.event,
            "redacted": list(logged.redacted),
        }
        if seen is not None:
            payload["seen_before"] = [m.as_dict() for m in seen]
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(describe(logged.session_id, logged.event, logged.redacted))
        if seen:
            print(seen[0].line(len(seen) - 1))
