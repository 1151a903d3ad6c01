"""Paths: nothing a user types, a file holds or a link points at writes outside the
journal, and links in `sessions/` are not followed out of the tree.

Every test keeps a sentinel folder beside the journal and asserts at the end that
nothing outside the journal changed (`outside_unchanged`).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.errors import JournalError, UsageError
from journal.store.sessions import Journal
from tests.conftest import Cli, snapshot

SID = "2025-11-04-sqlalchemy-mapper-error"

HOSTILE_IDS = [
    "../outside",
    "../../outside",
    f"{SID}/../../outside",
    f"{SID}/..",
    "/tmp",
    "/etc/passwd",
    "..",
    ".",
    "",
    " ",
    "~",
    "$(touch PWNED)",
    "`touch PWNED`",
    "x;touch PWNED",
    "x|touch PWNED",
    "x&&touch PWNED",
    "2025-11-04-x\nrm",
    "2025-11-04-x\x00y",
    "2025-11-04-X",  # ids are lowercase
    "2025-11-04-\u0445",  # Cyrillic х, not x
    "2025-11-04-x\uff0fy",  # fullwidth solidus
    "2025-11-04-x\u2215y",  # division slash
    "2025-11-04-x\\..\\y",
    "-rf",
    "--session",
]


@pytest.fixture
def outside(journal_root: Path) -> Iterator[Path]:
    """A folder beside the journal with a file in it; it must never change."""
    folder = journal_root.parent / "outside"
    folder.mkdir()
    (folder / "session.yaml").write_text("title: not yours\n")
    (folder / "timeline.yaml").write_text("")
    (folder / "keep.txt").write_text("untouched\n")
    before = snapshot(folder)
    yield folder
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(before)
    assert not (journal_root / "PWNED").exists()
    assert not (journal_root.parent / "PWNED").exists()


@pytest.mark.parametrize("ref", HOSTILE_IDS, ids=repr)
def test_hostile_session_ids_are_refused_by_the_library(
    journal_root: Path, session_id: str, outside: Path, ref: str
) -> None:
    journal = Journal.open(journal_root)
    with pytest.raises(JournalError) as caught:
        journal.resolve(ref)
    assert "\n" not in caught.value.one_line()
    with pytest.raises(UsageError):
        journal.session_dir(ref)
    from journal.operations.log import log_event

    with pytest.raises(JournalError):
        log_event(journal, "x", session=ref)


WRITING_COMMANDS = [
    ("log", "x", "--session", "{ref}"),
    ("set", "summary", "x", "--session", "{ref}"),
    ("option", "add", "Roll back", "--session", "{ref}"),
    ("criterion", "add", "Build green", "--session", "{ref}"),
    ("step", "add", "Add the model", "--session", "{ref}"),
    ("lesson", "add", "Monitor", "--session", "{ref}"),
    ("validate", "add", "Smoke test", "--session", "{ref}"),
    ("close", "--session", "{ref}"),
    ("exec", "--session", "{ref}", "--", "touch", "PWNED"),
    ("link", "--session", "{ref}"),
    ("render", "{ref}"),
    ("use", "{ref}"),
    ("check", "{ref}"),
]


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("ref", ["../outside", "/tmp", "x;touch PWNED"])
def test_every_command_refuses_a_session_outside_the_journal(
    cli: Cli, session_id: str, outside: Path, command: tuple[str, ...], ref: str
) -> None:
    before = snapshot(cli.root)
    args = [a.replace("{ref}", ref) for a in command]
    result = cli(*args)
    assert result.code == 2, result
    assert "is not a session id" in result.err
    assert result.err.count("\n") == 1
    assert snapshot(cli.root) == before


def test_a_tampered_active_pointer_is_refused(
    cli: Cli, session_id: str, outside: Path
) -> None:
    state = cli.root / ".git" / "journal" / "active"
    for value in ("../outside", "../../outside", "/tmp/outside"):
        state.write_text(value + "\n")
        for args in (("log", "x"), ("set", "summary", "x"), ("step", "add", "y")):
            result = cli(*args)
            assert result.code != 0, (value, args)
            assert "Traceback" not in result.err


# --- evidence names -----------------------------------------------------------------

ODD_NAMES = [
    "..log",
    "...",
    ".hidden.log",
    "-rf",
    "--help",
    "$(touch PWNED).log",
    "`touch PWNED`.log",
    "x;touch PWNED.log",
    "a\nb.log",
    "tab\there.log",
    "\u2400null.log",  # the visible symbol for NUL
    "evil\u202etxt.exe",  # right-to-left override
    "\uff0e\uff0e\uff0fup.log",  # fullwidth ../
    "back\\slash.log",
    "colon:name.log",
    "space name.log",
    "émoji😀.log",
    "x" * 250 + ".log",
    "é" * 120 + ".log",  # 244 bytes
]


@pytest.mark.parametrize("name", ODD_NAMES, ids=repr)
def test_attached_files_land_in_evidence_under_a_safe_name(
    cli: Cli, session_id: str, outside: Path, tmp_path: Path, name: str
) -> None:
    source_dir = tmp_path / "src"
    source_dir.mkdir()
    source = source_dir / name
    source.write_bytes(b"log line\n")
    for _ in range(2):  # the second copy gets a `-2` suffix
        out = cli.ok("log", "evidence", "--attach", str(source), "--json")
    evidence = cli.root / "sessions" / SID / "evidence"
    stored = json.loads(out.out)["event"]["evidence"][0]
    assert stored.startswith("evidence/")
    copies = sorted(evidence.iterdir())
    assert len(copies) == 2
    for copy in copies:
        assert copy.parent == evidence and not copy.is_symlink()
        assert copy.read_bytes() == b"log line\n"
        assert not copy.name.startswith((".", "-"))
        assert not set(copy.name) & set("/\\\n\t\x00$`;:*?\u202e")
        assert len(copy.name.encode("utf-8")) <= 255
    assert (cli.root / "sessions" / SID / stored).is_file()


def test_a_relative_attach_path_with_dotdot_is_read_not_written(
    cli: Cli, session_id: str, outside: Path
) -> None:
    out = cli.ok("log", "x", "--attach", "../outside/keep.txt", "--json")
    assert json.loads(out.out)["event"]["evidence"] == ["evidence/keep.txt"]
    assert (cli.root / "sessions" / SID / "evidence" / "keep.txt").read_text() == (
        "untouched\n"
    )


def test_an_evidence_folder_that_links_outside_is_not_written_through(
    cli: Cli, session_id: str, outside: Path, tmp_path: Path
) -> None:
    (cli.root / "sessions" / SID / "evidence").symlink_to(outside)
    source = tmp_path / "worker.log"
    source.write_text("secret-ish output\n")
    before = snapshot(cli.root)
    result = cli("log", "x", "--attach", str(source))
    assert result.code == 1 and "not a folder of the journal" in result.err
    result = cli("exec", "--", "echo", "output that would be evidence")
    assert result.code == 1 and "not a folder of the journal" in result.err
    assert snapshot(cli.root) == before


def test_a_planted_link_in_evidence_is_never_written_through(
    cli: Cli, session_id: str, outside: Path, tmp_path: Path
) -> None:
    evidence = cli.root / "sessions" / SID / "evidence"
    evidence.mkdir()
    (evidence / "worker.log").symlink_to(outside / "keep.txt")
    (evidence / "dangling.log").symlink_to(outside / "created-through-a-link.txt")
    for name in ("worker.log", "dangling.log"):
        source = tmp_path / name
        source.write_text("new evidence\n")
        out = cli.ok("log", "x", "--attach", str(source), "--json")
        stored = json.loads(out.out)["event"]["evidence"][0]
        assert stored != f"evidence/{name}"
        assert (cli.root / "sessions" / SID / stored).read_text() == "new evidence\n"


def test_a_timeline_or_session_file_that_links_outside_is_refused(
    cli: Cli, session_id: str, outside: Path
) -> None:
    folder = cli.root / "sessions" / SID
    (folder / "timeline.yaml").unlink()
    (folder / "timeline.yaml").symlink_to(outside / "timeline.yaml")
    result = cli("log", "appended through a link?")
    assert result.code == 1 and "symbolic link" in result.err
    assert "symbolic link" in cli("render").err
    (folder / "timeline.yaml").unlink()
    (folder / "timeline.yaml").write_text("")
    (folder / "session.yaml").rename(folder / "session.yaml.bak")
    (folder / "session.yaml").symlink_to(outside / "session.yaml")
    for args in (("set", "summary", "x"), ("render",), ("use", SID)):
        result = cli(*args)
        assert result.code == 1, args
        assert "is a symbolic link, not a file of the session" in result.err
    assert (folder / "session.yaml").is_symlink()


# --- import targets -----------------------------------------------------------------

REPORT = "# Session 4: {title}\n\n**Date:** 2025-01-02\n\n## Summary\n\nFine.\n"


@pytest.mark.parametrize(
    "into", ["../outside", "../../x", "sessions/../../outside", "/tmp", ".git/hooks"]
)
def test_import_into_outside_the_journal_is_refused(
    cli: Cli, outside: Path, tmp_path: Path, into: str
) -> None:
    report = tmp_path / "r.md"
    report.write_text(REPORT.format(title="Fine"))
    before = snapshot(cli.root)
    result = cli("import", str(report), "--into", into)
    assert result.code == 2, result
    assert "--into" in result.err and result.err.count("\n") == 1
    assert snapshot(cli.root) == before
    assert not (cli.root / ".git" / "hooks" / "2025-01-02-fine").exists()


def test_import_into_a_link_that_points_outside_is_refused(
    cli: Cli, outside: Path, tmp_path: Path
) -> None:
    (cli.root / "archive").symlink_to(outside)
    report = tmp_path / "r.md"
    report.write_text(REPORT.format(title="Fine"))
    result = cli("import", str(report), "--into", "archive")
    assert result.code == 2 and "outside the journal" in result.err


def test_import_into_a_file_is_refused(cli: Cli, tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    report.write_text(REPORT.format(title="Fine"))
    result = cli("import", str(report), "--into", "journal.yaml")
    assert result.code == 2 and "is a file, not a folder" in result.err


@pytest.mark.parametrize(
    "title",
    ["../../../outside/evil", "/etc/cron.d/x", "..", "$(touch PWNED)", "a/../../b"],
)
def test_imported_titles_never_name_a_path(
    cli: Cli, outside: Path, tmp_path: Path, title: str
) -> None:
    report = tmp_path / "r.md"
    report.write_text(REPORT.format(title=title))
    cli.ok("import", str(report))
    (folder,) = (cli.root / "sessions").iterdir()
    assert folder.parent == cli.root / "sessions"
    assert folder.name.startswith("2025-01-02-")
    assert not set(folder.name[11:]) - set("abcdefghijklmnopqrstuvwxyz0123456789-")


# --- symlinks in sessions/ ------------------------------------------------------------


@pytest.fixture
def linked(cli: Cli, session_id: str, outside: Path) -> str:
    """A session folder name in sessions/ that is a link to the outside folder."""
    link = "2025-11-05-linked-outside"
    (cli.root / "sessions" / link).symlink_to(outside, target_is_directory=True)
    return link


def test_a_linked_session_folder_is_not_listed(cli: Cli, linked: str) -> None:
    rows = json.loads(cli.ok("list", "--json").out)
    assert [r["id"] for r in rows] == [SID]
    assert linked not in Journal.open(cli.root).session_ids()


def test_a_linked_session_folder_is_never_written_through(
    cli: Cli, linked: str
) -> None:
    for args in (
        ("log", "x", "--session", linked),
        ("set", "summary", "x", "--session", linked),
        ("use", linked),
        ("render", linked),
        ("close", "--session", linked),
        ("lesson", "add", "x", "--session", linked),
    ):
        result = cli(*args)
        assert result.code != 0, args
        assert "Traceback" not in result.err
    (cli.root / ".git" / "journal" / "active").write_text(linked + "\n")
    assert cli("log", "through the active pointer").code != 0
    assert os.environ.get("JOURNAL_SESSION") is None
    assert cli("log", "x", env={"JOURNAL_SESSION": linked}).code != 0


def test_bulk_commands_skip_a_linked_session_folder(cli: Cli, linked: str) -> None:
    (cli.root / ".git" / "journal" / "active").write_text(SID + "\n")
    assert "1 session(s) checked" in cli("check").out
    cli.ok("render", "--all")
    reports = sorted(p.name for p in (cli.root / "reports").iterdir())
    assert reports == [f"{SID}.md"]
    cli.ok("check", "--fix")
    stats = cli("stats", "--json")
    assert linked not in stats.out


DEEP = "/".join(["d"] * 1200)
"""An output folder nested deeper than Python's recursion limit, short enough for
the file system (2,399 characters)."""


@pytest.fixture
def deep(cli: Cli) -> Iterator[Path]:
    """`DEEP` in the journal, removed level by level after the test (the recursive
    `shutil.rmtree` that cleans up `tmp_path` would fail on it)."""
    bottom = cli.root / DEEP
    yield bottom
    if bottom.is_dir():
        shutil.rmtree(bottom)
    for level in range(DEEP.count("/"), 0, -1):
        (cli.root / "/".join(["d"] * level)).rmdir()


def test_render_all_writes_into_a_folder_a_thousand_levels_deep(
    cli: Cli, deep: Path
) -> None:
    cli.ok("new", "Deep output")
    result = cli("render", "--all", "-o", DEEP)
    assert result.code == 0, result.err
    reports = list(deep.glob("*.md"))
    assert len(reports) == 1 and "Deep output" in reports[0].read_text()


def test_a_site_builds_into_a_folder_a_thousand_levels_deep(
    cli: Cli, deep: Path
) -> None:
    cli.ok("new", "Deep site")
    result = cli("site", "build", "-o", DEEP)
    assert result.code == 0, result.err
    assert (deep / "index.html").is_file()
