"""The metrics page: time to detect and resolve per session and month by month,
sessions by severity and status — as charts, with the figures in tables below, each
figure with what it is measured from.

Per-session figures come from journal.insight.metrics; medians and percentiles from
journal.insight.aggregates, so the page agrees with `journal stats`.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

from journal.insight.metrics import format_duration
from journal.site import charts, paths
from journal.site.collect import UNDATED_MONTH, Collected, SessionInfo
from journal.site.tables import cell_link

RECENT = 30
"""Sessions in the per-session chart (the newest with figures)."""
MONTHS = 24
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
    lines += [_summary(infos), "", _per_session(collected), ""]
    lines += [_by_month(infos), ""]
    lines += [_counts("Sessions by severity", infos, severities, severity=True), ""]
    lines += [_counts("Sessions by status", infos, statuses, severity=False), ""]
    lines += ["## Every session", "", _table(collected)]
    return "\n".join(lines) + "\n"


def _summary(infos: list[SessionInfo]) -> str:
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

    months: dict[str, list[SessionInfo]] = {}
    for info in sorted(infos, key=lambda i: i.day):
        if info.month != UNDATED_MONTH:  # not a month: nothing to trend
            months.setdefault(info.month, []).append(info)
    recent = sorted(months)[-MONTHS:]
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


def _table(collected: Collected) -> str:
    rows = [
        "| Date | Session | Detect | Acknowledge | Mitigate | Resolve | Duration |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for info in collected.newest:
        rows.append(collected.rows.line(info.id, "metrics", partial(_row, info)))
    return "\n".join(rows)


def _row(info: SessionInfo) -> str:
    from journal.insight.metrics import figures

    link = cell_link(info.label, paths.link(paths.METRICS, paths.session_page(info.id)))
    cells = [_with_origin(f.seconds, f.origin) for f in figures(info.metrics)]
    cells.append(format_duration(info.metrics.duration_s))
    return f"| {info.day.isoformat()} | {link} | " + " | ".join(cells) + " |"


def _with_origin(seconds: float | None, origin: str | None) -> str:
    """`15m from detected`; a dash when unknown."""
    shown = format_duration(seconds)
    return f"{shown} from {origin}" if origin else shown
