"""Item 7 of issue 26: `exec` checks every argument before it runs the command, and
keeps the output (and says where) when recording fails after the command ran."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, Result, snapshot
from tests.inprocess import run_inprocess


@pytest.fixture
def jrun(cli: Cli, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """`journal ARGS` in the test process (arguments over the OS's length limit)."""

    def run(*args: str) -> Result:
        return run_inprocess(*args, cwd=cli.root, capfd=capfd, monkeypatch=monkeypatch)

    return run


@pytest.mark.parametrize(
    "args",
    [
        ("-m", "   "),
        ("-m", ""),
        ("-m", "x" * 200_001),
        ("--kind", "nosuchkind"),
        ("--session", "nosuchsession"),
        ("-m", "caf\udce9 au lait"),  # b"caf\xe9" as Python decodes argv
    ],
    ids=["blank", "empty", "too-long", "unknown-kind", "unknown-session", "not-utf8"],
)
def test_item7_exec_refuses_bad_arguments_before_running(
    cli: Cli, session_id: str, jrun, args: tuple[str, ...]
):
    marker = cli.root / "ran.txt"
    before = snapshot(cli.root)
    result = jrun("exec", *args, "--", "touch", str(marker))
    assert result.code in (1, 2), result
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert not marker.exists(), "the command ran although the record was refused"
    assert snapshot(cli.root) == before


def test_item7_exec_refuses_a_command_too_long_to_record(
    cli: Cli, session_id: str, jrun
):
    marker = cli.root / "ran.txt"
    result = jrun("exec", "--", "touch", str(marker), "y" * 200_001)
    assert result.code == 2, result
    assert not marker.exists()


def test_item7_a_command_name_not_utf8_runs_and_is_recorded(
    cli: Cli, session_id: str, jrun
):
    name = "ran-caf\udce9"  # a file name in another encoding
    result = jrun("exec", "--", "touch", name)
    assert result.code == 0, result
    assert (cli.root / "ran-caf\udce9").exists()
    timeline = (cli.root / "sessions" / session_id / "timeline.yaml").read_text()
    assert "ran-caf\ufffd" in timeline and "exit 0" in timeline


def test_item7_failed_record_keeps_output_and_says_where(cli: Cli, session_id: str):
    folder = cli.root / "sessions" / session_id
    script = f"echo the-output-line; rm {folder / 'session.yaml'}"
    result = cli("exec", "--", "sh", "-c", script)
    assert result.code == 1, result
    assert "the-output-line" in result.out  # streamed through as it ran
    line = result.err.strip()
    assert len(line.splitlines()) == 1, result.err
    assert "the command ran (exit 0) but was not recorded" in line
    kept = line.split("its output is kept in ")[1].strip()
    assert (
        "the-output-line"
        in (folder / "evidence").joinpath(kept.rsplit("/", 1)[1]).read_text()
    )
