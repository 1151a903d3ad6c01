"""`journal ingest` and `journal receive`: chat exports, logs and alerts as events."""

from __future__ import annotations

import sys
from typing import Any

import typer

from journal.cli.commands.tabled import Values, command
from journal.cli.options import open_journal
from journal.cli.output import emit, seen_lines
from journal.cli.table import FLAG, INT, JSON, SESSION, Param, option

commands = typer.Typer()

_FORMATS = "auto, slack, text, grafana, alertmanager, pagerduty, opsgenie, sentry"


@command(
    commands,
    "ingest",
    "Add a chat export, a text log or alert payloads to the timeline (new only).",
    Param(
        dest="source",
        required=True,
        help="A Slack export (folder or .zip), a chat or admin log, a JSON alert "
        "payload file; - reads standard input.",
    ),
    option("--format -f", f"One of: {_FORMATS}.", dest="fmt", default="auto"),
    option("--since", "Skip events before this time."),
    option("--until", "Skip events after this time."),
    option("--channel", "Slack: read only this channel (repeatable).", many=True),
    option(
        "--all", "Slack: keep joins, leaves and bot posts.", dest="keep_all", kind=FLAG
    ),
    option(
        "--star-reaction",
        "Slack: a reaction (:pushpin:) marking key moments.",
        default="",
    ),
    option("--date", "Text logs: the day of lines that give none.", dest="day"),
    option("--tz", "Text logs: the zone of their times (default: config)."),
    option("--dry-run", "Say what would be added; write nothing.", kind=FLAG),
    option("--no-redact", "Keep secrets in the text as written.", kind=FLAG),
    SESSION,
    JSON,
)
def ingest(v: Values) -> None:
    from journal.operations.ingest import Request
    from journal.operations.ingest import ingest as run

    # The options are the request's fields by name, but for these two.
    named = set(Request.field_names()) - {"channels", "redact"}
    channels, redact = tuple(v["channel"]), not v["no_redact"]
    request = Request(channels=channels, redact=redact, **{k: v[k] for k in named})
    dry_run = v["dry_run"]
    journal = open_journal()
    result = run(journal, v["source"], request, stdin=sys.stdin)
    verb = "would add" if dry_run else "added"
    human = (
        f"{verb} {result.added} event(s) → {result.session_id}"
        f" ({result.duplicates} already there"
        + (f", {result.outside} outside --since/--until" if result.outside else "")
        + (f", {result.redacted} with secrets redacted" if result.redacted else "")
        + ")"
    )
    seen: list[Any] = []
    if result.errors and not dry_run:
        # The errors just ingested (an alert firing, a detected line) looked up as
        # `log` does, once for the whole source.
        from journal.insight.seen import seen_before_any

        seen = seen_before_any(journal.state_dir, result.session_id, result.errors)
    if seen:
        human += f"\n{seen_lines(seen)}"
    counts = ("read", "added", "duplicates", "outside", "redacted")
    data = {
        "session": result.session_id,
        **{key: getattr(result, key) for key in counts},
        "dry_run": dry_run,
        "events": list(result.events) if dry_run else [],
        "seen_before": [m.as_dict() for m in seen],
    }
    emit(data, human, as_json=v["as_json"])


@command(
    commands,
    "receive",
    "Receive alert webhooks over HTTP and append them (answers after the fsync).",
    option(
        "--token-env",
        "The environment variable holding the token senders must give.",
        default="JOURNAL_RECEIVE_TOKEN",
    ),
    option("--host", "Address to bind (default: localhost only).", default="127.0.0.1"),
    option("--port", "Port to listen on.", kind=INT, default=9095),
    option(
        "--max-body", "Largest body accepted, in bytes.", kind=INT, default=1_000_000
    ),
    option(
        "--open-on",
        "Open a new session for a firing alert of this severity (repeatable).",
        many=True,
    ),
    option("--no-redact", "Keep secrets in the text as sent.", kind=FLAG),
    SESSION,
)
def receive(v: Values) -> None:
    import os

    from journal.errors import UsageError
    from journal.operations.receive import Settings, serve

    token_env = v["token_env"]
    token = os.environ.get(token_env, "")
    if len(token) < 16:
        raise UsageError(
            f"${token_env} must hold a token of 16 characters or more",
            f"export {token_env}=$(openssl rand -hex 24)",
        )
    open_on, redact = tuple(v["open_on"]), not v["no_redact"]
    rest = {k: v[k] for k in ("host", "port", "max_body", "session")}
    settings = Settings(token=token, open_on=open_on, redact=redact, **rest)
    serve(open_journal(), settings, ready=_ready)


def _ready(address: str) -> None:
    print(f"receiving on http://{address}/ (Ctrl-C to stop)", flush=True)
