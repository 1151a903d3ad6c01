"""The gates of `insight/facts.py`: a pattern is skipped on a line that lacks what
every match of it holds (a digit, `github.com`, `cluster`, …). Skipping must never
change a result, so every line is read gated and ungated and the facts compared:
the lines of the real reports in ../shared/corpus, and lines built from the pieces
the patterns look for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.insight import facts
from tests.corpus_measure import CORPUS, corpus_files

PIECES = (
    "ValueError: bad input",
    "psycopg2.errors.UniqueViolation",
    "app.exc.Timeout",
    "sqlalchemy.orm.exc.NoResultFound",
    "DeprecationWarning",
    "urllib3.exceptions.ReadTimeoutError",
    'File "app/models.py", line 115',
    "backend/app/models/organization.py:115-120",
    "Dockerfile",
    "Chart.yaml",
    "ERROR: disk full",
    '{"level": "ERROR", "msg": "boom"}',
    "FATAL",
    "thread 'main' panicked at",
    "CrashLoopBackOff",
    "OOMKilled",
    "NodeNotReady",
    "FailedMount",
    "GET /api/v1/users took 3s 502",
    "returned 503",
    "500 errors",
    "exited with code 137",
    "exit status 1",
    "db-1.eu.internal",
    "api.prod.cluster.local",
    "host=web-3",
    "node: ip-10-0-1-2",
    "Payments cluster",
    "cluster named `Hellman`",
    "commit 4b596eb6ad80",
    "reverted a1b2c3d4",
    "PR #1234",
    "acme/api#77",
    "https://github.com/acme/api/pull/42",
    "https://example.com/x.py",
    "see http://host.corp.local:8080/",
    "the queue drained",
    "p99 > 6 s",
    "  ",
    ".",
    ":",
    "=",
    "#",
    "`",
)


@contextmanager
def ungated() -> Iterator[None]:
    facts._Found.gated = False
    try:
        yield
    finally:
        facts._Found.gated = True


def both(lines: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    gated = facts.text_facts(lines)
    with ungated():
        every = facts.text_facts(lines)
    return gated, every


def test_the_gates_are_on_and_can_be_turned_off() -> None:
    assert facts._Found.gated is True
    with ungated():
        assert facts._Found.gated is False
    assert facts._Found.gated is True


@pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the corpus (../shared/corpus) is not here"
)
def test_the_corpus_gives_the_same_facts_gated_and_ungated() -> None:
    reports = corpus_files()
    assert len(reports) >= 70
    found = 0
    for path in reports:
        text = path.read_text(encoding="utf-8", errors="replace")
        gated, every = both(text.split("\n"))
        assert gated == every, path.name
        assert facts.report_facts(text) == _ungated_report(text), path.name
        found += sum(len(v) for v in gated.values() if isinstance(v, (list, dict)))
    assert found > 50  # the corpus does hold facts: the comparison is not empty


def _ungated_report(text: str) -> dict[str, Any]:
    with ungated():
        return facts.report_facts(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=5), max_size=6))
def test_lines_of_fact_pieces_give_the_same_facts_gated_and_ungated(
    pieces: list[list[str]],
) -> None:
    for joiner in (" ", "", ", "):
        lines = [joiner.join(line) for line in pieces]
        gated, every = both(lines)
        assert gated == every, lines
