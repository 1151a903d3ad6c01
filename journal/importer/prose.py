"""Prose sections (summary, detection, root cause, fix, impact): labelled parts go to
their fields, code to snippets, everything else to the summary verbatim."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from journal.importer.context import Context
from journal.importer.document import Block
from journal.importer.labels import SLOTS, classify_heading, normalize, split_label
from journal.importer.listitems import is_list, read_items
from journal.importer.tables import table_kind

Delegate = Callable[[str, str, list[Block]], None]
"""Hands blocks of another kind (an options table inside the fix) to its extractor."""

_SCALARS = frozenset({"location", "trigger"})
_SNIPPET_KINDS = frozenset({"detection", "root_cause", "fix"})
_LIST_SLOTS = frozenset({"evidence", "rationale", "symptoms", "affected", "restored"})
_PATH = re.compile(r"`([^`]+)`|(\S+/\S+|\S+\.[A-Za-z]{1,5}\b)")
_LINES = re.compile(r"\blines?\s+(\d+)(?:\s*(?:-|–|to)\s*(\d+))?", re.IGNORECASE)


def parse_location(text: str) -> tuple[str, bool]:
    """`` `a/b.py` (lines 1-2) `` → ("a/b.py:1-2", True if nothing else was said)."""
    path = _PATH.search(text)
    if not path:
        return text, True
    where = path.group(1) or path.group(2)
    lines = _LINES.search(text)
    if lines and ":" not in where:
        where += f":{lines[1]}" + (f"-{lines[2]}" if lines[2] else "")
    rest = text.replace(path.group(0), "")
    rest = _LINES.sub("", rest) if lines else rest
    return where, not re.search(r"\w", rest)


def _is_caption(text: str) -> bool:
    """A short line ending in a colon, right above a code block."""
    return len(text) <= 100 and "\n" not in text and text.endswith(":")


@dataclass
class _Prose:
    ctx: Context
    kind: str
    delegate: Delegate
    slots: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    summary: list[Block] = field(default_factory=list)
    heading_slot: str | None = None
    next_slot: str | None = None
    caption: str | None = None

    def put(self, slot: str, value: str) -> None:
        if slot in _SCALARS and slot not in self.fields:
            self.fields[slot] = value
        elif slot in _SCALARS:
            self.fields.setdefault("evidence", []).append(value)
        else:
            self.fields.setdefault(slot, []).append(value)

    def feed(self, blocks: list[Block]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            i += 2 if self.feed_one(block, following) else 1

    def feed_one(self, block: Block, following: Block | None) -> bool:
        """Take one block; True when it also took the following one."""
        slot, self.next_slot = self.next_slot, None
        if block.kind == "heading":
            self.heading(block)
        elif block.kind == "paragraph":
            return self.paragraph(block, following, slot)
        elif block.kind in {"fence", "code_block"}:
            self.snippet(block)
        elif is_list(block) and (slot or self.heading_slot) in _LIST_SLOTS:
            target = slot or self.heading_slot or ""
            for item in read_items(self.ctx.doc, block):
                self.put(target, item.full)
        elif (other := table_kind(block)) is not None:
            self.delegate(other, "", [block])
        elif block.kind != "hr":
            self.summary.append(block)
        return False

    def heading(self, block: Block) -> None:
        slot = self.slots.get(normalize(block.inline))
        self.heading_slot = None
        if _names(block, self.kind):
            # `Contributing Factors` names the section and what its lists are.
            self.heading_slot = slot if slot != "caption" else None
            return
        if slot is None or slot == "caption":
            self.summary.append(block)
        else:
            self.heading_slot = slot

    def paragraph(
        self, block: Block, following: Block | None, slot: str | None
    ) -> bool:
        label = split_label(block.inline)
        if label is not None:
            return self.labelled(block, label.name, label.rest, following)
        if self.before_code(following) and _is_caption(block.inline):
            self.caption = block.inline.removesuffix(":").strip()
        elif slot is not None:
            self.put(slot, block.inline)
        else:
            self.summary.append(block)
        return False

    def labelled(
        self, block: Block, name: str, rest: str, following: Block | None
    ) -> bool:
        slot = self.slots.get(normalize(name))
        other = classify_heading(name)
        if self.before_code(following) and not rest and slot in (None, "caption"):
            self.caption = name
        elif slot == "caption":
            self.summary.append(block)
        elif slot == "location" and rest:
            where, complete = parse_location(rest)
            self.put(slot, where)
            if not complete:
                self.summary.append(block)
        elif slot and rest:
            self.put(slot, rest)
        elif slot:
            self.next_slot = slot
        elif other and other != self.kind and not rest and following is not None:
            self.delegate(other, name, [following])
            return True
        else:
            self.summary.append(block)
        return False

    def before_code(self, following: Block | None) -> bool:
        """Whether the following block is code that becomes a snippet."""
        has_snippets = self.kind in _SNIPPET_KINDS
        return has_snippets and following is not None and following.kind == "fence"

    def snippet(self, block: Block) -> None:
        if self.kind not in _SNIPPET_KINDS:
            self.summary.append(block)
            return
        snippet = {"lang": block.info or "text", "code": block.code}
        if self.caption:
            snippet["caption"] = self.caption
            self.caption = None
        self.fields.setdefault("snippets", []).append(snippet)


def _names(block: Block, kind: str) -> bool:
    return block.kind == "heading" and classify_heading(block.inline) == kind


def _merge(target: dict[str, Any], fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if isinstance(value, list):
            target.setdefault(key, []).extend(value)
        elif key == "summary" and key in target:
            target[key] = f"{target[key]}\n\n{value}"
        elif key in target:
            target.setdefault("evidence", []).append(value)
        else:
            target[key] = value


def extract_prose(
    ctx: Context, kind: str, blocks: list[Block], delegate: Delegate
) -> None:
    """Fill the prose field `kind` (merging with what an earlier section gave)."""
    if kind == "summary":
        kept = [b for b in blocks if not _names(b, "summary")]
        if text := ctx.text(kept):
            _merge(ctx.session, {"summary": text})
        return
    prose = _Prose(ctx, kind, delegate, SLOTS.get(kind, {}))
    prose.feed(blocks)
    text = ctx.text(prose.summary)
    fields = ({"summary": text} if text else {}) | prose.fields
    if fields:
        _merge(ctx.session.setdefault(kind, {}), fields)
