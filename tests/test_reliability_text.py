"""Text fidelity: whatever Unicode a person types is stored and read back exactly.

Property tests through `log` (the timeline's JSON lines), `set` (ruamel round trip,
read back by PyYAML) and the report renderer, with the characters that break JSON
lines read as YAML (U+2028, U+2029, U+0085, a BOM, C0/C1 controls; see
ECOSYSTEM.md), emoji and ZWJ sequences, CJK, right-to-left text and bidi controls.
Lone surrogates (bytes the terminal could not decode) are refused where they enter;
undecodable bytes in imported files are reported and never written half-decoded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count, pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.errors import JournalError
from journal.store.sessions import Journal
from tests.conftest import Cli, snapshot

TRICKY = [
    "\u2028", "\u2029", "\x85", "\ufeff", "\x00", "\x01", "\x07", "\x1b", "\x7f",
    "\x80", "\x9f", "\xa0", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1e",
    "\ufffe", "\uffff", "\ufffd", "\U0010ffff", "😀", "👩‍💻", "🇩🇪", "👍🏽", "中文",
    "日本語の", "한국어", "العربية", "עברית", "\u200e", "\u200f", "\u202e", "\u2066",
    "e\u0301", "\u200b", "\u00ad", '"', "\\", "\\u2028", "'", "- ", "#", ": ", "{",
    "}", "[", "]", "&", "*", "!", "|", ">", "%", "@", "`", "---", "...", "~", "null",
    "  ", "\\n",
]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.text(max_size=6)), min_size=1, max_size=10
).map("".join)
EXAMPLES = int(os.environ.get("TEXT_EXAMPLES", "200"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BASE = datetime(2025, 11, 4, 1, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    from journal.operations.scaffold import init_journal
    from journal.operations.session_edits import create_session

    root = tmp_path_factory.mktemp("text") / "repo"
    root.mkdir()
    init_journal(root, sessions_dir="sessions")
    opened = Journal.open(root)
    create_session(opened, "Text fidelity", at="2025-11-04T01:00Z", activate=False)
    yield opened


SID = "2025-11-04-text-fidelity"
_TICK = count(1)


def _stored_lines(journal: Journal) -> list[str]:
    return journal.timeline_path(SID).read_text("utf-8").split("\n")


@PROPERTY
@given(text=TEXT)
def test_log_stores_any_text_exactly_one_event_per_line(
    journal: Journal, text: str
) -> None:
    from journal.operations.log import log_event

    assume(text.strip())
    at = (BASE + timedelta(seconds=next(_TICK))).isoformat()
    logged = log_event(journal, text, session=SID, at=at, redact=False)
    assert logged.event["text"] == text.strip()  # logging trims the ends, only that
    events = journal.events(SID)
    assert events[-1].text == text.strip()
    assert events[-1].at.isoformat() == at
    raw = journal.timeline_path(SID).read_text("utf-8")
    lines = raw.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(events)
    # One event per line for every line-splitting tool: no raw U+2028 and friends.
    assert raw.splitlines() == lines[:-1]
    last = lines[-2]
    assert last.startswith('- {"at": ')
    assert json.loads(last[2:])["text"] == text.strip()


# Each example re-reads the whole, growing file with four loaders (two pure Python):
# fewer examples, each adding several texts.
@settings(PROPERTY, max_examples=max(1, EXAMPLES // 8))
@given(texts=st.lists(TEXT, min_size=1, max_size=8))
def test_the_whole_timeline_is_plain_yaml_for_every_loader(
    journal: Journal, texts: list[str]
) -> None:
    """Every tricky character logged into a session of its own, then any texts: the
    file, read as one YAML document by each loader, gives exactly the events
    `Journal.events` gives (and so does plain JSON)."""
    from ruamel.yaml import YAML

    from journal.operations.log import log_event

    sid = _whole_timeline_session(journal)
    for text in [t for t in texts if t.strip()]:
        at = (BASE + timedelta(seconds=next(_TICK))).isoformat()
        log_event(journal, text, session=sid, at=at, redact=False)
    text = journal.timeline_path(sid).read_text("utf-8")
    expected = [json.loads(line[2:]) for line in text.splitlines()]
    assert len(expected) == len(journal.events(sid)) >= len(TRICKY)
    assert yaml.load(text, Loader=yaml.CSafeLoader) == expected
    assert yaml.load(text, Loader=yaml.SafeLoader) == expected
    assert YAML(typ="safe", pure=True).load(text) == expected
    assert YAML().load(text) == expected


def _whole_timeline_session(journal: Journal) -> str:
    """A session holding one event per tricky character (made once per journal)."""
    from journal.operations.log import log_event
    from journal.operations.session_edits import create_session

    sid = "2025-11-04-whole-timeline"
    if not journal.session_path(sid).exists():
        create_session(
            journal, "Whole timeline", at="2025-11-04T01:00Z", activate=False
        )
        for piece in TRICKY:
            at = (BASE + timedelta(seconds=next(_TICK))).isoformat()
            log_event(journal, f"a{piece}b", session=sid, at=at, redact=False)
    return sid


def _expected_from_set(raw: str) -> str:
    # A multi-line value is stored as a `|` block, which ends in a newline.
    return raw if "\n" not in raw or raw.endswith("\n") else raw + "\n"


@PROPERTY
@given(text=TEXT)
def test_set_stores_any_text_exactly_and_later_edits_keep_it(
    journal: Journal, text: str
) -> None:
    from journal.operations.session_edits import set_field

    assume(text not in ("null", "~"))
    set_field(journal, SID, "summary", text, redact=False)
    assert journal.load(SID).summary == _expected_from_set(text)
    # Another edit round-trips the document through ruamel: the text must survive.
    set_field(journal, SID, "methodology", f"edit {next(_TICK)}", redact=False)
    assert journal.load(SID).summary == _expected_from_set(text)
    stored = journal.session_path(SID).read_text("utf-8")
    assert yaml.load(stored, Loader=yaml.SafeLoader)["summary"] == _expected_from_set(
        text
    )


@PROPERTY
@given(title=TEXT)
def test_a_title_is_stored_exactly(journal: Journal, title: str) -> None:
    from journal.operations.session_edits import set_field

    assume(title.strip() and title not in ("null", "~") and "\n" not in title)
    assume(len(title) <= 2000)
    set_field(journal, SID, "title", title, redact=False)
    assert journal.load(SID).title == title


# --- the renderers ------------------------------------------------------------------

# Text whose every character a Markdown reader shows as itself: no ASCII punctuation
# (Markdown syntax, escaped by the renderer and shown the same), no line breaks (the
# renderer turns them into <br> or spaces by design), no NUL (CommonMark replaces it).
_NOT_SHOWN_AS_IS = set("\x00\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029 ")


def _shown_as_is(piece: str) -> bool:
    return not any(
        c in _NOT_SHOWN_AS_IS or (0x21 <= ord(c) <= 0x7E and not c.isalnum())
        for c in piece
    )


SHOWN = st.lists(
    st.one_of(
        st.sampled_from([t for t in TRICKY if _shown_as_is(t)]),
        st.text(
            alphabet=st.characters(
                exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"),
                exclude_characters="!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
            ),
            min_size=1,
            max_size=6,
        ),
    ),
    min_size=1,
    max_size=6,
).map(" ".join)

MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def _shown_texts(markdown: str) -> list[tuple[str, str]]:
    """(where, what a reader sees) for each inline run: the opening token's type
    (heading_open, paragraph_open, td_open…), then text children, breaks as spaces."""
    shown = []
    tokens = MD.parse(markdown)
    for before, token in pairwise(tokens):
        if token.type == "inline":
            parts = [
                c.content if c.type in ("text", "code_inline") else " "
                for c in token.children or []
                if c.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            shown.append((before.type, "".join(parts)))
    return shown


@PROPERTY
@given(text=SHOWN)
def test_reports_show_any_text_as_typed(journal: Journal, text: str) -> None:
    from journal.operations.log import log_event
    from journal.operations.session_edits import set_field
    from journal.render.report import Renderer

    assume(text.strip() == text and text not in ("null", "~"))
    sid = _reports_session(journal)
    set_field(journal, sid, "summary", text, redact=False)
    set_field(journal, sid, "title", text, redact=False)
    at = (BASE + timedelta(seconds=next(_TICK))).isoformat()
    log_event(journal, text, session=sid, at=at, redact=False)
    shown = _shown_texts(Renderer(journal).render(sid))
    assert ("heading_open", text) in shown  # the title
    assert ("paragraph_open", text) in shown  # the summary
    assert ("td_open", text) in shown  # the event, in the timeline table


def _reports_session(journal: Journal) -> str:
    """The session the report property renders (made once per journal): its own,
    holding every earlier example's text, so that each example renders what this
    test logged, not also the hundreds of events the other tests of the module
    left in `SID` on the same worker (how many depended on which worker ran what)."""
    from journal.operations.session_edits import create_session

    sid = "2025-11-04-reports-show-text"
    if not journal.session_path(sid).exists():
        create_session(
            journal, "Reports show text", at="2025-11-04T01:00Z", activate=False
        )
    return sid


# --- lone surrogates and undecodable bytes ------------------------------------------

SURROGATE = "caf\udce9 au lait"  # what Python makes of b"caf\xe9" with surrogateescape


def test_lone_surrogates_are_refused_where_they_enter(journal: Journal) -> None:
    from journal.operations.log import log_event
    from journal.operations.session_edits import add_item, create_session, set_field

    before = snapshot(journal.root)
    attempts: list[Any] = [
        lambda: log_event(journal, SURROGATE, session=SID),
        lambda: set_field(journal, SID, "summary", SURROGATE),
        lambda: set_field(journal, SID, "tags", f"[{SURROGATE}]"),
        lambda: create_session(journal, SURROGATE, activate=False),
        lambda: add_item(journal, SID, "lessons", {"title": SURROGATE}),
        lambda: add_item(journal, SID, "options", {"title": "x", "pros": [SURROGATE]}),
    ]
    for attempt in attempts:
        with pytest.raises(JournalError) as caught:
            attempt()
        assert "not valid UTF-8" in caught.value.message
        assert "LANG" in (caught.value.hint or "")
    assert snapshot(journal.root) == before


def test_undecodable_arguments_are_refused_through_the_cli(
    cli: Cli, session_id: str
) -> None:
    before = snapshot(cli.root)
    for args in (
        ("log", b"caf\xe9"),
        ("set", "summary", b"caf\xe9"),
        ("new", b"\xff\xfe title"),
        ("lesson", "add", b"caf\xe9"),
    ):
        result = _run_bytes(cli.root, args)
        assert result[0] in (1, 2), result
        lines = result[1].strip().splitlines()
        assert len(lines) == 1 and "not valid UTF-8" in lines[0], result
    assert snapshot(cli.root) == before


def _run_bytes(root: Path, args: tuple[str | bytes, ...]) -> tuple[int, str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "journal", *args], cwd=root, capture_output=True
    )
    return done.returncode, done.stderr.decode("utf-8", "replace")


REPORT = (
    "# Session 12: Café outage 😀\n\n**Date:** 2025-11-06\n\n## Summary\n\n"
    "Mojibake-free text: 中文, العربية, עברית.\n\n## Timeline\n\n"
    "- **01:02** - detected the outage\n- **01:10** - fixed it\n"
).encode()


@settings(max_examples=40, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(REPORT)),
    bad=st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\x80", b"\xed\xa0\x80", b"\xf8"]),
)
def test_undecodable_bytes_in_an_import_are_reported_never_half_written(
    tmp_path_factory: pytest.TempPathFactory, position: int, bad: bytes
) -> None:
    from journal.operations.import_reports import import_reports
    from journal.operations.scaffold import init_journal

    root = tmp_path_factory.mktemp("imp") / "repo"
    root.mkdir()
    init_journal(root, sessions_dir="sessions")
    data = REPORT[:position] + bad + REPORT[position:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    else:  # the insertion happened to complete a character: nothing to report
        assume(False)
    report = root.parent / "report.md"
    report.write_bytes(data)
    journal = Journal.open(root)
    before = snapshot(root)
    (outcome,) = import_reports(journal, [report])
    assert outcome.error is not None
    assert f"{report}:{line}: is not valid UTF-8" in outcome.error
    assert "nothing imported" in outcome.error
    assert snapshot(root) == before
    assert not list((root / "sessions").iterdir())


def test_a_valid_report_with_a_typed_replacement_character_imports(
    cli: Cli, tmp_path: Path
) -> None:
    report = tmp_path / "r.md"
    report.write_bytes(REPORT.replace(b"Caf\xc3\xa9", "Caf\ufffd".encode()))
    cli.ok("import", str(report))
    (folder,) = (cli.root / "sessions").iterdir()
    assert "Caf\ufffd outage 😀" in (folder / "session.yaml").read_text("utf-8")


def test_check_fix_keeps_undecodable_lines_byte_for_byte(
    cli: Cli, session_id: str
) -> None:
    timeline = cli.root / "sessions" / session_id / "timeline.yaml"
    good = '- {"at": "2025-11-04T01:02:00+00:00", "kind": "note", "text": "ok"}\n'
    latin1 = (
        b'- {"at": "2025-11-04T01:03:00+00:00", "kind": "note", "text": "caf\xe9"}\n'
    )
    torn = b'- {"at": "2025-11-04T01:04:00+00:00", "kind": "note", "text": "cut sh'
    timeline.write_bytes(good.encode() + latin1 + torn)
    result = cli("render")
    assert result.code == 1
    assert "timeline.yaml:2: event is not valid UTF-8 (byte 0xe9" in result.err
    cli("check", "--fix")
    fixed = timeline.read_bytes()
    assert fixed.startswith(good.encode() + latin1)  # never rewritten as U+FFFD
    assert "\ufffd" not in fixed.decode("utf-8", "surrogateescape")
    assert fixed.endswith(b'"text": "cut sh"}\n')
