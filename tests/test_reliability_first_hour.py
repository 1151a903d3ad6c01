"""Issue 26, items 10, 11, 12, 16 and 17: what a new user's first hour (and a crash)
does to a journal, through the real command line. Each test names its item."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result

SID = "2025-11-04-database-down"
OTHER = "2025-11-03-cache-misses"
TORN = b'- {"at": "2025-11-04T01:05:00+00:00", "ki'


def _two_sessions(cli: Cli) -> tuple[Path, Path]:
    """Two sessions, SID (active) with two events, OTHER with one; their folders."""
    cli.ok("new", "Cache misses", "--at", "2025-11-03T09:00Z")
    cli.ok("log", "cache cold", "--at", "2025-11-03T09:05Z")
    cli.ok("new", "Database down", "--at", "2025-11-04T01:00Z")
    cli.ok("log", "first", "--at", "2025-11-04T01:02Z")
    cli.ok("log", "second", "--at", "2025-11-04T01:04Z")
    sessions = cli.root / "sessions"
    return sessions / SID, sessions / OTHER


def _one_warning(result: Result, *fragments: str) -> str:
    """The one `journal: warning:` line of `result`, holding every fragment."""
    warnings = [line for line in result.err.splitlines() if "warning:" in line]
    assert len(warnings) == 1, result.err
    for fragment in fragments:
        assert fragment in warnings[0], warnings[0]
    return warnings[0]


def _clean(result: Result) -> None:
    assert "Traceback" not in result.err and "internal error" not in result.err, (
        result.err
    )


# --- item 10: a torn line -----------------------------------------------------------


def test_item10_torn_line_set_aside_before_the_next_log(cli: Cli) -> None:
    folder, _ = _two_sessions(cli)
    timeline = folder / "timeline.yaml"
    with timeline.open("ab") as handle:  # a crash in the middle of an append
        handle.write(TORN)
    logged = cli.ok("log", "third", "--at", "2025-11-04T01:06Z")
    _one_warning(
        logged, f"sessions/{SID}/timeline.yaml", f"sessions/{SID}/timeline.yaml.torn"
    )
    # Nothing typed is dropped: the torn bytes are kept, whole, beside the timeline.
    assert (folder / "timeline.yaml.torn").read_bytes() == TORN + b"\n"
    assert timeline.read_bytes().count(b"\n") == 3
    for command in ("show", "render", "export"):
        result = cli.ok(command)
        assert result.err == "", (command, result.err)
        assert "third" in result.out and "second" in result.out
    assert cli("check").code == 0


def _torn_in_the_middle(cli: Cli) -> Path:
    """A timeline as appends before this fix left it: a torn line, then more."""
    folder, _ = _two_sessions(cli)
    timeline = folder / "timeline.yaml"
    first, second = timeline.read_bytes().splitlines(keepends=True)
    timeline.write_bytes(first + TORN + b"\n" + second)
    return timeline


def test_item10_readers_show_the_rest_of_a_session_with_a_torn_line(cli: Cli) -> None:
    timeline = _torn_in_the_middle(cli)
    before = timeline.read_bytes()
    where = f"sessions/{SID}/timeline.yaml:2"
    for command in (("show",), ("render",), ("export",)):
        result = cli(*command)
        _clean(result)
        assert result.code == 0, (command, result.err)
        _one_warning(result, where, "journal check --fix")
        assert "first" in result.out and "second" in result.out, command
    exported = json.loads(cli.ok("export").out)
    assert [e["text"] for e in exported["timeline"]] == ["first", "second"]
    listed = cli.ok("list")
    _one_warning(listed, f"sessions/{SID}/timeline.yaml", "journal check --fix")
    assert f"{SID}" in listed.out and "2 ev" in listed.out
    assert timeline.read_bytes() == before  # readers never write


def test_item10_check_reports_and_fix_repairs_a_torn_line_anywhere(cli: Cli) -> None:
    timeline = _torn_in_the_middle(cli)
    reported = cli("check")
    assert reported.code == 1
    assert "timeline.yaml:2: error [timeline-torn]" in reported.out
    fixed = cli("check", "--fix")
    assert fixed.code == 0, fixed.out
    assert "fixed [timeline-torn]" in fixed.out and "timeline.yaml.torn" in fixed.out
    assert (timeline.parent / "timeline.yaml.torn").read_bytes() == TORN + b"\n"
    texts = [json.loads(line[2:])["text"] for line in timeline.read_text().splitlines()]
    assert texts == ["first", "second"]
    assert cli("check").code == 0
    assert cli.ok("show").err == ""


def test_item10_a_torn_line_that_is_a_whole_event_but_its_brace_is_kept(
    cli: Cli,
) -> None:
    folder, _ = _two_sessions(cli)
    timeline = folder / "timeline.yaml"
    whole = b'- {"at": "2025-11-04T01:05:00+00:00", "kind": "note", "text": "typed"'
    with timeline.open("ab") as handle:
        handle.write(whole)
    logged = cli.ok("log", "after", "--at", "2025-11-04T01:06Z")
    _one_warning(logged, "completed (its event is kept)")
    texts = [e["text"] for e in json.loads(cli.ok("export").out)["timeline"]]
    assert texts == ["first", "second", "typed", "after"]
    assert not (folder / "timeline.yaml.torn").exists()


def test_item10_the_site_shows_a_session_with_a_torn_line(cli: Cli) -> None:
    _torn_in_the_middle(cli)
    built = cli("site", "build", "-o", str(cli.root.parent / "out"))
    _clean(built)
    assert built.code == 0, built.err
    assert f"sessions/{SID}/timeline.yaml:2" in built.err
    page = next((cli.root.parent / "out").rglob(f"{SID}*/index.html"))
    assert "second" in page.read_text()


# --- item 16: a session file that is not a file ---------------------------------------


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _no_permission(path: Path) -> None:
    path.chmod(0)


BREAKERS: dict[str, Callable[[Path], None]] = {"folder": _folder, "fifo": _fifo}
if os.geteuid() != 0:  # root reads any file: a folder and a pipe stand in for it
    BREAKERS["unreadable"] = _no_permission

OVER_ALL = (
    ("list",),
    ("stats",),
    ("todo",),
    ("related", SID),
    ("render", "--all"),
)


@pytest.mark.parametrize("name", ["timeline.yaml", "session.yaml"])
@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_item16_an_unreadable_session_file_is_one_line_never_a_crash(
    cli: Cli, name: str, breaker: str
) -> None:
    _, other = _two_sessions(cli)
    cli.ok("step", "add", "page the DBA")  # something for `todo` to list
    BREAKERS[breaker](other / name)
    shown = f"sessions/{OTHER}/{name}"
    for command in OVER_ALL:
        result = cli(*command)
        _clean(result)
        assert SID in result.out or command[0] in ("todo", "render"), (command, result)
        if command[0] == "render":  # a report per session: the broken one named
            assert result.code == 1 and shown in result.err, result.err
            assert (cli.root / "reports" / f"{SID}.md").is_file()
        else:
            assert result.code == 0, (command, result.err)
    assert "page the DBA" in cli.ok("todo").out
    checked = cli("check")
    _clean(checked)
    assert checked.code == 1 and f"{shown}: error" in checked.out, checked.out
    for command in ("show", "render", "export"):
        alone = cli(command, OTHER)
        _clean(alone)
        assert alone.code == 1, (command, alone.err)
        assert alone.err.count("\n") == 1 and shown in alone.err, alone.err
        assert cli(command, SID).code == 0, command
    built = cli("site", "build", "-o", str(cli.root.parent / f"out-{breaker}"))
    _clean(built)
    assert built.code == 0 and shown in built.err, built.err
