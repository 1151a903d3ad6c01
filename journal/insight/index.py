"""The session index: what `list`, `todo` and `stats` need of every session, kept in
stat-keyed records (`store/cache.py`) so only the sessions that changed are read again.

Two caches, so a command pays only for what it needs: `session-index` (the fields of
`session.yaml`, the timeline's outline, the next steps) parses no timeline, and
`figures-index` keeps each session's `metrics.compute` result — the one
implementation of the figures, run once per change of a session, never re-derived.
A session that does not load is kept with its error, so commands still name it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.record import Record as FrozenRecord
from journal.store.facets import Records
from journal.store.sessions import Journal
from journal.when import iso_or_none

Record = dict[str, Any]

if TYPE_CHECKING:
    from collections.abc import Callable

    from journal.insight.metrics import Metrics
    from journal.model.session import Session


_FACTS = frozenset(
    ("title", "number", "status", "severity", "tags", "started", "ended", "criteria")
)


def session_records(journal: Journal) -> dict[str, Record]:
    """Every session's facts, outline and next steps, oldest first."""
    fields = _FACTS | {"events", "first", "last", "torn", "steps"}  # outline, steps
    return _records(journal, "session-index", _facts_record, fields)


def figure_records(journal: Journal) -> dict[str, Record]:
    """Every session's facts and metrics (or the error that kept them out)."""
    return _records(journal, "figures-index", _figures_record, _FACTS | {"metrics"})


def _records(
    journal: Journal,
    name: str,
    build: Callable[[Journal, str], Record],
    fields: frozenset[str],
) -> dict[str, Record]:
    index = Records(journal, name, lambda sid: build(journal, sid), fields=fields)
    records = index.records()
    index.save()
    return records


def _facts_record(journal: Journal, session_id: str) -> Record:
    from journal.model.session import to_builtins
    from journal.store.timeline import outline

    try:
        timeline = outline(journal.timeline_path(session_id))
    except JournalError as exc:  # a folder or a pipe where the timeline belongs
        return {"events": 0, "first": None, "last": None, "error": exc.one_line()}
    record: Record = {
        "events": timeline.events,
        "first": iso_or_none(timeline.first),
        "last": iso_or_none(timeline.last),
        "torn": timeline.torn,
    }
    try:
        session = journal.load(session_id)
    except JournalError as exc:
        return record | {"error": exc.one_line()}
    steps = [to_builtins(step) for step in session.next_steps]
    return record | _facts(session) | {"steps": steps}


def _figures_record(journal: Journal, session_id: str) -> Record:
    from journal.insight.metrics import compute

    try:
        session = journal.load(session_id)
        # Figures are never guessed: a torn line may be the missing milestone.
        events = journal.events(session_id, torn_ok=False)
    except JournalError as exc:
        return {"error": exc.one_line()}
    return _facts(session) | {"metrics": metrics_dict(compute(session, events))}


def _facts(session: Session) -> Record:
    return {
        "title": session.title,
        "number": session.number,
        "status": session.status,
        "severity": session.severity,
        "tags": list(session.tags),
        "started": iso_or_none(session.started),
        "ended": iso_or_none(session.ended),
        "previous": session.previous,
        "criteria": [
            sum(1 for c in session.success_criteria if c.done),
            len(session.success_criteria),
        ],
    }


class StepRow(FrozenRecord):
    """A next step as the index keeps it (`model.NextStep`'s fields, no model)."""

    text: str = ""
    horizon: str = "short"
    owner: str | None = None
    due: date | None = None
    done: bool = False
    tracked_in: str | None = None
    carried_from: str | None = None


class StepsRow(FrozenRecord):
    """What follow-ups read of a session: title, number and next steps."""

    title: str = ""
    number: int | None = None
    next_steps: tuple[StepRow, ...] = ()


def steps_session(record: Record) -> StepsRow:
    """The follow-up view of a session record."""
    steps = []
    for data in record["steps"]:
        # The stored step has `NextStep`'s fields, defaults left out; a record of
        # another code version never gets here (the salt names the code).
        if due := data.get("due"):
            data = {**data, "due": date.fromisoformat(due)}
        steps.append(StepRow(**data))
    return StepsRow(
        title=record["title"], number=record["number"], next_steps=tuple(steps)
    )


def metrics_dict(metrics: Metrics) -> Record:
    from journal.insight.metrics import MOMENTS

    # Not `asdict`: its deep copy of every datetime cost 1.5 s at 10,000 sessions, and
    # every value here is a scalar or (`problems`) a tuple of strings, listed below.
    data = {name: getattr(metrics, name) for name in metrics.__dataclass_fields__}
    for name in MOMENTS:
        data[name] = iso_or_none(data[name])
    data["problems"] = list(metrics.problems)
    return data


def metrics_of(data: Record) -> Metrics:
    """The `Metrics` a record keeps, as `compute` returned them."""
    from journal.insight.metrics import MOMENTS, Metrics

    # The class's own field table: `fields()` walks the class each call, a tenth
    # of a warm `stats` at 10,000 sessions.
    values = {name: data[name] for name in Metrics.__dataclass_fields__}
    for name in MOMENTS:  # inline, not `parse_moment`: 80,000 calls at 10,000
        if moment := values[name]:
            values[name] = datetime.fromisoformat(moment)
    values["problems"] = tuple(values["problems"])
    return Metrics(**values)


def parse_moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
