"""List items: their text, checkbox, and nested content as indented Markdown."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from journal.importer.document import Block, Document

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
    parts = []
    for block in blocks:
        source = "\n".join(doc.lines[block.start : block.end]).rstrip()
        parts.append(textwrap.indent(textwrap.dedent(source), "  "))
    return "\n".join(parts)


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
