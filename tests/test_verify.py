"""`journal verify`: passing, failing and timing-out commands; the events, evidence
and criteria they leave; --dry-run running nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from journal.operations.verify import plan, run
from journal.store.sessions import Journal
from tests.conftest import Cli, snapshot
from tests.handmade import write_session

SID = "2025-11-04-mapper-error"


def _session(root: Path, validation: list[dict[str, Any]], **fields: Any) -> Path:
    return write_session(
        root,
        SID,
        {"started": "2025-11-04T01:00:00+00:00", "validation": validation, **fields},
    )


def _timeline(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line[2:]) for line in (folder / "timeline.yaml").open()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_passing_failing_and_timing_out_commands(journal_root: Path) -> None:
    folder = _session(
        journal_root,
        [
            {"title": "Build passes", "command": "echo building; echo done"},
            {"title": "Tests fail", "command": "echo boom >&2; exit 3"},
            {
                "title": "Worker hangs",
                "command": "sleep 60 & echo $! > sleeper.pid; wait",
                "timeout_s": 0.5,
            },
        ],
        success_criteria=[
            {"text": "Build is green", "validation": "build passes"},
            {"text": "Tests are green", "validation": "Tests fail"},
            {"text": "Worker finishes", "validation": "Worker hangs"},
        ],
    )
    journal = Journal.open(journal_root)
    planned = plan(journal, SID)
    assert [s.criteria for s in planned.steps] == [(1,), (2,), (3,)]
    started = time.monotonic()
    results = run(journal, planned)
    assert time.monotonic() - started < 10
    assert [r.status for r in results] == ["passed", "failed", "timed-out"]
    assert [r.exit_code for r in results] == [0, 3, None]
    assert [r.ticked for r in results] == [(1,), (), ()]

    # The timed-out command and everything it started are stopped.
    assert not _alive(int((journal_root / "sleeper.pid").read_text()))

    events = _timeline(folder)
    assert [e["kind"] for e in events] == ["verify"] * 3
    assert events[0]["text"].startswith("Build passes: passed (exit 0 in ")
    assert events[0]["exit_code"] == 0
    assert events[0]["output"] == "building\ndone"
    assert events[1]["text"].startswith("Tests fail: failed (exit 3 in ")
    assert (events[1]["exit_code"], events[1]["output"]) == (3, "boom")
    assert events[2]["text"].startswith("Worker hangs: timed out after 0.")
    assert "exit_code" not in events[2]
    assert events[0]["command"] == "echo building; echo done"
    assert all(e["duration_s"] >= 0 for e in events)
    log = folder / events[0]["evidence"][0]
    assert log.read_text() == "building\ndone\n"
    assert "evidence" not in events[2]  # it printed nothing

    criteria = yaml.safe_load((folder / "session.yaml").read_text())["success_criteria"]
    assert [c.get("done", False) for c in criteria] == [True, False, False]


def test_only_the_tail_goes_into_the_event_the_rest_into_evidence(
    journal_root: Path,
) -> None:
    folder = _session(
        journal_root,
        [{"title": "Many lines", "command": "seq 1 100; echo password=hunter22x"}],
    )
    journal = Journal.open(journal_root)
    (result,) = run(journal, plan(journal, SID))
    (event,) = _timeline(folder)
    lines = event["output"].splitlines()
    assert len(lines) == 20 and lines[0] == "82"
    assert lines[-1] == "password=[REDACTED:password]"
    evidence = (folder / event["evidence"][0]).read_text()
    assert evidence.startswith("1\n2\n") and "hunter22x" not in evidence
    assert result.evidence == event["evidence"][0]


def test_cwd_and_timeout_precedence(journal_root: Path) -> None:
    (journal_root / "backend").mkdir()
    (journal_root / "elsewhere").mkdir()
    _session(
        journal_root,
        [
            {"title": "Own cwd", "command": "pwd", "cwd": "backend", "timeout_s": 7},
            {"title": "Default cwd", "command": "pwd"},
            {"title": "Manual check"},
        ],
    )
    journal = Journal.open(journal_root)
    steps = plan(journal, SID).steps
    assert [s.cwd for s in steps[:2]] == [journal_root / "backend", journal_root]
    assert [s.timeout_s for s in steps] == [7, 300, 300]
    planned = plan(journal, SID, cwd=journal_root / "elsewhere", timeout_s=9)
    steps = planned.steps
    assert [s.cwd for s in steps[:2]] == [
        journal_root / "backend",
        journal_root / "elsewhere",
    ]
    assert [s.timeout_s for s in steps] == [7, 9, 9]
    results = run(journal, planned)
    assert [r.status for r in results] == ["passed", "passed", "manual"]
    assert results[0].excerpt == str(journal_root / "backend")
    assert results[1].excerpt == str(journal_root / "elsewhere")


def test_dry_run_runs_nothing_and_writes_nothing(cli: Cli) -> None:
    _session(
        cli.root,
        [{"title": "Touch", "command": "touch ran-it", "expect": "a file"}],
        success_criteria=[{"text": "File exists", "validation": "Touch"}],
    )
    before = snapshot(cli.root)
    result = cli.ok("verify", SID, "--dry-run")
    assert result.lines == [
        f"would run in {SID} (nothing has run):",
        f"  1. Touch  [in {cli.root}, timeout 300s]",
        "       $ touch ran-it",
        "       expect: a file",
        "       ticks criteria 1 when it passes",
    ]
    data = json.loads(cli.ok("verify", SID, "--dry-run", "--json").out)
    assert data["would_run"][0]["command"] == "touch ran-it"
    assert snapshot(cli.root) == before
    assert not (cli.root / "ran-it").exists()


def test_cli_exit_code_and_json(cli: Cli) -> None:
    _session(
        cli.root,
        [
            {"title": "Ok", "command": "true"},
            {"title": "Broken", "command": "exit 5"},
        ],
    )
    result = cli("verify", SID, "--json")
    assert result.code == 1
    data = json.loads(result.out)
    assert [(r["title"], r["status"], r["exit_code"]) for r in data["results"]] == [
        ("Ok", "passed", 0),
        ("Broken", "failed", 5),
    ]
    only_ok = cli("verify", SID, "--step", "1")
    assert only_ok.code == 0
    assert only_ok.out.startswith("ok   1. Ok (exit 0, ")


@pytest.mark.parametrize(
    ("validation", "args", "code", "message"),
    [
        (
            [],
            (),
            2,
            f"{SID} has no validation steps — add one: journal validate add "
            '"Build passes" --command "make test"',
        ),
        (
            [{"title": "A", "command": "touch ran-it", "cwd": "missing"}],
            (),
            1,
            None,  # checked below: names the folder
        ),
        (
            [{"title": "A", "command": "touch ran-it"}],
            ("--step", "3"),
            2,
            "there is no validation step 3 (the session has 1) — see the numbers "
            "with `journal show`",
        ),
        (
            [{"title": "A", "command": "touch ran-it"}],
            ("--timeout", "0"),
            2,
            "--timeout 0 must be above 0 — give seconds",
        ),
    ],
)
def test_verify_errors_run_and_change_nothing(
    cli: Cli,
    validation: list[dict[str, Any]],
    args: tuple[str, ...],
    code: int,
    message: str | None,
) -> None:
    _session(cli.root, validation)
    before = snapshot(cli.root)
    result = cli("verify", SID, *args)
    assert result.code == code, result.err
    if message is None:
        assert result.err == (
            f"journal: error: validation step 1 runs in {cli.root / 'missing'}: no "
            "such folder — fix its cwd, or pass --cwd\n"
        )
    else:
        assert result.err == f"journal: error: {message}\n"
    assert snapshot(cli.root) == before
    assert not (cli.root / "ran-it").exists()
