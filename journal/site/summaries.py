"""The summary pages of one journal's site — home, archive, months, tags, follow-ups,
lessons, metrics, hotspots — put together from each session's rows, kept between
generations (`collect.Rows`), and written with their links checked; the table of
sessions the home, month and tag pages share; the site's navigation.

Made here: the follow-ups page (every open next step across sessions, overdue ones
first and marked, with owner, due date and age: journal.insight.followups decides
what is open), the lessons page (every lesson, grouped by kind, each linking back to
its session) and the hotspots page (the source files most sessions touched — changed
by their linked commits or named as their root cause — as a chart and a table with
the sessions, the last date, the trend, and whether the file is gone; directories
rolled up below); and the metrics page (time to detect and resolve per session and
month by month, sessions by severity and status — as charts, with the figures in
tables below, each figure with what it is measured from: per-session figures from
journal.insight.metrics, medians and percentiles from journal.insight.aggregates, so
the page agrees with `journal stats`)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache, partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from journal.errors import JournalError
from journal.insight.followups import Followup, open_followups
from journal.insight.metrics import format_duration
from journal.render import escape
from journal.site import charts, paths
from journal.site.collect import UNDATED_MONTH, Collected, SessionInfo
from journal.site.safety import defang_links, front_matter
from journal.store.cache import paused_gc

if TYPE_CHECKING:
    from journal.insight.hotspots import Hotspot, Hotspots
    from journal.site.collect import Memory
    from journal.site.writer import DocsWriter
    from journal.store.sessions import Journal

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
HEADER = (
    "| Date | # | Session | Severity | Status | Time to resolve "
    "| Open follow-ups | Tags |\n"
    "|---|--:|---|---|---|--:|--:|---|"
)
ORG_HEADER = (
    "| Date | Repository | # | Session | Severity | Status | Time to resolve "
    "| Open follow-ups | Tags |\n"
    "|---|---|--:|---|---|---|--:|--:|---|"
)
FILTER = '<div class="journal-filter" data-column="Tags"></div>'
"""Where journal.js puts its tag filter; without JavaScript the tag links remain."""
REPOSITORY_FILTER = '<div class="journal-filter" data-column="Repository"></div>'
NAV_SESSIONS = 50
Makers = dict[str, Callable[[], str]]


def cell_link(text: str, href: str) -> str:
    """A link inside a table cell: pipes and brackets of the text escaped."""
    label = re.sub(r"(?<!\\)([\[\]])", r"\\\1", escape.cell(text))
    return f"[{label}]({href})"


def month_name(month: str) -> str:
    """`2025-11` → `November 2025`; the undated sessions' month → `Undated`."""
    if month == UNDATED_MONTH:
        return "Undated"
    year, _, number = month.partition("-")
    try:
        return f"{MONTHS[int(number) - 1]} {year}"
    except (ValueError, IndexError):
        return month


def newest_first(
    infos: Sequence[SessionInfo], collected: Collected | None = None
) -> list[SessionInfo]:
    """`infos` newest first; given the journal they come from, by each session's
    place in it (one sort of the whole journal, not one per page)."""
    if collected is not None:
        place = collected.newest_place
        if all(info.id in place for info in infos):
            return sorted(infos, key=lambda i: place[i.id])
    return sorted(infos, key=lambda i: i.sort_key, reverse=True)


def session_table(
    infos: Sequence[SessionInfo],
    collected: Collected,
    *,
    page: str,
    slugs: dict[str, str],
) -> str:
    """Sessions newest first, one row each, links relative to `page`."""
    org = bool(collected.journals)
    rows = [ORG_HEADER if org else HEADER]
    # Tags, severities and statuses repeat on every row: each cell made once.
    cell = cache(escape.cell)

    @cache
    def tag_cell(tag: str) -> str:
        return cell_link(tag, paths.link(page, paths.tag_page(slugs[tag])))

    def row(info: SessionInfo, open_steps: int) -> str:
        s = info.brief
        cells = [
            info.day.isoformat() if info.day.year > 1 else "—",
            str(s.number) if s.number is not None else "",
            cell_link(s.title, paths.link(page, paths.session_page(info.id))),
            cell(s.severity) if s.severity else "—",
            cell(s.status),
            format_duration(info.metrics.time_to_resolve_s),
            str(open_steps),
            ", ".join(tag_cell(t) for t in s.tags),
        ]
        if org:
            journal = paths.link(page, paths.journal_page(info.journal))
            cells.insert(1, cell_link(info.journal, journal))
        return "| " + " | ".join(cells) + " |"

    # Links depend on the page's folder alone (page names are plain, see
    # paths.link): one row serves every month page, another every tag page.
    folder = posixpath.dirname(page)
    line = collected.rows.line
    for info in newest_first(infos, collected):
        open_steps = collected.open_steps(info.id)
        tags = "\x1f".join([slugs[t] for t in info.brief.tags])
        name = f"table\x1f{folder}\x1f{open_steps}\x1f{tags}"
        rows.append(line(info.id, name, partial(row, info, open_steps)))
    return "\n".join(rows)


def index_makers(
    collected: Collected,
    *,
    title: str,
    home_limit: int,
    closed: tuple[str, ...],
    severities: tuple[str, ...],
    statuses: tuple[str, ...],
    slugs: dict[str, str],
) -> Makers:
    """What makes each of the home, archive, tag, month, follow-ups, lessons and
    metrics pages, by docs path (a live server makes only those a change shows on)."""
    months = by_month(collected.infos)
    tags = by_tag(collected.infos)
    makers: Makers = {
        paths.HOME: partial(
            home,
            collected,
            title=title,
            limit=home_limit,
            closed=closed,
            slugs=slugs,
            tags=tags,
        ),
        paths.ARCHIVE: partial(archive, collected, months),
        paths.TAGS: partial(tags_index, slugs, tags),
    }
    ordered = sorted(months)
    neighbours = zip([None, *ordered][:-1], ordered, [*ordered, None][1:], strict=True)
    for before, month, after in neighbours:
        makers[paths.month_page(month)] = partial(
            month_page, month, months[month], collected, (before, after), slugs
        )
    for tag, infos in tags.items():
        page = paths.tag_page(slugs[tag])
        makers[page] = partial(tag_page, tag, infos, collected, page=page, slugs=slugs)
    makers[paths.FOLLOWUPS] = partial(followups_page, collected)
    makers[paths.LESSONS] = partial(lessons_page, collected)
    makers[paths.METRICS] = partial(
        metrics_page, collected, severities=severities, statuses=statuses
    )
    return makers


def by_month(infos: list[SessionInfo]) -> dict[str, list[SessionInfo]]:
    months: dict[str, list[SessionInfo]] = defaultdict(list)
    for info in infos:
        months[info.month].append(info)
    return dict(months)


def by_tag(infos: list[SessionInfo]) -> dict[str, list[SessionInfo]]:
    tags: dict[str, list[SessionInfo]] = defaultdict(list)
    for info in infos:
        for tag in dict.fromkeys(info.brief.tags):
            tags[tag].append(info)
    return dict(sorted(tags.items(), key=lambda kv: kv[0].casefold()))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def home(
    collected: Collected,
    *,
    title: str,
    limit: int,
    closed: tuple[str, ...],
    slugs: dict[str, str],
    tags: dict[str, list[SessionInfo]],
) -> str:
    infos = collected.infos
    still_open = sum(1 for i in infos if i.brief.status not in closed)
    followups = [f for f in collected.followups if f.is_open]
    overdue = sum(1 for f in followups if f.overdue(collected.today))
    shown = collected.newest[: max(limit, 0)]
    lines = [
        f"# {escape.inline(title) or 'Journal'}",
        "",
        f"**{_plural(len(infos), 'session')}** · {still_open:,} not closed · "
        f"[{_plural(len(followups), 'open follow-up')}]({paths.FOLLOWUPS})"
        + (f" ({overdue:,} overdue)" if overdue else "")
        + f" · [metrics]({paths.METRICS}) · [lessons]({paths.LESSONS})",
        "",
    ]
    if not infos:
        lines.append("No sessions yet: start one with `journal new TITLE`.")
        return "\n".join(lines) + "\n"
    if len(shown) < len(infos):
        lines += [
            f"The newest {len(shown):,} of {len(infos):,} sessions; "
            f"[every session, by month]({paths.ARCHIVE}).",
            "",
        ]
    if collected.journals:
        lines += [REPOSITORY_FILTER, ""]
    lines += [FILTER, "", session_table(shown, collected, page=paths.HOME, slugs=slugs)]
    tag_links = [
        cell_link(tag, paths.link(paths.HOME, paths.tag_page(slugs[tag])))
        for tag in tags
    ]
    if tag_links:
        lines += ["", "**Tags:** " + " · ".join(tag_links)]
    return "\n".join(lines) + "\n"


def archive(collected: Collected, months: dict[str, list[SessionInfo]]) -> str:
    lines = ["# Sessions", "", f"{_plural(len(collected.infos), 'session')}, by month."]
    year = None
    for month in sorted(months, reverse=True):
        group = "Undated" if month == UNDATED_MONTH else month[:4]
        if group != year:
            year = group
            lines += ["", f"## {year}", ""]
        link = paths.link(paths.ARCHIVE, paths.month_page(month))
        count = _plural(len(months[month]), "session")
        lines.append(f"- [{month_name(month)}]({link}) — {count}")
    return "\n".join(lines) + "\n"


def month_page(
    month: str,
    infos: list[SessionInfo],
    collected: Collected,
    around: tuple[str | None, str | None],
    slugs: dict[str, str],
) -> str:
    page = paths.month_page(month)
    lines = [f"# {month_name(month)}", "", _plural(len(infos), "session") + ".", ""]
    lines += [FILTER, "", session_table(infos, collected, page=page, slugs=slugs), ""]
    steps = []
    if around[0]:
        link = paths.link(page, paths.month_page(around[0]))
        steps.append(f"[← {month_name(around[0])}]({link})")
    steps.append(f"[All months]({paths.link(page, paths.ARCHIVE)})")
    if around[1]:
        link = paths.link(page, paths.month_page(around[1]))
        steps.append(f"[{month_name(around[1])} →]({link})")
    lines.append(" · ".join(steps))
    return "\n".join(lines) + "\n"


def tags_index(slugs: dict[str, str], tags: dict[str, list[SessionInfo]]) -> str:
    lines = ["# Tags", ""]
    if not tags:
        return "\n".join([*lines, "No session has a tag yet."]) + "\n"
    lines += ["| Tag | Sessions |", "|---|--:|"]
    for tag, infos in tags.items():
        link = paths.link(paths.TAGS, paths.tag_page(slugs[tag]))
        lines.append(f"| {cell_link(tag, link)} | {len(infos):,} |")
    return "\n".join(lines) + "\n"


def tag_page(
    tag: str,
    infos: list[SessionInfo],
    collected: Collected,
    *,
    page: str,
    slugs: dict[str, str],
) -> str:
    all_tags = paths.link(page, paths.TAGS)
    lines = [
        front_matter(f"Tag: {tag}") + f"# Tag: {escape.inline(tag)}",
        "",
        f"{_plural(len(infos), 'session')} · [all tags]({all_tags})",
        "",
        session_table(infos, collected, page=page, slugs=slugs),
    ]
    return "\n".join(lines) + "\n"


def build_nav(collected: Collected, *, hotspots: bool = True) -> list[Any]:
    """The navigation; `hotspots` is off on a site of several journals, whose
    repositories' files are not comparable. Kept small at any size: a journal of
    up to NAV_SESSIONS sessions lists them by month; a larger one lists months by
    year, and each month page lists its sessions. Every page repeats the
    navigation, so its size multiplies with the page count — 1,000 sessions in it
    would make the build quadratic. Session entries carry no title: the builder
    takes it from the page's (escaped) heading, so no user text reaches the
    configuration."""
    nav: list[Any] = [
        {"Home": paths.HOME},
        {"Sessions": _sessions(collected)},
        {"Follow-ups": paths.FOLLOWUPS},
        {"Lessons": paths.LESSONS},
        {"Metrics": paths.METRICS},
        {"Hotspots": paths.HOTSPOTS},
        {"Tags": paths.TAGS},
    ]
    return nav if hotspots else [item for item in nav if "Hotspots" not in item]


def _sessions(collected: Collected) -> list[Any]:
    months = by_month(collected.infos)
    entries: list[Any] = [{"All sessions": paths.ARCHIVE}]
    if len(collected.infos) <= NAV_SESSIONS:
        for month in sorted(months, reverse=True):
            pages = [paths.session_page(i.id) for i in newest_first(months[month])]
            entries.append({month_name(month): pages})
        return entries
    years: dict[str, list[Any]] = {}
    for month in sorted(months.keys() - {UNDATED_MONTH}, reverse=True):
        years.setdefault(month[:4], []).append(
            {month_name(month): paths.month_page(month)}
        )
    entries += [{year: items} for year, items in years.items()]
    if UNDATED_MONTH in months:  # a page of its own, last: it has no year
        entries.append({month_name(UNDATED_MONTH): paths.month_page(UNDATED_MONTH)})
    return entries


def count_entries(nav: list[Any]) -> int:
    """Pages listed in a navigation tree (what every page repeats)."""
    total = 0
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        total += count_entries(value) if isinstance(value, list) else 1
    return total


WIDE = "---\nhide:\n  - toc\n---\n\n"
"""Front matter that hides the table of contents (Material, Zensical)."""
_HIDE_TOC = "hide:\n  - toc\n"


def wide(text: str) -> str:
    """The page without its table of contents: WIDE's front matter, or its key added
    to the page's own (`safety.front_matter`; a second block would show as text)."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[: end + 1] + _HIDE_TOC + text[end + 1 :]
    return WIDE + text


def summary_pages(
    journal: Journal,
    writer: DocsWriter,
    collected: Collected,
    memory: Memory | None = None,
) -> int:
    """Home, archive, months, tags, follow-ups, lessons, metrics and hotspots:
    made from each session's kept rows (`collect.Rows`), their links checked. Given
    the `memory` of a live server, only the pages a change shows on are made."""
    config = journal.config
    with paused_gc():  # tens of thousands of rows, none in a cycle
        slugs = paths.tag_slugs(t for i in collected.infos for t in i.brief.tags)
        makers = index_makers(
            collected,
            title=config.site.title,
            home_limit=config.site.home_sessions,
            closed=config.closed_statuses,
            severities=config.severities,
            statuses=config.statuses,
            slugs=slugs,
        )
        makers[paths.HOTSPOTS] = lambda: hotspots_page(_hotspots(journal), collected)
        redo = _to_redo(journal, collected, memory, slugs)
        current = memory.summaries if memory is not None else set()
        kept = set() if redo is None else current - redo
        write_summaries(writer, collected, makers, kept)
    if memory is not None:
        memory.summaries, memory.slugs = set(makers), slugs
    return len(makers)


def write_summaries(
    writer: DocsWriter, collected: Collected, makers: Makers, kept: set[str]
) -> None:
    """Make and write each page, its links checked, but those `kept` as they are;
    then keep the rows they were made of."""
    fixed = collected.rows.fixed
    for rel, make in makers.items():
        if rel in kept:
            writer.keep(rel)
            continue
        text = make()
        # Tables need the width the table of contents would take.
        full = wide(text) if rel not in (paths.LESSONS, paths.ARCHIVE) else text
        writer.write(rel, defang_links(full, fixed))
    collected.rows.save()


def _to_redo(
    journal: Journal,
    collected: Collected,
    memory: Memory | None,
    slugs: dict[str, str],
) -> set[str] | None:
    """The summary pages to make again after the last generation; None: all."""
    if memory is None:
        return None
    changes = memory.changes(collected)
    current = _hotspots_current(journal, memory)
    if changes is None or memory.slugs != slugs:
        return None
    redo = changes.summaries(slugs)
    if not current:
        redo.add(paths.HOTSPOTS)
    return redo


def _hotspots_current(journal: Journal, memory: Memory) -> bool:
    """Whether the hotspots page was made from the sessions' features and HEAD
    they have now (it ranks the files their commits changed)."""
    from journal.gitlink.head import head_commit
    from journal.insight.sigindex import refresh

    before = memory.hotspots
    try:
        now = (head_commit(journal.root), refresh(journal))
    except JournalError:
        memory.hotspots = None
        return False
    memory.hotspots = now
    if before is None or before[0] != now[0] or before[1].keys() != now[1].keys():
        return False
    kept = before[1]
    return all(f is kept[sid] or f == kept[sid] for sid, f in now[1].items())


def _hotspots(journal: Journal) -> Hotspots:
    """The journal's hotspots; none when its sessions or git cannot be read."""
    from journal.insight.hotspots import Hotspots, find_hotspots

    try:
        return find_hotspots(journal)
    except JournalError:
        return Hotspots([], [])


FOLLOWUPS_HEADER = (
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
        f"{_plural(len(items), 'open follow-up')} across "
        f"{_plural(sessions, 'session')}; "
        f"**{len(overdue):,} overdue** as of {today.isoformat()}.",
        "",
    ]
    if not items:
        lines.append("Nothing to follow up: every next step is done.")
        return "\n".join(lines) + "\n"
    lines.append(FOLLOWUPS_HEADER)
    rows = collected.rows
    by_id = collected.by_id
    for item in overdue + rest:
        # Age and overdue follow from today and when the step was first raised.
        name = f"followup\x1f{item.number}\x1f{today}\x1f{item.raised}"
        lines.append(
            rows.line(item.session_id, name, partial(_followup_row, item, today, by_id))
        )
    return "\n".join(lines) + "\n"


def _followup_row(item: Followup, today: date, by_id: dict[str, SessionInfo]) -> str:
    step = item.step
    text = escape.cell(step.text)
    url = step.tracked_in or ""
    # Only web links become links: a `javascript:` URL stays inert text.
    if url.startswith(("https://", "http://")):
        href = quote(url, safe=":/?#[]@!$&'*+,;=%-._~")
        text += f" ([tracked]({href}))"
    elif url:
        text += f" (tracked in {escape.code_span(url, cell=True)})"
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


LESSON_KINDS = (
    ("went-wrong", "Went wrong"),
    ("lucky", "Lucky"),
    ("went-well", "Went well"),
    (None, "Other lessons"),
)


def lessons_page(collected: Collected) -> str:
    groups: dict[str | None, list[str]] = {kind: [] for kind, _ in LESSON_KINDS}
    count = 0
    sessions = set()
    for info in collected.newest:
        if not info.brief.lessons:
            continue
        made = collected.rows.lines(
            info.id, "lessons", len(info.brief.lessons), partial(_lesson_lines, info)
        )
        for lesson, line in zip(info.brief.lessons, made, strict=True):
            groups[lesson.kind].append(line)
        count += len(made)
        sessions.add(info.id)
    lines = [
        "# Lessons",
        "",
        f"{_plural(count, 'lesson')} from {_plural(len(sessions), 'session')}, "
        "newest first within each group.",
    ]
    if not count:
        lines += ["", "No lessons recorded yet: add one with `journal lesson add`."]
    for kind, title in LESSON_KINDS:
        if groups[kind]:
            lines += ["", f"## {title} ({len(groups[kind]):,})", "", *groups[kind]]
    return "\n".join(lines) + "\n"


def _lesson_lines(info: SessionInfo) -> list[str]:
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


CHART_ROWS = 15
TABLE_ROWS = 100
SESSION_LINKS = 3
"""Sessions linked in a row, newest first; the count says how many there are."""


def hotspots_page(found: Hotspots, collected: Collected) -> str:
    lines = [
        "# Hotspots",
        "",
        "Source files ranked by the sessions that touched them: changed by a commit "
        "linked to the session, or named as its root cause. Renamed files count "
        "under their current name; files no longer in the repository are marked "
        "*deleted*. The trend compares the last 90 days with the 90 before.",
    ]
    if not found.files:
        lines += [
            "",
            "No hotspots yet: link commits to sessions (`journal hook install`) or "
            "set `root_cause.location`.",
        ]
        return "\n".join(lines) + "\n"
    top = found.files[:CHART_ROWS]
    chart = charts.bars(
        "Sessions per file",
        [(spot.path, [float(len(spot.sessions))]) for spot in top],
        [charts.Series("Sessions", charts.PALETTE[0])],
        fmt=lambda v: f"{v:,.0f}",
        caption=f"The {len(top)} files touched by the most sessions.",
    )
    lines += ["", chart, "", "## Files", ""]
    lines += _hotspot_table(found.files, collected, "File")
    if found.directories:
        lines += ["", "## Directories", ""]
        lines += _hotspot_table(found.directories, collected, "Directory")
    return "\n".join(lines) + "\n"


def _hotspot_table(spots: list[Hotspot], collected: Collected, what: str) -> list[str]:
    rows = [
        f"| {what} | Sessions | Last | Trend | Via |",
        "|---|---|---|---|---|",
    ]
    for spot in spots[:TABLE_ROWS]:
        name = escape.code_span(spot.path, cell=True)
        if spot.exists is False:
            name += " *(deleted)*"
        rows.append(
            f"| {name} | {_hotspot_sessions(spot, collected)} | {spot.last} "
            f"| {spot.trend} | {', '.join(sorted(spot.how))} |"
        )
    if len(spots) > TABLE_ROWS:
        rows += ["", f"*{len(spots) - TABLE_ROWS:,} more not shown.*"]
    return rows


def _hotspot_sessions(spot: Hotspot, collected: Collected) -> str:
    newest = sorted(spot.sessions, reverse=True)[:SESSION_LINKS]
    links = []
    for session_id in newest:
        info = collected.by_id.get(session_id)
        label = info.label if info else session_id
        href = paths.link(paths.HOTSPOTS, paths.session_page(session_id))
        links.append(cell_link(label, href))
    more = ", …" if len(spot.sessions) > SESSION_LINKS else ""
    return f"{len(spot.sessions)}: " + ", ".join(links) + more


RECENT = 30
"""Sessions in the per-session chart (the newest with figures)."""
METRIC_MONTHS = 24
TTD = charts.Series("Time to detect", "#1e88e5")
TTA = charts.Series("Time to acknowledge", "#8e24aa")
TTM = charts.Series("Time to mitigate", "#fb8c00")
TTR = charts.Series("Time to resolve", "#43a047")
SEVERITY_COLORS = ("#c62828", "#ef6c00", "#f9a825", "#2e7d32", "#546e7a")
ORIGINS = (
    "Each figure is measured from the start of impact where an `impact` event says "
    "when it began. Without one, time to detect runs from the session's start when "
    "it was opened before the detection (else it is not known), time to mitigate "
    "and resolve from the detection, and time to acknowledge always from the "
    "detection. Back-filled events before the session was opened count like any "
    "other."
)


def metrics_page(
    collected: Collected, *, severities: tuple[str, ...], statuses: tuple[str, ...]
) -> str:
    infos = collected.infos
    lines = ["# Metrics", ""]
    if not infos:
        return "\n".join([*lines, "No sessions yet."]) + "\n"
    lines += [_metrics_summary(infos), "", _per_session(collected), ""]
    lines += [_by_month(infos), ""]
    lines += [_counts("Sessions by severity", infos, severities, severity=True), ""]
    lines += [_counts("Sessions by status", infos, statuses, severity=False), ""]
    lines += ["## Every session", "", _metrics_table(collected)]
    return "\n".join(lines) + "\n"


def _metrics_summary(infos: list[SessionInfo]) -> str:
    from journal.insight.aggregates import aggregate

    rows = ["| Figure | Sessions | Median | p90 |", "|---|--:|--:|--:|"]
    for series, name in (
        (TTD, "time_to_detect_s"),
        (TTA, "time_to_acknowledge_s"),
        (TTM, "time_to_mitigate_s"),
        (TTR, "time_to_resolve_s"),
    ):
        values = [getattr(i.metrics, name) for i in infos]
        agg = aggregate([v for v in values if v is not None])
        median, p90 = agg["median"], agg["p90"]
        rows.append(
            f"| {series.name} | {agg['count']} | "
            f"{format_duration(median)} | {format_duration(p90)} |"
        )
    return "\n".join(rows) + "\n\n" + ORIGINS


def _per_session(collected: Collected) -> str:
    with_figures = [
        i
        for i in collected.newest
        if i.metrics.time_to_detect_s is not None
        or i.metrics.time_to_resolve_s is not None
    ][:RECENT]
    if not with_figures:
        return "*No session has detection or resolution events yet.*"
    rows = [
        (
            f"{i.day.isoformat()} {i.label}",
            [i.metrics.time_to_detect_s, i.metrics.time_to_resolve_s],
        )
        for i in with_figures
    ]
    return "## Per session\n\n" + charts.bars(
        "Time to detect and to resolve, per session",
        rows,
        [TTD, TTR],
        fmt=format_duration,
        caption=f"The newest {len(rows)} sessions with figures; — means not known.",
    )


def _by_month(infos: list[SessionInfo]) -> str:
    from journal.insight.aggregates import percentile

    months = by_month(sorted(infos, key=lambda i: i.day))
    months.pop(UNDATED_MONTH, None)  # not a month: nothing to trend
    recent = sorted(months)[-METRIC_MONTHS:]
    groups = []
    for month in recent:
        medians: list[float | None] = []
        for name in ("time_to_detect_s", "time_to_mitigate_s", "time_to_resolve_s"):
            values = [getattr(i.metrics, name) for i in months[month]]
            medians.append(percentile([v for v in values if v is not None], 50))
        groups.append((month, medians))
    return "## Over time\n\n" + charts.columns(
        "Median time to detect, mitigate and resolve, by month",
        groups,
        [TTD, TTM, TTR],
        fmt=format_duration,
        caption=f"Medians of the sessions started each month (last {len(groups)}).",
    )


def _counts(
    title: str, infos: list[SessionInfo], order: tuple[str, ...], *, severity: bool
) -> str:
    counted = Counter(
        (i.brief.severity or "none") if severity else i.brief.status for i in infos
    )
    names = [n for n in order if counted[n]] + sorted(
        n for n in counted if n not in order
    )
    colors = [
        SEVERITY_COLORS[min(order.index(n), 3)] if n in order else SEVERITY_COLORS[4]
        for n in names
    ]
    if not severity:
        colors = [charts.PALETTE[k % len(charts.PALETTE)] for k in range(len(names))]
    rows = [(n, [float(counted[n])]) for n in names]
    return f"## {title}\n\n" + charts.bars(
        title,
        rows,
        [charts.Series("Sessions", "#1e88e5")],
        fmt=lambda v: f"{v:,.0f}",
        colors=colors,
    )


def _metrics_table(collected: Collected) -> str:
    rows = [
        "| Date | Session | Detect | Acknowledge | Mitigate | Resolve | Duration |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for info in collected.newest:
        rows.append(collected.rows.line(info.id, "metrics", partial(_metric_row, info)))
    return "\n".join(rows)


def _metric_row(info: SessionInfo) -> str:
    from journal.insight.metrics import figures

    link = cell_link(info.label, paths.link(paths.METRICS, paths.session_page(info.id)))
    cells = [_with_origin(f.seconds, f.origin) for f in figures(info.metrics)]
    cells.append(format_duration(info.metrics.duration_s))
    return f"| {info.day.isoformat()} | {link} | " + " | ".join(cells) + " |"


def _with_origin(seconds: float | None, origin: str | None) -> str:
    """`15m from detected`; a dash when unknown."""
    shown = format_duration(seconds)
    return f"{shown} from {origin}" if origin else shown
