"""Lossless import, measured: every word of every report reappears in the report
rendered from the imported session."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from journal.importer.mojibake import repair_mojibake
from tests.conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures" / "import"
REPORTS = sorted(
    p for p in FIXTURES.glob("*.md") if p.read_text(encoding="utf-8").strip()
)
_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    """Words as a reader sees them: NFKC, case-folded, digits and letters only."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    # Markdown escapes (`\_`) and entities split words in the source or the output alike.
    return set(_WORD.findall(normal.replace("\\", "")))


def recall(source: str, rendered: str) -> tuple[float, set[str]]:
    wanted = words(repair_mojibake(source)[0])
    missing = wanted - words(rendered)
    return 1 - len(missing) / max(len(wanted), 1), missing


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_every_word_of_the_report_survives_import_and_render(
    cli: Cli, report: Path
) -> None:
    out = json.loads(cli.ok("import", str(report), "--json").out)
    session_id = out["files"][0]["session_id"]
    rendered = cli.ok("render", session_id).out
    score, missing = recall(report.read_text(encoding="utf-8"), rendered)
    assert missing == set(), (
        f"{report.name}: recall {score:.2%}, missing {sorted(missing)[:20]}"
    )
