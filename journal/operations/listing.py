"""The rows of `journal list`: one summary per session, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from journal.errors import JournalError
from journal.store.sessions import Journal


def list_rows(
    journal: Journal | None = None,
    *,
    statuses: list[str] | None = None,
    tags: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Summaries of every session; one that fails to load is listed with its error."""
    journal = journal or Journal.open()
    active = _active_or_none(journal)
    rows = []
    for session_id in reversed(journal.session_ids()):
        row = _row(journal, session_id, active)
        if statuses and row["status"] not in statuses:
            continue
        if tags and not set(tags) & set(row["tags"]):
            continue
        rows.append(row)
    return rows


def _active_or_none(journal: Journal) -> str | None:
    try:
        return journal.active_id()
    except JournalError:
        return None


def _row(journal: Journal, session_id: str, active: str | None) -> dict[str, Any]:
    from journal.store.timeline import outline

    timeline = outline(journal.timeline_path(session_id))
    base: dict[str, Any] = {
        "id": session_id,
        "active": session_id == active,
        "events": timeline.events,
    }
    try:
        session = journal.load(session_id)
    except JournalError as exc:
        return base | {
            "title": f"(cannot load: {exc.one_line()})",
            "number": None,
            "status": "invalid",
            "severity": None,
            "started": None,
            "ended": None,
            "span_start": _iso(timeline.first),
            "span_end": _iso(timeline.last),
            "tags": [],
        }
    return base | {
        "title": session.title,
        "number": session.number,
        "status": session.status,
        "severity": session.severity,
        "started": session.started.isoformat() if session.started else None,
        "ended": session.ended.isoformat() if session.ended else None,
        "span_start": _iso(_extreme(min, session.started, timeline.first)),
        "span_end": _iso(_extreme(max, session.ended, timeline.last)),
        "tags": list(session.tags),
    }


def _extreme(pick: Any, *moments: datetime | None) -> datetime | None:
    """The span as `insight.metrics.span` defines it: the earliest (`min`) or latest
    (`max`) of `started`/`ended` and the timeline's own extremes."""
    known = [m for m in moments if m is not None]
    return pick(known, key=lambda m: m.astimezone(UTC)) if known else None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
