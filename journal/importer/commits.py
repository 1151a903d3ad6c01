"""Commits a report mentions (`**Commit:** fa1b1d5`, `committed abc1234`) as events."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from journal.importer.context import Context, commit_in, is_sha
from journal.importer.labels import normalize, split_label

_COMMIT_KEYS = frozenset(
    {
        "commit",
        "commit sha",
        "commit hash",
        "commit id",
        "sha",
        "revision",
        "fix commit",
    }
)
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
    times = [datetime.fromisoformat(e["at"]) for e in ctx.events]
    if times:
        return max(times)
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
