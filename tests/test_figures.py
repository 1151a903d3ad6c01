"""The reliability figures are recorded safely from the parallel suite: several
processes recording at once into one `RELIABILITY_FIGURES` file lose nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

RECORDER = """
import os, sys
from tests.figures import record
worker = sys.argv[1]
for n in range(int(sys.argv[2])):
    os.environ["PYTEST_CURRENT_TEST"] = f"tests/test_w{worker}.py::test_{n} (call)"
    record(f"w{worker}-{n}", n)
    record("shared", n)
"""


def test_figures_recorded_by_several_processes_at_once_are_all_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "figures.json"
    env = {**os.environ, "RELIABILITY_FIGURES": str(path)}
    workers, each = 4, 30
    command = [sys.executable, "-c", RECORDER]
    running = [
        subprocess.Popen(
            [*command, str(w), str(each)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    for process in running:
        process.communicate(timeout=120)
    assert [p.returncode for p in running] == [0] * workers
    data = json.loads(path.read_text())
    for w in range(workers):
        for n in range(each):
            assert data[f"w{w}-{n}"] == n
            assert data["_tests"][f"w{w}-{n}"] == [f"tests/test_w{w}.py::test_{n}"]
    assert data["shared"] == each - 1
    assert len(data["_tests"]["shared"]) == workers * each
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
