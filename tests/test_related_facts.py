"""The facts of a session — services, error lines, hosts and clusters, files, commits
and PR/issue references — read from reports and sessions, kept in session.yaml,
shown, exported, editable, and used by `related`; the text similarity behind it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from journal.insight.facts import report_facts, text_facts
from tests.conftest import REPO, Cli

sys.path.insert(0, str(REPO / "bench"))

import related_quality

REPORT = """---
title: Checkout outage
services: [checkout-api, payments]
---
# Checkout outage

## Summary

The `checkout-api` pods went into CrashLoopBackOff on the prod-eu cluster and
were OOMKilled; customers saw HTTP 503 on POST /api/orders for 40 minutes.
The checkout-api was rolled back. checkout-api owners were paged.

## Affected services

- Checkout API
- Payments (partly)

## Root cause

The change in PR #4521 (commit 3f9c2a1b7d) loaded the whole catalogue:

```
Traceback (most recent call last):
  File "/srv/app/catalogue/loader.py", line 115, in load
psycopg2.errors.QueryCanceled: canceling statement due to statement timeout
2025-03-03T10:00:01Z ERROR worker-3 job failed, exit code 137
```

It ran on ip-10-1-2-3.eu-west-1.compute.internal, see app/catalogue/loader.py:115
and https://github.com/acme/shop/pull/4522 for the revert.
"""


def test_each_kind_of_fact_comes_with_where_it_was_found() -> None:
    facts = report_facts(REPORT)
    assert {"checkout-api", "Checkout API", "Payments"} <= set(facts["services"])
    errors = facts["errors"]
    assert "CrashLoopBackOff" in errors and "OOMKilled" in errors
    assert "HTTP 503 POST /api/orders" in errors or "HTTP 503" in errors
    assert any(e.startswith("psycopg2.errors.QueryCanceled: canceling") for e in errors)
    assert "exit code 137" in errors
    # The log record without its time: two reports of it agree whatever the hour.
    assert "ERROR worker-3 job failed, exit code 137" in errors
    assert "ip-10-1-2-3.eu-west-1.compute.internal" in facts["hosts"]
    assert "cluster prod-eu" not in facts["hosts"]  # lower case: not a name
    assert "app/catalogue/loader.py:115" in facts["files"]
    # The trace in the code block names it from the checkout's root (/srv): one
    # file, written once (insight/samefile.py).
    assert "srv/app/catalogue/loader.py:115" not in facts["files"]
    assert facts["sources"]["app/catalogue/loader.py:115"].endswith("(Root cause)")
    assert {"PR #4521", "commit 3f9c2a1b7d", "acme/shop#4522"} <= set(facts["refs"])
    assert facts["sources"]["exit code 137"].endswith("(Root cause)")
    assert facts["sources"]["Checkout API"] == "line 15 (Affected services)"
    assert not [f for f in facts["files"] if "github.com" in f]  # a URL, not a file


def test_a_report_that_gives_no_facts_gets_none() -> None:
    assert report_facts("# Quiet day\n\nWe watched the dashboards. All good.\n") == {}
    assert text_facts(["Rolled back", "Looks fine now"]) == {}


def test_an_error_in_prose_ends_with_its_sentence() -> None:
    facts = report_facts(
        "The job died with redis.exceptions.ConnectionError: Error 111 connecting "
        "to cache:6379 and the queue backed up.\n"
    )
    assert facts["errors"] == [
        "redis.exceptions.ConnectionError: Error 111 connecting to cache:6379"
    ]


def test_a_program_names_errors_it_may_meet_not_errors_seen() -> None:
    report = (
        "The fix:\n\n```python\n"
        "if not valid:\n"
        '    raise HTTPException(status_code=400, detail="bad signature")\n'
        "try:\n    charge()\nexcept OperationalError:\n    return 503\n"
        "# see api/app/routes/billing.py:88\n```\n\n"
        "What we saw:\n\n```python\nTraceback (most recent call last):\n"
        '  File "api/app/db.py", line 12, in connect\n'
        "psycopg2.OperationalError: could not connect to server\n```\n\n"
        "```text\nValueError: amount must be positive\n```\n"
    )
    facts = report_facts(report)
    assert facts["errors"] == [
        "psycopg2.OperationalError: could not connect to server",
        "ValueError: amount must be positive",
    ]
    # The program's files still count: where the fix went is a fact.
    assert "api/app/routes/billing.py:88" in facts["files"]
    assert "api/app/db.py:12" in facts["files"]


def test_files_keep_their_dot_and_a_library_is_none_of_the_teams() -> None:
    facts = report_facts(
        "Changed .github/workflows/web.yml and ./api/app/x.py:3.\n"
        '  File "/usr/lib/python3.12/site-packages/weasyprint/__init__.py", line 252\n'
        "then node_modules/vite/dist/node.js:88 and /srv/app/worker/pdf.py:9\n"
    )
    assert facts["files"] == [
        ".github/workflows/web.yml",
        "api/app/x.py:3",
        "srv/app/worker/pdf.py:9",
    ]


def test_commits_and_pull_requests_in_the_shapes_reports_write_them() -> None:
    facts = report_facts(
        "**PR:** #19\n"
        "**Commits:** `a41c752`, `d5dfd54`\n"
        "- `9c1e2f0` the fix\n"
        "Commit: 9B3A733A\n"
        "digest sha256:`" + "ab12" * 16 + "`, build 1234567, `deadbeef`\n"
    )
    assert facts["refs"] == [
        "PR #19",
        "commit a41c752",
        "commit d5dfd54",
        "commit 9c1e2f0",
        "commit 9b3a733a",
    ]


def _import(cli: Cli, tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = json.loads(cli.ok("import", str(path), "--json").out)
    return str(out["files"][0]["session_id"])


def test_import_keeps_the_facts_and_the_report_and_export_show_them(
    cli: Cli, tmp_path: Path
) -> None:
    sid = _import(cli, tmp_path, "checkout.md", REPORT)
    data = json.loads(cli.ok("export", sid, "--format", "json").out)
    facts = data["session"]["facts"]
    assert "CrashLoopBackOff" in facts["errors"]
    assert facts["sources"]["CrashLoopBackOff"].startswith("line 9 (Summary)")
    report = cli.ok("show", sid).out
    assert "Facts" in report and "CrashLoopBackOff" in report


def test_facts_are_edited_with_set_and_related_uses_them(cli: Cli) -> None:
    for title, day in (("Cart totals", "2025-11-04"), ("Invoices late", "2026-01-10")):
        cli.ok("new", title, "--at", f"{day}T01:00:00+00:00")
        cli.ok("set", "facts.hosts", "[db-primary-7.internal]")
        cli.ok("set", "facts.errors", "[CrashLoopBackOff]")
    data = json.loads(cli.ok("related", "--json").out)
    reasons = data["related"][0]["reasons"]
    assert "same host: db-primary-7.internal" in reasons
    assert "both report CrashLoopBackOff" in reasons
    bad = cli("set", "facts.hosts", "{a: b}")
    assert bad.code != 0 and "Traceback" not in bad.err


def test_a_session_naming_another_as_its_previous_is_related(cli: Cli) -> None:
    cli.ok("new", "Billing export broken", "--at", "2025-11-04T01:00:00+00:00")
    cli.ok("new", "Queue lag", "--at", "2025-11-05T01:00:00+00:00")
    cli.ok("set", "previous", "2025-11-04-billing-export-broken")
    data = json.loads(cli.ok("related", "--json").out)
    assert [r["session"] for r in data["related"]] == [
        "2025-11-04-billing-export-broken"
    ]
    assert data["related"][0]["reasons"] == ["continues: Billing export broken"]


def _long(topic: str, filler: str) -> str:
    words = " ".join(f"{filler}{n}" for n in range(30))
    return f"{topic} {words}"


def test_text_similarity_weighs_rare_words_and_says_which() -> None:
    from journal.insight.related import Ranker

    def features(sid: str, title: str, text: str) -> dict[str, Any]:
        from journal.insight.textsim import term_counts

        return {
            "id": sid, "title": title, "number": None, "day": sid[:10], "tags": [],
            "components": [], "title_words": [], "signatures": [], "root_files": [],
            "locations": [], "shas": [], "terms": term_counts([title, text]),
        }  # fmt: skip

    common = "deploy service traffic gateway database queue"
    sessions = {
        "2025-01-01-a": features(
            "2025-01-01-a", "Inotify watches exhausted",
            _long(f"inotify watches exhausted fluentd {common}", "alpha"),
        ),
        "2025-02-01-b": features(
            "2025-02-01-b", "Inotify watches exhausted again",
            _long(f"inotify watches exhausted fluentd {common}", "beta"),
        ),
    }  # fmt: skip
    for n in range(8):
        sid = f"2025-03-0{n + 1}-other"
        sessions[sid] = features(sid, f"Other {n}", _long(common, f"w{n}x"))
    ranker = Ranker(sessions)
    found = ranker.related("2025-01-01-a")
    assert [r.id for r in found] == ["2025-02-01-b"]
    reason = found[0].reasons[-1]
    assert reason.startswith("similar report (rare words shared: ")
    assert "inotify" in reason and "database" not in reason
    assert ranker.related("2025-03-01-other") == []


def test_short_sessions_are_not_related_by_a_few_shared_words() -> None:
    from journal.insight.textsim import MIN_WORDS, TextModel, term_counts

    short = {"length": 5, "counts": [["deadlock", 2], ["orders", 1]]}
    assert short["length"] < MIN_WORDS
    model = TextModel({"a": {"terms": short}, "b": {"terms": short}})
    assert model.similarity("a", "b") == 0.0
    counts = dict(term_counts(["Nodes NotReady", "node notready"])["counts"])
    assert counts == {"node": 2, "notready": 2}


def test_bullets_of_prose_under_a_status_heading_are_not_components() -> None:
    from journal.importer import parse_report

    report = parse_report(
        "# Outage\n\n## Current status\n\n- Investigating the queue\n"
        "- Talked to the vendor\n- Waiting on a reply\n\n## Status board\n\n"
        "- **API:** ✅ fixed\n- **Worker:** in progress\n"
    )
    names = [c["name"] for c in report.session.get("components", [])]
    assert names == ["API", "Worker"]
    kept = "\n".join(s["body"] for s in report.session.get("sections", []))
    assert "Investigating the queue" in kept


@pytest.mark.skipif(
    not related_quality.CORPUS.is_dir(), reason="the shared corpus is not here"
)
def test_the_corpus_labels_on_the_tuning_part() -> None:
    """The figures bench/related_quality.py reports, held at what was reached on
    the tuning part (the held-aside part is reported, never tuned on)."""
    figures = related_quality.evaluate_corpus(related_quality.CORPUS)["corpus"]
    tuning = figures["tuning"]
    assert tuning["precision"] >= 0.9 and tuning["recall"] >= 0.6
    assert figures["all"]["coverage"] >= 0.4


def test_the_work_session_labels_name_every_report_and_keep_the_rule() -> None:
    """The labels bench/related_quality.py scores the work sessions on: every file
    they name is there, every report is in a pair, the held-aside flag each pair
    carries is the rule's, and there are at least as many unrelated pairs as related
    (the brief's shape, so a tool listing everything cannot look good)."""
    labels = json.loads(related_quality.WORK_LABELS.read_text(encoding="utf-8"))
    reports = {p.name for p in related_quality.WORK_SESSIONS.glob("*.md")}
    named = {p[k] for p in labels["pairs"] for k in ("a", "b")}
    assert len(reports) == 24 and named == reports
    assert all(
        p["held_aside"] == related_quality.held_aside(p["a"], p["b"])
        for p in labels["pairs"]
    )
    related = sum(p["related"] for p in labels["pairs"])
    assert related and len(labels["pairs"]) - related >= related
    keys = [tuple(sorted((p["a"], p["b"]))) for p in labels["pairs"]]
    assert len(set(keys)) == len(keys)


def test_the_work_sessions_are_imported_and_scored_in_three_parts() -> None:
    """Every report imports (else the bench stops), and each part scores its own
    share of the labels."""
    parts = related_quality.evaluate_work_sessions()
    labels = json.loads(related_quality.WORK_LABELS.read_text(encoding="utf-8"))
    held = sum(p["held_aside"] for p in labels["pairs"])
    assert parts["all"]["pairs"] == len(labels["pairs"])
    assert parts["held aside"]["pairs"] == held
    assert parts["tuning"]["pairs"] == len(labels["pairs"]) - held
    assert 0 < parts["all"]["coverage"] <= 1


def test_a_title_that_carries_on_another_is_related(cli: Cli) -> None:
    cli.ok("new", "Checkout outage", "--at", "2025-11-04T01:00:00+00:00")
    cli.ok("new", "Checkout outage, part 2", "--at", "2025-11-06T01:00:00+00:00")
    cli.ok("new", "Checkout redesign review", "--at", "2025-11-07T01:00:00+00:00")
    data = json.loads(cli.ok("related", "2025-11-04-checkout-outage", "--json").out)
    assert [r["session"] for r in data["related"]] == [
        "2025-11-06-checkout-outage-part-2"
    ]
    assert "continues: Checkout outage, part 2" in data["related"][0]["reasons"]


def test_an_error_log_line_quoted_in_a_sentence_is_the_record_alone() -> None:
    from journal.insight.facts import text_facts

    found = text_facts(
        [
            "After adding logs we saw an invalid amount in a block: "
            "2021-05-09T23:02:01.463 full_node chia.full_node.coin_store: ERROR "
            "Coin amount: -855",
            "We saw this in the logs: ERROR db timeout after 30 s",
            "Workers failed with ERROR: pool exhausted",
        ]
    )
    assert found["errors"] == [
        "full_node chia.full_node.coin_store: ERROR Coin amount: -855",
        "ERROR db timeout after 30 s",
        # No sentence ends before the mark: the line is the record.
        "Workers failed with ERROR: pool exhausted",
    ]
