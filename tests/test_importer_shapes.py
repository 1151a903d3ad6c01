"""Each timeline, checklist and follow-up shape of the fixtures, read as structure:
the times, dates and fields each must give (fixtures are this project's own text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from journal.importer import ImportedReport, parse_report
from journal.importer.stamps import match_stamp

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _import(name: str, **kwargs: Any) -> ImportedReport:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    return parse_report(text, source=name, **kwargs)


def _at(report: ImportedReport) -> list[str]:
    return [e["at"] for e in report.events]


# --- timelines ----------------------------------------------------------------------


def test_day_date_and_time_columns_with_the_year_in_the_header() -> None:
    report = _import("split-columns.md")
    assert _at(report) == [
        "2023-03-03T22:40:00-08:00",
        "2023-03-03T23:55:00-08:00",
        "2023-03-04T00:00:00-08:00",
        "2023-03-04T00:00:00-08:00",
        "2023-03-04T09:12:00-08:00",
    ]
    unknown = report.events[2:4]
    assert [e["original"] for e in unknown] == ["Sat Mar 4 --:--", "Sat Mar 4 TBD"]
    assert unknown[1]["text"] == "Backlog drained, exact time not recorded"
    assert report.session["started"] == "2023-03-03T22:40:00-08:00"


def test_zone_in_the_header_and_a_date_only_row() -> None:
    report = _import("zone-header.md")
    assert _at(report) == [
        "2022-02-03T14:05:00+01:00",
        "2022-02-03T14:20:00+01:00",
        "2022-02-04T00:00:00+01:00",
        "2022-02-04T09:30:00+01:00",
    ]
    assert report.events[2]["original"] == "2022-02-04", "as precise as written"
    assert report.session["timeline_note"] == "All times in local office time."
    titles = [s["title"] for s in report.session.get("sections", [])]
    assert "Timeline" not in titles, "the note is not a second Timeline"


def test_month_names_weekdays_ranges_am_pm_and_numeric_dates() -> None:
    report = _import("date-forms.md")
    assert _at(report) == [
        "2021-10-31T09:15:04+00:00",
        "2021-10-31T13:30:00+00:00",
        "2021-10-31T16:10:00+00:00",
        "2021-11-01T10:02:00+00:00",
        "2021-11-02T08:00:00+00:00",  # 02-11-2021: day first, near Nov 1
        "2021-11-03T07:45:00+00:00",  # 11/03: month first
    ]
    assert report.events[1]["original"] == "13:30–13:35 UTC", "the range's end"


def test_a_list_broken_by_an_image_code_and_prose_is_one_timeline() -> None:
    report = _import("broken-list.md")
    assert _at(report) == [
        "2025-06-10T08:01:00+00:00",
        "2025-06-10T08:04:00+00:00",
        "2025-06-10T08:19:00+00:00",
    ]
    kept = report.session["sections"][0]
    assert kept["title"] == "Timeline"
    assert "panic: connection refused" in kept["body"]


def test_a_bold_timeline_label_inside_another_section() -> None:
    text = (
        "# Cache outage on 2024-05-02\n\n## What happened\n\nThe cache fell over.\n\n"
        "**Timeline (all times UTC)**\n\n- **10:00** - alert fired\n"
        "- **10:05** - rolled back\n\n**Impact:** some users saw errors.\n"
    )
    report = parse_report(text)
    assert _at(report) == ["2024-05-02T10:00:00+00:00", "2024-05-02T10:05:00+00:00"]
    body = report.session["sections"][0]["body"]
    assert body == "The cache fell over.\n\n**Impact:** some users saw errors."


def test_a_date_heading_gives_the_day_of_the_times_under_it() -> None:
    text = (
        "# Two days of flaps\n\n## Timeline\n\n### Tuesday, March 5 2024\n\n"
        "- 23:50 - first flap\n\n### March 6\n\n- 00:10 - second flap\n"
        "- 09:00 - fixed\n"
    )
    assert _at(parse_report(text)) == [
        "2024-03-05T23:50:00+00:00",
        "2024-03-06T00:10:00+00:00",
        "2024-03-06T09:00:00+00:00",
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("2019-11-29 12:00 | scaled up", "2019-11-29 12:00"),
        ("31-10-2021 10:00 - x", "31-10-2021 10:00"),
        ("Oct 31, 9:05 PM - x", "Oct 31, 9:05 PM"),
        ("31 October 2021 at 10:00 - x", "31 October 2021 at 10:00"),
        ("**June 14th, 2022, 10:00 AM:** x", "June 14th, 2022, 10:00 AM"),
        ("12:45 PM PST Saturday Oct 30th: x", "12:45 PM PST Saturday Oct 30th"),
        ("~9:00 AM: x", "9:00 AM"),
        ("03:54:47 - 05:29:46 x", "03:54:47 - 05:29:46"),
        ("**22:30 UTC (Oct 29)** - x", "22:30 UTC (Oct 29)"),
        ("Sun Oct 31 --:-- x", "Sun Oct 31 --:--"),
    ],
)
def test_stamp_forms(text: str, written: str) -> None:
    stamp = match_stamp(text)
    assert stamp is not None and stamp.written == written


@pytest.mark.parametrize(
    "text", ["1.5 nodes", "10 pods restarted", "2 of 3", "May the cache", "v1.2.10"]
)
def test_numbers_that_are_not_times(text: str) -> None:
    assert match_stamp(text) is None


# --- checklists and follow-ups ---------------------------------------------------------


def test_checklists_anywhere_become_criteria_by_heading() -> None:
    criteria = _import("checklists.md").session["success_criteria"]
    assert [(c.get("group"), c["done"]) for c in criteria] == [
        ("Readiness checklist", True),
        ("Readiness checklist", True),
        ("Readiness checklist", False),
        ("Validation list", True),
        ("Validation list", False),
        (None, False),  # under `Definition of done`, the criteria's own heading
    ]
    titles = [s["title"] for s in _import("checklists.md").session["sections"]]
    assert "Readiness checklist" not in titles


def test_plain_bullet_follow_ups_give_done_owner_due_and_ticket() -> None:
    steps = _import("action-bullets.md").session["next_steps"]
    fields = [
        {k: s[k] for k in ("done", "owner", "due", "tracked_in") if k in s}
        for s in steps
    ]
    assert fields == [
        {"done": True},
        {"done": False, "owner": "nadia", "due": "2025-12-01"},
        {"done": False, "tracked_in": "https://git.example.com/infra/keys/issues/42"},
        {"done": True},
        {"done": False, "owner": "Samir", "due": "2026-01-15"},
    ]
    assert (
        steps[1]["text"] == "Alert thirty days before key expiry @nadia due 2025-12-01"
    )


def test_follow_up_table_with_owner_ticket_and_status() -> None:
    steps = _import("zone-header.md").session["next_steps"]
    assert [(s["owner"], s["done"], s["tracked_in"]) for s in steps] == [
        ("Mia", True, "https://tracker.example.com/browse/OPS-311"),
        ("Jonas", False, "https://tracker.example.com/browse/OPS-312"),
    ]


def test_horizon_sub_headings_under_a_remediation_heading() -> None:
    text = (
        "# Flag outage\n\n## Remediation\n\n### Immediate actions (completed)\n\n"
        "- Rolled back the limiter\n\n### Long-term improvements (Q3)\n\n"
        "- Split reads from writes\n"
    )
    report = parse_report(text)
    steps = report.session["next_steps"]
    assert [(s["horizon"], s["done"]) for s in steps] == [
        ("immediate", True),
        ("long", False),
    ]
    assert report.session["labels"]["next_steps"] == "Remediation"


# --- what was not understood -----------------------------------------------------------


def test_lines_that_look_like_structure_are_reported_with_their_line() -> None:
    text = (
        "# Outage\n\n**Date:** 2024-05-02\n\n## Timeline\n\n- 10:00 start\n"
        "- 10:3O typo\n\n## Notes\n\n[x] checked alone\n\n- 11:15 a time outside\n"
    )
    assert parse_report(text).unread == (
        (8, "looks like a time or date, but could not be read"),
        (12, "a checkbox outside a checklist"),
        (14, "a time or date outside any timeline"),
    )


# --- typed figures ---------------------------------------------------------------------


def test_a_stats_list_becomes_the_impact_numbers() -> None:
    report = _import("typed-figures.md")
    assert report.session["impact"]["numbers"] == {
        "Category": "Authentication",
        "TTD (min)": 15,
        "TTR (minutes)": 29,
        "Customers affected": 1240,
        "Share of logins rejected (%)": 38,
    }
    assert report.session["labels"]["impact.numbers"] == "Stats"
    assert "Stats" not in [s["title"] for s in report.session.get("sections", [])]
