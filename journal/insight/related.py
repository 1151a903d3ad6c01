"""Related sessions: other sessions ranked by what they share with one, each with its
reasons in words ("same error: …", "both changed app/models/organization.py").

Precision first. Each kind of evidence has a weight; a session is listed only when
its weights add up to `THRESHOLD`, which one strong piece (the same error, the same
root-cause file) reaches alone and the weak ones (a tag, a component, a similar
title, one file both changed) reach only together. Evidence that is common in the
journal — a tag or a file most sessions share — counts for nothing. The score is
symmetric, so the site can link related sessions both ways.

Texts are compared by BM25 (`textsim`), titles by the Jaccard overlap of their words:
standard library (rapidfuzz was weighed and dropped: docs/dependencies.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from journal.insight import citations, samefile
from journal.insight import signatures as sig
from journal.insight.features import signatures_of
from journal.insight.relatedtype import Related
from journal.insight.textsim import TextModel, idf

THRESHOLD = 4.0
WEIGHTS = {
    "error": 5.0,
    "root": 4.0,
    "location": 2.0,
    "changed": 2.0,
    "component": 1.5,
    "tag": 1.0,
    "title": 2.0,
    "ref": 4.0,
    "follows": 5.0,
    "mention": 3.0,
    "fact": 4.0,
    "text": 13.0,
    "title_text": 3.0,
}
CAPS = {
    "changed": 4.0,
    "tag": 2.0,
    "location": 4.0,
    "component": 3.0,
    "fact": 6.0,
}
TEXT_MIN = 0.6
"""Least text evidence worth a reason: `WEIGHTS["text"]` times the cosine of the
two sessions' BM25 vectors plus `WEIGHTS["title_text"]` times that of their titles
(when they share two title words), below which it counts nothing."""
TEXT_ALONE = max(
    0.0, (THRESHOLD - WEIGHTS["title_text"] - CAPS["tag"]) / WEIGHTS["text"]
)
"""Least text cosine with which a pair nothing else names can reach the threshold
(its titles adding at most `WEIGHTS["title_text"]` and its tags `CAPS["tag"]`):
`Ranker.extra_partners`. With today's weights, any text shared: two tags and
similar titles leave less than the least text that counts (`TEXT_MIN`) to reach."""
COMMON = 0.3
"""Share of sessions above which a tag or file says nothing (journals of 10+)."""
TITLE_SIMILAR = 0.5
COMMON_FACT = 0.1
"""Share of sessions above which a fact (a service, an error, a host) says nothing
(a journal of 10 or more)."""
OUTCOME_TAGS = ("status:", "severity:")
"""Tags an import makes of a status or severity the journal does not know
(`status:deployed`): how an incident ended or how bad it was, not what it was."""
FACT_WORDS = {
    "errors": "both report {}",
    "refs": "both cite {}",
    "services": "same service: {}",
    "hosts": "same host: {}",
}
CONTINUES = re.compile(
    r"\b(?:part\s*(?:[2-9]|ii+|two|three)|continu(?:ed|ation|ing)|follow[- ]?up|"
    r"again|recurr(?:ence|ing)|second occurrence|revisited)\b",
    re.IGNORECASE,
)
"""A title that says its session carries on another (`part 2`, `again`)."""


class Ranker:
    """Ranks sessions against each other; built once per journal."""

    def __init__(
        self,
        features: dict[str, dict[str, Any]],
        changed: dict[str, list[str]] | None = None,
    ) -> None:
        changed = changed or {}
        changed_by = {
            sid: sorted(
                {p for s in f.get("shas", ()) for p in changed.get(s.lower(), ())}
            )
            for sid, f in features.items()
        }
        # One name a file, however each report wrote it.
        self.aliases, features, changed_by = _one_name_a_file(features, changed_by)
        self.features = features
        self.signatures = _Signatures(features)
        self.changed = changed_by
        self.text = TextModel(features)
        self.facts = JournalFacts(features)
        self._followers: dict[str, list[str]] = {}
        for sid, f in features.items():
            if f.get("previous"):
                self._followers.setdefault(f["previous"], []).append(sid)
        self._continuing = {
            sid for sid, f in features.items() if CONTINUES.search(f["title"])
        }
        self._title_postings: dict[str, list[str]] | None = None
        self.citations = citations.Citations(features)
        self._continuing_postings: dict[str, list[str]] = {}
        self.common = _too_common(features, self.changed) | self.facts.common
        # Each title's words but those too common ("pool" in every "… on pool 3"),
        # which make two titles alike while saying nothing.
        common = self.common
        self.titles = {
            sid: frozenset(w for w in f["title_words"] if f"title:{w}" not in common)
            for sid, f in features.items()
        }

    @property
    def journal_wide(self) -> frozenset[str]:
        """What every score assumes of the whole journal: the evidence too common
        to count and the files' other names (`samefile`); when it moves, any
        row may."""
        names = (
            f"{name} \N{RIGHTWARDS ARROW} {to}" for name, to in self.aliases.items()
        )
        return self.common | frozenset(names)

    def related(self, session_id: str, *, limit: int = 10) -> list[Related]:
        """Other sessions related to `session_id`, best first."""
        others = (o for o in self.features if o != session_id)
        compared = (self.compare(session_id, other) for other in others)
        found = [r for r in compared if r.score >= THRESHOLD]
        return sorted(found, key=lambda r: (-r.score, r.id))[:limit]

    def compare(self, a: str, b: str, *, error: bool | None = None) -> Related:
        """What `b` shares with `a`, scored; `error` False when they are known to
        share no error (the related map's join knows), which spares comparing
        every pair of their signatures."""
        fa, fb = self.features[a], self.features[b]
        roots = set(fa["root_files"]) & set(fb["root_files"])
        places = (
            fa["locations"] + fa["root_files"],
            fb["locations"] + fb["root_files"],
        )
        scored = self._errors(a, b) if error is not False else []
        scored += _shared("root", fa["root_files"], fb["root_files"])
        scored += _shared("location", *places, skip=roots)
        scored += _shared("changed", self.changed[a], self.changed[b], skip=self.common)
        scored += _shared("component", fa["components"], fb["components"])
        scored += _shared("tag", fa["tags"], fb["tags"], skip=self.common)
        if similar_title(self.titles[a], self.titles[b]):
            scored.append(("title", WEIGHTS["title"], f"similar title: {fb['title']}"))
        scored += self.extra(a, b)
        total, reasons = capped(scored)
        return Related(
            id=fb["id"],
            title=fb["title"],
            number=fb.get("number"),
            day=fb.get("day") or fb["id"][:10],
            score=total,
            reasons=reasons,
        )

    def extra(
        self, a: str, b: str, *, reasons: bool = True, cosine: float | None = None
    ) -> list[tuple[str, float, str]]:
        """The evidence the related map's indexes do not score from sets: shared
        facts, one session following the other, and their texts' similarity
        (without `reasons`, the same weights with empty reasons: the related
        map scores hundreds of candidates a row and words only its best)."""
        # A report citing the one it continues says once that it continues.
        follows = self._follows(a, b) or self._cited(a, b)
        return (
            self.facts.shared(a, b, reasons=reasons)
            + follows
            + self._text(a, b, reasons=reasons, cosine=cosine)
        )

    def _follows(self, a: str, b: str) -> list[tuple[str, float, str]]:
        """One session names the other as its `previous`, or carries on a title
        like it (`… part 2`, `… again`) sharing two of its words."""
        fa, fb = self.features[a], self.features[b]
        follows = fa.get("previous") == b or fb.get("previous") == a
        if not follows and (a in self._continuing or b in self._continuing):
            follows = len(set(fa["title_words"]) & set(fb["title_words"])) >= 2
        if not follows:
            return []
        return [("follows", WEIGHTS["follows"], f"continues: {fb['title']}")]

    def _cited(self, a: str, b: str) -> list[tuple[str, float, str]]:
        """One report cites the other by a name it goes by, or both are parts of
        one (`citations.Citations.reason`). A name met only in passing, outside
        the title and summary, weighs less than the threshold: it lists a pair
        only with other evidence ("after Session 8's deploy" in a later report
        on another problem)."""
        if (cited := self.citations.reason(self.features[a], self.features[b])) is None:
            return []
        weight = WEIGHTS["mention" if cited.in_passing else "follows"]
        return [("follows", weight, cited.reason)]

    def extra_partners(
        self, sid: str, dots: dict[str, float] | None = None
    ) -> set[str]:
        """Every session whose `extra` evidence with `sid` may lift the pair to the
        threshold where nothing else names it: text similar enough alone (with
        the titles' at most) or a `named_partners` one (`dots`:
        `TextModel.dots(sid)`)."""
        dots = self.text.dots(sid) if dots is None else dots
        found = {other for other, dot in dots.items() if dot > 0 and dot >= TEXT_ALONE}
        return found | self.named_partners(sid)

    def named_partners(self, sid: str) -> set[str]:
        """Every session whose `extra` evidence with `sid` is more than text: a
        shared fact, a `previous` link either way, a continuing title sharing two
        words, or a citation. For any other session `extra` is `_text` alone."""
        found = self.facts.partners(sid)
        previous = self.features[sid].get("previous")
        if previous in self.features:
            found.add(previous)
        found.update(self._followers.get(sid, ()))
        found.update(self._continuing_partners(sid))
        found.update(self.citations.partners(sid))
        found.discard(sid)
        return found

    def _continuing_partners(self, sid: str) -> set[str]:
        """Sessions sharing two title words with `sid`, one of the two titles
        saying it carries on (`part 2`, `again`)."""
        if self._title_postings is None:
            self._title_postings = {}
            self._continuing_postings = {}
            for other, f in self.features.items():
                for word in f["title_words"]:
                    self._title_postings.setdefault(word, []).append(other)
                    if other in self._continuing:
                        self._continuing_postings.setdefault(word, []).append(other)
        mine = bool(CONTINUES.search(self.features[sid]["title"]))
        # A title that does not carry on pairs only with those that do: count
        # over their postings alone (a word on every title is not walked per row).
        postings = self._title_postings if mine else self._continuing_postings
        counts: Counter[str] = Counter()
        for word in self.features[sid]["title_words"]:
            counts.update(postings.get(word, ()))
        return {other for other, n in counts.items() if n >= 2}

    def _text(
        self, a: str, b: str, *, reasons: bool = True, cosine: float | None = None
    ) -> list[tuple[str, float, str]]:
        """The texts' and titles' similarity (`cosine`: the texts', when the
        caller has it from `TextModel.dots`)."""
        text = self.text.similarity(a, b) if cosine is None else cosine
        if not text:
            return []  # titles alone are `_title`'s: only with a similar text here
        title = self.text.title_similarity(a, b)
        weight = round(WEIGHTS["text"] * text + WEIGHTS["title_text"] * title, 6)
        if weight < TEXT_MIN:
            return []
        if not reasons:
            return [("text", weight, "")]
        words = ", ".join(self.text.shared(a, b))
        return [("text", weight, f"similar report (rare words shared: {words})")]

    def _errors(self, a: str, b: str) -> list[tuple[str, float, str]]:
        for mine in self.signatures[a]:
            for theirs in self.signatures[b]:
                if sig.same_error(mine, theirs):
                    reason = f"same error: {_short(theirs.text)}"
                    return [("error", WEIGHTS["error"], reason)]
        return []


_FACT_WEIGHTS = {
    "refs": WEIGHTS["ref"],
    "errors": WEIGHTS["fact"],
    # Where it happened, not what went wrong: a team's reports name the same few
    # clusters and services whatever failed (one cluster, its IaC, its ingress),
    # so a rare host and service together no longer list a pair; the text or an
    # error has to agree.
    "hosts": WEIGHTS["fact"] / 2,
    "services": WEIGHTS["fact"] / 4,
}


class _Signatures(dict[str, list[sig.Signature]]):
    """Each session's error signatures, made when first asked for: a journal of
    10,000 sessions holds ~50,000, and one update of the related map reads few."""

    def __init__(self, features: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._features = features

    def __missing__(self, session_id: str) -> list[sig.Signature]:
        self[session_id] = found = signatures_of(self._features[session_id])
        return found


_SHARED_WORDS = {
    "root": "same root-cause file {}",
    "location": "both point at {}",
    "changed": "both changed {}",
    "component": "same component: {}",
    "tag": "both tagged {}",
}


def _shared(
    kind: str,
    mine: Iterable[str],
    theirs: Iterable[str],
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, float, str]]:
    both = sorted((set(mine) & set(theirs)) - set(skip))
    return [(kind, WEIGHTS[kind], _SHARED_WORDS[kind].format(item)) for item in both]


def similar_title(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Two titles' words (`Ranker.titles`) alike: two shared, and half of all."""
    return len(mine & theirs) >= 2 and sig.similar(mine, theirs) >= TITLE_SIMILAR


def capped(scored: list[tuple[str, float, str]]) -> tuple[float, list[str]]:
    """The score of some evidence, each kind up to its cap, and the reasons counted."""
    totals: dict[str, float] = {}
    reasons = []
    for kind, weight, reason in scored:
        cap = CAPS.get(kind)
        if cap is not None and totals.get(kind, 0.0) >= cap:
            continue
        totals[kind] = totals.get(kind, 0.0) + weight
        reasons.append(reason)
    return sum(totals.values()), reasons


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" -–:,") + " …"  # whole words


def _one_name_a_file(
    features: dict[str, dict[str, Any]], changed_by: dict[str, list[str]]
) -> tuple[dict[str, str], dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The files' other names (`samefile.aliases`), and each session's features
    and changed files with every file by the name it goes by."""
    aliases = samefile.aliases(
        {
            sid: [*f["root_files"], *f["locations"], *changed_by[sid]]
            for sid, f in features.items()
        }
    )
    if not aliases:
        return aliases, features, changed_by
    renamed = {sid: _renamed(f, aliases) for sid, f in features.items()}
    changed = {
        sid: sorted(set(samefile.renamed(files, aliases)))
        for sid, files in changed_by.items()
    }
    return aliases, renamed, changed


def _renamed(f: dict[str, Any], alias: dict[str, str]) -> dict[str, Any]:
    """A session's features with its files by the names they go by (a copy when
    one is renamed: the signature index's records stay as read)."""
    roots, places = f["root_files"], f["locations"]
    if not any(name in alias for name in (*roots, *places)):
        return f
    return {
        **f,
        "root_files": samefile.renamed(roots, alias),
        "locations": samefile.renamed(places, alias),
    }


def _too_common(
    features: dict[str, dict[str, Any]], changed_by: dict[str, list[str]]
) -> frozenset[str]:
    """Tags, changed files and title words (as `title:<word>`) on more than
    `COMMON` of the sessions (a journal of 10 or more), and every outcome tag."""
    outcomes = {
        tag
        for f in features.values()
        for tag in f["tags"]
        if tag.startswith(OUTCOME_TAGS)
    }
    if len(features) < 10:
        return frozenset(outcomes)
    counts: Counter[str] = Counter()
    for sid, f in features.items():
        counts.update({f"tag:{t}" for t in f["tags"]})
        counts.update({f"title:{w}" for w in f["title_words"]})
        counts.update(set(changed_by.get(sid, ())))
    limit = COMMON * len(features)
    common = {k.removeprefix("tag:") for k, n in counts.items() if n > limit}
    return frozenset(common | outcomes)


def fact_sets(features: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each kind of a session's facts, by a folded key → the value as written."""
    facts = features.get("facts") or {}
    return {
        kind: {fold(kind, value): value for value in facts.get(kind, ())}
        for kind in FACT_WORDS
        if facts.get(kind)
    }


def fold(kind: str, value: str) -> str:
    if kind == "errors":  # ids and numbers out, quoted names kept
        return sig.normalise(value, keep_quoted=True).lower()
    return " ".join(value.lower().split())


class JournalFacts:
    """Every session's facts (`fact_sets`), how many sessions hold each, those too
    common to count (on more than `COMMON_FACT` of the sessions), and the score of
    the facts two sessions share (`_FACT_WEIGHTS`: what a fact of each kind only
    two sessions hold weighs; `refs` whatever their rarity)."""

    def __init__(self, features: dict[str, dict[str, Any]]) -> None:
        self.of = {sid: fact_sets(f) for sid, f in features.items()}
        self.size = len(features)
        self._seen: Counter[str] = Counter(
            f"{kind}:{key}"
            for kinds in self.of.values()
            for kind, items in kinds.items()
            for key in items
        )
        # Under 10 sessions none is: no fact is on more than all of them.
        limit = max(2, COMMON_FACT * self.size) if self.size >= 10 else self.size
        too_common = [k for k, n in self._seen.items() if n > limit]
        self.common = frozenset(f"fact:{k}" for k in too_common)
        self._common: dict[str, set[str]] = {}
        for entry in too_common:
            kind, _, key = entry.partition(":")
            self._common.setdefault(kind, set()).add(key)
        self._postings: dict[str, dict[str, list[str]]] = {}

    def partners(self, sid: str) -> set[str]:
        """The sessions holding one of `sid`'s facts (and `sid`)."""
        found: set[str] = set()
        for kind, items in self.of[sid].items():
            if (index := self._postings.get(kind)) is None:
                index = self._postings[kind] = {}
                for other, kinds in self.of.items():
                    for key in kinds.get(kind, ()):
                        index.setdefault(key, []).append(other)
            for key in items:
                found.update(index.get(key, ()))
        return found

    def shared(
        self, a: str, b: str, *, reasons: bool = True
    ) -> list[tuple[str, float, str]]:
        """Facts both sessions hold but the too common, each weighted by its
        rarity in the journal (one only these two hold weighs its kind's
        weight; one on many, less)."""
        mine, theirs = self.of[a], self.of[b]
        scored: list[tuple[str, float, str]] = []
        if not mine or not theirs:
            return scored
        for kind, words in FACT_WORDS.items():
            both = mine.get(kind, {}).keys() & theirs.get(kind, {}).keys()
            for item in sorted(both - self._common.get(kind, set())):
                weight = _FACT_WEIGHTS[kind]
                if kind != "refs":
                    seen = self._seen.get(f"{kind}:{item}", 2)
                    rarity = idf(seen, self.size) / idf(2, self.size)
                    weight = round(weight * rarity, 6)
                reason = words.format(theirs[kind][item]) if reasons else ""
                scored.append(("ref" if kind == "refs" else "fact", weight, reason))
        return scored
