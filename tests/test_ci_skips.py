"""CI runs what it is meant to: skips for the shared example reports fail there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOT_SKIPPED_IN_CI, REPO

SKIPPING = """
import pytest

def test_needs_the_examples():
    pytest.skip("{reason}")

def test_needs_something_else():
    pytest.skip("chromium is not installed")
"""


def _run(tmp_path: Path, reason: str, *, ci: str | None) -> str:
    test = tmp_path / "test_skipping.py"
    test.write_text(SKIPPING.format(reason=reason))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q",
         "-p", "no:cacheprovider", "-p", "no:xdist", str(test)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("reason", ["shared examples not available"])
def test_a_shared_example_skip_fails_in_ci(tmp_path: Path, reason: str) -> None:
    assert any(text in reason for text in NOT_SKIPPED_IN_CI)
    assert "1 failed, 1 skipped" in _run(tmp_path, reason, ci="true")
    assert "2 skipped" in _run(tmp_path, reason, ci=None)
