"""Who may be related to whom, and by how much, without comparing every pair: the
inverted indexes of every session's evidence and the exact score of a pair from them.

A session's *row* is every other session whose score with it reaches
`related.THRESHOLD`. The score is what `Ranker.compare` adds up, computed from set
sizes alone (no reasons, no text), so a row costs one look-up per file, component
and matching error instead of one comparison per session; only the best `limit` of
a row are then compared in full, for their reasons.

Candidates: tags add at most `CAPS["tag"]` (2), less than the threshold, so a pair
reaching it shares a file (root cause, location, changed by both), a component, an
error (`same_error`), a title similar enough (`related._title`) or extra evidence
(facts, following, text: `Ranker.extra_partners`). Files and components come from
postings; errors and titles from joins over the whole journal (`joins.py`, a build)
or from one session's query against it (an update), see `relatedmap.py`.
"""

from __future__ import annotations

import heapq
from collections import Counter
from operator import itemgetter
from typing import TYPE_CHECKING

from journal.insight import related as rel
from journal.insight.joins import similar_title
from journal.insight.signatures import same_error

if TYPE_CHECKING:
    pass

_PLACE, _CHANGED, _COMPONENT = "place", "changed", "component"
_ROOT = "root"


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
        found: dict[str, float] = {}
        dots = self.ranker.text.dots(sid)
        extra = self.ranker.extra_partners(sid, dots)
        for other in self.sharing(sid) | errors | titles | extra:
            if other != sid:
                self._admit(found, sid, other, errors, titles, dots)
        return found

    def best(
        self, sid: str, errors: set[str], titles: set[str], limit: int
    ) -> list[tuple[str, float]]:
        """The best `limit` of `row(sid, errors, titles)` with their scores, best
        first — without scoring every session of the row.

        In a journal of many sessions over few files and words, a row holds a
        good share of the journal, and its best are few. So each candidate gets
        a bound, what its evidence can add at most, and is scored in full only
        while its bound reaches the `limit`-th best score found so far (or the
        threshold): the *strong* candidates (an error, a similar title, a
        root-cause file, two places, a changed file, a component, a fact, one
        following the other) by decreasing bound (`_strong`), then the *weak*
        ones (one place, or words shared), whose bound is at most one place,
        two tags and their text's weight, by decreasing text (`_weak`)."""
        shared = self._shared(sid)
        places = shared[_PLACE]
        # Text alone names a share of the journal that grows with it (a row of
        # 10,000 sessions of synthetic text: ~300): those are weak candidates.
        extra = self.ranker.named_partners(sid)
        strong = errors | titles | extra | shared[_ROOT].keys()
        strong |= shared[_CHANGED].keys() | shared[_COMPONENT].keys()
        strong.update(other for other, n in places.items() if n >= 2)
        strong.discard(sid)
        walk = _Walk(self, sid, (errors, titles, extra), limit)
        self._strong(walk, strong, shared)
        self._weak(walk, strong, places)
        ranked = sorted(walk.found.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def _strong(
        self, walk: _Walk, strong: set[str], shared: dict[str, Counter[str]]
    ) -> None:
        """`best`'s strong candidates, by decreasing bound (`_bounds`)."""
        mine, tags, tag = self.tags[walk.sid], self.tags, rel.WEIGHTS["tag"]
        bounds = self._bounds(walk, strong, shared)
        bounds.sort(key=itemgetter(0), reverse=True)  # floats only: no tie to break
        for bound, loose, other in bounds:
            if walk.below(bound):
                break
            # The bound took two tags: now the tags shared, and the text exactly.
            bound += min(_TAGS, tag * len(mine & tags[other])) - _TAGS
            if loose:
                bound += self._text(walk.sid, other, walk.dots[other]) - loose
            if not walk.below(bound):
                walk.offer(other)

    def _weak(self, walk: _Walk, strong: set[str], places: Counter[str]) -> None:
        """`best`'s weak candidates: every other session sharing words or one
        place with `walk.sid`, nothing else."""
        w, dots, mates = rel.WEIGHTS, walk.dots, walk.mates
        # By decreasing text, those whose titles may add to it first: once the
        # most a candidate can score (its text at most with every other piece)
        # is under the bar, so is every one after it in its list.
        for title in (w["title_text"], 0.0):
            # The least text that can reach the bar now: those under it, unsorted.
            least = (walk.bar - _MOST - title) / w["text"] - 2 * _SLACK
            if title:
                found = ((dots[o], o) for o in mates & dots.keys())
            else:
                found = ((c, o) for o, c in dots.items() if o not in mates)
            for cosine, other in sorted(
                ((c, o) for c, o in found if c >= least), reverse=True
            ):
                loose = w["text"] * cosine + title + _SLACK
                if walk.below(_MOST + loose):
                    break
                if other not in strong:
                    self._weak_one(walk, other, loose, places)
        if walk.below(_MOST):
            return  # one place and two tags, no words: under the bar
        for other in sorted(places.keys() - strong - dots.keys() - {walk.sid}):
            self._weak_one(walk, other, 0.0, places)

    def _weak_one(
        self, walk: _Walk, other: str, loose: float, places: Counter[str]
    ) -> None:
        """`other` scored in full if its place, tags and text (`loose`: its
        text's weight at most) may reach the bar."""
        w = rel.WEIGHTS
        bound = w["location"] if other in places else 0.0
        bound += min(_TAGS, w["tag"] * len(self.tags[walk.sid] & self.tags[other]))
        if walk.below(bound + loose):
            return
        if loose and walk.below(bound + self._text(walk.sid, other, walk.dots[other])):
            return
        walk.offer(other)

    def _shared(self, sid: str) -> dict[str, Counter[str]]:
        """How many places, root-cause files, changed files and components each
        other session shares with `sid` (from the postings): for root-cause
        files, how many of `sid`'s are among the other's places."""
        counts: dict[str, Counter[str]] = {}
        for kind in (_PLACE, _CHANGED, _COMPONENT):
            found: Counter[str] = Counter()
            index = self.postings[kind]
            for item in self.sets[kind][sid]:
                found.update(index[item])
            counts[kind] = found
        roots: Counter[str] = Counter()
        for item in self.roots[sid]:
            roots.update(self.postings[_PLACE][item])
        counts[_ROOT] = roots
        return counts

    def _bounds(
        self, walk: _Walk, strong: set[str], shared: dict[str, Counter[str]]
    ) -> list[tuple[float, float, str]]:
        """What each strong candidate can score at most, with the part of it
        that is its text's weight at most: the sets' evidence as `score` weighs
        it, two tags, and, for one the ranker's `named_partners` names, its
        extra evidence (facts, following, text) exactly; for the others their
        text alone. One pass of plain arithmetic: a row of 10,000 sessions
        holds hundreds."""
        w, cap = rel.WEIGHTS, rel.CAPS
        errors, titles, extra = walk.named
        dots, mates = walk.dots, walk.mates
        places, roots = shared[_PLACE], shared[_ROOT]
        changed, components = shared[_CHANGED], shared[_COMPONENT]
        w_root, w_location, cap_location = w["root"], w["location"], cap["location"]
        w_text, w_titled = w["text"], w["title_text"]
        bounds = []
        for other in strong:
            # `r` of `sid`'s root-cause files are among the other's `n` places:
            # a root shared weighs more than a place, so r roots at most.
            n, r = places.get(other, 0), roots.get(other, 0)
            bound = w_root * r + min(cap_location, w_location * (n - r)) + _TAGS
            if other in errors:
                bound += w["error"]
            if other in titles:
                bound += w["title"]
            if other in changed:
                bound += min(cap["changed"], w["changed"] * changed[other])
            if other in components:
                bound += min(cap["component"], w["component"] * components[other])
            cosine = dots.get(other, 0.0)
            if other in extra:  # the ranker's extra evidence, exactly as scored
                found = self.ranker.extra(walk.sid, other, reasons=False, cosine=cosine)
                bounds.append((bound + rel.capped(found)[0], 0.0, other))
            elif cosine:
                loose = w_text * cosine + (w_titled if other in mates else 0.0)
                bounds.append((bound + loose + _SLACK, loose + _SLACK, other))
            else:
                bounds.append((bound, 0.0, other))
        return bounds

    def _text(self, sid: str, other: str, cosine: float) -> float:
        """The text's weight in the pair's score (`Ranker.extra`'s "text")."""
        found = self.ranker._text(sid, other, reasons=False, cosine=cosine)
        return sum(weight for _, weight, _ in found)

    def _admit(
        self,
        found: dict[str, float],
        sid: str,
        other: str,
        errors: set[str],
        titles: set[str],
        dots: dict[str, float],
    ) -> float | None:
        """Score `other` against `sid` into `found` if it reaches the threshold;
        the score then."""
        score = self.score(
            sid,
            other,
            error=other in errors,
            title=other in titles,
            cosine=dots.get(other, 0.0),
        )
        if score < rel.THRESHOLD:
            return None
        found[other] = score
        return score

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


_SLACK = 1e-6
"""Room for rounding between a bound and the score it bounds (`round(…, 6)`)."""
_TAGS = rel.CAPS["tag"]
"""The most shared tags add: a bound's until they are counted."""
_MOST = rel.WEIGHTS["location"] + _TAGS
"""The most a weak candidate's evidence but its words adds: one place, two tags."""


def _bar(heap: list[float], score: float, limit: int) -> float:
    """`score` added to `heap` (the best `limit` scores so far); the score a
    candidate must now reach to be among the best `limit`."""
    if len(heap) < limit:
        heapq.heappush(heap, score)
    elif score > heap[0]:
        heapq.heapreplace(heap, score)
    return heap[0] if len(heap) >= limit else rel.THRESHOLD


class _Walk:
    """One row of `Evidence.best` on its way: the best scores found so far and
    the bar a candidate's bound must reach to be scored in full."""

    def __init__(
        self,
        evidence: Evidence,
        sid: str,
        named: tuple[set[str], set[str], set[str]],
        limit: int,
    ) -> None:
        self.evidence, self.sid, self.limit = evidence, sid, limit
        self.named = named  # sharing an error, a similar title, extra evidence
        self.dots = evidence.ranker.text.dots(sid)
        self.mates = evidence.ranker.text.title_mates(sid)
        self.found: dict[str, float] = {}
        self.heap: list[float] = []
        self.bar = rel.THRESHOLD

    def below(self, bound: float) -> bool:
        """Whether a candidate of this bound cannot be among the best."""
        return bound < self.bar - _SLACK

    def offer(self, other: str) -> None:
        """`other` scored in full, kept if it reaches the threshold."""
        errors, titles = self.named[0], self.named[1]
        score = self.evidence._admit(
            self.found, self.sid, other, errors, titles, self.dots
        )
        if score is not None:
            self.bar = _bar(self.heap, score, self.limit)
