"""The report's header: the title heading and the `**Key:** value` lines below it.

A line becomes a field only when the field keeps every word of it; otherwise the
line is also kept verbatim (as the `Details` section), so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from journal.importer.context import Context
from journal.importer.dating import day_in_cell, day_in_text, is_date_key
from journal.importer.document import Block
from journal.importer.listitems import read_items
from journal.importer.metadata import Field, date_in, read_field, simple_value
from journal.importer.stamps import Resolver, match_stamp, range_end, zone_mentioned
from journal.importer.tables import read_table, table_kind

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
        content = block.inline.split("\n")
        return [
            (text, lines[block.start + i], block.start + i)
            for i, text in enumerate(content)
            if block.start + i < block.end
        ]
    return [
        (item.full, ctx.text([child]), child.start)
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
            units.append(((ctx.text([block]), None),))
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
