"""Titles and numbers of imported reports: the title is front matter's, else the
document's H1, else the file name — never a section's name; a number is never given
twice in a journal, and the author's numbering then stays in the title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from journal.importer import parse_report
from tests.conftest import Cli


def test_front_matter_title_comes_before_the_h1() -> None:
    text = "---\ntitle: Login lockout of March\n---\n\n# Support lockout\n\nText.\n"
    report = parse_report(text, source="x/report.md")
    assert report.title == "Login lockout of March"
    assert report.session["title"] == "Login lockout of March"


@pytest.mark.parametrize(
    "heading", ["Context", "Background", "Summary", "Introduction", "Timeline"]
)
def test_a_section_name_is_never_the_title(heading: str) -> None:
    text = f"# {heading}\n\nThe queue filled up.\n\n## Fix\n\nDrained it.\n"
    report = parse_report(text, source="reports/queue-filled-up.md")
    assert report.title == "queue filled up"
    front = f"---\ntitle: Queue filled up\n---\n{text}"
    assert parse_report(front, source="r.md").title == "Queue filled up"


def test_without_h1_or_front_matter_the_file_name_is_the_title() -> None:
    text = "## Background\n\nA job ran twice.\n"
    assert parse_report(text, source="x/duplicate_job-run.md").title == (
        "duplicate job run"
    )


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _sessions(cli: Cli) -> dict[str, dict]:
    return {
        folder.name: yaml.safe_load((folder / "session.yaml").read_text())
        for folder in sorted((cli.root / "sessions").iterdir())
    }


def test_numbers_are_unique_across_the_batch_and_the_journal(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("new", "Existing work", "--number", "12")
    folder = tmp_path / "parts"
    folder.mkdir()
    files = [
        _write(folder, f"part-{i}.md", f"# Session 11: Deploy part {i}\n\n"
               f"**Date:** 2025-03-0{i}\n\n## Summary\n\nStep {i}.\n")
        for i in (1, 2, 3)
    ] + [_write(folder, "twelve.md",
                "# Session 12: Cleanup\n\n**Date:** 2025-03-09\n\nDone.\n")]  # fmt: skip
    out = json.loads(cli.ok("import", *map(str, files), "--json").out)
    assert out["totals"]["sessions"] == 4
    sessions = _sessions(cli)
    numbers = [s["number"] for s in sessions.values() if "number" in s]
    assert sorted(numbers) == [11, 12], "each number once"
    titles = sorted(s["title"] for s in sessions.values())
    assert titles == [
        "Deploy part 1",  # holds number 11: rendered "Session 11: Deploy part 1"
        "Existing work",
        "Session 11: Deploy part 2",
        "Session 11: Deploy part 3",
        "Session 12: Cleanup",
    ]
    first = next(i for i, s in sessions.items() if s["title"] == "Deploy part 1")
    assert cli.ok("render", first).out.startswith("# Session 11: Deploy part 1\n")


def test_reimporting_a_numbered_report_is_still_recognised(
    cli: Cli, tmp_path: Path
) -> None:
    report = _write(tmp_path, "s.md", "# Session 4: Fix\n\n**Date:** 2025-01-02\n")
    cli.ok("import", str(report))
    again = json.loads(cli.ok("import", str(report), "--json").out)
    assert again["files"][0]["skipped"] == "already imported"


def test_reimporting_a_batch_whose_numbers_were_taken_writes_nothing_new(
    cli: Cli, tmp_path: Path
) -> None:
    for i in (1, 2):
        _write(
            tmp_path, f"p{i}.md", f"# Session 5: Part {i}\n\n**Date:** 2025-01-0{i}\n"
        )
    cli.ok("import", str(tmp_path))
    before = sorted(p.name for p in (cli.root / "sessions").iterdir())
    again = json.loads(cli.ok("import", str(tmp_path), "--json").out)
    assert [f["skipped"] for f in again["files"]] == ["already imported"] * 2
    assert sorted(p.name for p in (cli.root / "sessions").iterdir()) == before
