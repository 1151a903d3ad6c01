""" "Seen before" fires on every path that records an error, not only `log`: a
failed `exec`, alerts and detected lines brought in by `ingest`, and `set
detection.*` — each looks the error up in the past sessions' digest."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ERROR = "redis.exceptions.ResponseError: MOVED 3999 127.0.0.1:6381"
PAST = "2025-10-01-redis-cluster-resharding"


@pytest.fixture
def past(cli: Cli) -> Cli:
    """A closed past session that met two errors, and a new open one."""
    cli.ok("new", "Redis cluster resharding", "--at", "2025-10-01T09:00:00+00:00")
    cli.ok("log", ERROR, "--kind", "detected", "--at", "2025-10-01T09:05:00+00:00")
    cli.ok(
        "log",
        "OperationalError: canceling statement due to statement timeout",
        "--kind",
        "detected",
        "--at",
        "2025-10-01T09:06:00+00:00",
    )
    cli.ok("close", "--at", "2025-10-01T10:00:00+00:00")
    cli.ok("new", "Checkout errors", "--at", "2025-11-04T09:00:00+00:00")
    return cli


def test_a_failed_exec_says_seen_before(past: Cli) -> None:
    script = (
        "import sys; print('"
        + ERROR.replace("3999", "1234").replace("127.0.0.1", "10.0.0.7")
        + "', file=sys.stderr); sys.exit(3)"
    )
    done = past("exec", "--", sys.executable, "-c", script)
    assert done.code == 3
    assert f"seen before: {PAST} " in done.err
    # A command that succeeds looks nothing up.
    fine = past("exec", "--", sys.executable, "-c", f"print({ERROR!r})")
    assert fine.code == 0 and "seen before" not in fine.err


def test_ingested_alerts_say_seen_before(past: Cli) -> None:
    done = past.ok("ingest", str(FIXTURES / "sentry.json"))  # an issue created
    assert f"seen before: {PAST} " in done.out
    data = json.loads(past.ok("ingest", str(FIXTURES / "sentry.json"), "--json").out)
    assert data["added"] == 0 and data["seen_before"] == []  # nothing new, no lookup


def test_setting_the_detection_says_seen_before(past: Cli) -> None:
    done = past.ok("set", "detection.summary", ERROR.replace("3999", "42"), "--json")
    data = json.loads(done.out)
    assert [m["session"] for m in data["seen_before"]] == [PAST]
    human = past.ok("set", "detection.summary", "Checkout page slow")
    assert "seen before" not in human.out
