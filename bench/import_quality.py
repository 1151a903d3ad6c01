"""What `journal import` makes of a folder of real reports: where each date came from,
how many are undated or dated today, the day against the labels written by reading
the reports (tests/fixtures/import/date_labels.json, labelled and held-aside parts
apart), titles that are a section's name, numbers given twice, literal `#` lines in
the rendered reports and the share of the source's headings kept as headings.

    python bench/import_quality.py [FOLDER]        # default: ../shared/corpus
    python bench/import_quality.py --json

The figures are computed from the written journal and the rendered reports, not from
the importer's internals, so they hold for any importer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CORPUS = REPO.parent / "shared" / "corpus"
LABELS = REPO / "tests" / "fixtures" / "import" / "date_labels.json"
UNDATED = "0001-01-01"
"""The folder date of a report that gives none (`date.min`: the unknown day)."""

SECTION_NAMES = frozenset(
    (
        "summary", "context", "background", "overview", "introduction", "timeline",
        "impact", "details", "description", "resolution", "root cause",
        "issue summary", "incident summary", "executive summary", "lessons learned",
        "action items", "what happened", "analysis",
    )
)  # fmt: skip
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A heading's `#` printed as text: escaped (`\## Summary`), alone or in a list item
# or quote.
_LITERAL_HEADING = re.compile(r"^\s*(?:(?:>|[*+-]|\d+[.)])\s+)*\\#")
_HEADING = re.compile(r"^ {0,3}#{1,6} +(.*?)[ #]*$")
_WORDS = re.compile(r"[^\W_]+")


@dataclass
class Figures:
    files: int = 0
    evidence: Counter[str] = field(default_factory=Counter)
    undated: int = 0
    today: int = 0
    correct: dict[str, list[int]] = field(default_factory=dict)
    """part → [right, labelled] (`labelled` and `held aside`)."""
    wrong: list[str] = field(default_factory=list)
    section_titles: list[str] = field(default_factory=list)
    duplicate_numbers: int = 0
    literal_lines: int = 0
    literal_reports: int = 0
    headings: int = 0
    headings_kept: int = 0
    lost_headings: list[str] = field(default_factory=list)


def corpus_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name not in {"LICENSE", "README.md"}
    )


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def literal_heading_lines(markdown: str) -> list[str]:
    """Lines outside code fences that print a heading's `#` as text."""
    found, fence = [], None
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        if _LITERAL_HEADING.match(line):
            found.append(line)
    return found


def rendered_headings(markdown: str) -> set[str]:
    found, fence = set(), None
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        if match := _HEADING.match(line):
            found.add(_norm(match[1]))
    return found


def source_headings(text: str) -> list[str]:
    """Every heading of the source (ATX and setext), as markdown-it reads it."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [
        tokens[i + 1].content
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and tokens[i + 1].content.strip()
    ]


def _day_of(session_id: str, session: dict[str, Any]) -> str | None:
    if session.get("date_source") == "undated" or session_id.startswith(UNDATED):
        return None
    return session_id[:10]


def _kept(heading: str, rendered: set[str], title: str) -> bool:
    wanted = _norm(heading)
    if not wanted:
        return True
    return wanted in rendered or wanted == _norm(title) or wanted in _norm(title)


def measure(folder: Path, root: Path, labels: dict[str, Any]) -> Figures:
    from journal.model.session import to_builtins
    from journal.operations.import_reports import import_reports
    from journal.render.index import SessionIndex
    from journal.render.report import Renderer
    from journal.store.sessions import Journal

    journal = Journal.open(root)
    files = corpus_files(folder)
    outcomes = import_reports(journal, files, redact=False)
    renderer, index = Renderer(journal), SessionIndex(journal)
    today = date.today().isoformat()
    figures = Figures(files=len(files))
    numbers: Counter[int] = Counter()
    for path, outcome in zip(files, outcomes, strict=True):
        if outcome.session_id is None:
            continue
        session = to_builtins(journal.load(outcome.session_id))
        figures.evidence[session.get("date_source") or "(not recorded)"] += 1
        day = _day_of(outcome.session_id, session)
        figures.undated += day is None
        rel = str(path.relative_to(folder))
        label = labels.get(rel)
        figures.today += day == today and (label is None or label["day"] != today)
        if label is not None:
            part = "held aside" if label["held_aside"] else "labelled"
            right = (day or "undated") == label["day"]
            score = figures.correct.setdefault(part, [0, 0])
            score[0] += right
            score[1] += 1
            if not right:
                figures.wrong.append(f"{part}: {rel}: {day} ≠ {label['day']}")
        if _norm(session["title"]) in SECTION_NAMES:
            figures.section_titles.append(f"{rel}: {session['title']}")
        if session.get("number") is not None:
            numbers[session["number"]] += 1
        rendered = renderer.render(outcome.session_id, index=index)
        literal = literal_heading_lines(rendered)
        figures.literal_lines += len(literal)
        figures.literal_reports += bool(literal)
        shown = rendered_headings(rendered)
        for heading in source_headings(path.read_text("utf-8", errors="replace")):
            figures.headings += 1
            if _kept(heading, shown, session["title"]):
                figures.headings_kept += 1
            else:
                figures.lost_headings.append(f"{rel}: {heading}")
    figures.duplicate_numbers = sum(n - 1 for n in numbers.values() if n > 1)
    return figures


def new_journal(base: Path) -> Path:
    root = base / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(
        [sys.executable, "-m", "journal", "init"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return root


def run(folder: Path = CORPUS) -> Figures:
    labels = json.loads(LABELS.read_text("utf-8"))["labels"]
    with tempfile.TemporaryDirectory() as tmp:
        return measure(folder, new_journal(Path(tmp)), labels)


def table(f: Figures) -> str:
    rows = [("reports", str(f.files))]
    rows += [(f"date from {k}", str(v)) for k, v in sorted(f.evidence.items())]
    rows += [("undated", str(f.undated)), ("dated today", str(f.today))]
    for part, (right, total) in sorted(f.correct.items()):
        rows.append((f"day right, {part}", f"{right}/{total} ({right / total:.0%})"))
    kept = f.headings_kept / max(f.headings, 1)
    rows += [
        ("titles that are a section's name", str(len(f.section_titles))),
        ("numbers given twice", str(f.duplicate_numbers)),
        (
            "literal `#` lines in rendered reports",
            f"{f.literal_lines} in {f.literal_reports} reports",
        ),
        (
            "headings kept",
            f"{f.headings_kept}/{f.headings} ({kept:.1%})",
        ),
    ]
    return "\n".join(
        ["| figure | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    )


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("-")]
    figures = run(Path(args[0]) if args else CORPUS)
    if "--json" in argv:
        print(json.dumps(figures.__dict__, indent=1, default=str))
        return
    print(table(figures))
    if "-v" in argv:
        for line in [
            *figures.wrong,
            *figures.section_titles,
            *figures.lost_headings,
        ]:
            print("  ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
