"""`journal check` on the command line: exit codes, text and JSON output, --fix."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli, snapshot
from tests.handmade import event, write_session

SID = "2025-11-04-mapper-error"


def _session(root: Path, **fields: object) -> Path:
    base = {
        "status": "investigating",
        "started": "2025-11-04T01:00:00+00:00",
        "options": [{"title": "A", "decision": "chosen"}],
    }
    base.update(fields)
    return write_session(
        root, SID, base, [event("2025-11-04T01:02:00+00:00", "detected")]
    )


def test_clean_journal_exits_0_with_a_summary(cli: Cli) -> None:
    _session(cli.root)
    result = cli.ok("check")
    assert result.out == "1 session(s) checked: 0 error(s), 0 warning(s)\n"


def test_warnings_alone_exit_0(cli: Cli) -> None:
    _session(cli.root, options=[{"title": "A"}, {"title": "B"}])
    result = cli("check")
    assert result.code == 0
    assert result.lines[0] == (
        f"sessions/{SID}/session.yaml:5: warning [options-none-chosen] 2 option(s) "
        "weighed but none chosen — choose one with `journal option choose N -S "
        f"{SID}`"
    )


def test_an_error_exits_1_and_names_file_line_rule_and_hint(cli: Cli) -> None:
    _session(cli.root, previous="2025-10-01-gone")
    before = snapshot(cli.root)
    result = cli("check")
    assert result.code == 1
    assert result.lines == [
        f"sessions/{SID}/session.yaml:8: error [previous-missing] previous session "
        "'2025-10-01-gone' does not exist — give the folder name of an existing "
        "session (see `journal list`), or remove `previous`",
        "1 session(s) checked: 1 error(s), 0 warning(s)",
    ]
    assert snapshot(cli.root) == before


def test_json_output_shape(cli: Cli) -> None:
    _session(cli.root, status="resolved", options=[{"title": "A"}])
    result = cli("check", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["summary"] == {"sessions": 1, "errors": 1, "warnings": 1, "fixed": 0}
    assert [f["rule"] for f in data["findings"]] == [
        "closed-no-resolved",
        "options-none-chosen",
    ]
    finding = data["findings"][0]
    assert set(finding) == {
        "rule",
        "severity",
        "file",
        "line",
        "message",
        "hint",
        "session",
        "fixed",
    }
    assert finding["severity"] == "error" and finding["line"] == 3
    assert json.loads(cli("check", "--json").out) == data


def test_fix_repairs_a_torn_line_and_then_passes(cli: Cli) -> None:
    folder = _session(cli.root)
    timeline = folder / "timeline.yaml"
    timeline.write_text(
        timeline.read_text() + '- {"at": "2025-11-04T01:30:00+00:00", "kind": "note"'
    )
    torn = cli("check")
    assert torn.code == 1
    assert "error [timeline-torn] the last line is torn" in torn.out
    fixed = cli("check", "--fix")
    assert fixed.code == 0, fixed.out
    assert "fixed [timeline-torn] the torn line 2 was repaired" in fixed.out
    assert timeline.read_text().splitlines()[-1] == (
        '- {"at": "2025-11-04T01:30:00+00:00", "kind": "note"}'
    )
    assert cli("check").code == 0


def test_check_named_sessions_and_unknown_one(cli: Cli) -> None:
    _session(cli.root)
    write_session(cli.root, "2025-11-05-other", {"previous": "2025-01-01-gone"})
    assert cli("check", SID).code == 0
    assert cli("check").code == 1
    before = snapshot(cli.root)
    result = cli("check", "nothing-like-it")
    assert result.code == 1
    assert result.err == (
        "journal: error: no session matches 'nothing-like-it' — see `journal list`\n"
    )
    assert snapshot(cli.root) == before


def test_bad_format_is_a_usage_error(cli: Cli) -> None:
    result = cli("check", "--format", "xml")
    assert result.code == 2
    assert "'xml' is not one of 'text', 'json'" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_rules_are_listed(cli: Cli) -> None:
    rows = json.loads(cli.ok("check", "--rules", "--json").out)
    by_id = {row["id"]: row for row in rows}
    assert by_id["timeline-torn"]["severity"] == "error"
    assert by_id["step-overdue"]["severity"] == "warning"
    assert all(row["summary"] for row in rows)
    text = cli.ok("check", "--rules").out
    assert text.splitlines()[0].split()[:2] == ["merge-conflict", "error"]
    assert text.splitlines()[1].split()[:2] == ["schema", "error"]


def test_help_of_every_new_command(cli: Cli) -> None:
    for args in (
        ("check",),
        ("stats",),
        ("todo",),
        ("verify",),
        ("exec",),
        ("step", "carry"),
        ("step", "done"),
    ):
        result = cli.ok(*args, "--help")
        assert result.out.startswith("Usage: journal " + " ".join(args)), args


def test_offered_as_a_pre_commit_hook() -> None:
    import re

    import yaml

    repo = Path(__file__).resolve().parent.parent
    hooks = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "journal-check")
    assert hook["entry"] == "journal check"
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("sessions/2025-11-04-x/timeline.yaml")
    assert pattern.search("journal.yaml")
    assert not pattern.search("src/app.py")
