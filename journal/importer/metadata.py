"""The report's header: title and number from the H1, and `**Key:** value` lines."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, NamedTuple

from journal.importer.labels import METADATA_KEYS, normalize, split_label

_TITLES = (
    re.compile(
        r"^(?:session|incident|postmortem|post-mortem|retrospective|retro|outage)"
        r"\s*#?\s*(?P<number>\d+)\s*(?:[:.|–—-]\s*(?P<title>.*))?$",
        re.IGNORECASE,
    ),
    re.compile(r"^inc[-\s#]?(?P<number>\d+)\s*[:.|–—-]?\s*(?P<title>.*)$", re.I),
    re.compile(r"^#(?P<number>\d+)\s*[:.|–—-]?\s*(?P<title>.+)$"),
)
_SEVERITIES = (
    ("critical", r"critical|sev[-\s]?[01]|p0"),
    ("high", r"high|major|sev[-\s]?2|p1"),
    ("medium", r"medium|moderate|sev[-\s]?3|p2"),
    ("low", r"low|minor|sev[-\s]?[45]|p[34]"),
)
_SEVERITY = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{words})\b)" for name, words in _SEVERITIES), re.I
)
_STATUSES = {
    "open": "open", "investigating": "investigating", "identified": "identified",
    "mitigating": "mitigating", "mitigated": "mitigated", "monitoring": "monitoring",
    "validating": "validating", "verifying": "validating", "deployed": "deployed",
    "resolved": "resolved", "closed": "closed", "blocked": "blocked",
    "in progress": "in-progress", "draft": "draft", "complete": "resolved",
    "completed": "resolved", "done": "resolved", "fixed": "resolved",
}  # fmt: skip
_STATUS = re.compile(r"\b(" + "|".join(map(re.escape, _STATUSES)) + r")\b", re.I)
_SEGMENTS = re.compile(r"\s+[-–—/|→]\s+|\s*->\s*")
_DENIED = re.compile(
    r"\b(?:not|never|no|nor|yet to be|partially|partly|half)(?:\s+(?:yet|been|be|"
    r"fully|quite))*\s*$",
    re.IGNORECASE,
)
"""Words right before a status word that say it does not (wholly) hold."""
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
)
_ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


class Title(NamedTuple):
    text: str
    number: int | None
    prefix: str | None
    """What the number follows, as written (`Session`, `Incident #`, `INC-`)."""


def split_title(text: str) -> Title:
    """`Incident #12: Checkout` → Title("Checkout", 12, "Incident #")."""
    text = text.strip()
    for pattern in _TITLES:
        match = pattern.match(text)
        if match:
            title = (match["title"] or "").strip()
            prefix = text[: match.start("number")].strip() if title else None
            return Title(title or text, int(match["number"]), prefix)
    return Title(text, None, None)


def severity_of(text: str) -> str | None:
    """critical, high, medium or low: the earliest a text names."""
    match = _SEVERITY.search(text)
    return match.lastgroup if match else None


def status_of(text: str) -> str | None:
    """The lifecycle word of a status: `FIX DEPLOYED - VALIDATING` → validating.
    A word said not to hold (`not deployed`, `partially resolved`) is no status:
    `IN PROGRESS - builds locally, not deployed` → in-progress."""
    for segment in reversed(_SEGMENTS.split(text)):
        for match in _STATUS.finditer(segment):
            if not _DENIED.search(segment[: match.start()]):
                return _STATUSES[match[1].lower()]
    return None


def date_in(text: str) -> date | None:
    """A date written as the whole text, or the first ISO date inside it."""
    value = text.strip().strip("`*_ ")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    match = _ISO_DATE.search(text)
    if match:
        try:
            return date.fromisoformat(match[1])
        except ValueError:
            return None
    return None


class Field(NamedTuple):
    """A `Key: value` line of the header."""

    key: str
    """What the key means: date, time, status, people… (see METADATA_KEYS)."""
    role: str
    """The key as written, normalized (`engineer`, `incident commander`)."""
    value: str
    line: int
    name: str = ""
    """The key as written (`Incident Commander`)."""


_PLAIN_KEY = re.compile(r"^(?P<name>[A-Za-z][\w /-]{0,30}):[ \t]+(?P<rest>\S.*)$")


def read_field(text: str, line: int) -> Field | None:
    """`**Date:** 2025-11-04` (or a known `Date: …`) as a Field."""
    text = text.strip().removesuffix("\\").strip()
    label = split_label(text)
    if label is None:
        plain = _PLAIN_KEY.match(text)
        if plain is None or normalize(plain["name"]) not in METADATA_KEYS:
            return None
        label_name, rest = plain["name"], plain["rest"]
    else:
        label_name, rest = label.name, label.rest
    role = normalize(label_name)
    key = METADATA_KEYS.get(role)
    if key is None or not rest:
        return None
    return Field(key, role, rest.strip(), line, label_name.strip())


_NAMES = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_SESSION_REF = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9][a-z0-9-]*$")


def simple_value(field: Field) -> Any:
    """The session value of a field that needs no date or timeline, or None."""
    value = field.value.strip("`")
    if field.key == "status":
        return status_of(value)
    if field.key == "severity":
        return severity_of(value)
    if field.key == "methodology":
        return field.value
    if field.key == "people":
        names = [n.strip() for n in _NAMES.split(field.value) if n.strip()]
        return [{"name": name, "role": field.role} for name in names] or None
    if field.key == "tags":
        tags = [t.strip("#` ") for t in re.split(r"[,\s]+", field.value)]
        return [tag for tag in tags if tag] or None
    if field.key == "previous" and _SESSION_REF.match(value):
        return value
    if field.key == "number" and value.isdigit():
        return int(value)
    return None
