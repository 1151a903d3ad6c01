"""Every session's related sessions at once, for the reports and the site: candidate
pairs from inverted indexes, scored by the `Ranker`, cached by a digest of every
session's features.

Comparing every pair costs ~25 s at 1,000 sessions. Only a pair sharing something a
threshold can be reached with is compared: tags add at most `CAPS["tag"]` (2), less
than `THRESHOLD`, so a related pair shares an error (its rarest words, see below), a
file (root cause, location, changed by both), a component, or a title similar enough
together with two tags. The result is the same as `Ranker.related` for each session
(tests/test_related_map.py checks it on the labelled set and on a dense journal).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from journal.insight import related as rel

if TYPE_CHECKING:
    from journal.store.sessions import Journal

CACHE_NAME = "related-map.json"
ERROR_FLOOR = 0.5
"""Jaccard below which two signatures are never the same error (`same_error`)."""
Pair = tuple[str, str]


def related_map(journal: Journal, *, limit: int = 10) -> dict[str, list[rel.Related]]:
    """Each readable session's related sessions, best first (cached in the state
    folder; a change to any session's files or linked commits recomputes them)."""
    from journal.store.fingerprint import load_cache, save_cache

    ranker = rel.ranker_for(journal)
    raw = json.dumps([ranker.features, ranker.changed, limit], sort_keys=True)
    key = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    path = journal.state_dir / CACHE_NAME
    cached = load_cache(path)
    if cached.get("key") == key and isinstance(cached.get("related"), dict):
        return {
            sid: [rel.Related(*row) for row in rows]
            for sid, rows in cached["related"].items()
        }
    found = all_related(ranker, limit=limit)
    rows = {
        sid: [[r.id, r.title, r.number, r.day, r.score, r.reasons] for r in items]
        for sid, items in found.items()
    }
    save_cache(path, {"key": key, "related": rows})
    return found


def all_related(ranker: rel.Ranker, *, limit: int = 10) -> dict[str, list[rel.Related]]:
    """`ranker.related(s)` for every session `s`, comparing candidate pairs only."""
    found: dict[str, list[rel.Related]] = {sid: [] for sid in ranker.features}
    for a, b in sorted(candidate_pairs(ranker)):
        for mine, theirs in ((a, b), (b, a)):
            match = ranker.compare(mine, theirs)
            if match.score >= rel.THRESHOLD:
                found[mine].append(match)
    for items in found.values():
        items.sort(key=lambda r: (-r.score, r.id))
        del items[limit:]
    return found


def candidate_pairs(ranker: rel.Ranker) -> set[Pair]:
    """Pairs (a < b) that may reach the threshold; every other pair cannot."""
    features = ranker.features
    pairs: set[Pair] = set()
    shared: dict[str, list[str]] = {}
    for sid, f in features.items():
        keys = {f"file:{p}" for p in (*f["root_files"], *f["locations"])}
        keys |= {f"changed:{p}" for p in ranker.changed[sid] if p not in ranker.common}
        keys |= {f"component:{c}" for c in f["components"]}
        for key in keys:
            shared.setdefault(key, []).append(sid)
    for sids in shared.values():
        pairs.update(_pairs(sids))
    pairs |= _error_pairs(ranker)
    tags = {sid: set(f["tags"]) - ranker.common for sid, f in features.items()}
    titles = {sid: f["title_words"] for sid, f in features.items()}
    for a, b in _similar_sets(titles, rel.TITLE_SIMILAR):
        if len(tags[a] & tags[b]) >= 2:
            pairs.add((a, b))
    return pairs


def _pairs(sids: list[str]) -> Iterable[Pair]:
    ordered = sorted(set(sids))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def _error_pairs(ranker: rel.Ranker) -> set[Pair]:
    """Sessions with signatures of the same type overlapping by `ERROR_FLOOR`."""
    buckets: dict[str, dict[str, frozenset[str]]] = {}
    for sid, signatures in ranker.signatures.items():
        for n, s in enumerate(signatures):
            kind = (s.kind or "").rsplit(".", 1)[-1]
            buckets.setdefault(kind, {})[f"{sid}\0{n}"] = s.tokens
    pairs: set[Pair] = set()
    for sets in buckets.values():
        for x, y in _similar_sets(sets, ERROR_FLOOR):
            a, b = x.split("\0", 1)[0], y.split("\0", 1)[0]
            if a != b:
                pairs.add((min(a, b), max(a, b)))
    return pairs


def _similar_sets(sets: Mapping[str, Iterable[str]], floor: float) -> set[Pair]:
    """Keys (a < b) whose word sets have a Jaccard overlap of at least `floor`.

    A prefix filter (AllPairs): with the words of every set ordered rarest first,
    two sets overlapping by `floor` share a word among the first `n - ceil(floor n)
    + 1` of each, so only those are indexed and looked up.

    Over a small vocabulary (error lines without an exception type share most of
    their words) most pairs pass that filter, so the pass is made cheap per pair:
    keys are taken from the last down and each looks up only the keys after it
    already indexed (set unions, no loop per posting), and each set is a bit mask,
    its overlaps counted bits."""
    words = {key: frozenset(items) for key, items in sets.items() if items}
    counts = Counter(w for items in words.values() for w in items)
    bit = {w: 1 << n for n, w in enumerate(sorted(counts))}
    keys = sorted(words, reverse=True)
    masks = [sum(bit[w] for w in words[key]) for key in keys]
    sizes = [len(words[key]) for key in keys]
    postings: dict[str, list[int]] = {}
    found: set[Pair] = set()
    for index, key in enumerate(keys):
        items = words[key]
        spare = len(items) - math.ceil(floor * len(items) - 1e-9)
        prefix = sorted(items, key=lambda w: (counts[w], w))[: spare + 1]
        candidates: set[int] = set()
        for word in prefix:
            candidates.update(postings.get(word, ()))
        mine, size = masks[index], sizes[index]
        for other in candidates:
            shared = (mine & masks[other]).bit_count()
            if shared >= floor * (size + sizes[other] - shared) - 1e-9:
                found.add((key, keys[other]))
        for word in prefix:
            postings.setdefault(word, []).append(index)
    return found
