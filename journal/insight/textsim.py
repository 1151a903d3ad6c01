"""Text similarity of whole sessions, weighted by rarity over the journal (BM25).

Each session's term counts are made once, with its other features, and kept in the
signature index (`terms`: the `TERMS` most frequent informative words and the
session's length); the journal's document frequencies and each session's BM25
vector (its `TOP` heaviest terms, L2-normalised) are made when a ranker is built,
and two sessions' similarity is the cosine of their vectors: the rare words they
share, weighted by how much each session uses them. Hand-written, standard library
(`bm25s` was weighed: see docs/dependencies.md).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

TERMS = 120
"""Term counts kept per session (its most frequent words)."""
TOP = 20
"""Terms of a session's vector: its heaviest by BM25 weight."""
MIN_SESSIONS = 10
"""Sessions a journal needs before its words' rarity says anything."""
MIN_WORDS = 40
"""Informative words a session's text needs for a vector (`TextModel.similarity`)."""
COMMON = 0.1
"""Share of sessions above which a word is left out of every vector."""
TITLE_COMMON = 0.3
"""Share of titles above which a word is left out of the titles' vectors (a
journal of `MIN_SESSIONS` or more): `related.COMMON`, as for title words."""
MOST = 200
"""Sessions above which a word is left out whatever the journal's size: each row of
the related map walks the sessions of its words, and in a journal of 10,000 a word
on 200 of them is no longer what two incidents share."""
K1 = 1.2
B = 0.75
_WORD_RE = re.compile(r"[a-z][a-z0-9_]*(?:[-.][a-z0-9_]+)*")
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because
    been before being below between both but by can cannot could did do does doing
    done down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just let me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours via per etc eg ie
    one two three four five six seven eight nine ten first second third next last
    new old many much more less least lot lots within without across around however
    time times minutes minute hours hour day days week weeks month months year years
    january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday today
    utc cet cest pst pdt est edt gmt am pm approximately approx around
    was were been being get got make made take took see saw seen use used using need
    needed needs want would could should also still even well like able since
    summary timeline impact root cause causes resolution recovery action actions item
    items lessons learned contributing factors detection trigger attendees stats
    category incident incidents postmortem post mortem mortems issue issues problem
    team teams people person engineer engineers happened happen happens what
    http https www com org net io github post-mortem postmortems post-mortems
    error errors log logs logged fail failed fails failing failure failures
    traceback recent call last file line production prod
    """
_STOP = frozenset(_STOP_WORDS.split())


def _stem(word: str) -> str:
    """A light stem: plurals (`nodes` meets `node`, `policies` `policy`) and, for a
    word of letters only, the endings of its inflections (`attached`, `attaching`
    and `attachment` meet at `attach`; `caused` and `cause` at `caus`). Names
    with digits, dots or underscores (`full_nodes`, `settlement_payments.clvm`)
    lose a plural `s` at most."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if not word.isalpha():
        return word
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            if word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # `stopped` meets `stop`, `running` `run`
            break
    # `cause` meets `caus(ed)`: a final e is dropped from every longer stem.
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


_ENDINGS = ("ation", "ment", "ing", "ed")
"""Endings an inflection adds (plurals already off), longest first."""


def words(text: str) -> list[str]:
    """The informative words of a text, stemmed."""
    return [stem for _, stem in _stemmed(text)]


def _stemmed(text: str) -> Iterator[tuple[str, str]]:
    """(word as written, its stem) for each informative word of a text."""
    kept = _KEPT
    if len(kept) > _KEPT_MAX:  # a long-lived process (`site serve`) reading much
        kept.clear()
    for word in _WORD_RE.findall(text.lower()):
        if (stem := kept.get(word)) is None:
            # Stemmed, or "" when it says nothing (short, a stop word, a number).
            bare = word.strip(".-")
            says = len(bare) >= 3 and bare not in _STOP and not bare[0].isdigit()
            stem = kept[word] = _stem(bare) if says else ""
        if stem:
            yield word, stem


_KEPT: dict[str, str] = {}
"""Each word met, stemmed or "": a journal's texts use a few thousand words, a
million times over at 10,000 sessions."""
_KEPT_MAX = 200_000


def term_counts(texts: Iterable[str]) -> dict[str, Any]:
    """What the signature index keeps of a session's text: its length in words, its
    `TERMS` most frequent words (stems) with their counts, and the word as the text
    most often writes it for each kept stem that is not one (`forms`: reasons name
    `attached`, not `attach`)."""
    # One pass over the texts joined: a word never spans a line break.
    written = Counter((stem, word) for word, stem in _stemmed("\n".join(texts)))
    counts: Counter[str] = Counter()
    forms: dict[str, tuple[int, str]] = {}
    for (stem, word), n in written.items():
        counts[stem] += n
        word = word.strip(".-")
        best = forms.get(stem)
        if best is None or (-n, len(word), word) < (-best[0], len(best[1]), best[1]):
            forms[stem] = (n, word)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TERMS]
    shown = {stem: forms[stem][1] for stem, _ in top if forms[stem][1] != stem}
    return {
        "length": sum(counts.values()),
        "counts": [list(kv) for kv in top],
        "forms": shown,
    }


class TextModel:
    """BM25 vectors of every session, from their kept term counts."""

    def __init__(self, features: dict[str, dict[str, Any]]) -> None:
        terms = {sid: f.get("terms") or {} for sid, f in features.items()}
        self.forms = {sid: kept.get("forms") or {} for sid, kept in terms.items()}
        self.size = len(terms)
        df = Counter(t for kept in terms.values() for t, _ in kept.get("counts", ()))
        lengths = [kept.get("length", 0) for kept in terms.values()]
        average = (sum(lengths) / len(lengths)) if lengths else 0.0
        # Under `MIN_SESSIONS` no word is rare: every text shares the journal's few.
        few = self.size < MIN_SESSIONS
        self.vectors = {
            sid: {} if few else _vector(kept, df, self.size, average)
            for sid, kept in terms.items()
        }
        self.titles = _title_vectors(features)
        # Each term's sessions with their weight of it: a row's `dots` walks
        # them without looking a vector up for every session it meets.
        self.postings: dict[str, list[tuple[str, float]]] = {}
        for sid, vector in self.vectors.items():
            for term, weight in vector.items():
                self.postings.setdefault(term, []).append((sid, weight))

    def similarity(self, a: str, b: str) -> float:
        """The cosine of the two vectors (none for a text under `MIN_WORDS`: two
        sessions of a title and one log line agree on a few words by chance)."""
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        if len(vb) < len(va):
            va, vb = vb, va
        return sum(w * vb[t] for t, w in va.items() if t in vb)

    def title_similarity(self, a: str, b: str) -> float:
        """The cosine of the two titles' rare words, when they share two of them
        and both sessions have a text long enough for a vector (a short session's
        title is compared by `related`'s own title test)."""
        if not self.vectors.get(a) or not self.vectors.get(b):
            return 0.0
        va, vb = self.titles.get(a, {}), self.titles.get(b, {})
        both = va.keys() & vb.keys()
        return sum(va[t] * vb[t] for t in both) if len(both) >= 2 else 0.0

    def shared(self, a: str, b: str, limit: int = 3) -> list[str]:
        """The terms adding most to their similarity, heaviest first, each as `b`
        writes it (else `a`, else the stem)."""
        va, vb = self.vectors.get(a, {}), self.vectors.get(b, {})
        both = sorted((-va[t] * vb[t], t) for t in va.keys() & vb.keys())
        fa, fb = self.forms.get(a, {}), self.forms.get(b, {})
        return [fb.get(t) or fa.get(t) or t for _, t in both[:limit]]

    def dots(self, sid: str) -> dict[str, float]:
        """`similarity(sid, other)` of every other session sharing a word with it,
        from the postings: one pass for a row of the related map."""
        mine = self.vectors.get(sid, {})
        dots: dict[str, float] = {}
        postings, get = self.postings, dots.get
        for term, weight in mine.items():  # the same sums in the same order
            for other, theirs in postings.get(term, ()):
                dots[other] = get(other, 0.0) + weight * theirs
        dots.pop(sid, None)
        return dots


def _title_vectors(features: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each title's words weighted by their rarity among the titles, L2-normalised
    (a word no other title has is left out)."""
    titles = {sid: set(words(f.get("title", ""))) for sid, f in features.items()}
    df = Counter(w for found in titles.values() for w in found)
    size = len(titles)
    # A word on most titles ("pool" in every "… on pool 3") would make any two
    # share "two words" while saying nothing: out, as in `related._too_common`.
    most = TITLE_COMMON * size if size >= MIN_SESSIONS else size
    vectors = {}
    for sid, found in titles.items():
        weights = {w: idf(df[w], size) for w in found if 2 <= df[w] <= most}
        total = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        vectors[sid] = {w: x / total for w, x in weights.items()}
    return vectors


def idf(seen: int, size: int) -> float:
    """The rarity of a word (a fact) on `seen` of `size` sessions (BM25's)."""
    return math.log(1 + (size - seen + 0.5) / (seen + 0.5))


def _vector(
    kept: dict[str, Any], df: Counter[str], size: int, average: float
) -> dict[str, float]:
    length = kept.get("length", 0)
    if length < MIN_WORDS:
        return {}
    norm = K1 * (1 - B + B * (length / average if average else 1.0))
    weights = {}
    for term, count in kept.get("counts", ()):
        seen = df[term]
        if seen < 2 or seen > min(max(2, COMMON * size), MOST):
            continue  # on no other session, or on most: it relates nothing
        weights[term] = idf(seen, size) * count * (K1 + 1) / (count + norm)
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    total = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: w / total for term, w in top}
