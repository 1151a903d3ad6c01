"""Every session's related sessions at once: the candidate pairs miss nothing that
comparing every pair finds, and the map is cached until a session changes."""

from __future__ import annotations

import json
import random
import sys
from typing import Any

import pytest

from journal.insight.related import Ranker
from journal.insight.relatedmap import KeptMap, build, related_map, update
from journal.insight.signatures import text_signatures
from journal.store.sessions import Journal
from tests.conftest import REPO, Cli, git
from tests.gitlink_support import run_commit

sys.path.insert(0, str(REPO / "bench"))

import related_quality

_VOCABULARY = "queue worker pool gateway replica cache deploy shard lock retry"
_WORDS = _VOCABULARY.split(" ")
_TAGS = ("api", "database", "queue", "cache", "deploy", "network")


def _every_pair(ranker: Ranker, limit: int = 10) -> dict[str, list[Any]]:
    return {
        sid: [(r.id, r.score, r.reasons) for r in ranker.related(sid, limit=limit)]
        for sid in ranker.features
    }


def _found(found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {
        sid: [(r.id, r.score, r.reasons) for r in items] for sid, items in found.items()
    }


def _dense(count: int) -> dict[str, dict[str, Any]]:
    """Sessions drawn from a few words: titles, tags, files and errors overlap a lot."""
    rng = random.Random(17)
    features = {}
    for n in range(count):
        sid = f"2025-01-01-s{n:03d}"
        error = " ".join(rng.sample(_WORDS, 4))
        kind = rng.choice(("", "KeyError", "redis.exceptions.ResponseError"))
        line = f"{kind}: {error} failed" if kind else f"Timeout: {error} refused"
        signatures = text_signatures(line)
        features[sid] = {
            "id": sid,
            "title": " ".join(rng.sample(_WORDS, 3)),
            "number": n,
            "day": "2025-01-01",
            "tags": sorted(rng.sample(_TAGS, rng.randint(0, 3))),
            "components": sorted(
                rng.sample(["api", "db", "worker"], rng.randint(0, 2))
            ),
            "title_words": sorted(rng.sample(_WORDS, 3)),
            "signatures": [[s.kind or "", s.key, s.text] for s in signatures],
            "root_files": [f"app/{rng.choice(_WORDS)}.py"] if n % 3 == 0 else [],
            "locations": [f"lib/{rng.choice(_WORDS)}.py"] if n % 4 == 0 else [],
            "shas": [f"{n % 7:040d}"],
        }
    return features


@pytest.mark.parametrize("arrays", [True, False])
def test_the_labelled_set_gives_what_every_pair_gives(arrays: bool) -> None:
    ranker = Ranker(related_quality.features())
    expected = _every_pair(ranker)
    assert sum(map(len, expected.values())) >= 20
    assert _found(build(ranker, limit=10, arrays=arrays)[0]) == expected


@pytest.mark.parametrize("arrays", [True, False])
def test_a_dense_journal_gives_what_every_pair_gives(arrays: bool) -> None:
    features = _dense(160)
    changed = {f"{n:040d}": [f"src/{_WORDS[n]}.py", "src/common.py"] for n in range(7)}
    ranker = Ranker(features, changed)
    expected = _every_pair(ranker, limit=200)
    assert sum(map(len, expected.values())) >= 500  # most kinds of evidence at work
    assert _found(build(ranker, limit=200, arrays=arrays)[0]) == expected


def test_rows_shared_among_worker_processes_are_those_of_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From `POOL_FROM` sessions a first build forks workers for its rows (and the
    error join for its blocks): the map is the same as comparing every pair."""
    import journal.insight.joins
    import journal.insight.relatedmap

    features = _dense(160)
    ranker = Ranker(features)
    expected = _every_pair(ranker, limit=200)
    errors_in_one = build(ranker, limit=200, arrays=False)[1]
    monkeypatch.setattr(journal.insight.relatedmap, "POOL_FROM", 1)
    monkeypatch.setattr(journal.insight.joins, "POOL_FROM", 1)
    related, errors = build(Ranker(features), limit=200, arrays=True)
    assert _found(related) == expected
    assert list(related) == list(features)  # in the journal's order
    assert errors == errors_in_one and errors


def _written_several_ways(features: dict[str, dict[str, Any]]) -> None:
    """Some files as a container's trace writes them, some by base name alone."""
    for n, f in enumerate(features.values()):
        if n % 5 == 0:
            f["root_files"] = [f"srv/{path}" for path in f["root_files"]]
        if n % 6 == 0:
            f["locations"] = [path.rsplit("/", 1)[-1] for path in f["locations"]]


@pytest.mark.parametrize("arrays", [True, False])
def test_files_written_several_ways_give_what_every_pair_gives(arrays: bool) -> None:
    features = _dense(160)
    _written_several_ways(features)
    ranker = Ranker(features)
    assert len(ranker.aliases) >= 5
    expected = _every_pair(ranker, limit=200)
    assert _found(build(ranker, limit=200, arrays=arrays)[0]) == expected


def _worded(count: int) -> dict[str, dict[str, Any]]:
    """`_dense` sessions with texts: each drawn mostly from its group's 30 words
    (groups of 12), the rest from the whole vocabulary, so that text alone
    relates many pairs, at every strength."""
    rng = random.Random(23)
    vocabulary = [f"term{n}" for n in range(30 * (count // 12 + 1))]
    features = _dense(count)
    for n, f in enumerate(features.values()):
        group = vocabulary[30 * (n // 12) : 30 * (n // 12 + 1)]
        drawn = rng.sample(group, rng.randint(4, 14)) + rng.sample(vocabulary, 10)
        counts = [[word, rng.randint(1, 9)] for word in dict.fromkeys(drawn)]
        f["terms"] = {"length": sum(n for _, n in counts), "counts": counts}
        f["title"] += " " + " ".join(rng.sample(group[:6], 2))
    return features


@pytest.mark.parametrize("arrays", [True, False])
def test_a_journal_related_by_text_gives_what_every_pair_gives(arrays: bool) -> None:
    """Rows where text alone names most candidates, and a short limit: the bar
    rises above the threshold, so the walk by decreasing text stops early."""
    features = _worded(150)
    ranker = Ranker(features)
    for limit in (3, 10):
        expected = _every_pair(ranker, limit=limit)
        texts = sum(
            any(reason.startswith("similar report") for reason in reasons)
            for row in expected.values()
            for _, _, reasons in row
        )
        assert texts >= 100  # the text is what relates many of them
        assert _found(build(ranker, limit=limit, arrays=arrays)[0]) == expected


def test_one_session_s_query_gives_what_every_pair_gives() -> None:
    """`journal related` and the map's updates score one row from postings
    (`Evidence.row`): a session that shares only words and tags with it is
    among its candidates too (two tags and similar titles lift little text to
    the threshold)."""
    from journal.insight.relatedmap import related_to

    ranker = Ranker(_worded(150))
    expected = _every_pair(ranker, limit=10)
    found = {sid: related_to(ranker, sid, limit=10) for sid in ranker.features}
    assert _found(found) == expected


def test_the_map_is_cached_until_a_session_changes(cli: Cli) -> None:
    mapper = "sqlalchemy.exc.InvalidRequestError: One or more mappers failed: {}"
    for title, at in (("Mapper error", "2025-11-04"), ("Mapper again", "2026-01-10")):
        cli.ok("new", title, "--at", f"{at}T01:00:00+00:00")
        cli.ok("log", mapper.format(title), "--kind", "detected")
    journal = Journal.open(cli.root)
    first = related_map(journal)
    assert [[r.id for r in items] for items in first.values()] == [
        [sid] for sid in reversed(list(first))
    ]
    cache = journal.state_dir / "related-map.json"
    stored = json.loads(cache.read_text())
    stored["related"] = [[] for _ in first]  # what only a cache hit returns
    cache.write_text(json.dumps(stored))
    assert all(items == [] for items in related_map(journal).values())
    cli.ok("log", "Rolled back the deploy", "--kind", "note")  # not a feature
    assert all(items == [] for items in related_map(journal).values())
    cli.ok("log", "redis.exceptions.ResponseError: OOM command", "--kind", "detected")
    # Only the changed session's row is made again, and the rows that listed it.
    assert all(len(items) == 1 for items in related_map(journal).values())


def test_a_damaged_cache_is_built_again(cli: Cli) -> None:
    mapper = "sqlalchemy.exc.InvalidRequestError: One or more mappers failed: {}"
    for title, at in (("Mapper error", "2025-11-04"), ("Mapper again", "2026-01-10")):
        cli.ok("new", title, "--at", f"{at}T01:00:00+00:00")
        cli.ok("log", mapper.format(title), "--kind", "detected")
    journal = Journal.open(cli.root)
    first = _found(related_map(journal))
    cache = journal.state_dir / "related-map.json"
    whole = cache.read_bytes()
    for damaged in (whole[: len(whole) // 2], b"[]", whole.replace(b'"stats"', b'"x"')):
        cache.write_bytes(damaged)
        assert _found(related_map(journal)) == first


def _nonempty(partners: dict[str, set[str]]) -> dict[str, set[str]]:
    return {sid: mates for sid, mates in partners.items() if mates}


def _mutated(features: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The journal after a few sessions changed, one went and one came."""
    fresh = _dense(400)
    _written_several_ways(fresh)
    result = dict(features)
    for sid in rng.sample(sorted(result), 3):
        other = fresh[rng.choice(sorted(fresh))]
        result[sid] = {**other, "id": sid, "number": result[sid]["number"]}
    del result[rng.choice(sorted(result))]
    sid = f"2025-02-01-n{rng.randint(0, 10**6):07d}"
    result[sid] = {**fresh[rng.choice(sorted(fresh))], "id": sid}
    return result


@pytest.mark.parametrize("arrays", [True, False])
def test_updates_give_what_comparing_every_pair_gives(arrays: bool) -> None:
    """Change, add and remove sessions round after round: the map brought up to
    date each time is what comparing every pair gives, for a short limit (rows
    fill up, so a session leaving one makes room) and a long one."""
    rng = random.Random(5)
    changed = {f"{n:040d}": [f"src/{_WORDS[n]}.py", "src/common.py"] for n in range(7)}
    for limit in (3, 200):
        features = _dense(120)
        _written_several_ways(features)
        ranker = Ranker(features, changed)
        related, errors = build(ranker, limit=limit, arrays=arrays)
        checked = 0
        for _ in range(60):
            features = _mutated(features, rng)
            after = Ranker(features, changed)
            if after.journal_wide != ranker.journal_wide:  # built again then
                ranker, (related, errors) = (
                    after,
                    build(after, limit=limit, arrays=arrays),
                )
                continue
            inputs = {sid: json.dumps(f, sort_keys=True) for sid, f in features.items()}
            before = {
                sid: json.dumps(f, sort_keys=True) for sid, f in ranker.features.items()
            }
            dirty = {sid for sid in inputs if before.get(sid) != inputs[sid]}
            removed = set(before) - set(inputs)
            kept = KeptMap({}, before, related, errors)
            related, errors = update(after, kept, dirty, removed, limit=limit)
            assert _found(related) == _every_pair(after, limit=limit)
            assert _nonempty(errors) == _nonempty(
                build(after, limit=limit, arrays=arrays)[1]
            )
            ranker = after
            checked += 1
        assert checked >= 8


def test_a_rename_committed_later_moves_the_reasons(cli: Cli) -> None:
    """Nothing in the sessions changed, but HEAD did: files changed by linked
    commits are named as HEAD names them, so the map is not taken as it was."""
    from tests.test_related import _commit_file, _session

    root = cli.root
    body = "\n".join(f"line {i} of the billing module" for i in range(40)) + "\n"
    sha = _commit_file(root, "app/billing.py", body, "Fix", "2025-11-04T01:05:00Z")
    for title, at in (("Rounding", "2025-11-04"), ("Tax totals", "2025-11-20")):
        _session(cli, f"{title} off by a cent", f"{at}T01:00:00+00:00")
        cli.ok("link", sha)
        cli.ok("set", "root_cause.location", "app/billing.py")
        cli.ok("close")
    journal = Journal.open(root)
    reasons = [r for rows in related_map(journal).values() for r in rows[0].reasons]
    assert "both changed app/billing.py" in reasons
    (root / "app" / "payments").mkdir()
    git(root, "mv", "app/billing.py", "app/payments/billing.py")
    run_commit(root, "-m", "Move billing", when="2025-11-30T00:00:00Z")
    reasons = [r for rows in related_map(journal).values() for r in rows[0].reasons]
    assert "both changed app/payments/billing.py" in reasons
    assert "both changed app/billing.py" not in reasons


def test_a_commit_that_renames_nothing_keeps_the_map(cli: Cli) -> None:
    mapper = "sqlalchemy.exc.InvalidRequestError: One or more mappers failed: {}"
    for title, at in (("Mapper error", "2025-11-04"), ("Mapper again", "2026-01-10")):
        cli.ok("new", title, "--at", f"{at}T01:00:00+00:00")
        cli.ok("log", mapper.format(title), "--kind", "detected")
    journal = Journal.open(cli.root)
    first = _found(related_map(journal))
    (cli.root / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    git(cli.root, "add", "notes.txt")
    run_commit(cli.root, "-m", "Notes", when="2026-01-11T00:00:00Z")
    assert _found(related_map(journal)) == first
    stored = json.loads((journal.state_dir / "related-map.json").read_text())
    assert stored["head"] == git(cli.root, "rev-parse", "HEAD")
