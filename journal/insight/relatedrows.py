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
(facts, following, text: `Ranker.extra_partners`). An update's rows (`row`) take
files and components from postings, errors and titles from one session's query
against the journal. A build's (`best`) take every session's score with the row's
at once from numpy arrays (`_Arrays`), errors from a join over the whole journal
(`joins.py`); see `relatedmap.py`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from journal.insight import related as rel
from journal.insight.signatures import same_error

if TYPE_CHECKING:
    from journal.insight.textsim import TextModel

_PLACE, _CHANGED, _COMPONENT = "place", "changed", "component"
_ROOT, _TAG, _TITLE, _TITLE_TEXT = "root", "tag", "title", "title text"


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
        self.titles = ranker.titles
        self.postings: dict[str, dict[str, list[str]]] = {}
        for kind, sets in self.sets.items():
            index: dict[str, list[str]] = {}
            for sid, items in sets.items():
                for item in items:
                    index.setdefault(item, []).append(sid)
            self.postings[kind] = index
        self._kept_arrays: _Arrays | None = None

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

    def row(self, sid: str, errors: set[str]) -> dict[str, float]:
        """Every session reaching the threshold with `sid`, and its score;
        `errors`: the sessions sharing an error with it."""
        found: dict[str, float] = {}
        dots = self.ranker.text.dots(sid)
        titles = self.title_partners(sid)
        extra = self.ranker.extra_partners(sid, dots)
        for other in (self.sharing(sid) | errors | titles | extra) - {sid}:
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

    def best(self, sid: str, errors: set[str], limit: int) -> list[tuple[str, float]]:
        """The best `limit` of `sid`'s row with their scores, best first (`errors`:
        the sessions sharing an error with it) — without scoring every session
        of the row.

        In a journal of many sessions over few files and words, a row holds a
        good share of the journal, and its best are few. So every session's
        score is first computed for all at once over arrays (`_Arrays`: counts
        of the postings, sums of the texts' and titles' weights, in C), give or
        take rounding, with the extra evidence of the few sessions the ranker
        names (`named_partners`) weighed one by one; then only those that may
        still rank are scored in full, best first."""
        arrays = self.arrays()
        bound, text, titled = arrays.bounds(self, sid, errors)
        vectors = self.ranker.text.vectors
        mine = vectors.get(sid, {})
        cosines = {}
        np, (shared, texts) = arrays.np, text
        for other in self.ranker.named_partners(sid):
            cosine = cosines[other] = _cosine(mine, vectors.get(other, {}))
            extra = self.ranker.extra(sid, other, reasons=False, cosine=cosine)
            at = arrays.at[other]  # its extra evidence holds its text
            n = int(np.searchsorted(shared, at))
            own = float(texts[n]) if n < len(shared) and shared[n] == at else 0.0
            bound[at] += rel.capped(extra)[0] - own
        bound[arrays.at[sid]] = -1.0
        # The bounds sum in another order than `score`: `_SLACK` above them.
        found = np.flatnonzero(bound >= rel.THRESHOLD - 2 * _SLACK)
        walk = _Walk(self, sid, errors, limit)
        for at, most in _best_first(np, found, bound[found] + _SLACK):
            if walk.below(most):
                break
            other = arrays.sids[at]
            known = cosines.get(other)
            cosine = _cosine(mine, vectors.get(other, {})) if known is None else known
            walk.offer(other, cosine, title=at in titled)
        ranked = sorted(walk.found.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def arrays(self) -> _Arrays:
        """The journal's evidence as arrays (`_Arrays`), made when first asked for."""
        if self._kept_arrays is None:
            self._kept_arrays = _Arrays(self)
        return self._kept_arrays

    def title_partners(self, sid: str) -> set[str]:
        """Sessions whose title is similar to `sid`'s (one session's query)."""
        mine = self.titles[sid]
        if len(mine) < 2:
            return set()
        return {
            other
            for other, words in self.titles.items()
            if other != sid and rel.similar_title(mine, words)
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


_FIRST = 32
"""Candidates put in order at a time (`_best_first`): a row's walk scores ~10 of
them before its bar passes the others' bounds, while the candidates grow with
the journal (~80 a row at 2,000 synthetic sessions, ~430 at 10,000), and so
would sorting them all."""


def _best_first(np: Any, at: Any, bounds: Any) -> Iterator[tuple[int, float]]:
    """The positions `at` with their `bounds`, highest first (ties in the order of
    `at`), put in order `_FIRST` at a time: the walk mostly stops in the first."""
    while at.size:
        if at.size > _FIRST:
            least = np.partition(bounds, at.size - _FIRST)[at.size - _FIRST]
            first = bounds >= least  # all ties of the least with it
            chunk, chunk_bounds = at[first], bounds[first]
            at, bounds = at[~first], bounds[~first]
        else:
            chunk, chunk_bounds, at = at, bounds, at[:0]
        order = np.argsort(-chunk_bounds, kind="stable")
        yield from zip(chunk[order].tolist(), chunk_bounds[order].tolist(), strict=True)


class _Walk:
    """One row of `Evidence.best` on its way: the best scores found so far and
    the bar a candidate's bound must reach to be scored in full."""

    def __init__(
        self,
        evidence: Evidence,
        sid: str,
        errors: set[str],
        limit: int,
    ) -> None:
        self.evidence, self.sid, self.limit = evidence, sid, limit
        self.errors = errors
        self.found: dict[str, float] = {}
        self.heap: list[float] = []
        self.bar = rel.THRESHOLD

    def below(self, bound: float) -> bool:
        """Whether a candidate of this bound cannot be among the best."""
        return bound < self.bar - _SLACK

    def offer(self, other: str, cosine: float, *, title: bool) -> None:
        """`other` scored in full (`title`: their titles are similar), kept if
        it reaches the threshold."""
        score = self.evidence.score(
            self.sid, other, error=other in self.errors, title=title, cosine=cosine
        )
        if score >= rel.THRESHOLD:
            self.found[other] = score
            # `heap`: the best `limit` scores so far; `bar`: what a candidate must
            # now reach to be among them.
            heap = self.heap
            if len(heap) < self.limit:
                heapq.heappush(heap, score)
            elif score > heap[0]:
                heapq.heapreplace(heap, score)
            self.bar = heap[0] if len(heap) >= self.limit else rel.THRESHOLD


def _cosine(mine: dict[str, float], theirs: dict[str, float]) -> float:
    """`TextModel.dots`' value for one pair: the same sums in the same order."""
    return sum(weight * theirs[term] for term, weight in mine.items() if term in theirs)


class _Arrays:
    """The journal's evidence as numpy arrays, for a build's rows: each session a
    position, each file, component, tag and word the positions of its sessions
    (and a word its weight in each). A row's scores are then a few counts and
    sums over the journal in C, where walking a row's candidates in Python grew
    with the square of the journal (a row of 10,000 sessions of synthetic
    text: ~1,400 candidates)."""

    def __init__(self, evidence: Evidence) -> None:
        import numpy

        self.np = numpy
        text = evidence.ranker.text
        self.sids = list(evidence.ranker.features)
        self.at = {sid: n for n, sid in enumerate(self.sids)}
        sets = {
            **evidence.sets,
            _ROOT: evidence.roots,
            _TAG: evidence.tags,
            _TITLE: evidence.titles,
        }
        self.postings = {kind: self._index(found) for kind, found in sets.items()}
        self.words = self._weighted(text.vectors)
        self.titles = self._weighted(text.titles)
        self.postings[_TITLE_TEXT] = {w: at for w, (at, _) in self.titles.items()}
        self.has_text = numpy.array([bool(text.vectors.get(s)) for s in self.sids])
        self.title_sizes = numpy.array([len(evidence.titles[s]) for s in self.sids])

    def _positions(self, sids: list[str]) -> Any:
        return self.np.fromiter((self.at[s] for s in sids), self.np.intp, len(sids))

    def _index(self, sets: dict[str, frozenset[str]]) -> dict[str, Any]:
        """Each item's sessions."""
        found: dict[str, list[str]] = {}
        for sid, items in sets.items():
            for item in items:
                found.setdefault(item, []).append(sid)
        return {item: self._positions(sids) for item, sids in found.items()}

    def _weighted(
        self, vectors: dict[str, dict[str, float]]
    ) -> dict[str, tuple[Any, Any]]:
        """Each word's sessions, and its weight in each."""
        found: dict[str, list[tuple[str, float]]] = {}
        for sid, vector in vectors.items():
            for word, weight in vector.items():
                found.setdefault(word, []).append((sid, weight))
        return {
            word: (
                self._positions([sid for sid, _ in pairs]),
                self.np.fromiter((w for _, w in pairs), float, len(pairs)),
            )
            for word, pairs in found.items()
        }

    def _count(self, kind: str, items: Iterable[str]) -> Any:
        """How many of `items` each session holds (of the `kind` postings); None
        for no items."""
        found = [self.postings[kind][item] for item in items]
        if not found:
            return None
        return self.np.bincount(self.np.concatenate(found), minlength=len(self.sids))

    def _dot(self, index: dict[str, tuple[Any, Any]], vector: dict[str, float]) -> Any:
        """Each session's dot product with `vector` over `index`."""
        found = [(index[word], weight) for word, weight in vector.items()]
        at = self.np.concatenate([positions for (positions, _), _ in found])
        weights = self.np.concatenate([ws * weight for (_, ws), weight in found])
        return self.np.bincount(at, weights, len(self.sids))

    def _weighed(self, postings: list[tuple[Any, float]]) -> Any:
        """Each session's sum of the weights of the `postings` holding it."""
        np, size = self.np, len(self.sids)
        if not postings:
            return np.zeros(size)
        at = np.concatenate([positions for positions, _ in postings])
        lengths = [len(positions) for positions, _ in postings]
        weights = np.repeat([weight for _, weight in postings], lengths)
        return np.bincount(at, weights, size)

    def bounds(
        self, evidence: Evidence, sid: str, errors: set[str]
    ) -> tuple[Any, tuple[Any, Any], set[int]]:
        """Every session's score with `sid` as `Evidence.score` adds it up (give
        or take rounding) but for the extra evidence other than text; the
        text's part of it (the positions sharing words with `sid`, in order, and
        their text evidence); and the positions of the titles similar to its
        (`related.similar_title`). `errors`: the sessions sharing an error with
        `sid`. A step over every session is a pass over ~10,000 numbers at
        10,000 sessions, once a row: so few are made, the rest over the
        positions a kind of evidence names."""
        score = self._files_and_tags(evidence, sid)
        if errors:
            score[[self.at[other] for other in errors]] += rel.WEIGHTS["error"]
        titled = self._similar_titles(evidence.titles[sid])
        score[titled] += rel.WEIGHTS["title"]
        shared, text = self._text(evidence.ranker.text, sid)
        score[shared] += text
        return score, (shared, text), set(titled.tolist())

    def _files_and_tags(self, evidence: Evidence, sid: str) -> Any:
        """Each session's score with `sid` from the files, components and tags
        they share. A kind whose cap `sid`'s own items cannot reach (two tags
        of at most two) adds its weight a shared item: all of those are one
        weighted count; a kind that can reach its cap is counted apart."""
        np, w, cap, postings = self.np, rel.WEIGHTS, rel.CAPS, self.postings
        linear: list[tuple[Any, float]] = []
        capped = []
        places, roots = evidence.sets[_PLACE][sid], evidence.roots[sid]
        places_capped = w["location"] * len(places) > cap["location"]
        if not places_capped:
            # w_root × roots + w_location × (places − roots), none capped
            linear += [(postings[_PLACE][item], w["location"]) for item in places]
            root = w["root"] - w["location"]
            linear += [(postings[_ROOT][item], root) for item in roots]
        for kind, key, items in (
            (_CHANGED, "changed", evidence.sets[_CHANGED][sid]),
            (_COMPONENT, "component", evidence.sets[_COMPONENT][sid]),
            (_TAG, "tag", evidence.tags[sid]),
        ):
            if w[key] * len(items) <= cap[key]:
                linear += [(postings[kind][item], w[key]) for item in items]
            else:
                capped.append((kind, key, items))
        if places_capped:
            # places but roots (one weighted count), then roots, linear
            linear += [(postings[_ROOT][item], w["root"]) for item in roots]
            capped.append((_PLACE, "location", places))
        score = self._weighed(linear)
        for kind, key, items in capped:
            found = [(postings[kind][item], w[key]) for item in items]
            if kind == _PLACE:
                found += [(postings[_ROOT][item], -w[key]) for item in roots]
            counted = self._weighed(found)
            score += np.minimum(counted, cap[key], out=counted)
        return score

    def _text(self, text: TextModel, sid: str) -> tuple[Any, Any]:
        """The positions of the sessions whose texts share a word with `sid`'s, in
        order, and their text evidence (`Ranker._text`: nothing under
        `TEXT_MIN`)."""
        np, w = self.np, rel.WEIGHTS
        mine = text.vectors.get(sid)
        if not mine:
            return np.zeros(0, np.intp), np.zeros(0)
        cosine = self._dot(self.words, mine)
        shared = np.flatnonzero(cosine > 0)
        found = w["text"] * cosine[shared]
        # Titles' similarity weighs beside a text only, on two words shared.
        title = text.titles.get(sid, {})
        if len(title) >= 2:
            near = self._dot(self.titles, title)[shared]
            two = self._count(_TITLE_TEXT, title)[shared] >= 2
            found += w["title_text"] * np.where(two & self.has_text[shared], near, 0)
        found += _SLACK
        found[found < rel.TEXT_MIN] = 0.0
        return shared, found

    def _similar_titles(self, words: frozenset[str]) -> Any:
        """The positions of the sessions whose title is similar to `words`
        (`related.similar_title`: two words shared, and half of all)."""
        np, shared = self.np, self._count(_TITLE, words)
        if shared is None:
            return np.zeros(0, np.intp)
        at = np.flatnonzero(shared >= 2)  # and so a union of two words or more
        both = shared[at]
        union = len(words) + self.title_sizes[at] - both
        return at[both / union >= rel.TITLE_SIMILAR]
