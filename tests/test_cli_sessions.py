"""init, new, use, list, set, close, edit, schema — through the real command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import Cli, run_journal, snapshot

SID = "2025-11-04-sqlalchemy-mapper-error"


def test_init_writes_config_schema_attributes_and_keeps_existing_files(
    tmp_path: Path,
) -> None:
    first = run_journal("init", cwd=tmp_path)
    assert first.code == 0, first.err
    assert (tmp_path / "journal.yaml").is_file()
    assert json.loads((tmp_path / "journal.schema.json").read_text())["title"]
    assert (
        "sessions/*/timeline.yaml merge=union"
        in (tmp_path / ".gitattributes").read_text()
    )
    (tmp_path / "journal.yaml").write_text("timezone: Europe/Berlin\n")
    again = run_journal("init", "--json", cwd=tmp_path)
    assert "journal.yaml" in json.loads(again.out)["kept"]
    assert (tmp_path / "journal.yaml").read_text() == "timezone: Europe/Berlin\n"
    assert (tmp_path / ".gitattributes").read_text().count("merge=union") == 1


def test_new_creates_the_folder_activates_it_and_carries_the_modeline(cli: Cli) -> None:
    out = cli.ok(
        "new",
        "SQLAlchemy mapper error",
        "--severity",
        "critical",
        "--tag",
        "db",
        "--at",
        "2025-11-04T01:00Z",
        "--number",
        "8",
        "--json",
    )
    assert json.loads(out.out)["session"] == SID
    text = (cli.root / "sessions" / SID / "session.yaml").read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../journal.schema.json\n"
    )
    data = yaml.safe_load(text)
    assert data["started"] == "2025-11-04T01:00:00+00:00"
    assert (
        'started: "2025-11-04T01:00:00+00:00"' in text
    )  # quoted, never a YAML timestamp
    assert (data["number"], data["severity"], data["tags"]) == (8, "critical", ["db"])
    assert (cli.root / "sessions" / SID / "timeline.yaml").read_text() == ""
    assert json.loads(cli.ok("list", "--json").out)[0]["active"] is True


def test_same_title_same_day_gets_a_distinct_folder(cli: Cli) -> None:
    cli.ok("new", "Disk full", "--at", "2025-11-04T01:00Z")
    second = cli.ok("new", "Disk full", "--at", "2025-11-04T05:00Z", "--json")
    assert json.loads(second.out)["session"] == "2025-11-04-disk-full-2"


def test_number_next_counts_on_from_the_highest(cli: Cli, session_id: str) -> None:
    out = cli.ok("new", "Follow-up", "--number", "next", "--previous", "8", "--json")
    created = json.loads(out.out)["session"]
    data = yaml.safe_load(
        (cli.root / "sessions" / created / "session.yaml").read_text()
    )
    assert (data["number"], data["previous"]) == (9, session_id)


def test_use_accepts_id_prefix_slug_prefix_and_number(
    cli: Cli, session_id: str
) -> None:
    cli.ok("new", "Other", "--at", "2025-12-01T00:00Z")
    for ref in (session_id, "2025-11", "sqlalchemy", "8", "#8"):
        out = cli.ok("use", ref, "--json")
        assert json.loads(out.out)["active"] == session_id


def test_ambiguous_prefix_names_the_candidates(cli: Cli, session_id: str) -> None:
    cli.ok("new", "Second", "--at", "2025-11-04T05:00Z", "--no-activate")
    before = snapshot(cli.root)
    result = cli("use", "2025-11-04")
    assert snapshot(cli.root) == before
    assert result.code == 1
    assert "matches 2 sessions" in result.err and session_id in result.err


def test_list_filters_by_status_and_shows_newest_first(
    cli: Cli, session_id: str
) -> None:
    cli.ok("new", "Later", "--at", "2025-12-01T00:00Z", "--status", "investigating")
    rows = json.loads(cli.ok("list", "--json").out)
    assert [r["id"] for r in rows] == ["2025-12-01-later", session_id]
    only = json.loads(cli.ok("list", "--status", "open", "--json").out)
    assert [r["id"] for r in only] == [session_id]
    assert "SQLAlchemy mapper error" in cli.ok("list").out


def test_list_shows_a_broken_session_instead_of_failing(
    cli: Cli, session_id: str
) -> None:
    (cli.root / "sessions" / session_id / "session.yaml").write_text(
        "title: [unclosed\n"
    )
    rows = json.loads(cli.ok("list", "--json").out)
    assert rows[0]["status"] == "invalid" and "cannot load" in rows[0]["title"]


def test_set_types_values_by_field(cli: Cli, session_id: str) -> None:
    cli.ok("set", "number", "12")
    cli.ok("set", "root_cause.summary", "Organization.schools points nowhere")
    cli.ok("set", "tags", "[a, b]")
    cli.ok("set", "ended", "2025-11-04T01:10Z")
    cli.ok("set", "summary", "line one\nline two")
    path = cli.root / "sessions" / session_id / "session.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["number"] == 12 and data["tags"] == ["a", "b"]
    assert data["root_cause"]["summary"] == "Organization.schools points nowhere"
    assert data["ended"] == "2025-11-04T01:10:00+00:00"
    assert data["summary"] == "line one\nline two\n"
    assert "summary: |" in path.read_text()
    cli.ok("set", "ended", "null")
    assert "ended" not in yaml.safe_load(path.read_text())


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (
            ("set", "root_cuase.summary", "x"),
            "unknown field 'root_cuase' — did you mean 'root_cause'?",
            2,  # a path that names no field is bad usage, as "there is no item 3" is
        ),
        (("set", "number", "eight"), "'eight' is not a number", 2),
        (("set", "status", "exploded"), "unknown status 'exploded'", 1),
        (("set", "severity", "apocalyptic"), "unknown severity 'apocalyptic'", 1),
        (("set", "options.3.title", "x"), "there is no item 3", 2),
        (("set", "root_cause", "x"), "root_cause is a group of fields", 2),
        (("set", "ended", "25:99"), "is not a time of day", 2),
        (("use", "../../etc"), "is not a session id", 2),
        (("use", "/etc/passwd"), "is not a session id", 2),
        (("use", "x;rm -rf ~"), "is not a session id", 2),
        (("use", "nope"), "no session matches 'nope'", 1),
        (
            ("new", "X", "--severity", "apocalyptic"),
            "unknown severity 'apocalyptic'",
            2,
        ),
        (("close", "--status", "exploded"), "unknown status 'exploded'", 2),
        (("log", "x", "--kind", "detcted"), "did you mean 'detected'?", 2),
        (
            ("log", "x", "--at", "tomorrow-ish"),
            "cannot read 'tomorrow-ish' as a time",
            2,
        ),
        (("log", "x", "--at", "2025-03-30T02:30", "--json"), "", 0),
        (("frobnicate",), "No such command 'frobnicate'", 2),
        (("log", "x", "--bogus"), "No such option: --bogus", 2),
    ],
)
def test_bad_input_gets_one_line_and_changes_nothing(
    cli: Cli, session_id: str, args: tuple[str, ...], message: str, code: int
) -> None:
    before = snapshot(cli.root)
    result = cli(*args)
    assert result.code == code, result.err
    if code:
        assert message in result.err
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert "Traceback" not in result.err
        assert snapshot(cli.root) == before


def test_invalid_yaml_is_reported_with_file_line_and_column(
    cli: Cli, session_id: str
) -> None:
    path = cli.root / "sessions" / session_id / "session.yaml"
    path.write_text("title: ok\nstatus: open\ntags:\n\t- bad\n")
    before = snapshot(cli.root)
    result = cli("set", "summary", "x")
    assert result.code == 1
    assert f"sessions/{session_id}/session.yaml:4:1" in result.err
    assert "tabs" in result.err
    assert snapshot(cli.root) == before


def test_schema_errors_point_at_the_offending_line(cli: Cli, session_id: str) -> None:
    path = cli.root / "sessions" / session_id / "session.yaml"
    path.write_text("title: ok\noptions:\n  - title: a\n    decison: chosen\n")
    result = cli("set", "summary", "x")
    assert "session.yaml:4:5: unknown field 'options[0].decison'" in result.err
    assert "did you mean 'decision'?" in result.err


def test_outside_a_journal_says_how_to_start_one(tmp_path: Path) -> None:
    result = run_journal("list", cwd=tmp_path)
    assert result.code == 1
    assert "no journal here" in result.err and "journal init" in result.err


def test_close_sets_status_end_and_logs_resolved_once(
    cli: Cli, session_id: str
) -> None:
    cli.ok("log", "fixed", "--kind", "resolved", "--at", "2025-11-04T01:09Z")
    cli.ok("close", "--at", "2025-11-04T01:10Z")
    data = yaml.safe_load(
        (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )
    assert (data["status"], data["ended"]) == ("resolved", "2025-11-04T01:10:00+00:00")
    timeline = (cli.root / "sessions" / session_id / "timeline.yaml").read_text()
    assert timeline.count('"resolved"') == 1
    assert "no active session" in cli("log", "after close").err


def test_close_logs_a_resolved_event_when_there_is_none(
    cli: Cli, session_id: str
) -> None:
    cli.ok("close", "--at", "2025-11-04T01:10Z")
    timeline = (cli.root / "sessions" / session_id / "timeline.yaml").read_text()
    assert '"kind": "resolved"' in timeline and "01:10:00" in timeline


def test_schema_command_prints_json_schema(cli: Cli) -> None:
    schema = json.loads(cli.ok("schema").out)
    assert "title" in schema["$defs"]["Session"]["properties"]


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[1])\n{body}\n")
    return f"{sys.executable} {script}"


def test_edit_saves_a_valid_change(cli: Cli, session_id: str, tmp_path: Path) -> None:
    editor = _editor(tmp_path, "p.write_text(p.read_text() + 'summary: edited\\n')")
    cli.ok("edit", env={"EDITOR": editor})
    data = yaml.safe_load(
        (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )
    assert data["summary"] == "edited"


def test_edit_never_leaves_an_invalid_file(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    editor = _editor(tmp_path, "p.write_text(p.read_text() + 'titel: typo\\n')")
    before = snapshot(cli.root)
    result = cli("edit", env={"EDITOR": editor})
    assert result.code == 2
    assert "not saved" in result.err and "did you mean 'title'?" in result.err
    assert "your edit is kept in" in result.err
    assert snapshot(cli.root) == before


def test_after_close_render_shows_the_closed_session_and_writes_name_it(
    cli: Cli, session_id: str
) -> None:
    cli.ok("close", "--at", "2025-11-04T01:10Z")
    assert cli.ok("render").out.startswith("# Session 8: SQLAlchemy mapper error")
    assert json.loads(cli.ok("export").out)["id"] == session_id
    result = cli("lesson", "add", "Written after closing")
    assert result.code == 1
    assert f"the last one, {session_id}, was closed" in result.err
    assert f"--session {session_id}" in result.err
    cli.ok("lesson", "add", "Written after closing", "--session", session_id)
