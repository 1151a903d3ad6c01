"""The figures the reliability tests measure, for docs/reliability.md.

Each test prints its figures; with `RELIABILITY_FIGURES=path.json` set they are also
merged into that file (`python -m pytest tests/test_redact.py tests/test_reliability_*`
then leaves every figure of the run in one place).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def record(key: str, value: Any) -> None:
    print(f"\nreliability figures: {key} = {json.dumps(value)}")
    named = os.environ.get("RELIABILITY_FIGURES")
    if not named:
        return
    path = Path(named)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    # The test that measured it: docs/reliability.md names it beside the figure.
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0].split("[")[0]
    tests = data.setdefault("_tests", {})
    tests[key] = sorted({*tests.get(key, []), test})
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
