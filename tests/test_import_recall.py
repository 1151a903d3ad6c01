"""Lossless import, measured: every word of every report reappears in the report
rendered from the imported session."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from journal.importer.mojibake import repair_mojibake
from tests.conftest import Cli
from tests.structure_counts import recall as multiset_recall
from tests.structure_counts import word_counts
from tests.test_importer_fixtures import _without_labels

FIXTURES = Path(__file__).parent / "fixtures" / "import"
REPORTS = sorted(
    p for p in FIXTURES.glob("*.md") if p.read_text(encoding="utf-8").strip()
)


def recall(source: str, rendered: str) -> tuple[float, Counter[str]]:
    """Words of the source (as a multiset, dates and clock times left out) found
    in the rendered report. The words the importer reads as labels (`**Pros:**`
    before each option's list) are left out: the report prints its own."""
    return multiset_recall(_without_labels(repair_mojibake(source)[0]), rendered)


def _typed_words() -> frozenset[str]:
    """Values the report prints from typed fields whatever the source said
    (a status, a severity, an event kind, a horizon): a line of only those words
    is not noticed when lost, so it is not a content line for this check."""
    from typing import get_args

    from journal.model.session import Decision, Horizon
    from journal.store.config import Config

    config = Config()
    values = [*config.statuses, *config.severities, *config.event_kinds]
    return frozenset(
        w for v in [*values, *get_args(Horizon), *get_args(Decision)]
        for w in word_counts(v)
    )  # fmt: skip


_TYPED_WORDS = _typed_words()


def _render_in_process(root: Path, text: str, name: str) -> str:
    """Import `text` as a report into the journal at `root` and render it."""
    from journal.operations.import_reports import import_reports
    from journal.render.report import Renderer
    from journal.store.sessions import Journal

    folder = root / "in"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    journal = Journal.open(root)
    outcome = import_reports(journal, [path], redact=False)[0]
    assert outcome.session_id, outcome
    return Renderer(journal).render(outcome.session_id)


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_every_word_of_the_report_survives_import_and_render(
    cli: Cli, report: Path
) -> None:
    out = json.loads(cli.ok("import", str(report), "--json").out)
    session_id = out["files"][0]["session_id"]
    rendered = cli.ok("render", session_id).out
    score, missing = recall(report.read_text(encoding="utf-8"), rendered)
    assert not missing, (
        f"{report.name}: recall {score:.2%}, missing {sorted(missing)[:20]}"
    )


@pytest.mark.parametrize("name", ["table-timeline.md", "bold-bullets.md"])
def test_deleting_any_content_line_fails_the_rendered_check(
    journal_root: Path, name: str
) -> None:
    """The check counts words, not distinct words: a line lost is noticed even
    when each of its words occurs elsewhere in the report."""
    source = (FIXTURES / name).read_text(encoding="utf-8")
    lines = source.split("\n")
    checked = 0
    counted = word_counts(_without_labels(source))
    for i in range(len(lines)):
        shorter = "\n".join(lines[:i] + lines[i + 1 :])
        own = counted - word_counts(_without_labels(shorter))
        if not set(own) - _TYPED_WORDS:
            continue  # blank, a label, a marker, a date, a time or a typed value
        rendered = _render_in_process(journal_root, shorter, f"line-{i}.md")
        checked += 1
        assert recall(source, rendered)[1], f"{name}: line {i + 1} lost unnoticed"
    assert checked > 10
