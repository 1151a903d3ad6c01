"""Markdown escaping by context: table cells, inline text, blocks, code spans, fences.

User text keeps its Markdown emphasis, links, lists and code, but nothing in it can
add a heading, table or rule to the report, end a table cell, leave a fence open, or
reach the page as raw HTML. Inline escaping is exact by construction; block escaping
is checked by parsing the result, and falls back to escaping every punctuation mark
when the check fails, so the guarantee never rests on a heuristic alone.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_TICK_OR_BACKSLASH = re.compile(r"[`\\]")
_TICKS = re.compile(r"`+")
# `<` starts raw HTML (a tag, comment, declaration, instruction) or an autolink only
# when a letter, `/`, `!` or `?` follows it; `a < b` stays as typed. An autolink to
# the web or to mail (`<https://…>`, `<oncall@example.com>`) stays a link, as the
# reports teams import write them; one to any other scheme is text like raw HTML.
_SAFE_AUTOLINK = (
    r"(?:https?://|mailto:)[^\s<>\x00-\x1f]*>"
    r"|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*>"
)
_HTML_START = re.compile(rf"<(?!{_SAFE_AUTOLINK})(?=[A-Za-z/!?])", re.IGNORECASE)
_BLOCK_START = re.compile(r"^(?:#|>|[-+*](?=[ \t]|$)|~~~|\[[^\]]*\]:)")
_ONLY_MARKERS = re.compile(r"^[\s*_=+-]+$")
_ORDERED_START = re.compile(r"^(\d{1,9})[.)](?=[ \t]|$)")
_TRAILING_HASHES = re.compile(r"(^|[ \t])(#+)$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
# One line opening with a letter, without code, HTML, link ends, pipes, backslashes
# or `#`: inline escaping would change nothing in it.
_PLAIN_INLINE = re.compile(r"[^\W\d_][^`<\]|\\#\n]*")
# Links keep working only towards destinations known to be harmless: the web, mail,
# anchors and relative paths. Anything else (javascript:, data:, vbscript:, entity-
# or case-obfuscated schemes) stops being a link and shows as the text it is.
_LINK_OPEN = re.compile(r"\]\([ \t]*<?")
_REF_DEFINITION = re.compile(r"^( {0,3})\[(?=[^\]]+\]:[ \t]*<?)")
_SAFE_DESTINATION = re.compile(
    r"(?:https?://|mailto:|#|/|\.{1,2}/|[\w-]+(?:[./][\w.~-]*)*(?=[#?)\s>]|$))",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """`\\n` line endings, no trailing whitespace at the end."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


# --- inline -----------------------------------------------------------------------


def _segments(text: str) -> list[tuple[bool, str]]:
    """Split one inline run into (is_code, text) parts as CommonMark finds code spans.

    A backtick run opens a span only if a run of the same length closes it; a
    backslash-escaped backtick opens nothing; inside a span backslashes are literal.
    Unmatched backtick runs come back as text, each backtick escaped, so they cannot
    pair with backticks of whatever the template writes next to this text.
    """
    if "`" not in text:
        return [(False, text)] if text else []
    parts: list[tuple[bool, str]] = []
    plain: list[str] = []
    i, n = 0, len(text)
    while i < n:
        found = _TICK_OR_BACKSLASH.search(text, i)
        if found is None:
            plain.append(text[i:])
            break
        start = found.start()
        if start > i:
            plain.append(text[i:start])
        if text[start] == "\\":
            step = 2 if start + 1 < n and text[start + 1] in _PUNCT else 1
            plain.append(text[start : start + step])
            i = start + step
            continue
        i = _code_or_ticks(text, start, parts, plain)
    if plain:
        parts.append((False, "".join(plain)))
    return parts


def _code_or_ticks(
    text: str, start: int, parts: list[tuple[bool, str]], plain: list[str]
) -> int:
    """The backtick run at `start`: a code span if a run as long closes it, else
    escaped backticks; returns where scanning goes on."""
    runs = _TICKS.finditer(text, start)
    run = len(next(runs)[0])
    close = next((m.start() for m in runs if len(m[0]) == run), -1)
    if close < 0:
        plain.append("\\`" * run)
        return start + run
    if plain:
        parts.append((False, "".join(plain)))
        plain.clear()
    parts.append((True, text[start : close + run]))
    return close + run


def _defuse_links(text: str) -> str:
    """`[x](javascript:…)` → `[x]\\(javascript:…)`: no longer a link, same words."""

    def check(match: re.Match[str]) -> str:
        if _SAFE_DESTINATION.match(match.string, match.end()):
            return match[0]
        return match[0].replace("(", "\\(", 1)

    text = _LINK_OPEN.sub(check, text)
    definition = _REF_DEFINITION.match(text)
    if definition:
        target = text.find("]:", definition.end()) + 2
        rest = text[target:].lstrip(" \t<")
        if not _SAFE_DESTINATION.match(rest):
            text = definition[1] + "\\[" + text[definition.end() :]
    return text


def _escape_plain(text: str, *, cell: bool) -> str:
    # The `in` tests only skip regex passes that would find nothing.
    if "<" in text:
        text = _HTML_START.sub("&lt;", text)
    if "]" in text:
        text = _defuse_links(text)
    if cell and "|" in text:
        text = _UNESCAPED_PIPE.sub(r"\\|", text)
    return text.replace("\n", "<br>" if cell else " ")


def _escape_code(span: str, *, cell: bool) -> str:
    span = span.replace("\n", " ")
    # In a table, GFM splits cells before it finds code spans: a pipe needs its
    # backslash even there, and the table drops the backslash again.
    return span.replace("|", "\\|") if cell else span


def inline(text: Any, *, cell: bool = False) -> str:
    """Text for a one-line context: after a label, in a heading, in a list item.

    `cell=True` is for table cells: pipes are escaped and line breaks become `<br>`.
    Elsewhere line breaks become spaces.
    """
    return _inline(str(text), cell)


# The same few texts come back on every row (an event's kind, its author, the
# parts' labels): a report of 50 events escapes ~200 texts, most of them seen.
@lru_cache(maxsize=4096)
def _inline(text: str, cell: bool) -> str:
    value = normalize(text).strip()
    if not value:
        return ""
    if _PLAIN_INLINE.fullmatch(value):
        return value
    return _escaped_inline(value, cell=cell)


def _escaped_inline(value: str, *, cell: bool) -> str:
    if not cell:
        value = " ".join(value.split("\n"))
    out = "".join(
        _escape_code(part, cell=cell) if is_code else _escape_plain(part, cell=cell)
        for is_code, part in _segments(value)
    )
    if _ONLY_MARKERS.match(out):
        # Wrapped in the template's own `**…**`, a run of `*` or `-` becomes a rule.
        return re.sub(r"([*_=+-])", r"\\\1", out)
    # Text that opens a list item must not start a block of its own there: a
    # leading marker is escaped (`\#`, `\-`, `1\.`); it still reads the same.
    if _BLOCK_START.match(out):
        out = "\\" + out
    elif ordered := _ORDERED_START.match(out):
        out = ordered[1] + "\\" + out[len(ordered[1]) :]
    # A heading's closing `#`s are dropped: keep a trailing run as text.
    out = _TRAILING_HASHES.sub(r"\1\\\2", out)
    if (len(out) - len(out.rstrip("\\"))) % 2:
        out += "\\"
    return out


def cell(text: Any) -> str:
    return _inline(str(text), True)


def link_text(text: Any) -> str:
    """Inline text inside `[…](…)`: brackets escaped so the link stays whole."""
    return re.sub(r"(?<!\\)([\[\]])", r"\\\1", inline(text))


def code_span(text: Any, *, cell: bool = False) -> str:
    """`text` as an inline code span, delimited by more backticks than it contains."""
    value = re.sub(r"\r\n|\r|\n", " ", str(text))
    if not value:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    if value.startswith(" ") and value.endswith(" ") and value.strip():
        pad = " "
    if cell:
        value = value.replace("|", "\\|")
    return f"{ticks}{pad}{value}{pad}{ticks}"


def fence(code: Any, lang: str | None = "text", *, indent: int = 0) -> str:
    """A fenced code block longer than any backtick run inside it, with a language."""
    body = str(code).replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = re.sub(r"[^A-Za-z0-9_+.#-]", "", lang or "") or "text"
    lines = [f"{ticks}{info}", *body.split("\n"), ticks]
    pad = " " * indent
    return "\n".join(pad + line if line else "" for line in lines)


# --- blocks -----------------------------------------------------------------------

# Container markers a block can sit behind: blockquote `>`, bullets, ordered numbers.
_PREFIX = re.compile(r"^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_RULE_OR_UNDERLINE = re.compile(r"^(?:=+|-+|(?:[-*_][ \t]*){3,})[ \t]*$")
_DELIMITER_ROW = re.compile(r"^[-:|][-:| \t]*$")
_ATX = re.compile(r"^(#{1,6})(?=[ \t]|$)")
# Text with none of these characters parses to paragraphs, lists, quotes, emphasis,
# tables and indented code only — unless a line holds nothing but container markers
# and rule or underline marks (`---`, `- * * *`, `===`, `> -`): a rule, or the line
# above made a heading (`_shortcut`; tests/test_render_escape.py compares it with
# the full pass).
_SPECIAL_BUT_PIPES = re.compile(r"[#<~\[\]\\]")
# A line whose leading markers and blanks hold four spaces or a tab may open
# indented code, which escaping keeps verbatim: only a parse can tell.
_INDENTED = re.compile(r"^[ \t*+>.):\d-]*?(?: {4}|\t)", re.MULTILINE)
_MARKS_ONLY = re.compile(r"^[ \t*_=+>.):\d-]*[-*_=][ \t*_=+>.):\d-]*$", re.MULTILINE)
# What a link or image may point at once it is Markdown (see escape._defuse_links).
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|[^:]*(?:[/?#]|$))", re.IGNORECASE)
# The end of an inline link whose destination, written at once after `(` and closed
# at once by `)`, is a web address or a path without a colon, space, parenthesis,
# `;` or backslash: markdown-it makes it an href `_SAFE_HREF` accepts (it only
# percent-encodes), and no character in it starts a block where it stands.
_LINK_END = re.compile(r"\]\((?:https?://)?[\w/.~?#=&%+-]+\)")


def block(
    text: Any, *, heading_floor: int | None = None, tables: bool | None = None
) -> str:
    """Multi-line Markdown placed as blocks of its own (blank lines around it).

    Paragraphs, lists, quotes, emphasis, links and code are kept. Headings, tables
    and rules are neutralised — unless `heading_floor` is given: then headings are
    kept but pushed down to at least that level, and (free-form sections) tables and
    rules stay; `tables=False` neutralises those still (the text of a report's
    part). Raw HTML is always shown as text, and a fence left open is closed.
    """
    value = _expand_prefix_tabs(normalize(str(text)))
    if not value.strip():
        return ""
    value = value.lstrip("\n")
    keep_tables = heading_floor is not None if tables is None else tables
    known = _shortcut(value, heading_floor, keep_tables)
    if known is not None:
        return known
    return _escaped_block(value, heading_floor, keep_tables)


def _shortcut(value: str, heading_floor: int | None, keep_tables: bool) -> str | None:
    """`_escaped_block`'s result when it is known without parsing, else None: text
    whose only structure is lists, quotes, emphasis, code spans, safe links
    (`_unlinked`) and tables comes back as it is, or, when its tables are
    neutralised and no line may open indented code (kept verbatim), each line
    escaped on its own (a delimiter row loses its table; only without links). A
    parse would find no code, heading, rule, HTML or link to change, so its check
    passes."""
    unlinked = _unlinked(value)
    if not _simple(unlinked, _SPECIAL_BUT_PIPES):
        return None
    if keep_tables or "|" not in value:
        return value
    if unlinked != value or _INDENTED.search(value):
        return None
    lines = value.split("\n")
    return "\n".join(_escape_block_line(x, heading_floor, False) for x in lines)


def _unlinked(value: str) -> str:
    """`value` with each `[` and each safe link's end (`_LINK_END`, which the line
    escaping keeps) made a letter: what is left decides as for text without links.

    Every inline link ends in `](` on one line (CommonMark: its text's `]`, then
    `(` at once), and with every `]` so taken, no `]:` or `][` is left to define or
    use a reference: no link but those can be made. A letter in their place keeps
    every line holding something besides marks, and every backtick run apart."""
    if "]" not in value and "[" not in value:
        return value

    def letter(match: re.Match[str]) -> str:
        kept = _SAFE_DESTINATION.match(value, match.start() + 2)
        return "a" if kept else match[0]

    return _LINK_END.sub(letter, value).replace("[", "a")


def _simple(value: str, special: re.Pattern[str]) -> bool:
    """No `special` character, no line of marks alone, and every backtick run
    closed on its line."""
    if special.search(value) or _MARKS_ONLY.search(value):
        return False
    if "`" not in value:
        return True
    # Backticks are code spans when every run on a line is closed on it, as the
    # line escaping finds them; a fence's opening run never is (its info string
    # holds no backtick), so it fails this too.
    return all(
        "".join(part for _, part in _segments(line)) == line
        for line in value.split("\n")
        if "`" in line
    )


def _escaped_block(value: str, heading_floor: int | None, keep_tables: bool) -> str:
    tokens: list[Any] = _parser().parse(value)
    lines = value.split("\n")
    verbatim = _code_lines(tokens)
    if heading_floor is not None:
        lines = _demote_headings(lines, tokens, heading_floor)
    result = [
        line
        if index in verbatim
        else _escape_block_line(line, heading_floor, keep_tables)
        for index, line in enumerate(lines)
    ]
    closer = _open_fence_closer(tokens, len(lines), value)
    if closer:
        result.append(closer)
    candidate = "\n".join(result)
    # Unchanged text parses to the tokens already at hand.
    same = tokens if candidate == value else None
    if _is_safe(candidate, heading_floor, keep_tables, same):
        return candidate
    return _escape_everything(value)


def _expand_prefix_tabs(text: str) -> str:
    # Tabs in the indentation count to the next multiple of 4 and behave differently
    # once the text is nested in a list item; spaces mean the same everywhere.
    out = []
    for line in text.split("\n"):
        end = _prefix_end(line)
        out.append(line[:end].expandtabs(4) + line[end:] if "\t" in line else line)
    return "\n".join(out)


def _escape_block_line(line: str, heading_floor: int | None, keep_tables: bool) -> str:
    start = _prefix_end(line)
    head, rest = line[:start], line[start:]
    if _must_escape(rest, heading_floor, keep_tables):
        rest = "\\" + rest
    escaped = "".join(
        part if is_code else _defuse_links(_HTML_START.sub("&lt;", part))
        for is_code, part in _segments(rest)
    )
    return _HTML_START.sub("&lt;", head) + escaped


def _must_escape(rest: str, heading_floor: int | None, keep_tables: bool) -> bool:
    """A heading (unless kept), or a rule, setext underline or table delimiter row
    (unless tables are kept) starts `rest`."""
    if _ATX.match(rest):
        return heading_floor is None
    return not keep_tables and bool(
        _RULE_OR_UNDERLINE.match(rest) or (_DELIMITER_ROW.match(rest) and "-" in rest)
    )


def _escape_everything(text: str) -> str:
    """The fallback: every punctuation mark escaped, so no Markdown syntax remains."""
    return "".join(
        "&lt;" if ch == "<" else ("\\" + ch if ch in _PUNCT else ch) for ch in text
    )


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    parser: Any = MarkdownIt("commonmark", {"html": True}).enable("table")
    # See every link as a link (markdown-it would hide unsafe ones), so the
    # safety check below can refuse them.
    parser.validateLink = lambda url: True
    return parser


def _code_lines(tokens: list[Any]) -> set[int]:
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def _open_fence_closer(tokens: list[Any], line_count: int, text: str) -> str | None:
    """The closing fence for a top-level fence that runs to the end of the text."""
    for token in tokens:
        if token.type != "fence" or token.level != 0 or not token.map:
            continue
        if token.map[1] < line_count:
            continue
        last = text.split("\n")[token.map[1] - 1]
        marker: str = token.markup
        closed = token.map[1] - token.map[0] > 1 and re.fullmatch(
            rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*", last
        )
        if not closed:
            return marker
    return None


def _demote_headings(lines: list[str], tokens: list[Any], floor: int) -> list[str]:
    """Headings of a section body, pushed down to at least `floor`, each under the
    one it was under (`_levels`); line count kept."""
    lines = list(lines)
    levels = _levels(tokens, floor)
    for token in tokens:
        if token.type != "heading_open" or not token.map:
            continue
        level = levels[int(token.tag[1:])]
        start, end = token.map
        cut = _prefix_end(lines[start])
        prefix = lines[start][:cut]
        if token.markup.startswith("#"):
            lines[start] = prefix + "#" * level + lines[start][cut:].lstrip("#")
            continue
        # A setext heading (text underlined with === or ---) becomes an ATX one; its
        # other lines keep only their container markers.
        words = [line[_prefix_end(line) :].strip() for line in lines[start : end - 1]]
        lines[start] = prefix + "#" * level + " " + " ".join(w for w in words if w)
        for index in range(start + 1, end):
            lines[index] = lines[index][: _prefix_end(lines[index])].rstrip()
    return lines


def _levels(tokens: list[Any], floor: int) -> dict[int, int]:
    """Each heading level of a text → its level in the report. A text whose
    headings all sit at `floor` or deeper keeps them; otherwise the levels it
    uses are renumbered from `floor` in order, so an imported `## Summary` over
    `### Achievements` becomes `###` over `####`, not two `###` (levels the
    author skipped are closed up, keeping what Markdown can show: six)."""
    used = sorted({int(t.tag[1:]) for t in tokens if t.type == "heading_open"})
    if not used or used[0] >= floor:
        return {level: level for level in range(1, 7)}
    return {level: min(6, floor + rank) for rank, level in enumerate(used)}


def _prefix_end(line: str) -> int:
    match = _PREFIX.match(line)
    return match.end() if match else 0


def _is_safe(
    text: str, heading_floor: int | None, keep_tables: bool, tokens: list[Any] | None
) -> bool:
    tokens = _parser().parse(text) if tokens is None else tokens
    stack: list[Any] = list(tokens)
    while stack:
        token = stack.pop()
        kind = token.type
        if kind in ("html_block", "html_inline"):
            return False
        if kind == "heading_open" and (
            heading_floor is None or int(token.tag[1:]) < heading_floor
        ):
            return False
        if not keep_tables and kind in ("table_open", "hr"):
            return False
        href = token.attrGet("href") or token.attrGet("src")
        if href is not None and not _SAFE_HREF.match(str(href).strip()):
            return False
        if token.children:
            stack.extend(token.children)
    return _open_fence_closer(tokens, len(text.split("\n")), text) is None


def section(text: Any) -> str:
    """A free-form section body: Markdown kept, headings below the section's own."""
    return block(text, heading_floor=3)


def part(text: Any, floor: int = 3) -> str:
    """The text of a report's part (a summary, a root cause): its headings kept
    below the part's own (`floor`), tables and rules neutralised as in `block`."""
    return block(text, heading_floor=floor, tables=False)
