"""The `ingest` group: `journal ingest` of a 100,000-message Slack export (issue 29).

The export is generated: 10 channels × 100 days × 100 messages, with mentions,
links, threads and an edit a day, in Slack's workspace-export layout. The baseline
is the standard library reading the same JSON: `json.loads` of every file, nothing
else. Each run ingests into an empty timeline (the reset empties it), so every run
writes all 100,000 events; a second row shows a re-ingest, where every id is known.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import synth
from measure import Figures, timed
from table import Figure, Row, within

if TYPE_CHECKING:
    from collections.abc import Callable

    from budgets import Results
    from scenarios import Bench, Plan

MESSAGES = 100_000
"""The export's default size (the plan's `ingest_messages` in a bench run)."""
CHANNELS = 10
DAYS = 100
INGEST_S = 5.0
"""Issue 29: `ingest` of a 100,000-message Slack export ≤ 5 s."""
_START = 1_735_700_000  # 2025-01-01


def write_export(folder: Path, messages: int = MESSAGES) -> None:
    """A Slack workspace export of `messages` messages."""
    folder.mkdir(parents=True)
    users = [
        {
            "id": f"U{n:04d}",
            "name": f"user{n}",
            "profile": {"display_name": f"User {n}"},
        }
        for n in range(40)
    ]
    channels = [{"id": f"C{n:04d}", "name": f"incident-{n}"} for n in range(CHANNELS)]
    (folder / "users.json").write_text(json.dumps(users))
    (folder / "channels.json").write_text(json.dumps(channels))
    per_day = messages // (CHANNELS * DAYS)
    for c, channel in enumerate(channels):
        (folder / channel["name"]).mkdir()
        for day in range(DAYS):
            base = _START + day * 86_400 + c
            listed = [_message(base + n * 60, n, c) for n in range(per_day)]
            stamp = synth_day(day)
            (folder / channel["name"] / f"{stamp}.json").write_text(json.dumps(listed))


def synth_day(day: int) -> str:
    from datetime import date, timedelta

    return (date(2025, 1, 1) + timedelta(days=day)).isoformat()


def _message(ts: int, n: int, channel: int) -> dict[str, object]:
    message: dict[str, object] = {
        "type": "message",
        "ts": f"{ts}.{n:06d}",
        "user": f"U{(n * 7 + channel) % 40:04d}",
        "text": f"step {n}: <@U{n % 40:04d}> restarted api-{n % 9} "
        f"see <https://grafana.example.test/d/{n}|dashboard> *p99* back to {n} ms",
    }
    if n % 10 and n > 10:
        message["thread_ts"] = f"{ts - (n % 10) * 60}.{n - n % 10:06d}"
    if n % 50 == 7:
        message["edited"] = {"user": message["user"], "ts": f"{ts + 5}.000000"}
    return message


def add_ingest(bench: Bench) -> None:
    """The scenarios: ingest into an empty session, again (nothing new), the
    standard library's read of the same JSON."""
    base, env, runs = bench.base, bench.env, bench.plan.slow_runs
    root = base / "ingest"
    synth.new_journal(root, env=env, commits=1)
    sid = synth.write_session(root, 0, events=0)
    export = base / "slack-export"
    write_export(export, bench.plan.ingest_messages)
    journal = str(Path(sys.executable).with_name("journal"))
    argv = [journal, "ingest", str(export), "--session", sid]
    timeline = root / "sessions" / sid / "timeline.yaml"

    def empty() -> None:
        timeline.write_bytes(b"")

    add = bench.add
    checked = _checked(timed(argv, cwd=root, env=env), timeline, bench.plan)
    add("ingest", checked, runs, reset=empty)
    add("ingest-again", timed(argv, cwd=root, env=env), runs)
    read = (
        "import json, pathlib, sys\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.json')):\n"
        "    json.loads(p.read_bytes())\n"
    )
    add(
        "ingest-stdlib",
        timed([sys.executable, "-c", read, str(export)], cwd=root, env=env),
        runs,
    )


def _checked(
    once: Callable[[], Figures], timeline: Path, plan: Plan
) -> Callable[[], Figures]:
    """The run, then a check that it wrote every message (a bench of a no-op is
    no bench)."""

    def run() -> Figures:
        figures = once()
        lines = timeline.read_bytes().count(b"\n")
        if lines != plan.ingest_messages:
            raise SystemExit(
                f"bench: ingest wrote {lines} events, not {plan.ingest_messages}"
            )
        return figures

    return run


def ingest_rows(results: Results, python: Figure, plan: Plan) -> list[Row]:
    """The group's rows: the budget against `json.loads`, the re-ingest, memory."""
    figure = results.figure
    if not results.has("ingest"):
        return []
    stdlib = figure("ingest-stdlib")
    size = f"{plan.ingest_messages:,} messages"
    return [
        Row(
            "journal ingest (Slack export)",
            size,
            figure("ingest"),
            "json.loads",
            stdlib,
            budget=within(INGEST_S),
        ),
        Row(
            "journal ingest, again (all known)",
            size,
            figure("ingest-again"),
            "json.loads",
            stdlib,
        ),
        Row(
            "journal ingest: peak memory",
            size,
            figure("ingest", "rss_kib", "KiB"),
            "json.loads",
            figure("ingest-stdlib", "rss_kib", "KiB"),
        ),
    ]
