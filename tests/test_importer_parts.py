"""The importer's parts: mojibake repair, timestamps, labels, decisions, locations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from journal.importer import parse_report
from journal.importer.context import commit_in, event_kind, is_sha
from journal.importer.labels import classify_heading, normalize, split_label
from journal.importer.metadata import severity_of, split_title, status_of
from journal.importer.mojibake import repair_mojibake
from journal.importer.plans import parse_decision, state_of
from journal.importer.prose import read_location
from journal.importer.stamps import Resolver, match_stamp, written_time, zone_mentioned


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("‚úÖ done", "✅ done"),  # UTF-8 read as Mac Roman
        ("‚ùå no", "❌ no"),
        ("a ‚Üí b", "a → b"),
        ("\uf8ffüîÑ BUILD", "🔄 BUILD"),  # F0 is Apple's logo in Mac Roman
        ("‚è≥ wait", "⏳ wait"),
        ("âœ… done", "✅ done"),  # UTF-8 read as cp1252
        ("cafÃ©", "café"),
    ],
)
def test_mojibake_repaired(broken: str, fixed: str) -> None:
    assert repair_mojibake(broken) == (fixed, 1)


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII",
        "Café “Québec” — naïve",
        "It’s 5 °C",
        "日本語",
        "✅ → ❌",
        "‚quoted‘",
    ],
)
def test_good_text_is_left_alone(text: str) -> None:
    assert repair_mojibake(text) == (text, 0)


def test_repair_keeps_lines() -> None:
    text = "a ‚úÖ\r\nb\n\nc ‚ùå"
    fixed, count = repair_mojibake(text)
    assert fixed == "a ✅\r\nb\n\nc ❌"
    assert count == 2


@pytest.mark.parametrize(
    ("text", "clock", "rest"),
    [
        ("**16:58 UTC** - Alerts fired", time(16, 58), "Alerts fired"),
        ("01:02 - restart", time(1, 2), "restart"),
        ("[09:15] paged", time(9, 15), "paged"),
        ("`23:59:30` last", time(23, 59, 30), "last"),
        ("1:05 pm: deploy", time(13, 5), "deploy"),
        ("12:10 AM — x", time(0, 10), "x"),
        ("09:41 UTC — Identified it", time(9, 41), "Identified it"),
    ],
)
def test_stamps(text: str, clock: time, rest: str) -> None:
    stamp = match_stamp(text)
    assert stamp is not None
    assert (stamp.clock, stamp.rest) == (clock, rest)


@pytest.mark.parametrize("text", ["Checked logs", "25:00 - x", "1:61 - x", "**01:02 x"])
def test_not_stamps(text: str) -> None:
    assert match_stamp(text) is None


def test_stamp_with_date_and_zone() -> None:
    stamp = match_stamp("2018-10-10 15:30 PST")
    assert stamp is not None
    assert stamp.day == date(2018, 10, 10)
    assert stamp.zone == timezone(timedelta(hours=-8))
    iso = match_stamp("2025-11-04T01:02+02:00 text")
    assert iso is not None and iso.zone == timezone(timedelta(hours=2))


def test_resolver_rolls_over_midnight_once_per_wrap() -> None:
    resolver = Resolver(date(2024, 3, 9), UTC)
    texts = ["23:50", "23:55", "00:05", "00:01", "02:00"]
    stamps = [match_stamp(t) for t in texts]
    got = [resolver.resolve(s) for s in stamps if s is not None]
    assert got == [
        datetime(2024, 3, 9, 23, 50, tzinfo=UTC),
        datetime(2024, 3, 9, 23, 55, tzinfo=UTC),
        datetime(2024, 3, 10, 0, 5, tzinfo=UTC),
        datetime(2024, 3, 11, 0, 1, tzinfo=UTC),
        datetime(2024, 3, 11, 2, 0, tzinfo=UTC),
    ]


def test_zone_mentioned() -> None:
    assert zone_mentioned("Time (UTC)") == UTC
    assert zone_mentioned("Timeline (all times PDT)") == timezone(timedelta(hours=-7))
    assert zone_mentioned("Timeline") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Discovered repeating errors", "detected"),
        ("Investigated the model - found a bad reference", "investigating"),
        ("Identified the root cause", "identified"),
        ("Mitigated by failing over", "mitigated"),
        ("Applied fix, committed, triggered build", "deployed"),
        ("Incident resolved", "resolved"),
        ("Monitoring baseline established", "note"),
    ],
)
def test_event_kinds(text: str, kind: str) -> None:
    assert event_kind(text) == kind


def test_shas() -> None:
    assert is_sha("fa1b1d5")
    assert not is_sha("deadbeef"), "hex words are not commits"
    assert not is_sha("1234567"), "nor are numbers"
    assert not is_sha("fa1b1d")
    assert commit_in("Fixed in commit `9c0ffee1`.") == "9c0ffee1"
    assert commit_in("committed the decade fix") is None


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Root Cause", "root_cause"),
        ("Root Cause Analysis", "root_cause"),
        ("Contributing Factors", "root_cause"),
        ("Next Steps", "next_steps"),
        ("Action Items", "next_steps"),
        ("Follow-ups", "next_steps"),
        ("Lessons Learned", "lessons"),
        ("Key Learnings", "lessons"),
        ("What went well / poorly", "lessons"),
        ("What went well", "went_well"),
        ("What went poorly", "went_wrong"),
        ("Executive Summary", "summary"),
        ("TL;DR", "summary"),
        ("Impact Assessment", "impact"),
        ("Discovery Timeline", "timeline"),
        ("Timeline (UTC)", "timeline"),
        ("Options Considered", "options"),
        ("Alternatives", "options"),
        ("Success Criteria", "success_criteria"),
        ("Validation Plan", "validation"),
        ("Verification", "validation"),
        ("## 3. **Lessons Learned** 📚", "lessons"),
        ("Fix Validation", None),
        ("Technical Details", None),
    ],
)
def test_classify_heading(heading: str, kind: str | None) -> None:
    assert classify_heading(heading) == kind


def test_normalize_and_labels() -> None:
    assert normalize("### 1. **The Fix** (v2) ✅") == "the fix"
    assert split_label("**File:** `a.py`") == ("File", "`a.py`")
    assert split_label("**Why This Failed**:") == ("Why This Failed", "")
    assert split_label("**Bold** but no colon") is None


@pytest.mark.parametrize(
    ("cell", "decision", "why"),
    [
        ("✅ **CHOSEN**", "chosen", ""),
        ("❌ Too risky", "rejected", "Too risky"),
        ("⏸ Deferred to Q3", "deferred", "to Q3"),
        ("Rejected: only delays the problem", "rejected", "only delays the problem"),
        ("maybe later", None, "maybe later"),
    ],
)
def test_decisions(cell: str, decision: str | None, why: str) -> None:
    assert parse_decision(cell) == (decision, why)


def test_component_states() -> None:
    assert state_of("✅ DEPLOYED & VALIDATED (Sessions 5-6)") == "validated"
    assert state_of("🔄 BUILD IN PROGRESS") == "in-progress"
    assert state_of("⏳ BLOCKED") == "blocked"
    assert state_of("who knows") == "unknown"


def parse_title(text: str) -> tuple[str, int | None]:
    title = split_title(text)
    return title.text, title.number


def parse_location(text: str) -> tuple[str, bool]:
    found = read_location(text)
    return found.where, found.complete


def test_titles_statuses_severities() -> None:
    assert parse_title("Session 8: SQLAlchemy fix") == ("SQLAlchemy fix", 8)
    assert parse_title("Incident #12: Checkout latency") == ("Checkout latency", 12)
    assert parse_title("INC-123 Database failover") == ("Database failover", 123)
    assert parse_title("INC-7") == ("INC-7", 7)
    assert parse_title("A plain title") == ("A plain title", None)
    assert status_of("FIX DEPLOYED - VALIDATING") == "validating"
    assert status_of("Resolved") == "resolved"
    assert status_of("in progress") == "in-progress"
    assert status_of("whatever") is None
    # A status word said not to hold is none; the one before it stands.
    assert status_of("IN PROGRESS - builds locally, not deployed") == "in-progress"
    assert status_of("Not yet resolved") is None
    assert status_of("PARTIALLY RESOLVED - monitoring") == "monitoring"
    assert status_of("Partially resolved") is None
    assert status_of("Resolved, not closed") == "resolved"
    assert severity_of("CRITICAL - Complete production failure") == "critical"
    assert severity_of("SEV-2") == "high"
    assert severity_of("none given") is None


def test_locations() -> None:
    where = "`backend/app/models/organization.py` (lines 115-120)"
    assert parse_location(where) == ("backend/app/models/organization.py:115-120", True)
    assert parse_location("`api/pool.py` (line 42)") == ("api/pool.py:42", True)
    assert parse_location("`a/b.py` (the second one)") == ("a/b.py", False)


def test_commit_mentioned_in_prose_becomes_an_event() -> None:
    text = (
        "# Session 2: Cache fix\n\n**Date:** 2024-01-02\n\n## The Fix\n\n"
        "Fixed in commit 9c0ffee1 after review.\n"
    )
    report = parse_report(text)
    assert report.events == [
        {"at": "2024-01-02T00:00:00+00:00", "kind": "commit", "sha": "9c0ffee1"}
    ]
    assert report.session["fix"]["summary"] == "Fixed in commit 9c0ffee1 after review."


def test_warnings_name_the_source_and_line() -> None:
    text = "# T\n\n**Date:** 2024-01-02\n\n## Timeline\n\n| Time | Event |\n|-|-|\n"
    text += "| 10:00 | a |\n| soon | b |\n"
    report = parse_report(text, source="t.md")
    assert report.warnings == ("t.md:10: timeline row without a readable time",)
    assert report.events[0]["text"] == "a\nsoon b"


def test_titles_keep_what_the_number_follows() -> None:
    assert split_title("Session 8: SQLAlchemy fix") == ("SQLAlchemy fix", 8, "Session")
    assert split_title("INC-123 Database failover") == (
        "Database failover",
        123,
        "INC-",
    )
    assert split_title("Incident #12: Checkout") == ("Checkout", 12, "Incident #")
    assert split_title("INC-7") == ("INC-7", 7, None), "nothing split off"
    assert split_title("A plain title") == ("A plain title", None, None)


def test_time_as_written_only_where_the_report_shows_another() -> None:
    pst = timezone(timedelta(hours=-8))
    cases = [
        ("22:10 - x", "PST", datetime(2025, 1, 20, 22, 10, tzinfo=pst), "22:10 PST"),
        ("**16:58 UTC** - x", None, datetime(2025, 1, 1, 16, 58, tzinfo=UTC), None),
        ("9:15 - x", None, datetime(2025, 1, 1, 9, 15, tzinfo=UTC), None),
        ("1:05 pm - x", None, datetime(2025, 1, 1, 13, 5, tzinfo=UTC), "1:05 pm"),
        (
            "23:59:30 - x",
            None,
            datetime(2025, 1, 1, 23, 59, 30, tzinfo=UTC),
            "23:59:30",
        ),
        (
            "2018-10-10 15:30 PST - x",
            None,
            datetime(2018, 10, 10, 15, 30, tzinfo=pst),
            "2018-10-10 15:30 PST",
        ),
    ]
    for text, heading_zone, at, original in cases:
        stamp = match_stamp(text)
        assert stamp is not None
        assert written_time(stamp, at, shown_in=UTC, zone=heading_zone) == original


def test_locations_keep_their_word_for_lines() -> None:
    where = "`backend/app/models/organization.py` (lines 115-120)"
    assert read_location(where) == (
        "backend/app/models/organization.py:115-120",
        True,
        "lines",
    )
    assert read_location("`a.py` (line 42)").word == "line"
    assert read_location("`a.py` (lines 3 to 5)") == ("a.py:3-5", False, "lines")
    assert read_location("`a.py`").word is None
