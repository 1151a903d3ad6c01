"""The one cache layer (`store/cache.py`) as the features and the related map use
it: one stat pass a command, the features as a facet of the session records, and
the process's memory of the file it last read."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from journal.insight import sigindex
from journal.insight.relatedmap import related_map
from journal.render.batch import render_all
from journal.store import cache, facets
from journal.store.sessions import Journal
from tests.conftest import Cli

_ERROR = "sqlalchemy.exc.InvalidRequestError: One or more mappers failed: {}"


def _journal(cli: Cli, count: int = 3) -> Journal:
    for n in range(count):
        cli.ok("new", f"Mapper error {n}", "--at", f"2025-11-0{n + 1}T01:00:00+00:00")
        cli.ok("log", _ERROR.format(n), "--kind", "detected")
    return Journal.open(cli.root)


def _session_stats_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The session files whose stat key is taken by a stat of their own from now
    on (reading a file stats it too: those are not counted)."""
    seen: list[str] = []
    real = os.stat

    def counted(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        name = os.fspath(path)
        if (
            isinstance(name, str)
            and name.endswith(("session.yaml", "timeline.yaml"))
            and sys._getframe(1).f_code.co_name == "stat_key"
        ):
            seen.append(name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    return seen


def test_render_all_stats_each_session_file_once(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp, the render index, the features and the related map answer from
    one pass over the sessions folder (they took four)."""
    journal = _journal(cli)
    seen = _session_stats_counted(monkeypatch)
    result = render_all(journal)
    assert len(result.written) == 3
    assert seen == [], "a session file was stat'ed outside the one pass"
    assert cache.stats_in_use() is None  # the pass ends with the command


def test_a_pass_records_stats_taken_before_the_files_are_read(cli: Cli) -> None:
    """A session written during the pass is recorded under its old stats, so the
    next command sees it changed and reads it again (never a stale record)."""
    journal = _journal(cli, 2)
    sid = journal.session_ids()[0]
    with cache.one_stat_pass(journal):
        cli.ok("set", "title", "Renamed during the pass", "-S", sid)
        during = sigindex.refresh(journal)[sid]["title"]
    after = sigindex.refresh(journal)[sid]["title"]
    assert during in ("Mapper error 0", "Renamed during the pass")
    assert after == "Renamed during the pass"


def test_the_features_are_a_facet_of_the_session_records(cli: Cli) -> None:
    journal = _journal(cli, 2)
    broken = journal.session_ids()[1]
    (journal.sessions_dir / broken / "session.yaml").write_text("title: [\n")
    found = sigindex.records(journal)
    assert list(found) == journal.session_ids()[:1]  # the unreadable one left out
    stored = cache.load_cache(journal.state_dir / f"{sigindex.FACET}.json")
    assert stored["salt"].startswith(cache.salt(journal))
    assert "error" in stored["sessions"][broken]["record"]
    assert stored["sessions"][journal.session_ids()[0]]["record"]["features"]


def test_the_digest_is_made_again_only_when_the_features_moved(cli: Cli) -> None:
    journal = _journal(cli, 2)
    seen = journal.state_dir / "seen-digest"
    sigindex.refresh(journal, digest=True)
    made = cache.stat_key(seen)
    assert made is not None
    sigindex.refresh(journal, digest=True)
    assert cache.stat_key(seen) == made  # nothing moved: not written again
    cli.ok("log", "redis.exceptions.ResponseError: OOM command", "--kind", "detected")
    sigindex.refresh(journal)  # without the digest: it is left behind
    assert cache.stat_key(seen) == made
    sigindex.refresh(journal, digest=True)
    assert cache.stat_key(seen) != made
    assert b"ResponseError" in seen.read_bytes()


def test_a_file_read_once_is_remembered_until_it_changes(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(cli, 2)
    first = related_map(journal)
    reads: list[Path] = []
    real = cache.load_cache

    def counted(path: Path) -> dict[str, Any]:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(cache, "load_cache", counted)
    monkeypatch.setattr(facets, "load_cache", counted)  # the records' own reader
    assert related_map(journal) is first  # nothing moved: the map kept in memory
    assert sigindex.refresh(journal)
    assert reads == []  # the features' file, remembered as it was written
    facet = journal.state_dir / f"{sigindex.FACET}.json"
    facet.write_bytes(facet.read_bytes())  # the same bytes, another stat
    assert sigindex.refresh(journal)
    assert reads == [facet]
