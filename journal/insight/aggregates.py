"""`journal stats`: the metrics of a selection of sessions, and their medians and
percentiles. Per-session figures come from `metrics.compute`, the one implementation;
a figure that is absent for a session is left out of the aggregates, never guessed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, NamedTuple

from journal.store.sessions import Journal
from journal.when import iso_or_none

if TYPE_CHECKING:
    from journal.insight.metrics import Metrics

FIGURES = (
    "time_to_detect_s",
    "time_to_acknowledge_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
    "duration_s",
)
PERCENTILES = (90, 95)


class Selection(NamedTuple):
    """Which sessions count: whose first moment (`started` or an earlier,
    back-filled event) is at or after `since`, with any of `tags`, with any of
    `severities` (empty = no condition)."""

    since: datetime | None = None
    tags: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()

    def admits(self, session: Facts) -> bool:
        """The conditions that need no timeline: tags and severity."""
        if self.tags and not set(self.tags) & set(session.tags):
            return False
        return not self.severities or session.severity in self.severities

    def admits_span(self, session_id: str, metrics: Metrics, *, tz: Any) -> bool:
        """`since`, against the session's first moment."""
        if self.since is None:
            return True
        first = metrics.span_start
        if first is None:  # nothing timed: the folder name's date, at midnight there
            first = datetime.combine(
                date.fromisoformat(session_id[:10]), time(), tzinfo=tz
            )
        return first >= self.since


class Facts(NamedTuple):
    """The fields of a session that `stats` shows and selects on."""

    number: int | None
    title: str
    status: str
    severity: str | None
    tags: tuple[str, ...]
    started: str | None

    @classmethod
    def of(cls, record: dict[str, Any]) -> Facts:
        values = {name: record[name] for name in cls._fields}
        return cls(**values | {"tags": tuple(record["tags"])})


class SessionFigures(NamedTuple):
    session_id: str
    session: Facts
    metrics: Metrics

    def as_dict(self) -> dict[str, Any]:
        session, metrics = self.session, self.metrics
        row: dict[str, Any] = {
            "id": self.session_id,
            **session._asdict(),
            "tags": list(session.tags),  # in its place among the fields, as a list
            "span_start": iso_or_none(metrics.span_start),
            "span_end": iso_or_none(metrics.span_end),
        }
        for name in FIGURES:
            row[name] = getattr(metrics, name)
            if name.startswith("time_to_"):
                origin = name.removesuffix("_s") + "_from"
                row[origin] = getattr(metrics, origin)
        row["problems"] = list(metrics.problems)
        return row


class Stats(NamedTuple):
    sessions: list[SessionFigures]
    skipped: list[tuple[str, str]]
    """Sessions that could not be read (so not counted): (id, the error)."""

    def aggregates(self) -> dict[str, dict[str, float | int | None]]:
        metrics = [row.metrics for row in self.sessions]
        return {
            name: aggregate([v for m in metrics if (v := getattr(m, name)) is not None])
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
    """The figures of every selected session, oldest first, from the figures index
    (`insight/index.py`: `metrics.compute` results, cached per session)."""
    from journal.insight.index import figure_records, metrics_of

    rows: list[SessionFigures] = []
    skipped: list[tuple[str, str]] = []
    for session_id, record in figure_records(journal).items():
        if "error" in record:
            skipped.append((session_id, record["error"]))
            continue
        facts = Facts.of(record)
        if not selection.admits(facts):
            continue
        metrics = metrics_of(record["metrics"])
        if selection.admits_span(session_id, metrics, tz=journal.tz):
            rows.append(SessionFigures(session_id, facts, metrics))
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
