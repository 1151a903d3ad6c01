"""Injection: whatever a user types lands in the reports and the site as text.

A corpus of payloads — script tags, event handlers, `javascript:` links, Markdown
link and image tricks, HTML comments, table-breaking pipes, fence-breaking
backticks, Jinja in user text, Mermaid-breaking text — is put in every field of a
session (title, summary, root cause, options, criteria, steps, lessons, sections,
components, people, tags, impact, validation), in its events (text, author, command,
output), in the subject of a real git commit linked with `journal link`, and in a
Markdown report brought in with `journal import`. One session per payload, and a
baseline session with a plain word in the same places.

The rendered reports must keep the baseline's structure (headings, tables, rows,
cells, rules, parsed with markdown-it) and show the payload as typed — `{{ 7*7 }}`
stays `{{ 7*7 }}`, never `49`. The built site, loaded in headless chromium, must run
no injected script (no dialog, no `PWNED` console message, no `window.__pwned`) and
every page must keep the baseline page's structure.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.browser_support import ARGS, CHROMIUM, need_chromium
from tests.conftest import git, run_journal
from tests.figures import record

JS = "window.__pwned=1;console.log('PWNED');alert(1)"
PAYLOADS = [
    f"<script>{JS}</script>",
    f'<img src=x onerror="{JS}">',
    f'<svg onload="{JS}"><circle r=9></circle></svg>',
    f'<iframe src="javascript:{JS}"></iframe>',
    f'<a href="javascript:{JS}">click me</a>',
    f'<details open ontoggle="{JS}">x</details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{JS}">',
    f'"><script>{JS}</script>',
    f'\'><img src=x onerror="{JS}">',
    f'<body onload="{JS}">',
    f'<object data="javascript:{JS}"></object>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{JS}">',
    f'<base href="javascript:{JS}//">',
    "<style>body{display:none}</style>",
    "<textarea>swallow the rest",
    f"[click](javascript:{JS})",
    f"[click](JaVaScRiPt:{JS})",
    f"[click](javascript&#58;{JS})",
    f"[click](  javascript:{JS}  )",
    f"![image](javascript:{JS})",
    f'![x](x" onerror="{JS})',
    f"[ref]\n\n[ref]: javascript:{JS}",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"<javascript:{JS}>",
    "[missing page](../../missing.md) and [other](other-page)",
    "<!-- the rest of the page is a comment",
    "--> closed a comment that was never opened",
    "| a | b |\n|---|---|\n| c | d |",
    "cell | breaking | pipes \\| and \\\\| escaped",
    "```\n<script>" + JS + "</script>\n```",
    "````\nfence ``` inside ```` four",
    "`` ` `` and ``` unclosed",
    "# Heading\n\n## Another\n\n---\n\n***",
    "Title\n=====\n\nSub\n---",
    "{{ 7*7 }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "{{ self.__init__.__globals__ }} {{ config }} {% for x in range(9) %}x{% endfor %}",
    "{# an unclosed Jinja comment",
    '"]); click A call alert(1); %%{init: {"securityLevel": "loose"}}%%',
    "end\ngraph TD\nA-->B\n:::someclass ; classDef x fill:#f00",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x3C;b&#x3E;",
    '<https://example.com/"><script>' + JS + "</script>>",
    "\u202eevil\u202c and \u200b zero width",
    f"</title><script>{JS}</script>",
    f'</title></head><body><img src=x onerror="{JS}">',
    f"</textarea></noscript></style></script><script>{JS}</script>",
    f'" onmouseover="{JS}" x="',
]
# One worker builds the journal and the site once and visits each page once for
# every test here (the fixtures are per module), where xdist honours the group:
# pytest-xdist 3.8 under pytest 9 does not (it renames `item._nodeid`, which pytest 9
# no longer reads), and a worker that gets some of these tests builds its own.
pytestmark = pytest.mark.xdist_group("injection")

PLAIN = "Zplainz"
BASELINE = "2025-11-03-baseline"
MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def session_id(index: int) -> str:
    return BASELINE if index < 0 else f"2025-11-04-payload-{index + 1:02d}"


def one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def session_data(text: str, number: int) -> dict[str, Any]:
    """Every text field of a session set to `text` (one-line fields to one line)."""
    line = one_line(text)
    snippet = {"code": text, "lang": line[:40], "caption": line}
    return {
        "schema": 1,
        "title": line,
        "number": number,
        "status": "investigating",
        "severity": "high",
        "started": "2025-11-04T01:00:00+00:00",
        "tags": [line[:100]],
        "people": [{"name": line, "role": line}],
        "methodology": text,
        "summary": text,
        "detection": {"summary": text, "snippets": [snippet]},
        "root_cause": {
            "summary": text, "location": line, "trigger": text,
            "evidence": [text], "snippets": [snippet],
        },
        "options": [
            {"title": line, "pros": [text], "cons": [text], "decision": "chosen",
             "why": text},
            {"title": line, "decision": "rejected"},
        ],
        "fix": {"summary": text, "rationale": [text], "snippets": [snippet]},
        "impact": {
            "summary": text, "symptoms": [text], "affected": [text],
            "restored": [text], "numbers": {line: line},
        },
        "components": [{"name": line, "state": line, "note": text}],
        "validation": [{"title": line, "command": text, "expect": text}],
        "success_criteria": [
            {"text": line, "done": True, "group": line},
            {"text": line},
        ],
        "next_steps": [
            {"text": text, "horizon": "short", "owner": line, "due": "2025-11-20",
             "tracked_in": line},
        ],
        "lessons": [
            {"title": line, "kind": "went-wrong", "detail": text, "prevention": text},
        ],
        "sections": [{"title": line, "body": "A plain body."},
                     {"title": "Body", "body": text}],
    }  # fmt: skip


def events(text: str) -> list[dict[str, Any]]:
    line = one_line(text)
    return [
        {"at": "2025-11-04T01:02:00+00:00", "kind": "detected", "text": text,
         "by": line, "star": True},
        {"at": "2025-11-04T01:05:00+00:00", "kind": "identified", "text": text},
        {"at": "2025-11-04T01:07:00+00:00", "kind": "verify", "text": text,
         "command": text, "exit_code": 1, "duration_s": 2.5, "output": text},
        {"at": "2025-11-04T01:09:00+00:00", "kind": "resolved", "text": text},
    ]  # fmt: skip


@dataclass
class Built:
    root: Path
    reports: Path
    imported: str
    site: Path | None = None


def _build_journal(root: Path) -> Built:
    from journal.gitlink.sync import link_revs
    from journal.operations.log import log_event
    from journal.operations.session_edits import modeline
    from journal.store.sessions import Journal
    from journal.store.yamlio import dump_new_document

    root.mkdir(parents=True)
    git(root, "init", "-q")
    assert run_journal("init", cwd=root).code == 0
    journal = Journal.open(root)
    for index, text in [(-1, PLAIN), *enumerate(PAYLOADS)]:
        sid = session_id(index)
        data = session_data(text, index + 10)
        if index >= 0:
            data["previous"] = BASELINE
        document = modeline(journal) + dump_new_document(data, quoted_keys=("started",))
        journal.validate_text(document, where=sid)
        journal.write_new_session(sid, document)
        for event in events(text):
            log_event(
                journal, event.pop("text"), session=sid, redact=False,
                at=event.pop("at"), kind=event.pop("kind"),
                star=event.pop("star", False), by=event.pop("by", None), extra=event,
            )  # fmt: skip
        git(root, "commit", "-q", "--allow-empty", "-m", text)
        link_revs(journal, ["HEAD"], session=sid)
    report = root.parent / "SESSION_99_payloads.md"
    report.write_text(_hostile_report(), encoding="utf-8")
    imported = run_journal("import", str(report), "--json", cwd=root)
    assert imported.code == 0, imported.err
    (outcome,) = json.loads(imported.out)["files"]
    rendered = run_journal("render", "--all", cwd=root)
    assert rendered.code == 0, rendered.err
    return Built(root, root / "reports", outcome["session_id"])


def _hostile_report() -> str:
    """A Markdown report to import whose every part carries payloads."""
    bullets = "\n".join(
        f"- **01:{n:02d}** - {one_line(p)}" for n, p in enumerate(PAYLOADS[:30])
    )
    rows = "\n".join(
        f"| {one_line(p).replace('|', '/')} | yes |" for p in PAYLOADS[:10]
    )
    return (
        f"# Session 99: {one_line(PAYLOADS[0])}\n\n**Date:** 2025-11-05\n\n"
        f"## Executive Summary\n\n{PAYLOADS[1]}\n\n{PAYLOADS[15]}\n\n"
        f"## Timeline\n\n{bullets}\n\n"
        f"## Options\n\n| Option | Chosen |\n|---|---|\n{rows}\n\n"
        f"## Lessons Learned\n\n- {one_line(PAYLOADS[34])}\n- {one_line(PAYLOADS[5])}\n\n"
        f'## Raw notes\n\n{PAYLOADS[25]}\n\n<div onclick="{JS}">raw html</div>\n'
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build_journal(tmp_path_factory.mktemp("inject") / "repo")


# --- the reports ----------------------------------------------------------------------


def shape(tokens: list[Any]) -> dict[str, Any]:
    return {
        "headings": [t.tag for t in tokens if t.type == "heading_open"],
        "rows": sum(1 for t in tokens if t.type == "tr_open"),
        "cells": sum(1 for t in tokens if t.type in ("th_open", "td_open")),
        "rules": sum(1 for t in tokens if t.type == "hr"),
        "tables": sum(1 for t in tokens if t.type == "table_open"),
    }


def outside_body_section(tokens: list[Any]) -> tuple[list[Any], list[Any]]:
    """Tokens outside the free-form `Body` section (Markdown kept as written), and
    those inside it. A section's own heading counts outside it."""
    outside: list[Any] = []
    inside: list[Any] = []
    in_body = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            in_body = tokens[index + 1].content == "Body"
            outside.append(token)
            continue
        (inside if in_body else outside).append(token)
    return outside, inside


def visible(tokens: list[Any]) -> str:
    """All the text a reader sees: inline text and code, fences, as one string."""
    parts: list[str] = []
    for token in tokens:
        if token.type in ("fence", "code_block"):
            parts.append(token.content)
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
    return "".join(parts)


def report(built: Built, sid: str) -> str:
    return (built.reports / f"{sid}.md").read_text(encoding="utf-8")


def test_the_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 30
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_every_report_keeps_its_structure(built: Built, index: int) -> None:
    base_outside, _ = outside_body_section(MD.parse(report(built, BASELINE)))
    tokens = MD.parse(report(built, session_id(index)))
    outside, inside = outside_body_section(tokens)
    found, base = shape(outside), shape(base_outside)
    # The title and parts (h1, h2), tables, rows and rules are the template's; a
    # heading in a part's text (a summary) comes out below its part (h3–h6).
    top = ("h1", "h2")
    headings, base_headings = found.pop("headings"), base.pop("headings")
    assert [h for h in headings if h in top] == [h for h in base_headings if h in top]
    assert Counter(h for h in headings if h not in top) >= Counter(
        h for h in base_headings if h not in top
    )
    assert found == base
    # A section body is Markdown kept as written: its headings stay below it.
    assert all(t.tag not in ("h1", "h2") for t in inside if t.type == "heading_open")
    for token in tokens:
        assert token.type != "html_block", token.content
        for child in token.children or []:
            assert child.type != "html_inline" or child.content == "<br>", child
    assert "<script" not in MD.render(report(built, session_id(index))).lower()
    assert unsafe_links(report(built, session_id(index))) == []


# markdown-it drops links it finds unsafe; this one keeps every link, so the test
# sees what a more permissive Markdown engine (a forge, Python-Markdown) would link.
LINKS = MarkdownIt("commonmark", {"html": True}).enable("table")
LINKS.validateLink = lambda url: True


def unsafe_links(markdown: str) -> list[str]:
    found = []
    for token in LINKS.parse(markdown):
        for child in [token, *(token.children or [])]:
            target = (
                (child.attrGet("href") or child.attrGet("src") or "")
                if child.attrs
                else ""
            )
            scheme = target.strip().lower().replace("\t", "").split(":", 1)[0]
            if ":" in target and scheme in ("javascript", "vbscript", "data"):
                found.append(target)
    return found


def test_the_link_check_would_catch_an_unsafe_link() -> None:
    assert unsafe_links("[x](javascript:alert(1)) ![i](data:image/png;base64,AA)")
    assert unsafe_links("[r]\n\n[r]: JavaScript:alert(1)\n")
    assert not unsafe_links("[x](https://example.com) [y](#a)")


# For each Jinja payload: pieces free of Markdown syntax that must each be seen as
# often as the baseline's word (the payload's `*` and `__` are Markdown emphasis, as
# in any user text), and what evaluating it would have printed.
JINJA = {
    "{{ 7*7 }}": (["{{ 7", "7 }}"], "49"),
    "{% raw %}{{ 7*7 }}{% endraw %}": (["{% raw %}", "{% endraw %}"], "49"),
    "{{ self.__init__.__globals__ }} {{ config }} {% for x in range(9) %}x{% endfor %}":
        (["{{ config }}", "{% for x in range(9) %}x{% endfor %}"], "xxxxxxxxx"),
    "{# an unclosed Jinja comment": (["{# an unclosed Jinja comment"], None),
}  # fmt: skip


def _without_clock_and_shas(text: str) -> str:
    """The text less what holds digits by chance: commit SHAs (the commits are new on
    every run) and dates and clock times — `49` may be a minute or part of a SHA."""
    text = re.sub(r"[0-9a-f]{7,40}", " ", text)
    return re.sub(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(:\d{2})?", " ", text)


def test_the_evaluation_check_still_sees_an_evaluated_payload() -> None:
    assert "49" in _without_clock_and_shas("Root cause 49 — commit 2d24491 at 16:49")


@pytest.mark.parametrize("payload", JINJA)
def test_jinja_in_user_text_is_never_evaluated(built: Built, payload: str) -> None:
    pieces, evaluated = JINJA[payload]
    seen = visible(MD.parse(report(built, session_id(PAYLOADS.index(payload)))))
    expected = visible(MD.parse(report(built, BASELINE))).count(PLAIN)
    assert expected >= 40
    for piece in pieces:
        assert seen.count(piece) == expected, piece  # shown wherever it was put
    if evaluated:
        assert evaluated not in _without_clock_and_shas(seen)


def test_plain_payload_text_is_shown_as_typed(built: Built) -> None:
    """Payloads that hold no Markdown syntax of their own read back exactly, in
    every place the baseline's word is (tags are cut at 100 characters)."""
    expected = visible(MD.parse(report(built, BASELINE))).count(PLAIN)
    checked = 0
    for index, payload in enumerate(PAYLOADS):
        if any(mark in payload for mark in ("\n", "&", "|", "*", "_", "`", "[", "#")):
            continue  # Markdown by design: re-flowed, emphasis, entities, code, links
        seen = visible(MD.parse(report(built, session_id(index))))
        assert seen.count(payload) == expected - (len(payload) > 100), payload
        checked += 1
    assert checked >= 5


def test_the_imported_report_keeps_payloads_as_text(built: Built) -> None:
    text = report(built, built.imported)
    tokens = MD.parse(text)
    assert not [t for t in tokens if t.type == "html_block"]
    assert "<script" not in MD.render(text).lower()
    assert unsafe_links(text) == []
    assert "window.__pwned" in visible(tokens)  # kept, as text


# --- the site in a browser --------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built: Built) -> Path:
    """The site built from the journal: needs no browser (the search index is
    checked without one)."""
    env = {"NO_COLOR": "1", "JOURNAL_MERMAID_JS": ""}  # the SVG timeline
    out = built.root.parent / "site"
    result = run_journal("site", "build", "-o", str(out), cwd=built.root, env=env)
    assert result.code == 0, result.err + result.out
    built.site = out
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a browser closing a connection early is not a failure

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Watch:
    """One browser page that records dialogs, console output, page errors and
    requests leaving the site (refused)."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.context = browser.new_context()
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.origin = origin
        # Only requests leaving the site are routed (to be recorded and refused): the
        # pattern is matched on the browser's side, so the site's own requests are
        # not each sent to this process and back.
        self.context.route(re.compile("^(?!" + re.escape(origin) + ")"), self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.console.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin):  # the pattern lets none through: a guard
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def visit(self, url: str) -> dict[str, int]:
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(50)  # let onload/onerror handlers fire
        assert self.page.evaluate("() => window.__pwned") is None, url
        return self.page.evaluate(_STRUCTURE)

    def look(self, url: str) -> Seen:
        """Visit `url` and take everything the browser tests check on a page."""
        structure = self.visit(url)
        found = self.page.evaluate(_ALL)
        return Seen(structure, found["document"], found["timeline"], found["shown"],
                    found["rows"])  # fmt: skip


# Counts of the structural elements of the page's content, outside the free-form
# `Body` section (Markdown kept as written: its own headings, rules and tables are
# allowed), and of anything active anywhere in the content.
_STRUCTURE = """() => {
  const main = document.querySelector('article') || document.body;
  const kept = [];
  let skip = false;
  for (const child of main.children) {
    if (child.tagName === 'H1' || child.tagName === 'H2') {
      skip = child.textContent.replace('\u00b6', '').trim() === 'Body';
    }
    if (!skip) kept.push(child);
  }
  const count = (s) => kept.reduce(
      (n, c) => n + (c.matches(s) ? 1 : 0) + c.querySelectorAll(s).length, 0);
  const all = (s) => main.querySelectorAll(s).length;
  const active = [...main.querySelectorAll('*')].filter(e =>
      [...e.attributes].some(a => a.name.startsWith('on')
          || /^\\s*(javascript|vbscript|data):/i.test(a.value))).length;
  return {h1: count('h1'), h2: count('h2'), h3: count('h3'), h4: count('h4'),
          tables: count('table'), rows: count('tr'), cells: count('td, th'),
          hr: count('hr'), scripts: all('script'), active: active,
          iframes: all('iframe, object, embed, frame, base, meta'),
          styles: all('style'), forms: all('form, textarea, input:not([type=checkbox])')};
}"""


_BELOW_A_PART = ("h3", "h4")
"""Headings a part's text may add: never a title or a part of its own (h1, h2)."""


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _page(base: str, sid: str) -> str:
    return f"{base}sessions/{sid}/"


@dataclass
class Seen:
    """What one visit to a page showed: the structure of its content (`_STRUCTURE`),
    the whole document (`_DOCUMENT`), its SVG timeline (`_TIMELINE`) and the text
    drawn in it, and the rows of its content's tables."""

    structure: dict[str, int]
    document: dict[str, Any]
    timeline: dict[str, int] | None
    shown: str | None
    rows: int


@dataclass
class Visits:
    """Every page of the site visited once in one browser page (`Watch`), what each
    showed by the path it was asked for, and what the browser recorded on all of
    them: dialogs, console output, page errors, requests leaving the site."""

    pages: dict[str, Seen]
    watch: Watch


_EXTRA = ("followups/", "lessons/", "metrics/", "tags/")
"""Pages visited by name besides the site's own pages (a missing one shows up)."""


@pytest.fixture(scope="module")
def visits(browser: Any, served: str, site: Path, built: Built) -> Iterator[Visits]:
    """Each page loaded once, and every check of the browser tests below taken on
    that load: the tests read what the visit saw (loading the same page again for
    each test shows the same page, at three times the cost)."""
    watch = Watch(browser, served)
    try:
        wanted = [_page("", BASELINE)]
        wanted += [_page("", session_id(index)) for index in range(len(PAYLOADS))]
        wanted += [_page("", built.imported), ""]
        wanted += [("" if rel == "." else rel + "/") for rel in _site_pages(site)]
        wanted += _EXTRA
        pages: dict[str, Seen] = {}
        for path in dict.fromkeys(wanted):
            pages[path] = watch.look(served + path)
        yield Visits(pages, watch)
    finally:
        watch.context.close()


def _seen(visits: Visits, sid: str) -> Seen:
    return visits.pages[_page("", sid)]


def _nothing_ran(watch: Watch) -> None:
    assert watch.dialogs == []
    assert [m for m in watch.console if "PWNED" in m] == []
    assert watch.errors == []
    assert watch.outside == []


@pytest.mark.browser
def test_the_site_runs_no_injected_script_and_keeps_every_page(
    visits: Visits,
) -> None:
    baseline = _seen(visits, BASELINE).structure
    assert baseline["tables"] >= 3 and baseline["scripts"] == 0
    assert baseline["active"] == 0 and baseline["iframes"] == 0
    broken = {}
    for index, payload in enumerate(PAYLOADS):
        found = _seen(visits, session_id(index)).structure
        # As in the report: a heading written in a part's text comes out below
        # its part (h3, h4), so those may only grow; all else is the baseline's.
        changed = {
            k: (baseline[k], v)
            for k, v in found.items()
            if (v < baseline[k] if k in _BELOW_A_PART else v != baseline[k])
        }
        if changed:
            broken[payload] = changed
    assert broken == {}
    home = visits.pages[""]
    sessions = len(PAYLOADS) + 2  # the baseline and the imported report
    assert home.structure["active"] == 0 and home.structure["scripts"] == 0
    assert home.rows == sessions
    for other in _EXTRA:
        found = visits.pages[other].structure
        assert found["active"] == 0 and found["scripts"] == 0, other
        assert found["iframes"] == 0 and found["styles"] == 0, other
    _nothing_ran(visits.watch)
    _record(len(PAYLOADS), pages=len(PAYLOADS) + 6)


# The whole document, head and navigation included: what the theme prints around the
# page (its <title>, header, navigation, breadcrumbs, footer links) as well.
_DOCUMENT = """() => {
  const active = [...document.querySelectorAll('*')].filter(e =>
      [...e.attributes].some(a => a.name.startsWith('on')
          || /^\\s*(javascript|vbscript|data):/i.test(a.value))).length;
  const text = (document.querySelector('article') || document.body).innerText;
  return {title: document.title, scripts: document.scripts.length,
          meta_shown: /^(title|hide): /m.test(text),
          inline: [...document.scripts].filter(s => /pwned|alert/i.test(s.text)).length,
          active: active, titles: document.querySelectorAll('title').length
              - document.querySelectorAll('svg title').length,
          frames: document.querySelectorAll('iframe, object, embed').length};
}"""


def _site_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site).parent) for p in site.rglob("index.html"))


@pytest.mark.browser
def test_no_page_runs_a_script_from_its_title_navigation_or_head(
    visits: Visits, site: Path
) -> None:
    """Every page of the site — sessions, months, tags, summaries — in the whole
    document: the <title>, the header and the navigation list the payloads (up to 50
    sessions are listed in every page's navigation) and run none of them."""
    baseline = _seen(visits, BASELINE).document
    assert baseline["inline"] == 0 and baseline["active"] == 0
    pages = _site_pages(site)
    assert len(pages) >= len(PAYLOADS) * 2  # sessions and their tags' pages
    for rel in pages:
        found = visits.pages["" if rel == "." else rel + "/"].document
        assert found["inline"] == 0 and found["active"] == 0, rel
        assert found["frames"] == 0, rel
        assert found["scripts"] == baseline["scripts"], rel
        assert found["titles"] == 1, rel
        assert not found["meta_shown"], f"{rel} shows its front matter as text"
        if rel.startswith("tags/") and rel != "tags":
            assert found["title"].startswith("Tag: "), rel
    for index, payload in enumerate(PAYLOADS):
        title = _seen(visits, session_id(index)).document["title"]
        expected = " ".join(f"Session {index + 10}: {one_line(payload)}".split())
        # The tab shows the title as typed (white space collapsed, as browsers do).
        assert title == f"{expected} - Journal", payload
    _nothing_ran(visits.watch)


# The SVG timeline drawn at build time: its element counts on the baseline's page.
_TIMELINE = """() => {
  const svg = document.querySelector('figure.journal-timeline svg');
  if (!svg) return null;
  return {elements: svg.querySelectorAll('*').length,
          texts: svg.querySelectorAll('text').length,
          marks: svg.querySelectorAll('path').length,
          foreign: svg.querySelectorAll('script, foreignObject, a, image, use, style,'
                                        + ' animate, set, iframe').length,
          figures: document.querySelectorAll('figure.journal-timeline').length};
}"""

# All a visit takes besides the structure, in one call: the document, the timeline,
# the timeline's text (what `locator(...).text_content()` reads) and the rows of the
# content's tables (what `locator("article table tbody tr").count()` counts).
_ALL = f"""() => {{
  const svg = document.querySelector('figure.journal-timeline svg');
  return {{document: ({_DOCUMENT})(), timeline: ({_TIMELINE})(),
          shown: svg ? svg.textContent : null,
          rows: document.querySelectorAll('article table tbody tr').length}};
}}"""


@pytest.mark.browser
def test_every_payload_draws_the_same_svg_timeline(visits: Visits) -> None:
    """Every text in the timeline (the events' kinds and texts) is escaped for SVG:
    no payload adds, removes or breaks out of an element of the chart."""
    baseline = _seen(visits, BASELINE).timeline
    # The four events and the linked commit.
    assert baseline is not None and baseline["marks"] == 5
    assert baseline["foreign"] == 0 and baseline["figures"] == 1
    broken = {}
    for index, payload in enumerate(PAYLOADS):
        seen = _seen(visits, session_id(index))
        if seen.timeline != baseline:
            broken[payload] = seen.timeline
        # Shown as typed (white space collapsed), in a label or its tooltip;
        # a link to javascript: is defanged there as everywhere on the page.
        assert seen.shown is not None, payload
        if "](" not in payload:
            assert " ".join(payload.split())[:30] in seen.shown, payload
    assert broken == {}
    _nothing_ran(visits.watch)


@pytest.mark.browser
def test_searching_the_payloads_runs_none_of_them(browser: Any, served: str) -> None:
    """The search index holds the payloads as text, and the search results show them
    as text: typing a query that finds every payload session runs no script."""
    watch = Watch(browser, served)
    try:
        watch.visit(served)
        box = watch.page.locator("input.md-search__input")
        results = watch.page.locator(".md-search-result__item")
        for _ in range(30):
            box.fill("")
            box.press_sequentially("pwned")
            watch.page.wait_for_timeout(500)
            if results.count():
                break
        assert results.count() >= 10
        watch.page.wait_for_timeout(300)
        assert watch.page.evaluate("() => window.__pwned") is None
        assert watch.page.locator(".md-search-result script").count() == 0
        assert watch.page.locator(".md-search-result img").count() == 0
        assert watch.dialogs == [] and watch.errors == [] and watch.outside == []
    finally:
        watch.context.close()


def test_the_site_search_index_holds_payloads_only_as_text(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text())
    for doc in index["docs"]:
        assert "<script" not in doc["text"].lower(), doc["location"]
        assert "<img" not in doc["text"].lower(), doc["location"]


def places() -> int:
    """In how many places of a session each payload is put: every text of
    session.yaml and of the events, and the linked commit's subject."""

    def leaves(value: Any) -> int:
        if isinstance(value, dict):
            return sum(leaves(k) + leaves(v) for k, v in value.items())
        if isinstance(value, list):
            return sum(leaves(v) for v in value)
        return int(isinstance(value, str) and PLAIN in value)

    return leaves(session_data(PLAIN, 0)) + leaves(events(PLAIN)) + 1


def _record(payloads: int, *, pages: int) -> None:
    record(
        "injection",
        {"payloads": payloads, "pages_checked": pages, "places_per_session": places()},
    )
