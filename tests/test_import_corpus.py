"""Real reports import with their structure: over the development corpus
(../shared/corpus, public postmortems of three organisations, read at test time and
never copied), the timestamped entries and task-list items counted from markdown-it
tokens (tests/structure_counts.py, independent of the importer) reappear as events
and as criteria or next steps; every word survives, counted as a multiset."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.corpus_measure import (
    CORPUS,
    FileFigures,
    corpus_files,
    measure,
    new_journal,
    summary,
)

pytestmark = [
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is not here"
    ),
    # One worker for the module: its two module fixtures import the whole corpus
    # (~3 s each), and split over both workers each was made twice.
    pytest.mark.xdist_group("corpus"),
]


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> list[FileFigures]:
    return measure(corpus_files(), new_journal(tmp_path_factory.mktemp("corpus")))


def _where(missed: tuple[object, ...], figure: FileFigures) -> list[str]:
    return [f"{figure.source.name}:{getattr(m, 'line', '?')}" for m in missed]


def test_the_corpus_is_read_whole(figures: list[FileFigures]) -> None:
    assert len(figures) == 79
    s = summary(figures)
    assert s["entries"] > 500, "the counter sees the timelines"
    assert s["actions"] > 100, "the counter sees the action items"


def test_no_report_crashes_the_importer(figures: list[FileFigures]) -> None:
    assert [f.source.name for f in figures if f.crashed] == []


def test_timeline_entries_become_events(figures: list[FileFigures]) -> None:
    s = summary(figures)
    missed = [w for f in figures for w in _where(f.missed_entries, f)]
    assert s["events"] >= 0.98, f"{s['events']:.2%}; missed {missed[:20]}"


def test_task_items_and_action_items_become_criteria_or_steps(
    figures: list[FileFigures],
) -> None:
    s = summary(figures)
    missed = [w for f in figures for w in _where(f.missed_tasks, f)]
    assert s["tasks"] == 0 or s["steps"] >= 0.98, f"{s['steps']:.2%}; {missed[:20]}"
    actions = [w for f in figures for w in _where(f.missed_actions, f)]
    assert s["action_steps"] >= 0.98, f"{s['action_steps']:.2%}; {actions[:20]}"


def test_every_word_survives_import_and_render(figures: list[FileFigures]) -> None:
    s = summary(figures)
    worst = sorted(figures, key=lambda f: f.recall)[:3]
    detail = [(f.source.name, f"{f.recall:.2%}") for f in worst]
    assert s["recall_mean"] >= 0.995, detail
    assert s["recall_min"] >= 0.97, detail


def test_the_counter_is_independent_of_the_importer() -> None:
    source = Path(__file__).with_name("structure_counts.py").read_text()
    assert "journal" not in source.replace("journal import", "")


# The dates, titles, numbers and headings of the imported corpus, measured by
# bench/import_quality.py against tests/fixtures/import/date_labels.json (labels
# written by reading each report, committed before the date rules).


@pytest.fixture(scope="module")
def quality() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import import_quality

    return import_quality.run(CORPUS)


def test_no_report_is_dated_today_and_every_date_names_its_evidence(
    quality: Any,
) -> None:
    assert quality.today == 0
    assert quality.files == 79
    assert "(not recorded)" not in quality.evidence
    assert sum(quality.evidence.values()) == 79
    assert quality.evidence["undated"] == quality.undated


def test_the_day_matches_the_labels_also_held_aside(quality: Any) -> None:
    for part, minimum in (("labelled", 0.9), ("held aside", 0.9)):
        right, total = quality.correct[part]
        assert right / total >= minimum, (part, right, total, quality.wrong)


def test_no_title_is_a_section_name_and_no_number_is_given_twice(
    quality: Any,
) -> None:
    assert quality.section_titles == []
    assert quality.duplicate_numbers == 0


def test_rendered_reports_print_no_heading_as_text_and_keep_the_headings(
    quality: Any,
) -> None:
    assert quality.literal_lines == 0
    kept = quality.headings_kept / quality.headings
    assert kept >= 0.98, quality.lost_headings
