"""Who may be related to whom, and by how much, without comparing every pair: the
inverted indexes of every session's evidence and the exact score of a pair from them.

A session's *row* is every other session whose score with it reaches
`related.THRESHOLD`. The score is what `Ranker.compare` adds up, computed from set
sizes alone (no reasons, no text), so a row costs one look-up per file, component
and matching error instead of one comparison per session; only the best `limit` of
a row are then compared in full, for their reasons.

Candidates: tags add at most `CAPS["tag"]` (2), less than the threshold, so a pair
reaching it shares a file (root cause, location, changed by both), a component, an
error (`same_error`) or a title similar enough (`related._title`). The first three
come from postings; errors and titles from joins over the whole journal (a build) or
from one session's query against it (an update), see `relatedmap.py`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from journal.insight import related as rel
from journal.insight.signatures import same_error, similar

if TYPE_CHECKING:
    from journal.insight.signatures import Signature

Pair = tuple[str, str]
ERROR_FLOOR = 0.5
"""Jaccard below which two signatures are never the same error (`same_error`)."""
_PLACE, _CHANGED, _COMPONENT = "place", "changed", "component"


class Evidence:
    """Every session's evidence as sets, and who shares each file and component."""

    def __init__(self, ranker: rel.Ranker) -> None:
        self.ranker = ranker
        common = ranker.common
        features = ranker.features
        self.roots = {s: frozenset(f["root_files"]) for s, f in features.items()}
        self.sets: dict[str, dict[str, frozenset[str]]] = {
            _PLACE: {
                s: frozenset(f["locations"]) | self.roots[s]
                for s, f in features.items()
            },
            _CHANGED: {s: frozenset(ranker.changed[s]) - common for s in features},
            _COMPONENT: {s: frozenset(f["components"]) for s, f in features.items()},
        }
        self.tags = {s: frozenset(f["tags"]) - common for s, f in features.items()}
        self.titles = {s: frozenset(f["title_words"]) for s, f in features.items()}
        self.postings: dict[str, dict[str, list[str]]] = {}
        for kind, sets in self.sets.items():
            index: dict[str, list[str]] = {}
            for sid, items in sets.items():
                for item in items:
                    index.setdefault(item, []).append(sid)
            self.postings[kind] = index

    def sharing(self, sid: str) -> set[str]:
        """Sessions sharing a file or a component with `sid` (itself left out)."""
        found: set[str] = set()
        for kind, sets in self.sets.items():
            index = self.postings[kind]
            for item in sets[sid]:
                found.update(index[item])
        found.discard(sid)
        return found

    def score(
        self,
        a: str,
        b: str,
        *,
        error: bool,
        title: bool,
        cosine: float | None = None,
    ) -> float:
        """`Ranker.compare(a, b).score`, given whether they share an error and a
        similar title (both symmetric, found by the joins)."""
        places, changed = self.sets[_PLACE], self.sets[_CHANGED]
        components = self.sets[_COMPONENT]
        root = len(self.roots[a] & self.roots[b])
        place = len(places[a] & places[b]) - root  # roots are places of both
        w, cap = rel.WEIGHTS, rel.CAPS
        total = w["error"] if error else 0.0
        total += w["root"] * root
        total += min(cap["location"], w["location"] * place)
        total += min(cap["changed"], w["changed"] * len(changed[a] & changed[b]))
        total += min(
            cap["component"], w["component"] * len(components[a] & components[b])
        )
        total += min(cap["tag"], w["tag"] * len(self.tags[a] & self.tags[b]))
        extra = self.ranker.extra(a, b, reasons=False, cosine=cosine)
        total += rel.capped(extra)[0]
        return total + (w["title"] if title else 0.0)

    def row(self, sid: str, errors: set[str], titles: set[str]) -> dict[str, float]:
        """Every session reaching the threshold with `sid`, and its score; `errors`
        and `titles` are the sessions sharing an error and a similar title with it."""
        found = {}
        dots = self.ranker.text.dots(sid)
        extra = self.ranker.extra_partners(sid, dots)
        for other in self.sharing(sid) | errors | titles | extra:
            if other == sid:
                continue
            score = self.score(
                sid,
                other,
                error=other in errors,
                title=other in titles,
                cosine=dots.get(other, 0.0),
            )
            if score >= rel.THRESHOLD:
                found[other] = score
        return found

    def title_partners(self, sid: str) -> set[str]:
        """Sessions whose title is similar to `sid`'s (one session's query)."""
        mine = self.titles[sid]
        if len(mine) < 2:
            return set()
        return {
            other
            for other, words in self.titles.items()
            if other != sid and similar_title(mine, words)
        }

    def error_partners(self, sid: str) -> set[str]:
        """Sessions sharing an error with `sid` (one session's query). Every other
        signature is scanned as a set of its kept words; only those sharing enough
        of them with one of `sid`'s become signatures and meet `same_error`."""
        signatures = self.ranker.signatures
        mine = signatures[sid]
        if not mine:
            return set()
        # Two signatures of `ERROR_FLOOR` share s words with 3 s >= |X| + |Y|: their
        # kept words rule out most pairs at C speed, before any `same_error`.
        sized = [(x, x.tokens, len(x.tokens), x.key) for x in mine]
        found: set[str] = set()
        for other, features in self.ranker.features.items():
            if other == sid:
                continue
            rows = features.get("signatures", ())
            words = features.get("signature_words")
            if words is None or len(words) != len(rows):  # words lost: a full look
                if any(same_error(x, y) for x in mine for y in signatures[other]):
                    found.add(other)
                continue
            for n, ((_, key, _), theirs) in enumerate(zip(rows, words, strict=True)):
                size = len(theirs)
                if any(
                    key == mine_key
                    or 3 * len(tokens.intersection(theirs)) >= length + size
                    for x, tokens, length, mine_key in sized
                ) and any(same_error(x, signatures[other][n]) for x in mine):
                    found.add(other)
                    break
        return found


def similar_title(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """`related._title`'s test: two words shared and half the words in common."""
    return len(mine & theirs) >= 2 and similar(mine, theirs) >= rel.TITLE_SIMILAR


def title_pairs(titles: Mapping[str, frozenset[str]]) -> set[Pair]:
    """Every pair (a < b) of sessions with similar titles."""
    found = similar_sets(titles, rel.TITLE_SIMILAR)
    return {(a, b) for a, b in found if similar_title(titles[a], titles[b])}


def error_pairs(signatures: Mapping[str, list[Signature]]) -> set[Pair]:
    """Every pair (a < b) of sessions with the same error (`same_error`)."""
    buckets: dict[str, dict[str, frozenset[str]]] = {}
    by_key: dict[str, Signature] = {}
    same_key: dict[str, set[str]] = {}
    for sid, found in signatures.items():
        for n, s in enumerate(found):
            key = f"{sid}\0{n}"
            by_key[key] = s
            buckets.setdefault(_kind_of(s), {})[key] = s.tokens
            same_key.setdefault(s.key, set()).add(sid)
    pairs: set[Pair] = set()
    for sids in same_key.values():  # identical keys match whatever their words
        ordered = sorted(sids)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    for sets in buckets.values():
        for x, y in similar_sets(sets, ERROR_FLOOR):
            a, b = x.split("\0", 1)[0], y.split("\0", 1)[0]
            if a != b and same_error(by_key[x], by_key[y]):
                pairs.add((min(a, b), max(a, b)))
    return pairs


def partners(pairs: Iterable[Pair]) -> dict[str, set[str]]:
    """Each session's side of a set of pairs."""
    found: dict[str, set[str]] = {}
    for a, b in pairs:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _kind_of(signature: Signature) -> str:
    return (signature.kind or "").rsplit(".", 1)[-1]


def similar_sets(sets: Mapping[str, Iterable[str]], floor: float) -> set[Pair]:
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
