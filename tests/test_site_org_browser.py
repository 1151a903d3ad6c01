"""A site of three journals (three git repositories: GitHub remote, none, GitLab) in
headless chromium: the home page lists every session with its repository and filters
by repository, the follow-ups page lists every journal's open steps, the metrics
count every session, and search finds a session of each journal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import ARGS, CHROMIUM, need_chromium, served
from tests.conftest import run_journal
from tests.org_helpers import PAGES, WORDS, three_journals

pytestmark = pytest.mark.browser

STEPS = {
    "payments": "Alert on replica lag in payments",
    "search": "Reindex the search shards",
    "identity": "Rotate the signing keys quarterly",
}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_chromium()
    base = tmp_path_factory.mktemp("org-browser")
    journals = three_journals(base)
    hub = base / "hub"
    hub.mkdir()
    env = {"NO_COLOR": "1", "JOURNAL_MERMAID_JS": ""}
    named = [a for j in journals for a in ("--journal", str(j))]
    result = run_journal("site", "build", *named, cwd=hub, env=env)
    assert result.code == 0, result.err
    with served(hub / "site") as url:
        yield url


@pytest.fixture(scope="module")
def page(web: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        # Only the site itself: a CDN or font request is refused, not waited for.
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(web)
                else route.abort()
            ),
        )
        yield context.new_page()
        browser.close()


def _column(page: Any, name: str) -> list[str]:
    heads = [h.strip() for h in page.locator("table thead th").all_inner_texts()]
    index = heads.index(name)
    return [
        row.locator("td").nth(index).inner_text().strip()
        for row in page.locator("table tbody tr").all()
    ]


def test_home_lists_every_session_with_its_repository(page: Any, web: str) -> None:
    page.goto(web)
    repositories = _column(page, "Repository")
    assert sorted(repositories) == ["identity", "identity", "payments", "search"]
    sessions = page.locator("table tbody tr td a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    for link in PAGES.values():
        assert any(h.endswith(link) for h in sessions), (link, sessions)
    page.get_by_role("button", name="identity (2)").click()
    visible = page.locator("table tbody tr:not([hidden])")
    assert visible.count() == 2


def test_followups_list_every_journals_open_steps(page: Any, web: str) -> None:
    page.goto(web + "followups/")
    rows = page.locator("table tbody tr").all_inner_texts()
    assert len(rows) == 3
    for journal, step in STEPS.items():
        row = next(r for r in rows if step in r)
        assert f"{journal} ·" in row, row


def test_metrics_aggregate_every_journal(page: Any, web: str) -> None:
    page.goto(web + "metrics/")
    summary = page.locator("table").first
    resolve = summary.locator("tr", has_text="Time to resolve").inner_text()
    cells = resolve.split("\t")
    assert cells[1].strip() == "4"  # sessions with a time to resolve, all journals
    # The "Every session" table, the page's last: one row per session of all three.
    every = page.locator("table").last.locator("tbody tr").all_inner_texts()
    assert len(every) == 4
    assert {r.split(" · ")[0].split("\t")[-1] for r in every} == set(STEPS)
    # The median of 30m, 1h, 1h and 3h: 1h, over all journals.
    assert cells[2].strip() == "1h 00m"


def _search(page: Any, word: str) -> list[str]:
    box = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item a")
    for _ in range(30):
        box.fill("")
        box.press_sequentially(word)
        page.wait_for_timeout(500)
        if results.count():
            break
    return [results.nth(i).get_attribute("href") or "" for i in range(results.count())]


@pytest.mark.parametrize("journal", sorted(WORDS))
def test_search_finds_a_session_of_each_journal(
    page: Any, web: str, journal: str
) -> None:
    page.goto(web)
    hrefs = _search(page, WORDS[journal])
    assert any(PAGES[journal] in h for h in hrefs), hrefs
