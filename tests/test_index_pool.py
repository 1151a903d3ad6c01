"""A cold rebuild of many records shares the work among worker processes
(`journal/pool.py`): what it builds must be exactly what one process builds."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import journal.pool
from journal.insight import index as insight_index
from journal.insight.lint import check
from journal.store import facets as index
from journal.store.locate import state_dir
from journal.store.sessions import Journal
from tests.conftest import Cli
from tests.handmade import event, write_session

CACHES = ("session-index.json", "figures-index.json", "check-index.json")


def _sessions(root: Path) -> list[str]:
    ids = []
    for n in range(1, 13):
        sid = f"2025-11-{n:02d}-incident-{n}"
        ids.append(sid)
        write_session(
            root,
            sid,
            {
                "title": f"incident {n}",
                "number": n % 5,  # duplicates: a cross-session finding
                "started": f"2025-11-{n:02d}T01:00:00+00:00",
                "tags": ["db", f"t{n % 3}"],
                "next_steps": [{"text": f"step {n}", "due": "2025-01-01"}],
            },
            [
                event(f"2025-11-{n:02d}T01:05:00+00:00", "detected"),
                event(f"2025-11-{n:02d}T01:35:00+00:00", "mitigated"),
                event(f"2025-11-{n:02d}T02:00:00+00:00", "resolved"),
            ],
        )
    # A session that does not load, and a timeline a person edited by hand.
    (root / "sessions" / ids[3] / "session.yaml").write_text("title: [", "utf-8")
    with (root / "sessions" / ids[5] / "timeline.yaml").open("a") as handle:
        handle.write("# a comment\n- {at: 2025-11-06T03:00:00+00:00, kind: note}\n")
    return ids


def _run(root: Path) -> tuple[Any, ...]:
    """Every cached command's answer from nothing, and the caches it leaves."""
    shutil.rmtree(state_dir(root), ignore_errors=True)
    journal = Journal.open(root)
    answers = (
        insight_index.session_records(journal),
        insight_index.figure_records(journal),
        [f.as_dict() for f in check(journal, today=date(2025, 12, 1))],
    )
    stored = tuple(
        json.loads((state_dir(root) / name).read_text("utf-8")) for name in CACHES
    )
    return answers, stored


def test_pooled_rebuild_equals_the_serial_one(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _sessions(cli.root)
    serial = _run(cli.root)

    pooled_runs: list[int] = []
    real = journal.pool.pooled

    def spy(work: Any, items: list[str], *, size: int) -> Any:
        pooled_runs.append(len(items))
        return real(work, items, size=size)

    monkeypatch.setattr(index, "POOL_MIN", 2)
    monkeypatch.setattr(index, "CHUNK", 5)  # several chunks, returned in order
    monkeypatch.setattr(journal.pool, "workers", lambda: 2)
    monkeypatch.setattr(journal.pool, "pooled", spy)
    pooled = _run(cli.root)

    assert pooled_runs == [len(ids)] * 3  # each cache was built by the pool
    assert pooled == serial
    records, figures, findings = serial[0]
    assert list(records) == ids
    assert "error" in figures[ids[3]]
    assert records[ids[5]]["events"] == 4
    assert any(f["rule"] == "number-duplicate" for f in findings)
