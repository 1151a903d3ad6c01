"""Markdown tables as a header and rows of raw inline cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from journal.importer.document import Block
from journal.importer.labels import normalize


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    line: int
    """0-based source line of the row."""

    def get(self, column: int | None) -> str:
        if column is None or column >= len(self.cells):
            return ""
        return self.cells[column]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, accept: Callable[[str], bool]) -> int | None:
        """The first column whose normalized header `accept` takes."""
        return next(
            (i for i, name in enumerate(self.header) if accept(normalize(name))),
            None,
        )

    def heading(self, column: int) -> str:
        """The header of `column`; '' for a column past the header row."""
        return self.header[column] if column < len(self.header) else ""


def read_table(block: Block) -> Table:
    """The cells of a `table` block (raw inline Markdown, stripped)."""
    header: list[str] = []
    rows: list[Row] = []
    current: list[str] = []
    line = block.start
    in_head = False
    for token in block.tokens:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "tbody_open":
            in_head = False
        elif token.type == "tr_open":
            current = []
            line = token.map[0] if token.map else line
        elif token.type == "inline":
            current.append(token.content.strip())
        elif token.type == "tr_close":
            if in_head:
                header = current
            else:
                rows.append(Row(tuple(current), line))
    return Table(tuple(header), tuple(rows))


OPTION_COLUMNS = frozenset({"option", "options", "approach", "alternative", "solution"})
"""Headers of the column that names each option of an options table."""


def table_kind(block: Block) -> str | None:
    """`options` or `timeline` when a table's columns say so, else None."""
    if block.kind != "table":
        return None
    table = read_table(block)
    names = {normalize(name) for name in table.header}
    if OPTION_COLUMNS & names and names & {"pros", "cons", "decision"}:
        return "options"
    if any(name.startswith(("time", "timestamp", "when")) for name in names):
        return "timeline"
    return None
