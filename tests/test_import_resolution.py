"""An imported report whose timeline says the incident ended is a resolved session.

Before, 75 of the 76 corpus postmortems came in `open` (only one said its status in
a header), so a team's imported history sat among its live incidents.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.importer import parse_report
from tests.conftest import Cli

REPORT = """# Queue workers stalled

## Timeline

- 2024-03-13 09:00 UTC: Alert fired for queue depth
- 2024-03-13 09:20 UTC: Restarted the workers
- 2024-03-13 10:05 UTC: {last}
{after}
## Root cause

A lock was never released.
"""


def _parse(last: str, after: str = "", head: str = "") -> tuple[dict, list[dict]]:
    report = parse_report(head + REPORT.format(last=last, after=after))
    return report.session, report.events


@pytest.mark.parametrize(
    "words",
    [
        "Service fully restored",
        "Everything is back to normal",
        "Queue is back online",
        "All systems operational again",
        "Incident closed.",
        "The issue was fixed for every tenant",
        "Issue resolved",
        "Workers recovered",
    ],
)
def test_a_timeline_that_says_it_ended_resolves_the_session(words: str) -> None:
    session, events = _parse(words)
    assert session["status"] == "resolved"
    assert session["ended"] == "2024-03-13T10:05:00+00:00"
    assert [e["kind"] for e in events][-1] == "resolved"


def test_a_timeline_that_does_not_say_so_stays_open() -> None:
    session, _ = _parse("Watching the queue drain")
    assert "status" not in session and "ended" not in session


def test_the_status_the_report_writes_wins() -> None:
    session, _ = _parse("Service restored", head="**Status:** Investigating\n\n")
    assert session["status"] == "investigating"
    assert "ended" not in session


def test_only_the_last_resolution_stays_resolved_the_others_become_mitigated() -> None:
    after = "- 2024-03-13 11:00 UTC: Queue stalled again\n" + (
        "- 2024-03-13 11:30 UTC: Service restored for good\n"
    )
    session, events = _parse("Service restored", after)
    kinds = [e["kind"] for e in events]
    assert kinds.count("resolved") == 1 and kinds[-1] == "resolved"
    assert "mitigated" in kinds
    assert session["ended"] == "2024-03-13T11:30:00+00:00"


def test_entries_after_the_resolution_leave_the_end_unset() -> None:
    # `ended` before a later entry is a `journal check` error: the session is
    # resolved, its end left to the team.
    after = "- 2024-03-14 16:00 UTC: Released 2.2.0 with the fix\n"
    session, events = _parse("Service restored", after)
    assert session["status"] == "resolved"
    assert "ended" not in session
    assert [e["kind"] for e in events].count("resolved") == 1


def test_a_resolved_report_without_an_end_is_not_shown_as_ongoing(
    cli: Cli, tmp_path: Path
) -> None:
    after = "- 2024-03-14 16:00 UTC: Released 2.2.0 with the fix\n"
    report = tmp_path / "stalled.md"
    report.write_text(REPORT.format(last="Service restored", after=after))
    out = json.loads(cli.ok("import", str(report), "--json").out)
    rendered = cli.ok("render", out["files"][0]["session_id"]).out
    assert "ongoing" not in rendered
    assert "- **Date:** 2024-03-13 – 2024-03-14" in rendered
    assert "09:00 – 2024-03-14 16:00, end not recorded (UTC)" in rendered


def test_an_open_session_is_still_ongoing(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "stalled.md"
    report.write_text(REPORT.format(last="Watching the queue drain", after=""))
    out = json.loads(cli.ok("import", str(report), "--json").out)
    rendered = cli.ok("render", out["files"][0]["session_id"]).out
    assert "09:00 – ongoing (UTC)" in rendered


WORK = """# Session 4: Queue worker rewrite

**Date:** 2025-02-10
**Time:** {span}
**Status:** {status}

## Summary

Rewrote the queue worker.
{timeline}"""


def _work(span: str, status: str, timeline: str = "") -> dict:
    text = WORK.format(span=span, status=status, timeline=timeline)
    return parse_report(text, source="session-4.md").session


def test_a_report_that_says_it_is_over_ended_when_its_span_did() -> None:
    session = _work("09:30 - 11:45 UTC", "COMPLETE")
    assert session["started"] == "2025-02-10T09:30:00+00:00"
    assert session["ended"] == "2025-02-10T11:45:00+00:00"
    # A span past midnight ends the next day.
    late = _work("23:10 – 01:20 UTC", "Resolved")
    assert late["ended"] == "2025-02-11T01:20:00+00:00"


@pytest.mark.parametrize(
    ("span", "status"),
    [
        ("09:30 - 11:45 UTC", "IN PROGRESS"),  # still going: its end stays open
        ("09:30 - 11:45 UTC", "Monitoring"),
        ("09:30 - 11:45 UTC (estimated)", "COMPLETE"),  # a guess, not the end
        ("09:30 UTC", "COMPLETE"),  # no end given
    ],
)
def test_a_span_is_no_end_unless_the_report_is_over_and_says_it(
    span: str, status: str
) -> None:
    assert "ended" not in _work(span, status)


def test_a_span_is_no_end_before_a_later_entry_of_the_timeline() -> None:
    timeline = (
        "\n## Timeline\n\n- 09:40 UTC: Started\n- 12:30 UTC: Deployed the worker\n"
    )
    session = _work("09:30 - 11:45 UTC", "COMPLETE", timeline)
    assert session["status"] == "resolved" and "ended" not in session


def test_the_header_line_of_the_span_is_kept_as_written() -> None:
    report = parse_report(
        WORK.format(span="09:30 - 11:45 UTC", status="COMPLETE", timeline="")
    )
    bodies = [s["body"] for s in report.session.get("sections", [])]
    assert any("**Time:** 09:30 - 11:45 UTC" in body for body in bodies)
