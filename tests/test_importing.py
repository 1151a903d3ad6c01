"""`journal import` through the real CLI: folders written, nothing lost or overwritten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.conftest import Cli, snapshot

EXAMPLE = Path(__file__).parent / "fixtures" / "import" / "session-8-sqlalchemy-fix.md"
FIXTURES = EXAMPLE.parent
SID = "2025-11-04-sqlalchemy-mapper-error-critical-fix"


def _session(cli: Cli, session_id: str = SID) -> dict:
    return yaml.safe_load(
        (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )


def test_the_example_report_becomes_a_valid_session(cli: Cli) -> None:
    out = json.loads(cli.ok("import", str(EXAMPLE), "--json").out)
    assert out["totals"]["sessions"] == 1 and out["files"][0]["session_id"] == SID
    data = _session(cli)
    assert data["number"] == 8 and data["severity"] == "critical"
    assert len(data["options"]) == 3 and len(data["success_criteria"]) == 11
    assert len(data["validation"]) == 5 and len(data["lessons"]) == 3
    text = (cli.root / "sessions" / SID / "session.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../../journal.schema.json")
    assert "✅" in text and "‚ú" not in text and "‚ùå" not in text
    timeline = (cli.root / "sessions" / SID / "timeline.yaml").read_text()
    assert '"sha": "fa1b1d5"' in timeline and timeline.count("\n") == 6
    cli.ok("list")  # the imported session loads and validates
    assert out["totals"]["mojibake_repaired"] > 0


def test_reimporting_the_same_report_is_a_no_op(cli: Cli) -> None:
    cli.ok("import", str(EXAMPLE))
    before = snapshot(cli.root)
    again = json.loads(cli.ok("import", str(EXAMPLE), "--json").out)
    assert again["files"][0]["skipped"] == "already imported"
    assert snapshot(cli.root) == before


def test_dry_run_writes_nothing(cli: Cli) -> None:
    before = snapshot(cli.root)
    out = json.loads(cli.ok("import", str(FIXTURES), "--dry-run", "--json").out)
    assert out["dry_run"] and out["totals"]["sessions"] >= 10
    assert snapshot(cli.root) == before


_SHAPES = (
    "# Outage\n\n**Date:** 2024-05-02\n\n## Timeline\n\n- 10:00 start\n"
    "- 10:3O typo\n\n## Notes\n\n[x] checked alone\n\n- 11:15 a time outside\n"
    "\n## Checklist\n\n- [x] Backups verified\n\n## Lessons Learned\n\n- One\n"
)


def test_dry_run_shows_what_was_understood_and_what_was_not(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "outage.md"
    report.write_text(_SHAPES, encoding="utf-8")
    lines = cli.ok("import", str(report), "--dry-run").lines
    assert "      1 events, 1 criteria, 0 next steps, 0 options, 1 lessons" in lines
    assert "      kept as text: Notes" in lines
    assert [line.split(": ", 1)[1] for line in lines if "not understood" in line] == [
        f"{report}:8: looks like a time or date, but could not be read: - 10:3O typo",
        f"{report}:12: a checkbox outside a checklist: [x] checked alone",
        f"{report}:14: a time or date outside any timeline: - 11:15 a time outside",
    ]
    data = json.loads(cli.ok("import", str(report), "--dry-run", "--json").out)
    (outcome,) = data["files"]
    assert (outcome["lessons"], outcome["kept"]) == (1, ["Notes"])
    assert len(outcome["unread"]) == data["totals"]["unread"] == 3


def test_a_folder_imports_every_markdown_file_and_prints_a_summary(cli: Cli) -> None:
    result = cli.ok("import", str(FIXTURES))
    assert "files" in result.out and "sessions" in result.out and "events" in result.out
    assert "skipped: the file is empty" in result.err
    ids = [p.name for p in (cli.root / "sessions").iterdir()]
    assert len(ids) == len(list(FIXTURES.rglob("*.md"))) - 1  # empty.md is skipped
    for session_id in ids:  # every imported session passes the model
        cli.ok("set", "--session", session_id, "tags", "[imported]")


def test_undecodable_file_is_reported_and_the_others_still_import(
    cli: Cli, tmp_path: Path
) -> None:
    bad = tmp_path / "latin1.md"
    bad.write_bytes("# Panne du caf\xe9\n\nTout va mal.\n".encode("latin-1"))
    shutil.copy(EXAMPLE, tmp_path / "good.md")
    result = cli("import", str(tmp_path))
    assert result.code == 1
    assert "journal: error: " in result.err
    assert "latin1.md:1: is not valid UTF-8 (byte 0xe9); nothing imported" in result.err
    assert (cli.root / "sessions" / SID).is_dir()
    assert not any("panne" in p.name for p in (cli.root / "sessions").iterdir())


def test_a_binary_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = cli("import", str(binary))
    assert result.code == 1 and "is a binary file" in result.err


def test_into_outside_the_journal_is_refused(cli: Cli, tmp_path: Path) -> None:
    before = snapshot(cli.root)
    result = cli("import", str(EXAMPLE), "--into", str(tmp_path / "elsewhere"))
    assert result.code == 2 and "is outside the journal" in result.err
    assert not (tmp_path / "elsewhere").exists()
    assert snapshot(cli.root) == before


def test_into_a_folder_of_the_journal(cli: Cli) -> None:
    cli.ok("import", str(EXAMPLE), "--into", "archive/2025")
    text = (cli.root / "archive" / "2025" / SID / "session.yaml").read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../../journal.schema.json"
    )


def test_secrets_in_reports_are_redacted_on_import(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "leak.md"
    token = "ghp_" + "Zx9" * 12
    report.write_text(
        "# Incident 3: Deploy key leaked\n\n**Date:** 2025-01-02\n\n"
        f"## Summary\n\nThe CI log printed {token} and postgresql://app:hunter2@db/prod.\n"
    )
    out = json.loads(cli.ok("import", str(report), "--json").out)
    assert out["totals"]["redacted"] == 2
    text = next((cli.root / "sessions").glob("*/session.yaml")).read_text()
    assert token not in text and "hunter2" not in text
    assert "[REDACTED:github-token]" in text and "[REDACTED:url-password]" in text


def test_missing_path_is_one_line(cli: Cli) -> None:
    result = cli("import", "no-such-report.md")
    assert result.code == 1
    assert result.err.strip() == (
        "journal: error: cannot import no-such-report.md: no such file or folder"
    )
