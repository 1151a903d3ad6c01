"""Walks the heading tree: each recognized section to its extractor, the rest kept
verbatim in `sections`, in order."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from journal.importer.context import Context
from journal.importer.decisions import (
    extract_components,
    extract_lessons,
    extract_options,
)
from journal.importer.document import Block, Section, is_list
from journal.importer.labels import SINGLETONS, classify_heading, part_key, split_label
from journal.importer.plans import (
    extract_criteria,
    extract_steps,
    extract_validation,
    horizon_of,
    is_figures,
    plain,
    take_checklists,
    take_figures,
)
from journal.importer.prose import extract_prose
from journal.importer.stamps import match_stamp, phase_stamp, stamp_of
from journal.importer.timeline import extract_timeline

_LISTS: dict[str, Callable[[Context, list[Block]], list[Block]]] = {
    "options": extract_options,
    "success_criteria": extract_criteria,
    "next_steps": extract_steps,
    "validation": extract_validation,
    "components": extract_components,
}


def kind_of(title: str) -> str | None:
    """The kind of section a heading starts; a heading that is a time is an event."""
    kind = classify_heading(title)
    if kind is None:
        stamp = stamp_of(title)
        if stamp and (stamp.clock is not None or not stamp.rest):
            return "timeline"
    return kind


def _timeline_label(block: Block) -> str | None:
    """The words of a paragraph that is only a bold label naming a timeline."""
    if block.kind != "paragraph":
        return None
    label = split_label(block.inline)
    name = label.name if label and not label.rest else None
    if name is None and (bold := _BOLD_ONLY.match(block.inline)):
        name = bold[2]
    return name if name and classify_heading(name) == "timeline" else None


def _ends_timeline(block: Block) -> bool:
    if block.kind == "heading":
        return True
    label = split_label(block.inline) if block.kind == "paragraph" else None
    return label is not None and match_stamp(label.name) is None


def _is_phase_block(block: Block) -> bool:
    first = block.inline if block.kind == "paragraph" else None
    if is_list(block):
        first = next((t.content for t in block.tokens if t.type == "inline"), None)
    return first is not None and phase_stamp(first.split("\n")[0]) is not None


_BOLD_ONLY = re.compile(r"^(\*\*|__)([^*_\n]{1,80})\1$")


@dataclass
class Walker:
    ctx: Context
    recognized: int = 0

    def section(self, section: Section) -> None:
        kind = kind_of(section.title)
        if kind is None:
            self.keep(section)
            return
        self.recognized += 1
        title = plain(section.title)
        kinds = {kind_of(child.title) for child in section.children}
        single = kind in SINGLETONS and kind not in kinds and None not in kinds
        if single and not section.blocks and kinds:
            # `## Remediation` over `### Immediate actions`, `### Long-term …`.
            self.heading_only(title, section.children)
            return
        # The heading's words are the part's label, unless the report already gave
        # the part other words (a second `## Impact`): then they stay as text.
        named = classify_heading(section.title) == kind
        # `### Long-term improvements`: the heading is the steps' horizon.
        grouped = kind == "next_steps" and horizon_of(title) is not None
        titled = not named or grouped or self.ctx.label(part_key(kind), title)
        deferred: list[Section] = []
        blocks = self.stream(section, kind, deferred)
        if named and kind not in SINGLETONS and not grouped:
            # Prose reads its heading (`Contributing Factors` names its lists); a
            # stamped heading (`## 2018-10-10 15:30`) is an event of its own.
            blocks = blocks[1:]
        self.run(kind, title, blocks, titled=titled)
        for child in deferred:
            self.section(child)

    def heading_only(self, title: str, children: list[Section]) -> None:
        """A heading with only sub-sections: the part's label if they are of one
        kind and the part has no words yet; kept as an empty section otherwise."""
        kinds = {kind_of(child.title) for child in children}
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is None or not self.ctx.label(part_key(kind), title):
            self.ctx.add("sections", [{"title": title or "Notes", "body": ""}])
        for child in children:
            self.section(child)

    def stream(
        self, section: Section, kind: str | None, deferred: list[Section]
    ) -> list[Block]:
        """The section's blocks with its sub-sections' (those of another kind wait;
        of an unrecognized section, `kind` None, those of any kind)."""
        blocks = [section.heading, *section.blocks]
        for child in section.children:
            child_kind = kind_of(child.title)
            if child_kind is not None and child_kind != kind:
                deferred.append(child)
            else:
                blocks.extend(self.stream(child, kind, deferred))
        return blocks

    def run(
        self, kind: str, title: str, blocks: list[Block], *, titled: bool = True
    ) -> None:
        """Hand blocks to the extractor of `kind`; keep what it does not take.

        `titled`: the report prints `title` as the part's heading; if not, the title
        is kept with what the extractor leaves.
        """
        if kind in SINGLETONS:
            # `**Timeline:**` inside a summary: its entries are events.
            blocks = self.labelled_timelines(blocks)
            extract_prose(self.ctx, kind, blocks, self.run, titled=titled)
            return
        events = len(self.ctx.events)
        if kind == "timeline":
            residual = extract_timeline(self.ctx, title, blocks)
        elif kind in _LISTS:
            residual = _LISTS[kind](self.ctx, blocks)
        else:
            residual = extract_lessons(self.ctx, kind, blocks)
        if kind not in _LISTS:
            residual = take_checklists(self.ctx, title, residual)
        timed = len(self.ctx.events) > events
        if timed and residual and all(b.kind == "paragraph" for b in residual):
            # `All times in UTC.`: the timeline's note, not a second `Timeline`.
            session = self.ctx.session
            notes = [session.get("timeline_note"), self.ctx.doc.source(residual)]
            session["timeline_note"] = "\n\n".join(filter(None, notes))
            return
        if titled:
            self.ctx.keep(title, residual)
        else:
            section = {"title": title or "Notes", "body": self.ctx.kept_text(residual)}
            self.ctx.add("sections", [section])

    def keep(self, section: Section) -> None:
        """Keep an unrecognized section verbatim, less its recognized sub-sections."""
        deferred: list[Section] = []
        blocks = self.stream(section, None, deferred)[1:]
        title = plain(section.title) or "Notes"
        had = len(blocks)
        blocks = self.phase_steps(title, self.labelled_timelines(blocks))
        if had and not blocks and not self.ctx.label("timeline", title):
            # All of it was stamped steps, and the timeline has other words.
            self.ctx.add("sections", [{"title": title, "body": ""}])
        blocks = take_checklists(self.ctx, title, blocks)
        if is_figures(title) and self.ctx.label("impact.numbers", title):
            # `## Stats` names the impact's numbers: it heads their table.
            blocks = take_figures(self.ctx, blocks)
        if blocks or not had:  # else all of it was checklists, grouped by this title
            body = self.ctx.kept_text(blocks)
            self.ctx.add("sections", [{"title": title, "body": body}])
        for child in deferred:
            self.section(child)

    def labelled_timelines(self, blocks: list[Block]) -> list[Block]:
        """`**Timeline:**` (or `**Timeline (all times PT)**`) inside another
        section: the blocks up to the next heading or label are a timeline."""
        rest: list[Block] = []
        i = 0
        while i < len(blocks):
            label = _timeline_label(blocks[i])
            if label is None:
                rest.append(blocks[i])
                i += 1
                continue
            end = i + 1
            while end < len(blocks) and not _ends_timeline(blocks[end]):
                end += 1
            self.recognized += 1
            if not self.ctx.label("timeline", plain(label)):
                rest.append(blocks[i])  # the timeline has other words: kept
            rest.extend(extract_timeline(self.ctx, label, blocks[i + 1 : end]))
            i = end
        return rest

    def phase_steps(self, title: str, blocks: list[Block]) -> list[Block]:
        """Paragraphs and lists of steps stamped in the middle (`Phase 1 (14:00–
        14:30): …`) in a section that is not a timeline: their steps are events."""
        rest: list[Block] = []
        for block in blocks:
            if _is_phase_block(block):
                self.recognized += 1
                rest.extend(extract_timeline(self.ctx, title, [block]))
            else:
                rest.append(block)
        return rest
