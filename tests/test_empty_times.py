"""Item 8 of issue 26: an empty time is a mistake, never "now"."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, snapshot

EMPTY_TIMES = [
    ("set", "started", ""),
    ("set", "ended", ""),
    ("set", "started", "   "),
    ("log", "--at", "", "text"),
    ("new", "Other", "--at", ""),
    ("new", "Other", "--detected", ""),
    ("new", "Other", "--impact", ""),
    ("close", "--at", ""),
]


@pytest.mark.parametrize("args", EMPTY_TIMES, ids=" ".join)
def test_item8_empty_time_is_refused(cli: Cli, session_id: str, args: tuple[str, ...]):
    before = snapshot(cli.root)
    result = cli(*args)
    assert result.code == 2, result
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "empty" in lines[0], result.err
    assert "Traceback" not in result.err
    assert snapshot(cli.root) == before


def test_item8_set_empty_time_says_null_clears(cli: Cli, session_id: str):
    result = cli("set", "started", "")
    assert "`null` to clear" in result.err


def test_item8_null_still_clears_and_now_still_means_now(cli: Cli, session_id: str):
    cli.ok("set", "ended", "2025-11-04T02:00:00+00:00")
    cli.ok("set", "ended", "null")
    assert (
        "ended:"
        not in (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )
    cli.ok(
        "log",
        "--at",
        "now",
        "still works",
        env={"JOURNAL_NOW": "2025-11-04T03:00:00+00:00"},
    )
