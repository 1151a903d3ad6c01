"""The structural merge, as a property: two random sequences of edits made on two
branches from one base merge to what applying both sequences one after the other gives
— whenever they touch no common field; otherwise the conflicts name exactly the fields
both sides changed to different values.

The edits are the library calls the CLI makes (`step add`, `criterion add`, `step done`,
`option choose`, `set`), on real session folders; the merge is the one the git driver
runs (`merge_texts`)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.operations.scaffold import init_journal
from journal.operations.session_edits import (
    add_item,
    choose_option,
    set_field,
    update_item,
)
from journal.store.sessions import Journal
from journal.store.yamlmerge import merge_texts, render, settle_markers

SID = "2025-11-04-db-failover"
BASE = """\
# The session both responders start from.
schema: 1
title: DB failover
status: open
severity: high
started: "2025-11-04T01:00:00+00:00"
summary: Primary lost.
root_cause:
  summary: unknown
options:
  - {title: Promote the replica, pros: [fast]}
  - {title: Restore from backup, pros: [safe]}
next_steps:
  - {text: Page the DBA, horizon: short, done: false}
  - {text: Check replica lag, horizon: short, done: false}
  - {text: Write the runbook, horizon: long, done: false}
"""
SETTABLE = ("root_cause.summary", "severity", "summary")
VALUES = {
    "root_cause.summary": ("stale config", "DNS"),
    "severity": ("critical", "low"),
    "summary": ("Primary lost; replica promoted.", "Primary lost twice."),
}


def _ops(side: str) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    one = st.one_of(
        st.tuples(st.just("step"), st.integers(0, 99)),
        st.tuples(st.just("criterion"), st.integers(0, 99)),
        st.tuples(st.just("done"), st.integers(1, 3)),
        st.tuples(st.just("choose"), st.integers(1, 2)),
        st.tuples(st.just("set"), st.sampled_from(SETTABLE), st.integers(0, 1)),
    )
    return st.lists(one, max_size=5).map(lambda ops: [(side, *op) for op in ops])


def _apply(journal: Journal, op: tuple[Any, ...]) -> None:
    side, kind, *args = op
    if kind == "step":
        item = {"text": f"{side} step {args[0]}", "horizon": "short", "done": False}
        add_item(journal, SID, "next_steps", item)
    elif kind == "criterion":
        add_item(journal, SID, "success_criteria", {"text": f"{side} {args[0]}"})
    elif kind == "done":
        update_item(journal, SID, "next_steps", args[0], {"done": True})
    elif kind == "choose":
        choose_option(journal, SID, args[0], None)
    else:
        set_field(journal, SID, args[0], VALUES[args[0]][args[1]])


@contextmanager
def _journals(count: int) -> Iterator[list[Journal]]:
    with tempfile.TemporaryDirectory(prefix="journal-merge-") as tmp:
        first = Path(tmp) / "j0"
        init_journal(first)
        (first / "sessions" / SID).mkdir(parents=True)
        (first / "sessions" / SID / "session.yaml").write_text(BASE)
        (first / "sessions" / SID / "timeline.yaml").write_text("")
        roots = [first]
        for n in range(1, count):
            roots.append(Path(tmp) / f"j{n}")
            shutil.copytree(first, roots[-1])
        yield [Journal.open(root) for root in roots]


def _text(journal: Journal) -> str:
    return journal.session_path(SID).read_text()


def _plain(text: str) -> dict[str, Any]:
    return yaml.safe_load(text)


def _final_sets(ops: list[tuple[Any, ...]]) -> dict[str, str]:
    """The fields a sequence `set`s, with the value it leaves."""
    return {op[2]: VALUES[op[2]][op[3]] for op in ops if op[1] == "set"}


def _chosen(ops: list[tuple[Any, ...]]) -> int | None:
    chosen = [op[2] for op in ops if op[1] == "choose"]
    return chosen[-1] if chosen else None


def _expected_conflicts(ours: list[Any], theirs: list[Any]) -> set[str]:
    a, b = _final_sets(ours), _final_sets(theirs)
    base = _plain(BASE)
    conflicts = set()
    for field in set(a) & set(b):
        before = (
            base["root_cause"]["summary"]
            if field == "root_cause.summary"
            else base[field]
        )
        if a[field] != b[field] and a[field] != before and b[field] != before:
            conflicts.add(field)
    return conflicts


both_choose_alike = st.tuples(_ops("A"), _ops("B")).filter(
    # Choosing different options on two branches is a conflict of meaning, not of
    # fields: the merge keeps both choices and `journal check` flags them
    # (`options-many-chosen`, tested below). The property covers the rest.
    lambda pair: (
        None in (_chosen(pair[0]), _chosen(pair[1]))
        or _chosen(pair[0]) == _chosen(pair[1])
    )
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(both_choose_alike)
def test_a_merge_equals_the_edits_applied_in_sequence(
    pair: tuple[list[Any], list[Any]],
) -> None:
    ours, theirs = pair
    with _journals(4) as (a, b, ab, ba):
        for op in ours:
            _apply(a, op)
            _apply(ab, op)
        for op in theirs:
            _apply(b, op)
            _apply(ab, op)
            _apply(ba, op)
        for op in ours:
            _apply(ba, op)
        merged = merge_texts(BASE, _text(a), _text(b), where="session.yaml")
        conflicts = {c.path for c in merged.conflicts}
        expected = _expected_conflicts(ours, theirs)
        assert conflicts == expected
        if expected:
            return
        result = _plain(render(merged))
        # Ours' edits, then theirs': exactly what the merge gives.
        assert result == _plain(_text(ab))
        # Theirs' first: the same, but for the order of the items each side added.
        other = _plain(_text(ba))
        for key in ("next_steps", "success_criteria"):
            assert sorted(map(str, result.get(key) or [])) == sorted(
                map(str, other.get(key) or [])
            )
            result.pop(key, None)
            other.pop(key, None)
        assert result == other


def test_different_choices_on_two_branches_are_flagged_by_check(tmp_path: Path) -> None:
    with _journals(3) as (a, b, merged_journal):
        choose_option(a, SID, 1, None)
        choose_option(b, SID, 2, None)
        merged = merge_texts(BASE, _text(a), _text(b), where="session.yaml")
        assert merged.conflicts == []
        merged_journal.session_path(SID).write_text(render(merged))
        from journal.insight.lint import check

        found = [f.rule for f in check(merged_journal)]
        assert "options-many-chosen" in found


def test_a_conflict_on_quoted_values_keeps_valid_yaml_whichever_side_is_chosen() -> (
    None
):
    """Times are written quoted, and so was the placeholder the markers replace:
    its quote stayed on each side's line (`started: ""2025-…"`), so settling a
    conflict left a file that no longer parsed."""

    def doc(summary: str, started: str) -> str:
        return f'title: X\nsummary: "{summary}"\nstarted: "{started}T00:00:00+00:00"\n'

    merged = merge_texts(
        doc("base", "2025-01-01"),
        doc("ours: with a colon", "2025-01-02"),
        doc("theirs", "2025-01-03"),
        where="session.yaml",
    )
    text = render(merged)
    assert '""' not in text
    for choice in ("ours", "theirs"):
        settled, unsettled = settle_markers(
            text, {"summary": choice, "started": choice}
        )
        assert unsettled == []
        data = yaml.safe_load(settled)
        day = "2025-01-02" if choice == "ours" else "2025-01-03"
        assert data["summary"] == (
            "ours: with a colon" if choice == "ours" else "theirs"
        )
        assert str(data["started"]).startswith(day)
