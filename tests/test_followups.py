"""Follow-ups across sessions: `todo`, `SESSION:N` refs, age, overdue, carrying."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from freezegun import freeze_time

from journal.errors import UsageError
from journal.insight.followups import gather, live_copy, open_followups, parse_ref
from journal.store.sessions import Journal
from tests.conftest import Cli, snapshot
from tests.handmade import write_session

OLD = "2025-11-03-monitoring"
MID = "2025-11-04-mapper-error"
NEW = "2025-11-12-latency"


def _journal(root: Path) -> Journal:
    write_session(
        root,
        OLD,
        {
            "number": 7,
            "next_steps": [
                {"text": "Restart monitoring", "owner": "Rich", "due": "2025-11-05"},
                {"text": "Already done", "done": True},
            ],
        },
    )
    write_session(
        root,
        MID,
        {
            "number": 8,
            "next_steps": [
                {"text": "Implement schools", "horizon": "long", "owner": "ana"},
                {
                    "text": "Track metrics",
                    "due": "2999-12-01",
                    "tracked_in": "https://example.com/issues/4",
                },
            ],
        },
    )
    write_session(root, NEW, {"number": 9})
    return Journal.open(root)


def _steps(root: Path, session_id: str) -> list[dict[str, object]]:
    text = (root / "sessions" / session_id / "session.yaml").read_text()
    steps: list[dict[str, object]] = yaml.safe_load(text).get("next_steps", [])
    return steps


def test_open_followups_oldest_first_with_age(journal_root: Path) -> None:
    journal = _journal(journal_root)
    items = open_followups(gather(journal).items, today=date(2025, 11, 20))
    assert [i.ref for i in items] == [f"{OLD}:1", f"{MID}:1", f"{MID}:2"]
    assert [i.age_days(date(2025, 11, 20)) for i in items] == [17, 16, 16]
    assert [i.overdue(date(2025, 11, 20)) for i in items] == [True, False, False]


def test_filter_by_owner_ignores_case_and_by_overdue(journal_root: Path) -> None:
    items = gather(_journal(journal_root)).items
    today = date(2025, 11, 20)
    assert [i.ref for i in open_followups(items, today=today, owner="rich")] == [
        f"{OLD}:1"
    ]
    assert [i.ref for i in open_followups(items, today=today, overdue=True)] == [
        f"{OLD}:1"
    ]
    # Due today is not overdue yet; the day after it is.
    on_the_day = open_followups(items, today=date(2999, 12, 1), overdue=True)
    assert [i.ref for i in on_the_day] == [f"{OLD}:1"]
    after = open_followups(items, today=date(2999, 12, 2), overdue=True)
    assert [i.ref for i in after] == [f"{OLD}:1", f"{MID}:2"]


def test_a_carried_step_is_listed_once_aged_from_where_it_began(
    journal_root: Path,
) -> None:
    _journal(journal_root)
    write_session(
        journal_root,
        "2025-11-20-next",
        {"next_steps": [{"text": "Restart monitoring", "carried_from": f"{NEW}:1"}]},
    )
    write_session(
        journal_root,
        NEW,
        {"next_steps": [{"text": "Restart monitoring", "carried_from": f"{OLD}:1"}]},
    )
    journal = Journal.open(journal_root)
    today = date(2025, 11, 23)
    items = open_followups(gather(journal).items, today=today)
    carried = [i for i in items if "Restart" in i.step.text]
    assert [i.ref for i in carried] == ["2025-11-20-next:1"]
    assert carried[0].history == (f"{OLD}:1", f"{NEW}:1", "2025-11-20-next:1")
    assert carried[0].age_days(today) == 20
    assert live_copy(journal, f"{OLD}:1") == "2025-11-20-next:1"


def test_a_carried_from_written_by_number_is_followed(journal_root: Path) -> None:
    _journal(journal_root)
    write_session(
        journal_root,
        NEW,
        {"next_steps": [{"text": "Schools", "carried_from": "8:1"}, {"text": "x"}]},
    )
    journal = Journal.open(journal_root)
    items = open_followups(gather(journal).items, today=date(2025, 11, 20))
    assert f"{MID}:1" not in [i.ref for i in items]
    assert live_copy(journal, f"{MID}:1") == f"{NEW}:1"
    assert live_copy(journal, f"{MID}:2") == f"{MID}:2"


def test_parse_ref() -> None:
    assert parse_ref("3") == (None, 3)
    assert parse_ref(f"{MID}:2") == (MID, 2)
    assert parse_ref("#8:1") == ("#8", 1)
    for bad in ("", "x", "8:", "8:0", ":3"):
        with pytest.raises(UsageError, match="cannot read the step"):
            parse_ref(bad)


@freeze_time("2025-11-20")
def test_sessions_that_do_not_load_are_skipped_not_fatal(journal_root: Path) -> None:
    journal = _journal(journal_root)
    write_session(journal_root, "2025-11-06-bad", {"next_steps": [{"txt": "x"}]})
    gathered = gather(journal)
    assert [sid for sid, _ in gathered.skipped] == ["2025-11-06-bad"]
    assert len(gathered.items) == 4


# --- the command line -------------------------------------------------------------


def test_todo_json_and_text(cli: Cli) -> None:
    _journal(cli.root)
    rows = json.loads(cli.ok("todo", "--json").out)
    assert [r["ref"] for r in rows] == [f"{OLD}:1", f"{MID}:1", f"{MID}:2"]
    first = rows[0]
    assert first["owner"] == "Rich" and first["due"] == "2025-11-05"
    assert first["overdue"] is True and first["age_days"] > 300
    assert rows[2]["tracked_in"] == "https://example.com/issues/4"
    assert set(first) >= {"horizon", "done", "raised", "history", "carried_from"}
    text = cli.ok("todo", "--owner", "ana").out.splitlines()
    assert len(text) == 1 and text[0].startswith(f"{MID}:1")
    assert "Implement schools  (@ana)" in text[0]
    assert cli.ok("todo", "--overdue").out.count("OVERDUE") == 1


def test_step_done_from_any_session(cli: Cli) -> None:
    _journal(cli.root)
    cli.ok("use", NEW)
    result = cli.ok("step", "done", f"{MID}:2")
    assert result.out == f"completed step {MID}:2\n"
    assert _steps(cli.root, MID)[1]["done"] is True
    cli.ok("step", "done", "8:2", "--undo")
    assert _steps(cli.root, MID)[1]["done"] is False


def test_carry_then_done_on_the_original_completes_the_copy(cli: Cli) -> None:
    _journal(cli.root)
    cli.ok("use", NEW)
    out = cli.ok("step", "carry", f"{OLD}:1").out
    assert out == f"carried step {OLD}:1 → {NEW}:1\n"
    copy = _steps(cli.root, NEW)[0]
    assert copy == {
        "text": "Restart monitoring",
        "horizon": "short",
        "owner": "Rich",
        "due": "2025-11-05",
        "done": False,
        "carried_from": f"{OLD}:1",
    }
    assert _steps(cli.root, OLD)[0].get("done") is None  # history stays as it was
    rows = json.loads(cli.ok("todo", "--json").out)
    assert rows[0]["ref"] == f"{NEW}:1"
    assert rows[0]["history"] == [f"{OLD}:1", f"{NEW}:1"]
    done = cli.ok("step", "done", f"{OLD}:1")
    assert done.out == f"completed step {NEW}:1 (carried from {OLD}:1)\n"
    assert _steps(cli.root, NEW)[0]["done"] is True
    assert f"{OLD}:1" not in cli.ok("todo").out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("step", "carry", f"{MID}:1", "--to", OLD),
            2,
            f"{OLD} is older than {MID} — steps are carried forward, to a later session",
        ),
        (
            ("step", "carry", f"{MID}:1", "--to", MID),
            2,
            f"the step is already in {MID} — name a later session with --to "
            "(default: the active one)",
        ),
        (
            ("step", "carry", f"{OLD}:2", "--to", NEW),
            2,
            f"step {OLD}:2 is done; nothing to carry",
        ),
        (
            ("step", "carry", f"{MID}:5", "--to", NEW),
            2,
            f"there is no step 5 in {MID} (it has 2) — see them with `journal todo` "
            "or `journal show`",
        ),
        (
            ("step", "done", "8:x"),
            2,
            "cannot read the step '8:x' — give N (a step of the session) or "
            "SESSION:N, as `journal todo` lists them",
        ),
        (
            ("step", "done", "42:1"),
            1,
            "no session has number 42 — see `journal list`",
        ),
    ],
)
def test_step_errors_change_nothing(
    cli: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    _journal(cli.root)
    before = snapshot(cli.root)
    result = cli(*args)
    assert result.code == code, result.err
    assert result.err == f"journal: error: {message}\n"
    assert snapshot(cli.root) == before


def test_carrying_twice_points_at_the_copy(cli: Cli) -> None:
    _journal(cli.root)
    cli.ok("step", "carry", f"{MID}:1", "--to", NEW)
    before = snapshot(cli.root)
    result = cli("step", "carry", f"{MID}:1", "--to", NEW)
    assert result.code == 1
    assert result.err == (
        f"journal: error: step {MID}:1 was already carried to {NEW}:1 — carry that "
        f"copy instead: journal step carry {NEW}:1 --to …\n"
    )
    assert snapshot(cli.root) == before


def test_todo_json_stays_json_and_warns_about_unreadable_sessions(cli: Cli) -> None:
    _journal(cli.root)
    write_session(cli.root, "2025-11-06-bad", {"next_steps": [{"txt": "x"}]})
    result = cli.ok("todo", "--json")
    assert len(json.loads(result.out)) == 3
    assert result.err.startswith("journal: warning: 2025-11-06-bad skipped: ")
