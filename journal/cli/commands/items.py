"""Commands that add to or tick the lists of a session: option, criterion, step,
lesson, validate."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from journal.cli.options import Json, NoRedact, SessionOpt
from journal.cli.output import emit, redaction_note

commands = typer.Typer()

option_app = typer.Typer(
    help="Options weighed, and the one chosen.", no_args_is_help=True
)
criterion_app = typer.Typer(help="Success criteria.", no_args_is_help=True)
step_app = typer.Typer(help="Next steps (follow-ups).", no_args_is_help=True)
lesson_app = typer.Typer(help="Lessons learned.", no_args_is_help=True)
validate_app = typer.Typer(help="The validation plan.", no_args_is_help=True)
commands.add_typer(option_app, name="option")
commands.add_typer(criterion_app, name="criterion")
commands.add_typer(step_app, name="step")
commands.add_typer(lesson_app, name="lesson")
commands.add_typer(validate_app, name="validate")

Number = Annotated[int, typer.Argument(help="Item number, as listed (from 1).", min=1)]


def _add(
    session: str | None,
    key: str,
    item: dict[str, Any],
    label: str,
    as_json: bool,
    no_redact: bool,
) -> None:
    from journal.operations.session_edits import add_item
    from journal.store.sessions import Journal

    changed = add_item(Journal.open(), session, key, item, redact=not no_redact)
    _said(
        changed, "number", changed.number, f"added {label} {changed.number} to", as_json
    )


def _update(
    session: str | None,
    key: str,
    number: int,
    changes: dict[str, Any],
    label: str,
    as_json: bool,
    no_redact: bool = False,
) -> None:
    from journal.operations.session_edits import update_item
    from journal.store.sessions import Journal

    changed = update_item(
        Journal.open(), session, key, number, changes, redact=not no_redact
    )
    _said(changed, "number", number, f"{label} {number} in", as_json)


def _said(changed: Any, key: str, number: int | None, done: str, as_json: bool) -> None:
    """`<done> <session>` and the redaction note, or its JSON (`key`: `number`)."""
    emit(
        {
            "session": changed.session_id,
            key: number,
            "redacted": list(changed.redacted),
        },
        f"{done} {changed.session_id}" + redaction_note(changed.redacted),
        as_json=as_json,
    )


@option_app.command("add")
def option_add(
    title: Annotated[list[str], typer.Argument(help="The option.")],
    pro: Annotated[list[str] | None, typer.Option("--pro", help="Repeatable.")] = None,
    con: Annotated[list[str] | None, typer.Option("--con", help="Repeatable.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add an option under consideration."""
    _add(
        session,
        "options",
        {"title": " ".join(title), "pros": pro or [], "cons": con or []},
        "option",
        as_json,
        no_redact,
    )


@option_app.command("choose")
def option_choose(
    number: Number,
    why: Annotated[str | None, typer.Option(help="Why this one.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Choose option N (a previously chosen one becomes rejected)."""
    from journal.operations.session_edits import choose_option
    from journal.store.sessions import Journal

    changed = choose_option(Journal.open(), session, number, why, redact=not no_redact)
    _said(changed, "chosen", number, f"chose option {number} in", as_json)


def _decision(decision: str, why: str | None) -> dict[str, Any]:
    # Without --why an earlier reason stays: None would remove it.
    return {"decision": decision, **({"why": why} if why else {})}


@option_app.command("reject")
def option_reject(
    number: Number,
    why: Annotated[str | None, typer.Option(help="Why not.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Reject option N."""
    _update(
        session,
        "options",
        number,
        _decision("rejected", why),
        "rejected option",
        as_json,
        no_redact,
    )


@option_app.command("defer")
def option_defer(
    number: Number,
    why: Annotated[str | None, typer.Option(help="Why later.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Defer option N."""
    _update(
        session,
        "options",
        number,
        _decision("deferred", why),
        "deferred option",
        as_json,
        no_redact,
    )


@criterion_app.command("add")
def criterion_add(
    text: Annotated[list[str], typer.Argument(help="What must be true.")],
    group: Annotated[str | None, typer.Option(help="Group heading.")] = None,
    validation: Annotated[
        str | None, typer.Option(help="Title of the validation step that proves it.")
    ] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add a success criterion."""
    _add(
        session,
        "success_criteria",
        {
            "text": " ".join(text),
            "done": False,
            "group": group,
            "validation": validation,
        },
        "criterion",
        as_json,
        no_redact,
    )


@criterion_app.command("done")
def criterion_done(
    number: Number,
    undo: Annotated[bool, typer.Option("--undo", help="Mark as not met.")] = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Mark criterion N as met."""
    _update(
        session,
        "success_criteria",
        number,
        {"done": not undo},
        "unticked criterion" if undo else "ticked criterion",
        as_json,
    )


@step_app.command("add")
def step_add(
    text: Annotated[list[str], typer.Argument(help="What to do.")],
    horizon: Annotated[str, typer.Option(help="immediate, short or long.")] = "short",
    owner: Annotated[str | None, typer.Option(help="Who.")] = None,
    due: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    tracked_in: Annotated[str | None, typer.Option(help="Issue URL.")] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add a next step."""
    from journal.errors import UsageError
    from journal.store.yamledit import coerce_value

    if horizon not in ("immediate", "short", "long"):
        raise UsageError(f"unknown horizon {horizon!r}", "use immediate, short or long")
    due_value = coerce_value(due, "date", tz=None) if due else None
    _add(
        session,
        "next_steps",
        {
            "text": " ".join(text),
            "horizon": horizon,
            "owner": owner,
            "due": due_value,
            "tracked_in": tracked_in,
            "done": False,
        },
        "step",
        as_json,
        no_redact,
    )


@step_app.command("done")
def step_done(
    step: Annotated[
        str, typer.Argument(help="N (of --session), or SESSION:N from any session.")
    ],
    undo: Annotated[bool, typer.Option("--undo", help="Reopen it.")] = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Mark next step N (or SESSION:N) as done; a carried step where it now lives."""
    from journal.operations.followup_steps import complete
    from journal.store.sessions import Journal

    named, changed = complete(Journal.open(), step, session=session, undo=undo)
    via = f" (carried from {named})" if changed != named else ""
    emit(
        {"step": named, "changed": changed, "done": not undo},
        f"{'reopened' if undo else 'completed'} step {changed}{via}",
        as_json=as_json,
    )


@lesson_app.command("add")
def lesson_add(
    title: Annotated[list[str], typer.Argument(help="The lesson.")],
    detail: Annotated[str | None, typer.Option(help="What happened.")] = None,
    prevention: Annotated[str | None, typer.Option(help="How to prevent it.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="went-well, went-wrong or lucky.")
    ] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add a lesson learned."""
    _add(
        session,
        "lessons",
        {
            "title": " ".join(title),
            "kind": kind,
            "detail": detail,
            "prevention": prevention,
        },
        "lesson",
        as_json,
        no_redact,
    )


@validate_app.command("add")
def validate_add(
    title: Annotated[list[str], typer.Argument(help="What the step checks.")],
    command: Annotated[
        str | None, typer.Option(help="The shell command to run.")
    ] = None,
    no_redact: NoRedact = False,
    session: SessionOpt = None,
    as_json: Json = False,
) -> None:
    """Add a validation step (run later by `journal verify`)."""
    _add(
        session,
        "validation",
        {"title": " ".join(title), "command": command},
        "validation step",
        as_json,
        no_redact,
    )
