"""Commands that add to or tick the lists of a session: option, criterion, step
(and carry it to a later session), lesson, validate."""

from __future__ import annotations

from typing import Any

import typer

from journal.cli.commands.tabled import Values, command
from journal.cli.options import open_journal
from journal.cli.output import emit, redaction_note
from journal.cli.table import FLAG, INT, JSON, NO_REDACT, SESSION, Param, option

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

NUMBER = Param(
    dest="number",
    kind=INT,
    min=1,
    required=True,
    help="Item number, as listed (from 1).",
)
EDIT = (NO_REDACT, SESSION, JSON)


def words(dest: str, help: str) -> Param:
    """A required argument of one or more words (joined by the handler)."""
    return Param(dest=dest, many=True, required=True, help=help)


def _add(values: Values, key: str, label: str, item: dict[str, Any]) -> None:
    from journal.operations.session_edits import add_item

    redact = not values["no_redact"]
    changed = add_item(open_journal(), values["session"], key, item, redact=redact)
    number = changed.number
    _said(changed, "number", number, f"added {label} {number} to", values["as_json"])


def _update(values: Values, key: str, changes: dict[str, Any], label: str) -> None:
    from journal.operations.session_edits import update_item

    number, redact = values["number"], not values.get("no_redact")
    session = values["session"]
    changed = update_item(open_journal(), session, key, number, changes, redact=redact)
    _said(changed, "number", number, f"{label} {number} in", values["as_json"])


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


@command(
    option_app,
    "add",
    "Add an option under consideration.",
    words("title", "The option."),
    option("--pro", "Repeatable.", many=True),
    option("--con", "Repeatable.", many=True),
    *EDIT,
)
def option_add(v: Values) -> None:
    title = " ".join(v["title"])
    _add(v, "options", "option", {"title": title, "pros": v["pro"], "cons": v["con"]})


@command(
    option_app,
    "choose",
    "Choose option N (a previously chosen one becomes rejected).",
    NUMBER,
    option("--why", "Why this one."),
    *EDIT,
)
def option_choose(v: Values) -> None:
    from journal.operations.session_edits import choose_option

    number, redact = v["number"], not v["no_redact"]
    changed = choose_option(
        open_journal(), v["session"], number, v["why"], redact=redact
    )
    _said(changed, "chosen", number, f"chose option {number} in", v["as_json"])


def _decision(values: Values, decision: str) -> None:
    # Without --why an earlier reason stays: None would remove it.
    why = {"why": values["why"]} if values["why"] else {}
    _update(values, "options", {"decision": decision, **why}, f"{decision} option")


@command(
    option_app,
    "reject",
    "Reject option N.",
    NUMBER,
    option("--why", "Why not."),
    *EDIT,
)
def option_reject(v: Values) -> None:
    _decision(v, "rejected")


@command(
    option_app,
    "defer",
    "Defer option N.",
    NUMBER,
    option("--why", "Why later."),
    *EDIT,
)
def option_defer(v: Values) -> None:
    _decision(v, "deferred")


@command(
    criterion_app,
    "add",
    "Add a success criterion.",
    words("text", "What must be true."),
    option("--group", "Group heading."),
    option("--validation", "Title of the validation step that proves it."),
    *EDIT,
)
def criterion_add(v: Values) -> None:
    text, group, validation = " ".join(v["text"]), v["group"], v["validation"]
    item = {"text": text, "done": False, "group": group, "validation": validation}
    _add(v, "success_criteria", "criterion", item)


@command(
    criterion_app,
    "done",
    "Mark criterion N as met.",
    NUMBER,
    option("--undo", "Mark as not met.", kind=FLAG),
    SESSION,
    JSON,
)
def criterion_done(v: Values) -> None:
    label = "unticked criterion" if v["undo"] else "ticked criterion"
    _update(v, "success_criteria", {"done": not v["undo"]}, label)


@command(
    step_app,
    "add",
    "Add a next step.",
    words("text", "What to do."),
    option("--horizon", "immediate, short or long.", default="short"),
    option("--owner", "Who."),
    option("--due", "YYYY-MM-DD."),
    option("--tracked-in", "Issue URL."),
    *EDIT,
)
def step_add(v: Values) -> None:
    from journal.errors import UsageError
    from journal.store.yamledit import coerce_value

    horizon, due = v["horizon"], v["due"]
    if horizon not in ("immediate", "short", "long"):
        raise UsageError(f"unknown horizon {horizon!r}", "use immediate, short or long")
    item = {"text": " ".join(v["text"]), "horizon": horizon, "owner": v["owner"]}
    item["due"] = coerce_value(due, "date", tz=None) if due else None
    _add(v, "next_steps", "step", item | {"tracked_in": v["tracked_in"], "done": False})


@command(
    step_app,
    "done",
    "Mark next step N (or SESSION:N) as done; a carried step where it now lives.",
    Param(
        dest="step",
        required=True,
        help="N (of --session), or SESSION:N from any session.",
    ),
    option("--undo", "Reopen it.", kind=FLAG),
    SESSION,
    JSON,
)
def step_done(v: Values) -> None:
    from journal.operations.session_edits import complete

    undo = v["undo"]
    named, changed = complete(
        open_journal(), v["step"], session=v["session"], undo=undo
    )
    via = f" (carried from {named})" if changed != named else ""
    emit(
        {"step": named, "changed": changed, "done": not undo},
        f"{'reopened' if undo else 'completed'} step {changed}{via}",
        as_json=v["as_json"],
    )


@command(
    lesson_app,
    "add",
    "Add a lesson learned.",
    words("title", "The lesson."),
    option("--detail", "What happened."),
    option("--prevention", "How to prevent it."),
    option("--kind", "went-well, went-wrong or lucky."),
    *EDIT,
)
def lesson_add(v: Values) -> None:
    item = {"title": " ".join(v["title"]), "kind": v["kind"], "detail": v["detail"]}
    _add(v, "lessons", "lesson", item | {"prevention": v["prevention"]})


@command(
    validate_app,
    "add",
    "Add a validation step (run later by `journal verify`).",
    words("title", "What the step checks."),
    option("--command", "The shell command to run."),
    *EDIT,
)
def validate_add(v: Values) -> None:
    item = {"title": " ".join(v["title"]), "command": v["command"]}
    _add(v, "validation", "validation step", item)


@command(
    step_app,
    "carry",
    "Carry an open step forward to a later session, keeping where it came from.",
    Param(dest="step", required=True, help="The step: N (of --session) or SESSION:N."),
    option("--to", "The later session (default: active)."),
    SESSION,
    JSON,
)
def step_carry(v: Values) -> None:
    from journal.operations.session_edits import carry

    source, target = carry(open_journal(), v["step"], to=v["to"], session=v["session"])
    emit(
        {"from": source, "to": target},
        f"carried step {source} → {target}",
        as_json=v["as_json"],
    )
