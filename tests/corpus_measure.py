"""Measuring an import against the source: per file, the timestamped entries and
task items counted from markdown-it tokens (tests/structure_counts.py) that reappear
as events and as criteria or next steps, and the word recall (as a multiset) of the
report rendered from the imported session.

Run `python -m tests.corpus_measure [FOLDER]` for the figures per organisation.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.structure_counts import Entry, count_structure, recall, words

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


@dataclass(frozen=True)
class FileFigures:
    source: Path
    entries: int
    events_matched: int
    tasks: int
    tasks_matched: int
    recall: float
    crashed: bool
    missed_entries: tuple[Entry, ...] = ()
    missed_tasks: tuple[Entry, ...] = ()
    actions: int = 0
    actions_matched: int = 0
    missed_actions: tuple[Entry, ...] = ()


def corpus_files(folder: Path = CORPUS) -> list[Path]:
    """Every report of the corpus (some have no `.md` suffix)."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name not in {"LICENSE", "README.md"}
    )


def _event_words(event: dict[str, Any]) -> set[str]:
    return set(words(f"{event.get('text', '')} {event.get('original', '')}"))


def match(
    entries: Sequence[Entry], haystacks: list[tuple[str, set[str]]]
) -> list[Entry]:
    """The entries that no haystack accounts for; each haystack counts once.

    An entry is accounted for by a haystack that holds its first words, or, for an
    entry without words, its clock time (`HH:MM` in the haystack's key)."""
    free = list(haystacks)
    missed: list[Entry] = []
    for entry in entries:
        wanted = set(entry.words)
        hit = next(
            (
                i
                for i, (key, found) in enumerate(free)
                if (wanted and wanted <= found)
                or (not wanted and entry.clock is not None and entry.clock in key)
            ),
            None,
        )
        if hit is None:
            missed.append(entry)
        else:
            free.pop(hit)
    return missed


def measure(files: Iterable[Path], root: Path) -> list[FileFigures]:
    """Import `files` into the journal at `root` and measure each."""
    from journal.model.session import to_builtins
    from journal.operations.import_reports import import_reports
    from journal.render.index import SessionIndex
    from journal.render.report import Renderer
    from journal.store.sessions import Journal

    journal = Journal.open(root)
    files = list(files)
    outcomes = import_reports(journal, files, dry_run=False, redact=False)
    renderer = Renderer(journal)
    index = SessionIndex(journal)
    index.entries()
    figures = []
    for path, outcome in zip(files, outcomes, strict=True):
        source = path.read_text(encoding="utf-8", errors="replace")
        counted = count_structure(source)
        crashed = bool(outcome.error) or any(
            "importer bug" in w for w in outcome.warnings
        )
        if outcome.session_id is None:
            figures.append(
                FileFigures(
                    path, len(counted.entries), 0, len(counted.tasks), 0, 0.0, True
                )
            )
            continue
        session = to_builtins(journal.load(outcome.session_id))
        events = [to_builtins(e) for e in journal.events(outcome.session_id)]
        stacks = [
            (f"{e['at']} {e.get('original', '')}", _event_words(e)) for e in events
        ]
        missed = match(counted.entries, stacks)
        items = [
            ("", set(words(item.get("text", ""))))
            for key in ("success_criteria", "next_steps")
            for item in session.get(key, [])
        ]
        missed_tasks = match(counted.tasks, items)
        steps = [
            ("", set(words(item.get("text", ""))))
            for item in session.get("next_steps", [])
        ]
        missed_actions = match(counted.actions, steps)
        rendered = renderer.render(outcome.session_id, index=index)
        figures.append(
            FileFigures(
                path,
                len(counted.entries),
                len(counted.entries) - len(missed),
                len(counted.tasks),
                len(counted.tasks) - len(missed_tasks),
                recall(source, rendered)[0],
                crashed,
                tuple(missed),
                tuple(missed_tasks),
                len(counted.actions),
                len(counted.actions) - len(missed_actions),
                tuple(missed_actions),
            )
        )
    return figures


def organisation(figure: FileFigures, folder: Path = CORPUS) -> str:
    return figure.source.relative_to(folder).parts[0]


def summary(figures: Sequence[FileFigures]) -> dict[str, float]:
    entries = sum(f.entries for f in figures)
    tasks = sum(f.tasks for f in figures)
    recalls = [f.recall for f in figures]
    return {
        "files": len(figures),
        "entries": entries,
        "events": sum(f.events_matched for f in figures) / max(entries, 1),
        "tasks": tasks,
        "steps": sum(f.tasks_matched for f in figures) / max(tasks, 1),
        "actions": sum(f.actions for f in figures),
        "action_steps": sum(f.actions_matched for f in figures)
        / max(sum(f.actions for f in figures), 1),
        "recall_mean": sum(recalls) / max(len(recalls), 1),
        "recall_min": min(recalls, default=1.0),
        "crashes": sum(f.crashed for f in figures),
    }


def new_journal(base: Path) -> Path:
    root = base / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([sys.executable, "-m", "journal", "init"], cwd=root, check=True,
                   capture_output=True)  # fmt: skip
    return root


def main(argv: list[str]) -> None:
    paths = [a for a in argv if a != "-v"]
    folder = Path(paths[0]) if paths else CORPUS
    with tempfile.TemporaryDirectory() as tmp:
        figures = measure(corpus_files(folder), new_journal(Path(tmp)))
    groups: dict[str, list[FileFigures]] = {}
    for figure in figures:
        groups.setdefault(organisation(figure, folder), []).append(figure)
    groups["all"] = figures
    for name, group in groups.items():
        s = summary(group)
        print(
            f"{name:14} files {s['files']:3.0f}  entries {s['entries']:4.0f} → events "
            f"{s['events']:7.2%}  tasks {s['tasks']:3.0f} → criteria/steps "
            f"{s['steps']:7.2%}  action items {s['actions']:3.0f} → steps "
            f"{s['action_steps']:7.2%}  recall mean {s['recall_mean']:7.2%} "
            f"min {s['recall_min']:7.2%}  crashes {s['crashes']:.0f}"
        )
    if "-v" in argv:
        for f in figures:
            for e in f.missed_entries:
                print(f"  entry  {f.source.name}:{e.line} {' '.join(e.words)}")
            for e in f.missed_tasks:
                print(f"  task   {f.source.name}:{e.line} {' '.join(e.words)}")
            for e in f.missed_actions:
                print(f"  action {f.source.name}:{e.line} {' '.join(e.words)}")
            if f.recall < 0.99:
                print(f"  recall {f.source.name} {f.recall:.2%}")


if __name__ == "__main__":
    main(sys.argv[1:])
