"""What `related` reads of the sessions' facts and titles: each kind of fact by a
folded key, the facts too common to count, their rarity, and the titles that say a
session carries on another (`part 2`, `again`). Standard library."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from journal.insight import signatures as sig

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
    common to count, and the score of the facts two sessions share."""

    def __init__(
        self,
        features: dict[str, dict[str, Any]],
        *,
        share: float,
        weights: dict[str, float],
    ) -> None:
        """`share`: of the sessions, above which a fact says nothing (a journal of
        10 or more); `weights`: what a fact of each kind only two sessions hold
        weighs (`refs`: whatever their rarity)."""
        self.of = {sid: fact_sets(f) for sid, f in features.items()}
        self.size, self.weights = len(features), weights
        self._seen: Counter[str] = Counter(
            f"{kind}:{key}"
            for kinds in self.of.values()
            for kind, items in kinds.items()
            for key in items
        )
        limit = max(2, share * self.size)
        too_common = [k for k, n in self._seen.items() if n > limit]
        self.common = (
            frozenset(f"fact:{k}" for k in too_common)
            if self.size >= 10
            else frozenset()
        )
        self._common: dict[str, set[str]] = {}
        for entry in self.common:
            kind, _, key = entry.removeprefix("fact:").partition(":")
            self._common.setdefault(kind, set()).add(key)
        self._postings: dict[str, dict[str, list[str]]] = {}

    def partners(self, sid: str) -> set[str]:
        """The sessions holding one of `sid`'s facts (and `sid`)."""
        found: set[str] = set()
        for kind, items in self.of[sid].items():
            index = self._postings.get(kind)
            if index is None:
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
                weight = self.weights[kind]
                if kind != "refs":
                    weight = round(weight * self._rarity(kind, item), 6)
                reason = words.format(theirs[kind][item]) if reasons else ""
                scored.append(("ref" if kind == "refs" else "fact", weight, reason))
        return scored

    def _rarity(self, kind: str, item: str) -> float:
        seen = self._seen.get(f"{kind}:{item}", 2)
        return _idf(seen, self.size) / _idf(2, self.size)


def _idf(seen: int, size: int) -> float:
    return math.log(1 + (size - seen + 0.5) / (seen + 0.5))
