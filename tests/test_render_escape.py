"""Markdown escaping by context (journal/render/escape.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from journal.render import escape

MD = MarkdownIt("commonmark", {"html": True}).enable("table")


def test_cell_escapes_pipes_and_turns_newlines_into_br() -> None:
    assert escape.cell("a | b\nc") == "a \\| b<br>c"
    assert escape.cell("`x | y`") == "`x \\| y`"


def test_raw_html_shows_as_text_but_emphasis_and_comparisons_stay() -> None:
    assert escape.inline("<script>alert(1)</script>") == (
        "&lt;script>alert(1)&lt;/script>"
    )
    assert escape.inline("**bold** and _it_ and a < b") == "**bold** and _it_ and a < b"
    assert escape.inline("`<b>` in code") == "`<b>` in code"


def test_unmatched_backticks_cannot_pair_with_the_template() -> None:
    assert escape.inline("it`s") == "it\\`s"


def test_text_that_opens_a_list_item_cannot_start_a_block() -> None:
    assert escape.inline("# not a heading") == "\\# not a heading"
    assert escape.inline("- not a list") == "\\- not a list"
    assert escape.inline("2. not a list") == "2\\. not a list"
    assert escape.inline("**") == "\\*\\*"
    assert escape.inline("C#") == "C#"
    assert escape.inline("ends with #") == "ends with \\#"


def test_block_keeps_markdown_but_not_structure() -> None:
    text = "# Title\nPara with **bold**\n---\n\n- item\n\n| a | b |\n|---|---|\n<div>x</div>"
    out = escape.block(text)
    types = {t.type for t in MD.parse(out)}
    assert "heading_open" not in types and "table_open" not in types
    assert "hr" not in types and "html_block" not in types
    assert "bullet_list_open" in types and "**bold**" in out


def test_block_closes_a_fence_left_open() -> None:
    out = escape.block("before\n```python\nprint('<b>')")
    assert out == "before\n```python\nprint('<b>')\n```"


def test_block_keeps_code_verbatim() -> None:
    text = "```\n# not escaped <b>\n```\n\n    indented <i>"
    assert escape.block(text) == text


def test_section_keeps_headings_below_the_section_and_tables() -> None:
    out = escape.section("# Top\n\n## Sub\n\n#### Deep\n\nSetext\n===\n\n| a |\n|---|")
    headings = [t.tag for t in MD.parse(out) if t.type == "heading_open"]
    # Each heading stays under the one it was under: Sub under Top, Deep under Sub.
    assert headings == ["h3", "h4", "h5", "h3"]
    assert "table_open" in {t.type for t in MD.parse(out)}


@given(st.text())
def test_fenced_code_comes_back_exactly(code: str) -> None:
    code = code.replace("\r", "").replace("\x00", "").rstrip("\n")
    tokens = [t for t in MD.parse(escape.fence(code, "python")) if t.type == "fence"]
    assert len(tokens) == 1
    assert tokens[0].info == "python"
    assert tokens[0].content.rstrip("\n") == code


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ").replace("\x00", "")


# Normalised before filtering, so a text that was only NUL never reaches the test empty.
@given(st.text(min_size=1).map(_one_line).filter(lambda s: s.strip(" ")))
def test_code_span_comes_back_exactly(text: str) -> None:
    children = MD.parse(escape.code_span(text))[1].children or []
    spans = [c for c in children if c.type == "code_inline"]
    assert len(spans) == 1
    assert spans[0].content == text


UNSAFE_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( <javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "![i](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](java\tscript:alert(1))",
]


def _hrefs(markdown: str) -> list[str]:
    permissive = MarkdownIt("commonmark")
    permissive.validateLink = lambda url: True  # see the links a lax renderer would
    found = []
    stack = list(permissive.parse(markdown))
    while stack:
        token = stack.pop()
        for name in ("href", "src"):
            if token.attrGet(name) is not None:
                found.append(str(token.attrGet(name)))
        stack.extend(token.children or [])
    return found


@pytest.mark.parametrize("text", UNSAFE_LINKS)
def test_links_to_unsafe_schemes_are_text_in_every_context(text: str) -> None:
    for rendered in (
        escape.inline(text),
        escape.cell(text),
        escape.block(text),
        escape.block(f"[r]: {text[text.index('(') + 1 :]}\n\n[x][r]"),
    ):
        assert _hrefs(rendered) == [], rendered


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("[ok](https://example.com/a?b)", "https://example.com/a?b"),
        ("[doc](runbook.md#step-2)", "runbook.md#step-2"),
        ("[up](../src/app.py)", "../src/app.py"),
        ("[m](mailto:oncall@example.com)", "mailto:oncall@example.com"),
        ("[a](#anchor)", "#anchor"),
    ],
)
def test_ordinary_links_keep_working(text: str, href: str) -> None:
    assert _hrefs(escape.inline(text)) == [href]
    assert _hrefs(escape.block(text)) == [href]


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("runbook: <https://example.com/run?x=1>", "https://example.com/run?x=1"),
        ("<HTTP://EXAMPLE.COM>", "HTTP://EXAMPLE.COM"),
        ("page <oncall@example.com> first", "mailto:oncall@example.com"),
        ("<mailto:oncall@example.com>", "mailto:oncall@example.com"),
    ],
)
def test_autolinks_to_the_web_or_mail_stay_links(text: str, href: str) -> None:
    # Imported reports write links this way; escaping them showed `<https://…>`.
    for rendered in (escape.inline(text), escape.cell(text), escape.block(text)):
        assert _hrefs(rendered) == [href], rendered
        assert "&lt;" not in rendered


@pytest.mark.parametrize(
    "text",
    [
        "<javascript:alert(1)>",
        "<data:text/html,hi>",
        "<vbscript:x>",
        '<https://x" onmouseover=alert(1)>',
        "<https://a b>",
    ],
)
def test_other_autolinks_and_lookalikes_are_text(text: str) -> None:
    for rendered in (escape.inline(text), escape.cell(text), escape.block(text)):
        assert _hrefs(rendered) == [], rendered
        assert "&lt;" in rendered


# Text that needs no escaping is returned without the full pass (most text in a
# journal): the shortcut must give exactly what the full pass gives.
WORDY = st.text(
    alphabet=st.sampled_from([*"abcZé9     ,.;:'\"()?!%/=+*_-&>\n\t", "`", "#"]),
    max_size=40,
)


@given(WORDY.map(lambda s: "a" + s))
def test_inline_shortcut_agrees_with_the_full_pass(text: str) -> None:
    value = escape.normalize(text).strip()
    if escape._PLAIN_INLINE.fullmatch(value):
        assert escape._escaped_inline(value, cell=False) == value
        assert escape._escaped_inline(value, cell=True) == value


@given(WORDY)
def test_block_shortcut_agrees_with_the_full_pass(text: str) -> None:
    _shortcut_agrees(text)


# Lines of container markers (lists, quotes, ordered items, indentation) and of
# rule and underline marks, with or without words: the texts the shortcut must
# tell apart from paragraphs and lists (a rule, a heading made by `---` or `=`).
_MARKERS = ["- ", "* ", "+ ", "1. ", "2) ", "> ", "  ", "    ", "\t", ""]
_BODIES = [
    "",
    "-",
    "---",
    "- - -",
    "* * *",
    "___",
    "=",
    "===",
    "word",
    "a b",
    "1",
    ":-",
]
_BODIES += ["`a`", "a `b` c", "``", "```", "```a", "`a", "a ``b`` `c`", "~~~"]
_BODIES += ["| a | b |", "|---|---:|", "---|---", ":-:|", "a | b", "|", "| `c` |"]
STRUCTURED = st.lists(
    st.tuples(
        st.lists(st.sampled_from(_MARKERS), max_size=3), st.sampled_from(_BODIES)
    ).map(lambda pair: "".join(pair[0]) + pair[1]),
    max_size=6,
).map("\n".join)


@given(STRUCTURED)
def test_block_shortcut_agrees_on_lists_rules_and_underlines(text: str) -> None:
    _shortcut_agrees(text)


def _shortcut_agrees(text: str) -> None:
    value = escape._expand_prefix_tabs(escape.normalize(text)).lstrip("\n")
    if not value.strip():
        return
    for floor, keep in ((None, False), (3, True), (3, False)):
        known = escape._shortcut(value, floor, keep)
        if known is not None:
            assert known == escape._escaped_block(value, floor, keep)


def test_indented_code_and_fences_are_left_to_the_full_pass() -> None:
    # Code keeps its lines verbatim: a delimiter row in it is not escaped.
    for text in ("a | b\n\n    |---|---|", "- a | b\n\n      |---|", "```\n|---|\n```"):
        _shortcut_agrees(text)


PIPED = st.lists(
    st.sampled_from([*"ab9 |:-=*>.+\n\t`", "  ", "    ", "\n| "]), max_size=30
).map("".join)


@given(PIPED)
def test_line_by_line_escaping_agrees_with_the_full_pass(text: str) -> None:
    _shortcut_agrees(text)


def test_a_part_keeps_its_headings_nesting_when_they_move_below_it() -> None:
    out = escape.part("## Summary\n\n### Achievements\n\n- one\n\n## Next", 3)
    tags = [t.tag for t in MD.parse(out) if t.type == "heading_open"]
    assert tags == ["h3", "h4", "h3"]
    # Already below the part: left where the author put them.
    out = escape.part("#### Deep\n\n###### Deeper", 3)
    assert [t.tag for t in MD.parse(out) if t.type == "heading_open"] == ["h4", "h6"]
    # Deeper than Markdown goes: the last levels share h6.
    many = "\n\n".join("#" * n + f" L{n}" for n in range(1, 7))
    tags = [t.tag for t in MD.parse(escape.part(many, 3)) if t.type == "heading_open"]
    assert tags == ["h3", "h4", "h5", "h6", "h6", "h6"]


# Links: safe ones whole, unsafe and broken ones, their parts apart, and what can
# make a link elsewhere (a destination on the next line, a reference definition, a
# title, brackets in code, a label over two lines).
_LINK_PIECES = [
    "[a](https://x.io/p?q=1&r=2#f)",
    "[doc](runbook.md#step-2)",
    "![i](img/a.png)",
    "[up](../a.py)",
    "[b](x)",
    "[a](javascript:x)",
    "[a](%6Aavascript:x)",
    "[a](&#106;avascript:x)",
    "[a](",
    "](",
    "](x)",
    "](https://x)",
    "][r]",
    "[r]: ",
    "[r]:",
    "[r]",
    "[a\nb]",
    "[",
    "]",
    "(",
    ")",
    "javascript:x)",
    "https://x)",
    ' "t")',
    "<",
    ">",
    "`",
    "#",
    ":",
    "|",
    "---",
    "===",
    "word",
    " ",
    "\n",
    "\n\n",
    "- ",
    "> ",
    "    ",
    "\t",
]
LINKED = st.lists(st.sampled_from(_LINK_PIECES), max_size=10).map("".join)


@given(LINKED)
def test_block_shortcut_agrees_on_links(text: str) -> None:
    _shortcut_agrees(text)


def test_block_shortcut_leaves_unsafe_or_unusual_links_to_the_full_pass() -> None:
    for text in (
        "see [a](\njavascript:x)",  # CommonMark: a destination on the next line
        "see [a](\nhttps://x)",
        "[a][r]\n\n[r]: javascript:x",
        "[a\nb]: javascript:x\n\n[a b]",
        '[a](https://x "title")',
        "[a](b:c)",
        "`[a](b)` [c](javascript:x)",
    ):
        _shortcut_agrees(text)
        assert escape._shortcut(text, 3, False) is None, text


def test_block_shortcut_takes_text_with_ordinary_links() -> None:
    # Most reports' links look so: their text needs no Markdown parser.
    text = "Raised the pool (see [the runbook](https://runbooks.example.com/pool)).\n"
    text += "- [notes](notes/a.md#why) and ![graph](img/p99.png) `code`"
    for floor, keep in ((None, False), (3, True), (3, False)):
        assert escape._shortcut(text, floor, keep) == text
        assert escape._escaped_block(text, floor, keep) == text


def test_part_keeps_headings_below_the_part_but_no_tables_or_rules() -> None:
    out = escape.part("## Why\n\ntext\n\n#### Deeper\n\n---\n\n| a |\n|---|", 3)
    tokens = MD.parse(out)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h3", "h4"]
    types = {t.type for t in tokens}
    assert "table_open" not in types and "hr" not in types
    assert [
        t.tag for t in MD.parse(escape.part("# Top", 4)) if t.type.endswith("open")
    ] == ["h4"]
