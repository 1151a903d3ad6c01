"""Counting a report's structure independently of the importer, from markdown-it
tokens: timestamped entries (table rows, list items, paragraph lines, headings that
start with a time) and task-list items (`- [ ]`, `- [x]`); and word recall as a
multiset. Used by the corpus and fixture tests; shares no code with the importer."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{2,4})?"
    rf"|{_MONTH}\s+\d{{1,2}}{_ORD}(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?)"
)
_CLOCK = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
_LEAD = re.compile(
    r"^[\s*_~`>\[(|]*(?:about\s+|approx\.?\s+|~\s*)?"
    rf"(?:{_WEEKDAY},?\s+)?(?:(?P<date>{_DATE})(?:,?\s*|T|\s+at\s+))?"
    rf"(?P<clock>~?\s*{_CLOCK})?(?!\w|:\d)"
    r"(?:\s*\(?(?:utc|gmt|[pmce][sd]?t|cest?|bst|ist|jst|aes?dt|z)\)?(?!\w))?",
    re.IGNORECASE,
)
_UNKNOWN = re.compile(r"^[\s*_~`]*(?:-{1,2}:-{1,2}|\?{1,2}:\?{1,2}|tbd|unknown|~|\?)")
_ZONE = r"(?:\s*\(?(?:utc|gmt|[pmce][sd]?t|cest?|bst|ist|jst|aes?dt|z)\)?(?!\w))?"
_DATED = re.compile(
    rf"(?<![\d/.-]){_DATE}(?![\d/])|(?<![\d:]){_CLOCK}(?!\d){_ZONE}|\b{_WEEKDAY}\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_TASK = re.compile(r"^\[[ xX]\]\s")
_ACTIONS = re.compile(
    r"action|follow[- ]?ups?\b|\bto ?dos?\b|next steps|remediation|corrective"
    r"|preventive|prevention",
    re.IGNORECASE,
)
_LABEL_ONLY = re.compile(r"^(\*\*|__)[^*_]+\1:?$|^[^\n]{1,60}:$")


@dataclass(frozen=True)
class Entry:
    """One timestamped entry of the source."""

    line: int
    """1-based source line."""
    clock: str | None
    """HH:MM (24 h) when the entry names a clock time."""
    words: tuple[str, ...]
    """Its first words after the time (what identifies it among events)."""


@dataclass
class Structure:
    entries: list[Entry] = field(default_factory=list)
    tasks: list[Entry] = field(default_factory=list)
    actions: list[Entry] = field(default_factory=list)
    """Items of the lists under a heading or bold label that names action items."""


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def words(text: str) -> list[str]:
    """Words as a reader sees them, dates and clock times left out."""
    normal = unicodedata.normalize("NFKC", text).casefold().replace("\\", "")
    normal = _THOUSANDS.sub("", normal)  # `1,240` is one number
    return _WORD.findall(_DATED.sub(" ", normal))


def word_counts(text: str) -> Counter[str]:
    return Counter(words(text))


def recall(source: str, rendered: str) -> tuple[float, Counter[str]]:
    """The share of the source's words (as a multiset) found in `rendered`."""
    wanted = word_counts(source)
    missing = wanted - word_counts(rendered)
    total = sum(wanted.values())
    return 1 - sum(missing.values()) / max(total, 1), missing


def lead_stamp(text: str) -> tuple[re.Match[str] | None, bool]:
    """The date/clock `text` starts with; and whether it names a clock time."""
    match = _LEAD.match(text)
    if match is None or not (match["date"] or match["clock"]):
        return None, False
    return match, match["clock"] is not None


def _clock24(match: re.Match[str]) -> str | None:
    if match.re is not _LEAD or not match["clock"]:
        return None
    found = re.search(r"(\d{1,2})(?::(\d{2}))?\s*([ap])?", match["clock"], re.I)
    if not found:
        return None
    hour, minute = int(found[1]), int(found[2] or 0)
    if found[3]:
        hour = hour % 12 + (12 if found[3].lower() == "p" else 0)
    return f"{hour:02d}:{minute:02d}"


def _entry(line: int, text: str, match: re.Match[str]) -> Entry:
    return Entry(line, _clock24(match), tuple(words(text[match.end() :])[:6]))


def count_structure(text: str) -> Structure:
    """Timestamped entries and task items of a Markdown report."""
    tokens = _markdown().parse(text)
    found = Structure()
    _walk(tokens, found)
    return found


def _walk(tokens: list[Any], found: Structure) -> None:
    i = 0
    heading = ""
    """The last heading, or bold label alone in a paragraph, at the top level."""
    while i < len(tokens):
        token = tokens[i]
        if (
            token.level == 1
            and token.type == "inline"
            and (
                tokens[i - 1].type == "heading_open"
                or _LABEL_ONLY.match(token.content.strip())
            )
        ):
            heading = token.content
        is_list = token.type in {"bullet_list_open", "ordered_list_open"}
        if token.level == 0 and is_list and _ACTIONS.search(heading):
            found.actions.extend(_top_items(tokens, i))
        if token.type == "table_open":
            end = next(
                j for j in range(i, len(tokens)) if tokens[j].type == "table_close"
            )
            found.entries.extend(_table_entries(tokens[i:end]))
            i = end + 1
            continue
        if token.type == "inline" and token.map:
            parent = tokens[i - 1].type if i else ""
            _inline(token, parent, found, tokens[i - 2].type if i > 1 else "")
        i += 1


def _top_items(tokens: list[Any], start: int) -> list[Entry]:
    items = []
    for j in range(start + 1, len(tokens)):
        token = tokens[j]
        if token.level == 0:
            break
        if token.type == "inline" and token.level == 3:
            text = _TASK.sub("", token.content.split("\n")[0])
            items.append(Entry(token.map[0] + 1, None, tuple(words(text)[:6])))
    return [item for item in items if item.words]


def _inline(token: Any, parent: str, found: Structure, grand: str) -> None:
    first = token.map[0] + 1
    lines = token.content.split("\n")
    if (
        parent == "paragraph_open"
        and grand == "list_item_open"
        and _TASK.match(lines[0])
    ):
        rest = lines[0][3:]
        found.tasks.append(Entry(first, None, tuple(words(rest)[:6])))
    for offset, line in enumerate(lines if parent == "paragraph_open" else lines[:1]):
        match, clock = lead_stamp(line)
        if match is not None and clock:
            found.entries.append(_entry(first + offset, line, match))


def _table_entries(tokens: list[Any]) -> Iterable[Entry]:
    rows: list[tuple[int, list[str]]] = []
    body = False
    for token in tokens:
        if token.type == "tbody_open":
            body = True
        elif token.type == "tr_open" and body:
            rows.append(((token.map or [0])[0] + 1, []))
        elif token.type == "inline" and body and rows:
            rows[-1][1].append(token.content)
    stamped = [(line, cells) for line, cells in rows if _row_stamp(cells)]
    if sum(1 for _, c in stamped if _row_stamp(c)[1]) < 2:
        return []
    entries = []
    for line, cells in rows:
        stamp = _row_stamp(cells)
        lead = cells[: len(stamp[0])] if stamp[0] else []
        if stamp[0] or any(_UNKNOWN.match(c) for c in cells[:3] if c.strip()):
            text = " ".join(cells[len(lead) :]) if lead else " ".join(cells[1:])
            clock = next((_clock24(m) for m in stamp[0] if _clock24(m)), None)
            entries.append(Entry(line, clock, tuple(words(text)[:6])))
    return entries


def _row_stamp(cells: list[str]) -> tuple[list[re.Match[str]], bool]:
    """The leading cells that are dates or times (`Sun | Oct 31 | 21:54`)."""
    matches: list[re.Match[str]] = []
    clock = False
    for cell in cells[:3]:
        weekday = re.fullmatch(rf"\s*{_WEEKDAY}\s*", cell, re.IGNORECASE)
        match, has_clock = lead_stamp(cell)
        if weekday:
            matches.append(weekday)
            continue
        if match is None or cell[match.end() :].strip(" *_~`()|,-–"):
            # A cell that is a time and more words is still a stamped row if it
            # is the first (`12:00 service down` in one cell).
            if match is not None and not matches and has_clock:
                return [match], True
            break
        matches.append(match)
        clock = clock or has_clock
    if not any(m.re is _LEAD for m in matches):
        return [], False
    return matches, clock
