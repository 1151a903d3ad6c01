"""Item 4 of issue 26: where `render -o` and `export -o` may write. `-` is standard
output; a link is written through; the journal's own files, its sessions and `.git`
are refused in one line; a folder, a device or a pipe gets the right behaviour."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, snapshot
from tests.inprocess import copy_template, make_template, run_inprocess

WRITERS = [("render",), ("export",), ("export", "--format", "madr")]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(
        tmp_path_factory.mktemp("template"),
        (
            "new",
            "SQLAlchemy mapper error",
            "--number",
            "8",
            "--at",
            "2025-11-04T01:00Z",
        ),
        ("option", "add", "Roll back"),  # something for the MADR export
    )


@pytest.fixture
def cli(template: Path, tmp_path: Path) -> Cli:
    """The journal of the template, copied: one session, one option."""
    return Cli(copy_template(template, tmp_path))


@pytest.fixture
def jrun(cli: Cli, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def run(*args: str) -> Result:
        return run_inprocess(*args, cwd=cli.root, capfd=capfd, monkeypatch=monkeypatch)

    return run


def _tree(root: Path) -> dict[str, bytes]:
    """Every file, .git included, and every name (so a new folder shows too)."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(root / ".git" / "journal"):
            continue  # the per-user caches, which any reading command may refresh
        files[str(path.relative_to(root))] = (
            path.read_bytes() if path.is_file() and not path.is_symlink() else b"/"
        )
    return files


def _refused(result: Result, code: int = 2) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_item4_dash_means_stdout(cli: Cli, jrun, writer: tuple[str, ...]):
    result = jrun(*writer, "-o", "-")
    assert result.code == 0, result
    assert "Roll back" in result.out or "SQLAlchemy" in result.out
    assert not (cli.root / "-").exists()


def test_item4_dash_means_stdout_for_export_all(cli: Cli, jrun):
    result = jrun("export", "--all", "-o", "-")
    assert result.code == 0, result
    assert result.out.startswith("[\n") and '"id": ' in result.out
    assert not (cli.root / "-").exists()


def test_item4_render_all_to_dash_is_refused(cli: Cli, jrun):
    before = _tree(cli.root)
    line = _refused(jrun("render", "--all", "-o", "-"))
    assert "standard output" in line
    assert _tree(cli.root) == before


OWN = [
    "journal.yaml",
    "journal.schema.json",
    "mkdocs.yml",
    ".gitattributes",
    "sessions/new-report.md",
    "sessions/2025-11-04-sqlalchemy-mapper-error/session.yaml",
    "sessions/2025-11-04-sqlalchemy-mapper-error/timeline.yaml",
    ".git/config",
    ".git/new-report.md",
    "templates/report.md",
    ".git/journal/active",
]


@pytest.mark.parametrize("target", OWN)
@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_item4_the_journals_own_files_are_refused(
    cli: Cli, jrun, writer: tuple[str, ...], target: str
):
    before = _tree(cli.root)
    line = _refused(jrun(*writer, "-o", target))
    assert f"-o {target} would overwrite" in line
    assert _tree(cli.root) == before


@pytest.mark.parametrize("target", ["journal.yaml", "sessions", ".git/hooks"])
def test_item4_a_link_to_the_journals_own_files_is_refused(cli: Cli, jrun, target: str):
    link = cli.root / "innocent.md"
    link.symlink_to(target)
    before = _tree(cli.root)
    _refused(jrun("render", "-o", "innocent.md"))
    assert _tree(cli.root) == before


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_item4_a_link_is_written_through(cli: Cli, jrun, writer: tuple[str, ...]):
    (cli.root / "out").mkdir()
    link = cli.root / "report.md"
    link.symlink_to("out/real.md")  # dangling: `>` creates the target
    result = jrun(*writer, "-o", "report.md")
    assert result.code == 0, result
    assert link.is_symlink() and str(link.readlink()) == "out/real.md"
    assert (cli.root / "out/real.md").stat().st_size > 0
    again = jrun(*writer, "-o", "report.md")  # through an existing target
    assert again.code == 0 and link.is_symlink()


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_item4_a_folder_gets_one_line(cli: Cli, jrun, writer: tuple[str, ...]):
    (cli.root / "notes").mkdir()
    before = _tree(cli.root)
    line = _refused(jrun(*writer, "-o", "notes"))
    assert "is a folder" in line
    assert _tree(cli.root) == before


def test_item4_a_missing_folder_gets_one_line(cli: Cli, jrun):
    before = _tree(cli.root)
    line = _refused(jrun("render", "-o", "no/such/folder/r.md"))
    assert "no folder" in line
    assert _tree(cli.root) == before


# Streams are reached through /dev/fd/N, never by their /dev names: code without the
# fix (running as root) would rename a file over /dev/null or /dev/stdout, and
# nothing can be created under /dev/fd (it is /proc/self/fd).


@pytest.mark.parametrize("writer", WRITERS, ids=" ".join)
def test_item4_dev_null_is_written_like_a_redirect(
    cli: Cli, jrun, writer: tuple[str, ...]
):
    before = _tree(cli.root)
    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        result = jrun(*writer, "-o", f"/dev/fd/{fd}")
    finally:
        os.close(fd)
    assert result.code == 0, result
    assert "wrote" not in result.out
    assert Path(os.devnull).is_char_device()
    assert _tree(cli.root) == before


def test_item4_dev_stdout_is_standard_output(cli: Cli, jrun):
    result = jrun("render", "-o", "/dev/fd/1")  # standard output is a file here
    assert result.code == 0, result
    assert result.out.startswith("# Session 8: SQLAlchemy mapper error")
    assert "wrote" not in result.out
    piped = cli("export", "-o", "/dev/fd/1")  # and a pipe here
    assert piped.code == 0, piped
    assert piped.out.startswith("{") and '"id": ' in piped.out


def test_item4_a_named_pipe_is_written_in_place(cli: Cli, jrun, tmp_path: Path):
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = jrun("render", "-o", str(pipe))
    reader.join(timeout=10)
    if reader.is_alive() and pipe.is_fifo():  # never written: let the reader end
        with pipe.open("wb"):
            pass
        reader.join(timeout=10)
    assert result.code == 0, result
    assert pipe.is_fifo()  # not replaced by a file
    assert got and got[0].startswith(b"# Session 8: SQLAlchemy mapper error")


def test_a_file_system_mounted_below_dev_holds_plain_files(tmp_path: Path) -> None:
    """`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N` are streams; a file in a folder
    of a file system mounted below /dev (the /dev/shm tmpfs) is a plain file, so a
    journal kept there has its own files refused (they were written over)."""
    from journal.operations.output_path import _names_a_stream

    assert _names_a_stream(Path("/dev/stdout"))
    assert _names_a_stream(Path("/dev/fd/1"))
    assert _names_a_stream(Path("/proc/self/fd/1"))
    assert not _names_a_stream(tmp_path / "report.md")
    shm = Path("/dev/shm")
    if shm.is_dir() and shm.stat().st_dev != Path("/dev").stat().st_dev:
        folder = Path(tempfile.mkdtemp(dir=shm))
        try:
            assert not _names_a_stream(folder / "journal.yaml")
        finally:
            folder.rmdir()


def test_item4_a_socket_gets_one_line(cli: Cli, jrun, tmp_path: Path):
    import socket

    path = tmp_path / "s"  # short: a socket's path is limited to ~100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        line = _refused(jrun("render", "-o", str(path)))
    assert "socket" in line


@pytest.mark.parametrize("command", ["render", "export"])
def test_item4_all_into_the_journals_own_folders_is_refused(cli: Cli, jrun, command):
    before = _tree(cli.root)
    for target in ("sessions", "sessions/sub", ".git", ".git/reports"):
        _refused(jrun(command, "--all", "-o", target))
    (cli.root / "file.txt").write_text("mine")
    line = _refused(jrun(command, "--all", "-o", "file.txt"))
    assert "is a file, not a folder" in line
    (cli.root / "file.txt").unlink()
    assert _tree(cli.root) == before


def test_item4_render_all_fast_path_agrees(cli: Cli, jrun):
    # The reports folder a link into the sessions: the fast path and the full
    # command refuse it alike (the fast path hands the error to the full one).
    (cli.root / "reports").symlink_to("sessions")
    before = snapshot(cli.root)
    _refused(jrun("render", "--all"))
    result = cli("render", "--all")
    _refused(result)
    assert snapshot(cli.root) == before


def test_item4_render_all_into_a_folder_still_works(cli: Cli, jrun):
    result = jrun("render", "--all", "-o", "out")
    assert result.code == 0, result
    assert (cli.root / "out/2025-11-04-sqlalchemy-mapper-error.md").is_file()
    result = jrun("export", "--all", "-o", "exports")
    assert result.code == 0, result
    assert (cli.root / "exports/2025-11-04-sqlalchemy-mapper-error.json").is_file()
