"""What a follow-up written as plain text says about itself: done (`(done)`, `✅`,
struck through), its owner (`@rich`, `Owner: Rich`), its due date (`due 2025-12-01`,
`by Dec 1`) and the ticket it is tracked in (an issue or pull-request link).

The text itself stays as written; these only fill the step's fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from journal.importer.dates import find_date

_DONE = re.compile(
    r"[(\[]\s*(?:done|completed?|finished|fixed|shipped|resolved)\s*[)\]]"
    r"|^\s*(?:✅|✔|☑)|(?:✅|✔️?|☑️?)\s*$|^\s*~~.+~~\s*$"
    r"|^\W*(?:done|completed?)\W*:",
    re.IGNORECASE,
)
_MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z][\w.-]{0,38}[\w])")
_OWNER = re.compile(
    r"\b(?:owner|owned by|assignee|assigned to|who)\s*[:=]\s*"
    r"(?P<name>@?[A-Z][\w.-]*(?:\s[A-Z][\w.-]*)?)",
    re.IGNORECASE,
)
_DUE = re.compile(r"\b(?:due|deadline|by|until|eta)\b\s*:?\s*(?:on\s+)?", re.IGNORECASE)
_TICKET = re.compile(
    r"https?://[^\s)>\]]+?(?:/issues/\d+|/pull/\d+|/browse/[A-Z][A-Z0-9]+-\d+"
    r"|/-/issues/\d+|/merge_requests/\d+|linear\.app/[^\s)>\]]+/issue/[^\s)>\]]+)"
)


def step_fields(text: str, year: int | None) -> dict[str, Any]:
    """The fields `text` states: done, owner, due (an ISO date), tracked_in."""
    fields: dict[str, Any] = {}
    first = text.split("\n", 1)[0]
    if _DONE.search(first):
        fields["done"] = True
    if owner := _owner(first):
        fields["owner"] = owner
    if due := _due(first, year):
        fields["due"] = due.isoformat()
    if ticket := _TICKET.search(text):
        fields["tracked_in"] = ticket.group(0)
    return fields


def _owner(text: str) -> str | None:
    named = _OWNER.search(text)
    if named:
        return named["name"].strip()
    mention = _MENTION.search(text)
    return mention.group(1) if mention else None


def _due(text: str, year: int | None) -> date | None:
    for match in _DUE.finditer(text):
        mark = find_date(text[match.end() : match.end() + 40])
        if mark is not None and mark.start == 0:
            return mark.on(year)
    return None
