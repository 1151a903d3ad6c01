"""The built example site in a real headless chromium (Debian's, through
Playwright): the home page lists the sessions and filters them by tag, a session page
draws its timeline as SVG, search finds a session by a word of its root cause, and no
page logs an error or reaches for the network — served over HTTP, and the offline
build opened from file:// with networking off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import ARGS, CHROMIUM, need_chromium, served
from tests.conftest import run_journal
from tests.site_helpers import example_ids, example_journal

pytestmark = pytest.mark.browser

SESSION8 = "sessions/2025-11-04-sqlalchemy-mapper-error"
ROOT_CAUSE_WORD = "School"  # from session 8's root cause: "…a `School` model…"
SCREENSHOTS = os.environ.get("JOURNAL_SITE_SCREENSHOTS", "")
"""A folder to save the offline site's session page and a search result into."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example journal built twice: for a web server, and --offline."""
    need_chromium()
    root = example_journal(tmp_path_factory.mktemp("browser") / "example")
    # No npm package and no CDN: a Mermaid named in the environment is ignored.
    env = {"NO_COLOR": "1", "JOURNAL_MERMAID_JS": ""}
    built = {}
    for name, extra in (("web", []), ("offline", ["--offline"])):
        out = root / f"site-{name}"
        result = run_journal("site", "build", "-o", str(out), *extra, cwd=root, env=env)
        assert result.code == 0, result.err
        built[name] = out
    return built


@pytest.fixture(scope="module")
def web(sites: dict[str, Path]) -> Iterator[str]:
    with served(sites["web"]) as url:
        yield url


@pytest.fixture(scope="module")
def browser(sites: dict[str, Path]) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Visit:
    """A browser context that records console errors and every request that left
    the allowed origin (and refuses them)."""

    def __init__(self, browser: Any, *, allowed: str, offline: bool = False):
        self.context = browser.new_context(offline=offline)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.allowed = allowed
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def go(self, url: str) -> Any:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def close(self) -> None:
        self.context.close()


def _search(page: Any, word: str) -> list[str]:
    """Search results for `word`. The query is typed again until the search worker,
    which loads the index in the background, has answered."""
    box = page.locator("input.md-search__input")
    results = page.locator(".md-search-result__item a")
    for _ in range(30):
        box.fill("")
        box.press_sequentially(word)
        page.wait_for_timeout(500)
        if results.count():
            break
    return [results.nth(i).get_attribute("href") or "" for i in range(results.count())]


def _tagged(tag: str) -> int:
    from journal.store.sessions import Journal
    from tests.site_helpers import REPO

    journal = Journal(REPO, Journal.open(REPO).config)
    return sum(1 for i in example_ids() if tag in journal.load(i).tags)


def _site_checks(visit: Visit, url: Any, *, offline: bool) -> None:
    page = visit.go(url("index"))
    rows = page.locator("table tbody tr")
    assert rows.count() == len(example_ids())
    tagged = _tagged("sqlalchemy")
    page.get_by_role("button", name=f"sqlalchemy ({tagged})").click()
    assert page.locator("table tbody tr:not([hidden])").count() == tagged
    visit.go(url(SESSION8))
    timeline = visit.page.locator("figure.journal-timeline svg")
    assert timeline.count() == 1, "the timeline diagram was not drawn as SVG"
    assert timeline.locator("path").count() >= 5, "one diamond per event"
    assert timeline.bounding_box()["height"] > 100
    _shot(visit.page, "session" if offline else "")
    hrefs = _search(visit.go(url("index")), ROOT_CAUSE_WORD)
    assert any(SESSION8 in h for h in hrefs), hrefs
    assert visit.page.locator(".md-search-result__item").first.is_visible()
    _shot(visit.page, "search" if offline else "")
    for other in ("followups", "metrics", "lessons", "tags/index"):
        visit.go(url(other))
        visit.page.wait_for_timeout(200)


def _shot(page: Any, name: str) -> None:
    if SCREENSHOTS and name:
        shot = Path(SCREENSHOTS) / f"site-offline-{name}.png"
        page.screenshot(path=str(shot), full_page=name == "session")


def test_site_served_over_http(browser: Any, web: str) -> None:
    visit = Visit(browser, allowed=web)

    def url(rel: str) -> str:
        return web if rel == "index" else f"{web}{rel.removesuffix('/index')}/"

    try:
        _site_checks(visit, url, offline=False)
        assert visit.errors == [], visit.errors
        assert visit.outside == [], "the site reached for the network"
    finally:
        visit.close()


def test_offline_site_from_file_with_networking_off(
    browser: Any, sites: dict[str, Path]
) -> None:
    base = sites["offline"].as_uri()
    visit = Visit(browser, allowed="file://", offline=True)

    def url(rel: str) -> str:
        return f"{base}/{rel}.html"

    try:
        _site_checks(visit, url, offline=True)
        assert visit.errors == [], visit.errors
        assert visit.outside == [], visit.outside
    finally:
        visit.close()


def test_served_page_reloads_by_itself_when_an_event_is_logged(
    browser: Any, tmp_path: Path
) -> None:
    import signal
    import socket
    import subprocess
    import sys

    root = example_journal(tmp_path / "live")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "journal", "site", "serve", "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    visit = Visit(browser, allowed=f"http://127.0.0.1:{port}/")
    try:
        page = visit.page
        for _ in range(120):
            try:
                page.goto(f"http://127.0.0.1:{port}/{SESSION8}/")
                break
            except Exception:
                page.wait_for_timeout(500)
        page.wait_for_load_state("load")
        logged = run_journal(
            "log",
            "Rollback started by the on-call",
            "--session",
            "8",
            "--kind",
            "mitigated",
            cwd=root,
        )
        assert logged.code == 0, logged.err
        # The page reloads itself: while the new document is parsed there is a
        # moment with no body yet, and a predicate that throws fails the wait
        # instead of polling again.
        page.wait_for_function(
            "document.body !== null &&"
            " document.body.innerText.includes('Rollback started by the on-call')",
            timeout=30000,
        )
    finally:
        visit.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
