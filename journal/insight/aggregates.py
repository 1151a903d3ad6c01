"""`journal stats`: the metrics of a selection of sessions, and their medians and
percentiles. Per-session figures come from `metrics.compute`, the one implementation;
a figure that is absent for a session is left out of the aggregates, never guessed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.store.sessions import Journal

if TYPE_CHECKING:
    from journal.insight.metrics import Metrics
    from journal.model.session import Session

FIGURES = ("time_to_detect_s", "time_to_mitigate_s", "time_to_resolve_s", "duration_s")
PERCENTILES = (90, 95)


@dataclass(frozen=True)
class Selection:
    """Which sessions count: started at or after `since`, with any of `tags`, with
    any of `severities` (empty = no condition)."""

    since: datetime | None = None
    tags: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def admits(self, session_id: str, session: Session, *, tz: Any) -> bool:
        if self.tags and not set(self.tags) & set(session.tags):
            return False
        if self.severities and session.severity not in self.severities:
            return False
        if self.since is not None:
            return _started(session_id, session, tz=tz) >= self.since
        return True


@dataclass(frozen=True)
class SessionFigures:
    session_id: str
    session: Session
    metrics: Metrics

    def as_dict(self) -> dict[str, Any]:
        session, metrics = self.session, self.metrics
        row: dict[str, Any] = {
            "id": self.session_id,
            "number": session.number,
            "title": session.title,
            "status": session.status,
            "severity": session.severity,
            "tags": list(session.tags),
            "started": session.started.isoformat() if session.started else None,
        }
        row.update({name: getattr(metrics, name) for name in FIGURES})
        row["problems"] = list(metrics.problems)
        return row


@dataclass(frozen=True)
class Stats:
    sessions: list[SessionFigures]
    skipped: list[tuple[str, str]]
    """Sessions that could not be read (so not counted): (id, the error)."""

    def aggregates(self) -> dict[str, dict[str, float | int | None]]:
        return {
            name: aggregate(
                [
                    value
                    for row in self.sessions
                    if (value := getattr(row.metrics, name)) is not None
                ]
            )
            for name in FIGURES
        }

    def as_dict(self, selection: Selection) -> dict[str, Any]:
        return {
            "selection": {
                "since": selection.since.isoformat() if selection.since else None,
                "tags": list(selection.tags),
                "severities": list(selection.severities),
            },
            "sessions": [row.as_dict() for row in self.sessions],
            "aggregates": self.aggregates(),
            "skipped": [{"id": i, "error": e} for i, e in self.skipped],
        }


def collect(journal: Journal, selection: Selection) -> Stats:
    """The figures of every selected session, oldest first."""
    from journal.insight.metrics import compute

    rows: list[SessionFigures] = []
    skipped: list[tuple[str, str]] = []
    for session_id in journal.session_ids():
        try:
            session = journal.load(session_id)
            if not selection.admits(session_id, session, tz=journal.tz):
                continue
            events = journal.events(session_id)
        except JournalError as exc:
            skipped.append((session_id, exc.one_line()))
            continue
        rows.append(SessionFigures(session_id, session, compute(session, events)))
    return Stats(rows, skipped)


def parse_since(text: str, *, journal: Journal) -> datetime:
    """`2025-11-01`, an ISO time, or a span back from now: `30d`, `-12h`."""
    from journal.when import parse_when

    value = text.strip()
    if value[:1].isdigit() and value[-1:] in "dhms" and value[:-1].isdigit():
        value = "-" + value
    return parse_when(value, tz=journal.tz)


def aggregate(values: Sequence[float]) -> dict[str, float | int | None]:
    """count, median, p90, p95, min and max of `values` (None when there are none)."""
    result: dict[str, float | int | None] = {"count": len(values)}
    result["median"] = percentile(values, 50)
    for q in PERCENTILES:
        result[f"p{q}"] = percentile(values, q)
    result["min"] = min(values) if values else None
    result["max"] = max(values) if values else None
    return result


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile, interpolating linearly between the two nearest ranks
    (what numpy and spreadsheets do by default); None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _started(session_id: str, session: Session, *, tz: Any) -> datetime:
    if session.started is not None:
        return session.started
    # No `started`: the folder name's date, at midnight in the journal's zone.
    return datetime.combine(date.fromisoformat(session_id[:10]), time(), tzinfo=tz)
