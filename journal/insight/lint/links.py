"""Rules that look across sessions or at the repository: `previous`, display
numbers, and commits the timeline links to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from journal.insight.lint.facts import Finding, Issue, JournalFacts, SessionFacts, rule

if TYPE_CHECKING:
    from journal.store.sessions import Journal


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

    ids = journal.session_ids()
    numbers = {i: number_of(journal.sessions_dir / i) for i in ids}
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
            fixed.append(_renumbered(journal, session_id, number, free, first))
            free += 1
    return fixed


def _started(journal: Journal, session_id: str) -> str:
    """`started` as UTC ISO text (sortable); "" when it cannot be read."""
    import re
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


def _renumbered(
    journal: Journal, session_id: str, number: int, new: int, first: str
) -> Finding:
    return Finding(
        rule="number-duplicate",
        severity="error",
        file=f"{journal.config.sessions_dir}/{session_id}/session.yaml",
        line=None,
        message=f"number {number} was also used by {first}, which started first; "
        f"renumbered to {new}",
        hint=f"if {number} is the number people know it by, say so in its summary",
        session=session_id,
        fixed=True,
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
