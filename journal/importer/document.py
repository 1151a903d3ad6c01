"""The Markdown source as blocks with line ranges, grouped under their headings; the
list items (text, checkbox, nested content) and tables (header and rows of raw inline
cells) of those blocks."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journal.importer.labels import normalize

if TYPE_CHECKING:
    from markdown_it.token import Token

_LEAF_TYPES = frozenset({"fence", "code_block", "hr", "html_block"})


@dataclass(frozen=True)
class Block:
    """One block of the source: a heading, paragraph, list, table, fence…"""

    kind: str
    """Token type without `_open`: heading, paragraph, bullet_list, fence, raw…"""
    tokens: tuple[Token, ...]
    start: int
    """First line, 0-based."""
    end: int
    """Line after the last one."""
    index: int = -1
    """Position among the document's top-level blocks; -1 for nested blocks."""

    @property
    def inline(self) -> str:
        """The raw inline Markdown of a heading or paragraph ('' for others)."""
        if self.kind in {"heading", "paragraph"} and len(self.tokens) > 1:
            return self.tokens[1].content.strip()
        return ""

    @property
    def level(self) -> int:
        """The heading level (1 for `#`), 0 for anything else."""
        if self.kind != "heading":
            return 0
        tag = self.tokens[0].tag
        return int(tag[1:]) if tag[1:].isdigit() else 1

    @property
    def info(self) -> str:
        """The language of a fence."""
        return self.tokens[0].info.strip().split(" ")[0] if self.tokens else ""

    @property
    def code(self) -> str:
        """The content of a fence or indented code block."""
        return self.tokens[0].content.rstrip("\n") if self.tokens else ""

    def children(self) -> list[Block]:
        """The blocks one level inside (list items of a list, blocks of an item)."""
        if len(self.tokens) < 3:
            return []
        return split_blocks(self.tokens[1:-1], self.tokens[0].level + 1)


def _close_index(tokens: Sequence[Token], open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


def split_blocks(tokens: Sequence[Token], level: int) -> list[Block]:
    """Group a token stream into the blocks at `level`."""
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != level or token.nesting == -1 or token.type == "inline":
            i += 1
            continue
        last = _close_index(tokens, i) if token.nesting == 1 else i
        kind = token.type.removesuffix("_open")
        if token.nesting == 1 or token.type in _LEAF_TYPES:
            start, end = token.map if token.map else (0, 0)
            blocks.append(Block(kind, tuple(tokens[i : last + 1]), start, end))
        i = last + 1
    return blocks


@dataclass
class Section:
    """A heading with the blocks under it and its sub-sections."""

    heading: Block
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.heading.inline


@dataclass(frozen=True)
class Document:
    """The parsed source: its lines, title heading, preamble and sections."""

    lines: tuple[str, ...]
    title: Block | None
    preamble: tuple[Block, ...]
    sections: tuple[Section, ...]
    blocks: tuple[Block, ...]

    def source(self, blocks: Iterable[Block]) -> str:
        """The verbatim source of these blocks, with the lines between neighbours.

        Thematic breaks at either end are left out: they separate sections.
        """
        ordered = sorted(blocks, key=lambda b: b.start)
        while ordered and ordered[0].kind == "hr":
            ordered.pop(0)
        while ordered and ordered[-1].kind == "hr":
            ordered.pop()
        parts: list[str] = []
        for i, block in enumerate(ordered):
            if i:
                parts.append(self._gap(ordered[i - 1], block))
            parts.append("\n".join(self.lines[block.start : self._end(block)]))
        return "".join(parts).strip("\n")

    def _end(self, block: Block) -> int:
        """The line after the block's last non-blank line."""
        end = min(block.end, len(self.lines))
        while end > block.start and not self.lines[end - 1].strip():
            end -= 1
        return end

    def _gap(self, before: Block, after: Block) -> str:
        if before.index >= 0 and after.index == before.index + 1:
            return "\n".join(["", *self.lines[self._end(before) : after.start], ""])
        return "\n\n"


def _with_raw_lines(blocks: list[Block], lines: Sequence[str]) -> list[Block]:
    """Add `raw` blocks for non-blank lines no token covers (link definitions)."""
    covered = {n for block in blocks for n in range(block.start, block.end)}
    raw = [
        Block("raw", (), n, n + 1)
        for n, line in enumerate(lines)
        if n not in covered and line.strip()
    ]
    merged = sorted([*blocks, *raw], key=lambda b: b.start)
    return [
        Block(b.kind, b.tokens, b.start, b.end, index) for index, b in enumerate(merged)
    ]


def _build_tree(blocks: Sequence[Block]) -> list[Section]:
    roots: list[Section] = []
    stack: list[Section] = []
    for block in blocks:
        if block.kind != "heading":
            if stack:
                stack[-1].blocks.append(block)
            continue
        section = Section(block)
        while stack and stack[-1].heading.level >= block.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


def build_document(
    lines: Sequence[str],
    tokens: Sequence[Token],
    *,
    is_title: Callable[[Block], bool],
) -> Document:
    """Blocks and heading tree of the token stream of `lines`.

    `is_title(heading)` says whether a leading level-1 heading is the report's
    title (the caller decides: `# Timeline` is a section).
    """
    blocks = _with_raw_lines(split_blocks(tokens, 0), lines)
    headings = [b for b in blocks if b.kind == "heading"]
    title = None
    if headings and headings[0].level == 1 and is_title(headings[0]):
        title = headings[0]
    rest = [b for b in blocks if b is not title]
    first = next((i for i, b in enumerate(rest) if b.kind == "heading"), len(rest))
    return Document(
        lines=tuple(lines),
        title=title,
        preamble=tuple(rest[:first]),
        sections=tuple(_build_tree(rest[first:])),
        blocks=tuple(blocks),
    )


_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]+")


@dataclass(frozen=True)
class Item:
    text: str
    """The first paragraph's raw inline Markdown, without a checkbox."""
    checked: bool | None
    """True for `[x]`, False for `[ ]`, None for a plain item."""
    extra: str
    """The rest of the item as Markdown indented by two spaces ('' if none)."""
    blocks: tuple[Block, ...]
    """The item's blocks after its first paragraph."""
    line: int

    @property
    def full(self) -> str:
        """The text with the nested content below it."""
        return f"{self.text}\n{self.extra}" if self.extra else self.text


def indented(doc: Document, blocks: tuple[Block, ...] | list[Block]) -> str:
    """Nested blocks as Markdown dedented to their own margin, then indented by 2."""
    sources = ("\n".join(doc.lines[b.start : b.end]).rstrip() for b in blocks)
    return "\n".join(textwrap.indent(textwrap.dedent(s), "  ") for s in sources)


def read_item(doc: Document, item: Block) -> Item:
    """One `list_item` block."""
    children = item.children()
    first = children[0] if children and children[0].kind == "paragraph" else None
    rest = tuple(children[1:] if first else children)
    text = first.inline if first else ""
    checked: bool | None = None
    box = _CHECKBOX.match(text)
    if box:
        checked = box.group(1) != " "
        text = text[box.end() :]
    extra = indented(doc, rest)
    if not text and extra:
        text, extra = textwrap.dedent(extra).strip(), ""
    return Item(text, checked, extra, rest, item.start)


def read_items(doc: Document, block: Block) -> list[Item]:
    """The items of a bullet or ordered list block."""
    return [read_item(doc, child) for child in block.children()]


def is_list(block: Block) -> bool:
    return block.kind in {"bullet_list", "ordered_list"}


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
