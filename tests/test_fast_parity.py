"""The fast paths and the typer commands are one command each (`cli/table.py`,
`cli/handlers.py`): every argument vector below runs twice in a real process, once
as a user runs it and once with `JOURNAL_NO_FAST=1` (typer reads it), each in a
fresh copy of the same journal at the same path and clock, and both runs must give
the same exit code, standard output, standard error and files, byte for byte.

Valid and invalid vectors alike: where the fast parser cannot read a vector it
hands over to typer, so the two runs agree by construction; where it can, they agree
only if both parsers read it the same way and the one handler prints the answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from journal.cli.table import COMMANDS, parse, split_debug
from tests.forkrun import Driver
from tests.inprocess import make_template

NOW = "2025-11-04T02:30:00+00:00"
TOKEN = "ghp_" + "a" * 36

# (where, stdin, argv): `where` is the journal the vector runs in — "full" (three
# sessions, steps, events), "empty" (just `journal init`), "none" (no journal).
Vector = tuple[str, str, tuple[str, ...]]


def _log_vectors() -> list[Vector]:
    words = (
        ("Restarted", "the", "workers"),
        ("-a=01:03", "x"),
        ("-a", "01:03", "x"),
        ("-a01:03", "x"),
        ("--at", "01:03", "x"),
        ("--at=01:03", "x"),
        ("--at=", "x"),
        ("--at", "25:99", "x"),
        ("--at", "-5m", "x"),
        ("--at", "-1d2h", "x"),
        ("--at", "01:03 yesterday", "x"),
        ("--at", "2025-11-04T00:59Z", "x"),
        ("--at", "2025-11-03T00:59Z", "before the session"),
        ("--at", "--json", "x"),
        ("x", "--at"),
        ("--", "--debug"),
        ("--debug", "--", "--debug"),
        ("x", "--debug"),
        ("--", "-k", "detected", "text"),
        ("x", "--", "--json"),
        ("-k", "detected", "ValueError: boom in worker"),
        ("--kind=identified", "KeyError: 'user_id'"),
        ("-kdetected", "OSError: disk full"),
        ("-k", "bogus", "x"),
        ("--kind", "", "x"),
        ("--kind", "note", "--kind", "detected", "ValueError: again"),
        ("-s", "x"),
        ("--star", "x"),
        ("-sk", "detected", "x"),
        ("-s", "-k", "mitigated", "rolled back"),
        ("--json", "x"),
        ("--json", "-k", "detected", "ValueError: boom in worker"),
        ("--json=1", "x"),
        ("--by", "dana", "x"),
        ("--by=", "x"),
        ("--by", "dana", "--json", "x"),
        ("-S", "1", "x"),
        ("-S1", "x"),
        ("-S", "2", "--json", "x"),
        ("--session", "nosuch", "x"),
        ("--session=2025-11", "x"),
        ("--session", "2025-11-04-db", "x"),
        ("--session", "3", "after close"),
        (),
        ("--at",),
        ("-h",),
        ("--help",),
        ("x", "--help"),
        ("--unknown", "x"),
        ("-z", "x"),
        ("--kin", "detected", "x"),
        ("-5m", "x"),
        ("",),
        ("   ",),
        ("token", TOKEN),
        ("--no-redact", "token", TOKEN),
        ("--json", "token", TOKEN),
        ("--attach", "notes.txt", "with notes"),
        ("--attach=notes.txt", "--attach", "notes.txt", "twice"),
        ("--attach", "missing.txt", "x"),
        ("--attach", "x"),
        ("x", "-"),
        ("caf\u00e9", "\u2192", "\U0001f525"),
    )
    vectors: list[Vector] = [("full", "", ("log", *argv)) for argv in words]
    stdin = "NAME   READY\npod-1  0/1\n"
    vectors += [
        ("full", stdin, ("log", "-")),
        ("full", stdin, ("log", "-", "-k", "detected")),
        ("full", stdin, ("log", "--json", "-")),
        ("full", "", ("log", "-")),
        ("full", stdin, ("log", "--attach", "-", "pods at 01:05")),
        ("full", stdin, ("log", "--attach", "-", "-")),
        ("full", f"token {TOKEN}\n", ("log", "-")),
    ]
    for where in ("empty", "none"):
        vectors += [
            (where, "", ("log", "x")),
            (where, "", ("log", "-a=01:03", "x")),
            (where, "", ("log", "--json", "-S", "1", "x")),
            (where, "", ("log", "--", "--debug")),
            (where, "", ("log", "--help")),
        ]
    return vectors


def _read_vectors() -> list[Vector]:
    lists = (
        (),
        ("--json",),
        ("--status", "open"),
        ("--status=closed",),
        ("--status", "open", "--status", "resolved"),
        ("--status", "nosuch"),
        ("--tag", "db"),
        ("--tag=db", "--json"),
        ("--tag", "nosuch"),
        ("--tag", "db", "--tag", "cache", "--status", "open"),
        ("--status", "--json"),
        ("--tag",),
        ("--status",),
        ("extra",),
        ("--", "extra"),
        ("--json", "--json"),
        ("--json=yes",),
        ("--stat", "open"),
        ("--debug",),
        ("--help",),
        ("-h",),
        ("-j",),
    )
    todos = (
        (),
        ("--json",),
        ("--owner", "dana"),
        ("--owner=DANA",),
        ("--owner", "bob"),
        ("--owner", "bob", "--owner", "dana"),
        ("--owner", ""),
        ("--overdue",),
        ("--overdue", "--owner", "dana"),
        ("--overdue", "--json"),
        ("--overdue=1",),
        ("--owner",),
        ("--owner", "--json"),
        ("x",),
        ("--help",),
        ("--debug", "--json"),
        ("--own", "dana"),
    )
    stats = (
        (),
        ("--json",),
        ("--tag", "db"),
        ("-t", "cache"),
        ("--tag=db", "--tag", "cache", "--json"),
        ("-tdb",),
        ("--tag", "nosuch"),
        ("--severity", "high"),
        ("--severity", "critical", "--severity", "high", "--json"),
        ("--since", "2025-11-04T01:00Z"),
        ("--since=30d",),
        ("--since", "2030-01-01", "--tag", "db"),
        ("--since", "yesterday-ish"),
        ("--since",),
        ("--tag",),
        ("--sev", "high"),
        ("--json=1",),
        ("x",),
        ("--help",),
        ("--debug", "--json"),
        ("--", "x"),
    )
    vectors: list[Vector] = [("full", "", ("list", *argv)) for argv in lists]
    vectors += [("full", "", ("todo", *argv)) for argv in todos]
    vectors += [("full", "", ("stats", *argv)) for argv in stats]
    for where in ("empty", "none"):
        vectors += [(where, "", ("stats",)), (where, "", ("stats", "--json"))]
        vectors += [
            (where, "", ("list",)),
            (where, "", ("list", "--json")),
            (where, "", ("list", "--tag", "db")),
            (where, "", ("todo",)),
            (where, "", ("todo", "--overdue", "--json")),
        ]
    return vectors


def _report_vectors() -> list[Vector]:
    shows = (
        (),
        ("1",),
        ("2",),
        ("3",),
        ("2025-11-04-db-down",),
        ("2025-11",),
        ("nosuch",),
        ("--ascii", "1"),
        ("--emoji", "1"),
        ("--ascii", "--emoji", "2"),
        ("--no-pager", "1"),
        ("--pager", "1"),
        ("1", "2"),
        ("--", "1"),
        ("--ascii=1",),
        ("-x",),
        ("--help",),
        ("1", "--debug"),
    )
    renders = (
        (),
        ("1",),
        ("2", "--ascii"),
        ("--emoji", "3"),
        ("nosuch",),
        ("--all",),
        ("--all", "--json"),
        ("--json", "--all"),
        ("--all", "--ascii"),
        ("--all", "--emoji", "--json"),
        ("--all", "1"),
        ("--all", "-o", "out"),
        ("--all", "--output=out", "--json"),
        ("--all", "-o", "sessions"),
        ("--all", "-o", "notes.txt"),
        ("1", "-o", "one.md"),
        ("1", "--output=one.md", "--json"),
        ("1", "-oone.md"),
        ("1", "-o", "-"),
        ("1", "-o", "sessions/x.md"),
        ("1", "-o", "journal.yaml"),
        ("-o",),
        ("--all=1",),
        ("--all", "--help"),
        ("--al",),
        ("--all", "--debug"),
        ("--", "--all"),
    )
    vectors: list[Vector] = [("full", "", ("show", *argv)) for argv in shows]
    vectors += [("full", "", ("render", *argv)) for argv in renders]
    for where in ("empty", "none"):
        vectors += [
            (where, "", ("show",)),
            (where, "", ("show", "1")),
            (where, "", ("render", "--all")),
            (where, "", ("render", "--all", "--json")),
            (where, "", ("render", "1")),
        ]
    return vectors


VECTORS = _log_vectors() + _read_vectors() + _report_vectors()


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    full = make_template(
        tmp_path_factory.mktemp("full"),
        ("new", "DB down", "--severity", "high", "--tag", "db", "--at", "2025-11-04T00:50Z",
         "--number", "1"),
        ("log", "--at", "2025-11-04T00:55Z", "-k", "detected", "ValueError: boom in worker"),
        ("step", "add", "Rotate the keys", "--owner", "dana", "--due", "2025-11-01"),
        ("close", "--status", "resolved", "--at", "2025-11-04T01:00Z"),
        ("new", "Cache cold", "--tag", "cache", "--tag", "db", "--at", "2025-11-04T01:00Z",
         "--number", "2"),
        ("log", "--at", "2025-11-04T01:05Z", "Warmed the cache"),
        ("step", "add", "Add a cache alert", "--horizon", "long"),
        ("new", "Workers stalled", "--severity", "critical", "--at", "2025-11-04T01:10Z",
         "--number", "3"),
        ("log", "--at", "2025-11-04T01:12Z", "-k", "detected", "ValueError: boom in worker"),
    )  # fmt: skip
    (full / "notes.txt").write_text("pods were pending\n", encoding="utf-8")
    empty = make_template(tmp_path_factory.mktemp("empty"))
    none = tmp_path_factory.mktemp("none") / "repo"
    none.mkdir()
    return {"full": full, "empty": empty, "none": none}


def _env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JOURNAL_", "GIT_")) and k not in ("EDITOR", "VISUAL")
    }
    env.update(
        HOME=str(home),
        TZ="UTC",
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
        COLUMNS="100",
        LINES="5000",
        JOURNAL_NOW=NOW,
    )
    return env


def _files(root: Path) -> dict[str, bytes | None]:
    """Every file under `root` with its bytes; the state folder's files (caches kept
    under stat keys, which hold inode numbers: a copy never has the same) by name."""
    state = (".git", "journal")
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_dir() or (parts[0] == ".git" and parts[:2] != state):
            continue
        cached = parts[:2] == state or parts[0] == ".journal"
        found["/".join(parts)] = None if cached else path.read_bytes()
    return found


def _snapshot(
    template: Path, work: Path, vector: Vector, run: Any
) -> tuple[int, bytes, bytes, dict[str, bytes | None]]:
    """Run `vector` in a fresh copy of `template` at `work`: its answer and files."""
    _where, stdin, argv = vector
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work, symlinks=True)
    code, out, err = run(work, argv, stdin)
    return code, out, err, _files(work)


def _exec(env: dict[str, str]) -> Any:
    """`python -m journal ARGV`, exactly as a user runs it."""

    def run(cwd: Path, argv: tuple[str, ...], stdin: str) -> tuple[int, bytes, bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "journal", *argv],
            cwd=cwd,
            input=stdin.encode(),
            capture_output=True,
            env=env,
            timeout=120,
        )
        return done.returncode, done.stdout, done.stderr

    return run


# The vectors run in CHUNKS tests of their own (every CHUNKS-th vector each), so that
# pytest-xdist spreads them over the workers instead of one worker running them all
# while the other finishes early; every vector is still run both ways.
CHUNKS = 4
# Every REAL_EVERY-th vector runs as `python -m journal` itself, both ways (prime to
# CHUNKS, so that each chunk has some: 10 of the 184).
REAL_EVERY = 19


def test_the_vectors_are_many_distinct_and_mostly_read_by_the_fast_parser() -> None:
    assert len(VECTORS) >= 150
    assert len(set(VECTORS)) == len(VECTORS), "a vector listed twice"
    fast_paths = 0
    for vector in VECTORS:
        _debug, rest = split_debug(list(vector[2][1:]))
        fast_paths += parse(COMMANDS[vector[2][0]], rest) is not None
    print(f"{len(VECTORS)} vectors, {fast_paths} read by the fast parser")
    assert 100 <= fast_paths < len(VECTORS)  # both kinds are run, most fast


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_the_fast_paths_and_typer_agree_byte_for_byte(
    templates: dict[str, Path], tmp_path: Path, chunk: int
) -> None:
    fast_env = _env(tmp_path)
    typer_env = {**fast_env, "JOURNAL_NO_FAST": "1"}
    # A few vectors as a user runs them; the rest in forked children of a driver
    # that imported the heavy libraries once (`tests/forkrun.py`): each run is
    # still its own process, with its own folder, streams and exit status.
    fast_driver = Driver(fast_env, tmp_path / "fast")
    typer_driver = Driver(typer_env, tmp_path / "typer")
    work = tmp_path / "work" / "repo"  # the same path both ways: outputs name it
    differences = []
    try:
        for number, vector in enumerate(VECTORS):
            if number % CHUNKS != chunk:
                continue
            template = templates[vector[0]]
            if number % REAL_EVERY == 0:
                runs = (_exec(fast_env), _exec(typer_env))
            else:
                runs = (fast_driver.run, typer_driver.run)
            fast = _snapshot(template, work, vector, runs[0])
            full = _snapshot(template, work, vector, runs[1])
            if fast != full:
                names = ("exit code", "stdout", "stderr", "files")
                which = [n for n, a, b in zip(names, fast, full, strict=True) if a != b]
                differences.append(
                    f"{vector}: {', '.join(which)} differ\n"
                    f"  fast: {fast[:3]}\n  typer: {full[:3]}"
                )
    finally:
        fast_driver.close()
        typer_driver.close()
    assert not differences, "\n".join(differences)
