"""`journal render ID` and `journal show`, through the real command line."""

from __future__ import annotations

from tests.conftest import REPO, Cli, run_journal


def test_render_prints_the_active_session(cli: Cli, session_id: str) -> None:
    cli.ok("log", "Workers failing", "--kind", "detected", "--at", "2025-11-04T01:02Z")
    out = cli.ok("render").out
    assert out.startswith("# Session 8: SQLAlchemy mapper error\n")
    assert "| 01:02 | detected | Workers failing |" in out
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert cli.ok("render", "8").out == out
    assert cli.ok("render", "2025-11-04-sql").out == out


def test_render_to_a_file(cli: Cli, session_id: str) -> None:
    target = cli.root / "out" / "report.md"
    target.parent.mkdir()
    result = cli.ok("render", "-o", str(target))
    assert "wrote" in result.out
    assert target.read_bytes() == cli.ok("render").out.encode("utf-8")


def test_render_errors_are_one_line(cli: Cli, unchanged: None) -> None:
    for args, message in (
        (("render",), "no active session"),
        (("render", "nope"), "no session matches 'nope'"),
        (("render", "8", "--all"), "not both"),
    ):
        result = cli(*args)
        assert result.code in (1, 2), result
        assert message in result.err
        assert result.err.count("\n") == 1
        assert result.out == ""


def test_render_of_an_invalid_session_names_the_file(cli: Cli, session_id: str) -> None:
    path = cli.root / "sessions" / session_id / "session.yaml"
    path.write_text(path.read_text("utf-8") + "severity: [\n", "utf-8")
    result = cli("render")
    assert result.code == 1
    assert "session.yaml:" in result.err and "Traceback" not in result.err


def test_show_formats_the_report_for_the_terminal() -> None:
    result = run_journal("show", "8", "--no-pager", cwd=REPO, env={"COLUMNS": "100"})
    assert result.code == 0, result.err
    assert "Session 8: SQLAlchemy mapper error" in result.out
    assert "## " not in result.out and "|---|" not in result.out
    assert "Options considered" in result.out and "Chosen" in result.out
    assert "<br>" not in result.out


def test_show_turns_cell_line_breaks_into_line_breaks(
    cli: Cli, session_id: str
) -> None:
    cli.ok("option", "add", "Roll back", "--pro", "fast", "--pro", "known state")
    out = cli.ok("show", "--no-pager", env={"COLUMNS": "120"}).out
    assert "<br>" not in out
    assert "fast" in out and "known state" in out
    assert "fastknown" not in out


def test_show_ascii(cli: Cli, session_id: str) -> None:
    cli.ok("log", "key moment", "--star")
    assert "⭐" in cli.ok("show", "--no-pager").out
    assert "⭐" not in cli.ok("show", "--ascii", "--no-pager").out
