"""`journal log`: the fast path and the full CLI agree; appends are never lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from journal.store.timeline import read_lines
from tests.conftest import Cli, snapshot

# The process boundary is what is tested: the fast path of `log` against the full
# CLI, and concurrent appends.
pytestmark = pytest.mark.subprocess

SID = "2025-11-04-sqlalchemy-mapper-error"


def _events(root: Path, session: str = SID) -> list[dict]:
    return (
        yaml.safe_load((root / "sessions" / session / "timeline.yaml").read_text())
        or []
    )


def test_log_appends_one_line_with_kind_star_and_time(
    cli: Cli, session_id: str
) -> None:
    out = cli.ok(
        "log",
        "Workers",
        "failing",
        "--kind",
        "detected",
        "--star",
        "--at",
        "2025-11-04T01:02Z",
        "--by",
        "rich",
    )
    assert out.out.strip() == f"logged 01:02 detected ★ → {session_id}"
    assert _events(cli.root) == [
        {
            "at": "2025-11-04T01:02:00+00:00",
            "kind": "detected",
            "text": "Workers failing",
            "star": True,
            "by": "rich",
        }
    ]


def test_fast_path_and_full_cli_write_the_same_line(cli: Cli, session_id: str) -> None:
    cli.ok("log", "same text", "-k", "note", "-a", "2025-11-04T01:03Z")
    # `--help`-style options force the full CLI; an odd option spelling forces it too.
    cli.ok("log", "--kind=note", "--at=2025-11-04T01:03Z", "same text")
    full = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from journal.cli.app import run; run(sys.argv[1:])",
            "log",
            "same text",
            "--kind",
            "note",
            "--at",
            "2025-11-04T01:03Z",
        ],
        cwd=cli.root,
        capture_output=True,
        text=True,
    )
    assert full.returncode == 0, full.stderr
    lines = (
        (cli.root / "sessions" / session_id / "timeline.yaml").read_text().splitlines()
    )
    assert len(lines) == 3 and len(set(lines)) == 1


def test_log_json_output(cli: Cli, session_id: str) -> None:
    out = cli.ok("log", "x", "--json", "--at", "2025-11-04T01:02Z")
    payload = json.loads(out.out)
    assert payload["session"] == session_id and payload["event"]["text"] == "x"


def test_log_to_another_session_by_number(cli: Cli, session_id: str) -> None:
    cli.ok("new", "Other", "--at", "2025-12-01T00:00Z")
    cli.ok("log", "back-filled", "--session", "8", "--at", "2025-11-04T01:30Z")
    assert _events(cli.root)[0]["text"] == "back-filled"


def test_log_redacts_secrets_unless_asked_not_to(cli: Cli, session_id: str) -> None:
    token = "ghp_" + "a1B2" * 9
    out = cli.ok("log", f"leaked {token} in CI")
    assert "1 secret(s) redacted: github-token" in out.out
    cli.ok("log", f"kept {token}", "--no-redact")
    texts = [e["text"] for e in _events(cli.root)]
    assert texts == ["leaked [REDACTED:github-token] in CI", f"kept {token}"]


def test_log_attaches_evidence_without_overwriting(
    cli: Cli, session_id: str, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    log.write_text("mapper error\n")
    cli.ok("log", "logs", "--attach", str(log))
    cli.ok("log", "logs again", "--attach", str(log))
    evidence = cli.root / "sessions" / session_id / "evidence"
    assert sorted(p.name for p in evidence.iterdir()) == ["worker-2.log", "worker.log"]
    assert [e["evidence"] for e in _events(cli.root)] == [
        ["evidence/worker.log"],
        ["evidence/worker-2.log"],
    ]


def test_log_errors_change_nothing(cli: Cli, session_id: str) -> None:
    before = snapshot(cli.root)
    for args, message in [
        (("log",), "the event text is empty"),
        (("log", "x", "--attach", "/no/such/file"), "no such file"),
        (("log", "x", "--session", "../../etc"), "is not a session id"),
        (("log", "x", "--at", "10000-01-01T00:00Z"), "cannot read"),
    ]:
        result = cli(*args)
        assert result.code != 0 and message in result.err, (args, result.err)
        assert "Traceback" not in result.err
    assert snapshot(cli.root) == before


def test_log_without_an_active_session_says_how_to_start_one(cli: Cli) -> None:
    result = cli("log", "x")
    assert result.code == 1
    assert "no active session" in result.err and "journal new" in result.err


_WRITER = """
import sys
from journal.operations.log import log_event
from journal.store.sessions import Journal
journal = Journal.open()
for i in range(100):
    log_event(journal, f"writer {sys.argv[1]} event {i}", session=sys.argv[2])
"""


def test_eight_processes_appending_a_hundred_events_each_lose_nothing(
    cli: Cli, session_id: str
) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(n), session_id], cwd=cli.root
        )
        for n in range(8)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0] * 8
    lines = read_lines(cli.root / "sessions" / session_id / "timeline.yaml")
    assert len(lines) == 800 and all(raw.data is not None for raw in lines)
    texts = {raw.data["text"] for raw in lines if raw.data}
    assert texts == {f"writer {n} event {i}" for n in range(8) for i in range(100)}


def test_an_attachment_that_cannot_be_read_leaves_the_earlier_one_of_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source that is there but cannot be opened (permission denied) is refused
    before any file of evidence/ is touched: the earlier attachment of the same
    name stays whole."""
    from journal.errors import WriteError
    from journal.operations import log

    folder = tmp_path / "session"
    (folder / "evidence").mkdir(parents=True)
    earlier = folder / "evidence" / "notes.txt"
    earlier.write_text("the first responder's notes\n")
    source = tmp_path / "notes.txt"
    source.write_text("unreadable\n")
    opened = Path.open

    def refuse(path: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if path == source:
            raise PermissionError(13, "Permission denied", str(path))
        return opened(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(WriteError, match="Permission denied"):
        log._attach(folder, source)
    monkeypatch.undo()
    assert earlier.read_text() == "the first responder's notes\n"
    assert sorted(p.name for p in (folder / "evidence").iterdir()) == ["notes.txt"]
