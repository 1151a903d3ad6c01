"""The incident clock: a session opened after the pager fired and back-filled, run
through the real command line against a fixed clock (`JOURNAL_NOW`, the one seam for
"now" — freezegun does not reach subprocesses), and a property: logging the same
events in any order, with `--at` typed any way, gives the same figures and report."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.insight.metrics import compute
from journal.operations.log import log_event
from journal.operations.scaffold import init_journal
from journal.operations.session_edits import close_session, create_session
from journal.render.report import Renderer
from journal.store.sessions import Journal
from tests.conftest import Cli

NOW = "2025-11-04T14:41:00+00:00"
TITLE = "Checkout API 500s after deploy"


def _flow(cli: Cli, *first: tuple[str, ...]) -> str:
    """The issue's commands, in its order, at a fixed clock; returns the session."""
    clock = {"JOURNAL_NOW": NOW}
    out = cli.ok("new", TITLE, "--severity", "critical", "--json", env=clock).out
    for args in [
        *first,
        ("PagerDuty: checkout error rate 12%", "--kind", "detected", "--at", "-20m"),
        ("Rolled back to v41", "--kind", "mitigated", "--at", "-5m"),
        ("Error rate back to baseline", "--kind", "resolved"),
    ]:
        cli.ok("log", *args, env=clock)
    cli.ok("close", env=clock)
    return str(json.loads(out)["session"])


def _figures(cli: Cli) -> dict[str, Any]:
    (row,) = json.loads(cli.ok("stats", "--json").out)["sessions"]
    return dict(row)


def test_the_back_filled_flow_keeps_every_figure(cli: Cli) -> None:
    session_id = _flow(cli)
    check = cli("check")
    assert check.code == 0, check.out + check.err
    row = _figures(cli)
    assert (row["time_to_mitigate_s"], row["time_to_mitigate_from"]) == (
        900,
        "detected",
    )
    assert (row["time_to_resolve_s"], row["time_to_resolve_from"]) == (
        1200,
        "detected",
    )
    # Opened after the detection, with no impact event: nobody knows when it began.
    assert (row["time_to_detect_s"], row["time_to_detect_from"]) == (None, None)
    assert row["duration_s"] == 1200
    assert row["problems"] == []
    assert row["span_start"] == "2025-11-04T14:21:00+00:00"
    report = cli.ok("render", session_id).out
    assert "- **Time:** 14:21 – 14:41 (UTC)" in report
    assert "| Time to mitigate | 15m | detected (14:21) |" in report
    assert "| Time to resolve | 20m | detected (14:21) |" in report
    assert "| Duration | 20m | |" in report
    assert "Not computed" not in report
    (listed,) = json.loads(cli.ok("list", "--json").out)
    assert (listed["span_start"], listed["span_end"]) == (
        "2025-11-04T14:21:00+00:00",
        NOW,
    )


def test_an_impact_event_starts_the_clock(cli: Cli) -> None:
    impact = ("Error rate starts climbing", "--kind", "impact", "--at", "-30m")
    session_id = _flow(cli, impact)
    assert cli("check").code == 0
    row = _figures(cli)
    assert (row["time_to_detect_s"], row["time_to_detect_from"]) == (600, "impact")
    assert (row["time_to_mitigate_s"], row["time_to_mitigate_from"]) == (
        1500,
        "impact",
    )
    assert (row["time_to_resolve_s"], row["time_to_resolve_from"]) == (1800, "impact")
    report = cli.ok("render", session_id).out
    assert "- **Time:** 14:11 – 14:41 (UTC)" in report
    assert "| Time to detect | 10m | impact (14:11) |" in report
    assert "| Time to mitigate | 25m | impact (14:11) |" in report


def test_new_back_fills_impact_and_detection_without_arithmetic(cli: Cli) -> None:
    clock = {"JOURNAL_NOW": NOW}
    cli.ok("new", TITLE, "--detected", "-20m", "--impact", "14:11", "--json", env=clock)
    cli.ok("log", "Acknowledged by on-call", "--kind", "acknowledged", env=clock)
    cli.ok("log", "Rolled back", "--kind", "mitigated", "--at", "-5m", env=clock)
    row = _figures(cli)
    assert (row["time_to_detect_s"], row["time_to_detect_from"]) == (600, "impact")
    assert (row["time_to_acknowledge_s"], row["time_to_acknowledge_from"]) == (
        1200,
        "detected",
    )
    assert cli("check").code == 0


def test_a_bad_back_fill_time_creates_nothing(cli: Cli) -> None:
    result = cli("new", TITLE, "--detected", "last tuesday")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "cannot read 'last tuesday'" in result.err
    assert not list((cli.root / "sessions").iterdir())


def test_check_names_each_contradiction_with_its_line_and_a_hint(cli: Cli) -> None:
    clock = {"JOURNAL_NOW": NOW}
    cli.ok("new", TITLE, env=clock)
    for kind, at in [
        ("impact", "-10m"),
        ("detected", "-8m"),
        ("mitigated", "-12m"),  # before the impact began
        ("resolved", "-9m"),  # before the detection
        ("resolved", "-1m"),  # a second one
    ]:
        cli.ok("log", kind, "--kind", kind, "--at", at, env=clock)
    result = cli("check", "--json")
    assert result.code == 1
    found = {(f["rule"], f["line"]): f for f in json.loads(result.out)["findings"]}
    assert set(found) == {
        ("timeline-order", 3),
        ("timeline-order", 4),
        ("resolved-twice", 5),
    }
    assert (
        "mitigated (2025-11-04T14:29:00+00:00) is before impact"
        in (found["timeline-order", 3]["message"])
    )
    assert (
        "resolved (2025-11-04T14:32:00+00:00) is before detected"
        in (found["timeline-order", 4]["message"])
    )
    assert all(f["hint"] for f in found.values())


# --- property: the order of logging and the way a time is typed change nothing ---

BASE = datetime(2025, 11, 4, 14, 41, tzinfo=UTC)
INDIA = timezone(timedelta(hours=5, minutes=30))
KINDS = st.sampled_from(
    ["impact", "detected", "acknowledged", "mitigated", "resolved", "note"]
)


def _typed(moment: datetime, form: int) -> str:
    """`moment` as a user might type it for `--at`, relative to BASE as now."""
    back = BASE - moment
    if form == 0:
        return moment.isoformat()
    if form == 1:
        return moment.astimezone(INDIA).isoformat()
    if form == 2:
        return f"-{int(back.total_seconds())}s"
    days, rest = divmod(int(back.total_seconds()), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"-{days}d{hours}h{minutes}m{seconds}s"


@st.composite
def incidents(draw: st.DrawFn) -> tuple[list[tuple[str, datetime]], list[int]]:
    """Events at distinct seconds (same-second events keep the order they were
    logged in, by design), with a way of typing each time and a logging order."""
    offsets = draw(
        st.lists(
            st.integers(min_value=0, max_value=3 * 86400),
            min_size=1,
            max_size=7,
            unique=True,
        )
    )
    events = [(draw(KINDS), BASE - timedelta(seconds=s)) for s in offsets]
    order = draw(st.permutations(range(len(events))))
    return events, list(order)


def _journal_with(
    root: Path, logged: list[tuple[str, str]], *, ended: str | None
) -> tuple[Journal, str]:
    init_journal(root)
    journal = Journal.open(root)
    session_id = create_session(journal, TITLE, severity="critical")
    for kind, at in logged:
        log_event(journal, f"{kind} event", kind=kind, at=at, session=session_id)
    if ended:
        close_session(journal, session_id, status="closed", at=ended)
    return journal, session_id


def _outcome(journal: Journal, session_id: str) -> tuple[Any, str]:
    metrics = compute(journal.load(session_id), journal.events(session_id))
    return metrics, Renderer(journal).render(session_id)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(incidents(), st.lists(st.integers(0, 3), min_size=7, max_size=7), st.booleans())
def test_any_logging_order_and_any_at_give_the_same_figures_and_report(
    monkeypatch: pytest.MonkeyPatch,
    incident: tuple[list[tuple[str, datetime]], list[int]],
    forms: list[int],
    closed: bool,
) -> None:
    events, order = incident
    monkeypatch.setenv("JOURNAL_NOW", BASE.isoformat())
    in_time = sorted(events, key=lambda pair: pair[1])
    shuffled = [events[i] for i in order]
    ended = BASE.isoformat() if closed else None
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        expected = _outcome(
            *_journal_with(
                Path(a), [(k, m.isoformat()) for k, m in in_time], ended=ended
            )
        )
        typed = [(k, _typed(m, forms[i])) for i, (k, m) in enumerate(shuffled)]
        actual = _outcome(*_journal_with(Path(b), typed, ended=ended))
    assert actual[0] == expected[0]
    assert actual[1] == expected[1]


def test_list_shows_the_same_span_as_the_report_for_every_example_session() -> None:
    from tests.conftest import REPO, run_journal

    journal = Journal.open(REPO)
    listed = json.loads(run_journal("list", "--json", cwd=REPO).out)
    assert len(listed) == len(journal.session_ids())
    for row in listed:
        metrics = compute(journal.load(row["id"]), journal.events(row["id"]))
        assert row["span_start"] == metrics.span_start.isoformat(), row["id"]
        assert row["span_end"] == metrics.span_end.isoformat(), row["id"]


def test_a_journal_configured_before_acknowledged_says_how_to_add_it(cli: Cli) -> None:
    config = cli.root / "journal.yaml"
    text = config.read_text()
    config.write_text(text.replace("detected, acknowledged,", "detected,"))
    cli.ok("new", TITLE)
    result = cli("log", "Paged", "--kind", "acknowledged")
    assert result.code == 2
    assert result.err.strip() == (
        "journal: error: unknown event kind 'acknowledged' — add acknowledged to "
        "event_kinds in journal.yaml (a newer default kind)"
    )
