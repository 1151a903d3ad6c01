"""Precision and recall of `journal related` over the labelled incident pairs in
tests/fixtures/related/incidents.py, and the same with rapidfuzz's token_set_ratio in
place of the standard-library word overlap, when rapidfuzz is importable.

    python bench/related_quality.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "related"))
sys.path.insert(0, str(REPO))

from incidents import INCIDENTS, pairs  # noqa: E402

from journal.insight import signatures as sig  # noqa: E402
from journal.insight.features import session_features  # noqa: E402
from journal.insight.related import THRESHOLD, Ranker  # noqa: E402


def features() -> dict[str, dict[str, Any]]:
    """The features of every labelled incident, as the signature index keeps them."""
    from datetime import UTC, datetime

    from journal.model.session import to_event, to_session

    result = {}
    for incident in INCIDENTS:
        session = to_session(incident["session"])
        events = [
            to_event(
                {"at": datetime(2025, 1, 1, 0, i, tzinfo=UTC), "kind": k, "text": t}
            )
            for i, (k, t) in enumerate(incident["events"])
        ]
        result[incident["id"]] = session_features(incident["id"], session, events)
    return result


def evaluate() -> dict[str, float]:
    """Precision, recall and counts over every pair (related = score ≥ THRESHOLD)."""
    ranker = Ranker(features())
    tp = fp = fn = tn = 0
    for a, b, same in pairs():
        said = ranker.compare(a["id"], b["id"]).score >= THRESHOLD
        tp += said and same
        fp += said and not same
        fn += same and not said
        tn += not same and not said
    return {
        "pairs": tp + fp + fn + tn,
        "related pairs": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def _with_rapidfuzz() -> dict[str, float] | None:
    try:
        started = time.perf_counter()
        from rapidfuzz import fuzz
    except ImportError:
        return None
    imported = time.perf_counter() - started
    original: Callable[..., float] = sig.similar

    def token_set(a: Any, b: Any) -> float:
        ta = a.tokens if isinstance(a, sig.Signature) else a
        tb = b.tokens if isinstance(b, sig.Signature) else b
        return float(fuzz.token_set_ratio(" ".join(sorted(ta)), " ".join(sorted(tb))))

    sig.similar = lambda a, b: token_set(a, b) / 100  # type: ignore[assignment]
    try:
        figures = evaluate()
    finally:
        sig.similar = original  # type: ignore[assignment]
    figures["import ms"] = imported * 1000
    return figures


def main() -> int:
    print("stdlib word overlap:", _fmt(evaluate()))
    fuzzy = _with_rapidfuzz()
    print("rapidfuzz token_set_ratio:", _fmt(fuzzy) if fuzzy else "not installed")
    return 0


def _fmt(figures: dict[str, float]) -> str:
    return ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
        for k, v in figures.items()
    )


if __name__ == "__main__":
    sys.exit(main())
