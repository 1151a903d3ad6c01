"""The related map's joins at scale (issue 28) find exactly what comparing every
pair finds: the bit-set joins of words, and the pruned ranking of each row."""

from __future__ import annotations

import random
from itertools import combinations
from typing import Any

import pytest

from journal.insight.joins import (
    contained_sets,
    error_pairs,
    similar_sets,
)
from journal.insight.related import Ranker, similar_title
from journal.insight.relatedmap import build
from journal.insight.signatures import Signature, same_error, similar
from tests.test_related_map import _WORDS, _dense

_SMALL = [f"w{n}" for n in range(12)]
"""A vocabulary so small that most sets share words: the case a prefix filter
cannot prune, and the one the bit sets are for."""


def _random_sets(count: int, seed: int) -> dict[str, frozenset[str]]:
    rng = random.Random(seed)
    sets = {}
    for n in range(count):
        size = rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 11))
        sets[f"k{n:03d}"] = frozenset(rng.sample(_SMALL, size))
    # Copies, subsets and supersets of earlier sets, so every kind of pair occurs.
    keys = list(sets)
    for n in range(count // 3):
        base = sets[rng.choice(keys)]
        extra = frozenset(rng.sample(_SMALL, rng.randint(0, 3)))
        sets[f"m{n:03d}"] = base | extra if n % 2 else base - extra
    return sets


def _jaccard_pairs(
    sets: dict[str, frozenset[str]], floor: float
) -> set[tuple[str, str]]:
    found = set()
    for a, b in combinations(sorted(sets), 2):
        x, y = sets[a], sets[b]
        if x and y and len(x & y) >= floor * len(x | y) - 1e-9:
            found.add((a, b))
    return found


def test_similar_sets_finds_every_pair_and_no_other() -> None:
    for seed in range(4):
        sets = _random_sets(150, seed)
        for floor in (0.5, 0.7, 0.34):
            expected = _jaccard_pairs(sets, floor)
            assert similar_sets(sets, floor) == expected
        assert len(_jaccard_pairs(sets, 0.5)) > 200  # dense: the hard case


def test_a_row_s_similar_titles_are_every_pair_of_similar_titles() -> None:
    """The build's arrays (`relatedrows._Arrays`) tell similar titles as
    `similar_title` does, on titles of a few words that mostly overlap."""
    from journal.insight.relatedrows import Evidence

    vocabulary = [f"t{n}" for n in range(20)]  # each word on ~15 % of titles
    for seed in range(3):
        rng = random.Random(seed)
        titles = {n: set(rng.sample(vocabulary, rng.randint(2, 4))) for n in range(150)}
        for n in range(150, 200):  # copies, subsets and supersets
            base = set(titles[rng.randrange(150)])
            titles[n] = base | {rng.choice(vocabulary)} if n % 2 else base
        features = _dense(len(titles))
        for found, words in zip(features.values(), titles.values(), strict=True):
            found["title_words"] = sorted(words)
        evidence = Evidence(Ranker(features))
        arrays = evidence.arrays()
        pairs = 0
        assert not evidence.ranker.common & {f"title:{w}" for w in vocabulary}
        for sid in features:
            words = evidence.titles[sid]
            similar_to = set(arrays._similar_titles(words).tolist())
            for other in features:
                expected = similar_title(words, evidence.titles[other])
                assert (arrays.at[other] in similar_to) == expected, (sid, other)
                pairs += expected
        assert pairs > 600  # dense: the hard case


def test_contained_sets_finds_every_subset_pair() -> None:
    sets = _random_sets(150, 9)
    expected = set()
    for a, b in combinations(sorted(sets), 2):
        x, y = sorted((sets[a], sets[b]), key=len)
        if len(x) >= 4 and x <= y and len(x) >= 0.5 * len(y) - 1e-9:
            expected.add((a, b))
    assert len(expected) > 20
    assert contained_sets(sets, 4, 0.5) == expected


def test_error_pairs_is_every_pair_that_same_error_joins() -> None:
    rng = random.Random(5)
    signatures: dict[str, list[Signature]] = {}
    for n in range(120):
        found = []
        for _ in range(rng.randint(0, 4)):
            kind = rng.choice((None, "KeyError", "redis.ResponseError", "x.KeyError"))
            words = rng.sample(_SMALL, rng.randint(1, 9))
            skeleton = " ".join(words)
            found.append(Signature(kind, skeleton, skeleton, frozenset(words)))
        signatures[f"s{n:03d}"] = found
    expected = set()
    for a, b in combinations(sorted(signatures), 2):
        if any(same_error(x, y) for x in signatures[a] for y in signatures[b]):
            expected.add((a, b))
    # Every way `same_error` joins occurs: equal keys, near words, one inside another.
    ways = {"key": 0, "near": 0, "inside": 0}
    for a, b in expected:
        for x in signatures[a]:
            for y in signatures[b]:
                if same_error(x, y):
                    near = similar(x, y) >= 0.7
                    ways["key" if x.key == y.key else "near" if near else "inside"] += 1
    assert min(ways.values()) > 0, ways
    assert error_pairs(signatures) == expected


def _wordy(count: int) -> dict[str, dict[str, Any]]:
    """`_dense` sessions with texts over a small vocabulary, so the text weighs in
    most pairs and a row holds much of the journal: what `Evidence.best` prunes."""
    from journal.insight.textsim import term_counts

    rng = random.Random(23)
    features = _dense(count)
    vocabulary = [f"{a}{b}" for a in _WORDS for b in ("ing", "er", "ed")]
    for n, found in enumerate(features.values()):
        texts = [" ".join(rng.choices(vocabulary, k=12)) for _ in range(8)]
        found["terms"] = term_counts(texts)
        found["locations"] = sorted({f"lib/{rng.choice(_WORDS)}.py" for _ in range(3)})
        found["previous"] = f"2025-01-01-s{n - 1:03d}" if n % 9 == 8 else None
        if n % 5 == 0:
            found["facts"] = {"services": [rng.choice(["api", "billing", "auth"])]}
    return features


@pytest.mark.parametrize("arrays", [True, False])
def test_each_row_s_best_are_those_of_scoring_every_pair(arrays: bool) -> None:
    features = _wordy(150)
    changed = {f"{n:040d}": [f"src/{_WORDS[n]}.py", "src/common.py"] for n in range(7)}
    ranker = Ranker(features, changed)
    for limit in (1, 3, 10):
        expected = {
            sid: [(r.id, r.score, r.reasons) for r in ranker.related(sid, limit=limit)]
            for sid in ranker.features
        }
        # Rows long enough that the best are a few of many: the pruning is used.
        assert (
            sum(len(ranker.related(s, limit=1000)) for s in list(features)[:20]) > 400
        )
        found = build(ranker, limit=limit, arrays=arrays)[0]
        assert {
            sid: [(r.id, r.score, r.reasons) for r in rows]
            for sid, rows in found.items()
        } == expected
