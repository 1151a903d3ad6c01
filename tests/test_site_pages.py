"""Site generation (journal/site/pages.py and friends) on hand-built journals: which
pages exist, what they count, that hostile text stays text on every page, that the
navigation of a large journal stays grouped, and that files are rewritten only when
their content changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.errors import JournalError
from journal.site import charts as mermaid
from journal.site.build import apply_offline, write_derived
from journal.site.pages import generate
from journal.site.summaries import NAV_SESSIONS, count_entries
from journal.store.sessions import Journal
from tests.site_helpers import (
    HOSTILE,
    event,
    new_journal,
    write_session,
)


def _journal(root: Path) -> Journal:
    return Journal.open(root)


def _three(root: Path) -> Journal:
    new_journal(root)
    write_session(
        root,
        "2025-10-30-disk-full",
        number=6,
        severity="high",
        status="resolved",
        started="2025-10-30T10:00:00+00:00",
        tags=["storage"],
        events=[
            event("2025-10-30T10:05:00+00:00", "detected", "Disk full on db-1"),
            event("2025-10-30T10:40:00+00:00", "resolved", "Old WAL files removed"),
        ],
    )
    write_session(
        root,
        "2025-11-03-monitoring",
        number=7,
        severity="medium",
        status="closed",
        started="2025-11-03T23:40:00+00:00",
        tags=["production", "workers"],
        next_steps=[
            {"text": "Restart monitoring", "owner": "rich", "due": "2025-11-05"}
        ],
    )
    write_session(
        root,
        "2025-11-04-mapper-error",
        number=8,
        severity="critical",
        status="validating",
        started="2025-11-04T01:00:00+00:00",
        previous="2025-11-03-monitoring",
        tags=["production"],
        root_cause={"summary": "Organization.schools points at a missing School model"},
        next_steps=[
            {"text": "Implement schools properly", "horizon": "long"},
            {"text": "Already done", "done": True},
        ],
        lessons=[{"title": "Monitoring catches what tests miss", "kind": "went-well"}],
        events=[
            event(
                "2025-11-04T01:02:00+00:00",
                "detected",
                "Repeating mapper errors",
                star=True,
            ),
            event("2025-11-04T01:05:00+00:00", "action", "Applied fix"),
        ],
    )
    return _journal(root)


def _docs(journal: Journal) -> Path:
    return journal.root / ".journal-site" / "docs"


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| 20")]


def test_every_session_and_summary_page_is_written(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    result = generate(journal)
    docs = _docs(journal)
    assert result.sessions == 3
    for rel in (
        "index.md",
        "sessions/index.md",
        "sessions/2025-10.md",
        "sessions/2025-11.md",
        "sessions/2025-11-04-mapper-error.md",
        "followups.md",
        "lessons.md",
        "metrics.md",
        "tags/index.md",
        "tags/production.md",
        "assets/journal.js",
    ):
        assert (docs / rel).is_file(), rel
    home = (docs / "index.md").read_text()
    assert "**3 sessions**" in home
    rows = _table_rows(home)
    assert [r.split("|")[1].strip() for r in rows] == [
        "2025-11-04",
        "2025-11-03",
        "2025-10-30",
    ], "newest first"
    # Resolved 10:40, detected 10:05: time to resolve runs from the detection.
    assert "| 35m |" in rows[2], "time to resolve from journal.insight.metrics"
    assert len(_table_rows((docs / "tags/production.md").read_text())) == 2
    assert len(_table_rows((docs / "sessions/2025-11.md").read_text())) == 2
    page = (docs / "sessions/2025-11-04-mapper-error.md").read_text()
    timeline = page.index("## Timeline")
    assert page.index("<figure class=", timeline) < page.index("| Time (", timeline)
    assert 'fill="#e53935"' in page, "a starred event stands out"
    assert "[Session 7: monitoring](2025-11-03-monitoring.md)" in page
    previous = (docs / "sessions/2025-11-03-monitoring.md").read_text()
    assert "[Session 8: mapper error](2025-11-04-mapper-error.md) →" in previous


def test_followups_lessons_and_metrics_pages(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    generate(journal)
    docs = _docs(journal)
    followups = (docs / "followups.md").read_text()
    assert "Restart monitoring" in followups
    assert "Implement schools properly" in followups
    assert "Already done" not in followups
    overdue = [line for line in followups.splitlines() if "journal-overdue" in line]
    assert len(overdue) == 1 and "Restart monitoring" in overdue[0]
    assert followups.index("Restart monitoring") < followups.index("Implement schools")
    lessons = (docs / "lessons.md").read_text()
    assert "## Went well (1)" in lessons
    assert "(../sessions/" not in lessons and "(sessions/2025-11-04" in lessons
    metrics = (docs / "metrics.md").read_text()
    assert metrics.count("<svg") == 4
    # Each figure says what it is measured from, as in the report and stats.
    assert "| 5m from started | — | — | 35m from detected | — |" in metrics
    assert "critical" in metrics and "<title>Sessions by severity</title>" in metrics


def test_files_are_rewritten_only_when_their_content_changes(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    generate(journal)
    docs = _docs(journal)
    untouched = docs / "sessions/2025-10-30-disk-full.md"
    before = untouched.stat().st_mtime_ns
    again = generate(journal)
    assert again.written == [], "nothing changed, nothing written"
    timeline = journal.root / "sessions/2025-11-04-mapper-error/timeline.yaml"
    with timeline.open("a") as handle:
        handle.write(
            '- {"at": "2025-11-04T01:09:00+00:00", "kind": "note", "text": "Build green"}\n'
        )
    third = generate(journal)
    assert "sessions/2025-11-04-mapper-error.md" in third.written
    assert "sessions/2025-10-30-disk-full.md" not in third.written
    assert untouched.stat().st_mtime_ns == before
    import shutil

    shutil.rmtree(journal.root / "sessions/2025-10-30-disk-full")
    fourth = generate(journal)
    assert "sessions/2025-10-30-disk-full.md" in fourth.removed
    assert "sessions/2025-10.md" in fourth.removed
    assert not (docs / "sessions/2025-10-30-disk-full.md").exists()


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.rows: list[int] = []
        self.widths: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src")]
        if tag == "tr":
            self.rows.append(0)
        if tag in ("td", "th") and self.rows:
            self.rows[-1] += 1
        if tag == "table":
            self.rows = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.widths.append(len(set(self.rows)))


def _html(text: str) -> _Html:
    import markdown

    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    html = markdown.markdown(
        body, extensions=["tables", "attr_list", "pymdownx.superfences"]
    )
    parser = _Html()
    parser.feed(html)
    return parser


def test_hostile_text_stays_text_on_every_page(tmp_path: Path) -> None:
    root = new_journal(tmp_path / "j")
    write_session(
        root,
        "2025-11-05-hostile",
        number=9,
        title=HOSTILE,
        severity="high",
        status="open",
        tags=[HOSTILE, "a|b"],
        summary="<img src=x onerror=alert(1)> | not a cell",
        next_steps=[
            {
                "text": HOSTILE,
                "owner": "<b>x</b>|y",
                "due": "2020-01-01",
                "tracked_in": "javascript:alert(1)",
            }
        ],
        lessons=[{"title": HOSTILE, "detail": "<script>x</script>", "kind": "lucky"}],
        events=[
            event(
                "2025-11-05T10:00:00+00:00",
                "detected",
                HOSTILE + "\nsection x: y; z %% w",
            ),
            event("2025-11-05T10:01:00+00:00", "resolved", "ok"),
        ],
    )
    write_session(root, "2025-11-06-next", previous="2025-11-05-hostile", tags=["a|b"])
    journal = _journal(root)
    generate(journal)
    pages = sorted(_docs(journal).rglob("*.md"))
    assert len(pages) > 8
    for page in pages:
        parsed = _html(page.read_text())
        where = page.relative_to(_docs(journal))
        assert "script" not in parsed.tags and "img" not in parsed.tags, where
        assert not [h for h in parsed.hrefs if h.lower().startswith("javascript")], (
            where
        )
        assert all(w <= 1 for w in parsed.widths), (
            f"{where}: a row lost or gained a cell"
        )
    home = (_docs(journal) / "index.md").read_text()
    assert "&lt;script&gt;" not in home and "&lt;script>" in home  # shown as text
    followups = (_docs(journal) / "followups.md").read_text()
    assert "tracked in `javascript:alert(1)`" in followups


@given(st.text(max_size=200))
def test_mermaid_labels_carry_no_gantt_syntax(text: str) -> None:
    label = mermaid.label(text)
    bare = re.sub(r"#(?:\d+|[a-z]+);", "", label)
    assert not set(bare) & set(':;#%<>"`\n\r'), label
    assert len(re.sub(r"#(?:\d+|[a-z]+);", "x", label)) <= 72


def test_timeline_diagram_lines_start_with_the_time(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    from journal.insight.metrics import compute

    session = journal.load("2025-11-04-mapper-error")
    events = journal.events("2025-11-04-mapper-error")
    source = mermaid.gantt(events, compute(session, events), tz=UTC, tz_name="UTC")
    assert source is not None
    tasks = [
        line.strip()
        for line in source.splitlines()
        if ":" in line and "milestone" in line
    ]
    assert tasks == [
        "01#58;02 detected — Repeating mapper errors :crit, milestone, 2025-11-04 01:02:00, 0s",
        "01#58;05 action — Applied fix :milestone, 2025-11-04 01:05:00, 0s",
    ]
    many = [events[0]] * 100
    assert len(mermaid.chosen_events(many)) == mermaid.MAX_EVENTS


def test_large_journal_navigation_stays_grouped(tmp_path: Path) -> None:
    root = new_journal(tmp_path / "j")
    count = NAV_SESSIONS * 3
    for n in range(count):
        month = 1 + n % 14
        year = 2024 + (month > 12)
        month = (month - 1) % 12 + 1
        write_session(
            root, f"{year}-{month:02d}-{1 + n % 28:02d}-s{n}", number=n, status="open"
        )
    journal = _journal(root)
    result = generate(journal)
    flat = str(result.nav)
    assert "sessions/20" in flat and ".md" in flat
    assert not re.search(r"sessions/\d{4}-\d\d-\d\d-", flat), "no session in the nav"
    assert count_entries(result.nav) <= 7 + 14 + 1, "months, not sessions"
    home = (_docs(journal) / "index.md").read_text()
    assert len(_table_rows(home)) == 100
    assert f"of {count} sessions" in home
    months = sorted((_docs(journal) / "sessions").glob("20??-??.md"))
    assert len(months) == 14
    listed = sum(len(_table_rows(m.read_text())) for m in months)
    assert listed == count


def test_small_journal_lists_sessions_by_month_in_the_nav(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    nav = generate(journal).nav
    sessions = next(item["Sessions"] for item in nav if "Sessions" in item)
    assert {
        "November 2025": [
            "sessions/2025-11-04-mapper-error.md",
            "sessions/2025-11-03-monitoring.md",
        ]
    } in sessions


def test_evidence_is_copied_linked_and_never_active(tmp_path: Path) -> None:
    root = new_journal(tmp_path / "j")
    folder = write_session(
        root,
        "2025-11-05-evidence",
        events=[
            event(
                "2025-11-05T10:00:00+00:00",
                "note",
                "Screens",
                evidence=[
                    "evidence/graph.png",
                    "evidence/page.html",
                    "../../etc/passwd",
                ],
            )
        ],
    )
    (folder / "evidence").mkdir()
    (folder / "evidence/graph.png").write_bytes(b"\x89PNG fake")
    (folder / "evidence/page.html").write_text("<script>alert(1)</script>")
    (folder / "evidence/extra log.txt").write_text("tail")
    journal = _journal(root)
    generate(journal)
    docs = _docs(journal)
    copied = sorted(p.name for p in (docs / "evidence/2025-11-05-evidence").iterdir())
    assert copied == ["extra log.txt", "graph.png", "page.html.txt"]
    page = (docs / "sessions/2025-11-05-evidence.md").read_text()
    assert "![graph.png](../evidence/2025-11-05-evidence/graph.png)" in page
    assert "(../evidence/2025-11-05-evidence/page.html.txt)" in page
    assert "(../evidence/2025-11-05-evidence/extra%20log.txt)" in page
    assert "`../../etc/passwd` (not in evidence/)" in page


def test_the_timeline_is_svg_unless_a_local_mermaid_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOURNAL_MERMAID_JS", raising=False)
    journal = _three(tmp_path / "j")
    # An npm install of Mermaid in the journal is no longer picked up by itself.
    npm = journal.root / "node_modules/mermaid/dist/mermaid.min.js"
    npm.parent.mkdir(parents=True)
    npm.write_text("/* mermaid */")
    page_path = _docs(journal) / "sessions/2025-11-04-mapper-error.md"
    for offline in (True, False):
        result = generate(journal, offline=offline)
        assert result.mermaid is None
        page = page_path.read_text()
        assert "```mermaid" not in page and "<svg " in page
        assert not (_docs(journal) / "assets/javascripts/mermaid.min.js").exists()
        shim = _docs(journal) / "assets/javascripts/iframe-worker-shim.js"
        assert shim.is_file() == offline
    monkeypatch.setenv("JOURNAL_MERMAID_JS", str(npm))
    result = generate(journal)
    assert result.mermaid == npm
    assert (
        "```mermaid" in page_path.read_text() and "<svg " not in page_path.read_text()
    )
    assert (_docs(journal) / "assets/javascripts/mermaid.min.js").is_file()


def test_a_named_mermaid_copy_that_is_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNAL_MERMAID_JS", str(tmp_path / "nope.js"))
    journal = _three(tmp_path / "j")
    with pytest.raises(JournalError, match="JOURNAL_MERMAID_JS") as info:
        generate(journal)
    assert "npm install" in (info.value.hint or "")


def test_docs_dir_is_never_a_folder_of_someone_else(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    docs = _docs(journal)
    docs.mkdir(parents=True)
    (docs / "notes.md").write_text("mine")
    with pytest.raises(JournalError, match="did not generate"):
        generate(journal)
    assert (docs / "notes.md").read_text() == "mine"
    (journal.root / "journal.yaml").write_text("site: {docs_dir: sessions}\n")
    with pytest.raises(JournalError, match="overlaps"):
        generate(_journal(journal.root))


def test_a_file_put_into_the_generated_folder_is_never_removed(
    tmp_path: Path,
) -> None:
    journal = _three(tmp_path / "j")
    generate(journal)
    docs = _docs(journal)
    (docs / "sessions" / "mine.md").write_text("my page")
    with pytest.raises(JournalError, match=r"did not generate \(sessions/mine.md\)"):
        generate(journal)
    assert (docs / "sessions" / "mine.md").read_text() == "my page"
    (docs / "sessions" / "mine.md").unlink()
    # Files of the last generation that this one no longer writes are removed.
    (journal.sessions_dir / "2025-11-03-monitoring").rename(
        journal.sessions_dir / "2025-11-03-monitoring-renamed"
    )
    result = generate(_journal(journal.root))
    assert "sessions/2025-11-03-monitoring.md" in result.removed
    assert (docs / "sessions/2025-11-03-monitoring-renamed.md").is_file()


def test_offline_profile_changes(tmp_path: Path) -> None:
    data = {
        "theme": {
            "name": "material",
            "features": ["navigation.instant", "search.suggest"],
        },
        "plugins": ["search", {"tags": {}}],
        "extra_javascript": ["https://cdn.example.com/x.js", "assets/local.js"],
    }
    warnings = apply_offline(data)
    assert data["plugins"] == ["search", {"tags": {}}, "offline"]
    assert data["theme"] == {
        "name": "material",
        "features": ["search.suggest"],
        "font": False,
    }
    assert data["extra"] == {"polyfills": ["assets/javascripts/iframe-worker-shim.js"]}
    assert data["extra_javascript"] == ["assets/local.js"]
    assert data["use_directory_urls"] is False
    assert warnings and "cdn.example.com" in warnings[0]
    assert apply_offline({"theme": "material"}) == []


def test_derived_config_leaves_the_users_file_alone(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    source = journal.root / "mkdocs.yml"
    source.write_text(source.read_text() + "hooks: [hooks/x.py]\n")
    before = source.read_text()
    derived = write_derived(
        source,
        journal.root / ".journal-site/mkdocs.yml",
        docs_dir=journal.root / ".journal-site/docs",
        site_dir=journal.root / "site",
        nav=[{"Home": "index.md"}],
        mermaid=True,
        offline=False,
    )
    assert source.read_text() == before
    text = derived.path.read_text()
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text
    assert f"- {journal.root / 'hooks/x.py'}" in text
    assert "- Home: index.md" in text
    assert "assets/javascripts/mermaid.min.js" in text
    # Relative to the derived file, which is how every builder resolves them.
    assert "docs_dir: docs\n" in text and "site_dir: ../site\n" in text


def test_generation_time_is_recorded(tmp_path: Path) -> None:
    journal = _three(tmp_path / "j")
    started = datetime.now(UTC)
    result = generate(journal)
    assert 0 < result.seconds < (datetime.now(UTC) - started).total_seconds() + 0.01


def test_the_timeline_diagram_draws_each_phase_from_its_origin() -> None:
    from journal.insight.metrics import compute
    from journal.model.session import Session, to_event
    from journal.site.charts import gantt

    session = Session(
        title="Checkout API 500s",
        started=datetime(2025, 11, 4, 14, 41, tzinfo=UTC),
        ended=datetime(2025, 11, 4, 14, 41, tzinfo=UTC),
    )
    events = [
        to_event({"at": f"2025-11-04T{at}:00+00:00", "kind": kind, "text": kind})
        for kind, at in [
            ("detected", "14:21"),
            ("mitigated", "14:36"),
            ("resolved", "14:41"),
        ]
    ]
    source = gantt(events, compute(session, events), tz=UTC, tz_name="UTC")
    assert source is not None
    phases = source.split("section Phases\n", 1)[1].split("    section Events", 1)[0]
    assert phases.splitlines() == [
        "    Time to mitigate 15m from detected :done, "
        "2025-11-04 14:21:00, 2025-11-04 14:36:00",
        "    Time to resolve 20m from detected :done, "
        "2025-11-04 14:21:00, 2025-11-04 14:41:00",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "</text></svg></figure><script>alert(1)</script>",
        "a & b \"quoted\" 'single' ](javascript:alert(1)) [x]",
        "two\n\nparagraphs <!-- and a comment",
        "x" * 300,
    ],
)
def test_the_svg_timeline_holds_any_text_as_text(text: str) -> None:
    import xml.etree.ElementTree as ET

    from journal.insight.metrics import compute
    from journal.model.session import Session, to_event
    from journal.site.charts import timeline_svg

    session = Session(title="t", started=datetime(2025, 11, 4, 14, 0, tzinfo=UTC))
    events = [
        to_event({"at": "2025-11-04T14:05:00+00:00", "kind": "detected", "text": text}),
        to_event(
            {"at": "2025-11-04T14:35:00+00:00", "kind": "resolved", "text": text,
             "star": True}
        ),
    ]  # fmt: skip
    figure = timeline_svg(events, compute(session, events), tz=UTC, tz_name=text)
    assert figure is not None
    # One line: a blank line would end the raw HTML block in the Markdown page.
    assert "\n" not in figure and "](" not in figure
    root = ET.fromstring(figure)  # well-formed: no text closed an element early
    names = {el.tag.rpartition("}")[2] for el in root.iter()}
    assert names <= {"figure", "svg", "title", "text", "line", "rect", "path",
                     "figcaption"}  # fmt: skip
    flat = " ".join(text.split())
    tooltips = [
        "".join(el.itertext()) for el in root.iter() if el.tag.endswith("title")
    ]
    assert any(t.endswith(f"resolved — {flat}") for t in tooltips), tooltips
    assert sum(1 for el in root.iter() if el.tag.endswith("path")) == 2


@given(st.text(alphabet=st.sampled_from([*"ab []()&<>\"'é\n;#"]), max_size=30))
def test_chart_text_is_escaped_with_its_brackets(text: str) -> None:
    import html

    from journal.site.charts import escape

    escaped = escape(text)
    assert html.unescape(escaped) == text
    assert not set("[]<>\"'") & set(escaped)
    # The entities the pages have always held (their digests stay the same).
    table = str.maketrans({"[": "&#91;", "]": "&#93;"})
    assert escaped == html.escape(text, quote=True).translate(table)


def test_undated_sessions_have_a_month_of_their_own_named_undated(
    tmp_path: Path,
) -> None:
    """An import that finds no date makes a folder dated 0001-01-01: the site
    groups those as "Undated", after every year, never as a month "1-01"."""
    root = new_journal(tmp_path / "j")
    for n in range(NAV_SESSIONS + 1):
        write_session(root, f"2025-{1 + n % 12:02d}-01-s{n}", status="open")
    write_session(root, "0001-01-01-old-outage", status="open")
    journal = _journal(root)
    nav = generate(journal).nav
    sessions = next(item["Sessions"] for item in nav if "Sessions" in item)
    assert sessions[-1] == {"Undated": "sessions/0000-00.md"}
    assert "1-01" not in str(nav) and "0001" not in str(nav)
    archive = (_docs(journal) / "sessions" / "index.md").read_text()
    assert archive.index("## 2025") < archive.index("## Undated")
    assert "- [Undated](0000-00.md) — 1 session" in archive
    month = (_docs(journal) / "sessions" / "0000-00.md").read_text()
    assert "\n# Undated\n\n1 session.\n" in month
    assert "old outage" in month
