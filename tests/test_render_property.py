"""Property: whatever a user types in any field, the report keeps its structure.

Every text field of a session (every label of `Session.labels` included) gets the
same arbitrary text; parsed back with
markdown-it-py, the report has the same headings, table rows and cells as with plain
text, and no raw `<script` outside code. Section bodies are Markdown kept as written,
so for them the property is that everything outside the section is unchanged and the
body's own headings stay below the section's.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.model.session import (
    Component,
    Criterion,
    Detection,
    Event,
    Fix,
    Impact,
    Lesson,
    NextStep,
    Option,
    Person,
    RootCause,
    Section,
    Session,
    Snippet,
    ValidationStep,
)
from journal.render.labels import DEFAULT_LABELS
from journal.render.report import Renderer, build_context
from journal.store.sessions import Journal

FRAGMENTS = [
    "#",
    "# ",
    "## ",
    "|",
    "\\|",
    "\\",
    "\n",
    "\n\n",
    "`",
    "``",
    "```",
    "~~~",
    "    ",
    "\t",
    "-",
    "- ",
    "---",
    "===",
    "*",
    "**",
    "_",
    "> ",
    "1. ",
    "1) ",
    "[",
    "]",
    "(",
    ")",
    "[x]: /u",
    "<",
    ">",
    "<script>",
    "</script>",
    "<br>",
    "<div>",
    "<!--",
    "-->",
    "<https://x.y>",
    "&lt;",
    "&amp;",
    ":",
    ":-",
    "|---|",
    " | ",
    "a",
    "b c",
    "é",
    "😀",
    "\u2028",
    "\r\n",
    "\r",
    "<b>x</b>",
    "javascript:",
    "![i](x)",
    "[l](u)",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), min_size=1, max_size=12
).map("".join)
AT = datetime(2025, 11, 4, 1, 0, tzinfo=UTC)

MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def session_with(text: str, body: str) -> Session:
    """A session with every text field set to `text` (section bodies to `body`)."""
    snippet = Snippet(code=text, lang="python", caption=text)
    return Session(
        title=text,
        number=8,
        status=text,
        severity=text,
        started=AT,
        ended=AT,
        tags=[text, text],
        people=[Person(name=text, role=text)],
        methodology=text,
        summary=text,
        detection=Detection(summary=text, snippets=[snippet]),
        root_cause=RootCause(
            summary=text,
            location=text,
            trigger=text,
            evidence=[text, text],
            snippets=[snippet],
        ),
        options=[
            Option(title=text, pros=[text, text], cons=[text], decision=d, why=text)
            for d in ("chosen", "rejected", "deferred")
        ],
        fix=Fix(summary=text, rationale=[text, text], snippets=[snippet]),
        impact=Impact(
            summary=text,
            symptoms=[text],
            affected=[text],
            restored=[text],
            numbers={text: text, f"{text} n": 1},  # two keys, whatever the text
        ),
        components=[Component(name=text, state=text, note=text)],
        validation=[ValidationStep(title=text, command=text, cwd=text, expect=text)],
        success_criteria=[
            Criterion(text=text, group=text),
            Criterion(text=text, done=True),
        ],
        next_steps=[
            NextStep(
                text=text,
                horizon=h,
                owner=text,
                due=date(2025, 11, 5),
                tracked_in=text,
                carried_from=text,
            )
            for h in ("immediate", "short", "long")
        ],
        lessons=[
            Lesson(title=text, kind="lucky", detail=text, prevention=text),
            Lesson(title=text, detail=text),
        ],
        sections=[Section(title="Body", body=body), Section(title=text, body="x")],
        labels=dict.fromkeys(DEFAULT_LABELS, text),
    )


def events_with(text: str) -> list[Event]:
    return [
        Event(at=AT, kind=text, text=text, star=True, by=text, original=text),
        Event(at=AT, kind="commit", text=text, sha=text, by=text),
        Event(
            at=AT,
            kind="verify",
            text=text,
            command=text,
            exit_code=1,
            duration_s=2.0,
            evidence=[text],
        ),
    ]


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> Renderer:
    root: Path = tmp_path_factory.mktemp("journal")
    (root / "journal.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    return Renderer(Journal.open(root))


@pytest.fixture(scope="module")
def plain(renderer: Renderer) -> dict[str, Any]:
    """The shape of the report of plain text: the same for every example (its
    context is made of constants), so made once, not once an example."""
    return shape(MD.parse(render(renderer, "plain text")))


@pytest.fixture(scope="module")
def plain_outside(renderer: Renderer) -> dict[str, Any]:
    """The shape outside the Body section of the report with a plain body."""
    return shape(_outside_section(MD.parse(render(renderer, "p")), "Body")[0])


def render(renderer: Renderer, text: str, body: str = "plain") -> str:
    session = session_with(text, body)
    context = build_context(
        session_id="2025-11-04-x",
        session=session,
        events=events_with(text),
        tz=UTC,
        tz_name="UTC",
        source="sessions/2025-11-04-x/",
        previous=None,
        following=[],
        ascii=False,
        commit_url=lambda sha: None,
    )
    return renderer.render_context(context)


def shape(tokens: list[Any]) -> dict[str, Any]:
    return {
        "headings": [t.tag for t in tokens if t.type == "heading_open"],
        "rows": sum(1 for t in tokens if t.type == "tr_open"),
        "cells": sum(1 for t in tokens if t.type in ("th_open", "td_open")),
        "rules": sum(1 for t in tokens if t.type == "hr"),
        "tables": sum(1 for t in tokens if t.type == "table_open"),
    }


def assert_no_raw_html(tokens: list[Any]) -> None:
    """No raw HTML in the report `tokens` (`MD.parse` of it) and no `<script` in the
    HTML they render to (what `MD.render` of the report gives, without parsing the
    report a second time)."""
    html = MD.renderer.render(tokens, MD.options, {})
    assert "<script" not in html.lower()
    for token in tokens:
        assert token.type != "html_block", token
        for child in token.children or []:
            if child.type == "html_inline":
                assert child.content == "<br>", child.content


FAST = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(text=TEXT)
def test_any_text_in_any_field_keeps_the_report_structure(
    renderer: Renderer, plain: dict[str, Any], text: str
) -> None:
    assume(text.strip())
    plain = dict(plain)  # its headings are popped below
    report = render(renderer, text)
    tokens = MD.parse(report)
    found = shape(tokens)
    # The title and the parts (h1, h2), tables, rows and rules are the template's
    # alone; a heading written in a part's text comes out below the part (h3–h6),
    # and the template's own sub-headings are all still there.
    top = ("h1", "h2")
    assert [h for h in found.pop("headings") if h in top] == [
        h for h in plain["headings"] if h in top
    ]
    below = Counter(h for h in shape(tokens)["headings"] if h not in top)
    assert below >= Counter(h for h in plain.pop("headings") if h not in top)
    assert found == plain
    assert_no_raw_html(tokens)
    assert "\r" not in report


def _outside_section(tokens: list[Any], title: str) -> tuple[list[Any], list[Any]]:
    """The tokens outside the `## title` section, and those inside it."""
    outside: list[Any] = []
    inside: list[Any] = []
    in_section = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            in_section = tokens[index + 1].content == title
        if in_section and not (
            token.type == "heading_open" and tokens[index + 1].content == title
        ):
            inside.append(token)
        else:
            outside.append(token)
    return outside, inside


@FAST
@given(body=TEXT)
def test_a_section_body_stays_inside_its_section(
    renderer: Renderer, plain_outside: dict[str, Any], body: str
) -> None:
    assume(body.strip())
    report = render(renderer, "p", body)
    tokens = MD.parse(report)
    outside, inside = _outside_section(tokens, "Body")
    assert shape(outside) == plain_outside
    assert all(t.tag not in ("h1", "h2") for t in inside if t.type == "heading_open")
    assert_no_raw_html(tokens)
