"""The report's header: title and number from the H1, and the `**Key:** value` lines
below it.

A line becomes a field only when the field keeps every word of it; otherwise the
line is also kept verbatim (as the `Details` section), so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from journal.importer.context import Context
from journal.importer.dating import day_in_cell, day_in_text, is_date_key
from journal.importer.document import Block, read_items, read_table, table_kind
from journal.importer.labels import METADATA_KEYS, Label, normalize, split_label
from journal.importer.stamps import Resolver, match_stamp, range_end, zone_mentioned

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
    try:
        return date.fromisoformat(match[1]) if match else None
    except ValueError:
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
    if label is None and (plain := _PLAIN_KEY.match(text)) is not None:
        label = Label(plain["name"], plain["rest"])
    if label is None:
        return None
    role = normalize(label.name)
    key = METADATA_KEYS.get(role)
    if key is None or not label.rest:
        return None
    return Field(key, role, label.rest.strip(), line, label.name.strip())


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


_WORD = re.compile(r"[^\W\d_]+|\d+")


def words(text: str) -> set[str]:
    """The words and numbers of a text, case-folded (`04T01` counts as 04, t, 01)."""
    return set(_WORD.findall(text.casefold()))


def _strings(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_strings(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_strings(v) for v in value)
    return str(value)


def _units(ctx: Context, block: Block) -> list[tuple[str, str, int]]:
    """(text, verbatim source, line) for each line of a paragraph or list item."""
    lines = ctx.doc.lines
    if block.kind == "paragraph":
        return [
            (text, lines[n], n)
            for n, text in enumerate(block.inline.split("\n"), block.start)
            if n < block.end
        ]
    return [
        (item.full, ctx.doc.source([child]), child.start)
        for item, child in zip(
            read_items(ctx.doc, block), block.children(), strict=True
        )
    ]


def _time_range(ctx: Context, field: Field) -> dict[str, str]:
    """started from `01:00 - 01:10 UTC` (ended too for a `Started:` key; for a
    `Time:` key the range's end goes to `ctx.span_end`, an end only once the
    report says it is over); an ended key gives ended."""
    resolver = Resolver(ctx.day, ctx.zone)
    zone = zone_mentioned(field.value)
    first = match_stamp(field.value)
    start = resolver.resolve(first, zone) if first else None
    if first is None or start is None:
        return {}
    if field.key == "ended":
        return {"ended": start.isoformat()}
    times = {"started": start.isoformat()}
    second = match_stamp(first.rest)
    end = resolver.resolve(second, zone) if second else None
    if end is not None and field.key == "started":
        times["ended"] = end.isoformat()
    elif (clock := range_end(first)) is not None and not _ESTIMATE.search(field.value):
        # `09:30 - 11:45 UTC`: the span, an end once the report says it is over;
        # past midnight when it ends before it starts.
        end = datetime.combine(start.date(), clock, start.tzinfo)
        end += timedelta(days=1) if end < start else timedelta()
        ctx.span_end = ctx.span_end or end.isoformat()
    return times


_ESTIMATE = re.compile(r"estimat|expect|plan|approx|about|around|~|\?", re.IGNORECASE)
"""Words that make a time range's end a guess, not the end."""


def _apply(ctx: Context, field: Field) -> str:
    """Set what the field says; return the text that now holds its words."""
    if field.key == "date":
        day = date_in(field.value) or day_in_text(field.value)
        if day is not None and ctx.day is None:
            ctx.day = day
        return day.isoformat() if day else ""
    if field.key in {"time", "started", "ended"}:
        # An end time on a `Time:` line is a plan or an estimate, not a resolution:
        # it stays in the kept text.
        times = _time_range(ctx, field)
        for key, value in times.items():
            ctx.session.setdefault(key, value)
        return " ".join(times.values())
    value = simple_value(field)
    if value is None or field.key in ctx.session:
        return ""
    ctx.session[field.key] = value
    return _strings(value)


_LABELLED = frozenset(
    {"date", "time", "status", "severity", "methodology", "tags", "previous", "number"}
)
"""Fields the report prints under a label of its own (`header.date`…); a person's
role is printed beside the name; a start or end time only inside `Time`."""


def _printed(ctx: Context, field: Field) -> bool:
    """Whether the report prints the field's key as written: `**Lead:**` as a role,
    `**Incident Date:**` as the date's label."""
    if field.key == "people":
        return True
    return field.key in _LABELLED and ctx.label(f"header.{field.key}", field.name)


@dataclass(frozen=True)
class Header:
    """The lines of the header, each with the field it gave (or None)."""

    units: tuple[tuple[tuple[str, Field | None], ...], ...]
    printed: frozenset[int]
    """Lines of the fields the report prints, key and value."""

    def details(
        self, session: dict[str, Any], zone: tzinfo, day: date | None = None
    ) -> list[str]:
        """The lines the session does not print, verbatim (the `Details` section):
        a date prints only as the day the session starts on, in the report's zone,
        or as its `day` when it has no start (the report shows its folder's day)."""
        shown = shown_day(session, zone) if "started" in session else day

        def kept(field: Field | None) -> bool:
            if field is None or field.line not in self.printed:
                return True
            return field.key == "date" and date_in(field.value) != shown

        texts = ["\n".join(src for src, f in unit if kept(f)) for unit in self.units]
        return [text for text in texts if text.strip()]


def shown_day(session: dict[str, Any], zone: tzinfo) -> date | None:
    """The date the report's header shows: the day the session starts on."""
    started = session.get("started")
    if not isinstance(started, str):
        return None
    return datetime.fromisoformat(started).astimezone(zone).date()


def read_header(ctx: Context, blocks: tuple[Block, ...]) -> Header:
    """Apply the header's fields; `Header.details` gives what stays verbatim."""
    units: list[tuple[tuple[str, Field | None], ...]] = []
    for block in blocks:
        if block.kind in {"paragraph", "bullet_list", "ordered_list"}:
            units.append(
                tuple((src, read_field(text, n)) for text, src, n in _units(ctx, block))
            )
        elif block.kind != "hr":
            units.append(((ctx.doc.source([block]), None),))
    fields = [f for unit in units for _, f in unit if f is not None]
    # Dates first: a time on an earlier line still needs the day.
    printed = frozenset(
        f.line
        for f in sorted(fields, key=lambda f: f.key != "date")
        if words(f.value) <= words(_apply(ctx, f)) and _printed(ctx, f)
    )
    return Header(tuple(units), printed)


def metadata_table_day(ctx: Context) -> date | None:
    """The day a metadata table at the top gives (`| Date | 2024-05-01 |`, or a
    `Date` column over one row): in the preamble or the first section, never in a
    timeline's table."""
    blocks = list(ctx.doc.preamble)
    if ctx.doc.sections:
        blocks += list(ctx.doc.sections[0].blocks)
    for block in blocks:
        if block.kind != "table" or table_kind(block) == "timeline":
            continue
        table = read_table(block)
        for row in table.rows:
            if len(row.cells) >= 2 and is_date_key(row.cells[0]):
                day = day_in_cell(row.cells[1])
                if day is not None:
                    return day
        column = table.column(is_date_key)
        if column is not None and table.rows:
            day = day_in_cell(table.rows[0].get(column))
            if day is not None:
                return day
    return None
