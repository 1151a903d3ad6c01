"""Rules that look across sessions or at the repository: `previous`, display
numbers, and commits the timeline links to."""

from __future__ import annotations

from collections.abc import Iterator

from journal.insight.lint.facts import JournalFacts, SessionFacts
from journal.insight.lint.registry import Issue, rule


@rule("previous-missing", "error", "`previous` names an existing session")
def previous_missing(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    session = facts.session
    if session is None or session.previous is None:
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
    session = facts.session
    if session is None or session.previous is None:
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
    session = facts.session
    if session is None or session.number is None:
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


@rule(
    "commit-unknown",
    "warning",
    "commits the timeline links to exist in the repository",
)
def commit_unknown(facts: SessionFacts, journal: JournalFacts) -> Iterator[Issue]:
    known = journal.known_commits
    if known is None:
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
