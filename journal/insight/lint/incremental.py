"""`journal check` at 10,000 sessions: each session's own findings cached by its
files' stats (`store/cache.py`), and what the cross-session rules read of it.

A rule is *local* when its findings depend only on the session's two files, the
configuration and the package version — those are cached. The rules in `CROSS` also
read the rest of the journal, the repository, the evidence folder or today's date, so
they run on every check, over `CachedFacts`: the parts of the session they read
(previous, number, next steps, commit and evidence events, and the lines of the fields
they point at), kept in the same record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from journal.insight.index import Record, StepsRow, steps_session
from journal.insight.lint.facts import Finding, SessionFacts, SessionFiles
from journal.record import Record as FrozenRecord
from journal.store.facets import Records
from journal.store.ids import number_of
from journal.store.sessions import Journal

if TYPE_CHECKING:
    from journal.insight.lint.facts import JournalFacts, Rule
    from journal.model.session import Session

CROSS = frozenset(
    {
        "previous-missing",
        "previous-cycle",
        "number-duplicate",
        "commit-unknown",
        "step-overdue",
        "carried-from",
        "evidence-missing",
    }
)


class SessionRow(StepsRow):
    """What the cross-session rules read of a session document."""

    previous: str | None = None


class EventRow(FrozenRecord):
    """What the cross-session rules read of a commit or evidence event."""

    kind: str = ""
    sha: str | None = None
    lost: bool = False
    evidence: tuple[str, ...] = ()


_EVENT_FIELDS = frozenset(EventRow.field_names())


@dataclass
class CachedFacts(SessionFiles):
    """A session as the cross-session rules see it, rebuilt from its record."""

    record: Record

    @cached_property
    def session(self) -> SessionRow | None:
        if (data := self.record["session"]) is None:
            return None
        steps = steps_session(data).as_dict(shallow=True)
        return SessionRow(**steps, previous=data["previous"])

    @cached_property
    def events(self) -> list[tuple[int, EventRow]]:
        return [(line, EventRow(**data)) for line, data in self.record["events"]]

    def line_of(self, *path: str | int) -> int | None:
        """The line of a field: kept in the record for the fields the rules point
        at most, else read from the file (unchanged: its stats were checked)."""
        key = ".".join(map(str, path))
        lines = self.record["lines"]
        if key in lines:
            line: int | None = lines[key]
            return line
        return SessionFacts(self.journal, self.session_id).line_of(*path)


def check_sessions(
    journal: Journal,
    session_ids: list[str],
    active: list[Rule],
    context: JournalFacts,
) -> list[Finding]:
    """The findings of `active` rules for `session_ids`: local ones from the cache
    (rebuilt for the sessions that changed), cross-session ones run now."""
    local = [r for r in active if r.id not in CROSS]
    cross = [r for r in active if r.id in CROSS]
    rules = ",".join(r.id for r in active)
    index = Records(
        journal,
        "check-index",
        lambda sid: _record(SessionFacts(journal, sid), local, context),
        extra=rules,
        fields=frozenset(("raw_number", "local", "session", "lines", "events")),
    )
    records = index.records(session_ids)
    index.save()
    checked = [CachedFacts(journal, sid, records[sid]) for sid in session_ids]
    context.checked = checked  # type: ignore[assignment]
    context.raw_numbers = {sid: records[sid]["raw_number"] for sid in session_ids}
    findings = [Finding(**f) for sid in session_ids for f in records[sid]["local"]]
    for facts in checked:
        findings += run_rules(cross, facts, context)  # type: ignore[arg-type]
    return findings


def run_rules(
    active: list[Rule], facts: SessionFacts, context: JournalFacts
) -> list[Finding]:
    return [
        Finding(
            rule=rule.id,
            severity=rule.severity,
            file=issue.file or facts.session_file,
            line=issue.line,
            message=issue.message,
            hint=issue.hint,
            session=facts.session_id,
        )
        for rule in active
        for issue in rule.check(facts, context)
    ]


def _record(facts: SessionFacts, local: list[Rule], context: JournalFacts) -> Record:
    from journal.model.session import to_builtins

    session = facts.session
    cross: dict[str, Any] | None = None
    if session is not None:
        cross = {
            "title": session.title,
            "number": session.number,
            "previous": session.previous,
            "steps": [to_builtins(step) for step in session.next_steps],
        }
    return {
        "raw_number": number_of(facts.journal.sessions_dir / facts.session_id),
        "local": [f.as_dict() for f in run_rules(local, facts, context)],
        "session": cross,
        "lines": _lines(facts, session),
        # Only what `EventRow` reads: the whole event (its text) made the index of
        # 10,000 sessions 24 MB, decoded and filtered on every warm `check`.
        "events": [
            [line, {k: v for k, v in to_builtins(event).items() if k in _EVENT_FIELDS}]
            for line, event in facts.events
            if event.kind == "commit" or event.evidence
        ],
    }


def _lines(facts: SessionFacts, session: Session | None) -> dict[str, int | None]:
    """The lines `step-overdue` and `carried-from` point at, for the steps that may
    need them (open with a due date, or carried)."""
    if session is None:
        return {}
    lines: dict[str, int | None] = {}
    for index, step in enumerate(session.next_steps):
        if step.due is not None and not step.done:
            lines[f"next_steps.{index}.due"] = facts.line_of("next_steps", index, "due")
        if step.carried_from:
            path = ("next_steps", index, "carried_from")
            lines[".".join(map(str, path))] = facts.line_of(*path)
    return lines
