"""Time to detect, mitigate and resolve, and duration, on hand-built timelines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.insight.metrics import compute, first_of, format_duration
from journal.model.session import Event, Session, to_event, to_session

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def session(**fields: Any) -> Session:
    return to_session({"title": "t", **fields})


def events(*pairs: tuple[str, str]) -> list[Event]:
    return [to_event({"at": at, "kind": kind, "text": "x"}) for kind, at in pairs]


def test_every_figure_from_a_complete_timeline() -> None:
    s = session(started="2025-11-04T01:00:00+00:00", ended="2025-11-04T03:30:00+00:00")
    m = compute(
        s,
        events(
            ("note", "2025-11-04T00:50:00+00:00"),
            ("detected", "2025-11-04T01:02:00+00:00"),
            ("mitigated", "2025-11-04T01:20:30+00:00"),
            ("resolved", "2025-11-04T02:00:00+00:00"),
        ),
    )
    # Opened before the detection: detect from `started`; the rest from the detection.
    assert (m.time_to_detect_s, m.time_to_detect_from) == (120, "started")
    assert (m.time_to_mitigate_s, m.time_to_mitigate_from) == (1110, "detected")
    assert (m.time_to_resolve_s, m.time_to_resolve_from) == (3480, "detected")
    # The span reaches back to the note logged before `started`.
    assert m.span_start == datetime(2025, 11, 4, 0, 50, tzinfo=UTC)
    assert m.duration_s == 9600
    assert m.problems == ()


def test_an_impact_event_is_the_start_instead_of_started() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("impact", "2025-11-04T00:40:00+00:00"),
            ("detected", "2025-11-04T01:02:00+00:00"),
        ),
    )
    assert m.impact_start == datetime(2025, 11, 4, 0, 40, tzinfo=UTC)
    assert (m.time_to_detect_s, m.time_to_detect_from) == (22 * 60, "impact")


def test_missing_events_leave_their_figure_absent_not_guessed() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(s, events(("resolved", "2025-11-04T02:00:00+00:00")))
    assert m.time_to_detect_s is None
    assert m.time_to_mitigate_s is None
    assert m.time_to_resolve_s == 3600
    assert m.duration_s is None  # no `ended`


def test_without_a_start_no_figure_is_computed() -> None:
    m = compute(session(), events(("detected", "2025-11-04T01:02:00+00:00")))
    assert m.time_to_detect_s is None and m.impact_start is None


def test_the_first_event_of_a_kind_counts() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-04T01:30:00+00:00"),
            ("detected", "2025-11-04T01:05:00+00:00"),
        ),
    )
    assert m.time_to_detect_s == 300


def test_resolved_before_detected_drops_both_and_names_the_problem() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-04T01:30:00+00:00"),
            ("resolved", "2025-11-04T01:10:00+00:00"),
        ),
    )
    assert m.time_to_detect_s is None
    assert m.time_to_resolve_s is None
    assert m.problems == (
        "resolved (2025-11-04T01:10:00+00:00) is before "
        "detected (2025-11-04T01:30:00+00:00)",
    )


def test_a_detection_back_filled_before_started_is_normal() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-04T00:55:00+00:00"),
            ("mitigated", "2025-11-04T01:15:00+00:00"),
        ),
    )
    # Opened after the detection, without an impact event: nobody knows when it
    # began, so time to detect is unknown — not an error.
    assert m.time_to_detect_s is None and m.time_to_detect_from is None
    assert (m.time_to_mitigate_s, m.time_to_mitigate_from) == (1200, "detected")
    assert m.span_start == datetime(2025, 11, 4, 0, 55, tzinfo=UTC)
    assert m.problems == ()


def test_the_issue_flow_measures_from_the_detection() -> None:
    # new at 14:41, detected -20m, mitigated -5m, resolved now, close now.
    s = session(started="2025-11-04T14:41:00+00:00", ended="2025-11-04T14:41:00+00:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-04T14:21:00+00:00"),
            ("mitigated", "2025-11-04T14:36:00+00:00"),
            ("resolved", "2025-11-04T14:41:00+00:00"),
        ),
    )
    assert m.time_to_detect_s is None
    assert (m.time_to_mitigate_s, m.time_to_mitigate_from) == (900, "detected")
    assert (m.time_to_resolve_s, m.time_to_resolve_from) == (1200, "detected")
    assert (m.span_start, m.duration_s) == (m.detected, 1200)
    assert m.problems == ()


def test_with_an_impact_event_every_figure_runs_from_it() -> None:
    s = session(started="2025-11-04T14:41:00+00:00", ended="2025-11-04T14:41:00+00:00")
    m = compute(
        s,
        events(
            ("resolved", "2025-11-04T14:41:00+00:00"),
            ("acknowledged", "2025-11-04T14:24:00+00:00"),
            ("impact", "2025-11-04T14:11:00+00:00"),
            ("detected", "2025-11-04T14:21:00+00:00"),
            ("mitigated", "2025-11-04T14:36:00+00:00"),
        ),
    )
    assert (m.time_to_detect_s, m.time_to_detect_from) == (600, "impact")
    assert (m.time_to_mitigate_s, m.time_to_mitigate_from) == (1500, "impact")
    assert (m.time_to_resolve_s, m.time_to_resolve_from) == (1800, "impact")
    # Acknowledging answers the alert: measured from the detection.
    assert (m.time_to_acknowledge_s, m.time_to_acknowledge_from) == (180, "detected")
    assert (m.span_start, m.duration_s) == (m.impact_start, 1800)


def test_without_detection_or_impact_the_figures_run_from_started() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(s, events(("mitigated", "2025-11-04T01:30:00+00:00")))
    assert (m.time_to_mitigate_s, m.time_to_mitigate_from) == (1800, "started")
    back_filled = compute(s, events(("mitigated", "2025-11-04T00:30:00+00:00")))
    assert back_filled.time_to_mitigate_s is None and back_filled.problems == ()


def test_a_figure_before_its_origin_is_named_but_not_a_contradiction() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-04T01:10:00+00:00"),
            ("mitigated", "2025-11-04T01:05:00+00:00"),  # automatic failover
        ),
    )
    assert m.time_to_mitigate_s is None
    assert m.problems == (
        "time to mitigate: mitigated (2025-11-04T01:05:00+00:00) is before "
        "detected (2025-11-04T01:10:00+00:00)",
    )


def test_mitigated_before_impact_is_a_contradiction() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("impact", "2025-11-04T01:10:00+00:00"),
            ("mitigated", "2025-11-04T01:05:00+00:00"),
            ("detected", "2025-11-04T01:20:00+00:00"),
        ),
    )
    assert m.time_to_mitigate_s is None
    assert m.time_to_detect_s == 600
    assert m.problems == (
        "mitigated (2025-11-04T01:05:00+00:00) is before "
        "impact (2025-11-04T01:10:00+00:00)",
    )


def test_two_resolved_events_leave_time_to_resolve_out() -> None:
    s = session(started="2025-11-04T01:00:00+00:00")
    m = compute(
        s,
        events(
            ("resolved", "2025-11-04T02:00:00+00:00"),
            ("resolved", "2025-11-04T01:30:00+00:00"),
        ),
    )
    assert m.time_to_resolve_s is None
    assert m.problems == (
        "2 resolved events (2025-11-04T01:30:00+00:00, 2025-11-04T02:00:00+00:00)",
    )


def test_ended_before_the_last_event_has_no_duration() -> None:
    s = session(started="2025-11-04T01:00:00+00:00", ended="2025-11-04T02:00:00+00:00")
    m = compute(s, events(("note", "2025-11-04T02:10:00+00:00")))
    assert m.duration_s is None
    assert m.problems == (
        "ended (2025-11-04T02:00:00+00:00) is before note (2025-11-04T02:10:00+00:00)",
    )


def test_ended_before_started_has_no_duration() -> None:
    s = session(started="2025-11-04T02:00:00+00:00", ended="2025-11-04T01:00:00+00:00")
    m = compute(s, [])
    assert m.duration_s is None
    assert m.problems == (
        "ended (2025-11-04T01:00:00+00:00) is before "
        "started (2025-11-04T02:00:00+00:00)",
    )


def test_a_session_across_midnight() -> None:
    s = session(started="2025-11-03T23:50:00+01:00", ended="2025-11-04T00:40:00+01:00")
    m = compute(
        s,
        events(
            ("detected", "2025-11-03T23:58:00+01:00"),
            ("resolved", "2025-11-04T00:20:00+01:00"),
        ),
    )
    assert m.time_to_detect_s == 480
    assert m.time_to_resolve_s == 1320  # from the detection
    assert m.duration_s == 3000


def test_offsets_that_differ_across_the_autumn_dst_change_as_stored() -> None:
    # Berlin, 2025-10-26: 03:00 CEST becomes 02:00 CET. 01:30+02:00 to 02:30+01:00
    # looks like one hour on the wall clock and is two.
    s = session(started="2025-10-26T01:30:00+02:00", ended="2025-10-26T02:30:00+01:00")
    m = compute(s, events(("resolved", "2025-10-26T02:30:00+01:00")))
    assert m.time_to_resolve_s == 7200
    assert m.duration_s == 7200


def test_zone_aware_times_across_the_autumn_dst_change() -> None:
    # One shared tzinfo makes Python subtract wall clocks: 1 h instead of 2 h.
    started = datetime(2025, 10, 26, 1, 30, tzinfo=BERLIN)
    resolved = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=BERLIN)
    s = Session(title="t", started=started, ended=resolved)
    m = compute(s, [Event(at=resolved, kind="resolved")])
    assert m.time_to_resolve_s == 7200
    assert m.duration_s == 7200


def test_zone_aware_times_across_the_spring_dst_change() -> None:
    # New York, 2025-03-09: 02:00 EST jumps to 03:00 EDT; 01:30 to 03:30 is 1 h.
    started = datetime(2025, 3, 9, 1, 30, tzinfo=NEW_YORK)
    detected = datetime(2025, 3, 9, 3, 30, tzinfo=NEW_YORK)
    m = compute(
        Session(title="t", started=started), [Event(at=detected, kind="detected")]
    )
    assert m.time_to_detect_s == 3600


def test_the_first_event_is_found_in_real_time_across_the_repeated_hour() -> None:
    early = datetime(2025, 10, 26, 2, 40, fold=0, tzinfo=BERLIN)  # 00:40 UTC
    late = datetime(2025, 10, 26, 2, 10, fold=1, tzinfo=BERLIN)  # 01:10 UTC
    found = first_of(
        [Event(at=late, kind="detected"), Event(at=early, kind="detected")], "detected"
    )
    assert found is early


def test_criteria_and_open_steps_are_counted() -> None:
    s = session(
        success_criteria=[{"text": "a", "done": True}, {"text": "b"}],
        next_steps=[{"text": "x"}, {"text": "y", "done": True}, {"text": "z"}],
    )
    m = compute(s, [])
    assert (m.criteria_met, m.criteria_total, m.open_steps) == (1, 2, 2)


KINDS = st.sampled_from(
    ["impact", "detected", "acknowledged", "mitigated", "resolved", "note"]
)
MOMENTS = st.integers(min_value=0, max_value=10 * 24 * 3600).map(
    lambda s: datetime(2025, 10, 20, tzinfo=BERLIN) + timedelta(seconds=s)
)


@given(
    st.lists(st.tuples(KINDS, MOMENTS), max_size=8),
    st.one_of(st.none(), MOMENTS),
    st.one_of(st.none(), MOMENTS),
)
def test_no_figure_is_ever_negative(
    pairs: list[tuple[str, datetime]],
    started: datetime | None,
    ended: datetime | None,
) -> None:
    s = Session(title="t", started=started, ended=ended)
    m = compute(s, [Event(at=at, kind=kind) for kind, at in pairs])
    figures = [
        m.time_to_detect_s,
        m.time_to_acknowledge_s,
        m.time_to_mitigate_s,
        m.time_to_resolve_s,
    ]
    assert all(f is None or f >= 0 for f in [*figures, m.duration_s])
    # Every problem named is an order that cannot be, or a repeat.
    assert all(" is before " in p or " resolved events " in p for p in m.problems)
    # The span holds every moment the session knows.
    known = [at for _, at in pairs] + [t for t in (started, ended) if t]
    if known:
        assert m.span_start is not None and m.span_end is not None
        assert all(m.span_start <= t <= m.span_end for t in known)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (42, "42s"),
        (420, "7m"),
        (425, "7m 05s"),
        (3900, "1h 05m"),
        (2 * 86400 + 3 * 3600, "2d 3h"),
    ],
)
def test_format_duration(seconds: float | None, shown: str) -> None:
    assert format_duration(seconds) == shown
