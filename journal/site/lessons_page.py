"""The lessons page: every lesson of every session, grouped by kind, each linking back
to its session."""

from __future__ import annotations

from journal.render import escape
from journal.site import paths
from journal.site.collect import Collected
from journal.site.tables import newest_first

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
    for info in newest_first(collected.infos):
        link = paths.link(paths.LESSONS, paths.session_page(info.id))
        for lesson in info.brief.lessons:
            parts = [f"**{escape.inline(lesson.title)}**"]
            if lesson.detail:
                parts.append(escape.inline(lesson.detail))
            if lesson.prevention:
                parts.append(f"*Prevention:* {escape.inline(lesson.prevention)}")
            source = escape.link_text(info.label)
            groups[lesson.kind].append(
                "- " + " — ".join(parts) + f" ([{source}]({link}))"
            )
            count += 1
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
