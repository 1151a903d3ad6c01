"""The frozen records of `journal/record.py`: built from their fields only, and
immutable once built."""

from __future__ import annotations

import pytest

from journal.record import Record


class Step(Record):
    text: str = ""
    owner: str | None = None


def test_a_record_takes_its_fields_and_defaults_the_rest() -> None:
    step = Step(text="Rotate the keys")
    assert (step.text, step.owner) == ("Rotate the keys", None)
    assert step == Step(text="Rotate the keys", owner=None)


def test_a_field_it_does_not_have_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="Step has no field 'ownr'"):
        Step(text="x", ownr="dana")


def test_a_record_cannot_be_changed_only_replaced() -> None:
    step = Step(text="x")
    with pytest.raises(AttributeError, match="immutable"):
        step.text = "y"  # type: ignore[misc]
    assert step.replace(owner="dana") == Step(text="x", owner="dana")
    assert step.owner is None
