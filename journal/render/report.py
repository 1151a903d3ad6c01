"""Rendering a session into its Markdown report through the Jinja templates.

Templates are looked up in the project's templates folder first and the package's
defaults last, so a team overrides any part by putting a file of the same name in its
own folder. Undefined names fail loudly (`StrictUndefined`).

Compiled templates are kept between runs (`bytecode_cache`): a command that renders
skips compiling the report templates again (about 50 ms, most of what rendering one
report costs). The cache lives in Jinja's per-user folder in the temp dir, which Jinja
checks is the user's own and private; never in the journal's folder, whose files
others may write, since cached bytecode is run when loaded. Jinja recompiles a
template whose source changed. Failing to read or write the cache only costs the
compile.

What a template sees (`build_context`) is a pure function of the session's files, the
configuration and the neighbours' titles, so a report renders byte-identical on any
machine and zone.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from journal.errors import InvalidDataError
from journal.insight.metrics import Metrics, compute, figures, format_duration
from journal.render import escape
from journal.render.labels import label_for
from journal.store.cache import code_folders
from journal.when import clock_text, day_text

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment

    from journal.gitlink.derived import Found
    from journal.insight.related import Ranker
    from journal.insight.relatedtype import Related
    from journal.model.session import Criterion, Event, NextStep, Session
    from journal.render.index import Entry, SessionIndex
    from journal.store.sessions import Journal

MAIN_TEMPLATE = "report.md.j2"
MARKS = {  # each mark with emoji, and in words (`--ascii`)
    "chosen": ("✅ Chosen", "Chosen"),
    "rejected": ("❌ Rejected", "Rejected"),
    "deferred": ("⏸ Deferred", "Deferred"),
    "undecided": ("—", "-"),
    "star": ("⭐", "(key)"),
    "evidence": ("📎", "attached:"),
    "exit_ok": ("✅", "(ok)"),
    "exit_failed": ("❌", "(failed)"),
    "went-well": ("✅ Went well", "Went well"),
    "went-wrong": ("❌ Went wrong", "Went wrong"),
    "lucky": ("🍀 Lucky", "Lucky"),
    # Before a lesson kind's label (`lessons.went-well`), which may be the team's.
    "went-well-icon": ("✅ ", ""),
    "went-wrong-icon": ("❌ ", ""),
    "lucky-icon": ("🍀 ", ""),
}
EMOJI = {name: emoji for name, (emoji, _) in MARKS.items()}
ASCII = {name: words for name, (_, words) in MARKS.items()}
HORIZONS = (
    ("immediate", "Immediate"),
    ("short", "Short-term"),
    ("long", "Long-term"),
)
CommitUrl = Callable[[str], str | None]


class Commit(NamedTuple):
    """A commit event of the timeline, as the commits table shows it."""

    sha: str
    short: str
    subject: str
    author: str | None
    at: datetime
    url: str | None
    lost: bool


class MetricRow(NamedTuple):
    """A row of the metrics table; `origin` names what a time-to figure is measured
    from (`impact`, `detected`, `started`), `origin_at` when that was."""

    label: str
    value: str
    origin: str | None = None
    origin_at: datetime | None = None


class Neighbour(NamedTuple):
    id: str
    label: str
    link: str


class RelatedLink(NamedTuple):
    """A related session as the report lists it: link, label and reasons in words."""

    id: str
    label: str
    link: str
    reasons: Sequence[str]


class Group(NamedTuple):
    """Items under one heading (criteria by group, next steps by horizon)."""

    title: str | None
    items: Sequence[Any]
    key: str | None = None
    """The label key of the heading (`next_steps.immediate`), if it has one."""


def build_context(
    *,
    session_id: str,
    session: Session,
    events: Sequence[Event],
    tz: tzinfo,
    tz_name: str,
    source: str,
    previous: Entry | None,
    following: Sequence[Entry],
    ascii: bool,
    commit_url: CommitUrl,
    related: Sequence[Related] = (),
    closed: bool = False,
) -> dict[str, Any]:
    """The template context of one report; `closed`: its status is one of the
    journal's closed statuses."""
    moments = [e.at for e in events] + [
        t for t in (session.started, session.ended) if t is not None
    ]
    multi_day = len({m.astimezone(tz).date() for m in moments}) > 1
    metrics = compute(session, events)
    return {
        "id": session_id,
        "session": session,
        "events": fold(events),
        "commits": _commits(events, commit_url),
        "metrics": metrics,
        "metric_rows": metric_rows(metrics, has_steps=bool(session.next_steps)),
        "previous": _neighbour(previous, session.previous),
        "following": [_neighbour(e, e.id) for e in following],
        "related": [
            RelatedLink(r.id, r.label, f"{r.id}.md", r.reasons) for r in related
        ],
        "criteria_groups": _criteria_groups(session.success_criteria),
        "step_groups": _step_groups(session.next_steps),
        "marks": ASCII if ascii else EMOJI,
        "tz_name": tz_name,
        "multi_day": multi_day,
        "source": source,
        "closed": closed,
    }


def time_filters(tz: tzinfo, *, multi_day: bool) -> dict[str, Callable[..., str]]:
    """`clock` (an event's time: `01:02`, or with its date in a multi-day session),
    `day` (the local date) and `duration` (seconds as `1h 05m`)."""

    def clock(moment: datetime) -> str:
        local = moment.astimezone(tz)
        if multi_day:
            return f"{day_text(local)} {clock_text(local)}"
        return clock_text(local)

    def day(moment: datetime) -> str:
        return day_text(moment.astimezone(tz))

    return {"clock": clock, "day": day, "duration": format_duration}


def _commits(events: Sequence[Event], commit_url: CommitUrl) -> list[Commit]:
    seen: set[str] = set()
    commits = []
    for event in events:
        if event.kind != "commit" or not event.sha or event.sha in seen:
            continue
        seen.add(event.sha)
        commits.append(
            Commit(
                sha=event.sha,
                short=event.sha[:7],
                subject=event.text.split("\n", 1)[0],
                author=event.by,
                at=event.at,
                url=None if event.lost else commit_url(event.sha),
                lost=event.lost,
            )
        )
    return commits


def _neighbour(entry: Entry | None, session_id: str | None) -> Neighbour | None:
    if session_id is None:
        return None
    if entry is None:
        return Neighbour(session_id, session_id, "")
    return Neighbour(entry.id, entry.label, f"{entry.id}.md")


def _criteria_groups(criteria: Sequence[Criterion]) -> list[Group]:
    groups = dict.fromkeys(c.group for c in criteria)
    order = sorted(groups, key=lambda g: g is not None)
    return [Group(g, [c for c in criteria if c.group == g]) for g in order]


def _step_groups(steps: Sequence[NextStep]) -> list[Group]:
    grouped = [(h, t, [s for s in steps if s.horizon == h]) for h, t in HORIZONS]
    return [Group(t, items, f"next_steps.{h}") for h, t, items in grouped if items]


def metric_rows(metrics: Metrics, *, has_steps: bool) -> list[MetricRow]:
    """The computed summary: only the figures the session has the data for, each
    time-to figure with the moment it is measured from."""
    rows = [
        MetricRow(f.label, format_duration(f.seconds), f.origin, f.origin_at)
        for f in figures(metrics)
        if f.milestone is not None
    ]
    if metrics.duration_s is not None:
        rows.append(MetricRow("Duration", format_duration(metrics.duration_s)))
    if metrics.criteria_total:
        met = f"{metrics.criteria_met} of {metrics.criteria_total}"
        rows.append(MetricRow("Success criteria met", met))
    if has_steps:
        rows.append(MetricRow("Open next steps", str(metrics.open_steps)))
    return rows


FOLD_WINDOW_S = 60
"""Messages of one author this close to the first of a row join it."""


def fold(events: Sequence[Event]) -> list[Event]:
    """`events` with runs of foldable chat messages merged (the first one's time): a
    long ingested channel, folded for the report, one author's chat messages within
    a minute one row, their texts one under the other."""
    folded: list[Event] = []
    texts: list[str] = []
    for event in events:
        head = folded[-1] if folded else None
        if head is not None and _joins(head, event):
            texts.append(event.text)
            continue
        _close(folded, texts)
        folded.append(event)
        texts = [event.text]
    _close(folded, texts)
    return folded


def _close(folded: list[Event], texts: list[str]) -> None:
    if len(texts) > 1:
        import msgspec

        folded[-1] = msgspec.structs.replace(folded[-1], text="\n".join(texts))


def _chat(event: Event) -> bool:
    """A plain message of a chat source, with nothing the report shows beside it."""
    return (
        event.source is not None
        and (event.source.startswith("slack") or event.source == "textlog")
        and event.by is not None
        and not (event.star or event.sha or event.command or event.evidence)
    )


def _joins(head: Event, event: Event) -> bool:
    return (
        _chat(head)
        and _chat(event)
        and (head.by, head.source, head.kind, head.reply_to)
        == (event.by, event.source, event.kind, event.reply_to)
        and 0 <= (event.at - head.at).total_seconds() <= FOLD_WINDOW_S
    )


def package_templates() -> Path:
    """The default templates: inside the installed wheel, or the source tree's (the
    folder `store/cache.code_digest` stats)."""
    return Path(code_folders()[1])


def template_dirs(journal_: Journal) -> list[Path]:
    """Where templates are looked up, first match wins: the project's, then ours."""
    project = journal_.root / journal_.config.templates_dir
    default = package_templates()
    if not project.is_dir():
        return [default]
    try:
        same = default.resolve() == project.resolve()
    except OSError:
        same = False
    return [project] if same else [project, default]


@dataclass
class Renderer:
    """Renders reports of one journal; reuse it to render many."""

    journal: Journal
    ascii: bool = False
    related: Mapping[str, Sequence[Related]] | None = None
    """Every session's related sessions (`insight.relatedmap`), when the caller
    renders many; one report alone ranks the journal against its session."""

    @cached_property
    def env(self) -> Environment:
        return make_environment(template_dirs(self.journal))

    @cached_property
    def commit_url(self) -> CommitUrl:
        """sha -> web link: the `git.web_url` pattern of journal.yaml, else the forge
        `origin` points at (GitHub, GitLab, …); plain (None) otherwise. The remote is
        read once per renderer, not per report."""
        from journal.gitlink import commit_url_builder

        web_url = self.journal.config.git.web_url
        return commit_url_builder(self.journal.root, web_url=web_url)

    @cached_property
    def trailer_commits(self) -> Found:
        """Commits naming each session in their trailer: history is read once per
        renderer, not per report."""
        from journal.gitlink.derived import trailer_commits

        return trailer_commits(self.journal)

    @cached_property
    def ranker(self) -> Ranker:
        from journal.insight.relatedmap import ranker_for

        return ranker_for(self.journal)

    def related_of(self, session_id: str) -> Sequence[Related]:
        if self.related is not None:
            return self.related.get(session_id, ())
        if session_id not in self.ranker.features:
            return ()
        return self.ranker.related(session_id)

    def render(self, session_id: str, *, index: SessionIndex | None = None) -> str:
        """The report of one session, as Markdown text ending in one newline."""
        from journal.gitlink.derived import with_trailer_commits
        from journal.render.index import SessionIndex

        session = self.journal.load(session_id)
        events = with_trailer_commits(
            self.journal,
            session_id,
            self.journal.events(session_id),
            found=self.trailer_commits,
        )
        if index is None:
            index = SessionIndex(self.journal)
            index.entries()
            index.save()
        return self.render_loaded(session_id, session, events, index=index)

    def render_loaded(
        self,
        session_id: str,
        session: Session,
        events: list[Event],
        *,
        index: SessionIndex,
    ) -> str:
        """The report of a session already loaded (the site reads every session once
        and renders from that)."""
        previous_id = session.previous
        previous = index.entries().get(previous_id) if previous_id else None
        context = build_context(
            session_id=session_id,
            session=session,
            events=events,
            tz=self.journal.tz,
            tz_name=self.journal.config.timezone,
            source=f"{self.journal.config.sessions_dir}/{session_id}/",
            previous=previous,
            following=index.next_of(session_id),
            ascii=self.ascii,
            commit_url=self.commit_url,
            related=self.related_of(session_id),
            closed=session.status in self.journal.config.closed_statuses,
        )
        return self.render_context(context)

    def render_context(self, context: dict[str, Any]) -> str:
        from jinja2 import TemplateError

        filters = time_filters(self.journal.tz, multi_day=context["multi_day"])
        try:
            template = self.env.get_template(MAIN_TEMPLATE)
            text = template.render(**context, **filters)
        except TemplateError as exc:
            name = getattr(exc, "filename", None) or getattr(exc, "name", None)
            line = getattr(exc, "lineno", None)
            where = f"{name}:{line}" if name and line else (name or "templates")
            raise InvalidDataError(
                f"template error: {exc}",
                "fix the template, or delete your copy to use the built-in one",
                where=where,
            ) from None
        sections = getattr(context.get("session"), "sections", None)
        if sections:
            text = join_repeated_parts(text, (s.title for s in sections))
        return text.rstrip("\n") + "\n"


def bytecode_cache() -> BytecodeCache | None:
    """The cache of compiled templates, or None when no private folder can be had."""
    try:
        return _forgiving_cache()()
    except (OSError, RuntimeError):
        return None


@cache
def _forgiving_cache() -> type[BytecodeCache]:
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class ForgivingCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a torn or unreadable file: compile instead
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    return ForgivingCache


def make_environment(dirs: Sequence[Path]) -> Environment:
    """The Jinja environment: loader chain, strict undefined, Markdown filters."""
    from jinja2 import (
        ChoiceLoader,
        Environment,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
    )

    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d), encoding="utf-8") for d in dirs]),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        newline_sequence="\n",
        # A renderer lives for one command or one site generation: checking every
        # template file's mtime on each `include` of each report is wasted work.
        auto_reload=False,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(
        cell=escape.cell,
        inline=escape.inline,
        md=escape.block,
        section_md=escape.section,
        part_md=escape.part,
        code=escape.code_span,
        cellcode=lambda text: escape.code_span(text, cell=True),
        fence=escape.fence,
        link_text=escape.link_text,
        item=_item,
    )
    # The session's own wording for its parts: `label("next_steps")`.
    env.globals.update(label=pass_context(_label), location=pass_context(_location))
    return env


def _session_labels(context: Any) -> Mapping[str, str]:
    session = context.get("session")
    labels: Mapping[str, str] = getattr(session, "labels", None) or {}
    return labels


def _label(context: Any, key: str, default: str | None = None) -> str:
    """`label("next_steps")`: the session's own words for a part, else the default
    (raw text: the template escapes it for where it lands)."""
    from jinja2 import TemplateRuntimeError

    try:
        return label_for(_session_labels(context), key, default)
    except KeyError:
        raise TemplateRuntimeError(
            f"unknown label {key!r}: give a default, label({key!r}, 'Words')"
        ) from None


# Compiled (by `re`, once) by the first session that names a word for line ranges.
_LINE_RANGE = r"^(?P<path>.+?):(?P<lines>\d+(?:\s*[-–]\s*\d+)?)$"


def _location(context: Any, text: str) -> str:
    """A code location as a code span; `path:3-5` as `` `path` (lines 3-5) `` when
    the session writes line ranges with a word (`root_cause.lines`)."""
    word = _session_labels(context).get("root_cause.lines")
    match = re.match(_LINE_RANGE, str(text)) if word else None
    if word is None or match is None:
        return escape.code_span(text)
    path = escape.code_span(match["path"])
    return f"{path} ({escape.inline(word)} {match['lines']})"


def _item(text: Any, indent: int = 2, after: str = "") -> str:
    """A list item's text: its first line inline (then `after`, Markdown already:
    a follow-up's owner and ticket say what the item is, not its last nested
    line), the rest as blocks nested in it."""
    first, _, rest = escape.normalize(str(text)).strip().partition("\n")
    head = escape.inline(first) + after
    body = escape.block(rest)
    if not body:
        return head
    pad = " " * indent
    nested = "\n".join(pad + line if line else "" for line in body.split("\n"))
    return f"{head}\n\n{nested}"


# One heading a name: an import reads what it can of a report's "Action Items" into
# next steps and keeps the rest (a lead-in sentence, a code block) as a free section of
# the same name, so the report showed "Action Items" twice, and the site's table of
# contents with it. Free sections render last (templates/report/sections.md.j2);
# `join_repeated_parts` moves such a section's text up under the part it came from,
# after what the part shows.


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
    ends = [*(start for start, _ in starts), text.count("\n") + 1][1:]
    return [
        (start, min([end, *(r for r in rules if r > start)]), heading)
        for (start, heading), end in zip(starts, ends, strict=True)
    ]


def _trimmed(lines: list[str]) -> list[str]:
    kept = [i for i, line in enumerate(lines) if line.strip()]
    return lines[kept[0] : kept[-1] + 1] if kept else []
