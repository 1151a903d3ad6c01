"""The command line's conventions: --version, shell completion, grouped help, and `-`
for standard input wherever a text or a file is expected."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import yaml

import journal
from journal.cli.app import PANELS
from tests.conftest import Cli


def _events(root: Path, session_id: str) -> list[dict]:
    path = root / "sessions" / session_id / "timeline.yaml"
    return yaml.safe_load(path.read_text()) or []


def test_version_prints_the_package_version(cli: Cli) -> None:
    out = cli.ok("--version")
    assert out.out.strip() == f"journal {journal.__version__}"


def test_show_completion_prints_a_bash_script_that_completes_commands(
    cli: Cli,
) -> None:
    script = cli.ok("--show-completion", "bash").out
    assert "_JOURNAL_COMPLETE=complete_bash" in script
    assert "complete -o default -F _journal_completion journal" in script
    # The script's own protocol, run by hand: `journal lo<TAB>` offers `log`.
    env = {
        "_JOURNAL_COMPLETE": "complete_bash",
        "COMP_WORDS": "journal opt",
        "COMP_CWORD": "1",
    }
    assert cli.ok(env=env).out.split() == ["option"]
    env.update(COMP_WORDS="journal option ", COMP_CWORD="2")
    assert cli.ok(env=env).out.split() == ["add", "choose", "reject", "defer"]


def test_help_groups_every_command_into_panels_in_order(cli: Cli) -> None:
    text = cli.ok("--help").out
    titles = [title for title, _ in PANELS]
    positions = [text.index(f"\n{title}:\n") for title in titles]
    assert positions == sorted(positions)
    assert "\nOther:\n" not in text, "a command is missing from PANELS"
    assert "\nCommands:\n" not in text
    for title, names in PANELS:
        section = text.split(f"\n{title}:\n", 1)[1].split("\n\n", 1)[0]
        listed = [line.split()[0] for line in section.splitlines()]
        assert listed == list(names), title


def test_help_lists_each_registered_command_exactly_once(cli: Cli) -> None:
    text = cli.ok("--help").out
    body = text.split("\nSessions:\n", 1)[1]
    names = [
        line.split()[0]
        for line in body.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    ]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(n for _, group in PANELS for n in group)


def test_log_dash_reads_the_event_text_from_standard_input(
    cli: Cli, session_id: str
) -> None:
    cli.ok("log", "-", "--kind", "investigating", input="NAME   READY\npod-1  0/1\n")
    event = _events(cli.root, session_id)[-1]
    assert event["kind"] == "investigating"
    assert event["text"] == "NAME   READY\npod-1  0/1"


def test_log_dash_goes_through_the_full_cli_too(cli: Cli, session_id: str) -> None:
    # `--help`-free but with an option the fast path does not know: the typer path.
    cli.ok("log", "-", "--session", session_id, input="from the full cli\n")
    assert _events(cli.root, session_id)[-1]["text"] == "from the full cli"


def test_log_dash_scrubs_secrets_like_typed_text(cli: Cli, session_id: str) -> None:
    out = cli.ok("log", "-", "--json", input="token ghp_" + "a" * 36 + "\n")
    assert json.loads(out.out)["redacted"] == ["github-token"]
    assert (
        "ghp_" not in (cli.root / "sessions" / session_id / "timeline.yaml").read_text()
    )


def test_attach_dash_keeps_standard_input_as_evidence(
    cli: Cli, session_id: str
) -> None:
    cli.ok("log", "--attach", "-", "pods at 01:05", input="pod-1 CrashLoopBackOff\n")
    event = _events(cli.root, session_id)[-1]
    assert event["text"] == "pods at 01:05"
    assert event["evidence"] == ["evidence/stdin.txt"]
    kept = cli.root / "sessions" / session_id / "evidence" / "stdin.txt"
    assert kept.read_text() == "pod-1 CrashLoopBackOff\n"
    cli.ok("log", "--attach", "-", "again", input="second\n")
    assert _events(cli.root, session_id)[-1]["evidence"] == ["evidence/stdin-2.txt"]


def test_set_dash_reads_the_value_from_standard_input(
    cli: Cli, session_id: str
) -> None:
    cli.ok("set", "summary", "-", input="Workers failed.\nEvery query errored.\n")
    data = yaml.safe_load(
        (cli.root / "sessions" / session_id / "session.yaml").read_text()
    )
    # As for a typed multi-line value: a literal block, which keeps one final newline.
    assert data["summary"] == "Workers failed.\nEvery query errored.\n"


def test_standard_input_is_read_once(cli: Cli, session_id: str) -> None:
    before = (cli.root / "sessions" / session_id / "timeline.yaml").read_bytes()
    bad = cli("log", "-", "--attach", "-", input="x\n")
    assert bad.code == 2
    assert bad.err.strip() == (
        "journal: error: standard input (`-`) can be read only once — pipe either "
        "the text (journal log -) or a file (journal log --attach - …)"
    )
    assert (cli.root / "sessions" / session_id / "timeline.yaml").read_bytes() == before


def test_undecodable_standard_input_is_refused_with_a_hint(
    cli: Cli, session_id: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "journal", "log", "-"],
        cwd=cli.root,
        input=b"caf\xe9\n",
        capture_output=True,
    )
    assert done.returncode == 2
    assert (
        b"standard input for the event text is not UTF-8 text (byte 3)" in done.stderr
    )
    assert b"--attach -" in done.stderr


def test_dash_on_a_terminal_says_nothing_is_piped(cli: Cli, session_id: str) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "journal", "log", "-"],
            cwd=cli.root,
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 2
    assert "reads standard input, but nothing is piped in" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_show_completion_takes_the_shell_named_whatever_shell_runs_it(
    cli: Cli,
) -> None:
    # Under `sh` (xargs, CI runners) typer's own option would print sh's script.
    done = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m journal --show-completion bash"],
        cwd=cli.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "complete -o default -F _journal_completion journal" in done.stdout
    assert cli.ok("--show-completion", "zsh").out.startswith("#compdef journal")
    assert "complete --command journal" in cli.ok("--show-completion", "fish").out


def test_an_unknown_shell_is_one_line_with_the_choices(cli: Cli) -> None:
    result = cli("--show-completion", "tcsh")
    assert result.code == 2
    assert result.err.strip() == (
        "journal: error: no completion for the shell 'tcsh' — use one of: bash, zsh, "
        "fish, powershell, pwsh"
    )


def test_install_completion_writes_the_script_for_the_shell_named(cli: Cli) -> None:
    home = Path(os.environ["HOME"])
    out = cli.ok("--install-completion", "bash").out
    assert "bash completion installed in" in out
    assert (
        "_journal_completion" in (home / ".bash_completions" / "journal.sh").read_text()
    )
    assert ".bash_completions/journal.sh" in (home / ".bashrc").read_text()
