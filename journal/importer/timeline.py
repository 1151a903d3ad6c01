"""Timeline events from a timeline section, in each shape reports write them:
tables with a time column, stamped bullets, stamped headings, stamped paragraphs;
and the lines that look like structure but were kept as text (a timestamp the
importer could not read, a time outside any timeline, a checkbox outside a
checklist), so a user can fix the source or report the shape."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from journal.importer.context import Context, event_kind, make_event
from journal.importer.dating import find_date, year_in
from journal.importer.document import Block, Row, Table, is_list, read_items, read_table
from journal.importer.labels import classify_heading, normalize
from journal.importer.stamps import (
    Resolver,
    Stamp,
    match_stamp,
    stamp_of,
    written_time,
    zone_mentioned,
    zone_word,
)

_UNKNOWN_CELL = re.compile(r"^\W*(?:tbd|tba|unknown|n/?a|\?+|~)\W*$", re.IGNORECASE)


def _is_time_column(name: str) -> bool:
    words = name.split()
    return bool(words) and (
        name.startswith(("time", "timestamp", "when", "date time", "datetime"))
        or "time" in words
        or words[0] in {"date", "day", "weekday", "hour"}
    )


@dataclass
class _Timeline:
    ctx: Context
    resolver: Resolver
    zone: tzinfo | None
    zone_name: str | None
    """The zone as the heading names it (`PST` of `Timeline (PST)`)."""
    events: list[dict[str, Any]] = field(default_factory=list)
    residual: list[Block] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    under_heading: dict[str, Any] | None = None
    warned_no_date: bool = False

    def placeable(self, stamp: Stamp | None, line: int) -> bool:
        """Whether the stamp can be put on a date (its own, or the timeline's); if
        not, `resolve` says so once."""
        if stamp is None:
            return False
        if stamp.day is not None or self.resolver.day is not None:
            return True
        if stamp.mark is not None and self.resolver.year is not None:
            return True
        self.resolve(stamp, line)
        return False

    def resolve(
        self, stamp: Stamp, line: int, zone: tzinfo | None = None, *, row: bool = False
    ) -> datetime | None:
        """The stamp's time; a stamp with a date and text but no time (or `--:--`),
        or a table `row`'s, is an event of that date."""
        dated = stamp.unknown or (stamp.clock is None and (row or bool(stamp.rest)))
        at = self.resolver.resolve(stamp, zone or self.zone, dated=dated)
        if at is None and stamp.clock is not None and not self.warned_no_date:
            self.warned_no_date = True
            self.ctx.warn(
                line + 1,
                "timeline times without a date: kept as text "
                "(add a **Date:** line or a date to the first time)",
            )
        return at

    def add(
        self, at: datetime, text: str, stamp: Stamp, zone: str | None = None
    ) -> dict[str, Any]:
        event = make_event(at, "\n".join([*self.pending, text]).strip())
        original = written_time(
            stamp, at, shown_in=self.ctx.zone, zone=zone or self.zone_name
        )
        if stamp.clock is None:
            # As precise as the report: the date, or the unknown time, as written.
            original = stamp.written or "time unknown"
        if original:
            event["original"] = original[:200]
        self.pending.clear()
        self.events.append(event)
        return event

    def append(self, text: str) -> None:
        if not text:
            return
        if self.events:
            last = self.events[-1]
            last["text"] = f"{last.get('text', '')}\n{text}".strip()
        else:
            self.pending.append(text)

    def feed(self, block: Block) -> None:
        if block.kind == "heading":
            self.heading(block)
            return
        if self.consume(block):
            return
        if self.under_heading is not None:
            self.append(self.ctx.doc.source([block]))
        else:
            self.residual.append(block)

    def consume(self, block: Block) -> bool:
        if block.kind == "table":
            return self.table(block)
        if is_list(block):
            return self.bullets(block)
        if block.kind == "paragraph":
            return self.paragraph(block)
        return False

    def heading(self, block: Block) -> None:
        self.under_heading = None
        if classify_heading(block.inline) == "timeline":
            self.residual.append(block)
            return
        stamp = stamp_of(block.inline)
        if stamp is None or (stamp.clock is None and stamp.rest):
            if stamp is not None:
                # `### October 21, 2025 - Redis overload`: the day of what follows.
                self.resolver.take_day(stamp)
            self.residual.append(block)
            return
        at = self.resolve(stamp, block.start)
        if at is not None:
            self.under_heading = self.add(at, stamp.rest, stamp)
        elif stamp.clock is not None:
            self.residual.append(block)

    def entry(self, stamp: Stamp | None, text: str, line: int, extra: str = "") -> None:
        """One stamped line, item or row: an event, a day, or text of the last."""
        if stamp is None:
            if (why := looks_like(text)) is not None:
                self.ctx.unread.append((line + 1, why))
            self.append(text)
            return
        if stamp.clock is None and not stamp.unknown and not stamp.rest:
            self.resolver.take_day(stamp)
            self.append(extra.strip("\n"))
            return
        at = self.resolve(stamp, line)
        if at is not None:
            self.add(at, stamp.rest + extra, stamp)
        else:
            self.append(text)

    def bullets(self, block: Block) -> bool:
        items = read_items(self.ctx.doc, block)
        stamps = [stamp_of(item.text) for item in items]
        first = next((s for s in stamps if s is not None), None)
        if not self.placeable(first, block.start):
            return False
        for item, stamp in zip(items, stamps, strict=True):
            extra = f"\n{item.extra}" if item.extra else ""
            if stamp is not None and stamp.clock is None and not stamp.rest and extra:
                # `- Oct 31` with the day's times nested under it.
                self.resolver.take_day(stamp)
                for nested in item.blocks:
                    if not self.consume(nested):
                        self.append(self.ctx.doc.source([nested]))
                continue
            self.entry(stamp, item.full, item.line, extra)
        return True

    def paragraph(self, block: Block) -> bool:
        lines = block.inline.split("\n")
        first = stamp_of(lines[0])
        if first is None or (first.clock is None and not first.mark):
            return False
        if not self.placeable(first, block.start):
            return False
        for line in lines:
            self.entry(stamp_of(line), line.strip(), block.start)
        return True

    def table(self, block: Block) -> bool:
        """A table whose leading columns say when (`Time`, `Date and Time in CET`,
        `Day | Date (2021) | Time (PT)`): each row an event, even without a time."""
        table = read_table(block)
        columns = _when_columns(table)
        if not columns:
            return False
        headers = " ".join(table.header[i] for i in columns)
        zone_name, zone = zone_word(headers), zone_mentioned(headers)
        rows = [(row, match_stamp(_stamp_text(row, columns))) for row in table.rows]
        first = next((s for _, s in rows if s is not None), None)
        if first is None:
            return False
        if self.resolver.day is None:
            self.resolver.year = year_in(headers) or self.resolver.year
        if not self.placeable(first, block.start):
            return False
        # The time column's zone shows in each event's original time, if it must.
        # `Day / Date (2021) / Time`: one column of the report says all three.
        when = " / ".join(_without(table.header[i], zone_name) for i in columns)
        self.ctx.label("timeline.time", when)
        cells = _Cells(table, set(columns))
        cells.named = self.ctx.label("timeline.text", table.heading(cells.text))
        for row, stamp in rows:
            text = cells.text_of(row)
            when = " ".join(row.get(i) for i in columns if row.get(i))
            at = self.resolve(stamp, row.line, zone, row=True) if stamp else None
            if stamp is None or at is None:
                self.ctx.warn(row.line + 1, "timeline row without a readable time")
                self.append(" ".join(filter(None, [when, text])))
                continue
            text = " ".join(filter(None, [stamp.rest, text]))
            event = self.add(at, text, stamp, zone_name)
            if stamp.unknown:
                # `TBD`, `?`: the time as the report wrote it, not as read.
                event["original"] = when
        return True


def _when_columns(table: Table) -> list[int]:
    """The leading columns that say when: named so, or holding times."""
    named = [
        i for i, name in enumerate(table.header) if _is_time_column(normalize(name))
    ]
    if named:
        # Adjacent ones only: `Day | Date | Time | Event`, not a later `Due date`.
        return [i for n, i in enumerate(named) if i == named[0] + n]
    stamped = [r for r in table.rows if match_stamp(r.get(0)) is not None]
    return [0] if table.rows and len(stamped) * 2 > len(table.rows) else []


def _stamp_text(row: Row, columns: list[int]) -> str:
    cells = (row.get(i).strip() for i in columns)
    parts = ("--:--" if _UNKNOWN_CELL.match(cell) else cell for cell in cells)
    return " ".join(part for part in parts if part)


def _without(header: str, zone: str | None) -> str:
    """`Time (PST)` → `Time`: the zone is said by each time that needs it."""
    if zone is None:
        return header
    return re.sub(
        rf"\s*[(\[]\s*{re.escape(zone)}\s*[)\]]|\s*{re.escape(zone)}", "", header
    )


@dataclass
class _Cells:
    """The text cells of a timeline table: all but the time and date columns."""

    table: Table
    skip: set[int | None]
    named: bool = True
    """Whether the report prints the text column's header (as `timeline.text`)."""

    @property
    def text(self) -> int:
        """The text column: the first that is not a time or a date."""
        columns = range(max(len(self.table.header), 1))
        return next((i for i in columns if i not in self.skip), 0)

    def text_of(self, row: Row) -> str:
        """The row's text, then any other cell as `Header: cell` (the text cell
        too when the report prints other words than its header)."""
        cells = [
            (i, cell) for i, cell in enumerate(row.cells) if i not in self.skip and cell
        ]
        return " — ".join(
            cell
            if i == self.text and self.named
            else f"{self.table.heading(i)}: {cell}"
            for i, cell in cells
        )


def extract_timeline(ctx: Context, title: str, blocks: list[Block]) -> list[Block]:
    """Add the events of a timeline section; return the blocks that are not events."""
    resolver = Resolver(ctx.day, ctx.zone, year=ctx.year)
    heading_day = find_date(title)
    if heading_day is not None and heading_day.on() is not None:
        # `Timeline (PST) 4/21/23-4/25/23`: where the timeline starts.
        resolver.day = heading_day.on()
    timeline = _Timeline(ctx, resolver, zone_mentioned(title), zone_word(title))
    for block in blocks:
        timeline.feed(block)
    for event in timeline.events:
        # Text under a stamped heading arrives after the event: judge the whole.
        if event["kind"] != "commit":
            event["kind"] = event_kind(event.get("text", ""))
    ctx.events.extend(timeline.events)
    return timeline.residual


_VERBATIM = frozenset({"fence", "code_block", "html_block"})
_LEAD = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*(?:\*\*|__|\||`)?\s*")
_TIMEISH = re.compile(
    r"^~?\d{1,2}(?:[:h][\dOo]{1,2}|\.\d{2})\b|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"
    r"|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|^(?:--|\?\?|xx):(?:--|\?\?|xx)",
    re.IGNORECASE,
)
_CHECKBOX = re.compile(r"^\s*(?:[-*+]\s*)?\[[ xX]\]\s")


def unread_lines(lines: Sequence[str], kept: Iterable[Block]) -> list[tuple[int, str]]:
    """(1-based line, reason) for each line of the kept blocks that looks like
    structure."""
    found: dict[int, str] = {}
    for block in kept:
        if block.kind in _VERBATIM or block.kind == "table":
            continue
        for n in range(block.start, min(block.end, len(lines))):
            reason = looks_like(lines[n])
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
