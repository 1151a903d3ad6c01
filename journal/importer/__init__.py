"""Importing Markdown reports: the token stream of markdown-it-py → a session; before
it is read, its YAML front matter split off and its reference links made inline."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from journal.importer.context import Context, add_commit_events
from journal.importer.dating import UNDATED, day_in_name, day_in_text, year_in
from journal.importer.document import Block, Section, build_document, is_list
from journal.importer.labels import SINGLETONS, classify_heading, part_key, split_label
from journal.importer.metadata import (
    Header,
    metadata_table_day,
    read_header,
    severity_of,
    shown_day,
    split_title,
)
from journal.importer.mojibake import repair_mojibake
from journal.importer.plans import (
    extract_components,
    extract_criteria,
    extract_lessons,
    extract_options,
    extract_steps,
    extract_validation,
    horizon_of,
    is_figures,
    plain,
    take_checklists,
    take_figures,
)
from journal.importer.prose import extract_prose
from journal.importer.stamps import match_stamp, phase_stamp, stamp_of, zone_named
from journal.importer.timeline import extract_timeline, unread_lines
from journal.model.session import HEADER_SECTIONS, Session
from journal.render.escape import _code_lines

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["ImportedReport", "parse_report"]

_ORDER = [
    field
    for field in Session.__struct_fields__
    # What `journal import` adds once the report is parsed (`import_reports`).
    if field not in ("schema", "imported_from", "facts")
]
"""The fields a parsed report may give, in the order `session.yaml` lists them."""
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ImportedReport:
    """A Markdown report read into the shapes of `session.yaml` and the timeline."""

    title: str
    session: dict[str, Any]
    """Keys and shapes of session.yaml, empty ones omitted; times as ISO strings."""
    events: list[dict[str, Any]]
    """Timeline events: at, kind, text, and star or sha where the report says so."""
    date: date | None
    """The report's date, for the session folder's name."""
    warnings: tuple[str, ...]
    """What could not be read as structure, each with `source:line:`."""
    mojibake_repaired: int
    """How many spans of mojibake were repaired."""
    unread: tuple[tuple[int, str], ...] = ()
    """Lines kept as text that look like structure: (1-based line, what it seems)."""
    date_source: str = UNDATED
    """Which evidence gave `date` (`journal.model.session.DateSource`), or `undated`."""
    numbered_title: str | None = None
    """The title heading as written when it gave the session's number: the title
    to use if that number is taken."""


def _clean(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "\ufffd")


_FENCES = ("---", "...")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_USED = frozenset({"title", "date", "started", "tags"})


@dataclass(frozen=True)
class FrontMatter:
    """YAML front matter, read for title, date (`date:` or `started:`) and tags;
    the rest kept."""

    values: dict[str, Any] = field(default_factory=dict)
    """The keys the importer uses: title, date (or started) and tags."""
    kept: str = ""
    """The other keys, verbatim YAML."""
    error: str | None = None
    text: str = ""
    """All of it, verbatim YAML."""

    def without(self, printed: set[str]) -> str:
        """The YAML less the keys (of `values`) the report prints as fields."""
        if self.error or not self.values:
            return self.kept
        return _other_lines(self.text, printed & set(self.values))


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter YAML or None, the text with those lines blanked out)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES), None)
    if end is None:
        return None, text
    # Blank lines keep every line number of the Markdown where it was.
    blanked = [""] * (end + 1) + lines[end + 1 :]
    return "\n".join(lines[1:end]), "\n".join(blanked)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            # `date: "May 9, 2021"`: a date written out, with its year.
            from journal.importer.dating import day_in_text

            return day_in_text(value)
    return None


def _usable(key: str, value: Any) -> Any:
    if key in {"date", "started"}:
        return _as_date(value)
    if key == "tags" and isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()] or None
    if key == "tags" and isinstance(value, list):
        return [str(t) for t in value if str(t).strip()] or None
    if key in _USED and isinstance(value, str | int) and str(value).strip():
        return str(value).strip()
    return None


def _other_lines(yaml_text: str, used: set[str]) -> str:
    kept: list[str] = []
    keep = True
    for line in yaml_text.split("\n"):
        key = _TOP_KEY.match(line)
        if key:
            keep = key[1] not in used
        if keep:
            kept.append(line)
    return "\n".join(kept).strip("\n")


def read_front_matter(yaml_text: str) -> FrontMatter:
    """The values the importer uses, and the rest of the YAML verbatim."""
    # journal's strict loader: an alias bomb in front matter is refused at once (a
    # safe loader shares the aliased lists, and `str()` of the tags then expands
    # them exponentially), and so are object tags and duplicate keys.
    from journal.store.yamlio import parse_yaml

    try:
        data = parse_yaml(yaml_text, where="front matter")
    except Exception as error:  # any YAML error: the block is kept as written
        first = str(error).strip().split("\n")[0]
        return FrontMatter(kept=yaml_text, error=f"front matter is not YAML ({first})")
    if not isinstance(data, dict):
        return FrontMatter(kept=yaml_text.strip("\n"))
    values = {key: _usable(key, data[key]) for key in _USED if key in data}
    values = {key: value for key, value in values.items() if value is not None}
    return FrontMatter(values, _other_lines(yaml_text, set(values)), text=yaml_text)


_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(\S+)?")
# [text][label], [label][] and [label] (not a link already, not a definition).
_REFERENCE = re.compile(
    r"(?<![\\!\]])\[((?:[^\]\\\n]|\\.)+)\](?:\[((?:[^\]\\\n]|\\.)*)\])?(?![(:\[])"
)
# Only links to the web or to mail are made inline: a relative target names a file of
# the repository the report came from, which the journal does not have (the site
# would show the link as a broken one), so such a reference and its definition stay
# as written.
_WEB = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+).*?(?<!`)\1(?!`)")


def normalize_label(label: str) -> str:
    """A label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def inline_references(
    lines: Sequence[str], tokens: list[Any], references: Mapping[str, Any]
) -> list[str] | None:
    """`lines` with references made inline and definitions removed, or None when
    the document defines no reference (nothing to do: most reports).

    A report may write `[PM2019-009]` in its text and define `[PM2019-009]: https://…`
    at the end. A definition belongs to the whole document, but the importer splits
    it into parts kept apart: left as they were, the links would stop working and
    the definitions would stay behind as a part of their own (a second "Action Items"
    holding one escaped `\\[PM2019-009]: …` line). So every reference the definitions
    resolve to the web or to mail becomes an inline link `[PM2019-009](https://…)`,
    and each such definition written on one line becomes a blank line (so line
    numbers in warnings still match the file). Code (fenced, indented, or a backtick
    span) is left exactly as written.
    """
    if not references:
        return None
    targets = {
        normalize_label(label): _destination(ref)
        for label, ref in references.items()
        if _WEB.match(str(ref.get("href", "")))
    }
    if not targets:
        return None
    code = _code_lines(tokens)
    out: list[str] = []
    for number, line in enumerate(lines):
        if number in code:
            out.append(line)
            continue
        definition = _DEFINITION.match(line)
        if definition and definition[2] and normalize_label(definition[1]) in targets:
            out.append("")
            continue
        out.append(_outside_code_spans(line, lambda text: _inline(text, targets)))
    return out


def _destination(ref: Mapping[str, Any]) -> str:
    href = str(ref.get("href", ""))
    if not href or any(c in href for c in " ()<>"):
        href = f"<{href}>"
    title = ref.get("title")
    if title:
        return f'{href} "{str(title).replace(chr(34), chr(92) + chr(34))}"'
    return href


def _outside_code_spans(line: str, change: Callable[[str], str]) -> str:
    parts, last = [], 0
    for span in _CODE_SPAN.finditer(line):
        parts.append(change(line[last : span.start()]))
        parts.append(span[0])
        last = span.end()
    parts.append(change(line[last:]))
    return "".join(parts)


def _inline(text: str, targets: Mapping[str, str]) -> str:
    if "[" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        shown, label = match[1], match[2]
        target = targets.get(normalize_label(label or shown))
        if target is None:
            return match[0]
        return f"[{shown}]({target})"

    return _REFERENCE.sub(replace, text)


_SECTION_NAMES = frozenset(
    (
        "context", "background", "introduction", "details", "description", "notes",
        "what happened", "problem", "contents", "table of contents", "tl dr", "tldr",
        "abstract", "incident details", "metadata", "appendix", "issue",
    )
)  # fmt: skip
"""Section names the labels do not classify, which a title never is."""


def _is_title(heading: Block) -> bool:
    # `# Timeline` or `# Context` at the top of a report without a title is a section.
    name = " ".join(re.findall(r"[^\W_]+", plain(heading.inline).casefold()))
    return classify_heading(heading.inline) is None and name not in _SECTION_NAMES


def _title(ctx: Context, front: FrontMatter, source: str) -> tuple[str, str | None]:
    """The title — front matter's, else the H1's, else the file name's — and the
    H1 as written when its number became the session's (`Session 11: Deploy`)."""
    heading = ctx.doc.title.inline if ctx.doc.title is not None else ""
    written = plain(heading)[:2000] if heading else None
    split = split_title(written) if written else None
    if split is not None and split.number is not None:
        ctx.session.setdefault("number", split.number)
    if isinstance(front.values.get("title"), str):
        return str(front.values["title"])[:2000], written
    if split is not None and written is not None:
        if split.prefix is not None and not ctx.label("header.number", split.prefix):
            # The number's words are taken: the title keeps all it said.
            return written, written
        return split.text[:2000], written
    stem = PurePath(source).stem if source != "<text>" else ""
    return stem.replace("-", " ").replace("_", " ").strip() or "Untitled report", None


def _severity(ctx: Context, title: str) -> None:
    """The first `Severity` line's, else the title's (`SEV1`, `P0`, `CRITICAL`)."""
    texts = [t for t in ctx.doc.lines if re.match(r"^\W*severity\W", t, re.I)]
    if re.search(r"\b(CRITICAL|SEV[-\s]?[0-4]|P[0-3])\b", title):
        texts.append(title)
    if found := next(filter(None, map(severity_of, texts)), None):
        ctx.session.setdefault("severity", found)


def _front_matter(ctx: Context, yaml_text: str | None) -> FrontMatter:
    if yaml_text is None:
        return FrontMatter()
    front = read_front_matter(yaml_text)
    if front.error:
        ctx.warn(1, front.error)
    if "tags" in front.values:
        ctx.session["tags"] = front.values["tags"]
    for key in ("date", "started"):
        if isinstance(front.values.get(key), date):
            ctx.day = ctx.day or front.values[key]
    return front


def _kept_header(
    ctx: Context, front: FrontMatter, header: Header
) -> list[dict[str, str]]:
    """What the header and front matter say that the report does not print as
    fields, verbatim: a key is dropped only where the report prints its words."""
    printed = set()
    if "tags" in front.values and ctx.label("header.tags", "tags"):
        printed.add("tags")
    day = shown_day(ctx.session, ctx.zone)
    same_day = day is not None and day == front.values.get("date")
    if same_day and ctx.label("header.date", "date"):
        printed.add("date")
    kept: list[dict[str, str]] = []
    if (yaml := front.without(printed)).strip():
        kept.append({"title": HEADER_SECTIONS[0], "body": f"```yaml\n{yaml}\n```"})
    if details := header.details(ctx.session, ctx.zone, ctx.day):
        kept.append({"title": HEADER_SECTIONS[1], "body": "\n\n".join(details)})
    return kept


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
    stamp = stamp_of(title) if kind is None else None
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
    """Walks the heading tree: each recognized section to its extractor, the rest
    kept verbatim in `sections`, in order."""

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
        # Kept verbatim; under the part's own heading, only what holds text.
        body = self.ctx.kept_text(residual)
        if body.strip() or not titled:
            self.ctx.add("sections", [{"title": title or "Notes", "body": body}])

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


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Only the block structure is read: inline text is taken as written (raw
    # Markdown), so the inline pass, a third of the parse time, is skipped.
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


def _parse(text: str, source: str, timezone: str) -> ImportedReport:
    warnings: list[str] = []
    text, repaired = repair_mojibake(_clean(text))
    yaml_text, body = split_front_matter(text)
    lines = body.split("\n")
    env: dict[str, Any] = {}
    tokens = _markdown().parse(body, env)
    inlined = inline_references(lines, tokens, env.get("references", {}))
    if inlined is not None:
        lines, body = inlined, "\n".join(inlined)
        tokens = _markdown().parse(body)
    doc = build_document(lines, tokens, is_title=_is_title)
    zone = zone_named(timezone)
    if zone is None:
        warnings.append(f"{source}: unknown timezone {timezone!r}, using UTC")
    ctx = Context(doc, source, zone or UTC, warnings=warnings)
    front = _front_matter(ctx, yaml_text)
    evidence = "front matter" if ctx.day else None
    title, written = _title(ctx, front, source)
    header = read_header(ctx, doc.preamble)
    evidence = evidence or _header_day(ctx)
    evidence = evidence or _early_day(ctx, title, source)
    ctx.year = ctx.day.year if ctx.day else year_in(title) or year_in(source)
    walker = Walker(ctx)
    for section in doc.sections:
        walker.section(section)
    evidence = _timeline_day(ctx, evidence)
    add_commit_events(ctx)
    _severity(ctx, title)
    _finish(ctx, walker.recognized)
    # Front matter and header go first; what they keep is known only now.
    sections = _kept_header(ctx, front, header) + ctx.session.get("sections", [])
    events = sorted(ctx.events, key=lambda e: datetime.fromisoformat(e["at"]))
    session = {"title": title, **ctx.session, "sections": sections}
    session["date_source"] = evidence or UNDATED
    session["labels"] = ctx.labels
    ordered = {key: session[key] for key in _ORDER if session.get(key)}
    kept = ctx.kept + list(doc.preamble)
    unread = tuple(sorted({*unread_lines(doc.lines, kept), *ctx.unread}))
    return ImportedReport(
        title,
        ordered,
        events,
        ctx.day,
        tuple(warnings),
        repaired,
        unread,
        date_source=evidence or UNDATED,
        numbered_title=written if "number" in ctx.session else None,
    )


def _header_day(ctx: Context) -> str | None:
    """The day the header gives: a `Date:` field or a metadata table (both set
    `ctx.day`), or the day of a `Time:`/`Started:` field."""
    ctx.day = ctx.day or metadata_table_day(ctx) or shown_day(ctx.session, ctx.zone)
    return "header" if ctx.day else None


def _early_day(ctx: Context, title: str, source: str) -> str | None:
    """The title's date (written with its year), else the file name's."""
    ctx.day = day_in_text(title)
    if ctx.day is not None:
        return "title"
    ctx.day = day_in_name(source)
    return "file name" if ctx.day else None


def _timeline_day(ctx: Context, evidence: str | None) -> str | None:
    """The first timeline entry's day when nothing stronger gave one; also when it
    is earlier than the file name's, which is then the day the report was written
    (a report is filed on or after the day its incident started)."""
    if evidence not in {None, "file name"} or not ctx.events:
        return evidence
    # The day as the report writes it, in the zone of its timeline.
    day = min(datetime.fromisoformat(e["at"]) for e in ctx.events).date()
    if ctx.day is None or day < ctx.day:
        ctx.day = day
        return "timeline"
    return evidence


def _finish(ctx: Context, recognized: int) -> None:
    if "started" not in ctx.session and ctx.events:
        ctx.session["started"] = min(
            (e["at"] for e in ctx.events), key=datetime.fromisoformat
        )
    _resolution(ctx)
    _span_end(ctx)
    html = [str(b.start + 1) for b in ctx.doc.blocks if b.kind == "html_block"]
    if html:
        ctx.warn(int(html[0]), f"raw HTML kept verbatim (lines {', '.join(html)})")
    if not ctx.doc.blocks:
        ctx.warn(1, "the report is empty")
    elif recognized == 0:
        ctx.warn(1, "no recognizable report sections: everything kept as sections")


def _span_end(ctx: Context) -> None:
    """A report that says it is over (`Status: COMPLETE`) and gives its span in
    the header (`Time: 09:30 - 11:45 UTC`) ended when the span did — unless an
    entry of its timeline is later (`ended` before it is a `journal check`
    error), or it did not start by then. The header's line stays in the report
    as written; a report still going on keeps its end open."""
    end = ctx.span_end
    if end is None or "ended" in ctx.session:
        return
    if ctx.session.get("status") not in ("resolved", "closed"):
        return
    last = datetime.fromisoformat(end)
    start = ctx.session.get("started")
    if isinstance(start, str) and datetime.fromisoformat(start) > last:
        return
    if any(datetime.fromisoformat(e["at"]) > last for e in ctx.events):
        return
    ctx.session["ended"] = end


def _resolution(ctx: Context) -> None:
    """A report that says no status but whose timeline says the incident was
    resolved ("service fully restored", "back to normal") is a resolved session: a
    postmortem is written after the fact, and left open it would sit among the
    team's live incidents. The last such entry is the `resolved` event (earlier
    ones, before a recurrence, become `mitigated`, as `journal check` asks); it is
    also the end, unless entries follow it (a fix released days later), which
    `ended` would then cut off, so it is left unset."""
    times = [datetime.fromisoformat(e["at"]) for e in ctx.events]
    resolved = [i for i, e in enumerate(ctx.events) if e["kind"] == "resolved"]
    if not resolved or "status" in ctx.session:
        return
    last = max(resolved, key=lambda i: times[i])
    for i in resolved:
        if i != last:
            ctx.events[i]["kind"] = "mitigated"
    ctx.session["status"] = "resolved"
    start = ctx.session.get("started")
    if (
        "ended" not in ctx.session
        and times[last] == max(times)
        and (not isinstance(start, str) or times[last] >= datetime.fromisoformat(start))
    ):
        ctx.session["ended"] = ctx.events[last]["at"]


def parse_report(
    text: str, *, source: str = "<text>", timezone: str = "UTC"
) -> ImportedReport:
    """Read a Markdown report. Pure: no I/O; odd input gives warnings, not errors."""
    try:
        return _parse(text, source, timezone)
    except Exception as error:  # a bug must not lose the user's report
        title = PurePath(source).stem or "Untitled report"
        sections = [{"title": "Imported text", "body": text}]
        return ImportedReport(
            title=title,
            session={"title": title, "sections": sections},
            events=[],
            date=None,
            warnings=(f"{source}: importer bug ({error!r}); kept the text verbatim",),
            mojibake_repaired=0,
        )
