"""Rules on `timeline.yaml`: lines that do not parse, torn lines, unknown kinds,
milestones that contradict each other, and evidence files that are missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from journal.insight.lint.facts import Issue, JournalFacts, SessionFacts, rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from journal.insight.metrics import Disorder


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
