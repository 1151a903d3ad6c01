"""The rows of `journal list`: one summary per session, newest first."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time
from typing import Any

from journal.errors import JournalError
from journal.insight.index import parse_moment, session_records
from journal.store.sessions import Journal
from journal.when import iso_or_none


def list_rows(
    *, statuses: list[str] | None = None, tags: list[str] | None = None
) -> list[dict[str, Any]]:
    """Summaries of every session of the journal of the working folder; one that
    fails to load is listed with its error."""
    journal = Journal.open()
    active = None
    with contextlib.suppress(JournalError):
        active = journal.active_id()
    rows = []
    for session_id, record in session_records(journal).items():
        if torn := record.get("torn"):
            from journal.store import notices

            lines = "a line" if torn == 1 else f"{torn} lines"
            notices.warn(
                f"{journal.config.sessions_dir}/{session_id}/timeline.yaml: {lines} "
                "cut short by a crash not counted — `journal check --fix` sets them "
                "aside"
            )
        row = _row(session_id, record, active)
        if statuses and row["status"] not in statuses:
            continue
        if tags and not set(tags) & set(row["tags"]):
            continue
        rows.append(row)
    # Newest first by when each began (the folder's date is only the day it was
    # made); sessions that began together, by folder name.
    rows.sort(key=lambda row: row["id"], reverse=True)
    rows.sort(key=_began, reverse=True)
    return rows


def _began(row: dict[str, Any]) -> tuple[int, datetime]:
    """When a session began: its start, else its earliest event, else its folder's
    date; (0, …) for none of these, which sorts last."""
    moment = parse_moment(row["started"] or row["span_start"])
    if moment is None:
        try:
            day = date.fromisoformat(row["id"][:10])
        except ValueError:
            return (0, datetime.fromtimestamp(0, UTC))
        moment = datetime.combine(day, time(), tzinfo=UTC)
    return (1, moment.astimezone(UTC))


def _row(session_id: str, record: dict[str, Any], active: str | None) -> dict[str, Any]:
    """One row from the session index (`insight/index.py`)."""
    if "error" in record:
        record = record | {
            **dict.fromkeys(_SHOWN),
            "title": f"(cannot load: {record['error']})",
            "status": "invalid",
            "tags": [],
        }
    first, last = parse_moment(record["first"]), parse_moment(record["last"])
    started, ended = parse_moment(record["started"]), parse_moment(record["ended"])
    return {
        "id": session_id,
        "active": session_id == active,
        "events": record["events"],
        **{key: record[key] for key in _SHOWN},
        "span_start": iso_or_none(_extreme(min, started, first)),
        "span_end": iso_or_none(_extreme(max, ended, last)),
        "tags": list(record["tags"]),
    }


_SHOWN = ("title", "number", "status", "severity", "started", "ended")


def _extreme(pick: Any, *moments: datetime | None) -> datetime | None:
    """The span as `insight.metrics.span` defines it: the earliest (`min`) or latest
    (`max`) of `started`/`ended` and the timeline's own extremes."""
    known = [m for m in moments if m is not None]
    return pick(known, key=lambda m: m.astimezone(UTC)) if known else None
