"""One heading a name: a free section named like a part the report already has is
joined to the end of that part.

An import reads what it can of a report's "Action Items" into next steps and keeps
the rest (a lead-in sentence, a code block) as a free section of the same name, so
the report showed "Action Items" twice, and the site's table of contents with it.
Free sections render last (templates/report/sections.md.j2); this moves such a
section's text up under the part it came from, after what the part shows.
"""

from __future__ import annotations

from collections.abc import Iterable

from journal.render import escape


def join_repeated_parts(text: str, titles: Iterable[str]) -> str:
    """`text` with each second `## Title` block of a free section moved under the
    first; unchanged (and unparsed: most reports) when no title repeats."""
    headings = {f"## {escape.inline(title)}" for title in titles}
    # Case-folded: a part's "Lessons learned", a section's "Lessons Learned".
    folded = text.casefold()
    if not any(folded.count(f"\n{h.casefold()}\n") > 1 for h in headings):
        return text
    lines = text.split("\n")
    blocks = _h2_blocks(text)
    first: dict[str, int] = {}
    moves: list[tuple[int, int, int]] = []
    for index, (start, end, heading) in enumerate(blocks):
        first.setdefault(heading, index)
        if first[heading] != index and lines[start] in headings:
            moves.append((first[heading], start, end))
    if not moves:
        return text
    lead, after = _moved_text(lines, moves)
    moved = {start for _, start, _ in moves}
    out: list[str] = []
    cursor = 0
    for index, (start, end, _) in enumerate(blocks):
        out.extend(lines[cursor:start])  # what lies between parts stays where it is
        cursor = end
        if start in moved:
            continue
        if index not in lead and index not in after:
            out.extend(lines[start:end])
            continue
        part = _trimmed(lines[start:end])
        out += [part[0], "", *lead.get(index, []), *_trimmed(part[1:]), ""]
        out += after.get(index, [])
    return "\n".join(out + lines[cursor:])


def _moved_text(
    lines: list[str], moves: list[tuple[int, int, int]]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """What goes right under each part's heading, and what goes after its text."""
    lead: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    for target, start, end in moves:
        body = _trimmed(lines[start + 1 : end])
        # A lone sentence ending in a colon ("We are committed to:") introduced
        # the list the part now shows: it goes before it, not after.
        leads_in = bool(body) and "" not in body and body[-1].rstrip().endswith(":")
        (lead if leads_in else after).setdefault(target, []).extend([*body, ""])
    return lead, after


def _h2_blocks(text: str) -> list[tuple[int, int, str]]:
    """(first line, end line, heading) of each top-level `##` part; a part ends at
    the next one or at a top-level rule (the footer)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    starts: list[tuple[int, str]] = []
    rules: list[int] = []
    for i, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        if token.type == "heading_open" and token.tag == "h2":
            starts.append((token.map[0], tokens[i + 1].content.strip().casefold()))
        elif token.type == "hr":
            rules.append(token.map[0])
    total = text.count("\n") + 1
    blocks = []
    for n, (start, heading) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else total
        end = min([end, *(r for r in rules if r > start)])
        blocks.append((start, end, heading))
    return blocks


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines
