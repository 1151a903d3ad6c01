"""journal.importer on hand-written reports: every timeline shape, every section
name variant, odd files; nothing of the source is lost; it never raises."""

from __future__ import annotations

import functools
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.importer import ImportedReport, parse_report
from journal.importer.labels import (
    HORIZONS,
    LESSON_FIELDS,
    METADATA_KEYS,
    SLOTS,
    classify_heading,
    normalize,
    split_label,
)
from journal.importer.metadata import split_title
from journal.importer.mojibake import repair_mojibake
from journal.model import session as session_model
from tests.structure_counts import word_counts

FIXTURES = Path(__file__).parent / "fixtures" / "import"
ALL = sorted(FIXTURES.glob("*.md"))

_TABLE_COLUMNS = frozenset(
    {
        "time", "timestamp", "when", "date", "date time", "time utc", "event", "events",
        "description", "what", "details", "detail", "action", "actions", "option",
        "options", "approach", "alternative", "pros", "cons", "decision", "verdict",
        "status", "chosen", "owner", "due", "priority", "component", "state", "note",
        "notes", "item", "task", "step", "command", "result", "who", "actor", "by",
    }
)  # fmt: skip


def is_label(text: str) -> bool:
    """Whether the importer reads this text as a label (it is not kept as text)."""
    key = normalize(text)
    return (
        classify_heading(text) is not None
        or any(key in table for table in (HORIZONS, LESSON_FIELDS, METADATA_KEYS))
        or key in _TABLE_COLUMNS
        or any(key in slots for slots in SLOTS.values())
    )


def _read(name: str) -> str:
    # Bytes, not read_text(): CRLF must reach the importer as written.
    return (FIXTURES / name).read_bytes().decode("utf-8")


def _import(name: str, **kwargs: Any) -> ImportedReport:
    return parse_report(_read(name), source=name, **kwargs)


def _times(report: ImportedReport) -> list[str]:
    return [e["at"] for e in report.events if e["kind"] != "commit"]


# --- timeline shapes -------------------------------------------------------------


def test_table_with_time_column_rolls_over_midnight() -> None:
    report = _import("table-timeline.md")
    assert _times(report) == [
        "2024-03-09T23:41:00+00:00",
        "2024-03-09T23:47:00+00:00",
        "2024-03-09T23:52:00+00:00",
        "2024-03-10T00:05:00+00:00",
        "2024-03-10T00:14:00+00:00",
        "2024-03-10T00:23:00+00:00",
    ]
    kinds = [e["kind"] for e in report.events]
    assert kinds == [
        "note", "detected", "investigating", "identified", "mitigated", "resolved",
    ]  # fmt: skip
    # Extra columns stay in the text, named by their header.
    assert (
        report.events[1]["text"] == "Alert fired: checkout p99 above 2 s — Owner: pager"
    )


def test_bold_time_bullets_keep_sub_bullets() -> None:
    report = _import("bold-bullets.md")
    assert _times(report)[0] == "2023-06-14T16:52:00+00:00"
    assert len(report.events) == 6
    investigating = report.events[3]
    assert investigating["kind"] == "investigating"
    assert investigating["text"] == (
        "Investigating why pods still point at the old primary\n"
        "  - Connection strings use the instance address, not the service name"
    )


def test_plain_time_bullets_in_the_heading_timezone() -> None:
    report = _import("plain-bullets.md")
    times = _times(report)
    assert times[0] == "2025-01-20T22:10:00-08:00"
    assert times[-1] == "2025-01-21T00:36:00-08:00", "rolled over midnight"
    assert report.events[1]["kind"] == "detected"


def test_timestamped_headings_take_the_text_below() -> None:
    report = _import("heading-timeline.md")
    assert report.date == date(2018, 10, 10), "the date comes from the headings"
    assert report.date_source == "timeline", "and the session says so"
    assert report.session["date_source"] == "timeline"
    assert report.warnings == ()
    assert _times(report) == [
        "2018-10-10T15:30:00+00:00",
        "2018-10-10T15:42:00+00:00",
        "2018-10-10T16:05:00+00:00",
        "2018-10-10T16:40:00+00:00",
    ]
    assert report.events[1]["text"].startswith("Investigating consumer lag\nConsumers")
    assert [e["kind"] for e in report.events] == [
        "note", "investigating", "deployed", "resolved",
    ]  # fmt: skip


def test_timestamped_paragraphs_one_event_per_line() -> None:
    report = _import("paragraph-timeline.md")
    assert len(report.events) == 5
    assert report.events[0]["text"] == "Certificate rotated by the renewal job."
    assert report.events[3]["kind"] == "identified"
    assert report.events[4]["kind"] == "deployed"


def test_timezone_argument_applies_when_the_report_names_none() -> None:
    report = _import("front-matter.md", timezone="Europe/Berlin")
    assert _times(report)[0] == "2024-08-02T03:00:00+02:00"
    named = _import("table-timeline.md", timezone="Europe/Berlin")
    assert _times(named)[0] == "2024-03-09T23:41:00+00:00", "the heading says UTC"
    utc = _import("crlf.md", timezone="Europe/Berlin")
    assert _times(utc)[0] == "2025-02-11T10:01:00+00:00", "the column says UTC"


def test_unknown_timezone_warns_and_uses_utc() -> None:
    report = _import("front-matter.md", timezone="Mars/Olympus")
    assert _times(report)[0].endswith("+00:00")
    assert any("unknown timezone 'Mars/Olympus'" in w for w in report.warnings)


def test_times_without_any_date_stay_text_with_a_warning() -> None:
    text = "# Blip\n\n## Timeline\n\n- 01:02 - alert fired\n- 01:05 - recovered\n"
    report = parse_report(text, source="blip.md")
    assert report.events == []
    assert report.date is None
    assert report.session["sections"][0]["body"].startswith("- 01:02 - alert fired")
    assert any(
        w.startswith("blip.md:5: timeline times without a date")
        for w in report.warnings
    )


# --- section name variants ---------------------------------------------------------

VARIANTS = {
    "table-timeline.md": {
        "TL;DR": "summary",
        "Timeline (UTC)": "events",
        "Contributing Factors": "root_cause",
        "Action Items": "next_steps",
        "Key Learnings": "lessons",
    },
    "bold-bullets.md": {
        "Summary": "summary",
        "Root Cause": "root_cause",
        "Impact Assessment": "impact",
        "Follow-ups": "next_steps",
        "What went well / poorly": "lessons",
    },
    "plain-bullets.md": {
        "Executive Summary": "summary",
        "Alternatives": "options",
        "Next Steps": "next_steps",
        "Lessons Learned": "lessons",
    },
    "heading-timeline.md": {
        "Discovery Timeline": "events",
        "Verification": "validation",
        "Success Criteria": "success_criteria",
    },
    "paragraph-timeline.md": {
        "Root Cause Analysis": "root_cause",
        "Options Considered": "options",
        "Resolution": "fix",
        "Impact": "impact",
        "Validation Plan": "validation",
    },
}


@pytest.mark.parametrize(
    ("name", "heading", "field"),
    [(n, h, f) for n, variants in VARIANTS.items() for h, f in variants.items()],
)
def test_section_name_variant(name: str, heading: str, field: str) -> None:
    report = _import(name)
    assert report.events if field == "events" else report.session.get(field)
    titles = [s["title"] for s in report.session.get("sections", [])]
    assert heading not in titles, "a recognized section is not also kept as text"


def test_contributing_factors_are_evidence() -> None:
    root = _import("table-timeline.md").session["root_cause"]
    assert len(root["evidence"]) == 3


def test_priorities_give_horizons() -> None:
    steps = _import("table-timeline.md").session["next_steps"]
    assert [(s["horizon"], s["done"]) for s in steps] == [
        ("immediate", False), ("short", True), ("short", False), ("long", False),
    ]  # fmt: skip


def test_follow_up_table_columns() -> None:
    steps = _import("bold-bullets.md").session["next_steps"]
    assert steps[0]["owner"] == "Priya"
    assert steps[0]["due"] == "2023-06-21"
    assert steps[0]["horizon"] == "immediate"
    assert steps[1]["horizon"] == "long"


def test_went_well_and_poorly_give_lesson_kinds() -> None:
    lessons = _import("bold-bullets.md").session["lessons"]
    assert [lesson["kind"] for lesson in lessons] == ["went-well", "went-wrong"]


def test_options_from_headings_and_deferred_from_a_table() -> None:
    headed = _import("plain-bullets.md").session["options"]
    assert [o.get("decision") for o in headed] == ["chosen", "rejected"]
    assert headed[1]["why"] == "it treats the symptom"
    table = _import("paragraph-timeline.md").session["options"]
    assert [o["decision"] for o in table] == ["chosen", "rejected", "deferred"]
    assert table[2]["why"] == "to product review"


def test_header_fields() -> None:
    report = _import("bold-bullets.md")
    assert report.session["number"] == 123
    assert report.session["tags"] == ["database", "postgres", "failover"]
    assert report.session["people"] == [
        {"name": "Priya Raman", "role": "lead"},
        {"name": "Tom Becker", "role": "lead"},
    ]
    assert report.session["root_cause"]["location"] == "api/db/pool.py:42"
    assert report.session["root_cause"]["trigger"].startswith("the volume failure")
    incident = _import("table-timeline.md")
    assert incident.session["number"] == 12
    assert incident.session["severity"] == "high"
    assert incident.session["status"] == "resolved"


def test_checkbox_criteria_done() -> None:
    criteria = _import("heading-timeline.md").session["success_criteria"]
    assert [c["done"] for c in criteria] == [True, True, False]


# --- the report's own wording and times ---------------------------------------------


def test_the_report_wording_becomes_the_session_labels() -> None:
    assert _import("table-timeline.md").session["labels"] == {
        "header.number": "Incident #",
        "summary": "TL;DR",
        "timeline": "Timeline (UTC)",
        "root_cause": "Contributing Factors",
        "next_steps": "Action Items",
        "next_steps.immediate": "P0",
        "next_steps.short": "P1",
        "next_steps.long": "P2",
        "lessons": "Key Learnings",
    }
    bold = _import("bold-bullets.md").session["labels"]
    assert bold["root_cause.location"] == "File"
    assert bold["root_cause.lines"] == "line"
    assert bold["next_steps.text"] == "Action", "the follow-up table's text column"
    assert bold["lessons.went-wrong"] == "What went poorly"
    # Words the report prints anyway are not stored: `Next Steps`, `Immediate`.
    assert _import("crlf.md").session["labels"] == {"summary": "Summary"}


def test_times_the_report_shows_otherwise_keep_the_original() -> None:
    report = _import("plain-bullets.md")
    originals = [e.get("original") for e in report.events]
    assert originals[0] == "22:10 PST" and originals[-1] == "00:36 PST"
    assert not any("original" in e for e in _import("table-timeline.md").events)
    berlin = _import("table-timeline.md", timezone="Europe/Berlin")
    assert berlin.events[0]["original"] == "23:41 UTC", "shown as 00:41 in Berlin"


def test_a_second_wording_for_a_part_stays_with_its_text() -> None:
    text = (
        "# Outage 3: Cache stampede\n\n**Date:** 2024-05-02\n\n"
        "## Impact\n\nCheckout slow.\n\n## Customer Impact\n\nCarts lost.\n\n"
        "## Follow-ups\n\n### P2\n\n- [ ] Add jitter\n\n### P3\n\n- [ ] Blog\n\n"
        "| Task | Assignee | Status |\n|---|---|---|\n| Review TTLs | ana | In review |\n"
    )
    report = parse_report(text)
    assert report.session["impact"]["summary"] == (
        "Checkout slow.\n\n## Customer Impact\n\nCarts lost."
    )
    steps = report.session["next_steps"]
    assert [s["text"] for s in steps] == [
        "Add jitter",
        "P3: Blog",
        "Review TTLs — Status: In review",
    ]
    assert steps[2]["owner"] == "ana"
    assert report.session["labels"] == {
        "header.number": "Outage",
        "next_steps": "Follow-ups",
        "next_steps.long": "P2",
        "next_steps.text": "Task",
        "next_steps.owner": "Assignee",
    }


def test_table_headers_are_the_labels_of_their_columns() -> None:
    text = (
        "# Cache\n\n## Alternatives Considered\n\n"
        "| Approach | Advantages | Drawbacks | Verdict |\n|---|---|---|---|\n"
        "| Add jitter | Cheap | Partial | ✅ |\n\n"
        "## System Status\n\n| Service | Health | Owner |\n|---|---|---|\n"
        "| api | 🔄 degraded | ana |\n"
    )
    report = parse_report(text)
    assert report.session["options"] == [
        {
            "title": "Add jitter",
            "pros": ["Cheap"],
            "cons": ["Partial"],
            "decision": "chosen",
        }
    ]
    assert report.session["components"] == [
        {
            "name": "api",
            "state": "in-progress",
            "note": "Health: 🔄 degraded; Owner: ana",
        }
    ]
    assert report.session["labels"] == {
        "options": "Alternatives Considered",
        "options.title": "Approach",
        "options.pros": "Advantages",
        "options.cons": "Drawbacks",
        "options.decision": "Verdict",
        "components": "System Status",
        "components.name": "Service",
    }


def test_top_level_stamped_headings_are_events() -> None:
    text = "# Blip\n\n## 2018-10-10 15:30\n\nAlert.\n\n## 2018-10-10 15:40\n\nOk.\n"
    report = parse_report(text)
    assert [(e["at"][11:16], e["text"]) for e in report.events] == [
        ("15:30", "Alert."),
        ("15:40", "Ok."),
    ]
    assert "labels" not in report.session


# --- odd files ---------------------------------------------------------------------


def test_front_matter_gives_title_date_tags_and_keeps_the_rest() -> None:
    report = _import("front-matter.md")
    assert report.title == "Nightly backup job skipped two databases"
    assert report.date == date(2024, 8, 2)
    assert report.session["tags"] == ["backups", "cron"]
    front = report.session["sections"][0]
    assert front["title"] == "Front matter"
    assert "customer: internal" in front["body"]
    # Date and tags print as the header's `Date:` and `Tags:`; the report prints
    # no `title` label, so that key stays in the block as written.
    assert "date:" not in front["body"] and "tags:" not in front["body"]
    assert "title: Nightly backup job skipped two databases" in front["body"]


def test_broken_front_matter_is_kept_with_a_warning() -> None:
    report = parse_report("---\ntitle: [unclosed\n---\n\n## Summary\n\nText.\n")
    assert report.session["summary"] == "Text."
    assert "title: [unclosed" in report.session["sections"][0]["body"]
    assert any("front matter is not YAML" in w for w in report.warnings)


def test_setext_headings() -> None:
    report = _import("setext.md")
    assert report.title == "Worker memory leak"
    assert report.session["severity"] == "medium"
    assert len(report.events) == 4
    assert len(report.session["lessons"]) == 2


def test_raw_html_kept_verbatim_with_a_warning() -> None:
    report = _import("raw-html.md")
    assert "<details>" in report.session["summary"]
    assert "<table>" in report.session["impact"]["summary"]
    # With no time to put it on, the report prints the day its folder is named by
    # (the header template): the date line is not kept twice, the banner is.
    assert report.date == date(2025, 5, 5)
    assert report.session["sections"][0]["body"].startswith(
        '<div class="status-banner">'
    )
    assert any("raw HTML kept verbatim" in w for w in report.warnings)


def test_no_sections_keeps_everything_with_a_warning() -> None:
    report = _import("no-sections.md")
    text = _read("no-sections.md").strip()
    assert report.session["sections"] == [{"title": "Details", "body": text}]
    assert report.title == "no sections"
    assert report.warnings == (
        "no-sections.md:1: no recognizable report sections: everything kept as sections",
    )


def test_crlf_reads_like_lf() -> None:
    text = _read("crlf.md")
    # Should a checkout have normalized the fixture's line ends, put them back.
    crlf_text = text if "\r\n" in text else text.replace("\n", "\r\n")
    crlf = parse_report(crlf_text, source="crlf.md")
    lf = parse_report(crlf_text.replace("\r\n", "\n"), source="crlf.md")
    assert crlf == lf
    assert not any("\r" in s for s in _strings([crlf.session, crlf.events]))
    assert crlf.session["status"] == "monitoring"
    assert len(crlf.events) == 3


def test_empty_file() -> None:
    report = _import("empty.md")
    assert report.title == "empty"
    assert report.session == {"title": "empty", "date_source": "undated"}
    assert report.events == []
    assert report.warnings == ("empty.md:1: the report is empty",)
    assert parse_report("").title == "Untitled report"


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_output_fits_the_model(path: Path) -> None:
    report = parse_report(path.read_bytes().decode("utf-8"), source=path.name)
    session_model.to_session(report.session)
    for event in report.events:
        session_model.to_event(event)


# --- nothing lost ------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+|\d+")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BOLD_LABEL = re.compile(r"^(\s*(?:[-*+]|\d+[.)])?\s*)(\*\*[^*]+\*\*:?)")
_MARKERS = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")
_FENCE_INFO = re.compile(r"^(\s*(?:```|~~~))\w+")
_ZONE_AFTER_TIME = re.compile(r"(\d{1,2}:\d{2}\**)\s+(UTC|PST|GMT)\b")
_LINES = re.compile(r"\(lines? (\d)")
_HEADING_NUMBER = re.compile(r"^(?=#)#+\s+\d+[.)]\s")
_FRONT_KEY = re.compile(r"^(?:title|date|tags):")


def _front_matter_end(lines: list[str]) -> int:
    if lines and lines[0] == "---" and "---" in lines[1:]:
        return lines.index("---", 1) + 1
    return 0


def _words(text: str) -> Counter[str]:
    """Words and numbers as a multiset, NFKC and case-folded; dates and clock times
    are left out (a report may show a day's date once for many events)."""
    return word_counts(text)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if isinstance(value, str | int) else []


def _without_labels(text: str) -> str:
    """The source less what the importer reads as structure, not as text: headings
    and `**Label:**`s it recognizes, table header rows, list and checkbox markers,
    fence languages, the `Session 8:` of a title, a zone after a time."""
    lines = text.split("\n")
    kept = []
    front = _front_matter_end(lines)
    for i, line in enumerate(lines):
        if i < front:
            kept.append(_FRONT_KEY.sub("", line))
            continue
        unlabelled = _line_without_labels(
            line, lines[i + 1] if i + 1 < len(lines) else None
        )
        if unlabelled is not None:
            kept.append(unlabelled)
    return "\n".join(kept)


# A line's part of `_without_labels` depends on that line and the next one only: the
# line-loss check, which takes it of a report less each of its lines in turn, works
# each distinct pair out once.
@functools.cache
def _line_without_labels(line: str, following: str | None) -> str | None:
    """`line` less its labels and markers, or None when it is a label heading."""
    heading = _HEADING.match(line)
    underline = following is not None and re.fullmatch(r"\s*(=+|-+)\s*", following)
    if (heading and is_label(heading[1])) or (underline and is_label(line)):
        return None
    if heading and line.startswith("# ") and split_title(heading[1]).number is not None:
        line = "# " + re.sub(r"^#?\s*[A-Za-z]+", "", heading[1])
    if following is not None and re.fullmatch(r"\s*\|[\s|:-]+\|\s*", following):
        line = "|".join(c for c in line.split("|") if not is_label(c))
    label = _BOLD_LABEL.match(line)
    if label and (found := split_label(label[2] + " x")) and is_label(found.name):
        line = line[: label.start(2)] + line[label.end(2) :]
    line = _MARKERS.sub("", _HEADING_NUMBER.sub("", line))
    line = _FENCE_INFO.sub(r"\1", line)
    return _ZONE_AFTER_TIME.sub(r"\1", _LINES.sub(r"(\1", line))


_OWN_TITLES = frozenset({"Details", "Front matter"})
_TYPED = frozenset(
    {"started", "ended", "horizon", "done", "kind",
     "at", "chosen", "state"}
)  # fmt: skip


def _untyped(value: Any) -> Any:
    """The text of the output, without typed fields (a severity read from `CRITICAL`,
    a horizon, a done flag) and the labels (the heading words the source check
    leaves out): those are not the text they came from."""
    if isinstance(value, dict):
        labels = value.get("labels")
        if isinstance(labels, dict):
            # Wordings the source check leaves out are left out here too.
            value = {**value, "labels": [v for v in labels.values() if not is_label(v)]}
        if isinstance(value.get("numbers"), dict):
            # A measure's name is its key: `TTD (min): 15`.
            value = {
                **value,
                "numbers": [f"{k} {v}" for k, v in value["numbers"].items()],
            }
        return {k: _untyped(v) for k, v in value.items() if k not in _TYPED}
    if isinstance(value, list):
        return [_untyped(v) for v in _group_once(value)]
    return value


def _group_once(items: list[Any]) -> list[Any]:
    """A group's name (`### Fix validation` over criteria) counts once, not once
    per item that carries it."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if isinstance(item, dict) and item.get("group") in seen:
            item = {k: v for k, v in item.items() if k != "group"}
        elif isinstance(item, dict) and "group" in item:
            seen.add(item["group"])
        kept.append(item)
    return kept


def _lost(source: str, imported: str) -> Counter[str]:
    """The words of `source` (each as often as it occurs) missing from what
    `imported` (a report's text) was read into."""
    report = parse_report(imported, source="report.md")
    # The titles the importer gives the header's leftovers are its words, not the
    # report's: they must not stand in for a lost line.
    headings = {m[1].strip() for m in _HEADING.finditer(imported)}
    sections = [
        {**s, "title": ""} if s["title"] in _OWN_TITLES - headings else s
        for s in report.session.get("sections", [])
    ]
    # Commit events repeat a commit's line that the report keeps where it was.
    events = [e for e in report.events if e["kind"] != "commit"]
    output = _strings(_untyped([{**report.session, "sections": sections}, events]))
    kept: Counter[str] = Counter()
    for text in output:
        kept += _words_of_a_string(text)
    return _counted_words(source) - kept


# The line-loss check reads a report once for each of its lines: all but a few of the
# strings each reading gives are those of the reading before, and the source is the
# same every time. Counted once each (the Counters are never changed in place: `+=`
# changes `kept`, `-` makes a new one), the 456 readings of the longest fixture
# cost their parsing, not ten times that in counting words again.
@functools.cache
def _words_of_a_string(text: str) -> Counter[str]:
    return _words(text)


@functools.cache
def _counted_words(source: str) -> Counter[str]:
    return _words(_without_labels(source))


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_word_of_the_source_is_kept(path: Path) -> None:
    source, _ = repair_mojibake(path.read_bytes().decode("utf-8"))
    missing = _lost(source, source)
    assert not missing, f"{sum(missing.values())} words lost: {sorted(missing)}"


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_losing_any_one_content_line_fails_the_word_check(path: Path) -> None:
    """Words count as a multiset: a line lost is noticed even when each of its
    words occurs elsewhere. Not checked here: lines whose words all double as this
    report's labels (`### Fix Validation` where `Validation` is a heading), as the
    label exemption leaves those uncounted (the rendered check covers them); and a
    `Status:` line whose status the timeline gives too ("incident resolved"), which
    the import then derives (tests/test_import_resolution.py shows the written
    status is read and wins)."""
    source, _ = repair_mojibake(path.read_bytes().decode("utf-8"))
    counted = _words(_without_labels(source))
    exempt = set(_words(source) - counted)
    lines = source.split("\n")
    checked = 0
    for i in range(len(lines)):
        shorter = "\n".join(lines[:i] + lines[i + 1 :])
        own = counted - _words(_without_labels(shorter))
        if not set(own) - exempt:
            continue  # blank, a label, a date, a marker
        if _status_derived(lines[i], source, shorter):
            continue
        checked += 1
        assert _lost(source, shorter), f"line {i + 1} deleted, yet no word lost"
    assert checked or not source.strip()


def _status_derived(line: str, source: str, shorter: str) -> bool:
    if not re.match(r"\W*status\W*:", line, re.IGNORECASE):
        return False
    status = parse_report(source).session.get("status")
    derived = parse_report(shorter).session.get("status")
    return status is not None and status == derived


def test_the_label_exemption_is_narrow() -> None:
    # Only the label words themselves are exempt: the same words in text count.
    text = "## Root Cause Analysis\n\nThe analysis found the cause.\n"
    assert set(_words(_without_labels(text))) == {"the", "analysis", "found", "cause"}
    checked = exempt = 0
    for path in ALL:
        source = path.read_bytes().decode("utf-8")
        words = _words(source)
        checked += sum(words.values())
        exempt += sum((words - _words(_without_labels(source))).values())
    assert checked > 1000, "the recall test sees real text"
    # What is exempt is structure: section names, field labels, header cells,
    # checkbox and list markers, fence languages, zone names after times.
    assert exempt / checked < 0.12, f"{exempt} of {checked} words exempt as labels"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    report = parse_report(text)
    assert report.title
    assert not any("importer bug" in w for w in report.warnings)


_MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "# Session 1: x",
            "## Timeline",
            "## Next Steps",
            "### Immediate",
            "| Time | Event |",
            "|---|---|",
            "| 01:02 | a |",
            "| x |",
            "- 01:02 - b",
            "- [ ] c",
            "- [x] d",
            "**Date:** 2025-01-02",
            "**Commit:** abc1234",
            "```",
            "```python",
            "---",
            "",
            "<div>",
            "text",
            "1. **e**",
            "   - f",
            "### 2018-10-10 15:30",
            "23:59 UTC — g",
            "## Options Considered",
            "| Option | Pros | Decision |",
            "Title\n=====",
            "> quote",
            "    code",
        ]
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH)
def test_never_raises_on_report_shaped_text(text: str) -> None:
    report = parse_report(text)
    assert not any("importer bug" in w for w in report.warnings), report.warnings
    session_model.to_session(report.session)
    for event in report.events:
        session_model.to_event(event)
