"""The follow-ups page: every open next step across sessions, overdue ones first and
marked, with owner, due date and age (journal.followups decides what is open)."""

from __future__ import annotations

from datetime import date
from functools import partial
from urllib.parse import quote

from journal.insight.followups import Followup, open_followups
from journal.render import escape
from journal.site import paths
from journal.site.collect import Collected, SessionInfo
from journal.site.tables import cell_link

HEADER = (
    "| Follow-up | Session | Owner | Due | Age | Horizon |\n|---|---|---|---|--:|---|"
)


def followups_page(collected: Collected) -> str:
    today = collected.today
    items = open_followups(collected.followups, today=today)
    overdue = [i for i in items if i.overdue(today)]
    overdue.sort(key=lambda i: (i.step.due or date.max, i.raised))
    rest = [i for i in items if not i.overdue(today)]
    sessions = len({i.session_id for i in items})
    lines = [
        "# Follow-ups",
        "",
        f"{len(items):,} open follow-up{'' if len(items) == 1 else 's'} across "
        f"{sessions:,} session{'' if sessions == 1 else 's'}; "
        f"**{len(overdue):,} overdue** as of {today.isoformat()}.",
        "",
    ]
    if not items:
        lines.append("Nothing to follow up: every next step is done.")
        return "\n".join(lines) + "\n"
    lines.append(HEADER)
    rows = collected.rows
    by_id = collected.by_id
    for item in overdue + rest:
        # Age and overdue follow from today and when the step was first raised.
        name = f"followup\x1f{item.number}\x1f{today}\x1f{item.raised}"
        lines.append(
            rows.line(item.session_id, name, partial(_row, item, today, by_id))
        )
    return "\n".join(lines) + "\n"


def _row(item: Followup, today: date, by_id: dict[str, SessionInfo]) -> str:
    step = item.step
    text = escape.cell(step.text)
    if step.tracked_in:
        text += " (" + _tracked(step.tracked_in) + ")"
    info = by_id.get(item.session_id)
    session = cell_link(
        info.label if info is not None else item.session_id,
        paths.link(paths.FOLLOWUPS, paths.session_page(item.session_id)),
    )
    due = step.due.isoformat() if step.due else "—"
    if item.overdue(today):
        due = f'<span class="journal-overdue">{due} · overdue</span>'
    age = item.age_days(today)
    cells = [
        text,
        session,
        escape.cell(step.owner) if step.owner else "—",
        due,
        f"{age:,} d",
        step.horizon,
    ]
    return "| " + " | ".join(cells) + " |"


def _tracked(url: str) -> str:
    # Only web links become links: a `javascript:` URL stays inert text.
    if url.startswith(("https://", "http://")):
        href = quote(url, safe=":/?#[]@!$&'*+,;=%-._~")
        return f"[tracked]({href})"
    return "tracked in " + escape.code_span(url, cell=True)
