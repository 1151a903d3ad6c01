"""Print the promise table of docs/reliability.md from the tests that prove it.

    python tests/reliability_page.py          # the table, from the recorded figures
    python tests/reliability_page.py --run    # run the tests and the long fuzzer
                                               # again, record, rewrite the page

Two kinds of figure fill the table, and no number in it is typed by hand:

- counts the tests are made of (bad inputs, hostile ids, payloads, tags × entry
  points, examples per property, commands fuzzed), read from the test modules now;
- figures a run measures (kill trials and torn lines, operations under concurrency,
  the long fuzzer's runs and findings), read from `tests/reliability_figures.json`,
  which `tests/figures.py` fills as the tests run (each figure with the test that
  recorded it) and `--run` writes afresh.

`tests/test_docs.py` runs this again and fails when the page's table differs;
`tests/test_fuzz_commands.py` fails when the recorded figures no longer match the
tests (a new figure, a changed count) — then `--run` brings both up to date.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FIGURES = REPO / "tests" / "reliability_figures.json"
PAGE = REPO / "docs" / "reliability.md"
REGION = "python tests/reliability_page.py"
# What `--run` runs; RELIABILITY_FIGURES collects what each test records.
TESTS = [
    "tests/test_redact.py::test_the_corpora_are_large_enough",
    "tests/test_reliability_bad_input.py::test_the_catalogue_is_large_enough",
    "tests/test_reliability_concurrency.py",
    "tests/test_reliability_crash.py",
    "tests/test_fuzz_commands.py",
]
LONG_FUZZ = ["--runs", "5000", "--seed", "20261206"]


def recorded() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIGURES.read_text(encoding="utf-8"))
    return data


def counts() -> dict[str, Any]:
    """The counts the tests are made of, read from their modules."""
    from tests import test_empty_times as empty_times
    from tests import test_journal_folders as folders
    from tests import test_output_paths as output_paths
    from tests import test_redact as redact
    from tests import test_redaction_matrix as matrix
    from tests import test_reliability_bad_input as bad
    from tests import test_reliability_first_hour as first_hour
    from tests import test_reliability_injection as injection
    from tests import test_reliability_paths as paths
    from tests import test_reliability_text as text
    from tests import test_reliability_yaml as yaml
    from tests.fuzz_support import KNOWN, declared_commands
    from tests.test_fuzz_commands import RUNS, SEED

    return {
        "bad_inputs": len(bad.ROWS),
        "secrets": len(redact.SECRETS),
        "secret_kinds": len({k for s in redact.SECRETS for k in s.kinds}),
        "ordinary_lines": len(redact.ORDINARY),
        "payloads": len(injection.PAYLOADS),
        "places": injection.places(),
        "examples": text.EXAMPLES,
        "hostile_ids": len(paths.HOSTILE_IDS),
        "writing_commands": len(paths.WRITING_COMMANDS),
        "odd_names": len(paths.ODD_NAMES),
        "tags": len(yaml.canary_tags(Path("x"))),
        "entry_points": len(yaml.ENTRY_POINTS),
        "commands": len(declared_commands()),
        "quick_runs": RUNS,
        "quick_seed": SEED,
        "known_items": sorted({k.item for k in KNOWN}),
        "redacting_writers": len(matrix.WRITERS),
        "matrix_kinds": len(matrix.KINDS),
        "no_redact_groups": len(matrix.BATCHES),
        "own_files": len(output_paths.OWN),
        "output_writers": len(output_paths.WRITERS),
        "outside_values": len(folders.OUTSIDE),
        "empty_times": len(empty_times.EMPTY_TIMES),
        "over_all": len(first_hour.OVER_ALL),
    }


def _concurrency(f: dict[str, Any]) -> str:
    c = f["concurrency"]
    k = c["by_kind"]
    return (
        f"{c['processes']} processes × {c['operations_per_process']} operations = "
        f"{c['operations']:,}: {k['log-library'] + k['log-cli']} appends "
        f"({k['log-library']} library, {k['log-cli']} `journal log`), "
        f"{k['edit-library'] + k['set-cli']} field edits ({k['edit-library']} "
        f"`Journal.edit`, {k['set-cli']} `journal set`), {k['set-shared']} edits of "
        f"one shared field, {k['link-library'] + k['link-cli']} `journal link` calls "
        f"({k['link-library']} library, {k['link-cli']} CLI) and {k['hook']} "
        "post-commit hook runs on one session; every append present exactly once, "
        "every commit linked exactly once, each worker's own fields hold its last "
        f"write, comments kept — {c['seconds']} s"
    )


def _crash(f: dict[str, Any]) -> str:
    edits, appends, torn = (
        f["crash"][k] for k in ("session_edits", "timeline_appends", "torn_lines")
    )
    trials = edits["trials"] + appends["trials"] + torn["trials"]
    return (
        f"{trials} kill -9 trials: {edits['trials']} during `session.yaml` edits "
        f"({edits['killed_inside_the_write']} killed inside the write itself), "
        f"{appends['trials']} during timeline appends "
        f"({appends['killed_inside_the_write']} inside the write, "
        f"{appends['events']:,} events checked), {torn['trials']} with writes split "
        f"in two so kills tear lines ({torn['torn']} torn lines: "
        f"{torn['recovered']} recovered and {torn['moved_to_torn_file']} moved to "
        "`timeline.yaml.torn` by `journal check --fix`, "
        f"{torn['checked_through_the_cli']} of them through the real command)"
    )


def _fuzz(f: dict[str, Any], n: dict[str, Any]) -> str:
    long = f["fuzz_long"]
    known = long["failing_runs"] - long["new_defects"]
    items = ", ".join(
        f"{k} {v:,}" for k, v in long["failing_by_item"].items() if k != "new"
    )
    still = (
        f"; {known:,} runs fail on defects issue 26 lists, fixed on other branches "
        f"and kept on an allow-list until merged ({items})"
        if known
        else ""
    )
    return (
        f"{n['commands']} commands and sub-commands read from the typer app (all but "
        "`site serve`), hostile values for each declared parameter (empty, blank, "
        "100 kB, control characters, non-UTF-8, folders, links, devices, FIFOs, names "
        "too long, `.git` paths, unknown ids, a prefix of two ids, DST edges), against "
        "a sound journal and one with a torn line, a session.yaml that is not YAML and "
        f"a timeline that is a folder: {n['quick_runs']} runs in every test run (seed "
        f"{n['quick_seed']}); the last long run {long['runs']:,} runs (seed "
        f"{long['seed']}, {long['subprocess_runs']:,} of them real subprocesses with "
        f"limits, {long['commands']} commands): {long['new_defects']} new defects, "
        f"{long['internal_errors_new']} internal errors outside the allow-list{still}"
    )


def rows(f: dict[str, Any], n: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        ("Nothing is lost when many processes write at once",
         "`tests/test_reliability_concurrency.py` (slow)", _concurrency(f)),
        ("A crash never leaves a half-written file",
         "`tests/test_reliability_crash.py` (slow)", _crash(f)),
        ("A full disk or a read-only file changes nothing",
         "`tests/test_reliability_crash.py`",
         "ENOSPC/EDQUOT/EIO from a patched `os.write`/`os.fsync`/`os.replace`, in the "
         "library and through `log`, `set`, `step add`, `close`; a real 512 KiB tmpfs "
         "filled to the last block and then remounted read-only; `chmod a-w` files "
         "and folders"),
        ("Bad input gets one clear line and changes no file",
         "`tests/test_reliability_bad_input.py`",
         f"{n['bad_inputs']} bad inputs (the catalogue below), each: exit code, one "
         "line naming the problem and where, no traceback, every file byte-identical"),
        ("Every command survives hostile arguments",
         "`tests/test_fuzz_commands.py`, `bench/fuzz.py`", _fuzz(f, n)),
        ("Secrets never reach the disk", "`tests/test_redact.py`",
         f"{n['secrets']} generated secrets of {n['secret_kinds']} kinds, all "
         "redacted through `log`, `exec`, `set` and `import` (every byte the journal "
         f"wrote is searched); {n['ordinary_lines']} ordinary incident lines (SHAs, "
         "UUIDs, IPs, image digests, pod names, URLs, \"password reset emails "
         "failing\") untouched"),
        ("Every command that writes text redacts it",
         "`tests/test_redaction_matrix.py`",
         f"{n['redacting_writers']} writing commands (`new`, `set`, `option "
         "add/choose/reject/defer`, `criterion add`, `step add`, `lesson add`, "
         "`validate add`, `log`, `exec -m`, `exec` output, `edit`, `import`) × "
         f"{n['matrix_kinds']} kinds of secret (every kind the redactor knows): no "
         "file and no file or folder name of the journal (`.git` included) holds the "
         f"secret, and the command says so ({n['redacting_writers'] * n['matrix_kinds']} "
         f"cases); with `--no-redact` every kind is kept ({n['redacting_writers']} "
         f"commands × {n['no_redact_groups']} groups of kinds); real subprocesses for "
         "the `log` fast path among others; `verify` with and without `--no-redact`; "
         "`edit` redacts only the text the edit added"),
        ("`-o` never replaces the journal's own files",
         "`tests/test_output_paths.py`",
         f"{n['output_writers']} writers (`render`, `export`, `export --format madr`) "
         f"× {n['own_files']} of the journal's own files and links to them: refused "
         "in one line, nothing changed; `-o -` is standard output; a link is written "
         "through; a device or a named pipe is written in place as with `>`; a "
         "folder, a socket, a missing folder: one line; `render --all`/`export "
         "--all` into the sessions or `.git` refused, the fast path agreeing; "
         "`render --all` removes only stale reports it wrote itself"),
        ("Configured folders stay inside the journal",
         "`tests/test_journal_folders.py`",
         "`sessions_dir`, `reports_dir`, `site.docs_dir`, `site.site_dir` × "
         f"{n['outside_values']} values that lead out, into `.git` or are absolute: "
         "refused naming key and value, nothing written anywhere; `init "
         "--sessions-dir a/b/c` works; a bad `--sessions-dir` or a failure part way "
         "leaves nothing behind"),
        ("Every argument is checked before anything runs or is written",
         "`tests/test_exec_checks.py`, `tests/test_empty_times.py`",
         "`exec` with a blank, empty or too-long text, an unknown kind or session: "
         "the command never runs; a record that fails after the run keeps the output "
         f"and names the file; {n['empty_times']} empty times (`set started/ended`, "
         "`log --at`, `new --at/--detected/--impact`, `close --at`): one line, "
         "nothing changed"),
        ("A crash's torn line never hides a session nor is lost",
         "`tests/test_reliability_first_hour.py` (`item10`)",
         "the next `log` sets the torn tail aside in `timeline.yaml.torn` (byte for "
         "byte) or completes it, with a warning; `show`, `render`, `export`, `list` "
         "and `site build` show the rest with a warning naming file:line; `check` "
         "reports a torn line anywhere and `check --fix` repairs it"),
        ("One unreadable session never stops a command over all sessions",
         "`tests/test_reliability_first_hour.py` (`item16`)",
         "`timeline.yaml` or `session.yaml` replaced by a folder or a named pipe "
         f"(never waited on): {n['over_all']} commands over all sessions (`list`, "
         "`stats`, `todo`, `related`, `render --all`) and `check`, `site build` go on "
         "and name it; `show`, `render`, `export` of that session say one line"),
        ("Times and order mean what they say",
         "`tests/test_reliability_first_hour.py` (`item11`, `item12`)",
         "relative `--at` across both Europe/Berlin daylight-saving changes; `list` "
         "newest first by start time (fast path and full command agree); an empty "
         "filtered answer names its filter; `previous` naming its own session or a "
         "circle fails `check`"),
        ("Names too long for the file system are one line",
         "`tests/test_reliability_first_hour.py` (`item17`)",
         "`log --attach` and `import` of a 300-character name: exit 2, one line, "
         "nothing written; a long attached name is stored shortened with its "
         "extension"),
        ("Typed text never runs or breaks a page",
         "`tests/test_reliability_injection.py` (browser)",
         f"{n['payloads']} payloads, each put in {n['places']} places of its own "
         "session (every field, the events, a real commit's subject) plus an imported "
         "report: every report keeps the baseline's headings, tables, rows and cells, "
         "no link to `javascript:`/`data:`, Jinja shown as typed; the built site's "
         f"{n['payloads'] + 6} pages in headless chromium: no dialog, no `PWNED` "
         "console message, no `window.__pwned`, no event-handler attribute, same "
         "structure as the baseline page, Mermaid still drawn"),
        ("Any Unicode is stored and read back exactly",
         "`tests/test_reliability_text.py`",
         f"hypothesis, {n['examples']} examples per property, through `log`, `set` "
         "(and a later edit) and the report renderer: emoji, ZWJ sequences, CJK, "
         "right-to-left and bidi controls, U+2028/U+2029/U+0085, BOM, C0/C1 controls, "
         "U+FFFE/U+FFFF; the timeline stays one event per line for PyYAML (C and "
         "pure), ruamel and `json`; lone surrogates refused at the input; undecodable "
         "bytes in an imported file reported with file:line, nothing written"),
        ("Nothing is written outside the journal",
         "`tests/test_reliability_paths.py`",
         f"{n['hostile_ids']} hostile session ids × the library, "
         f"{n['writing_commands']} commands × 3 ids through the CLI, "
         f"{n['odd_names']} odd evidence file names, planted links in `evidence/`, "
         "linked `timeline.yaml`/`session.yaml`, `--into` outside the journal or into "
         "`.git`, a session folder in `sessions/` that links outside (not listed, not "
         "written through, skipped by `check`, `render --all`, `stats`)"),
        ("YAML is only ever loaded safely", "`tests/test_reliability_yaml.py`",
         f"{n['tags']} object-constructing tags × {n['entry_points']} entry points "
         "(`session.yaml` read and edited, `journal.yaml`, a hand-written timeline "
         "line, a value given to `set`, imported front matter): nothing constructed, "
         "nothing run; a 9-level billion-laughs refused by each in under 2 s; files "
         "over 8 MiB refused before parsing; a source scan finds no unsafe loader"),
    ]  # fmt: skip


def table(f: dict[str, Any] | None = None, n: dict[str, Any] | None = None) -> str:
    f = recorded() if f is None else f
    n = counts() if n is None else n
    lines = ["| promise | test | last run |", "|---|---|---|"]
    lines += [f"| {p} | {t} | {text} |" for p, t, text in rows(f, n)]
    tests = f.get("_tests", {})
    lines += ["", "Each measured figure, and the test that recorded it:", ""]
    lines += [
        f"- `{key}`: " + ", ".join(f"`{test}`" for test in tests[key])
        for key in sorted(tests)
    ]
    return "\n".join(lines) + "\n"


def run_again() -> None:
    """Run the tests and the long fuzzer; record their figures; rewrite the page."""
    fresh = FIGURES.with_suffix(".new.json")
    fresh.unlink(missing_ok=True)
    env = {**os.environ, "RELIABILITY_FIGURES": str(fresh)}
    # The check that the recorded figures match the tests is what this run brings
    # up to date: it cannot be one of the tests the run needs to pass.
    stale_check = f"{TESTS[-1]}::test_the_recorded_reliability_figures_match_the_tests"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *TESTS, "--deselect", stale_check],
        cwd=REPO, env=env, check=True,
    )  # fmt: skip
    long_json = fresh.with_suffix(".fuzz.json")
    subprocess.run(
        [sys.executable, "bench/fuzz.py", *LONG_FUZZ, "--figures", str(long_json)],
        cwd=REPO, check=False,
    )  # fmt: skip
    data = json.loads(fresh.read_text(encoding="utf-8"))
    data["fuzz_long"] = json.loads(long_json.read_text(encoding="utf-8"))
    data["_tests"]["fuzz_long"] = ["bench/fuzz.py " + " ".join(LONG_FUZZ)]
    long_json.unlink()
    fresh.unlink()
    Path(f"{fresh}.lock").unlink(missing_ok=True)  # tests/figures.py's lock
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    write_page()


def write_page() -> None:
    lines = PAGE.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"<!-- generated: {REGION} -->\n") + 1
    end = lines.index("<!-- end generated -->\n", start)
    lines[start:end] = [table()]
    PAGE.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    if "--run" in sys.argv:
        run_again()
    else:
        print(table(), end="")
