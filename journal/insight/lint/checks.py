"""Every rule of `journal check`, registered in the order of the report: on
`session.yaml` (unfinished merges, in the timeline too; schema, closing status,
options, criteria, next steps), on `timeline.yaml` (lines that do not parse, torn
lines, unknown kinds, milestones that contradict each other, missing evidence
files), and across sessions or at the repository (`previous`, display numbers,
commits the timeline links to)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from journal.errors import JournalError, MergeConflictError
from journal.insight.lint.facts import Finding, Issue, JournalFacts, SessionFacts, rule

if TYPE_CHECKING:
    from journal.insight.metrics import Disorder
    from journal.store.sessions import Journal

_WHERE_LINE = re.compile(r":(\d+)(?::\d+)?$")


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
        if not (opened := conflict_lines(text)):
            continue
        if relative == facts.timeline_file:
            yield Issue(
                f"timeline.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}` (keeps both sides' events)",
                opened[0],
                relative,
            )
            continue
        if not (fields := conflicting_fields(root, path, text)):
            yield Issue(
                f"session.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}`, or edit the file",
                opened[0],
                relative,
            )
            continue
        lines = [line.strip() for line in text.splitlines()]
        for name in fields:
            marker = f"<<<<<<< ours {name}"
            yield Issue(
                f"{name}: changed on both sides",
                f"journal resolve {session_id} --ours {name}  (or --theirs {name})",
                lines.index(marker) + 1 if marker in lines else opened[0],
                relative,
            )


@rule("schema", "error", "session.yaml parses and fits the schema")
def schema(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    error = facts.loaded[1]
    if error is not None and not isinstance(error, MergeConflictError):
        hint = error.hint or "see `journal schema` for what each field holds"
        line = _WHERE_LINE.search(error.where or "")  # `file:line:col`
        yield Issue(error.message, hint, int(line[1]) if line else None)


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


@rule("timeline-syntax", "error", "every timeline line is a valid event")
def timeline_syntax(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    # A timeline read in one pass was readable: reading it again line by line only
    # to learn that was a third of a cold `check`.
    error = None if facts.plain_events is not None else facts.read[1]
    if error is not None:
        yield Issue(error.message, error.hint, None, facts.timeline_file)
    for line, problem in facts.checked_events[1]:
        yield Issue(
            problem,
            'fix or remove that line; an event is - {"at": …, "kind": …, "text": …}',
            line,
            facts.timeline_file,
        )


@rule("timeline-torn", "error", "no timeline line was cut short by a crash")
def timeline_torn(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    last = facts.lines[-1].line if facts.torn_lines else 0
    for line in facts.torn_lines:
        where = "the last line" if line == last else "the line"
        yield Issue(
            f"{where} is torn (a write was cut short); readers skip it",
            "run `journal check --fix` to repair it",
            line,
            facts.timeline_file,
        )


@rule("event-kind", "warning", "events use the kinds listed in journal.yaml")
def event_kind(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    kinds = facts.journal.config.event_kinds
    for line, event in facts.events:
        if event.kind not in kinds:
            yield Issue(
                f"unknown event kind {event.kind!r}",
                "use one of: " + ", ".join(kinds) + " (or add it to event_kinds)",
                line,
                facts.timeline_file,
            )


@rule(
    "timeline-order",
    "error",
    "no contradiction: resolved before detected, mitigated or resolved before "
    "impact, ended before a moment it closes (back-filled events are normal)",
)
def timeline_order(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    from journal.insight.metrics import Disorder, contradictions

    if (session := facts.session) is None:
        return
    for found in contradictions(session, facts.sorted_events):
        if not isinstance(found, Disorder):
            continue
        if found.later == "ended":
            yield _ended_early(facts, found)
            continue
        yield Issue(
            found.describe(),
            _ORDER_HINTS.get(found.earlier, _ORDER_HINTS["detected"]),
            facts.first_line_of(found.later),
            facts.timeline_file,
        )


_ORDER_HINTS = {
    "detected": "correct the time (`at`) of one of them; both figures are left "
    "out until then",
    "impact": "the impact began before anything could end it: correct the time of "
    "the `impact` event or of this one; the figure is left out until then",
}


def _ended_early(facts: SessionFacts, found: Disorder) -> Issue:
    message = found.describe()
    if found.earlier != "started":
        line = facts.line_at(found.earlier, found.earlier_at)
        message += f", the last event it closes ({facts.timeline_file}:{line})"
    return Issue(
        message,
        "correct `ended` (journal close --at TIME) or that time; the duration is "
        "left out until then",
        facts.line_of("ended"),
    )


@rule("resolved-twice", "error", "a session is resolved once")
def resolved_twice(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    from journal.insight.metrics import Repeat, contradictions

    if (session := facts.session) is None:
        return
    for found in contradictions(session, facts.sorted_events):
        if isinstance(found, Repeat):
            yield Issue(
                found.describe(),
                f"keep one `{found.kind}` event: make the others `note` or "
                "`mitigated`, or open a new session for a recurrence; time to "
                "resolve is left out until then",
                facts.line_at(found.kind, found.times[1]),
                facts.timeline_file,
            )


@rule("evidence-missing", "error", "every evidence file an event names exists")
def evidence_missing(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    folder = None  # found only for a session that names evidence: most name none
    for line, event in facts.events:
        for name in event.evidence:
            folder = folder or facts.journal.session_dir(facts.session_id)
            relative = PurePosixPath(name)
            if relative.is_absolute() or ".." in relative.parts:
                yield Issue(
                    f"evidence {name!r} points outside the session folder",
                    "keep evidence in the session's evidence/ folder",
                    line,
                    facts.timeline_file,
                )
            elif not (folder / relative).is_file():
                yield Issue(
                    f"evidence file {name!r} is missing",
                    "restore it (is it git-ignored?) or remove it from the event",
                    line,
                    facts.timeline_file,
                )


@rule("previous-missing", "error", "`previous` names an existing session")
def previous_missing(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None or session.previous is None:
        return
    # `<journal>/<id>` names a session of another journal: its site checks it.
    if "/" not in session.previous and session.previous not in journal.ids:
        yield Issue(
            f"previous session {session.previous!r} does not exist",
            "give the folder name of an existing session (see `journal list`), "
            "or remove `previous`",
            facts.line_of("previous"),
        )


@rule(
    "previous-cycle",
    "error",
    "`previous` never names the session itself, nor leads back to it",
)
def previous_cycle(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None or session.previous is None:
        return
    chain = [facts.session_id]
    step: str | None = session.previous
    while step is not None and "/" not in step and step in journal.ids:
        if step == facts.session_id:
            yield Issue(
                "`previous` names the session itself"
                if len(chain) == 1
                else "`previous` links go round in a circle: "
                + " → ".join([*chain, step]),
                "point `previous` at an earlier session, or remove it "
                "(journal set previous null)",
                facts.line_of("previous"),
            )
            return
        if step in chain:
            return  # a circle further back: its own sessions report it
        chain.append(step)
        step = journal.previous_of(step)


@rule("number-duplicate", "error", "no two sessions share a display number")
def number_duplicate(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (session := facts.session) is None or session.number is None:
        return
    others = [
        i for i in journal.numbers.get(session.number, []) if i != facts.session_id
    ]
    if others:
        yield Issue(
            f"number {session.number} is also used by {', '.join(others)}",
            "renumber one of them: journal set number N",
            facts.line_of("number"),
        )


def renumber_duplicates(journal: Journal) -> list[Finding]:
    """`check --fix`: where sessions share a display number (two clones each took
    the next one, then merged), the one started first keeps it and each later one
    takes the next free number. One fixed finding per session renumbered."""
    from journal.store.ids import number_of

    numbers = {i: number_of(journal.sessions_dir / i) for i in journal.session_ids()}
    by_number: dict[int, list[str]] = {}
    for session_id, number in numbers.items():
        if number is not None:
            by_number.setdefault(number, []).append(session_id)
    fixed = []
    free = max((n for n in numbers.values() if n is not None), default=0) + 1
    for number, sessions in sorted(by_number.items()):
        first, *later = sorted(sessions, key=lambda i: (_started(journal, i), i))
        for session_id in later:
            with journal.edit(session_id) as doc:
                doc["number"] = free
            fixed.append(
                Finding(
                    rule="number-duplicate",
                    severity="error",
                    file=f"{journal.config.sessions_dir}/{session_id}/session.yaml",
                    line=None,
                    message=f"number {number} was also used by {first}, which "
                    f"started first; renumbered to {free}",
                    hint=f"if {number} is the number people know it by, say so in "
                    "its summary",
                    session=session_id,
                    fixed=True,
                )
            )
            free += 1
    return fixed


def _started(journal: Journal, session_id: str) -> str:
    """`started` as UTC ISO text (sortable); "" when it cannot be read."""
    from datetime import UTC, datetime

    try:
        text = journal.session_path(session_id).read_text(encoding="utf-8")
        found = re.search(r"^started:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
        moment = datetime.fromisoformat(found[1]) if found else None
    except (OSError, UnicodeDecodeError, ValueError):
        return ""
    if moment is None or moment.tzinfo is None:
        return ""
    return moment.astimezone(UTC).isoformat()


@rule(
    "commit-unknown",
    "warning",
    "commits the timeline links to exist in the repository",
)
def commit_unknown(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    if (known := journal.known_commits) is None:
        return
    for line, event in facts.events:
        if event.kind != "commit" or event.lost:
            continue
        if not event.sha:
            yield Issue(
                "commit event without a sha",
                "add the commit id, or log it as another kind",
                line,
                facts.timeline_file,
            )
        elif not known.get(event.sha, True):
            yield Issue(
                f"commit {event.sha[:12]} is not in this repository",
                "run `journal sync` to relink rewritten commits, or fetch the "
                "branch (or full history) that has it",
                line,
                facts.timeline_file,
            )
