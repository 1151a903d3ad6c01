"""`journal site build` and `serve` through the real CLI and a real, strict MkDocs
build: the example journal's pages, a journal made with the CLI, `journal init`'s
mkdocs.yml, the builder errors, and a live server that shows a new event."""

from __future__ import annotations

import html
import html.parser
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.util import find_spec
from pathlib import Path

import pytest

from journal.insight.followups import gather, open_followups
from journal.store.sessions import Journal
from tests.conftest import Cli, run_journal, snapshot
from tests.site_helpers import (
    example_ids,
    example_journal,
    write_session,
)


def _build(root: Path, *args: str) -> dict[str, object]:
    result = run_journal("site", "build", "--json", *args, cwd=root)
    assert result.code == 0, result.err
    assert "end of life" not in result.err and "MkDocs 2" not in result.err, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def _page(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_example_journal_builds_strict_with_its_content(tmp_path: Path) -> None:
    root = example_journal(tmp_path / "example")
    data = _build(root)
    site = Path(str(data["site_dir"]))
    ids = example_ids()
    assert data["sessions"] == len(ids) and not data["problems"]
    home = _page(site, "index.html")
    assert f"<strong>{len(ids)} sessions</strong>" in home
    rows = re.findall(r"<tr>\s*<td>\d{4}-\d\d-\d\d</td>", home)
    assert len(rows) == len(ids)
    session8 = _text(
        _page(site, "sessions/2025-11-04-sqlalchemy-mapper-error/index.html")
    )
    assert "Discovered repeating SQLAlchemy mapper errors" in session8
    assert 'class="journal-chart journal-timeline"' in _page(
        site, "sessions/2025-11-04-sqlalchemy-mapper-error/index.html"
    )
    followups = _page(site, "followups/index.html")
    journal = Journal.open(root)
    today = journal.now().date()
    still_open = open_followups(gather(journal).items, today=today)
    assert still_open, "the example journal has open follow-ups"
    assert followups.count("<tr>") == len(still_open) + 1  # and the header
    rows = [_text(html.unescape(r)) for r in followups.split("<tr>")[2:]]
    for item in still_open:
        words = [w for w in item.step.text.split() if w.isalnum()][:4]
        matching = [r for r in rows if all(w in r for w in words)]
        assert matching, f"open follow-up {item.ref} is not on the page"
        overdue = any("overdue" in r for r in matching)
        assert overdue == item.overdue(today), item.ref
    evidence = site / "evidence/2025-11-04-fix-validation/execution-3-timings.txt"
    assert evidence.is_file()
    config = Path(str(data["config"])).read_text()
    assert "\nnav:\n" in config and "assets/journal.js" in config
    assert (root / "mkdocs.yml").read_text() == (
        Path(__file__).parent.parent / "mkdocs.yml"
    ).read_text()


def test_strict_mode_is_on(tmp_path: Path) -> None:
    root = example_journal(tmp_path / "example")
    # A nav entry naming a page that does not exist is a warning: strict fails.
    with (root / "mkdocs.yml").open("a") as handle:
        handle.write("nav:\n  - Home: index.md\n  - Gone: missing.md\n")
    result = run_journal("site", "build", cwd=root)
    assert result.code == 1
    assert "journal: error: mkdocs build failed" in result.err
    assert "missing.md" in result.err


def test_links_in_session_text_warn_but_do_not_fail(tmp_path: Path) -> None:
    root = example_journal(tmp_path / "example")
    write_session(
        root,
        "2025-12-01-links",
        summary="See [the runbook](runbook.md) and [x](javascript:alert(1)).",
    )
    result = run_journal("site", "build", cwd=root)
    assert result.code == 0, result.err
    assert "links to runbook.md, which is not on the site" in result.err
    page = (root / "site/sessions/2025-12-01-links/index.html").read_text()
    # The words stay, as text: no attribute anywhere carries the scheme.
    assert "[x](javascript:alert(1))" in page
    assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*javascript:""", page, re.I)


def test_a_journal_made_with_the_cli(cli: Cli, session_id: str) -> None:
    cli.ok(
        "log",
        "Workers failing | with mapper errors",
        "--kind",
        "detected",
        "--at",
        "2025-11-04T01:02:00+00:00",
    )
    cli.ok(
        "log", "Fix deployed", "--kind", "resolved", "--at", "2025-11-04T01:30:00+00:00"
    )
    cli.ok("step", "add", "Write the postmortem", "--owner", "dana")
    assert (cli.root / "mkdocs.yml").is_file(), "journal init wrote it"
    data = _build(cli.root)
    site = Path(str(data["site_dir"]))
    page = _text(_page(site, f"sessions/{session_id}/index.html"))
    assert "Workers failing | with mapper errors" in page
    assert "Write the postmortem" in _page(site, "followups/index.html")
    # Resolved 01:30, detected 01:02: time to resolve runs from the detection.
    assert ">28m</td>" in _page(site, "index.html"), "time to resolve on the home page"
    human = cli.ok("site", "build")
    assert human.out.startswith(f"site: {cli.root / 'site' / 'index.html'}")


def test_init_keeps_an_existing_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "mine"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Mine\n")
    assert run_journal("init", cwd=root).code == 0
    assert (root / "mkdocs.yml").read_text() == "site_name: Mine\n"


def test_offline_build_uses_relative_links_and_the_offline_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOURNAL_MERMAID_JS", raising=False)
    root = example_journal(tmp_path / "example")
    data = _build(root, "--offline", "--output", str(tmp_path / "offline"))
    site = tmp_path / "offline"
    home = _page(site, "index.html")
    assert 'href="sessions/2025-11-04-sqlalchemy-mapper-error.html"' in home
    assert "fonts.googleapis.com" not in home
    assert "iframe-worker-shim.js" in home and "unpkg.com" not in home
    assert "mermaid" not in home.lower()
    # journal's own worker stand-in, not an npm package's.
    shim = (site / "assets/javascripts/iframe-worker-shim.js").read_text()
    assert shim.startswith("/* journal site: Web Workers for pages opened from file")
    assert (site / "search/search_index.js").is_file()
    assert data["site"] == str(site / "index.html")


BUILDERS = ["mkdocs", "properdocs", "zensical"]


def _built_by(root: Path, builder: str) -> Path:
    if find_spec(builder) is None:
        pytest.skip(f"{builder} is not installed (it is in the test extras)")
    data = _build(root, "--builder", builder, "-o", str(root / f"site-{builder}"))
    assert data["builder"] == builder
    return Path(str(data["site_dir"]))


class _ArticleText(html.parser.HTMLParser):
    """The text a reader sees in a page's <article> (the page's own content,
    without the theme's navigation, header and footer)."""

    _VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth and tag not in self._VOID:
            self.depth += 1
        elif not self.depth and tag == "article":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self._VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def _pages(site: Path) -> dict[str, str]:
    """Every HTML page of a built site: its path → its article's text."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        reader = _ArticleText()
        reader.feed(path.read_text("utf-8"))
        pages[path.relative_to(site).as_posix()] = " ".join(
            "".join(reader.parts).split()
        )
    return pages


@pytest.fixture(scope="module")
def example_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_journal(tmp_path_factory.mktemp("builders") / "example")


@pytest.fixture(scope="module")
def mkdocs_pages(example_root: Path) -> dict[str, str]:
    return _pages(_built_by(example_root, "mkdocs"))


def test_the_mkdocs_build_has_every_page_with_its_content(
    mkdocs_pages: dict[str, str],
) -> None:
    ids = example_ids()
    for sid in ids:
        assert f"sessions/{sid}/index.html" in mkdocs_pages
    for page in ("index.html", "followups/index.html", "lessons/index.html",
                 "metrics/index.html", "tags/index.html"):  # fmt: skip
        assert mkdocs_pages[page], page
    page = mkdocs_pages["sessions/2025-11-04-sqlalchemy-mapper-error/index.html"]
    assert "Discovered repeating SQLAlchemy mapper errors" in page
    assert "Comment out relationship" in page


@pytest.mark.parametrize("builder", [b for b in BUILDERS if b != "mkdocs"])
def test_every_builder_builds_the_same_pages(
    example_root: Path, mkdocs_pages: dict[str, str], builder: str
) -> None:
    """The same set of pages as MkDocs builds, each with the same text."""
    pages = _pages(_built_by(example_root, builder))
    assert sorted(pages) == sorted(mkdocs_pages)
    differing = [page for page in pages if pages[page] != mkdocs_pages[page]]
    assert differing == []


def test_the_default_builder_writes_to_site(tmp_path: Path) -> None:
    root = example_journal(tmp_path / "example")
    data = _build(root)
    assert data["builder"] == "mkdocs"
    assert Path(str(data["site_dir"])) == (root / "site").resolve()


def test_a_missing_builder_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journal.errors import NotFoundError
    from journal.site import build

    monkeypatch.setattr(build, "find_spec", lambda name: None)
    with pytest.raises(NotFoundError) as info:
        build.builder_for("zensical")
    assert info.value.one_line() == (
        "the zensical site builder is not installed — install it "
        "with `pip install zensical`, or pick another with --builder"
    )
    root = example_journal(tmp_path / "example")
    unknown = run_journal("site", "build", "--builder", "sphinx", cwd=root)
    assert (
        unknown.code == 2 and "use one of: mkdocs, properdocs, zensical" in unknown.err
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def _wait_for(url: str, text: str, *, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        body = _get(url)
        if body is not None and text in body:
            return time.monotonic() - started
        time.sleep(0.3)
    return None


def test_serve_shows_a_new_event_within_seconds(cli: Cli, session_id: str) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "journal", "site", "serve", "--port", str(port)],
        cwd=cli.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=os.environ.copy(),
    )
    page = f"http://127.0.0.1:{port}/sessions/{session_id}/"
    try:
        assert _wait_for(page, "SQLAlchemy mapper error", seconds=60) is not None
        cli.ok("log", "Rollback started by the on-call", "--kind", "mitigated")
        took = _wait_for(page, "Rollback started by the on-call", seconds=30)
        assert took is not None, "the logged event never reached the served page"
        assert took < 15
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            out, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            out, _ = server.communicate()
    assert server.returncode == 0, out
    assert _get(page) is None, "the builder's server stopped with journal"


def test_a_site_folder_that_holds_the_journal_is_refused(tmp_path: Path) -> None:
    root = example_journal(tmp_path / "example")
    before = snapshot(root)
    for target in (str(root), str(root.parent)):
        result = run_journal("site", "build", "-o", target, cwd=root)
        assert result.code == 2 and "would hold the journal's own files" in result.err
    assert snapshot(root) == before
