"""CI runs what it is meant to: there, a skip is a failure (chromium, Playwright, the
shared examples, the corpus, a site builder: CI has them all), whether it comes from
`pytest.skip`, a `skipif` mark or a module skipped while collected; only the skips
`SKIPS_ALLOWED_IN_CI` names, each with its reason, still skip. No test imports the
project's own modules through `importorskip`, which would turn a broken import into a
skip."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SKIPS_ALLOWED_IN_CI

SKIPPING = """
import pytest

REASONS = {reasons!r}

@pytest.mark.parametrize("reason", REASONS)
def test_needs_it(reason):
    pytest.skip(reason)

@pytest.mark.skipif(True, reason=REASONS[0])
def test_needs_it_too():
    pass

def test_runs():
    pass
"""

MODULE_SKIP = """
import pytest

pytest.skip("{reason}", allow_module_level=True)

def test_never_collected():
    pass
"""


def _run(tmp_path: Path, source: str, *, ci: str | None) -> str:
    """The last line of a pytest run over `source` with the project's conftest hooks."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not the project's addopts
    test = tmp_path / "test_skipping.py"
    test.write_text(source)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    # The hooks under test are the conftest's own: none of the installed plugins
    # (hypothesis, xdist...) takes part, and loading them was ~0.5 s of each run's
    # ~0.65 s of CPU, seven runs here.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q",
         "-p", "no:cacheprovider", "-p", "no:xdist",
         "--rootdir", str(tmp_path), str(test)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


MISSING = [
    "shared examples not available",
    "chromium is not installed (apt-get install chromium)",
    "Playwright is not installed (pip install -e '.[test]')",
    "the corpus (../shared/corpus) is not here",
    "zensical is not installed (it is in the test extras)",
]


def test_a_skip_fails_in_ci(tmp_path: Path) -> None:
    source = SKIPPING.format(reasons=MISSING)
    n = len(MISSING)
    # a skip in a test fails it; a skipif mark fails its setup (an error)
    assert f"{n} failed, 1 passed, 1 error" in _run(tmp_path, source, ci="true")
    assert f"1 passed, {n + 1} skipped" in _run(tmp_path, source, ci=None)
    assert f"1 passed, {n + 1} skipped" in _run(tmp_path, source, ci="false")


def test_a_module_skipped_while_collected_fails_in_ci(tmp_path: Path) -> None:
    source = MODULE_SKIP.format(reason="the corpus (../shared/corpus) is not here")
    assert "1 error" in _run(tmp_path, source, ci="true")
    assert "1 skipped" in _run(tmp_path, source, ci=None)


def test_an_allowed_skip_still_skips_in_ci(tmp_path: Path) -> None:
    allowed = [f"{text}: why" for text in sorted(SKIPS_ALLOWED_IN_CI)]
    source = SKIPPING.format(reasons=allowed)
    n = len(allowed)
    assert f"1 passed, {n + 1} skipped" in _run(tmp_path, source, ci="true")


def test_every_allowed_skip_is_one_the_tests_make() -> None:
    """An entry of the allow-list that no test can produce is a stale hole."""
    sources = "\n".join(p.read_text() for p in (REPO / "tests").glob("test_*.py"))
    for allowed in SKIPS_ALLOWED_IN_CI:
        assert allowed in sources, allowed


def _importorskips(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", ""))
            == "importorskip"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append(f"{path.name}:{node.lineno}: {node.args[0].value}")
    return found


def test_no_importorskip_of_the_project() -> None:
    every = [
        hit for p in sorted((REPO / "tests").rglob("*.py")) for hit in _importorskips(p)
    ]
    own = [hit for hit in every if re.search(r": (journal|tests|bench)\b", hit)]
    assert own == [], "import the project's modules; a broken import must fail"


def test_the_ci_script_sets_ci_before_the_tests() -> None:
    script = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^export CI=true$", script, re.M)
    assert script.index("export CI=true") < script.index("python -m pytest")
