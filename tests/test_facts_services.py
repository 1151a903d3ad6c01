"""The services a report names in its prose (`insight/servicenames.py`): a name the
report repeats is a service unless how the report writes it says it is something
else — a common word, a person, a team, a code identifier, a numbered part, a
company, a word of a longer name. Every report here is invented for its rule; each
test also checks that a real service of the same report is still found, so a rule
that dropped every name would fail."""

from __future__ import annotations

import json
import sys

import pytest

from journal.insight.facts import report_facts
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import facts_quality


def services(text: str) -> list[str]:
    return list(report_facts(text).get("services", ()))


def test_a_name_repeated_three_times_is_a_service_and_twice_is_not() -> None:
    text = (
        "The Kestrel queue filled up. We restarted Kestrel twice.\n"
        "Later Kestrel drained. The Osprey cache was cold, and Osprey recovered.\n"
    )
    assert services(text) == ["Kestrel"]


def test_the_trade_s_words_for_kinds_of_things_are_not_services() -> None:
    """An API, an ARN, ACLs, QPS, pods and a Kubernetes Service are what systems
    have, not systems: however often a report writes them."""
    text = (
        "The API returned 403: the ACLs on the API lacked the new ARN. QPS fell.\n"
        "The Kestrel queue filled up. We restarted Kestrel twice, the ARN fixed.\n"
        "Each Service and its PODs restarted; the Service came back, PODs too, and\n"
        "QPS recovered. Later Kestrel drained, the ACLs and the API came back.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_camelcase_name_needs_two_mentions() -> None:
    text = "Writes to the BlobVault store stalled; the BlobVault client retried.\n"
    assert services(text) == ["BlobVault"]


def test_a_capitalised_word_the_report_writes_in_lower_case_as_much_is_common() -> None:
    text = (
        "We moved to the new Cluster layout. The cluster was slow; every cluster\n"
        "node and each cluster pod restarted. Then Cluster health and Cluster load\n"
        "were checked by Kestrel, Kestrel and Kestrel again.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_product_also_written_in_lower_case_once_stays_a_service() -> None:
    text = (
        "The Kestrel proxy dropped requests. We read the Kestrel logs and\n"
        "restarted Kestrel; see the kestrel namespace.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_bold_label_is_not_a_name() -> None:
    text = (
        "Step one **Rollout:** we paused Kestrel.\n"
        "Step two **Rollout:** we resumed the Kestrel deploy.\n"
        "Step three **Rollout:** done, Kestrel is fine.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_capital_after_an_opening_bracket_or_quote_starts_a_sentence() -> None:
    text = (
        "The setting went from [Require review] to [Require approval] on Kestrel.\n"
        "The message read “Require a token” and the Kestrel bot [Require login]\n"
        "stopped; Kestrel came back.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_first_name_followed_by_what_people_do_is_a_person() -> None:
    text = (
        "Then Dana noticed the Kestrel backlog. Later Dana asked for logs and\n"
        "the call with Dana ended; the Kestrel pods restarted and Kestrel drained.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_name_next_to_a_role_is_a_person() -> None:
    text = (
        "The incident manager (Robin) paged the Kestrel owners; we thank Robin,\n"
        "and Robin closed it when the Kestrel queue held and Kestrel drained.\n"
    )
    assert services(text) == ["Kestrel"]


def test_names_in_an_attendees_list_are_people() -> None:
    text = (
        "# Queue outage\n\nThe Kestrel queue stalled, so Kestrel was restarted;\n"
        "then the Kestrel queue drained.\n\n## Attendees\n\n"
        "- notes taken by Morgan\n- checked by Morgan\n- chaired by Morgan\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_name_followed_by_team_in_a_third_of_its_mentions_is_a_team() -> None:
    text = (
        "The SRE team saw the Kestrel alarm. Then SRE paged the SRE members and\n"
        "asked SRE to restart Kestrel, and Kestrel drained.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_code_identifier_is_not_a_service() -> None:
    text = (
        "The Invoice model had no table, so Invoice lookups in Kestrel failed and\n"
        "the `isReady` function threw; `isReady` was called by Kestrel on start,\n"
        "and Invoice rows, `isReady` again, Kestrel again.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_code_expression_in_backticks_holds_no_name() -> None:
    text = (
        "Then Kestrel evaluates `(order_id amount)` and `get(order_id, 2)` before\n"
        "`(order_id)` is checked, so Kestrel stops and Kestrel logs it.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_word_followed_by_a_number_is_a_numbered_part() -> None:
    text = (
        "The Kestrel move came in Stage 2 after Stage 1; Stage 3 waits for the\n"
        "new Kestrel, and nothing blocks Stage 4 now that Kestrel 1.14 is out.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_word_always_after_another_name_is_part_of_it() -> None:
    text = (
        "The Kestrel Suite login failed. Kestrel Suite admins and Kestrel Suite\n"
        "users saw it; Kestrel was the cause.\n"
    )
    found = services(text)
    assert "Suite" not in found and "Kestrel" in found


def test_the_words_of_an_x_of_y_name_are_not_names() -> None:
    text = (
        "An audit by Crane of Harbor found the Kestrel bug; Crane of Harbor wrote\n"
        "to us and Crane of Harbor closed it once the Kestrel patch and Kestrel\n"
        "tests were in.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_company_by_its_legal_name_is_not_a_service() -> None:
    text = (
        "We pay Orbly Inc. to run the Kestrel fleet; Orbly patched Kestrel and\n"
        "later Orbly sent us a note about Kestrel and about Orbly.\n"
    )
    assert services(text) == ["Kestrel"]


def test_a_name_always_followed_by_the_same_name_word_is_kept_whole() -> None:
    text = (
        "Payments with Orbly Pay failed. Orbly pay retried, then Orbly Pay\n"
        "recovered and Orbly pay was fine.\n"
    )
    assert services(text) == ["Orbly Pay"]


def test_a_name_followed_by_a_common_noun_stays_alone() -> None:
    text = "The Orbly account was locked; the Orbly account came back; Orbly account.\n"
    assert services(text) == ["Orbly"]


def test_a_heading_counts_for_a_name_the_prose_gives() -> None:
    text = "# Outage of the Kestrel queue\n\nThe Kestrel queue stalled; we restarted Kestrel.\n"
    assert services(text) == ["Kestrel"]
    # ... but a heading alone does not make its Title-Case words names.
    headings = "# Slow Disk Writes\n\n## Slow Disk Reads\n\n## Slow Disk Sync\n"
    assert services(headings + "\nAll fine.\n") == []


def test_a_one_name_value_after_a_label_counts() -> None:
    text = "- Category: Kestrel\n\nThe Kestrel queue stalled and Kestrel drained.\n"
    assert services(text) == ["Kestrel"]
    assert (
        services("- Status: Resolved\n- Status: Resolved\n- Status: Resolved\n") == []
    )


def test_an_english_compound_is_not_a_name() -> None:
    text = (
        "The roll-over of nodes and the engine-level limits hit kestrel-proxy;\n"
        "a roll-over again, engine-level again, roll-over, engine-level, and the\n"
        "kestrel-proxy restarted, the kestrel-proxy drained.\n"
    )
    assert services(text) == ["kestrel-proxy"]


LABELS = json.loads(facts_quality.LABELS.read_text("utf-8"))


def test_the_labels_hold_every_report_once_with_the_held_aside_rule() -> None:
    import hashlib

    reports = LABELS["reports"]
    for path, label in reports.items():
        digest = int(hashlib.sha256(path.encode()).hexdigest()[:8], 16)
        assert label["held_aside"] is (digest % 10 < 3), path
        assert all(name.strip() for name in label["services"]), path
    assert 20 <= sum(label["held_aside"] for label in reports.values()) <= 35


def test_the_score_counts_aliases_once_and_junk_apart() -> None:
    part = facts_quality.Part()
    facts_quality.score(["kiam", "KIAM", "Matt"], ["KIAM|kube2iam", "Helm"], "r", part)
    assert (part.extracted, part.right, part.labels, part.found) == (3, 2, 2, 1)
    assert part.junk == ["r: Matt"] and part.missed == ["r: Helm"]


@pytest.mark.skipif(
    not facts_quality.CORPUS.is_dir(), reason="the shared corpus is not here"
)
def test_the_corpus_services_on_the_tuning_part() -> None:
    """The figures bench/facts_quality.py reports, held at what was reached on the
    tuning part (61.2 % precision and 25.8 % recall before these rules; 71.3 %
    before the trade's words for kinds of things)."""
    tuning = facts_quality.run()["tuning"]
    assert tuning.precision >= 0.83 and tuning.recall >= 0.33, (
        f"{tuning.precision:.1%} {tuning.recall:.1%} junk {tuning.junk}"
    )
