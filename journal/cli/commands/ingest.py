"""`journal ingest` and `journal receive`: chat exports, logs and alerts as events."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journal.cli.options import Json, SessionOpt, open_journal

if TYPE_CHECKING:
    from journal.operations.ingest import Ingested
    from journal.store.sessions import Journal

commands = typer.Typer()

_FORMATS = "auto, slack, text, grafana, alertmanager, pagerduty, opsgenie, sentry"


@commands.command("ingest")
def ingest(
    source: Annotated[
        str,
        typer.Argument(
            help="A Slack export (folder or .zip), a chat or admin log, a JSON alert "
            "payload file; - reads standard input."
        ),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {_FORMATS}.")
    ] = "auto",
    since: Annotated[
        str | None, typer.Option("--since", help="Skip events before this time.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Skip events after this time.")
    ] = None,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="Slack: read only this channel (repeatable)."),
    ] = None,
    keep_all: Annotated[
        bool, typer.Option("--all", help="Slack: keep joins, leaves and bot posts.")
    ] = False,
    star_reaction: Annotated[
        str,
        typer.Option(
            "--star-reaction", help="Slack: a reaction (:pushpin:) marking key moments."
        ),
    ] = "",
    day: Annotated[
        str | None,
        typer.Option("--date", help="Text logs: the day of lines that give none."),
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", help="Text logs: the zone of their times (default: config)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be added; write nothing.")
    ] = False,
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help="Keep secrets in the text as written.")
    ] = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add a chat export, a text log or alert payloads to the timeline (new only)."""
    from journal.cli.output import emit, seen_lines
    from journal.operations.ingest import Request
    from journal.operations.ingest import ingest as run

    request = Request(
        session=session,
        fmt=fmt,
        since=since,
        until=until,
        channels=tuple(channel or ()),
        dry_run=dry_run,
        redact=not no_redact,
        keep_all=keep_all,
        star_reaction=star_reaction,
        day=day,
        tz=tz,
    )
    journal = open_journal()
    result = run(journal, source, request, stdin=sys.stdin)
    verb = "would add" if dry_run else "added"
    human = (
        f"{verb} {result.added} event(s) → {result.session_id}"
        f" ({result.duplicates} already there"
        + (f", {result.outside} outside --since/--until" if result.outside else "")
        + (f", {result.redacted} with secrets redacted" if result.redacted else "")
        + ")"
    )
    seen = [] if dry_run else _seen(journal, result)
    if seen:
        human += f"\n{seen_lines(seen)}"
    data = {
        "session": result.session_id,
        "read": result.read,
        "added": result.added,
        "duplicates": result.duplicates,
        "outside": result.outside,
        "redacted": result.redacted,
        "dry_run": dry_run,
        "events": list(result.events) if dry_run else [],
        "seen_before": [m.as_dict() for m in seen],
    }
    emit(data, human, as_json=as_json)


def _seen(journal: Journal, result: Ingested) -> list[Any]:
    """Past sessions with the errors just ingested (an alert firing, a detected
    line): the "seen before" of `log`, once for the whole source."""
    from journal.insight.seen import seen_before_any

    if not result.errors:
        return []
    return seen_before_any(journal.state_dir, result.session_id, result.errors)


@commands.command("receive")
def receive(
    token_env: Annotated[
        str,
        typer.Option(
            "--token-env",
            help="The environment variable holding the token senders must give.",
        ),
    ] = "JOURNAL_RECEIVE_TOKEN",
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (default: localhost only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 9095,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest body accepted, in bytes.")
    ] = 1_000_000,
    open_on: Annotated[
        list[str] | None,
        typer.Option(
            "--open-on",
            help="Open a new session for a firing alert of this severity (repeatable).",
        ),
    ] = None,
    no_redact: Annotated[
        bool, typer.Option("--no-redact", help="Keep secrets in the text as sent.")
    ] = False,
    session: SessionOpt = None,
) -> None:
    """Receive alert webhooks over HTTP and append them (answers after the fsync)."""
    import os

    from journal.errors import UsageError
    from journal.operations.receive import Settings, serve

    token = os.environ.get(token_env, "")
    if len(token) < 16:
        raise UsageError(
            f"${token_env} must hold a token of 16 characters or more",
            f"export {token_env}=$(openssl rand -hex 24)",
        )
    settings = Settings(
        token=token,
        host=host,
        port=port,
        max_body=max_body,
        open_on=tuple(open_on or ()),
        redact=not no_redact,
        session=session,
    )
    serve(open_journal(), settings, ready=_ready)


def _ready(address: str) -> None:
    print(f"receiving on http://{address}/ (Ctrl-C to stop)", flush=True)
