"""Prose sections (summary, detection, root cause, fix, impact): labelled parts go to
their fields, code to snippets, everything else to the summary verbatim.

Code becomes a snippet only where the report shows snippets, after the part's
text: a block the text goes on after ("requests like the following:", then the
log, then what it shows) stays in the text where it stood, with its caption, so
no sentence points at code printed further down and no sub-heading is left
empty."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from journal.importer.context import Context
from journal.importer.document import Block, is_list, read_items, table_kind
from journal.importer.labels import (
    SLOTS,
    classify_heading,
    normalize,
    part_key,
    split_label,
)
from journal.importer.plans import plain

Delegate = Callable[[str, str, list[Block]], None]
"""Hands blocks of another kind (an options table inside the fix) to its extractor."""

_SCALARS = frozenset({"location", "trigger"})
_SNIPPET_KINDS = frozenset({"detection", "root_cause", "fix"})
_LIST_SLOTS = frozenset({"evidence", "rationale", "symptoms", "affected", "restored"})
_AS_TEXT = "text"
"""The `next_slot` that keeps the next block as text (a label the part cannot use)."""
_PATH = re.compile(r"`([^`]+)`|(\S+/\S+|\S+\.[A-Za-z]{1,5}\b)")
_LINES = re.compile(
    r"\b(?P<word>lines?)\s+(\d+)(?:\s*(?P<to>-|–|to)\s*(\d+))?", re.IGNORECASE
)


class Location(NamedTuple):
    where: str
    """`path:lines`, e.g. `a/b.py:1-2`."""
    complete: bool
    """Whether `where` says all the text said."""
    word: str | None
    """The word before the line range as written (`lines`), if any."""


def read_location(text: str) -> Location:
    """`` `a/b.py` (lines 1-2) `` → Location("a/b.py:1-2", True, "lines")."""
    path = _PATH.search(text)
    if not path:
        return Location(text, True, None)
    where = path.group(1) or path.group(2)
    lines = _LINES.search(text)
    if lines and ":" not in where:
        where += f":{lines[2]}" + (f"-{lines[4]}" if lines[4] else "")
    rest = text.replace(path.group(0), "")
    rest = _LINES.sub("", rest) if lines else rest
    # `lines 3 to 5` shows as `3-5`: its `to` is a word the location drops.
    complete = not re.search(r"\w", rest) and not (lines and lines["to"] == "to")
    return Location(where, complete, lines["word"] if lines else None)


def _is_caption(text: str) -> bool:
    """A short line ending in a colon, right above a code block."""
    return len(text) <= 100 and "\n" not in text and text.endswith(":")


@dataclass
class _Prose:
    ctx: Context
    kind: str
    delegate: Delegate
    slots: dict[str, str]
    titled: bool
    """Whether the report prints the section's own heading as the part's heading."""
    fields: dict[str, Any] = field(default_factory=dict)
    summary: list[Block] = field(default_factory=list)
    heading_slot: str | None = None
    slot_heading: Block | None = None
    """The sub-heading that named `heading_slot`, until it labels a list."""
    next_slot: str | None = None
    caption: str | None = None
    caption_block: Block | None = None
    before: Block | None = None
    """The block fed before the one being fed."""
    code: list[tuple[int, list[Block], dict[str, str]]] = field(default_factory=list)
    """Each code block met: where the text stood then, its blocks, its snippet."""

    def put(self, slot: str, value: str) -> None:
        if slot in _SCALARS and slot not in self.fields:
            self.fields[slot] = value
        elif slot in _SCALARS:
            self.fields.setdefault("evidence", []).append(value)
        else:
            self.fields.setdefault(slot, []).append(value)

    def claim(self, slot: str, text: str) -> bool:
        """Whether the report prints `text` as the label of `slot` (see Context)."""
        return self.ctx.label(f"{self.kind}.{slot}", plain(text))

    def feed(self, blocks: list[Block]) -> None:
        i = 0
        if blocks and _names(blocks[0], self.kind):
            self.part_heading(blocks[0])
            i = 1
        while i < len(blocks):
            block = blocks[i]
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            self.before = blocks[i - 1] if i else None
            i += 2 if self.feed_one(block, following) else 1
        self.release()
        self.place_code()

    def place_code(self) -> None:
        """Code the text goes on after stays in it; the rest become snippets."""
        end = len(self.summary)
        trailing = [snippet for at, _, snippet in self.code if at >= end]
        for at, blocks, _ in reversed(self.code):
            if at < end:
                self.summary[at:at] = blocks
        if trailing:
            self.fields.setdefault("snippets", []).extend(trailing)

    def part_heading(self, block: Block) -> None:
        """The section's heading: the part's label, or text when it is not."""
        slot = self.slots.get(normalize(block.inline))
        # `Contributing Factors` names the section and what its lists are.
        self.heading_slot = slot if slot != "caption" else None
        if not self.titled:
            self.summary.append(block)

    def feed_one(self, block: Block, following: Block | None) -> bool:
        """Take one block; True when it also took the following one."""
        slot, self.next_slot = self.next_slot, None
        if slot == _AS_TEXT:
            self.summary.append(block)
        elif block.kind == "heading":
            self.heading(block)
        elif block.kind == "paragraph":
            return self.paragraph(block, following, slot)
        elif block.kind in {"fence", "code_block"}:
            self.snippet(block)
        elif is_list(block) and slot is None and self.introduced():
            self.summary.append(block)
        elif is_list(block) and (slot or self.heading_slot) in _LIST_SLOTS:
            self.items(block, slot)
        elif (other := table_kind(block)) is not None:
            self.delegate(other, "", [block])
        elif block.kind != "hr":
            self.summary.append(block)
        return False

    def introduced(self) -> bool:
        """Whether the text just above introduces the next block ("This created a
        version mismatch where:"): the two stay together in the text."""
        before = self.before
        return (
            before is not None
            and before.kind == "paragraph"
            and bool(self.summary)
            and self.summary[-1] is before
            and before.inline.rstrip().endswith(":")
        )

    def items(self, block: Block, slot: str | None) -> None:
        """A list of `slot` (from a label just above, or from the sub-heading)."""
        target = slot or self.heading_slot or ""
        if slot is None and self.slot_heading is not None:
            if self.claim(target, self.slot_heading.inline):
                self.slot_heading = None
            self.release()
        for item in read_items(self.ctx.doc, block):
            self.put(target, item.full)

    def release(self) -> None:
        """A sub-heading that labelled no list stays as text where it stood."""
        if self.slot_heading is not None:
            self.summary.append(self.slot_heading)
            self.slot_heading = None

    def heading(self, block: Block) -> None:
        self.release()
        slot = self.slots.get(normalize(block.inline))
        self.heading_slot = None
        if slot is not None and slot != "caption":
            self.heading_slot = slot
            self.slot_heading = block
        elif (
            _names(block, self.kind)
            and self.titled
            and self.claim("summary", block.inline)
        ):
            # `### How It Was Found` under `## Problem Discovery`: the heading over
            # the part's text (`detection.summary`), the first time.
            return
        else:
            self.summary.append(block)

    def paragraph(
        self, block: Block, following: Block | None, slot: str | None
    ) -> bool:
        label = split_label(block.inline)
        if label is not None:
            return self.labelled(block, label.name, label.rest, following)
        if self.before_code(following) and _is_caption(block.inline):
            self.caption = block.inline.removesuffix(":").strip()
            self.caption_block = block
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
            self.caption_block = block
        elif slot == "caption":
            self.summary.append(block)
        elif slot == "location" and rest:
            self.location(block, name, rest)
        elif slot and rest:
            self.valued(block, slot, name, rest)
        elif slot:
            self.next_slot = slot if self.claim(slot, name) else _AS_TEXT
            if self.next_slot == _AS_TEXT:
                self.summary.append(block)
        elif other and other != self.kind and not rest and following is not None:
            if not self.ctx.label(part_key(other), plain(name)):
                self.summary.append(block)
            self.delegate(other, name, [following])
            return True
        else:
            self.summary.append(block)
        return False

    def valued(self, block: Block, slot: str, name: str, rest: str) -> None:
        """`**Trigger:** text`: the label is the slot's, or stays with the text."""
        first = slot not in _SCALARS or slot not in self.fields
        if first and self.claim(slot, name):
            self.put(slot, rest)
        else:
            self.put("evidence" if slot in _SCALARS else slot, block.inline)

    def location(self, block: Block, name: str, rest: str) -> None:
        """`**File:** `a.py` (lines 3-5)`: the location `a.py:3-5`, printed with the
        report's label and its word for the lines; what it cannot say stays text."""
        found = read_location(rest)
        if "location" in self.fields or not self.claim("location", name):
            self.put("evidence", block.inline)
            return
        self.fields["location"] = found.where
        worded = found.word is None or self.claim("lines", found.word)
        if not (found.complete and worded):
            self.summary.append(block)

    def before_code(self, following: Block | None) -> bool:
        """Whether the following block is code that becomes a snippet."""
        has_snippets = self.kind in _SNIPPET_KINDS
        return has_snippets and following is not None and following.kind == "fence"

    def snippet(self, block: Block) -> None:
        if self.kind not in _SNIPPET_KINDS:
            self.summary.append(block)
            return
        snippet = {"lang": block.info or "text", "code": block.code}
        blocks = [block]
        if self.caption:
            snippet["caption"] = self.caption
            if self.caption_block is not None:
                blocks.insert(0, self.caption_block)
            self.caption, self.caption_block = None, None
        self.code.append((len(self.summary), blocks, snippet))


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
    ctx: Context,
    kind: str,
    blocks: list[Block],
    delegate: Delegate,
    *,
    titled: bool = True,
) -> None:
    """Fill the prose field `kind` (merging with what an earlier section gave).

    `titled`: the section's heading (the first block) is printed as the part's
    heading; if not, it stays in the part's text.
    """
    if kind == "summary":
        heads = titled and bool(blocks) and _names(blocks[0], "summary")
        if text := ctx.doc.source(blocks[1:] if heads else blocks):
            _merge(ctx.session, {"summary": text})
        return
    prose = _Prose(ctx, kind, delegate, SLOTS.get(kind, {}), titled)
    prose.feed(blocks)
    text = ctx.doc.source(prose.summary)
    fields = ({"summary": text} if text else {}) | prose.fields
    if fields:
        _merge(ctx.session.setdefault(kind, {}), fields)
