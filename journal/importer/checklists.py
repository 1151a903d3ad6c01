"""Checklists anywhere (`- [ ]`, `- [x]`): a readiness list, a validation list, a
`Definition of done` under another heading. Each becomes success criteria grouped by
the heading or label above it; the rest of the section stays as it was."""

from __future__ import annotations

from journal.importer.context import Context
from journal.importer.document import Block
from journal.importer.listitems import is_list, read_items
from journal.importer.plans import label_of, plain


def is_checklist(ctx: Context, block: Block) -> bool:
    """A list whose items all have a checkbox."""
    if not is_list(block):
        return False
    items = read_items(ctx.doc, block)
    return bool(items) and all(item.checked is not None for item in items)


def take_checklists(ctx: Context, group: str, blocks: list[Block]) -> list[Block]:
    """Add the checklists among `blocks` as criteria; return the other blocks.

    `group`: the section's title, the group of a checklist no heading names.
    """
    rest: list[Block] = []
    current = group
    for block in blocks:
        label = label_of(block)
        if label is not None:
            current = plain(label) or group
        if not is_checklist(ctx, block):
            rest.append(block)
            continue
        if (
            rest
            and label_of(rest[-1]) is not None
            and plain(rest[-1].inline) == current
        ):
            # The heading or label names the group: it is not kept twice.
            rest.pop()
        criteria = [
            {"text": item.full, "done": bool(item.checked), "group": current}
            for item in read_items(ctx.doc, block)
            if item.full.strip()
        ]
        ctx.add("success_criteria", criteria)
    return rest
