"""Rules on `session.yaml`: unfinished merges (in the timeline too), schema, closing
status, options, criteria, next steps."""

from __future__ import annotations

from collections.abc import Iterator

from journal.errors import JournalError, MergeConflictError
from journal.insight.lint.facts import Issue, JournalFacts, SessionFacts, rule


@rule("merge-conflict", "error", "no session file holds an unfinished merge")
def merge_conflict(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    from journal.gitlink.mergedriver import conflicting_fields
    from journal.store.yamlio import conflict_lines, read_text

    root = facts.journal.root
    session_id = facts.session_id
    for relative in (facts.session_file, facts.timeline_file):
        path = root / relative
        try:
            text = read_text(path)
        except (OSError, JournalError):  # unreadable: other rules report it
            continue
        opened = conflict_lines(text)
        if not opened:
            continue
        if relative == facts.timeline_file:
            yield Issue(
                f"timeline.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}` (keeps both sides' events)",
                opened[0],
                relative,
            )
            continue
        fields = conflicting_fields(root, path, text)
        if not fields:
            yield Issue(
                f"session.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}`, or edit the file",
                opened[0],
                relative,
            )
            continue
        for name in fields:
            yield Issue(
                f"{name}: changed on both sides",
                f"journal resolve {session_id} --ours {name}  (or --theirs {name})",
                _line_of(text, name, opened[0]),
                relative,
            )


@rule("schema", "error", "session.yaml parses and fits the schema")
def schema(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    error = facts.load_error
    if error is not None and not isinstance(error, MergeConflictError):
        hint = error.hint or "see `journal schema` for what each field holds"
        yield Issue(error.message, hint, facts.line_in(error.where))


@rule(
    "closed-criteria",
    "error",
    "a resolved or closed session has met all its success criteria",
)
def closed_criteria(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    session = facts.session
    if session is None or session.status not in facts.journal.config.closed_statuses:
        return
    unmet = [i for i, c in enumerate(session.success_criteria) if not c.done]
    if unmet:
        total = len(session.success_criteria)
        first = session.success_criteria[unmet[0]].text
        yield Issue(
            f"status is {session.status} but {len(unmet)} of {total} success "
            f"criteria are not met (first: {first!r})",
            f"tick them (`journal criterion done {unmet[0] + 1} -S {facts.session_id}`"
            f" or `journal verify {facts.session_id}`), or set the status back",
            facts.line_of("success_criteria", unmet[0]),
        )


@rule(
    "closed-no-resolved",
    "error",
    "a resolved or closed session has a `resolved` event",
)
def closed_no_resolved(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    session = facts.session
    config = facts.journal.config
    if (
        session is None
        or session.status not in config.closed_statuses
        or "resolved" not in config.event_kinds
    ):
        return
    if not any(e.kind == "resolved" for _, e in facts.events):
        yield Issue(
            f"status is {session.status} but the timeline has no `resolved` event",
            "log when it was resolved: journal log --kind resolved --at HH:MM "
            f'-S {facts.session_id} "…"',
            facts.line_of("status"),
        )


@rule("options-none-chosen", "warning", "options were weighed and one was chosen")
def options_none_chosen(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None or not session.options:
        return
    if not any(o.decision == "chosen" for o in session.options):
        yield Issue(
            f"{len(session.options)} option(s) weighed but none chosen",
            f"choose one with `journal option choose N -S {facts.session_id}`",
            facts.line_of("options"),
        )


@rule("options-many-chosen", "error", "at most one option is chosen")
def options_many_chosen(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None:
        return
    chosen = [i for i, o in enumerate(session.options) if o.decision == "chosen"]
    if len(chosen) > 1:
        numbers = ", ".join(str(i + 1) for i in chosen)
        yield Issue(
            f"{len(chosen)} options are chosen ({numbers}); one can be",
            f"keep one: `journal option choose N -S {facts.session_id}` rejects "
            "the others",
            facts.line_of("options", chosen[1], "decision"),
        )


@rule("step-overdue", "warning", "open next steps are not past their due date")
def step_overdue(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None:
        return
    for index, step in enumerate(session.next_steps):
        ref = f"{facts.session_id}:{index + 1}"
        if step.done or step.due is None or step.due >= journal.today:
            continue
        if ref in journal.carried:
            continue
        days = (journal.today - step.due).days
        yield Issue(
            f"next step {index + 1} was due {step.due.isoformat()} ({days} days ago): "
            f"{_short(step.text)}",
            f"finish it (`journal step done {ref}`), carry it to a later session "
            f"(`journal step carry {ref}`), or move its due date",
            facts.line_of("next_steps", index, "due"),
        )


@rule("carried-from", "error", "a carried step names the step it came from")
def carried_from(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None:
        return
    for index, step in enumerate(session.next_steps):
        if step.carried_from and journal.step_ref(step.carried_from) is None:
            yield Issue(
                f"next step {index + 1} is carried from {step.carried_from!r}, "
                "which names no step",
                "write SESSION:N, the folder name of the session it came from and "
                "the step's number there (as `journal todo` shows it)",
                facts.line_of("next_steps", index, "carried_from"),
            )


@rule(
    "criterion-validation",
    "warning",
    "a criterion's `validation` names a step of the validation plan",
)
def criterion_validation(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None:
        return
    titles = {_norm(v.title) for v in session.validation}
    for index, criterion in enumerate(session.success_criteria):
        if criterion.validation and _norm(criterion.validation) not in titles:
            yield Issue(
                f"criterion {index + 1} is proved by validation step "
                f"{criterion.validation!r}, which does not exist",
                "use the exact title of a step in `validation`",
                facts.line_of("success_criteria", index, "validation"),
            )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _line_of(text: str, field: str, fallback: int) -> int:
    marker = f"<<<<<<< ours {field}"
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == marker:
            return number
    return fallback
