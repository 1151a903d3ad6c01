"""The figures the reliability tests measure, for docs/reliability.md.

Each test prints its figures; with `RELIABILITY_FIGURES=path.json` set they are also
merged into that file (`python -m pytest tests/test_redact.py tests/test_reliability_*`
then leaves every figure of the run in one place). The suite runs in several processes
(pytest-xdist), so each merge holds a lock on the file while it reads and rewrites it,
and replaces it whole: no worker's figure is lost, and no reader sees half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Exclusive use of `path` among the processes of a run (a lock file beside it)."""
    with Path(f"{path}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(key: str, value: Any) -> None:
    print(f"\nreliability figures: {key} = {json.dumps(value)}")
    named = os.environ.get("RELIABILITY_FIGURES")
    if not named:
        return
    path = Path(named)
    # The test that measured it: docs/reliability.md names it beside the figure.
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0].split("[")[0]
    with _locked(path):
        data = json.loads(path.read_text()) if path.exists() else {}
        data[key] = value
        tests = data.setdefault("_tests", {})
        tests[key] = sorted({*tests.get(key, []), test})
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        Path(temp).replace(path)
