"""Lessons learned: one per sub-heading (`### 1. Title` with `**Prevention:**`), or
one per list item; what went well or wrong gives the lesson's kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from journal.importer.context import Context
from journal.importer.document import Block, Item, is_list, read_items
from journal.importer.labels import (
    LESSON_FIELDS,
    LESSON_KINDS,
    classify_heading,
    normalize,
    split_label,
)
from journal.importer.plans import plain

_NUMBER = re.compile(r"^(?:lesson\s+)?\d+[.):]\s*", re.IGNORECASE)
_BOLD_LEAD = re.compile(r"^(\*\*|__)(.+?)\1\s*(?:[-–—:.]\s*)?(.*)$", re.DOTALL)
_LESSON_SECTIONS = frozenset({"lessons", *LESSON_KINDS})


@dataclass
class _Lesson:
    title: str
    kind: str | None
    detail: list[str] = field(default_factory=list)
    prevention: list[str] = field(default_factory=list)
    prevention_next: bool = False

    def take(self, ctx: Context, block: Block) -> None:
        """Add a block: `**Prevention:**` (or what the report says for it) and what
        follows it to the prevention, the rest verbatim to the detail (`**Issue:**`
        keeps its label: the report prints no label of its own for the detail)."""
        label = split_label(block.inline) if block.kind == "paragraph" else None
        role = LESSON_FIELDS.get(normalize(label.name)) if label else None
        if label is not None and role == "prevention":
            if not ctx.label("lessons.prevention", label.name):
                self.prevention.append(ctx.text([block]))
            elif label.rest:
                self.prevention.append(label.rest)
            self.prevention_next = not label.rest
            return
        if self.prevention_next:
            self.prevention.append(ctx.text([block]))
        else:
            self.detail.append(ctx.text([block]))
        self.prevention_next = False

    def as_dict(self) -> dict[str, Any]:
        lesson = {
            "title": self.title or "Lesson",
            "kind": self.kind,
            "detail": "\n\n".join(filter(None, self.detail)),
            "prevention": "\n\n".join(filter(None, self.prevention)),
        }
        return {k: v for k, v in lesson.items() if v}


def _title(text: str) -> str:
    return plain(_NUMBER.sub("", text.strip()))


def _item_lesson(item: Item, kind: str | None) -> dict[str, Any]:
    bold = _BOLD_LEAD.match(item.text)
    label = split_label(item.text)
    if label:
        title, detail = label.name, label.rest
    elif bold and bold[3]:
        title, detail = bold[2], bold[3]
    else:
        title, detail = item.text, ""
    return _Lesson(_title(title), kind, detail=[detail, item.extra]).as_dict()


def extract_lessons(ctx: Context, kind: str, blocks: list[Block]) -> list[Block]:
    """Lessons of a lessons section (`kind` lessons, went_well, went_wrong, lucky)."""
    lesson_kind = LESSON_KINDS.get(kind)
    headings = [
        b.level
        for b in blocks
        if b.kind == "heading" and classify_heading(b.inline) not in _LESSON_SECTIONS
    ]
    top = min(headings, default=0)
    residual: list[Block] = []
    lessons: list[_Lesson] = []
    for block in blocks:
        if (
            block.kind == "heading"
            and classify_heading(block.inline) in _LESSON_SECTIONS
        ):
            residual.append(block)
        elif block.kind == "heading" and block.level == top:
            lessons.append(_Lesson(_title(block.inline), lesson_kind))
        elif lessons:
            lessons[-1].take(ctx, block)
        elif is_list(block):
            items = read_items(ctx.doc, block)
            ctx.add("lessons", [_item_lesson(item, lesson_kind) for item in items])
        else:
            residual.append(block)
    ctx.add("lessons", [lesson.as_dict() for lesson in lessons])
    return residual
