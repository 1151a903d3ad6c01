"""The bad-input catalogue: every row is a mistake a person (or a crash, or a merge)
can make, run through the real command line.

Each row asserts the exit code, that stderr is exactly one `journal: error: …` line
naming the problem and where it is (file:line:col, the setting, or the argument),
that no traceback is printed, and that no file of the journal changed. The rows
extend the first table of `test_cli_sessions.py` (kept there) to files, settings,
templates, times and hostile identifiers. `python tests/catalogue.py` prints this
catalogue, with the message each row really gets, as the table in docs/reliability.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REPO, Result, git, run_journal, snapshot
from tests.figures import record

SID = "2025-11-04-sqlalchemy-mapper-error"
SESSION = f"sessions/{SID}/session.yaml"
TIMELINE = f"sessions/{SID}/timeline.yaml"
GOOD_EVENT = '- {"at": "2025-11-04T01:02:00+00:00", "kind": "detected", "text": "Mapper errors"}\n'

Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Bad:
    """One bad input: how to make it, what to run, and what must come back."""

    what: str
    """The mistake, as docs/reliability.md lists it."""
    args: tuple[str | bytes, ...]
    code: int
    message: str
    """A fragment of the one-line error naming the problem."""
    where: str
    """A fragment naming the location: file:line:col, a setting or the argument."""
    setup: tuple[Setup, ...] = ()
    env: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.what

    @property
    def command(self) -> str:
        shown = [
            a if isinstance(a, str) else a.decode("utf-8", "backslashreplace")
            for a in self.args
        ]
        shown = [s if len(s) < 40 else s[:24] + f"… ({len(s):,} chars)" for s in shown]
        prefix = " ".join(f"{k}={v}" for k, v in self.env.items())
        return (
            (prefix + " " if prefix else "")
            + "journal "
            + " ".join(
                repr(s) if (" " in s or not s or "$" in s or ";" in s) else s
                for s in shown
            )
        )


def write(rel: str, content: str | bytes) -> Setup:
    def apply(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)

    return apply


def append(rel: str, content: str) -> Setup:
    def apply(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(content)

    return apply


def remove(rel: str) -> Setup:
    return lambda root: (root / rel).unlink()


def config(text: str) -> Setup:
    return write("journal.yaml", text)


def session(extra: str) -> Setup:
    """A valid session.yaml followed by `extra` lines."""
    return write(SESSION, "title: SQLAlchemy mapper error\nstatus: open\n" + extra)


BERLIN = config("timezone: Europe/Berlin\n")
HUGE = "x" * 100_001

# fmt: off
ROWS: list[Bad] = [
    # --- session.yaml: malformed YAML -----------------------------------------
    Bad("session.yaml indented with a tab", ("render",), 1,
        "YAML indents with spaces, not tabs", f"{SESSION}:4:1",
        (session("tags:\n\t- db\n"),)),
    Bad("session.yaml with a duplicate key", ("render",), 1,
        "duplicate key 'title' (first at line 1)", f"{SESSION}:3:1",
        (session("title: Again\n"),)),
    Bad("session.yaml with an unclosed quote", ("set", "summary", "x"), 1,
        "close the quote", f"{SESSION}:1:8",
        (write(SESSION, 'title: "SQLAlchemy mapper error\nstatus: open\n'),)),
    Bad("session.yaml with an unclosed flow list", ("show",), 1,
        "invalid YAML", f"{SESSION}:",
        (session("tags: [db, prod\nseverity: high\n"),)),
    Bad("session.yaml holding a YAML object tag", ("render",), 1,
        "could not determine a constructor", f"{SESSION}:3",
        (session("summary: !!python/object/apply:os.system ['touch pwned']\n"),)),
    Bad("session.yaml with anchors and aliases", ("render",), 1,
        "uses YAML anchors/aliases", f"{SESSION}:4:24",
        (session("tags: &t [a, b]\nroot_cause: {evidence: *t}\n"),)),
    # --- session.yaml: wrong shapes and types -----------------------------------
    Bad("session.yaml that is empty", ("render",), 1,
        "session.yaml is empty", SESSION, (write(SESSION, ""),)),
    Bad("session.yaml holding only comments", ("set", "summary", "x"), 1,
        "session.yaml is empty", SESSION, (write(SESSION, "# nothing yet\n"),)),
    Bad("session.yaml that is a list", ("render",), 1,
        "must be a mapping of fields", f"{SESSION}:1:1",
        (write(SESSION, "- title: x\n"),)),
    Bad("session.yaml without a title", ("render",), 1,
        "missing required field", SESSION, (write(SESSION, "status: open\n"),)),
    Bad("a number that is a word", ("render",), 1,
        "number: expected int", f"{SESSION}:3:1", (session("number: eight\n"),)),
    Bad("a list that is a string", ("render",), 1,
        "tags: expected array, got str", f"{SESSION}:3:1", (session("tags: database\n"),)),
    Bad("a yes/no that is neither", ("render",), 1,
        "expected bool", f"{SESSION}:4:",
        (session("success_criteria:\n  - {text: Build green, done: maybe}\n"),)),
    Bad("a title that is a mapping", ("set", "summary", "x"), 1,
        "title: expected str, got object", f"{SESSION}:1:1",
        (write(SESSION, "title: {text: x}\nstatus: open\n"),)),
    Bad("an unknown key (typo)", ("render",), 1,
        "unknown field 'titel' — did you mean 'title'?", f"{SESSION}:3:1",
        (session("titel: typo\n"),)),
    Bad("an unknown nested key (typo)", ("render",), 1,
        "unknown field 'root_cause.sumary' — did you mean 'summary'?", f"{SESSION}:4:3",
        (session("root_cause:\n  sumary: typo\n"),)),
    Bad("a status the journal does not know", ("render",), 1,
        "unknown status 'exploded'", f"{SESSION}:2:",
        (write(SESSION, "title: x\nstatus: exploded\n"),)),
    Bad("a field over 200,000 characters", ("render",), 1,
        "length <= 200000", f"{SESSION}:3:", (session("summary: " + "x" * 200_001 + "\n"),)),
    Bad("a session.yaml over 8 MiB", ("render",), 1,
        "over the 8192 KiB limit", SESSION,
        (session("sections:\n" + ("  - {title: t, body: " + "y" * 190_000 + "}\n") * 46),)),
    Bad("a binary session.yaml", ("render",), 1,
        "is a binary file, not YAML", SESSION,
        (write(SESSION, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),)),
    Bad("a session.yaml that is not UTF-8", ("set", "summary", "x"), 1,
        "invalid UTF-8 (byte 0xe9)", f"{SESSION}:2",
        (write(SESSION, b"title: ok\nsummary: caf\xe9 au lait\n"),)),
    Bad("a start time without a zone", ("render",), 1,
        "started: expected datetime with a timezone", f"{SESSION}:3:1",
        (session('started: "2025-11-04T01:00:00"\n'),)),
    Bad("a start time in the year 10000", ("render",), 1,
        "started: Invalid RFC3339 encoded datetime", f"{SESSION}:3:1",
        (session('started: "10000-01-01T00:00:00+00:00"\n'),)),
    Bad("a start time no zone can show (year 1, +01:00)", ("render",), 1,
        "is out of range", f"{SESSION}:3:1",
        (session('started: "0001-01-01T00:30:00+01:00"\n'),)),
    # --- timeline.yaml --------------------------------------------------------
    Bad("a missing timeline.yaml", ("render",), 1,
        "timeline.yaml is missing", TIMELINE, (remove(TIMELINE),)),
    Bad("a timeline line that is not a mapping", ("render",), 1,
        "event is not a mapping", f"{TIMELINE}:2",
        (write(TIMELINE, GOOD_EVENT + "- just some text\n"),)),
    Bad("a timeline line that is not a list item", ("render",), 1,
        "not a list item", f"{TIMELINE}:1",
        (write(TIMELINE, GOOD_EVENT[2:] + GOOD_EVENT),)),
    # A line a crash tore (never closed) is skipped with a warning instead: see
    # tests/test_reliability_first_hour.py (item 10).
    Bad("a broken line in the middle of the timeline", ("show",), 1,
        "cannot be read as an event", f"{TIMELINE}:1",
        (write(TIMELINE, '- {"at": "2025-11-04T01:00:00+00:00", "kind": "note"}}\n' + GOOD_EVENT),)),
    Bad("a timeline line that is not UTF-8", ("render",), 1,
        "is not valid UTF-8 (byte 0xe9", f"{TIMELINE}:2",
        (write(TIMELINE, GOOD_EVENT.encode() + b'- {"at": "2025-11-04T01:03:00+00:00", "kind": "note", "text": "caf\xe9"}\n'),)),
    Bad("an unknown event field (typo)", ("render",), 1,
        "unknown field 'txt' — did you mean 'text'?", f"{TIMELINE}:1",
        (write(TIMELINE, '- {"at": "2025-11-04T01:02:00+00:00", "kind": "note", "txt": "x"}\n'),)),
    Bad("an event time without a zone", ("render",), 1,
        "at: expected datetime with a timezone", f"{TIMELINE}:1",
        (write(TIMELINE, '- {"at": "2025-11-04T01:02:00", "kind": "note", "text": "x"}\n'),)),
    Bad("an event in the year 10000", ("render",), 1,
        "at: Invalid RFC3339 encoded datetime", f"{TIMELINE}:1",
        (write(TIMELINE, '- {"at": "10000-01-01T00:00:00+00:00", "kind": "note", "text": "x"}\n'),)),
    Bad("a timeline nested 100,000 levels deep", ("render",), 1,
        "cannot be read as an event", f"{TIMELINE}:1",
        (write(TIMELINE, "- " + "[" * 100_000 + "\n"),)),
    # --- journal.yaml ---------------------------------------------------------
    Bad("an unknown site builder", ("log", "x"), 1,
        "unknown site.builder 'sphinx' — use one of: mkdocs", "journal.yaml:2",
        (config("site:\n  builder: sphinx\n"),)),
    Bad("an unknown setting (typo)", ("list",), 1,
        "unknown setting 'timezon' — did you mean 'timezone'?", "journal.yaml:1",
        (config("timezon: UTC\n"),)),
    Bad("a setting of the wrong type", ("log", "x"), 1,
        "redact must be a bool, not 'maybe' — write true or false", "journal.yaml:1",
        (config("redact: maybe\n"),)),
    Bad("a section that is not a mapping", ("list",), 1,
        "site must be a mapping", "journal.yaml:1", (config("site: mkdocs\n"),)),
    Bad("an unknown timezone", ("list",), 1,
        "unknown timezone 'Mars/Olympus'", "journal.yaml:1",
        (config("timezone: Mars/Olympus\n"),)),
    Bad("a redact pattern that is not a regular expression", ("log", "x"), 1,
        "'[unclosed' is not a valid regular expression", "journal.yaml:1",
        (config('redact_patterns: ["[unclosed"]\n'),)),
    Bad("an empty list of event kinds", ("log", "x"), 1,
        "event_kinds must list at least one value", "journal.yaml:1",
        (config("event_kinds: []\n"),)),
    Bad("no closed statuses (then close)", ("close",), 1,
        "closed_statuses must list at least one value", "journal.yaml:1",
        (config("closed_statuses: []\n"),)),
    Bad("a closed status that is not a status", ("close",), 1,
        "closed_statuses: 'done' is not one of the statuses — use one of: open",
        "journal.yaml:1", (config("closed_statuses: [done]\n"),)),
    Bad("a commit URL pattern without {sha}", ("list",), 1,
        "git.web_url: 'https://git.example.com/x' is not a commit URL pattern",
        "journal.yaml:2", (config("git:\n  web_url: https://git.example.com/x\n"),)),
    Bad("journal.yaml indented with a tab", ("list",), 1,
        "not tabs", "journal.yaml:2:1", (config("site:\n\tbuilder: mkdocs\n"),)),
    Bad("journal.yaml that is not UTF-8", ("list",), 1,
        "invalid UTF-8 (byte 0xff)", "journal.yaml:1", (config(b"title: \xff\n"),)),
    # --- templates --------------------------------------------------------------
    Bad("a report template with a syntax error", ("render",), 1,
        "template error: Expected an expression", "templates/report.md.j2:2",
        (write("templates/report.md.j2", "# {{ title }}\n{% if %}\n"),)),
    Bad("a report template with an unknown filter", ("render",), 1,
        "No filter named 'shout'", "templates/report.md.j2:1",
        (write("templates/report.md.j2", "{{ title | shout }}\n"),)),
    # --- times typed on the command line --------------------------------------
    Bad("--at in the year 10000", ("log", "x", "--at", "10000-01-01T00:00Z"), 2,
        "cannot read '10000-01-01T00:00Z' as a time", "'10000-01-01T00:00Z'"),
    Bad("--at in the year 1, east of UTC", ("log", "x", "--at", "0001-01-01T00:30+01:00"), 2,
        "is out of range", "'0001-01-01T00:30+01:00'"),
    Bad("--at 10 million days ago", ("log", "x", "--at", "-10000000d"), 2,
        "is out of range", "'-10000000d'"),
    Bad("--at in a DST gap (log)", ("log", "x", "--at", "2025-03-30T02:30"), 2,
        "does not exist in Europe/Berlin (the clocks skipped it)", "'2025-03-30T02:30'",
        (BERLIN,)),
    Bad("--at in a DST gap (new)", ("new", "Late", "--at", "2026-03-29T02:15"), 2,
        "does not exist in Europe/Berlin", "'2026-03-29T02:15'", (BERLIN,)),
    Bad("a time in a DST gap (set)", ("set", "ended", "2025-03-30T02:59"), 2,
        "does not exist in Europe/Berlin", "'2025-03-30T02:59'", (BERLIN,)),
    Bad("a date that does not exist", ("set", "next_steps.1.due", "2025-02-30"), 2,
        "'2025-02-30' is not a date", "'2025-02-30'",
        (session("next_steps:\n  - {text: Add the School model}\n"),)),
    # --- values typed on the command line -------------------------------------
    Bad("a negative session number", ("set", "--", "number", "-1"), 1,
        "number: expected int >= 0", f"{SESSION} (after the edit)"),
    Bad("an empty title", ("set", "title", ""), 1,
        "title: expected str of length >= 1", f"{SESSION} (after the edit)"),
    Bad("an unknown key inside a typed value", ("set", "people", "[{name: rich, rol: lead}]"), 1,
        "did you mean 'role'?", f"{SESSION} (after the edit)"),
    Bad("event text over 200,000 characters", ("log", HUGE, HUGE), 2,
        "the event text is 200,003 characters, over the 200,000 limit", "--attach"),
    Bad("event text that is not UTF-8", ("log", b"caf\xe9"), 1,
        "the text contains bytes that are not valid UTF-8", "LANG"),
    Bad("a value that is not UTF-8", ("set", "summary", b"caf\xe9"), 2,
        "the value contains bytes that are not valid UTF-8 (at character 4)", "LANG"),
    Bad("an attachment that does not exist", ("log", "x", "--attach", "missing.log"), 1,
        "cannot attach missing.log: no such file", "missing.log"),
    # --- identifiers that try to leave the journal ----------------------------
    Bad("a session id with ../", ("render", "../../etc/passwd"), 2,
        "is not a session id", "'../../etc/passwd'"),
    Bad("a session id that is an absolute path", ("log", "x", "--session", "/etc/passwd"), 2,
        "is not a session id", "'/etc/passwd'"),
    Bad("a session id with shell metacharacters", ("show", "$(touch pwned)"), 2,
        "is not a session id", "'$(touch pwned)'"),
    Bad("a session id with a semicolon", ("set", "summary", "x", "--session", "x;rm -rf ~"), 2,
        "is not a session id", "'x;rm -rf ~'"),
    Bad("a session id of '..'", ("exec", "--session", "..", "--", "true"), 2,
        "is not a session id", "'..'"),
    Bad("JOURNAL_SESSION pointing outside", ("log", "x"), 2,
        "is not a session id", "'../../outside'", env={"JOURNAL_SESSION": "../../outside"}),
    Bad("a session id with a newline", ("render", "2025-11-04-x\nrm -rf /"), 2,
        "is not a session id", "'2025-11-04-x\\nrm -rf /'"),
    # --- import -----------------------------------------------------------------
    Bad("importing a binary file", ("import", "scan.md"), 1,
        "is a binary file, not Markdown", "scan.md",
        (write("scan.md", b"\x89PNG\r\n\x1a\n\x00\x00"),)),
    Bad("importing a file that is not UTF-8", ("import", "latin1.md"), 1,
        "is not valid UTF-8 (byte 0xe9); nothing imported", "latin1.md:3",
        (write("latin1.md", b"# Session 3: Caf\xc3\xa9\n\n**Date:** 2025-01-02 caf\xe9\n"),)),
    Bad("importing into a folder outside the journal", ("import", "r.md", "--into", "../elsewhere"), 2,
        "is outside the journal", "--into ../elsewhere",
        (write("r.md", "# Session 4: Fine\n\n**Date:** 2025-01-02\n"),)),
]
# fmt: on


def make_journal(root: Path) -> Path:
    """A journal in a new git repository with the session every row starts from."""
    root.mkdir(parents=True)
    git(root, "init", "-q")
    for args in (
        ("init",),
        (
            "new",
            "SQLAlchemy mapper error",
            "--severity",
            "critical",
            "--at",
            "2025-11-04T01:00:00+00:00",
            "--number",
            "8",
        ),
        (
            "log",
            "Mapper errors",
            "--kind",
            "detected",
            "--at",
            "2025-11-04T01:02:00+00:00",
        ),
    ):
        done = run(root, args)
        assert done.code == 0, done.err
    return root


def run(
    root: Path, args: tuple[str | bytes, ...], env: dict[str, str] | None = None
) -> Result:
    """`journal ARGS` in `root`: through `run_journal`, so inside this process (the
    same `journal.cli.main`, exit code and output as `python -m journal`) unless
    `JOURNAL_TESTS_SUBPROCESS` asks for processes; an argument given as bytes (not
    UTF-8) needs a real process, as only an operating system's argv can carry it."""
    if all(isinstance(arg, str) for arg in args):
        return run_journal(*(str(arg) for arg in args), cwd=root, env=env)
    done = subprocess.run(
        [sys.executable, "-m", "journal", *args],
        cwd=root,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    return Result(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def copy_journal(template: Path, root: Path) -> Path:
    """A copy of a journal made by `make_journal` (git folder included): cheaper
    than starting three commands for every row."""
    shutil.copytree(template, root, symlinks=True)
    return root


def run_row(row: Bad, root: Path) -> tuple[Result, dict[str, bytes], dict[str, bytes]]:
    for step in row.setup:
        step(root)
    before = snapshot(root)
    result = run(root, row.args, row.env)
    return result, before, snapshot(root)


def test_the_catalogue_is_large_enough() -> None:
    assert len(ROWS) >= 40
    assert len({r.what for r in ROWS}) == len(ROWS)
    record("bad_input", {"rows": len(ROWS)})


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_journal(tmp_path_factory.mktemp("template") / "repo")


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input_is_one_clear_line_and_changes_nothing(
    row: Bad, template: Path, tmp_path: Path
) -> None:
    root = copy_journal(template, tmp_path / "repo")
    result, before, after = run_row(row, root)
    assert result.code == row.code, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    (line,) = lines
    assert line.startswith("journal: error: "), line
    assert row.message in line, line
    assert row.where in line, line
    assert "Traceback" not in result.err + result.out
    assert "internal error" not in line
    assert after == before
    assert not (root / "pwned").exists()
    assert not (root.parent / "elsewhere").exists()


def test_the_catalogue_script_prints_a_markdown_table() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tests" / "catalogue.py"), "--no-run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("| # | bad input |")
    assert len(lines) == len(ROWS) + 2
    assert all(line.count(" | ") >= 4 for line in lines[2:])
