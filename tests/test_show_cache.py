"""`journal show` answers from what it printed before (`cli/shown.py`) only while
nothing its output is made of changed: the session's files (however they were
edited), its neighbours, the configuration, the project's templates, HEAD, the
terminal's width — and a broken cache file only costs the rendering."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from journal.store.locate import state_dir
from tests.conftest import REPO, Cli, git
from tests.handmade import event, write_session
from tests.test_startup import banned, imported

# The process boundary is what is tested: the fast path of `show` and what it keeps between processes.
pytestmark = pytest.mark.subprocess

SID = "2025-11-04-alpha"
BETA = "2025-11-05-beta"


def _journal(cli: Cli) -> Path:
    alpha = write_session(
        cli.root,
        SID,
        {"title": "alpha outage", "number": 1, "summary": "Workers stalled."},
        [event("2025-11-04T01:05:00+00:00", "detected")],
    )
    write_session(
        cli.root,
        BETA,
        {"title": "beta follow-up", "number": 2, "previous": SID},
        [event("2025-11-05T01:05:00+00:00", "note")],
    )
    return alpha


def _full(cli: Cli, *args: str, env: dict[str, str] | None = None) -> str:
    """What the typer command prints when it renders: nothing kept from before."""
    shutil.rmtree(state_dir(cli.root) / "shown", ignore_errors=True)
    return cli.ok("show", *args, env={**(env or {}), "JOURNAL_NO_FAST": "1"}).out


def _cached(cli: Cli) -> Path:
    return state_dir(cli.root) / "shown" / f"{SID}.txt"


def test_a_second_show_prints_the_same_without_rendering(cli: Cli) -> None:
    _journal(cli)
    first = cli.ok("show", "1").out
    assert "alpha outage" in first and "Workers stalled." in first
    assert _cached(cli).is_file()
    assert cli.ok("show", "1").out == first == _full(cli, "1")
    # `cli` passes os.environ; a child that inherits the C environment may see other
    # COLUMNS and LINES here (they are part of the key), so pass it the same way.
    names = imported(["-m", "journal", "show", "1"], cli.root, env={**os.environ})
    assert names.isdisjoint(banned()), sorted(names & set(banned()))
    assert "typer" not in names


def test_an_edit_that_keeps_the_mtime_is_shown(cli: Cli) -> None:
    alpha = _journal(cli)
    cli.ok("show", "1")
    path = alpha / "session.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8").replace(
        "Workers stalled.", "Queues drained"
    )
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    shown = cli.ok("show", "1").out
    assert "Queues drained" in shown and "Workers stalled." not in shown


def test_another_process_logging_is_shown(cli: Cli) -> None:
    _journal(cli)
    cli.ok("show", "1")
    cli.ok("log", "--session", "1", "Restarted the scheduler")
    assert "Restarted the scheduler" in cli.ok("show", "1").out


def test_a_neighbour_renamed_is_shown(cli: Cli) -> None:
    _journal(cli)
    assert "beta follow-up" in cli.ok("show", "1").out
    beta = cli.root / "sessions" / BETA / "session.yaml"
    text = beta.read_text(encoding="utf-8")
    beta.write_text(text.replace("beta follow-up", "gamma rollback"), encoding="utf-8")
    shown = cli.ok("show", "1").out
    assert "gamma rollback" in shown and "beta follow-up" not in shown


def test_git_checkout_of_an_older_version_is_shown(cli: Cli) -> None:
    alpha = _journal(cli)
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", "alpha")
    path = alpha / "session.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Workers stalled.", "Disk filled."),
        encoding="utf-8",
    )
    assert "Disk filled." in cli.ok("show", "1").out
    git(cli.root, "checkout", "--", str(path))
    assert "Workers stalled." in cli.ok("show", "1").out


def test_configuration_templates_and_terminal_width_change_the_output(
    cli: Cli,
) -> None:
    _journal(cli)
    narrow = cli.ok("show", "1", env={"COLUMNS": "60"}).out
    wide = cli.ok("show", "1", env={"COLUMNS": "120"}).out
    assert narrow != wide
    assert cli.ok("show", "1", env={"COLUMNS": "60"}).out == narrow
    assert wide == _full(cli, "1", env={"COLUMNS": "120"})
    assert cli.ok("show", "1", "--ascii").out == _full(cli, "1", "--ascii")
    # The project's own template (`templates_dir`, by default `templates/`).
    ours = (REPO / "templates" / "report.md.j2").read_text(encoding="utf-8")
    templates = cli.root / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "report.md.j2").write_text(ours + "\nReviewed weekly.\n", "utf-8")
    assert "Reviewed weekly." in cli.ok("show", "1").out
    config = cli.root / "journal.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nascii: false" in text
    config.write_text(text.replace("\nascii: false", "\nascii: true"), "utf-8")
    assert cli.ok("show", "1").out == _full(cli, "1", "--ascii")


def test_a_new_commit_changes_the_key(cli: Cli) -> None:
    _journal(cli)
    git(cli.root, "add", "-A")
    git(cli.root, "commit", "-q", "-m", "alpha")
    cli.ok("show", "1")
    key = _cached(cli).read_bytes().partition(b"\n")[0]
    git(
        cli.root,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        f"Restart the workers\n\nJournal-Session: {SID}",
    )
    shown = cli.ok("show", "1").out
    assert _cached(cli).read_bytes().partition(b"\n")[0] != key
    assert "Restart the workers" in shown


def test_a_broken_or_foreign_cache_file_costs_only_the_rendering(cli: Cli) -> None:
    _journal(cli)
    good = cli.ok("show", "1").out
    cached = _cached(cli)
    whole = cached.read_bytes()
    header, _, body = whole.partition(b"\n")
    key = header.split(b" ")[0]
    broken = (
        b"",
        header,  # cut short after the key
        whole[: len(whole) // 2],  # cut short in the middle
        header + b"\n" + body.replace(b"alpha", b"omega"),  # damaged
        key + b" 9 00000000\nlies\n",  # a length and checksum that do not match
        b"0" * 64 + whole[len(key) :],  # another key
    )
    for text in broken:
        cached.write_bytes(text)
        assert cli.ok("show", "1").out == good, text[:80]
        assert cached.read_bytes() == whole
