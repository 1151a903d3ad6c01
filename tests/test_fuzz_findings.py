"""Defects the command fuzzer found that issue 26 did not list: one test each.

Each test reproduces the vector the fuzzer printed (`tests/fuzz_support.py`), in a
fresh journal, and checks the property it broke: one line, exit 0/1/2 (126/127 for a
program `exec` cannot start, as a shell), no traceback, no file changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, snapshot


def _one_line(result: Result, code: int) -> str:
    assert result.code == code, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("journal: error: "), lines[0]
    assert "Traceback" not in result.err and "internal error" not in result.err
    return lines[0]


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_init_on_a_path_that_is_not_a_folder_is_one_line(
    cli: Cli, tmp_path: Path, kind: str
) -> None:
    """Found as `journal init {S}/outside/binary.bin`: FileExistsError, exit 70."""
    target = tmp_path / "not-a-folder"
    if kind == "file":
        target.write_bytes(b"\x00\x01")
    else:
        os.mkfifo(target)
    before = snapshot(tmp_path)
    line = _one_line(cli("init", str(target)), 2)
    assert f"{target} is not a folder" in line
    assert snapshot(tmp_path) == before


def test_exec_of_a_program_name_too_long_is_one_line_and_leaves_nothing(
    cli: Cli, session_id: str
) -> None:
    """Found as `journal exec -- nnn…(300)`: OSError ENAMETOOLONG, exit 70, and an
    empty evidence/ folder left in the session."""
    before = snapshot(cli.root)
    line = _one_line(cli("exec", "--", "n" * 300), 127)
    assert "cannot run 'nnnn" in line and "File name too long" in line
    assert snapshot(cli.root) == before
    assert not (cli.root / "sessions" / session_id / "evidence").exists()


def test_exec_of_a_missing_program_leaves_no_evidence_folder(
    cli: Cli, session_id: str
) -> None:
    """Found as `journal exec --star -- -`: exit 127 (as a shell), one line, but an
    empty evidence/ folder was made before the program failed to start."""
    line = _one_line(cli("exec", "--star", "--", "no-such-program-here"), 127)
    assert "cannot run 'no-such-program-here'" in line
    assert not (cli.root / "sessions" / session_id / "evidence").exists()


def test_exec_keeps_an_evidence_folder_that_was_there(
    cli: Cli, session_id: str
) -> None:
    evidence = cli.root / "sessions" / session_id / "evidence"
    evidence.mkdir()
    _one_line(cli("exec", "--", "no-such-program-here"), 127)
    assert evidence.is_dir()


def test_edit_of_a_broken_session_without_a_terminal_says_it_once(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    """Found as `journal edit 2025-11-07-bad-yaml` (stdin closed, EDITOR=true): the
    message printed twice, and a copy nobody typed kept in the temp folder."""
    path = cli.root / "sessions" / session_id / "session.yaml"
    path.write_text("title: [unclosed\nstatus: open\n")
    temp = tmp_path / "temp"
    temp.mkdir()
    before = snapshot(cli.root)
    result = cli("edit", env={"EDITOR": "true", "TMPDIR": str(temp)})
    line = _one_line(result, 1)
    assert "session.yaml:2:" in line and "invalid YAML" in line
    assert "kept in" not in line
    assert list(temp.iterdir()) == []
    assert snapshot(cli.root) == before


def test_edit_that_breaks_the_file_still_keeps_the_edit(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    """The copy is kept when the user's own edit is what fails to validate."""
    script = tmp_path / "break.sh"
    script.write_text('#!/bin/sh\nprintf "title: [unclosed\\n" > "$1"\n')
    script.chmod(0o755)
    result = cli("edit", env={"EDITOR": str(script)})
    line = _one_line(result, 2)
    assert "not saved" in line and "your edit is kept in" in line


@pytest.mark.parametrize(
    "args",
    [
        ("verify", "--cwd", "a\r\n\x1b[31mb"),
        ("site", "build", "--journal", "x\ny", "--keep-going"),
    ],
    ids=["verify --cwd", "site build --journal"],
)
def test_a_value_with_control_characters_stays_on_the_error_line(
    cli: Cli, session_id: str, args: tuple[str, ...]
) -> None:
    """Found as `verify --cwd '…\\r\\n…'`: the value's newline split the error in two
    lines, and its escape sequence reached the terminal."""
    cli.ok("validate", "add", "Passes", "--command", "true")
    before = snapshot(cli.root)
    line = _one_line(cli(*args), 1)
    assert "\x1b" not in line and "\r" not in line
    assert ("a\\r\\n\\x1b[31mb" in line) or ("x\\ny" in line)
    assert snapshot(cli.root) == before


def test_a_link_that_leads_back_to_itself_is_one_line(
    cli: Cli, session_id: str
) -> None:
    """Found as `verify --cwd {S}/outside/loop`: Path.resolve() raised RuntimeError
    (a symlink loop), exit 70."""
    cli.ok("validate", "add", "Passes", "--command", "true")
    (cli.root / "loop").symlink_to("loop")
    before = snapshot(cli.root)
    line = _one_line(cli("verify", "--cwd", "loop"), 1)
    assert f"{cli.root}/loop is a link that leads back to itself" in line
    assert snapshot(cli.root) == before


def test_init_in_a_folder_whose_name_is_not_utf8_prints_its_name(
    tmp_path: Path, cli: Cli
) -> None:
    """Found as `journal init 'caf\\udce9 …'`: the journal was made, then printing its
    folder's name failed (UnicodeEncodeError, exit 70) with every file left behind."""
    import subprocess
    import sys

    name = b"caf\xe9"
    done = subprocess.run(
        [sys.executable, "-m", "journal", "init", name],
        cwd=tmp_path, capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},  # as en_US.UTF-8
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"journal in " + os.fsencode(tmp_path) + b"/" + name)
    assert (tmp_path / os.fsdecode(name) / "journal.yaml").is_file()


def test_log_refused_after_its_attachment_was_copied_leaves_no_copy(
    cli: Cli, session_id: str
) -> None:
    """Found as `journal log --attach - 'caf\\udce9 …'`: the text was refused (not
    UTF-8) after standard input was copied into evidence/, which stayed."""
    import subprocess
    import sys

    before = snapshot(cli.root)
    done = subprocess.run(
        [sys.executable, "-m", "journal", "log", "--attach", "-", b"caf\xe9"],
        cwd=cli.root, input=b"output of a command\n", capture_output=True,
        timeout=120,
    )  # fmt: skip
    result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
    line = _one_line(result, 1)
    assert "not valid UTF-8" in line
    assert snapshot(cli.root) == before
    assert not (cli.root / "sessions" / session_id / "evidence").exists()


def test_log_keeps_an_evidence_folder_that_was_there(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    evidence = cli.root / "sessions" / session_id / "evidence"
    evidence.mkdir()
    (evidence / "old.log").write_text("kept\n")
    attached = tmp_path / "new.log"
    attached.write_text("new\n")
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    timeline.unlink()
    timeline.mkdir()  # the append fails after the copy
    result = cli("log", "text", "--attach", str(attached))
    assert result.code != 0
    assert sorted(p.name for p in evidence.iterdir()) == ["old.log"]


# Found after the branches of issue 26 were merged, with the allow-list emptied.


def test_render_to_a_named_pipe_nobody_reads_is_one_line_not_a_hang(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    """Found as `journal render --output {S}/outside/fifo`: no answer within 30 s
    (opening a FIFO for writing waits for a reader). Now: one line at once; with a
    reader, the report arrives whole."""
    import subprocess
    import threading

    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    before = snapshot(cli.root)
    line = _one_line(cli("render", "-o", str(pipe)), 1)
    assert "no process is reading the named pipe" in line
    assert snapshot(cli.root) == before
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    try:
        for _ in range(200):  # the reader has the pipe open once a writer can open it
            result = cli("render", "-o", str(pipe))
            if result.code == 0:
                break
            subprocess.run(["sleep", "0.05"], check=True)
    finally:
        if reader.is_alive():  # never leave the thread waiting on the pipe
            with pipe.open("wb"):
                pass
        reader.join(timeout=10)
    assert result.code == 0, result.err
    assert received and received[0].startswith(b"# ")


def test_a_timezone_name_too_long_is_one_line(cli: Cli, session_id: str) -> None:
    """Found as `journal ingest --tz 'xxx…(100,000 chars)'`: OSError(36), exit 70."""
    before = snapshot(cli.root)
    log = cli.root.parent / "chat.log"
    log.write_text("[12:00] <ana> database is down\n", "utf-8")
    line = _one_line(cli("ingest", str(log), "--tz", "x" * 100_000, "--dry-run"), 2)
    assert "unknown timezone" in line and len(line) < 300
    assert snapshot(cli.root) == before


def test_import_into_a_folder_name_too_long_is_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    """Found as `journal import --into 'nnn…(300 chars)' report.md`: OSError(36),
    exit 70."""
    report = tmp_path / "report.md"
    report.write_text("# Database down\n\n## Summary\n\nIt was down.\n", "utf-8")
    before = snapshot(cli.root)
    line = _one_line(cli("import", "--into", "n" * 300, str(report)), 2)
    assert "longer than the file system allows" in line
    assert snapshot(cli.root) == before


def test_ingest_into_a_session_whose_timeline_is_a_folder_is_one_line(
    cli: Cli, session_id: str
) -> None:
    """Found as `journal ingest --session <timeline-folder> -`: IsADirectoryError,
    exit 70, from reading the ids the timeline holds."""
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    timeline.unlink()
    timeline.mkdir()
    log = cli.root.parent / "chat.log"
    log.write_text("[12:00] <ana> database is down\n", "utf-8")
    before = snapshot(cli.root)
    line = _one_line(cli("ingest", str(log), "--session", session_id), 1)
    assert "timeline.yaml: is a folder, not a file" in line
    assert snapshot(cli.root) == before


@pytest.mark.parametrize("command", ["ingest", "render-all"])
def test_a_source_or_output_name_too_long_is_one_line(
    cli: Cli, session_id: str, tmp_path: Path, command: str
) -> None:
    """Found as `journal ingest 'nnn…(300 chars)'` and `journal render --all
    --output '…(312 chars)'`: OSError(36), exit 70."""
    name = str(tmp_path / ("n" * 300))
    args = ["ingest", name] if command == "ingest" else ["render", "--all", "-o", name]
    before = snapshot(cli.root)
    line = _one_line(cli(*args), 2)
    assert "longer than the file system allows" in line
    assert snapshot(cli.root) == before


@pytest.mark.parametrize("command", ["init-org", "site-output", "verify-cwd"])
def test_any_name_too_long_met_anywhere_is_one_line(
    cli: Cli, session_id: str, tmp_path: Path, command: str
) -> None:
    """Found by the long profile as `init --org`, `site build --output` (4,212
    characters of `d/`), `verify --cwd` with names too long: OSError(36), exit 70.
    The one error boundary names such a path, whichever call met it first."""
    long = "n" * 300
    args = {
        "init-org": ["init", "--org", long],
        "site-output": ["site", "build", "--output", str(tmp_path) + "/d" * 2106],
        "verify-cwd": ["verify", "--cwd", long],
    }[command]
    if command == "verify-cwd":
        cli.ok("validate", "add", "Still up", "--command", "true")
    before = snapshot(cli.root)
    line = _one_line(cli(*args), 2)
    assert "longer than the file system allows" in line
    assert snapshot(cli.root) == before
