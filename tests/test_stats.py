"""`journal stats`: selection, medians and percentiles, the JSON shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time

from journal.insight.aggregates import (
    Selection,
    aggregate,
    collect,
    parse_since,
    percentile,
)
from journal.store.sessions import Journal
from tests.conftest import Cli
from tests.handmade import event, write_session


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4], 90, 3.7),
        ([10, 20, 30, 40, 50], 95, 48.0),
        ([5], 90, 5),
        ([3, 1, 2], 50, 2),
        ([1, 2, 3], 0, 1),
        ([1, 2, 3], 100, 3),
    ],
)
def test_percentile_interpolates_between_ranks(
    values: list[float], q: float, expected: float
) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_none_and_out_of_range_is_refused() -> None:
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100"):
        percentile([1], 101)


def test_aggregate_counts_only_present_values() -> None:
    assert aggregate([60, 120, 600]) == {
        "count": 3,
        "median": 120,
        "p90": pytest.approx(504),
        "p95": pytest.approx(552),
        "min": 60,
        "max": 600,
    }
    assert aggregate([]) == {
        "count": 0,
        "median": None,
        "p90": None,
        "p95": None,
        "min": None,
        "max": None,
    }


def _three_sessions(root: Path) -> None:
    write_session(
        root,
        "2025-11-01-db-outage",
        {
            "started": "2025-11-01T10:00:00+00:00",
            "severity": "critical",
            "tags": ["db"],
        },
        [
            event("2025-11-01T10:05:00+00:00", "detected"),
            event("2025-11-01T11:00:00+00:00", "resolved"),
        ],
    )
    write_session(
        root,
        "2025-11-04-api-errors",
        {"started": "2025-11-04T09:00:00+00:00", "severity": "high", "tags": ["api"]},
        [event("2025-11-04T09:15:00+00:00", "detected")],
    )
    write_session(
        root,
        "2025-11-08-db-slow",
        {
            "started": "2025-11-08T20:00:00+00:00",
            "ended": "2025-11-08T22:00:00+00:00",
            "severity": "high",
            "tags": ["db", "perf"],
        },
        [
            event("2025-11-08T20:01:00+00:00", "detected"),
            event("2025-11-08T20:30:00+00:00", "mitigated"),
        ],
    )


def test_collect_selects_by_tag_severity_and_since(journal_root: Path) -> None:
    _three_sessions(journal_root)
    journal = Journal.open(journal_root)

    def ids(selection: Selection) -> list[str]:
        return [row.session_id for row in collect(journal, selection).sessions]

    assert len(ids(Selection())) == 3
    assert ids(Selection(tags=("db",))) == [
        "2025-11-01-db-outage",
        "2025-11-08-db-slow",
    ]
    assert ids(Selection(severities=("high",))) == [
        "2025-11-04-api-errors",
        "2025-11-08-db-slow",
    ]
    since = datetime(2025, 11, 4, 9, 0, tzinfo=UTC)
    assert ids(Selection(since=since, tags=("db",))) == ["2025-11-08-db-slow"]


def test_aggregates_over_the_selection(journal_root: Path) -> None:
    _three_sessions(journal_root)
    stats = collect(Journal.open(journal_root), Selection())
    aggregates = stats.aggregates()
    assert aggregates["time_to_detect_s"]["count"] == 3
    assert aggregates["time_to_detect_s"]["median"] == 300  # 1m, 5m, 15m
    assert aggregates["time_to_resolve_s"]["count"] == 1
    assert aggregates["duration_s"]["median"] == 7200


def test_a_session_that_cannot_be_read_is_skipped_and_named(journal_root: Path) -> None:
    _three_sessions(journal_root)
    folder = write_session(journal_root, "2025-11-09-broken", {"started": "x"})
    stats = collect(Journal.open(journal_root), Selection())
    assert [i for i, _ in stats.skipped] == ["2025-11-09-broken"]
    assert "started" in stats.skipped[0][1]
    assert folder.exists() and len(stats.sessions) == 3


def test_a_torn_timeline_skips_the_session_rather_than_guess(
    journal_root: Path,
) -> None:
    folder = write_session(
        journal_root, "2025-11-01-a", {"started": "2025-11-01T10:00:00+00:00"}
    )
    (folder / "timeline.yaml").write_text('- {"at": "2025-11-01T10:0')
    stats = collect(Journal.open(journal_root), Selection())
    assert stats.sessions == [] and stats.skipped[0][0] == "2025-11-01-a"


@freeze_time("2025-11-10T12:00:00+00:00")
def test_since_reads_dates_and_spans_back(journal_root: Path) -> None:
    journal = Journal.open(journal_root)
    assert parse_since("2025-11-04", journal=journal) == datetime(
        2025, 11, 4, tzinfo=UTC
    )
    assert parse_since("7d", journal=journal) == datetime(2025, 11, 3, 12, tzinfo=UTC)
    assert parse_since("-12h", journal=journal) == datetime(2025, 11, 10, tzinfo=UTC)


def test_stats_json_shape(cli: Cli, journal_root: Path) -> None:
    _three_sessions(journal_root)
    data = json.loads(cli.ok("stats", "--json", "--tag", "db").out)
    assert set(data) == {"selection", "sessions", "aggregates", "skipped"}
    assert data["selection"] == {"since": None, "tags": ["db"], "severities": []}
    first, second = data["sessions"]
    assert first["id"] == "2025-11-01-db-outage"
    # Opened at 10:00, detected 10:05, resolved 11:00: detection from the opening,
    # resolution from the detection — and each figure says so.
    assert (first["time_to_detect_s"], first["time_to_detect_from"]) == (
        300,
        "started",
    )
    assert (first["time_to_mitigate_s"], first["time_to_mitigate_from"]) == (
        None,
        None,
    )
    assert (first["time_to_resolve_s"], first["time_to_resolve_from"]) == (
        3300,
        "detected",
    )
    assert first["duration_s"] is None
    assert first["span_start"] == "2025-11-01T10:00:00+00:00"
    assert first["span_end"] == "2025-11-01T11:00:00+00:00"
    assert second["duration_s"] == 7200
    assert second["time_to_mitigate_from"] == "detected"
    assert set(data["aggregates"]) == {
        "time_to_detect_s",
        "time_to_acknowledge_s",
        "time_to_mitigate_s",
        "time_to_resolve_s",
        "duration_s",
    }
    assert data["aggregates"]["time_to_detect_s"]["median"] == 180


def test_stats_text_shows_dashes_for_absent_figures(
    cli: Cli, journal_root: Path
) -> None:
    _three_sessions(journal_root)
    out = cli.ok("stats", "--severity", "high", "--since", "2025-11-01").out
    row = next(line for line in out.splitlines() if "api-errors" in line)
    assert row.split()[1:] == ["15m", "—", "—", "—", "—"]
    assert any(line.startswith("median") for line in out.splitlines())


@pytest.mark.usefixtures("unchanged")
def test_stats_bad_since_is_one_line_and_exit_2(cli: Cli) -> None:
    result = cli("stats", "--since", "last tuesday")
    assert result.code == 2
    assert result.err.strip() == (
        "journal: error: cannot read 'last tuesday' as a time — use HH:MM (or "
        '"HH:MM yesterday"), a relative time such as -5m or -1d2h, or ISO 8601 '
        "(2025-11-04T01:02Z)"
    )
