"""Related sessions: other sessions ranked by what they share with one, each with its
reasons in words ("same error: …", "both changed app/models/organization.py").

Precision first. Each kind of evidence has a weight; a session is listed only when
its weights add up to `THRESHOLD`, which one strong piece (the same error, the same
root-cause file) reaches alone and the weak ones (a tag, a component, a similar
title, one file both changed) reach only together. Evidence that is common in the
journal — a tag or a file most sessions share — counts for nothing. The score is
symmetric, so the site can link related sessions both ways.

Text similarity is the Jaccard overlap of informative words (standard library):
rapidfuzz's token_set_ratio was weighed and scored no better on the labelled set
(see bench/related_quality.py) while costing ~13 ms to import on the `log` path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import msgspec

from journal.insight import signatures as sig
from journal.insight.features import signatures_of

if TYPE_CHECKING:
    from journal.store.sessions import Journal

THRESHOLD = 4.0
WEIGHTS = {
    "error": 5.0,
    "root": 4.0,
    "location": 2.0,
    "changed": 2.0,
    "component": 1.5,
    "tag": 1.0,
    "title": 2.0,
}
CAPS = {"changed": 4.0, "tag": 2.0, "location": 4.0, "component": 3.0}
COMMON = 0.3
"""Share of sessions above which a tag or file says nothing (journals of 10+)."""
TITLE_SIMILAR = 0.5


class Related(msgspec.Struct, array_like=True):
    """One related session: its id, label, day, score and reasons. A struct kept
    as an array, so the related map's cache (100,000 of them at 10,000 sessions)
    decodes straight into them."""

    id: str
    title: str
    number: int | None
    day: str
    score: float
    reasons: list[str] = msgspec.field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Session {self.number}: {self.title}" if self.number else self.title

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.id,
            "title": self.title,
            "number": self.number,
            "day": self.day,
            "score": round(self.score, 2),
            "reasons": self.reasons,
        }


class Ranker:
    """Ranks sessions against each other; built once per journal."""

    def __init__(
        self,
        features: dict[str, dict[str, Any]],
        changed: dict[str, list[str]] | None = None,
    ) -> None:
        self.features = features
        self.signatures = _Signatures(features)
        self.changed = {
            sid: sorted(
                {
                    p
                    for sha in f.get("shas", ())
                    for p in (changed or {}).get(sha.lower(), ())
                }
            )
            for sid, f in features.items()
        }
        self.common = _common(features, self.changed)

    def related(self, session_id: str, *, limit: int = 10) -> list[Related]:
        """Other sessions related to `session_id`, best first."""
        found = []
        for other in self.features:
            if other == session_id:
                continue
            match = self.compare(session_id, other)
            if match.score >= THRESHOLD:
                found.append(match)
        found.sort(key=lambda r: (-r.score, r.id), reverse=False)
        return found[:limit]

    def compare(self, a: str, b: str, *, error: bool | None = None) -> Related:
        """What `b` shares with `a`, scored; `error` False when they are known to
        share no error (the related map's join knows), which spares comparing
        every pair of their signatures."""
        fa, fb = self.features[a], self.features[b]
        scored: list[tuple[str, float, str]] = []
        scored += self._errors(a, b) if error is not False else []
        scored += _shared(
            "root", fa["root_files"], fb["root_files"], "same root-cause file {}"
        )
        roots = set(fa["root_files"]) & set(fb["root_files"])
        scored += _shared(
            "location",
            fa["locations"] + fa["root_files"],
            fb["locations"] + fb["root_files"],
            "both point at {}",
            skip=roots,
        )
        scored += _shared(
            "changed",
            self.changed[a],
            self.changed[b],
            "both changed {}",
            skip=self.common,
        )
        scored += _shared(
            "component", fa["components"], fb["components"], "same component: {}"
        )
        scored += _shared(
            "tag", fa["tags"], fb["tags"], "both tagged {}", skip=self.common
        )
        scored += _title(fa, fb)
        return _result(fb, scored)

    def _errors(self, a: str, b: str) -> list[tuple[str, float, str]]:
        for mine in self.signatures[a]:
            for theirs in self.signatures[b]:
                if sig.same_error(mine, theirs):
                    return [
                        (
                            "error",
                            WEIGHTS["error"],
                            f"same error: {_short(theirs.text)}",
                        )
                    ]
        return []


class _Signatures(dict[str, list[sig.Signature]]):
    """Each session's error signatures, made when first asked for: a journal of
    10,000 sessions holds ~50,000, and one update of the related map reads few."""

    def __init__(self, features: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._features = features

    def __missing__(self, session_id: str) -> list[sig.Signature]:
        found = signatures_of(self._features[session_id])
        self[session_id] = found
        return found


def _shared(
    kind: str,
    mine: Iterable[str],
    theirs: Iterable[str],
    words: str,
    *,
    skip: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, float, str]]:
    both = sorted((set(mine) & set(theirs)) - set(skip))
    return [(kind, WEIGHTS[kind], words.format(item)) for item in both]


def _title(fa: dict[str, Any], fb: dict[str, Any]) -> list[tuple[str, float, str]]:
    wa, wb = set(fa["title_words"]), set(fb["title_words"])
    if len(wa & wb) < 2 or sig.similar(frozenset(wa), frozenset(wb)) < TITLE_SIMILAR:
        return []
    return [("title", WEIGHTS["title"], f"similar title: {fb['title']}")]


def _result(fb: dict[str, Any], scored: list[tuple[str, float, str]]) -> Related:
    totals: dict[str, float] = {}
    reasons = []
    for kind, weight, reason in scored:
        cap = CAPS.get(kind)
        if cap is not None and totals.get(kind, 0.0) >= cap:
            continue
        totals[kind] = totals.get(kind, 0.0) + weight
        reasons.append(reason)
    return Related(
        id=fb["id"],
        title=fb["title"],
        number=fb.get("number"),
        day=fb.get("day") or fb["id"][:10],
        score=sum(totals.values()),
        reasons=reasons,
    )


def _common(
    features: dict[str, dict[str, Any]], changed: dict[str, list[str]]
) -> frozenset[str]:
    """Tags and changed files on more than COMMON of the sessions (10 or more)."""
    if len(features) < 10:
        return frozenset()
    counts: Counter[str] = Counter()
    for sid, f in features.items():
        counts.update({f"tag:{t}" for t in f["tags"]})
        counts.update(set(changed.get(sid, ())))
    limit = COMMON * len(features)
    common = {k.removeprefix("tag:") for k, n in counts.items() if n > limit}
    return frozenset(common)


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" -–:,") + " …"  # whole words


def ranker_for(journal: Journal, *, with_git: bool = True) -> Ranker:
    """A ranker over every readable session of `journal` (the signature index
    refreshed), with the files its linked commits changed when git knows them."""
    from journal.insight.sigindex import refresh

    features = refresh(journal)
    return ranker_with_git(journal, features) if with_git else Ranker(features)


def ranker_with_git(journal: Journal, features: dict[str, dict[str, Any]]) -> Ranker:
    """A ranker over `features`, with the files their linked commits changed."""
    from journal.insight.changes import load_changes

    changed: dict[str, list[str]] = {}
    shas = [s for f in features.values() for s in f.get("shas", ())]
    if shas:
        changed = load_changes(journal.root, journal.state_dir, shas).files
    return Ranker(features, changed)
