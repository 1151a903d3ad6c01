"""Importing Markdown reports: the token stream of markdown-it-py → a session."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from journal.importer.commits import add_commit_events
from journal.importer.context import Context
from journal.importer.dates import find_date, year_in
from journal.importer.document import Block, build_document
from journal.importer.frontmatter import (
    FrontMatter,
    read_front_matter,
    split_front_matter,
)
from journal.importer.header import Header, guess_day, read_header, shown_day
from journal.importer.labels import classify_heading
from journal.importer.metadata import date_in, severity_of, split_title
from journal.importer.mojibake import repair_mojibake
from journal.importer.plans import plain
from journal.importer.stamps import zone_named
from journal.importer.unread import unread_lines
from journal.importer.walker import Walker

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["ImportedReport", "parse_report"]

_ORDER = [
    "title",
    "number",
    "status",
    "severity",
    "started",
    "ended",
    "tags",
    "people",
    "previous",
    "methodology",
    "summary",
    "detection",
    "root_cause",
    "options",
    "fix",
    "impact",
    "timeline_note",
    "components",
    "validation",
    "success_criteria",
    "next_steps",
    "lessons",
    "sections",
    "labels",
]
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


def _clean(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "\ufffd")


def _zone(name: str, warnings: list[str], source: str) -> tzinfo:
    zone = zone_named(name)
    if zone is None:
        warnings.append(f"{source}: unknown timezone {name!r}, using UTC")
    return zone or UTC


def _is_title(heading: Block) -> bool:
    # `# Timeline` at the top of a report without a title is a section.
    return classify_heading(heading.inline) is None


def _title(ctx: Context, front: FrontMatter, source: str) -> str:
    if ctx.doc.title is not None and ctx.doc.title.inline:
        title = split_title(plain(ctx.doc.title.inline))
        if title.number is not None:
            ctx.session.setdefault("number", title.number)
        if title.prefix is not None and not ctx.label("header.number", title.prefix):
            # The number's words are taken: the title keeps all it said.
            return plain(ctx.doc.title.inline)[:2000]
        return title.text[:2000]
    if isinstance(front.values.get("title"), str):
        return str(front.values["title"])
    stem = PurePath(source).stem if source != "<text>" else ""
    return stem.replace("-", " ").replace("_", " ").strip() or "Untitled report"


def _severity(ctx: Context, title: str) -> None:
    for line in ctx.doc.lines:
        if re.match(r"^\W*severity\W", line, re.IGNORECASE):
            found = severity_of(line)
            if found:
                ctx.session.setdefault("severity", found)
                return
    if re.search(r"\b(CRITICAL|SEV[-\s]?[0-4]|P[0-3])\b", title):
        found = severity_of(title)
        if found:
            ctx.session.setdefault("severity", found)


def _front_matter(ctx: Context, yaml_text: str | None) -> FrontMatter:
    if yaml_text is None:
        return FrontMatter()
    front = read_front_matter(yaml_text)
    if front.error:
        ctx.warn(1, front.error)
    if "tags" in front.values:
        ctx.session["tags"] = front.values["tags"]
    if isinstance(front.values.get("date"), date):
        ctx.day = front.values["date"]
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
        kept.append({"title": "Front matter", "body": f"```yaml\n{yaml}\n```"})
    if details := header.details(ctx.session, ctx.zone):
        kept.append({"title": "Details", "body": "\n\n".join(details)})
    return kept


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
    tokens = _markdown().parse(body)
    doc = build_document(lines, tokens, is_title=_is_title)
    ctx = Context(doc, source, _zone(timezone, warnings, source), warnings=warnings)
    front = _front_matter(ctx, yaml_text)
    title = _title(ctx, front, source)
    header = read_header(ctx, doc.preamble)
    ctx.day = ctx.day or (
        date_in(title) if re.search(r"\d{4}-\d\d-\d\d", title) else None
    )
    ctx.day = ctx.day or _written_day(title) or guess_day(ctx, source)
    ctx.year = ctx.day.year if ctx.day else year_in(title) or year_in(source)
    walker = Walker(ctx)
    for section in doc.sections:
        walker.section(section)
    add_commit_events(ctx)
    _severity(ctx, title)
    _finish(ctx, walker.recognized)
    # Front matter and header go first; what they keep is known only now.
    sections = _kept_header(ctx, front, header) + ctx.session.get("sections", [])
    events = sorted(ctx.events, key=lambda e: datetime.fromisoformat(e["at"]))
    session = {"title": title, **ctx.session, "sections": sections}
    session["labels"] = ctx.labels
    ordered = {key: session[key] for key in _ORDER if session.get(key)}
    kept = ctx.kept + list(doc.preamble)
    unread = tuple(sorted({*unread_lines(doc, kept), *ctx.unread}))
    return ImportedReport(
        title, ordered, events, ctx.day, tuple(warnings), repaired, unread
    )


def _written_day(title: str) -> date | None:
    """A date the title writes out with its year (`… - September 29, 2025`)."""
    mark = find_date(title)
    return mark.on() if mark else None


def _finish(ctx: Context, recognized: int) -> None:
    if "started" not in ctx.session and ctx.events:
        ctx.session["started"] = min(
            (e["at"] for e in ctx.events), key=datetime.fromisoformat
        )
    html = [str(b.line()) for b in ctx.doc.blocks if b.kind == "html_block"]
    if html:
        ctx.warn(int(html[0]), f"raw HTML kept verbatim (lines {', '.join(html)})")
    if not ctx.doc.blocks:
        ctx.warn(1, "the report is empty")
    elif recognized == 0:
        ctx.warn(1, "no recognizable report sections: everything kept as sections")


def parse_report(
    text: str, *, source: str = "<text>", timezone: str = "UTC"
) -> ImportedReport:
    """Read a Markdown report. Pure: no I/O; odd input gives warnings, not errors."""
    try:
        return _parse(text, source, timezone)
    except Exception as error:  # a bug must not lose the user's report
        return ImportedReport(
            title=PurePath(source).stem or "Untitled report",
            session={
                "title": PurePath(source).stem or "Untitled report",
                "sections": [{"title": "Imported text", "body": text}],
            },
            events=[],
            date=None,
            warnings=(f"{source}: importer bug ({error!r}); kept the text verbatim",),
            mojibake_repaired=0,
        )
