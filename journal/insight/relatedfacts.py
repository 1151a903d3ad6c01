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


def common_facts(counts: Counter[str], size: int, share: float) -> frozenset[str]:
    """Facts too common to say anything: on more than `share` of the sessions
    (journals of 10 or more)."""
    if size < 10:
        return frozenset()
    limit = max(2, share * size)
    return frozenset(f"fact:{k}" for k, n in counts.items() if n > limit)


def idf(seen: int, size: int) -> float:
    return math.log(1 + (size - seen + 0.5) / (seen + 0.5))


def postings(
    facts: dict[str, dict[str, dict[str, str]]], kind: str
) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for sid, kinds in facts.items():
        for key in kinds.get(kind, ()):
            index.setdefault(key, []).append(sid)
    return index
