"""Ingested events in the report: authors shown, thread replies marked, and one
author's chat messages within a minute folded into one row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from journal.model.session import Event
from journal.render.report import fold
from tests.conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
T0 = datetime(2025, 11, 4, 15, 45, tzinfo=UTC)


def chat(seconds: int, by: str, text: str, **extra: object) -> Event:
    return Event(
        at=T0 + timedelta(seconds=seconds),
        kind="note",
        text=text,
        by=by,
        source="slack #inc",
        id=f"slack:C1:{seconds}",
        **extra,  # type: ignore[arg-type]
    )


def test_one_authors_minute_folds_and_nothing_else_does() -> None:
    events = [
        chat(0, "ana", "one"),
        chat(20, "ana", "two"),
        chat(59, "ana", "three"),
        chat(61, "ana", "four: over a minute after the row began"),
        chat(62, "bo", "another author"),
        chat(63, "bo", "starred", star=True),
        chat(64, "bo", "in a thread", reply_to="slack:C1:0"),
        Event(at=T0 + timedelta(seconds=65), kind="detected", text="alert", by="bo"),
    ]
    folded = fold(events)
    assert [e.text for e in folded] == [
        "one\ntwo\nthree",
        "four: over a minute after the row began",
        "another author",
        "starred",
        "in a thread",
        "alert",
    ]
    assert folded[0].at == T0 and fold([]) == []


def test_report_of_an_ingested_channel_and_alert_group(
    cli: Cli, session_id: str
) -> None:
    cli.ok("ingest", str(FIXTURES / "slack"))
    cli.ok("ingest", str(FIXTURES / "alertmanager.json"))
    report = cli.ok("render", session_id).out
    assert "— alice.o" in report and "— Alertmanager" in report
    # Bob's two thread replies, ten seconds apart: one row, a reply.
    assert "| ↳ looking, I think it is the vacuum job<br>yes: " in report
    assert "[FIRING] DBLatencyHigh" in report and "[RESOLVED] DBLatencyHigh" in report
    assert "xoxb-1234567890" not in report
