"""Timeline events from a timeline section, in each shape reports write them:
tables with a time column, stamped bullets, stamped headings, stamped paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from journal.importer.context import Context, event_kind, make_event
from journal.importer.document import Block
from journal.importer.labels import classify_heading
from journal.importer.listitems import is_list, read_items
from journal.importer.stamps import (
    Resolver,
    Stamp,
    match_stamp,
    written_time,
    zone_mentioned,
    zone_word,
)
from journal.importer.tables import Row, Table, read_table

_DATE_COLUMNS = frozenset({"date", "day"})


def _is_time_column(name: str) -> bool:
    return name.startswith(("time", "timestamp", "when", "date time", "datetime"))


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

    def resolve(self, stamp: Stamp, line: int) -> datetime | None:
        at = self.resolver.resolve(stamp, self.zone)
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
        if original:
            event["original"] = original
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
            self.append(self.ctx.text([block]))
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
        stamp = match_stamp(block.inline)
        if stamp is None or (stamp.clock is None and stamp.rest):
            self.residual.append(block)
            return
        at = self.resolve(stamp, block.start)
        if at is not None:
            self.under_heading = self.add(at, stamp.rest, stamp)
        elif stamp.clock is not None:
            self.residual.append(block)

    def bullets(self, block: Block) -> bool:
        items = read_items(self.ctx.doc, block)
        stamps = [match_stamp(item.text) for item in items]
        first = next((s for s in stamps if s is not None), None)
        if first is None or (first.day is None and self.resolver.day is None):
            if first is not None:
                self.resolve(first, block.start)
            return False
        for item, stamp in zip(items, stamps, strict=True):
            at = self.resolve(stamp, item.line) if stamp else None
            if stamp is not None and at is not None:
                extra = f"\n{item.extra}" if item.extra else ""
                self.add(at, stamp.rest + extra, stamp)
            elif stamp is None or stamp.rest:
                self.append(stamp.rest if stamp else item.full)
        return True

    def paragraph(self, block: Block) -> bool:
        lines = block.inline.split("\n")
        first = match_stamp(lines[0])
        if first is None or first.clock is None:
            return False
        if first.day is None and self.resolver.day is None:
            self.resolve(first, block.start)
            return False
        for line in lines:
            stamp = match_stamp(line)
            at = self.resolve(stamp, block.start) if stamp else None
            if stamp is not None and at is not None:
                self.add(at, stamp.rest, stamp)
            else:
                self.append(line.strip())
        return True

    def table(self, block: Block) -> bool:
        table = read_table(block)
        time_col = table.column(_is_time_column)
        if time_col is None:
            return False
        date_col = table.column(lambda name: name in _DATE_COLUMNS)
        zone_name = zone_word(table.header[time_col])
        zone = zone_mentioned(table.header[time_col])
        rows = [
            (row, match_stamp(_stamp_text(row, time_col, date_col)))
            for row in table.rows
        ]
        first = next((s for _, s in rows if s is not None), None)
        if first is None or (first.day is None and self.resolver.day is None):
            if first is not None:
                self.resolve(first, block.start)
            return False
        # The time column's zone shows in each event's original time, if it must.
        self.ctx.label("timeline.time", _without(table.header[time_col], zone_name))
        cells = _Cells(table, {time_col, date_col})
        cells.named = self.ctx.label("timeline.text", cells.header(cells.text))
        for row, stamp in rows:
            text = cells.text_of(row)
            at = self.resolver.resolve(stamp, zone or self.zone) if stamp else None
            if stamp is None or at is None:
                self.ctx.warn(row.line + 1, "timeline row without a readable time")
                self.append(" ".join(filter(None, [row.get(time_col), text])))
                continue
            self.add(at, " ".join(filter(None, [stamp.rest, text])), stamp, zone_name)
        return True


def _stamp_text(row: Row, time_col: int, date_col: int | None) -> str:
    if date_col is None or date_col == time_col:
        return row.get(time_col)
    return f"{row.get(date_col)} {row.get(time_col)}".strip()


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

    def header(self, column: int) -> str:
        header = self.table.header
        return header[column] if column < len(header) else ""

    def text_of(self, row: Row) -> str:
        """The row's text, then any other cell as `Header: cell` (the text cell
        too when the report prints other words than its header)."""
        cells = [
            (i, cell) for i, cell in enumerate(row.cells) if i not in self.skip and cell
        ]
        return " — ".join(
            cell if i == self.text and self.named else f"{self.header(i)}: {cell}"
            for i, cell in cells
        )


def extract_timeline(ctx: Context, title: str, blocks: list[Block]) -> list[Block]:
    """Add the events of a timeline section; return the blocks that are not events."""
    timeline = _Timeline(ctx, ctx.resolver(), zone_mentioned(title), zone_word(title))
    for block in blocks:
        timeline.feed(block)
    for event in timeline.events:
        # Text under a stamped heading arrives after the event: judge the whole.
        if event["kind"] != "commit":
            event["kind"] = event_kind(event.get("text", ""))
    ctx.events.extend(timeline.events)
    return timeline.residual
