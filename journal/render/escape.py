"""Markdown escaping by context: table cells, inline text, blocks, code spans, fences.

User text keeps its Markdown emphasis, links, lists and code, but nothing in it can
add a heading, table or rule to the report, end a table cell, leave a fence open, or
reach the page as raw HTML. Inline escaping is exact by construction; block escaping
is checked by parsing the result, and falls back to escaping every punctuation mark
when the check fails, so the guarantee never rests on a heuristic alone.
"""

from __future__ import annotations

import re
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
    value = normalize(str(text)).strip()
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
    out = _escape_line_start(out)
    # A heading's closing `#`s are dropped: keep a trailing run as text.
    out = _TRAILING_HASHES.sub(r"\1\\\2", out)
    if (len(out) - len(out.rstrip("\\"))) % 2:
        out += "\\"
    return out


def cell(text: Any) -> str:
    """Text for a table cell."""
    return inline(text, cell=True)


def _escape_line_start(text: str) -> str:
    # Text that opens a list item must not start a block of its own there: a
    # leading marker is escaped (`\#`, `\-`, `1\.`); it still reads the same.
    if _BLOCK_START.match(text):
        return "\\" + text
    match = _ORDERED_START.match(text)
    if match:
        return match[1] + "\\" + text[len(match[1]) :]
    return text


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
