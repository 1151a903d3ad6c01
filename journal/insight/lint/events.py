"""Rules on `timeline.yaml`: lines that do not parse, a torn last line, unknown kinds,
milestones out of order, and evidence files that are missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from journal.insight.lint.facts import JournalFacts, SessionFacts
from journal.insight.lint.registry import Issue, rule


@rule("timeline-syntax", "error", "every timeline line is a valid event")
def timeline_syntax(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    for line, problem in facts.checked_events[1]:
        yield Issue(
            problem,
            'fix or remove that line; an event is - {"at": …, "kind": …, "text": …}',
            line,
            facts.timeline_file,
        )


@rule("timeline-torn", "error", "the timeline's last line is complete")
def timeline_torn(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    for raw in facts.lines:
        if raw.torn and raw.data is None:
            yield Issue(
                "the last line is torn (a write was cut short)",
                "run `journal check --fix` to repair it",
                raw.line,
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
    "impact, detected, mitigated, resolved happen in that order; ended after started",
)
def timeline_order(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    from journal.insight.metrics import disorders

    session = facts.session
    if session is None:
        return
    for disorder in disorders(session, facts.sorted_events):
        if disorder.later == "ended":
            yield Issue(
                disorder.describe(),
                "correct `started` or `ended`; the duration is left out until then",
                facts.line_of("ended"),
            )
            continue
        hint = "correct the time (`at`) of one of them; the figures that depend on "
        hint += "them are left out until then"
        if disorder.earlier == "started":
            hint = "log an `impact` event for when impact began, or correct `started`"
        yield Issue(
            f"{disorder.describe()}",
            hint,
            facts.first_line_of(disorder.later),
            facts.timeline_file,
        )


@rule("evidence-missing", "error", "every evidence file an event names exists")
def evidence_missing(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    folder = facts.journal.session_dir(facts.session_id)
    for line, event in facts.events:
        for name in event.evidence:
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
