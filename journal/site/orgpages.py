"""Generating one site from several journals: each journal's session pages under
`<journal>/sessions/`, with its own settings and page cache, and the home table,
follow-ups, lessons, metrics, tags and navigation across all of them.

A change in one journal leaves the other journals' pages as they are (their page
caches still match); the cross-journal pages are put together again from each
session's rows, kept in the site's own state folder (`collect.Rows`) under the stamps
and salts the journals' own sites use, so only a changed session's rows are made.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import time
from functools import partial
from pathlib import Path
from typing import Any

from journal.errors import InvalidDataError
from journal.insight.followups import Followup
from journal.render import escape
from journal.site import paths, summaries
from journal.site.collect import NAME as ROWS
from journal.site.collect import Collected, Rows, SessionInfo, collect
from journal.site.org import Member
from journal.site.pages import (
    Diagrams,
    Generated,
    Part,
    find_mermaid,
    finished,
    plan_pages,
    render_planned,
    write_pages,
    write_rendered,
    write_static,
)
from journal.site.safety import front_matter
from journal.site.summaries import build_nav, index_makers, session_table
from journal.site.writer import DocsWriter


@dataclasses.dataclass(frozen=True)
class OrgPlace:
    """Where a site of several journals is generated and built."""

    root: Path
    docs_dir: Path
    site_dir: Path
    state_dir: Path
    title: str = "Journals"
    home_sessions: int = 100


def collect_all(
    members: list[Member], *, keep_going: bool, rows_dir: Path | None = None
) -> tuple[Collected, dict[str, Part]]:
    """Every journal's sessions with ids `<journal>/<folder>`, in one Collected;
    the summary pages' rows kept in `rows_dir` (none kept without)."""
    infos: list[SessionInfo] = []
    followups: list[Followup] = []
    problems: list[tuple[str, str]] = []
    parts: dict[str, Part] = {}
    read: dict[str, list[Any]] = {}
    stamps: dict[str, Any] = {}
    salts: list[list[str]] = []
    for member in members:
        own = collect(member.journal)
        mine = [
            dataclasses.replace(i, id=f"{member.name}/{i.id}", journal=member.name)
            for i in own.infos
        ]
        troubles = [(f"{member.name}/{s}", m) for s, m in own.problems]
        if troubles and not keep_going:
            session_id, message = own.problems[0]
            raise InvalidDataError(
                f"journal {member.name} ({member.journal.root}): session "
                f"{session_id}: {message}",
                "fix it (`journal check` there says how), or build the others "
                "with --keep-going",
            )
        infos += mine
        problems += troubles
        # Steps are carried within a journal: linked there, then named as on the site.
        followups += [_named(f, member.name) for f in own.followups]
        parts[member.name] = Part(mine, troubles, Path())
        # What the journal's own site would key on, named as on this site: the
        # sessions read this time (the render index takes their facts instead of
        # parsing them again) and each session's stamp for the summary rows.
        read.update((f"{member.name}/{s}", stat) for s, stat in own.read.items())
        stamps.update(
            (f"{member.name}/{s}", stamp) for s, stamp in own.rows.stamps.items()
        )
        salts.append([member.name, own.rows.salt])
    infos.sort(key=lambda i: i.sort_key)
    # Every journal has the same "now"; the latest local date counts as today.
    today = max(m.journal.now().date() for m in members)
    names = [m.name for m in members]
    rows = Rows(rows_dir, salt=_joint_salt(salts), stamps=stamps)
    collected = Collected(infos, followups, today, problems, names, rows, read)
    return collected, parts


def _joint_salt(salts: list[list[str]]) -> str:
    """The rows' salt on a site of several journals: every journal's (its code,
    templates and configuration: a row shows settings of them all), by name."""
    return hashlib.sha256(json.dumps(salts).encode("utf-8")).hexdigest()


def _named(item: Followup, journal: str) -> Followup:
    def named(ref: str) -> str:
        return f"{journal}/{ref}"

    return item.replace(
        ref=named(item.ref),
        session_id=named(item.session_id),
        history=tuple(named(h) for h in item.history),
        carried_to=named(item.carried_to) if item.carried_to else None,
    )


def generate_org(
    members: list[Member], place: OrgPlace, *, offline: bool, keep_going: bool
) -> Generated:
    """Write every page of the site of several journals into `place.docs_dir`."""
    from journal.store.cache import one_stat_pass, paused_gc

    started = time.perf_counter()
    with one_stat_pass(*(m.journal for m in members)):
        writer = DocsWriter(
            place.docs_dir,
            root=place.root,
            protect=[
                place.site_dir,
                *(m.journal.sessions_dir for m in members),
                *(m.journal.root / m.journal.config.templates_dir for m in members),
            ],
        )
        try:
            # A generation makes many small objects and next to no cycles: at
            # 3 x 10 sessions 23 collections found 10 objects, in ~3.5 ms.
            with paused_gc():
                done = _generate(members, place, writer, offline, keep_going)
        finally:
            gc.unfreeze()  # what cache.paused_gc froze meanwhile
    done.seconds = time.perf_counter() - started
    return done


def _generate(
    members: list[Member],
    place: OrgPlace,
    writer: DocsWriter,
    offline: bool,
    keep_going: bool,
) -> Generated:
    collected, parts = collect_all(
        members, keep_going=keep_going, rows_dir=place.state_dir / ROWS
    )
    mermaid_js = find_mermaid(root=place.root, configured="")
    planned = []
    for member in members:
        journal = member.journal
        diagrams = Diagrams.of(journal, mermaid_js)
        part = dataclasses.replace(
            parts[member.name],
            state_dir=place.state_dir / "journals" / member.name,
        )
        planned.append(plan_pages(journal, writer, collected, diagrams, part))
    # Every journal's pages in one pass: one pool of workers, or one Jinja
    # environment, for them all; written as they come.
    render_planned(planned, partial(write_rendered, writer, collected))
    pages = sum(write_pages(p, writer, collected) for p in planned)
    pages += _summary_pages(members, writer, collected, place)
    write_static(writer, mermaid_js=mermaid_js, offline=offline)
    nav = build_nav(collected, hotspots=False)
    journals = [{name: paths.journal_page(name)} for name in collected.journals]
    nav = [*nav[:1], {"Repositories": journals}, *nav[1:]]
    return finished(writer, collected, pages, nav, mermaid_js)


def _union(members: list[Member], name: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(v for m in members for v in getattr(m.journal.config, name))
    )


def _summary_pages(
    members: list[Member], writer: DocsWriter, collected: Collected, place: OrgPlace
) -> int:
    slugs = paths.tag_slugs(t for i in collected.infos for t in i.brief.tags)
    makers = index_makers(
        collected,
        title=place.title,
        home_limit=place.home_sessions,
        closed=_union(members, "closed_statuses"),
        severities=_union(members, "severities"),
        statuses=_union(members, "statuses"),
        slugs=slugs,
    )
    metrics = makers[paths.METRICS]
    makers[paths.METRICS] = lambda: metrics() + _settings_note(members)
    for member in members:
        mine = [i for i in collected.infos if i.journal == member.name]
        makers[paths.journal_page(member.name)] = partial(
            journal_page, member, mine, collected, slugs
        )
    summaries.write_summaries(writer, collected, makers, set())
    return len(makers)


def _settings_note(members: list[Member]) -> str:
    """Where the journals' settings differ, said under the metrics."""
    lines = []
    for name in ("severities", "statuses", "timezone"):
        values = {m.name: getattr(m.journal.config, name) for m in members}
        if len(set(values.values())) > 1:
            shown = "; ".join(
                f"{escape.inline(k)}: {escape.inline(_shown(v))}"
                for k, v in values.items()
            )
            lines.append(f"- **{name}** — {shown}")
    if not lines:
        return ""
    return (
        "\n## Where the journals differ\n\n"
        "Each session is shown with its own journal's settings; a severity or status "
        "one journal does not know is counted as written.\n\n" + "\n".join(lines) + "\n"
    )


def _shown(value: object) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def journal_page(
    member: Member,
    infos: list[SessionInfo],
    collected: Collected,
    slugs: dict[str, str],
) -> str:
    """One journal's sessions, where it lives and its settings."""
    page = paths.journal_page(member.name)
    config = member.journal.config
    lines = [
        front_matter(member.name) + f"# {escape.inline(member.name)}",
        "",
        f"{len(infos):,} session{'' if len(infos) == 1 else 's'} · "
        f"timezone {escape.inline(config.timezone)} · severities "
        f"{escape.inline(', '.join(config.severities))}",
        "",
    ]
    if infos:
        lines.append(session_table(infos, collected, page=page, slugs=slugs))
    else:
        lines.append("No sessions yet.")
    return "\n".join(lines) + "\n"
