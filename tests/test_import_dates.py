"""The date of an imported report comes from the strongest evidence, and the session
says which: front matter, header fields, a metadata table, the title, the file name,
the first timeline entry, the commit that added the file to git — else the report is
undated, never today. Fixtures: tests/fixtures/import/dates/ (written for these rules)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from journal.importer import parse_report
from journal.importer.dating import day_in_name, day_in_text
from tests.conftest import Cli

DATES = Path(__file__).parent / "fixtures" / "import" / "dates"


def _dated(name: str) -> tuple[date | None, str]:
    path = DATES / name
    report = parse_report(path.read_text(encoding="utf-8"), source=str(path))
    assert report.session["date_source"] == report.date_source
    return report.date, report.date_source


@pytest.mark.parametrize(
    ("name", "day", "source"),
    [
        ("front-matter.md", date(2024, 3, 5), "front matter"),
        ("front-started.md", date(2023, 11, 2), "front matter"),
        ("date-header.md", date(2023, 2, 12), "header"),
        ("incident-date.md", date(2022, 3, 3), "header"),
        ("date-range-header.md", date(2025, 8, 21), "header"),
        ("metadata-table.md", date(2021, 8, 14), "header"),
        ("metadata-columns.md", date(2022, 5, 19), "header"),
        ("title-date.md", date(2024, 7, 9), "title"),
        ("2022-12-01-dns-flap.md", date(2022, 12, 1), "file name"),
        ("2020-06/06-17-cert-expiry.md", date(2020, 6, 17), "file name"),
        ("first-timeline-entry.md", date(2021, 4, 2), "timeline"),
        ("quoted-log.md", date(2023, 6, 19), "timeline"),
        ("2023-01-31-published-later.md", date(2022, 10, 14), "timeline"),
    ],
)
def test_the_date_comes_from_the_strongest_evidence(
    name: str, day: date, source: str
) -> None:
    assert _dated(name) == (day, source)


@pytest.mark.parametrize(
    "name",
    [
        "versions.md",  # v2.3.1, 1.270.0, 10.4.2, a UUID, a bare 2021-05
        "PM2021-004 - Quota exceeded.md",  # a document number is not a date
        "2020-06/cert-rotation.md",  # a folder's month is not a day
        "undated.md",  # times without a day
    ],
)
def test_no_date_is_guessed(name: str) -> None:
    assert _dated(name) == (None, "undated")


@pytest.mark.parametrize(
    ("value", "day"),
    [('"May 9, 2021"', date(2021, 5, 9)), ("2021-05", None), ("soon", None)],
)
def test_front_matter_dates_written_out(value: str, day: date | None) -> None:
    report = parse_report(f"---\ndate: {value}\n---\n# Outage\n", source="r.md")
    assert report.date == day
    assert report.date_source == ("front matter" if day else "undated")


def test_a_date_quoted_in_the_body_never_wins() -> None:
    day, _ = _dated("quoted-log.md")
    assert day not in {date(2014, 2, 3), date(2020, 5, 30)}
    day, source = _dated("front-matter.md")
    assert (day, source) == (date(2024, 3, 5), "front matter"), "not 2019-02-11"


def test_the_file_name_stands_when_the_timeline_starts_the_same_day_or_later() -> None:
    text = "# Flap\n\n## Timeline\n\n- 2022-12-01 10:00 UTC first alert\n"
    report = parse_report(text, source="reports/2022-12-01-flap.md")
    assert (report.date, report.date_source) == (date(2022, 12, 1), "file name")
    later = text.replace("2022-12-01 10:00", "2022-12-03 10:00")
    report = parse_report(later, source="reports/2022-12-01-flap.md")
    assert (report.date, report.date_source) == (date(2022, 12, 1), "file name")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Outage - September 29, 2025", date(2025, 9, 29)),
        ("Oct 31 2021 Dust Storm", date(2021, 10, 31)),
        ("Website outage 5-26-21", date(2021, 5, 26)),
        ("January 14-19, 2026", date(2026, 1, 14)),
        ("Multiple outages (October 2025)", None),
        ("Release v2.2.0 recalled", None),
        ("Cache issue 2021-05", None),
        ("Oct 31 deploy", None),
        ("request 550e8400-e29b-41d4-a716-446655440000", None),
    ],
)
def test_dates_in_short_texts_need_their_year(text: str, day: date | None) -> None:
    assert day_in_text(text) == day


@pytest.mark.parametrize(
    ("source", "day"),
    [
        ("posthog/2025-09-29-flags-is-down.md", date(2025, 9, 29)),
        ("x/2021-05-09/report.md", date(2021, 5, 9)),
        ("x/2023-04/04-25-account.md", date(2023, 4, 25)),
        ("x/2023-04/05-25-account.md", None),  # the month disagrees with the folder
        ("x/2021-05/report.md", None),
        ("dfds/PM2021-004 - ADFS outage.md", None),
        ("x/release-1.2.2023.md", None),
        ("<text>", None),
    ],
)
def test_the_day_a_file_name_gives(source: str, day: date | None) -> None:
    assert day_in_name(source) == day


def _import_json(cli: Cli, *paths: Path, dry_run: bool = False) -> dict:
    args = ["import", *map(str, paths), "--json"]
    return json.loads(cli.ok(*args, *(["--dry-run"] if dry_run else [])).out)


def test_an_undated_report_is_imported_undated_and_says_so(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "outside-git" / "slow-dashboards.md"
    report.parent.mkdir()
    shutil.copy(DATES / "undated.md", report)
    dry = _import_json(cli, report, dry_run=True)["files"][0]
    assert dry["date"] is None and dry["date_source"] == "undated"
    assert dry["planned_id"] == "0001-01-01-slow-dashboards"
    out = cli.ok("import", str(report), "--dry-run")
    assert "date: none found (undated" in out.out
    assert "imported undated" in out.err
    done = _import_json(cli, report)["files"][0]
    assert done["session_id"] == "0001-01-01-slow-dashboards"
    folder = cli.root / "sessions" / done["session_id"]
    session = yaml.safe_load((folder / "session.yaml").read_text())
    assert session["date_source"] == "undated" and "started" not in session
    assert date.today().isoformat() not in done["session_id"]
    listed = cli.ok("list", "--json").out
    assert "0001-01-01-slow-dashboards" in listed
    rendered = cli.ok("render", done["session_id"]).out
    assert "- **Date:** undated\n" in rendered


def test_a_report_giving_its_day_but_no_time_shows_that_day_once(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "dlq.md"
    report.write_text(
        "# Retries and a dead-letter queue\n\n**Date:** 2025-02-18\n"
        "**Area:** payments\n\n## Summary\n\nParked failing events.\n",
        encoding="utf-8",
    )
    done = _import_json(cli, report)["files"][0]
    assert done["session_id"].startswith("2025-02-18-")
    rendered = cli.ok("render", done["session_id"]).out
    head = rendered.partition("## ")[0]
    assert "- **Date:** 2025-02-18\n" in head
    # The header says the day: the Details keep only what it does not print.
    details = rendered.split("## Details\n", 1)[1].split("\n---\n", 1)[0]
    assert "**Area:** payments" in details and "2025-02-18" not in details


def _git(cwd: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_a_report_without_a_date_takes_the_day_git_added_it(
    cli: Cli, tmp_path: Path
) -> None:
    repo = tmp_path / "postmortems"
    (repo / "mail").mkdir(parents=True)
    _git(repo, "init", "-q")
    shutil.copy(DATES / "added-in-git.md", repo / "mail" / "relay.md")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "add", when="2019-07-04T10:00:00+00:00")
    # Edited later: the day it was added is the evidence, not the last change.
    with (repo / "mail" / "relay.md").open("a") as file:
        file.write("\nReviewed again.\n")
    _git(repo, "commit", "-qam", "edit", when="2024-01-02T10:00:00+00:00")
    found = _import_json(cli, repo / "mail" / "relay.md", dry_run=True)["files"][0]
    assert (found["date"], found["date_source"]) == ("2019-07-04", "git history")
    assert found["planned_id"].startswith("2019-07-04-")
    out = cli.ok("import", str(repo / "mail" / "relay.md"), "--dry-run").out
    assert "date: 2019-07-04 (from the commit that added it to git)" in out


def test_the_json_and_dry_run_name_the_evidence(cli: Cli) -> None:
    found = _import_json(cli, DATES / "metadata-table.md", dry_run=True)["files"][0]
    assert (found["date"], found["date_source"]) == ("2021-08-14", "header")
    out = cli.ok("import", str(DATES / "title-date.md"), "--dry-run").out
    assert "date: 2024-07-09 (from its title)" in out
