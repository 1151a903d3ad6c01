"""The command fuzzer, quick profile: every command, hostile arguments, one property.

Each run takes a fresh copy of a journal (two sound sessions, and in half the runs
three damaged ones as well: a torn timeline line, a session.yaml that is not YAML, a
timeline that is a folder) and must answer with exit 0, 1 or 2, no internal error, no
traceback, and on failure one `journal: error:` line and no file changed. Most runs
call the entry point in this process (the fast paths included); a sample, and every
vector naming a device or a FIFO, runs as a real subprocess with limits.

Failures the issue lists as items 1–17 (fixed on other branches) are on the allow-list
`fuzz_support.KNOWN`; anything else fails here. The long profile, ≥ 5,000 runs:
`python bench/fuzz.py` (docs/reliability.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.figures import record
from tests.fuzz_campaign import describe, run_campaign
from tests.fuzz_sandbox import make_template
from tests.fuzz_support import KNOWN, declared_commands, vectors

SEED = int(os.environ.get("JOURNAL_FUZZ_SEED", "20261206"))
RUNS = 300
CHUNKS = 4


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_template(tmp_path_factory.mktemp("fuzz-template"))


def test_the_fuzzer_knows_every_command() -> None:
    """Commands come from the typer app, not from a list here: a new one is fuzzed."""
    words = {c.words for c in declared_commands()}
    assert {
        ("log",),
        ("exec",),
        ("set",),
        ("site", "build"),
        ("step", "carry"),
    } <= words
    assert ("site", "serve") not in words  # runs until stopped: EXCLUDED, with why
    assert len(words) >= 40
    log = next(c for c in declared_commands() if c.words == ("log",))
    assert {p.name for p in log.params} >= {"text", "at", "attach", "session", "kind"}


def test_the_same_seed_gives_the_same_vectors() -> None:
    assert vectors(7, 50) == vectors(7, 50)
    assert vectors(7, 50) != vectors(8, 50)


def test_every_command_gets_a_hostile_value_in_the_quick_profile() -> None:
    made = vectors(SEED, RUNS)
    commands = declared_commands()  # walks the typer app: once, not once a vector
    covered = {v.argv[: len(c.words)] for v in made for c in commands}
    assert all(c.words in covered for c in commands)
    assert sum(v.subprocess for v in made) >= 20


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_no_command_breaks_the_property(
    chunk: int, templates: dict[str, Path], tmp_path: Path
) -> None:
    made = vectors(SEED, RUNS)[chunk::CHUNKS]
    campaign = run_campaign(SEED, made, templates, tmp_path)
    known = [f for f in campaign.findings if f.item is not None]
    record(
        f"fuzz_quick_{chunk}",
        {
            "seed": SEED, "runs": campaign.runs, "subprocess": campaign.subprocess_runs,
            "commands": len(campaign.commands), "new": len(campaign.new),
            "known": len(known), "internal_errors": campaign.internal_errors,
        },
    )  # fmt: skip
    assert not campaign.new, f"seed {SEED}:\n" + "\n".join(map(describe, campaign.new))


def test_the_allow_list_names_issue_items_only() -> None:
    """KNOWN holds defects the issue lists (items 1–17), each with what it is."""
    assert all(1 <= k.item <= 17 and k.what for k in KNOWN)


def test_the_recorded_reliability_figures_match_the_tests() -> None:
    """docs/reliability.md is generated from tests/reliability_figures.json: every
    figure a test in `--run` records is there, and the counts it holds are the tests'
    own. Otherwise: python tests/reliability_page.py --run."""
    import re

    from tests import test_redact, test_reliability_bad_input
    from tests.reliability_page import REPO, TESTS, recorded

    data = recorded()
    for test in TESTS:
        source = (REPO / test.split("::")[0]).read_text(encoding="utf-8")
        for key in re.findall(r'\brecord\(\s*"(\w+)"', source):
            assert key in data, f"{key} ({test}) is not recorded"
            assert any(t.startswith(test.split("::")[0]) for t in data["_tests"][key])
    assert data["bad_input"]["rows"] == len(test_reliability_bad_input.ROWS)
    assert data["secrets"]["secrets"] == len(test_redact.SECRETS)
    quick = [data[f"fuzz_quick_{chunk}"] for chunk in range(CHUNKS)]
    assert sum(q["runs"] for q in quick) == RUNS
    assert {q["seed"] for q in quick} == {SEED}
    assert all(q["new"] == 0 for q in quick)
    long = data["fuzz_long"]
    assert long["runs"] >= 5000
    assert long["commands"] == len(declared_commands())
    assert long["new_defects"] == 0 and long["internal_errors_new"] == 0


def test_each_run_starts_from_the_same_journal(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    """restore() undoes what a run may do: files changed, added, made folders, a
    folder made unreadable, git's objects deleted; the devices are made again."""
    import shutil

    from tests.fuzz_sandbox import IDS, _manifest, restore, tree_hash

    template, sandbox = templates["damaged"], tmp_path / "sandbox"
    restore(template, sandbox)
    first = tree_hash(sandbox)
    repo = sandbox / "repo"
    (repo / "journal.yaml").write_text("changed\n")
    (repo / "new-file").write_text("x")
    timeline = repo / "sessions" / IDS[0] / "timeline.yaml"
    timeline.unlink()
    timeline.mkdir()
    shutil.rmtree(repo / ".git" / "objects")
    (sandbox / "outside" / "dir").chmod(0)
    (sandbox / "outside" / "null").unlink()
    restore(template, sandbox)
    assert tree_hash(sandbox) == first
    specials = {"outside/null", "outside/zero", "outside/fifo"}
    have = {k: v for k, v in _manifest(sandbox).items() if k not in specials}
    assert have == _manifest(template)
    import subprocess

    git = subprocess.run(["git", "rev-parse", "HEAD^{tree}"], cwd=repo, check=False)
    assert git.returncode == 0  # the objects are back: the repository still reads
