"""What a report template sees: the session, its timeline in the configured zone, its
commits, its neighbours, its metrics, and the marks (emoji or words) to decorate them.

Everything here is a pure function of the session's files, the configuration and the
neighbours' titles, so a report renders byte-identical on any machine and zone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple

from journal.insight.metrics import Metrics, compute, figures, format_duration

if TYPE_CHECKING:
    from journal.insight.related import Related
    from journal.model.session import Criterion, Event, NextStep, Session
    from journal.render.index import Entry

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
        return local.strftime("%Y-%m-%d %H:%M" if multi_day else "%H:%M")

    def day(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d")

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
    groups = []
    for horizon, title in HORIZONS:
        items = [s for s in steps if s.horizon == horizon]
        if items:
            groups.append(Group(title, items, f"next_steps.{horizon}"))
    return groups


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
        rows.append(
            MetricRow(
                "Success criteria met",
                f"{metrics.criteria_met} of {metrics.criteria_total}",
            )
        )
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
