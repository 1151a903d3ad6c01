"""What the extractors share while one report is imported, and the commits a report
mentions (`**Commit:** fa1b1d5`, `committed abc1234`) as events."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

from journal.importer.document import Block, Document, Table
from journal.importer.labels import normalize, split_label
from journal.render.labels import DEFAULT_LABELS, wording

_SHA = r"[0-9a-f]{7,40}"
_COMMIT_IN_TEXT = re.compile(
    rf"\bcommit(?:ted|s)?\b(?:\s+(?:as|in|sha|hash|id))?[\s:`(#]*({_SHA})\b",
    re.IGNORECASE,
)
_STAR = re.compile("[⭐🌟★]")

_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("detected", r"\b(detect\w*|discover\w*|found|noticed|alert(ed|s)? fired)\b"),
        ("investigating", r"\binvestigat\w*"),
        ("identified", r"\b(identified|root cause)\b"),
        ("mitigated", r"\bmitigat\w*"),
        (
            "deployed",
            r"\b(deploy\w*|fix(es)? applied|applied (the |a )?fix|commit(ted)?"
            r"|rolled out|shipped)\b",
        ),
        # How reports say the incident ended: "service restored", "back to normal",
        # "incident closed"; each is the event that gives an imported session its end.
        (
            "resolved",
            r"\b(resolved|restored|recovered|back (to normal|online|up)"
            r"|(fully|all systems?) operational|incident (was )?closed|all clear"
            r"|(problem|issue) (was |is )?(solved|fixed))\b",
        ),
        ("decision", r"\bdecided\b"),
        ("verify", r"\bverified\b"),
    )
)


def is_sha(text: str) -> bool:
    """A commit id: 7–40 hex digits mixing digits and letters (not `deadbeef`)."""
    return (
        re.fullmatch(_SHA, text) is not None
        and any(c.isdigit() for c in text)
        and any(c.isalpha() for c in text)
    )


def commit_in(text: str) -> str | None:
    """The commit SHA a text mentions after the word commit, if any."""
    shas = (match.group(1).lower() for match in _COMMIT_IN_TEXT.finditer(text))
    return next(filter(is_sha, shas), None)


def event_kind(text: str) -> str:
    """The event kind the words of `text` suggest (the earliest hint wins)."""
    found = [(m.start(), kind) for kind, rx in _KIND_WORDS if (m := rx.search(text))]
    return min(found)[1] if found else "note"


def make_event(at: datetime, text: str) -> dict[str, Any]:
    event: dict[str, Any] = {"at": at.isoformat(), "kind": event_kind(text)}
    if text:
        event["text"] = text
    if _STAR.search(text):
        event["star"] = True
    if sha := commit_in(text):
        event["kind"] = "commit"
        event["sha"] = sha
    return event


@dataclass
class Context:
    """The report being built, and what the extractors need to build it."""

    doc: Document
    source: str
    zone: tzinfo
    day: date | None = None
    year: int | None = None
    """The year of dates written without one, when the report gives no date."""
    session: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    """The report's own wording for the parts the templates label (`Session.labels`)."""
    claimed: dict[str, str] = field(default_factory=dict)
    """The wording each label key was first read with, default wording included."""
    kept: list[Block] = field(default_factory=list)
    """The blocks kept as free-form text (for the lines that look like structure)."""
    unread: list[tuple[int, str]] = field(default_factory=list)
    """Lines read as text of a structure, that look like structure of their own
    (a time that could not be read inside a timeline): (1-based line, why)."""
    span_end: str | None = None
    """The end of the header's `Time: 09:30 - 11:45` (not an estimate): the
    session's end once the report says it is over (`importer._span_end`)."""

    def warn(self, line: int, message: str) -> None:
        """Record a warning about 1-based `line` of the source."""
        self.warnings.append(f"{self.source}:{line}: {message}")

    def kept_text(self, blocks: list[Block]) -> str:
        """The source of blocks kept as free-form text."""
        self.kept.extend(blocks)
        return self.doc.source(blocks)

    def add(self, key: str, items: list[Any]) -> None:
        """Append to a list field of the session."""
        if items:
            self.session.setdefault(key, []).extend(items)

    def label(self, key: str, text: str) -> bool:
        """Read `text` as the label of `key`: True when the report will print those
        words there (the default's or, kept in `labels`, the report's own); False
        when `key` already has other words, so the caller keeps `text` as text."""
        text = " ".join(text.split())
        words = wording(text)
        if key in self.claimed:
            return self.claimed[key] == words
        if words != wording(DEFAULT_LABELS.get(key, "")):
            if not text or len(text) > 200:
                return False
            self.labels[key] = text
        self.claimed[key] = words
        return True

    def column(self, key: str, table: Table, column: int | None) -> int | None:
        """`column`, unless the report prints its header with other words than the
        label of `key` (the column's cells then stay text)."""
        header = table.heading(column) if column is not None else ""
        return column if not header or self.label(key, header) else None


_COMMIT_KEYS = frozenset(
    {"commit", "commit sha", "commit hash", "commit id", "sha", "revision",
     "fix commit"}
)  # fmt: skip
_MESSAGE_KEYS = frozenset({"commit message", "message", "commit msg", "commit title"})


def _inline_lines(ctx: Context) -> list[str]:
    return [
        line.strip()
        for block in ctx.doc.blocks
        for token in block.tokens
        if token.type == "inline"
        for line in token.content.split("\n")
    ]


def _labelled_sha(value: str) -> str | None:
    first = value.strip().strip("`").split()
    candidate = first[0].strip("`.,;:()").lower() if first else ""
    return candidate if is_sha(candidate) else None


def find_commits(ctx: Context) -> dict[str, str]:
    """Each commit the text names, once, with the message given beside it."""
    found: dict[str, str] = {}
    last: str | None = None
    for line in _inline_lines(ctx):
        label = split_label(line)
        key = normalize(label.name) if label else ""
        if label and key in _COMMIT_KEYS and (sha := _labelled_sha(label.rest)):
            found.setdefault(sha, "")
            last = sha
        elif label and key in _MESSAGE_KEYS and last and not found[last]:
            found[last] = label.rest.strip().strip("`\"'“”")
        elif sha := commit_in(line):
            found.setdefault(sha, "")
    return found


def _when(ctx: Context) -> datetime | None:
    if ctx.events:
        return max(datetime.fromisoformat(e["at"]) for e in ctx.events)
    if "started" in ctx.session:
        return datetime.fromisoformat(ctx.session["started"])
    if ctx.day is not None:
        return datetime.combine(ctx.day, time(0), ctx.zone)
    return None


def add_commit_events(ctx: Context) -> None:
    """A commit event for each commit not already on the timeline."""
    known = {e.get("sha") for e in ctx.events}
    commits = {s: m for s, m in find_commits(ctx).items() if s not in known}
    at = _when(ctx)
    if commits and at is None:
        ctx.warn(1, "commits mentioned but the report has no date: no commit events")
        return
    for sha, message in commits.items():
        at_text = at.isoformat() if at else ""
        event: dict[str, Any] = {"at": at_text, "kind": "commit", "sha": sha}
        if message:
            event["text"] = message
        ctx.events.append(event)
