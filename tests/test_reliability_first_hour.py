"""Issue 26, items 10, 11, 12, 16 and 17: what a new user's first hour (and a crash)
does to a journal, through the real command line. Each test names its item."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, git

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


# --- item 11: relative times across a DST change; `list` by start time ------------------


@pytest.mark.parametrize(
    ("now", "at", "stored"),
    [
        # Spring forward (02:00 → 03:00): two real hours before 03:30 CEST.
        ("2025-03-30T03:30:00+02:00", "-2h", "2025-03-30T00:30:00+01:00"),
        # Fall back (03:00 → 02:00): an hour before the second 02:30 is the first.
        ("2025-10-26T02:30:00+01:00", "-1h", "2025-10-26T02:30:00+02:00"),
        ("2025-03-30T12:00:00+02:00", "-1d", "2025-03-29T11:00:00+01:00"),
    ],
)
def test_item11_relative_at_across_a_dst_change(
    cli: Cli, now: str, at: str, stored: str
) -> None:
    config = cli.root / "journal.yaml"
    config.write_text(
        config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin")
    )
    env = {"JOURNAL_NOW": now}
    cli.ok("new", "Clock change", "--at", "2025-03-29T00:00Z", env=env)
    cli.ok("log", "back then", "--at", at, env=env)
    events = json.loads(cli.ok("export").out)["timeline"]
    assert [e["at"] for e in events] == [stored]


def test_item11_relative_clock_time_on_a_dst_day_is_not_pushed_a_day_back(
    cli: Cli,
) -> None:
    config = cli.root / "journal.yaml"
    config.write_text(
        config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin")
    )
    # 01:50 CET, ten minutes before the clocks go forward: 03:40 CEST is 50 real
    # minutes ahead (within the hour of slack), so it is today, not yesterday
    # (the wall clocks differ by 1 h 50).
    env = {"JOURNAL_NOW": "2025-03-30T01:50:00+01:00"}
    cli.ok("new", "Clock change", "--at", "2025-03-30T00:00Z", env=env)
    cli.ok("log", "soon", "--at", "03:40", env=env)
    events = json.loads(cli.ok("export").out)["timeline"]
    assert events[0]["at"] == "2025-03-30T03:40:00+02:00"


def test_item11_list_orders_by_start_time_newest_first(cli: Cli) -> None:
    # Folder names sort the other way round: "zz…" began first, "aa…" last.
    cli.ok("new", "Zz began first", "--at", "2025-11-04T01:00Z")
    cli.ok("new", "Aa began last", "--at", "2025-11-04T23:00Z")
    cli.ok("new", "Mm in the middle", "--at", "2025-11-04T12:00Z")
    cli.ok("new", "Moved later", "--at", "2025-11-01T00:00Z")
    cli.ok("set", "started", "2025-11-05T08:00:00+00:00")
    expected = [
        "2025-11-01-moved-later",
        "2025-11-04-aa-began-last",
        "2025-11-04-mm-in-the-middle",
        "2025-11-04-zz-began-first",
    ]
    fast = cli.ok("list")
    assert [line[2:].split()[0] for line in fast.lines] == expected
    as_json = json.loads(cli.ok("list", "--json").out)
    assert [row["id"] for row in as_json] == expected
    # The typer command (JOURNAL_NO_FAST=1 sends every command to it).
    full = cli.ok("list", "--status", "open", env={"JOURNAL_NO_FAST": "1"})
    assert [line[2:].split()[0] for line in full.lines] == expected


def test_item11_sessions_that_began_together_list_by_folder_name(cli: Cli) -> None:
    for title in ("Bravo", "Alpha", "Charlie"):
        cli.ok("new", title, "--at", "2025-11-04T01:00Z")
    rows = json.loads(cli.ok("list", "--json").out)
    assert [row["id"][11:] for row in rows] == ["charlie", "bravo", "alpha"]


# --- item 12: an empty filter names itself; previous links that go nowhere good ----------


def test_item12_a_filter_that_matches_nothing_names_the_filter(cli: Cli) -> None:
    cli.ok("new", "Database down", "--tag", "db")
    cli.ok("step", "add", "page the DBA", "--owner", "alice")
    expected = {
        ("list", "--tag", "nosuchtag"): "no session has tag nosuchtag",
        ("list", "--status", "resolved"): "no session has status resolved",
        ("list", "--status", "closed", "--tag", "db"): (
            "no session has status closed and tag db"
        ),
        ("todo", "--owner", "bob"): "no open step owned by bob",
        ("todo", "--overdue"): "no open step is overdue",
        ("stats", "--tag", "nosuchtag"): "no session has tag nosuchtag",
        ("stats", "--severity", "low"): "no session has severity low",
    }
    for args, line in expected.items():
        assert cli.ok(*args).out == line + "\n", args
        # The same words from the typer command as from the fast path.
        no_fast = {"JOURNAL_NO_FAST": "1"}
        assert cli.ok(*args, env=no_fast).out == line + "\n", args


def test_item12_no_sessions_yet_is_said_only_of_an_empty_journal(cli: Cli) -> None:
    assert "no sessions yet" in cli.ok("list").out
    assert "no sessions yet" in cli.ok("stats").out


def test_item12_previous_naming_the_session_itself_fails_check(cli: Cli) -> None:
    cli.ok("new", "Loop", "--at", "2025-11-04T01:00Z")
    cli.ok("set", "previous", "2025-11-04-loop")
    result = cli("check")
    assert result.code == 1
    assert "error [previous-cycle] `previous` names the session itself" in result.out


def test_item12_a_circle_of_previous_links_fails_check(cli: Cli) -> None:
    cli.ok("new", "One", "--at", "2025-11-01T01:00Z")
    cli.ok("new", "Two", "--at", "2025-11-02T01:00Z")
    cli.ok("new", "Three", "--at", "2025-11-03T01:00Z")
    cli.ok("set", "previous", "2025-11-02-two", "-S", "2025-11-01-one")
    cli.ok("set", "previous", "2025-11-03-three", "-S", "2025-11-02-two")
    assert cli("check").code == 0  # a chain is fine
    cli.ok("set", "previous", "2025-11-01-one", "-S", "2025-11-03-three")
    result = cli("check")
    assert result.code == 1
    circle = [line for line in result.lines if "[previous-cycle]" in line]
    assert len(circle) == 3, result.out
    assert (
        "2025-11-01-one → 2025-11-02-two → 2025-11-03-three → 2025-11-01-one"
        in result.out
    )
    # Checking one session of the circle alone still finds it.
    alone = cli("check", "2025-11-02-two")
    assert alone.code == 1 and "[previous-cycle]" in alone.out


# --- item 17: names longer than the file system allows ------------------------------


def test_item17_attach_a_file_whose_name_is_too_long(cli: Cli, tmp_path: Path) -> None:
    cli.ok("new", "Database down")
    name = str(tmp_path / ("b" * 300 + ".log"))
    result = cli("log", "x", "--attach", name)
    _clean(result)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1
    assert "the name is longer than the file system allows" in result.err
    assert json.loads(cli.ok("export").out)["timeline"] == []


def test_item17_a_long_attached_name_is_shortened_keeping_its_extension(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("new", "Database down")
    source = tmp_path / ("é" * 120 + ".log")  # 245 bytes: a name that can exist
    source.write_text("boom\n")
    cli.ok("log", "the log", "--attach", str(source))
    (event,) = json.loads(cli.ok("export").out)["timeline"]
    (stored,) = event["evidence"]
    assert stored.endswith(".log") and len(Path(stored).name.encode()) <= 200
    (folder,) = (cli.root / "sessions").iterdir()
    assert (folder / stored).read_text() == "boom\n"


def test_item17_import_of_a_path_too_long(cli: Cli, tmp_path: Path) -> None:
    name = str(tmp_path / ("c" * 300 + ".md"))
    result = cli("import", name)
    _clean(result)
    assert result.code == 2 and result.err.count("\n") == 1, result.err
    assert "cannot import" in result.err and "longer than the file system" in result.err


def test_item16_link_never_waits_on_a_named_pipe(cli: Cli) -> None:
    folder, _ = _two_sessions(cli)
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-qm", "the fix")
    _fifo(folder / "timeline.yaml")
    result = cli("link", "HEAD")  # before: blocked on opening the pipe
    _clean(result)
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert f"sessions/{SID}/timeline.yaml: is a named pipe" in result.err
    synced = cli("sync")  # over every session: the broken one skipped, named
    _clean(synced)
    assert synced.code == 0, synced.err
    _one_warning(synced, f"{SID} skipped", "is a named pipe")


@pytest.mark.parametrize(
    ("breaker", "said"), [("folder", "a folder"), ("fifo", "pipe")]
)
def test_item16_log_to_a_timeline_that_is_not_a_file_says_so(
    cli: Cli, breaker: str, said: str
) -> None:
    folder, _ = _two_sessions(cli)
    BREAKERS[breaker](folder / "timeline.yaml")
    result = cli("log", "one more")
    _clean(result)
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert "timeline.yaml: it is" in result.err and said in result.err, result.err
