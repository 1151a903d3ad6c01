"""The lessons page: every lesson of every session, grouped by kind, each linking back
to its session."""

from __future__ import annotations

from functools import partial

from journal.render import escape
from journal.site import paths
from journal.site.collect import Collected, SessionInfo

KINDS = (
    ("went-wrong", "Went wrong"),
    ("lucky", "Lucky"),
    ("went-well", "Went well"),
    (None, "Other lessons"),
)


def lessons_page(collected: Collected) -> str:
    groups: dict[str | None, list[str]] = {kind: [] for kind, _ in KINDS}
    count = 0
    sessions = set()
    for info in collected.newest:
        if not info.brief.lessons:
            continue
        made = collected.rows.lines(
            info.id, "lessons", len(info.brief.lessons), partial(_lines, info)
        )
        for lesson, line in zip(info.brief.lessons, made, strict=True):
            groups[lesson.kind].append(line)
        count += len(made)
        sessions.add(info.id)
    lines = [
        "# Lessons",
        "",
        f"{count:,} lesson{'' if count == 1 else 's'} from "
        f"{len(sessions):,} session{'' if len(sessions) == 1 else 's'}, "
        "newest first within each group.",
    ]
    if not count:
        lines += ["", "No lessons recorded yet: add one with `journal lesson add`."]
    for kind, title in KINDS:
        if groups[kind]:
            lines += ["", f"## {title} ({len(groups[kind]):,})", "", *groups[kind]]
    return "\n".join(lines) + "\n"


def _lines(info: SessionInfo) -> list[str]:
    """One list item per lesson of the session, in its order."""
    link = paths.link(paths.LESSONS, paths.session_page(info.id))
    source = escape.link_text(info.label)
    lines = []
    for lesson in info.brief.lessons:
        parts = [f"**{escape.inline(lesson.title)}**"]
        if lesson.detail:
            parts.append(escape.inline(lesson.detail))
        if lesson.prevention:
            parts.append(f"*Prevention:* {escape.inline(lesson.prevention)}")
        lines.append("- " + " — ".join(parts) + f" ([{source}]({link}))")
    return lines
