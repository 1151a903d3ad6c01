"""Lines that look like structure but were kept as text: a timestamp the importer
could not read, a time outside any timeline, a checkbox outside a checklist — so a
user can fix the source or report the shape."""

from __future__ import annotations

import re
from collections.abc import Iterable

from journal.importer.document import Block, Document
from journal.importer.stamps import match_stamp

_VERBATIM = frozenset({"fence", "code_block", "html_block"})
_LEAD = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*(?:\*\*|__|\||`)?\s*")
_TIMEISH = re.compile(
    r"^~?\d{1,2}(?:[:h][\dOo]{1,2}|\.\d{2})\b|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|^(?:--|\?\?|xx):(?:--|\?\?|xx)",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(r"^\s*(?:[-*+]\s*)?\[[ xX]\]\s")


def unread_lines(doc: Document, kept: Iterable[Block]) -> list[tuple[int, str]]:
    """(1-based line, reason) for each line of the kept blocks that looks like
    structure."""
    found: dict[int, str] = {}
    for block in kept:
        if block.kind in _VERBATIM or block.kind == "table":
            continue
        for n in range(block.start, min(block.end, len(doc.lines))):
            reason = looks_like(doc.lines[n])
            if reason:
                found.setdefault(n + 1, reason)
    return sorted(found.items())


def looks_like(line: str) -> str | None:
    """What structure `line` seems to be, if any."""
    if _CHECKBOX.match(line):
        return "a checkbox outside a checklist"
    text = line[_LEAD.match(line).end() :]  # type: ignore[union-attr]
    if not _TIMEISH.match(text):
        return None
    if match_stamp(text) is None:
        return "looks like a time or date, but could not be read"
    return "a time or date outside any timeline"
