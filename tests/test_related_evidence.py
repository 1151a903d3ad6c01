"""What each kind of evidence weighs in `related`, pair by pair: context (a host, a
service) lists nothing alone, and the text model reads words as a report uses them
(inflections as one word, a word said once in passing weighing less)."""

from __future__ import annotations

from typing import Any

from journal.insight.related import THRESHOLD, Ranker
from journal.insight.textsim import term_counts


def _features(sid: str, text: str, facts: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "id": sid, "title": sid, "number": None, "day": sid[:10], "tags": [],
        "components": [], "title_words": [], "signatures": [], "root_files": [],
        "locations": [], "shas": [], "facts": facts, "terms": term_counts([text]),
    }  # fmt: skip


def _journal(pair: dict[str, tuple[str, dict[str, list[str]]]]) -> Ranker:
    """The pair among ten other sessions (so words and facts have a rarity)."""
    sessions = {sid: _features(sid, text, facts) for sid, (text, facts) in pair.items()}
    for n in range(10):
        sid = f"2025-03-{n + 10}-other"
        filler = " ".join(f"topic{n}x{k}" for k in range(50))
        sessions[sid] = _features(sid, filler, {})
    return Ranker(sessions)


def test_a_shared_host_and_service_alone_do_not_list_a_pair() -> None:
    context = {"hosts": ["cluster Hellman"], "services": ["IaC"]}
    ranker = _journal(
        {
            "2025-01-01-revert": ("pipeline reverted the subnets " * 10, context),
            "2025-02-01-logs": ("annotations overwritten, logs lost " * 10, context),
        }
    )
    match = ranker.compare("2025-01-01-revert", "2025-02-01-logs")
    assert match.score < THRESHOLD
    assert "same host: cluster Hellman" in match.reasons  # still said, and weighed


def test_the_same_error_with_the_context_still_lists_a_pair() -> None:
    facts = {"hosts": ["cluster Hellman"], "errors": ["NodeNotReady"]}
    ranker = _journal(
        {
            "2025-01-01-nodes": ("kubelet stopped posting status " * 10, facts),
            "2025-02-01-nodes": ("memory pressure evicted pods " * 10, facts),
        }
    )
    match = ranker.compare("2025-01-01-nodes", "2025-02-01-nodes")
    assert match.score >= THRESHOLD
    assert "both report NodeNotReady" in match.reasons


def _filler(tag: str) -> str:
    return " ".join(f"{tag}word{k}" for k in range(45))


def test_inflections_of_one_word_are_one_word() -> None:
    ranker = _journal(
        {
            "2025-01-01-alb": (
                "targets detached, then reattached; requests throttled " + _filler("a"),
                {},
            ),
            "2025-02-01-alb": (
                "detaching targets again, reattaching them by hand, throttling "
                + _filler("b"),
                {},
            ),
        }
    )
    match = ranker.compare("2025-01-01-alb", "2025-02-01-alb")
    assert match.score >= THRESHOLD
    # The reason names the words as the listed report writes them, not stems.
    assert "reattaching" in match.reasons[-1] and "reattach," not in match.reasons[-1]


def test_names_lose_a_plural_at_most() -> None:
    from journal.insight.textsim import words

    assert words("full_nodes settlement_payments.clvm stopped running") == [
        "full_node",
        "settlement_payments.clvm",
        "stop",
        "run",
    ]


def test_a_file_the_root_cause_rules_out_is_a_place_not_its_cause() -> None:
    from journal.insight.features import session_features
    from journal.model.session import RootCause, Session

    summary = (
        "`get_db` held the session while `api/app/routes/exports.py` streamed.\n\n"
        "The January worker fix (`session_scope` in `worker/db.py`) did not apply "
        "here: the API never leaked a session. We ruled out `api/app/cache.py` early."
        " `api/app/deps.py` did not close the session until the response ended."
    )
    session = Session(
        title="Exports exhaust the pool", root_cause=RootCause(summary=summary)
    )
    found = session_features("2025-02-27-exports", session, [])
    # A negation about the code ("did not close") still names the cause.
    assert found["root_files"] == ["api/app/routes/exports.py", "api/app/deps.py"]
    assert {"worker/db.py", "api/app/cache.py"} <= set(found["locations"])
