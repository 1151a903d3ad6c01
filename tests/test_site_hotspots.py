"""The site's memory: a Hotspots page (table and chart) from a real git repository
with linked commits, a rename and a deleted file, and related sessions linked both
ways between their pages."""

from __future__ import annotations

import re

from journal.site.pages import generate
from journal.store.sessions import Journal
from tests.conftest import Cli, git
from tests.gitlink_support import run_commit
from tests.test_related import MAPPER, _commit_file, _session


def _docs(cli: Cli) -> Journal:
    return Journal.open(cli.root)


def test_the_hotspots_page_ranks_files_with_a_table_and_a_chart(cli: Cli) -> None:
    root = cli.root
    a = _commit_file(root, "app/billing.py", "x\n" * 30, "Fix", "2025-11-04T01:05:00Z")
    b = _commit_file(root, "app/legacy.py", "old\n", "Patch", "2025-11-05T01:05:00Z")
    (root / "app" / "payments").mkdir()
    git(root, "mv", "app/billing.py", "app/payments/billing.py")
    run_commit(root, "-m", "Move billing", when="2025-11-06T00:00:00Z")
    git(root, "rm", "-q", "app/legacy.py")
    run_commit(root, "-m", "Drop legacy", when="2025-11-07T00:00:00Z")
    ids = []
    for title, at, shas in (
        ("Rounding", "2025-11-04T01:00:00+00:00", [a, b]),
        ("Tax totals | wrong", "2025-11-20T01:00:00+00:00", [a]),
    ):
        ids.append(_session(cli, title, at))
        cli.ok("link", *shas)
        cli.ok("close")
    journal = _docs(cli)
    result = generate(journal)
    assert {"Hotspots": "hotspots.md"} in result.nav
    page = (result.docs_dir / "hotspots.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `app/")]
    billing, legacy = rows[0], rows[1]
    assert billing.startswith("| `app/payments/billing.py` | 2: ")
    # Newest first, labels escaped for the table, links relative to the page.
    assert f"[Tax totals \\| wrong](sessions/{ids[1]}.md), [Rounding]" in billing
    assert "| 2025-11-20 |" in billing and "| commit |" in billing
    assert legacy.startswith("| `app/legacy.py` *(deleted)* | 1: ")
    assert "app/billing.py`" not in page  # counted under its new name
    assert "| `app/` | 2: " in page and "| `app/payments/` | 2: " in page
    chart = page.split('<figure class="journal-chart">', 1)[1].split("</figure>")[0]
    assert chart.count("<rect") == 2  # one bar per file
    assert "<title>Sessions: 2</title>" in chart and "app/payments/billing.py" in chart


def test_the_hotspots_page_without_linked_commits_says_how_to_get_some(
    cli: Cli,
) -> None:
    _session(cli, "Quiet", "2025-11-04T01:00:00+00:00")
    result = generate(_docs(cli))
    page = (result.docs_dir / "hotspots.md").read_text()
    assert "No hotspots yet" in page and "<svg" not in page


def test_related_sessions_link_each_other_on_their_pages(cli: Cli) -> None:
    first = _session(
        cli, "Mapper error", "2025-11-04T01:00:00+00:00",
        ("detected", MAPPER.format("Organization(organizations)")),
    )  # fmt: skip
    second = _session(
        cli, "Workers failing", "2026-01-10T09:00:00+00:00",
        ("detected", MAPPER.format("Course(courses)")),
    )  # fmt: skip
    _session(cli, "Disk full", "2026-02-01T09:00:00+00:00")
    result = generate(_docs(cli))
    pages = {
        sid: (result.docs_dir / "sessions" / f"{sid}.md").read_text()
        for sid in (first, second)
    }
    for mine, theirs in ((first, second), (second, first)):
        part = pages[mine].split("## Related sessions\n\n", 1)[1].split("\n\n")[0]
        links = re.findall(r"\]\(([^)]+)\)", part)
        assert links == [f"{theirs}.md"]  # beside it in sessions/: resolves as is
        assert (result.docs_dir / "sessions" / links[0]).is_file()
        assert "same error: sqlalchemy.exc.InvalidRequestError" in part
    disk = (result.docs_dir / "sessions" / "2026-02-01-disk-full.md").read_text()
    assert "Related sessions" not in disk
