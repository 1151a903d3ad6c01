"""`store/yamlnew.py` writes the same bytes as ruamel for every document it writes.

`yamlio.dump_new_document` takes `yamlnew`'s text when it gives one, so a difference
here would change what `journal import` writes. Each test compares the two
writers; the tests of coverage make sure the comparison is not vacuous (the fast
writer must answer for most documents an import makes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.store import yamlnew
from journal.store.yamlio import _styled, dump_new_document, dump_roundtrip

FIXTURES = Path(__file__).parent / "fixtures" / "import"
QUOTED = ("started", "ended")


def ruamel(data: dict[str, Any], quoted: tuple[str, ...] = QUOTED) -> str:
    return dump_roundtrip(_styled(data, quoted))


# Text that reaches the writers' corners: indicators, quotes, `: ` and ` #`, words
# YAML reads as other types, spaces at the ends, unicode, controls, line breaks.
_PIECES = st.sampled_from(
    [
        "a", "word", " ", "  ", ":", ": ", "#", " #", "-", "- ", "?", "'", '"',
        "\\", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`",
        "---", "...", "yes", "no", "on", "off", "true", "False", "null", "~",
        "1", "0x1f", "1.5", "1e3", ".inf", "2025-12-01", "12:30", "<<", "=",
        "é", "☃", "\U0001f600", "\xa0", "\t", "\x85", "\u2028", "\ufeff",
        "\x07", "\r", "\n", "\n\n", "x ", " x",
    ]
)  # fmt: skip
TEXT = st.lists(_PIECES, max_size=8).map("".join)
SCALARS = st.one_of(
    TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
KEYS = st.one_of(st.sampled_from(["title", "started", "ended", "body"]), TEXT)
DOCS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, DOCS, max_size=6))
def test_the_same_bytes_as_ruamel(data: dict[str, Any]) -> None:
    fast = yamlnew.dump(data, QUOTED)
    if fast is not None:
        assert fast == ruamel(data)


@settings(max_examples=500)
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_multi_line_text_as_ruamel_writes_it(lines: list[str]) -> None:
    data = {"title": "t", "body": "\n".join(lines), "items": ["\n".join(lines)]}
    fast = yamlnew.dump(data, QUOTED)
    if fast is not None:
        assert fast == ruamel(data)


def _sessions() -> list[dict[str, Any]]:
    from journal.importer import parse_report

    found = []
    for path in sorted(FIXTURES.rglob("*.md")):
        text = path.read_text("utf-8-sig")
        if text.strip():
            found.append(parse_report(text, source=str(path)).session)
    return found


def test_every_fixture_report_as_ruamel_writes_it() -> None:
    sessions = _sessions()
    written = 0
    for session in sessions:
        fast = yamlnew.dump(session, QUOTED)
        if fast is not None:
            written += 1
            assert fast == ruamel(session), session.get("title")
    # Not vacuous: most of what an import makes is written without ruamel.
    assert len(sessions) >= 20
    assert written >= 0.8 * len(sessions), (written, len(sessions))


def test_what_it_leaves_to_ruamel_still_gets_written() -> None:
    data = {"title": "x", "ratio": 1.5, "when": None, "empty": ""}
    assert yamlnew.dump(data, QUOTED) is None
    assert dump_new_document(data, quoted_keys=QUOTED) == ruamel(data)
    assert "ratio: 1.5\n" in dump_new_document(data, quoted_keys=QUOTED)


def test_the_shapes_an_import_writes() -> None:
    data = {
        "schema": 1,
        "title": "Payment webhook backlog: it's back",
        "started": "2018-10-10T15:30:00+00:00",
        "tags": ["db", "api-gateway"],
        "labels": {"Time to detection (minutes)": 9},
        "sections": [{"title": "Details", "body": "one\n\n  two\n"}],
        "done": True,
        "lessons": [],
    }
    fast = yamlnew.dump(data, QUOTED)
    assert fast == ruamel(data)
    assert fast is not None and 'title: "Payment webhook backlog: it\'s back"' in fast


NUMBERISH = st.text(alphabet="0123456789+-._:eExXoObB ~tTfFnNul<=!&*Zaz", max_size=12)


@settings(max_examples=3000)
@given(st.one_of(NUMBERISH, TEXT))
def test_the_copied_resolver_is_ruamels(text: str) -> None:
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    if not text:
        return
    tag = VersionedResolver().resolve(ScalarNode, text, (True, False))
    assert yamlnew._resolves_as_text(text) == (str(tag) == "tag:yaml.org,2002:str")
