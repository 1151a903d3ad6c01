"""Commands about whole sessions: init, new, use, list, set, edit, close, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journal.cli.commands.tabled import Values, command
from journal.cli.options import Json, NoRedact, SessionArg, SessionOpt, open_journal
from journal.cli.output import emit, redaction_note
from journal.cli.table import FLAG, JSON, NO_REDACT, Param, option

if TYPE_CHECKING:
    from journal.store.sessions import Journal

commands = typer.Typer()


@commands.command("init")
def init(
    path: Annotated[Path, typer.Argument(help="Folder of the journal.")] = Path(),
    sessions_dir: Annotated[
        str, typer.Option(help="Name of the sessions folder.")
    ] = "sessions",
    org: Annotated[
        list[Path] | None,
        typer.Option(
            "--org",
            help="Repeatable: a folder for one site of several journals, whose "
            "journal.yaml names these journals (site.journals) and nothing else.",
            show_default=False,
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Start a journal: journal.yaml, sessions/, the JSON Schema, git attributes."""
    from journal.operations.scaffold import init_journal, init_org

    if org:
        result = init_org(path.resolve(), org)
    else:
        result = init_journal(path.resolve(), sessions_dir=sessions_dir)
    lines = [f"journal in {result.root}"]
    lines += [f"  created {name}" for name in result.created]
    lines += [f"  kept    {name}" for name in result.kept]
    emit(
        {"root": str(result.root), "created": result.created, "kept": result.kept},
        "\n".join(lines),
        as_json=as_json,
    )


@command(
    commands,
    "new",
    """Create a session folder and make it the active session; --detected and
--impact back-fill those events when you open it after the fact.""",
    Param(dest="title", many=True, required=True, help="Title (words are joined)."),
    option("--severity", "e.g. critical, high."),
    option("--tag -t", "Repeatable.", dest="tags", many=True),
    option("--previous", "The session this follows."),
    option("--number", "Display number, or `next`."),
    option("--at", "Start time (default: now)."),
    option("--status", "Initial status."),
    option("--no-activate", "", kind=FLAG),
    option("--detected", "Log a `detected` event at this time (e.g. -20m, 14:05)."),
    option("--impact", "Log an `impact` event: when impact began (e.g. 14:05)."),
    NO_REDACT,
    JSON,
)
def new(v: Values) -> None:
    from journal.operations.session_edits import create_session

    journal = open_journal()
    severity, allowed = v["severity"], journal.config.severities
    if severity is not None and severity not in allowed:
        from journal.errors import UsageError

        hint = "use one of: " + ", ".join(allowed)
        raise UsageError(f"unknown severity {severity!r}", hint)
    found: list[str] = []
    activate, redact = not v["no_activate"], not v["no_redact"]
    # These options are create_session's arguments of the same names.
    named = ("severity", "tags", "previous", "number", "at", "status", "detected")
    kwargs = {k: v[k] for k in (*named, "impact")}
    title = " ".join(v["title"])
    session_id = create_session(
        journal, title, activate=activate, redact=redact, redacted=found, **kwargs
    )
    # Bring an existing signature index up to date (cheap: stat-keyed, and what
    # reports and the site left behind is written here); building one from nothing
    # is left to `close`, `import` and `related`.
    from journal.insight.seen import SEEN_NAME

    if (journal.state_dir / SEEN_NAME).is_file():
        from journal.insight.sigindex import refresh_quietly

        refresh_quietly(journal)
    folder = journal.sessions_dir / session_id
    active = " (now active)" if activate else ""
    emit(
        {"session": session_id, "path": str(folder), "redacted": found},
        f"created {session_id}{active}{redaction_note(found)}",
        as_json=v["as_json"],
    )


@commands.command("use")
def use(
    ref: Annotated[
        str | None, typer.Argument(help="Session id, prefix or number.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="No active session.")] = False,
    as_json: Json = False,
) -> None:
    """Make a session the active one (the one `log` and the git hook write to)."""
    from journal.errors import UsageError

    journal = open_journal()
    if clear:
        journal.set_active(None)
        emit({"active": None}, "no active session", as_json=as_json)
        return
    if ref is None:
        raise UsageError("which session?", "give an id, prefix or number, or --clear")
    session_id = journal.resolve(ref)
    journal.load(session_id)
    journal.set_active(session_id)
    emit({"active": session_id}, f"active session: {session_id}", as_json=as_json)


@commands.command("set")
def set_(
    path: Annotated[
        str, typer.Argument(help="Dotted field path, e.g. root_cause.summary.")
    ],
    value: Annotated[
        str,
        typer.Argument(
            help="The value; `null` clears an optional field; - reads standard input."
        ),
    ],
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Set one field of session.yaml, keeping comments, order and quoting."""
    from journal.operations.session_edits import set_field

    if value == "-":
        from journal.cli.stdin import read_text

        # A trailing newline from `echo` or a file is not part of the value.
        value = read_text(path).removesuffix("\n")
    journal = open_journal()
    changed = set_field(journal, session, path, value, redact=not no_redact)
    found = changed.redacted
    note = redaction_note(found)
    seen = _seen_after_set(journal, changed.session_id, path)
    data = {"session": changed.session_id, "set": path, "redacted": list(found)}
    human = f"set {path} in {changed.session_id}{note}"
    if seen is not None:
        data["seen_before"] = [m.as_dict() for m in seen]
        human += "".join(f"\n{m.line(len(seen) - 1)}" for m in seen[:1])
    emit(data, human, as_json=as_json)


def _seen_after_set(journal: Journal, session_id: str, path: str) -> list[Any] | None:
    """After `set root_cause.*`: past sessions with its root-cause file or error;
    after `set detection.*`, with the error it was detected by."""
    if not path.startswith(("detection", "root_cause")):
        return None
    from journal.insight.seen import seen_before, seen_before_any

    if path.startswith("detection"):
        detection = journal.load(session_id).detection
        if detection is None:
            return []
        texts = [detection.summary or "", *(s.code for s in detection.snippets)]
        lines = [line for text in texts for line in text.splitlines() if line.strip()]
        return seen_before_any(journal.state_dir, session_id, lines[:50])
    root = journal.load(session_id).root_cause
    if root is None:
        return []
    return seen_before(
        journal.state_dir,
        session_id,
        text=root.summary or "",
        location=root.location or "",
    )


@commands.command("close")
def close(
    status: Annotated[
        str | None, typer.Option(help="Final status (default: resolved).")
    ] = None,
    at: Annotated[str | None, typer.Option(help="End time (default: now).")] = None,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Close a session: set its final status and end time."""
    from journal.insight.sigindex import refresh_quietly
    from journal.operations.session_edits import close_session

    journal = open_journal()
    changed = close_session(journal, session, status=status, at=at)
    refresh_quietly(journal)  # what "seen before" will know in the next incident
    linked = (
        f" (its {changed.linked} commit(s) written into timeline.yaml: commit them)"
        if changed.linked
        else ""
    )
    emit(
        {"session": changed.session_id, "linked_commits": changed.linked},
        f"closed {changed.session_id}{linked}",
        as_json=as_json,
    )


@commands.command("edit")
def edit(
    ref: SessionArg = None,
    no_redact: NoRedact = False,
) -> None:
    """Open session.yaml in $EDITOR; it is saved only if it validates (secrets in
    what you added are redacted, and the line says so)."""
    from journal.operations.session_edits import edit_session

    result = edit_session(
        open_journal(), ref, confirm=_confirm_reopen, redact=not no_redact
    )
    print(result)


def _confirm_reopen(message: str) -> bool:
    import sys

    if not sys.stdin.isatty():
        return False  # nobody to ask: the error that follows says it once
    print(f"journal: {message}", file=sys.stderr)
    return typer.confirm("Reopen the editor to fix it?", default=True)


@commands.command("schema")
def schema() -> None:
    """Print the JSON Schema of session.yaml."""
    from journal.model.session import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
