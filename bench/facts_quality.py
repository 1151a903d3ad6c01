"""Precision and recall of the services `journal import` extracts from real reports
(`insight/facts.py`), against the services labelled by reading each report
(tests/fixtures/import/service_labels.json): the corpus of postmortems
(../shared/corpus) and a work-session report (../shared/examples/session-8-…).

The labels' fixed rule (a hash of the path) splits the reports into a tuning part and
a held-aside part, reported apart: tune only on the first. A service extracted is
right when it is one of the report's labels (or one of the label's aliases, `a|b`),
compared case-insensitively; a label is found when one of its names was extracted.
The junk (extracted, not labelled) of the tuning part is listed, and with `-v` what
was missed too; `--tuning` leaves the held-aside part out of the table (while
tuning, not to see it).

    python bench/facts_quality.py [FOLDER] [--json] [-v] [--tuning]
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from import_quality import corpus_files, new_journal  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = REPO.parent / "shared" / "examples"
EXAMPLE = "session-8-sqlalchemy-fix.md"
LABELS = REPO / "tests" / "fixtures" / "import" / "service_labels.json"
PARTS = ("tuning", "held aside")


@dataclass
class Part:
    extracted: int = 0
    right: int = 0
    labels: int = 0
    found: int = 0
    junk: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def score(
    extracted: Iterable[str], labels: Iterable[str], where: str, part: Part
) -> None:
    """Adds one report's services to `part`: each extracted name is right or junk,
    each label found or missed."""
    names = {_key(alias): label for label in labels for alias in label.split("|")}
    found: set[str] = set()
    for name in extracted:
        part.extracted += 1
        label = names.get(_key(name))
        if label is None:
            part.junk.append(f"{where}: {name}")
        else:
            part.right += 1
            found.add(label)
    for label in dict.fromkeys(names.values()):
        part.labels += 1
        if label in found:
            part.found += 1
        else:
            part.missed.append(f"{where}: {label}")


def reports(folder: Path, examples: Path) -> list[tuple[str, Path]]:
    """Each labelled report: its key in the labels and its file."""
    found = [(str(p.relative_to(folder)), p) for p in corpus_files(folder)]
    example = examples / EXAMPLE
    if example.is_file():
        found.append((f"examples/{EXAMPLE}", example))
    return found


def extract(files: list[Path], root: Path) -> list[list[str]]:
    """The services each file's imported session keeps, as `journal import` writes
    them."""
    from journal.model.session import to_builtins
    from journal.operations.import_reports import import_reports
    from journal.store.sessions import Journal

    journal = Journal.open(root)
    out = []
    for outcome in import_reports(journal, files, redact=False):
        if outcome.session_id is None:
            out.append([])
            continue
        facts = to_builtins(journal.load(outcome.session_id)).get("facts") or {}
        out.append(list(facts.get("services", ())))
    return out


def run(folder: Path = CORPUS, examples: Path = EXAMPLES) -> dict[str, Part]:
    labels = json.loads(LABELS.read_text("utf-8"))["reports"]
    found = [(key, path) for key, path in reports(folder, examples) if key in labels]
    with tempfile.TemporaryDirectory() as tmp:
        services = extract([p for _, p in found], new_journal(Path(tmp)))
    parts = {name: Part() for name in PARTS}
    for (key, _), names in zip(found, services, strict=True):
        label = labels[key]
        part = parts["held aside" if label["held_aside"] else "tuning"]
        score(names, label["services"], key, part)
    return parts


def table(parts: dict[str, Part]) -> str:
    rows = ["| part | extracted | right | precision | labels | found | recall |"]
    rows.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, p in parts.items():
        rows.append(
            f"| {name} | {p.extracted} | {p.right} | {p.precision:.1%} | "
            f"{p.labels} | {p.found} | {p.recall:.1%} |"
        )
    return "\n".join(rows)


def as_json(parts: dict[str, Part]) -> dict[str, Any]:
    return {
        name: {
            "extracted": p.extracted,
            "right": p.right,
            "precision": round(p.precision, 4),
            "labels": p.labels,
            "found": p.found,
            "recall": round(p.recall, 4),
            "junk": p.junk,
        }
        for name, p in parts.items()
    }


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("-")]
    parts = run(Path(args[0]) if args else CORPUS)
    if "--json" in argv:
        print(json.dumps(as_json(parts), indent=1))
        return
    shown = {k: v for k, v in parts.items() if k == "tuning" or "--tuning" not in argv}
    print(table(shown))
    tuning = parts["tuning"]
    print(f"\njunk of the tuning part ({len(tuning.junk)}):")
    for line in tuning.junk:
        print("  ", line)
    if "-v" in argv:
        print(f"\nmissed in the tuning part ({len(tuning.missed)}):")
        for line in tuning.missed:
            print("  ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
