"""Precision, recall and coverage of `journal related` over labelled pairs:

- the incidents written for this project (tests/fixtures/related/incidents.py), and
- the shared corpus of real postmortems (`../shared/corpus/`, or `--corpus DIR`),
  imported into a temporary journal with `journal import`, scored against the pairs
  labelled by reading them (tests/fixtures/related/corpus_pairs.json), and apart
  the pairs labelled later among those `related` listed or nearly listed
  (corpus_pairs_more.json: "corpus, more labels").

Each set is split by the labels' fixed rule (a hash of the pair) into a tuning part
and a held-aside part, reported apart: tune only on the first. Coverage is the share
of sessions with at least one related session. With rapidfuzz importable, the
incidents are also scored with its token_set_ratio in place of the word overlap.

    python bench/related_quality.py [--corpus DIR] [--json]
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
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


CORPUS = REPO.parent / "shared" / "corpus"
LABELS = REPO / "tests" / "fixtures" / "related" / "corpus_pairs.json"
MORE_LABELS = LABELS.with_name("corpus_pairs_more.json")
WORK_SESSIONS = LABELS.with_name("work_sessions")
WORK_LABELS = LABELS.with_name("work_sessions_pairs.json")


def held_aside(a: str, b: str) -> bool:
    """The labels' fixed rule: 30 % of pairs, by a hash of the pair, never tuned on."""
    key = "|".join(sorted([a, b]))
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10 < 3


def score(
    labelled: list[tuple[str, str, bool]], listed: set[tuple[str, str]]
) -> dict[str, float]:
    """Precision and recall of `listed` (pairs said related, either way round)."""
    tp = fp = fn = tn = 0
    for a, b, same in labelled:
        said = (a, b) in listed or (b, a) in listed
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


def evaluate(part: bool | None = None) -> dict[str, float]:
    """Precision and recall over the written incidents' pairs (related = score ≥
    THRESHOLD); `part` True/False: the held-aside / tuning part only."""
    ranker = Ranker(features())
    labelled = [
        (a["id"], b["id"], same)
        for a, b, same in pairs()
        if part is None or held_aside(a["id"], b["id"]) == part
    ]
    listed = {(a, b) for a, b, _ in labelled if ranker.compare(a, b).score >= THRESHOLD}
    figures = score(labelled, listed)
    sids = list(ranker.features)
    covered = sum(bool(ranker.related(s, limit=1)) for s in sids)
    figures["coverage"] = covered / len(sids)
    return figures


def corpus_journal(corpus: Path, into: Path) -> dict[str, str]:
    """A journal at `into` with every report of `corpus` imported; each report's
    path (relative to `corpus`) → its session id."""
    import subprocess

    from journal.operations.import_reports import import_reports
    from journal.operations.scaffold import init_journal
    from journal.store.sessions import Journal

    subprocess.run(["git", "init", "-q", str(into)], check=True)
    init_journal(into)
    journal = Journal.open(into)
    files = sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file() and p.name not in ("LICENSE", "README.md")
    )
    ids = {}
    for outcome in import_reports(journal, files):
        if outcome.session_id is None:
            raise SystemExit(f"{outcome.source}: not imported ({outcome.error})")
        ids[str(Path(outcome.source).relative_to(corpus))] = outcome.session_id
    return ids


def imported_map(
    folder: Path,
) -> tuple[dict[str, str], set[tuple[str, str]], float]:
    """Every report of `folder` imported into a temporary journal: each report's path
    (relative to `folder`) → its session id, the pairs `journal related` lists, and
    the share of sessions with at least one."""
    from journal.insight.relatedmap import related_map
    from journal.store.sessions import Journal

    with tempfile.TemporaryDirectory() as temp:
        ids = corpus_journal(folder, Path(temp))
        rows = related_map(Journal.open(Path(temp)))
    listed = {(sid, r.id) for sid, found in rows.items() for r in found}
    coverage = sum(bool(found) for found in rows.values()) / len(rows)
    return ids, listed, coverage


def labelled_parts(
    path: Path, ids: dict[str, str], listed: set[tuple[str, str]], coverage: float
) -> dict[str, dict[str, float]]:
    """The labels of `path` scored on `listed`: the tuning part, the held-aside part
    and all of them."""
    labels = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    parts = {}
    for name, part in (("tuning", False), ("held aside", True), ("all", None)):
        labelled = [
            (ids[p["a"]], ids[p["b"]], p["related"])
            for p in labels
            if part is None or held_aside(p["a"], p["b"]) == part
        ]
        parts[name] = {**score(labelled, listed), "coverage": coverage}
    return parts


def evaluate_corpus(corpus: Path) -> dict[str, dict[str, dict[str, float]]]:
    """The corpus labels scored on `journal related` of the imported reports: each
    file of labels apart, so the first set's figures stay comparable."""
    ids, listed, coverage = imported_map(corpus)
    result = {}
    for collection, path in (("corpus", LABELS), ("corpus, more labels", MORE_LABELS)):
        if path.is_file():
            result[collection] = labelled_parts(path, ids, listed, coverage)
    return result


def evaluate_work_sessions(
    folder: Path = WORK_SESSIONS, labels: Path = WORK_LABELS
) -> dict[str, dict[str, float]]:
    """The work-session labels scored on `journal related` of the imported reports
    (coverage: of the 24 reports, how many have a related one)."""
    ids, listed, coverage = imported_map(folder)
    return labelled_parts(labels, ids, listed, coverage)


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


def main(argv: list[str]) -> int:
    corpus = Path(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else CORPUS
    figures: dict[str, Any] = {
        "incidents": {
            "tuning": evaluate(False),
            "held aside": evaluate(True),
            "all": evaluate(),
        }
    }
    if corpus.is_dir():
        figures.update(evaluate_corpus(corpus))
    figures["work sessions"] = evaluate_work_sessions()
    if "--json" in argv:
        print(json.dumps(figures, indent=1))
        return 0
    for collection, parts in figures.items():
        for part, found in parts.items():
            print(f"{collection}, {part}:", _fmt(found))
    fuzzy = _with_rapidfuzz()
    shown = _fmt(fuzzy) if fuzzy else "not installed"
    print("incidents, rapidfuzz token_set_ratio:", shown)
    return 0


def _fmt(figures: dict[str, float]) -> str:
    return ", ".join(
        f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
        for k, v in figures.items()
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
