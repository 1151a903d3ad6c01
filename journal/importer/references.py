"""Reference-style links made inline before a report is read.

A report may write `[PM2019-009]` in its text and define `[PM2019-009]: https://…`
at the end. A definition belongs to the whole document, but the importer splits the
document into parts kept apart: left as they were, the links would stop working and
the definitions would stay behind as a part of their own (a second "Action Items"
holding one escaped `\\[PM2019-009]: …` line). So every reference the definitions
resolve to the web or to mail becomes an inline link `[PM2019-009](https://…)`, and
each such definition written on one line becomes a blank line (so line numbers in
warnings still match the file).
Code (fenced, indented, or a backtick span) is left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from journal.render.escape import _code_lines

_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(\S+)?")
# [text][label], [label][] and [label] (not a link already, not a definition).
_REFERENCE = re.compile(
    r"(?<![\\!\]])\[((?:[^\]\\\n]|\\.)+)\](?:\[((?:[^\]\\\n]|\\.)*)\])?(?![(:\[])"
)
# Only links to the web or to mail are made inline: a relative target names a file of
# the repository the report came from, which the journal does not have (the site
# would show the link as a broken one), so such a reference and its definition stay
# as written.
_WEB = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).*?(?<!`)\1(?!`)")


def normalize_label(label: str) -> str:
    """A label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def inline_references(
    lines: Sequence[str], tokens: list[Any], references: Mapping[str, Any]
) -> list[str] | None:
    """`lines` with references made inline and definitions removed, or None when
    the document defines no reference (nothing to do: most reports)."""
    if not references:
        return None
    targets = {
        normalize_label(label): _destination(ref)
        for label, ref in references.items()
        if _WEB.match(str(ref.get("href", "")))
    }
    if not targets:
        return None
    code = _code_lines(tokens)
    out: list[str] = []
    for number, line in enumerate(lines):
        if number in code:
            out.append(line)
            continue
        definition = _DEFINITION.match(line)
        if definition and definition[2] and normalize_label(definition[1]) in targets:
            out.append("")
            continue
        out.append(_outside_code_spans(line, lambda text: _inline(text, targets)))
    return out


def _destination(ref: Mapping[str, Any]) -> str:
    href = str(ref.get("href", ""))
    if not href or any(c in href for c in " ()<>"):
        href = f"<{href}>"
    title = ref.get("title")
    if title:
        return f'{href} "{str(title).replace(chr(34), chr(92) + chr(34))}"'
    return href


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(change(line[last : span.start()]))
        parts.append(span[0])
        last = span.end()
    parts.append(change(line[last:]))
    return "".join(parts)


def _inline(text: str, targets: Mapping[str, str]) -> str:
    if "[" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        shown, label = match[1], match[2]
        target = targets.get(normalize_label(label or shown))
        if target is None:
            return match[0]
        return f"[{shown}]({target})"

    return _REFERENCE.sub(replace, text)
