"""The README and docs/ are tested: links resolve, every command block (```bash, sh,
shell, console, zsh, and any block of `$ ` prompts) runs with the real `journal`
command in a fresh journal, what a `$ ` block shows a command printing is what it
prints, every other block is checked or marked as not run, and generated output is
regenerated and compared. `UPDATE_DOCS=1 python -m pytest tests/test_docs.py` rewrites
the generated parts; docs/contributing.md describes the conventions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.docs_support import (
    DOCS,
    README,
    Block,
    Region,
    anchors,
    blocks,
    links,
    pages,
    region_text,
    regions,
    rel,
    replace_lines,
)

README_LIMIT = 16 * 1024
UPDATE = bool(os.environ.get("UPDATE_DOCS"))

SKIP = {
    # a pattern found in the line → why that line cannot run in a test
    r"\bpip install\b": "installs packages: needs the network and changes the environment",
    r"\bpython3? -m pytest\b": "runs the test suite, which this test is part of",
    r"^ruff check\b": "lint and types of the whole tree: CI runs them, in minutes",
    r"\bbench/run\.py\b": "the benchmarks take minutes; tests/test_bench.py runs them",
    r"^journal site serve\b": "serves until it is stopped",
    r"^python tests/catalogue\.py\b": "test_generated_parts_are_current runs it",
    r"^python tests/reliability_page\.py\b": "test_generated_parts_are_current runs it; "
    "--run runs the slow reliability tests and the long fuzzer",
    r"^python bench/fuzz\.py\b": "the long fuzzer takes many minutes; the quick profile "
    "is tests/test_fuzz_commands.py",
}
ILLUSTRATIVE = "# illustrative"

PENDING_LEAD: set[str] = set()
"""Documented commands that are not implemented yet (none now): not run until they land."""
PENDING_LEAD_FILES: set[str] = set()

STUBS = ("make", "kubectl", "gcloud")
"""External tools the examples call: stubbed, so examples do not depend on what the
machine has installed (or on an account with a cloud)."""

ILLUSTRATIVE_BLOCK = "illustrative"
"""`<!-- illustrative: why -->` before a fence: a block that is not run or checked."""
DATA = ("yaml", "json", "toml")
"""Fence languages that hold data, not commands (a `<!-- check: -->` may check one)."""

EVERY = [b for page in pages() for b in blocks(page)]
COMMANDS = [
    b for b in EVERY if b.runs and not (b.marker and b.marker[0] == ILLUSTRATIVE_BLOCK)
]


def command_of(line: str) -> str:
    """The command without the aligned comment the docs put after it."""
    return re.split(r"\s{2,}#\s", line, maxsplit=1)[0].strip()


def skip_reason(line: str) -> str | None:
    if line.rstrip().endswith(ILLUSTRATIVE):
        return "illustrative"
    for pattern, reason in SKIP.items():
        if re.search(pattern, line):
            return reason
    return None


@dataclass(frozen=True)
class Sandbox:
    env: dict[str, str]
    template: Path
    """A journal to copy: `journal init`, one commit, active session 8 with an option
    chosen, and `old-reports/` holding the importer's test reports."""

    def run(self, line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-o", "pipefail", "-c", line],
            cwd=cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def ok(self, line: str, cwd: Path) -> str:
        done = self.run(line, cwd)
        assert done.returncode == 0, f"{line}: {done.stderr}"
        return done.stdout


def _environment(base: Path) -> dict[str, str]:
    home = base / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Docs Example\n\temail = docs@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n"
    )
    tools = base / "bin"
    tools.mkdir()
    (tools / "journal").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" -m journal "$@"\n'
    )
    # A script, not a link: a link to a virtual environment's python loses the venv.
    (tools / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for name in STUBS:
        (tools / name).write_text(f'#!/bin/sh\necho "{name} $*: ok (stub)"\n')
    for script in tools.iterdir():
        script.chmod(0o755)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JOURNAL_", "GIT_")) and key not in ("EDITOR", "VISUAL")
    }
    env.update(
        HOME=str(home), GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        GIT_CONFIG_NOSYSTEM="1", TZ="UTC", NO_COLOR="1",
        PATH=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}",
    )  # fmt: skip
    return env


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    base = tmp_path_factory.mktemp("docs")
    box = Sandbox(_environment(base), base / "template")
    box.template.mkdir()
    shutil.copytree(
        REPO / "tests" / "fixtures" / "import", box.template / "old-reports"
    )
    for line in (
        "git init -q",
        "journal init",
        "journal new 'Example session' --number 8 --at 2025-11-04T01:00:00+00:00",
        "journal option add 'Comment out relationship' --pro 'Smallest change'",
        "journal option choose 1 --why 'Unblocks production'",
        "git add -A && git commit -qm 'Start the journal'",
    ):
        box.ok(line, box.template)
    return box


def test_readme_is_a_front_door() -> None:
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size:,} bytes, over {README_LIMIT:,}"
    linked = {target.split("#")[0] for _, target in links(README)}
    for page in sorted(DOCS.glob("*.md")):
        assert rel(page) in linked, f"README.md does not link {rel(page)}"
    assert len(list(DOCS.glob("*.md"))) >= 4


@pytest.mark.parametrize("page", pages(), ids=rel)
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for number, target in links(page):
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        name = dest.relative_to(REPO).as_posix() if dest.is_relative_to(REPO) else path
        if name in PENDING_LEAD_FILES:
            assert not dest.exists(), (
                f"{name} exists now: remove it from PENDING_LEAD_FILES"
            )
            continue
        if not dest.exists():
            broken.append(f"{rel(page)}:{number}: {target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{rel(page)}:{number}: {target}: no heading #{anchor}")
    assert not broken, "\n".join(broken)


def run_block(block: Block, sandbox: Sandbox, root: Path) -> list[str]:
    """Run the block's commands in `root`, in order; what went wrong, if anything: a
    command that failed, or one that printed other than the block shows."""
    failures = []
    for line, shown in block.steps():
        if skip_reason(line) or command_of(line) in PENDING_LEAD:
            assert not shown, f"{block.where}: {line!r} shows output but is not run"
            continue
        done = sandbox.run(line, root)
        if done.returncode != 0:
            failures.append(f"{line}\n  exit {done.returncode}: {done.stderr.strip()}")
        elif shown and _lines(done.stdout) != _lines("\n".join(shown)):
            failures.append(
                f"{line}\n  the block shows:\n{chr(10).join(shown)}\n"
                f"  it printed:\n{done.stdout.rstrip()}"
            )
    return failures


def _lines(text: str) -> list[str]:
    """Printed text compared line by line, trailing spaces and blank ends aside."""
    return [line.rstrip() for line in text.strip("\n").splitlines()]


@pytest.mark.parametrize("block", COMMANDS, ids=lambda b: b.where)
def test_command_blocks_run(block: Block, sandbox: Sandbox, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(sandbox.template, root, symlinks=True)
    failures = run_block(block, sandbox, root)
    assert not failures, f"{block.where}:\n" + "\n".join(failures)


def _fake(lang: str, *body: str, page: Path = README) -> Block:
    return Block(page, 1, lang, body, None)


def test_a_prompted_block_is_commands_and_what_they_print(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    block = _fake("text", "$ echo one \\", "two", "one two", "$ printf ''", "$ true")
    assert block.runs and block.prompted
    assert block.steps() == [
        ("echo one  two", ("one two",)),
        ("printf ''", ()),
        ("true", ()),
    ]
    assert run_block(block, sandbox, tmp_path) == []
    wrong = _fake("console", "$ echo one", "three")
    assert "the block shows:\nthree" in run_block(wrong, sandbox, tmp_path)[0]
    failing = _fake("sh", "false", "echo ok")
    assert [f.split("\n")[0] for f in run_block(failing, sandbox, tmp_path)] == [
        "false"
    ]


@pytest.mark.parametrize("lang", ["bash", "sh", "shell", "console", "zsh"])
def test_every_shell_fence_is_a_command_block(lang: str) -> None:
    assert _fake(lang, "journal list").runs
    assert not _fake("text", "journal list").runs


def test_every_block_is_run_checked_or_marked() -> None:
    """A block that is not run (a shell fence or `$ ` prompts) is data (`yaml`…), or
    is checked (`<!-- output: CMD -->`, `<!-- check: … -->`), or says why not
    (`<!-- illustrative: why -->`): a command written in a `text` fence or with no
    language cannot go untested unnoticed."""
    unmarked = []
    for block in EVERY:
        kind, why = block.marker or ("", "")
        if kind == ILLUSTRATIVE_BLOCK:
            assert why, f"{block.where}: say why the block is illustrative"
            continue
        if block.runs or block.lang in DATA or kind in ("output", "check"):
            continue
        unmarked.append(f"{block.where} ```{block.lang}: {block.body[:1]}")
    assert not unmarked, (
        "run these (a shell fence) or mark them <!-- illustrative: why --> "
        "(docs/contributing.md):\n" + "\n".join(unmarked)
    )


def test_every_pending_and_skipped_line_is_in_the_docs() -> None:
    lines = [line for block in COMMANDS for line in block.commands()]
    commands = {command_of(line) for line in lines}
    assert commands >= PENDING_LEAD, PENDING_LEAD - commands
    for pattern in SKIP:
        assert any(re.search(pattern, line) for line in lines), pattern


def _example_journal(tmp: Path) -> Path:
    """A copy of the example journal in `sessions/`, in a git repository of its own."""
    root = tmp / "example"
    root.mkdir()
    for name in ("journal.yaml", "mkdocs.yml", "sessions", "templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.exists():
            shutil.copy2(source, root / name)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


OUTPUT = [
    b for page in pages() for b in blocks(page) if b.marker and b.marker[0] == "output"
]


@pytest.mark.parametrize("block", OUTPUT, ids=lambda b: b.where)
def test_shown_output_is_current(
    block: Block, sandbox: Sandbox, tmp_path: Path
) -> None:
    assert block.marker is not None
    printed = sandbox.ok(block.marker[1], _example_journal(tmp_path))
    shown = "".join(line + "\n" for line in block.body)
    if UPDATE and printed != shown:
        replace_lines(block.page, block.line, block.line + len(block.body), printed)
        return
    assert printed == shown, (
        f"{block.where}: run UPDATE_DOCS=1 python -m pytest {__file__}"
    )


def _rules_table() -> str:
    from journal.insight.lint import rules

    head = "| rule | severity | checks that |\n|---|---|---|\n"
    return head + "".join(
        f"| `{r.id}` | {r.severity} | {r.summary} |\n" for r in rules().values()
    )


def _catalogue(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "tests/catalogue.py"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return done.stdout


def _reliability_table() -> str:
    from tests.reliability_page import table

    return table()


REGIONS = [r for page in pages() for r in regions(page)]


@pytest.mark.parametrize("region", REGIONS, ids=lambda r: f"{rel(r.page)}:{r.name}")
def test_generated_parts_are_current(region: Region, sandbox: Sandbox) -> None:
    generators = {
        "check rules": _rules_table,
        "python tests/catalogue.py": lambda: _catalogue(sandbox.env),
        "python tests/reliability_page.py": _reliability_table,
    }
    assert region.name in generators, f"no generator for {region.name!r}"
    fresh = generators[region.name]()
    if UPDATE and fresh != region_text(region):
        replace_lines(region.page, region.start, region.end, fresh)
        return
    assert fresh == region_text(region), (
        f"{rel(region.page)}: the {region.name} table is stale — "
        f"run UPDATE_DOCS=1 python -m pytest {__file__}"
    )


CHECKED = [
    b for page in pages() for b in blocks(page) if b.marker and b.marker[0] == "check"
]


@pytest.mark.parametrize("block", CHECKED, ids=lambda b: b.where)
def test_session_examples_validate(
    block: Block, sandbox: Sandbox, tmp_path: Path
) -> None:
    assert block.marker == ("check", "session.yaml")
    root = tmp_path / "repo"
    shutil.copytree(sandbox.template, root, symlinks=True)
    folder = root / "sessions" / "2025-11-04-sqlalchemy-mapper-error"
    folder.mkdir()
    (folder / "session.yaml").write_text("\n".join(block.body) + "\n", encoding="utf-8")
    (folder / "timeline.yaml").write_text("", encoding="utf-8")
    sandbox.ok("journal render 2025-11-04-sqlalchemy-mapper-error", root)


_NAMED = re.compile(r"`((?:journal|tests|bench|templates)/[\w./*<>-]*)`")


@pytest.mark.parametrize("page", pages(), ids=rel)
def test_named_files_exist(page: Path) -> None:
    """A path the docs name in code (`journal/gitlink/shell.py`) exists: moving a
    module without updating the docs fails here."""
    text = page.read_text(encoding="utf-8")
    missing = []
    for name in sorted(set(_NAMED.findall(text))):
        if "<" in name:
            continue  # a pattern such as `reports/<id>.md`
        found = list(REPO.glob(name)) if "*" in name else [REPO / name]
        if not any(path.exists() for path in found):
            missing.append(name)
    assert not missing, f"{rel(page)} names files that do not exist: {missing}"
