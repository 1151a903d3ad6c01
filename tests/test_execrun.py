"""`journal exec -- CMD`: output streams through, the exit code passes through, and
the run is recorded with an excerpt and the full output as evidence."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from journal.operations.execute import execute
from journal.process import CommandNotFoundError
from journal.store.sessions import Journal
from tests.conftest import Cli, snapshot

SID = "2025-11-04-sqlalchemy-mapper-error"


def _events(root: Path) -> list[dict[str, Any]]:
    path = root / "sessions" / SID / "timeline.yaml"
    return [json.loads(line[2:]) for line in path.open()]


def test_output_streams_through_and_the_exit_code_passes_through(
    cli: Cli, session_id: str
) -> None:
    result = cli("exec", "--", "sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3")
    assert result.code == 3
    assert result.out == "to-stdout\n"
    assert result.err.startswith("to-stderr\njournal: recorded exit 3 (")
    (event,) = _events(cli.root)
    assert event["kind"] == "action"
    assert event["command"] == "sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'"
    assert event["exit_code"] == 3
    assert event["duration_s"] >= 0
    assert sorted(event["output"].splitlines()) == ["to-stderr", "to-stdout"]
    evidence = cli.root / "sessions" / SID / event["evidence"][0]
    assert sorted(evidence.read_text().splitlines()) == ["to-stderr", "to-stdout"]


def test_success_is_recorded_with_exit_code_zero_and_options(
    cli: Cli, session_id: str
) -> None:
    result = cli.ok(
        "exec", "--kind", "deployed", "-m", "Deployed v2", "--star", "--", "true"
    )
    assert result.out == ""
    (event,) = _events(cli.root)
    assert (event["kind"], event["text"], event["star"]) == (
        "deployed",
        "Deployed v2",
        True,
    )
    assert event["exit_code"] == 0
    assert "evidence" not in event and "output" not in event  # it printed nothing


def test_secrets_are_redacted_from_command_excerpt_and_evidence(
    cli: Cli, session_id: str
) -> None:
    token = "ghp_" + "a1B2" * 9
    result = cli.ok("exec", "--", "echo", f"token={token}")
    assert token in result.out  # the terminal shows what the command printed
    (event,) = _events(cli.root)
    text = json.dumps(event)
    assert token not in text
    assert "[REDACTED:github-token]" in event["command"]
    evidence = cli.root / "sessions" / SID / event["evidence"][0]
    assert token not in evidence.read_text()


def test_the_excerpt_is_the_tail(cli: Cli, session_id: str) -> None:
    cli.ok("exec", "--", "seq", "1", "500")
    (event,) = _events(cli.root)
    assert event["output"].splitlines() == [str(n) for n in range(481, 501)]
    evidence = cli.root / "sessions" / SID / event["evidence"][0]
    assert len(evidence.read_text().splitlines()) == 500


def test_a_signal_exit_is_reported_as_a_shell_would(cli: Cli, session_id: str) -> None:
    result = cli("exec", "--", "sh", "-c", "kill -TERM $$")
    assert result.code == 143
    assert _events(cli.root)[0]["exit_code"] == 143


def test_output_reaches_the_caller_as_it_is_printed(journal_root: Path) -> None:
    from tests.conftest import run_journal

    assert (
        run_journal("new", "x", "--at", "2025-11-04T01:00Z", cwd=journal_root).code == 0
    )
    seen: list[tuple[float, int, bytes]] = []
    script = "import sys, time; print('a', flush=True); time.sleep(0.6); print('b')"
    done = execute(
        Journal.open(journal_root),
        [sys.executable, "-c", script],
        on_output=lambda fd, chunk: seen.append((time.monotonic(), fd, chunk)),
    )
    assert done.exit_code == 0
    assert b"".join(chunk for _, _, chunk in seen) == b"a\nb\n"
    first_a = next(t for t, _, chunk in seen if b"a" in chunk)
    first_b = next(t for t, _, chunk in seen if b"b" in chunk)
    assert first_b - first_a > 0.4  # "a" arrived before "b" was printed


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("exec", "--", "no-such-program-xyz"),
            127,
            "cannot run 'no-such-program-xyz': No such file or directory — check "
            "the command name and your PATH",
        ),
        (
            ("exec",),
            2,
            "no command to run — put it after --: journal exec -- make test",
        ),
        (
            ("exec", "--kind", "party", "--", "touch", "ran-it"),
            2,
            "unknown event kind 'party' — use one of: note, impact, detected, "
            "acknowledged, investigating, identified, mitigated, resolved, deployed, "
            "decision, commit, verify, action",
        ),
    ],
)
def test_exec_errors_change_nothing(
    cli: Cli, session_id: str, args: tuple[str, ...], code: int, message: str
) -> None:
    before = snapshot(cli.root)
    result = cli(*args)
    assert result.code == code, result.err
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(cli.root) == before
    assert not (cli.root / "ran-it").exists()


def test_without_a_session_nothing_runs(cli: Cli) -> None:
    before = snapshot(cli.root)
    result = cli("exec", "--", "touch", "ran-it")
    assert result.code == 1
    assert result.err.startswith("journal: error: no active session — ")
    assert not (cli.root / "ran-it").exists()
    assert snapshot(cli.root) == before


def test_command_not_found_is_an_error_with_code_127(journal_root: Path) -> None:
    from tests.conftest import run_journal

    run_journal("new", "x", "--at", "2025-11-04T01:00Z", cwd=journal_root)
    with pytest.raises(CommandNotFoundError) as info:
        execute(Journal.open(journal_root), ["no-such-xyz"], on_output=print)
    assert info.value.exit_code == 127
    assert not list((journal_root / "sessions").glob("*/evidence/*"))
