"""Timelines of work-session reports become events: time ranges in headings with
bullets below, bold time ranges, a timeline under a bold label inside another part,
`Phase 1 (14:00–14:30)` steps, and a `Work log` section. Fixtures:
tests/fixtures/import/work-*.md (written for these shapes)."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from journal.importer import ImportedReport, parse_report
from journal.importer.stamps import match_stamp, phase_stamp, range_end

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _import(name: str) -> ImportedReport:
    path = FIXTURES / name
    return parse_report(path.read_text(encoding="utf-8"), source=str(path))


def _events(report: ImportedReport) -> list[tuple[str, str, str | None]]:
    return [
        (e["at"][11:16], e.get("text", "").split("\n")[0], e.get("original"))
        for e in report.events
    ]


def test_time_ranges_in_headings_take_the_bullets_below() -> None:
    report = _import("work-heading-ranges.md")
    assert _events(report) == [
        ("12:00", "Build completion", "12:00-12:05 UTC"),
        ("12:05", "Copy to the new store", "12:05-12:20 UTC"),
        ("12:20", "Readers switched", None),
    ]
    assert "Checksums compared" in report.events[1]["text"]


def test_bold_time_ranges_are_events_with_their_range_kept() -> None:
    report = _import("work-bold-ranges.md")
    assert _events(report) == [
        ("03:54", "waited for messages while the replay caught up",
         "03:54:47 - 05:29:46 UTC"),
        ("05:29", "first batch arrived, 1,200 messages", "05:29:50 UTC"),
        ("05:31", "consumer drained the batch without errors",
         "05:31:02 - 05:40:00 UTC"),
    ]  # fmt: skip


def test_a_timeline_under_a_bold_label_inside_the_summary() -> None:
    report = _import("work-bold-label.md")
    assert [text for _, text, _ in _events(report)] == [
        "requested a staging certificate",
        "challenge passed",
        "staging ingress reloaded with the new chain",
    ]
    assert "09:10" not in report.session["summary"]
    assert report.session["summary"].startswith("Renewal was tried")


def test_phase_steps_are_events_and_keep_their_names() -> None:
    report = _import("work-phases.md")
    assert _events(report) == [
        ("14:00", "Phase 1: freeze writes and let the replica catch up",
         "14:00–14:30"),
        ("14:30", "Phase 2: promote the replica and repoint the pool", "14:30–14:45"),
        ("14:45", "Phase 3: rebuild the old primary as a replica", "14:45–16:10"),
    ]  # fmt: skip
    assert report.session["labels"]["timeline"] == "Plan and execution"


def test_ranges_as_top_level_headings_and_a_work_log_section() -> None:
    report = _import("work-top-headings.md")
    assert [at for at, _, _ in _events(report)] == ["10:00", "10:20", "11:50", "12:15"]
    assert "sections" not in report.session or not any(
        s["title"] == "Work log" and s["body"] for s in report.session["sections"]
    )


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Phase 1 (14:00–14:30): drain", "Phase 1: drain"),
        ("**Step 2 (09:10 UTC):** restart", "Step 2: restart"),
        ("Stage 3 (16:00)", "Stage 3"),
        ("Phase 1 (planning): decide", None),
        ("Part 2 (2021): history", None),
        ("Phase one of the plan", None),
    ],
)
def test_a_step_is_stamped_only_by_a_clock_time(text: str, rest: str | None) -> None:
    stamp = phase_stamp(text)
    assert (stamp.rest if stamp else None) == rest


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("13:30–13:35", time(13, 35)),
        ("1:05 pm - 2:10 pm PST", time(14, 10)),
        ("09:30 to 11:45 UTC", time(11, 45)),
        ("2025-01-01 10:00 - 10:05", time(10, 5)),
        ("09:30 UTC", None),
    ],
)
def test_a_ranged_stamp_says_where_it_ends(text: str, end: time | None) -> None:
    stamp = match_stamp(text)
    assert stamp is not None and range_end(stamp) == end
