"""Parsing typed times: clock times, relative offsets, ISO 8601, DST gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.errors import UsageError
from journal.when import clock_text, day_text, format_iso, now, parse_when, zone

UTC = UTC
REF = datetime(2025, 11, 4, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01:02", datetime(2025, 11, 4, 1, 2, tzinfo=UTC)),
        ("1:02:30", datetime(2025, 11, 4, 1, 2, 30, tzinfo=UTC)),
        ("-5m", REF - timedelta(minutes=5)),
        ("-2h", REF - timedelta(hours=2)),
        ("-1h30m", REF - timedelta(minutes=90)),
        ("-1d", REF - timedelta(days=1)),
        ("-1d2h", REF - timedelta(hours=26)),
        ("14:05 yesterday", datetime(2025, 11, 3, 14, 5, tzinfo=UTC)),
        ("yesterday 00:30", datetime(2025, 11, 3, 0, 30, tzinfo=UTC)),
        ("01:02 today", datetime(2025, 11, 4, 1, 2, tzinfo=UTC)),
        ("now", REF),
        ("2025-11-04T01:02Z", datetime(2025, 11, 4, 1, 2, tzinfo=UTC)),
        ("2025-11-04T02:02+01:00", datetime(2025, 11, 4, 1, 2, tzinfo=UTC)),
        ("2025-11-04 01:02", datetime(2025, 11, 4, 1, 2, tzinfo=UTC)),
    ],
)
def test_parse_when_accepts_the_documented_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, tz=UTC, reference=REF) == expected


def test_a_clock_time_far_in_the_future_means_yesterday() -> None:
    just_after_midnight = datetime(2025, 11, 4, 0, 10, tzinfo=UTC)
    parsed = parse_when("23:55", tz=UTC, reference=just_after_midnight)
    assert parsed == datetime(2025, 11, 3, 23, 55, tzinfo=UTC)


def test_clock_times_are_read_in_the_configured_zone() -> None:
    berlin = zone("Europe/Berlin")
    parsed = parse_when(
        "09:00", tz=berlin, reference=datetime(2025, 7, 1, 10, tzinfo=UTC)
    )
    assert parsed.utcoffset() == timedelta(hours=2)
    assert format_iso(parsed) == "2025-07-01T09:00:00+02:00"


def test_a_time_skipped_by_dst_is_refused() -> None:
    berlin = zone("Europe/Berlin")
    with pytest.raises(UsageError, match="does not exist"):
        parse_when("2025-03-30T02:30", tz=berlin)


@pytest.mark.parametrize(
    "bad",
    [
        "25:00",
        "12:61",
        "yesterday",
        "10000-01-01T00:00Z",
        "-5x",
        "1.5h",
        "25:00 yesterday",
        "today 14:05 yesterday",
    ],
)
def test_bad_times_say_how_to_write_one(bad: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_when(bad, tz=UTC, reference=REF)
    assert "HH:MM" in info.value.one_line()


def test_unknown_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown timezone"):
        zone("Mars/Olympus")


def test_an_explicit_day_is_kept_even_when_the_time_is_ahead_of_now() -> None:
    # 23:55 alone at 00:10 means yesterday; "today" says otherwise.
    just_after_midnight = datetime(2025, 11, 4, 0, 10, tzinfo=UTC)
    assert parse_when("23:55 today", tz=UTC, reference=just_after_midnight) == (
        datetime(2025, 11, 4, 23, 55, tzinfo=UTC)
    )
    assert parse_when("00:05 yesterday", tz=UTC, reference=just_after_midnight) == (
        datetime(2025, 11, 3, 0, 5, tzinfo=UTC)
    )


def test_journal_now_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNAL_NOW", "2025-11-04T14:41:30.5+01:00")
    assert now(UTC) == datetime(2025, 11, 4, 13, 41, 30, tzinfo=UTC)
    assert parse_when("-20m", tz=UTC) == datetime(2025, 11, 4, 13, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["tuesday", "2025-11-04T14:41"])
def test_a_journal_now_without_an_offset_is_refused(
    monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setenv("JOURNAL_NOW", bad)
    with pytest.raises(UsageError, match="JOURNAL_NOW"):
        now(UTC)


@given(st.datetimes())
def test_clock_and_day_text_are_what_strftime_writes(moment: datetime) -> None:
    assert clock_text(moment) == moment.strftime("%H:%M")
    assert day_text(moment) == moment.strftime("%Y-%m-%d")
    assert day_text(moment.date()) == moment.date().strftime("%Y-%m-%d")
