"""Typed figures: a `Stats` list (`Time to detection: 5 minutes`, `TTR: 2h`,
`Customers affected: 305`) becomes the impact's numbers: a number with its unit in
the measure's name where the value is one, the value as typed text otherwise."""

from __future__ import annotations

import re
from typing import Any

from journal.importer.context import Context
from journal.importer.document import Block, is_list, read_items
from journal.importer.labels import normalize
from journal.importer.plans import plain

FIGURE_SECTIONS = frozenset(
    {"stats", "statistics", "metrics", "key metrics", "figures", "key figures",
     "numbers", "by the numbers", "incident metrics", "incident stats"}
)  # fmt: skip
_ITEM = re.compile(r"^(?P<name>[^:\n]{1,60}?)\s*:\s*(?P<value>[^\n]{1,200})$")
_NUMBER = re.compile(
    r"^~?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<unit>[^\W\d][\w%]*|%)?\.?$"
)


def is_figures(title: str) -> bool:
    return normalize(title) in FIGURE_SECTIONS


def take_figures(ctx: Context, blocks: list[Block]) -> list[Block]:
    """Add the `Name: value` lists among `blocks` to the impact's numbers; return
    the other blocks (and any list with an item that is not a figure)."""
    rest: list[Block] = []
    for block in blocks:
        figures = _figures(ctx, block) if is_list(block) else None
        if figures is None:
            rest.append(block)
            continue
        impact: dict[str, Any] = ctx.session.setdefault("impact", {})
        impact.setdefault("numbers", {}).update(figures)
    return rest


def _figures(ctx: Context, block: Block) -> dict[str, Any] | None:
    items = read_items(ctx.doc, block)
    found: dict[str, Any] = {}
    known = ctx.session.get("impact", {}).get("numbers", {})
    for item in items:
        match = _ITEM.match(plain(item.text))
        if match is None or item.extra or item.checked is not None:
            return None
        name, value = _figure(plain(match["name"]), match["value"].strip())
        if name in found or name in known:
            return None
        found[name] = value
    return found or None


def _figure(name: str, value: str) -> tuple[str, Any]:
    number = _NUMBER.match(value)
    if number is None:
        return name, value
    digits = number["n"].replace(",", "")
    parsed: int | float = float(digits) if "." in digits else int(digits)
    if number["unit"]:
        return f"{name} ({number['unit']})", parsed
    return name, parsed
