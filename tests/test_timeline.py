"""The one-event-per-line log: exact text round trips, torn lines, repair."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from journal.store.eventlog import format_event
from journal.store.timeline import append_event, outline, read_lines, repair

AT = "2025-11-04T01:02:00+00:00"


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_any_text_round_trips_through_json_and_yaml_readers(text: str) -> None:
    line = format_event({"at": AT, "kind": "note", "text": text})
    assert line.count("\n") == 1 and line.endswith("\n")
    assert json.loads(line[2:])["text"] == text
    assert yaml.safe_load(line)[0]["text"] == text


def test_line_separators_are_escaped_so_one_event_stays_one_line() -> None:
    line = format_event(
        {"at": AT, "kind": "note", "text": "a\u2028b\u2029c\u0085d\ufeffe"}
    )
    assert "\u2028" not in line and "\u0085" not in line
    assert len(line.splitlines()) == 1


def test_empty_fields_are_omitted_and_key_order_is_stable() -> None:
    line = format_event(
        {"text": "x", "star": False, "kind": "note", "at": AT, "sha": None}
    )
    assert line == f'- {{"at": "{AT}", "kind": "note", "text": "x"}}\n'


def test_item10_append_after_a_torn_line_sets_it_aside_first(tmp_path: Path) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(f'- {{"at": "{AT}", "kind": "note", "text": "ok"}}\n- {{"at": "20')
    append_event(path, {"at": AT, "kind": "note", "text": "after"})
    lines = read_lines(path)
    assert [raw.data["text"] for raw in lines if raw.data] == ["ok", "after"]
    assert [raw.problem is not None for raw in lines] == [False, False]
    assert (tmp_path / "timeline.yaml.torn").read_text() == '- {"at": "20\n'


def test_read_lines_flags_only_the_unterminated_last_line_as_torn(
    tmp_path: Path,
) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(
        f'- {{"at": "{AT}", "kind": "note", "text": "ok"}}\n- {{"at": "{AT}", "ki'
    )
    lines = read_lines(path)
    assert lines[-1].torn and lines[-1].data is None
    assert not lines[0].torn


def test_hand_written_yaml_lines_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(
        "# comment\n- {at: '2025-11-04T01:02:00+00:00', kind: note, text: by hand}\n"
    )
    assert read_lines(path)[0].data == {"at": AT, "kind": "note", "text": "by hand"}


def test_repair_recovers_a_line_missing_its_closing_brace(tmp_path: Path) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(
        f'- {{"at": "{AT}", "kind": "note", "text": "ok"}}\n- {{"at": "{AT}", "kind": "note", "text": "cut"'
    )
    done = repair(path)
    assert (done.set_aside, done.recovered) == ((), (2,))
    assert [raw.data["text"] for raw in read_lines(path) if raw.data] == ["ok", "cut"]


def test_repair_moves_an_unrecoverable_line_aside_never_dropping_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(f'- {{"at": "{AT}", "kind": "note", "text": "ok"}}\n- {{"at": "20')
    assert repair(path).set_aside == (2,)
    assert path.read_text().endswith("}\n")
    assert (tmp_path / "timeline.yaml.torn").read_text() == '- {"at": "20\n'


OFFSETS = st.sampled_from([0, 60, -300, 330, 120]).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
MOMENTS = st.integers(min_value=0, max_value=5 * 86400).map(
    lambda s: datetime(2025, 11, 1, tzinfo=UTC) + timedelta(seconds=s)
)


@given(st.lists(st.tuples(MOMENTS, OFFSETS, st.text(max_size=20)), max_size=12))
def test_outline_agrees_with_a_full_parse(
    events: list[tuple[datetime, timezone, str]],
) -> None:
    # `journal list` reads the span this way at 10,000 sessions; it must be the span
    # that parsing every event gives, whatever offsets the times were written with.
    lines = [
        format_event({"at": m.astimezone(tz).isoformat(), "kind": "note", "text": t})
        for m, tz, t in events
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "timeline.yaml"
        path.write_text("".join(lines), encoding="utf-8")
        found = outline(path)
    moments = [m for m, _, _ in events]
    assert found.events == len(events)
    assert found.first == (min(moments) if moments else None)
    assert found.last == (max(moments) if moments else None)


def test_outline_reads_hand_written_lines_and_skips_what_is_not_a_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_text(
        "# written by hand\n"
        "- {at: '2025-11-04T01:00:00+01:00', kind: note, text: early}\n"
        '- {"at": "soon", "kind": "note", "text": "x"}\n'
        '- {"at": "2025-11-04T00:30:00+00:00", "kind": "note", "text": "later"}\n'
    )
    found = outline(path)
    assert found.events == 3
    assert found.first == datetime(2025, 11, 4, 0, 0, tzinfo=UTC)
    assert found.last == datetime(2025, 11, 4, 0, 30, tzinfo=UTC)
    assert outline(tmp_path / "missing.yaml").events == 0


def test_a_whole_last_line_without_its_newline_is_kept_without_a_warning(
    tmp_path: Path,
) -> None:
    from journal.store import notices

    path = tmp_path / "timeline.yaml"
    hand = "- {at: '2025-11-04T01:02:00+00:00', kind: note, text: by hand}"
    path.write_text(hand)
    notices.given.clear()
    append_event(path, {"at": AT, "kind": "note", "text": "after"})
    assert path.read_text().splitlines()[0] == hand
    assert [raw.data["text"] for raw in read_lines(path) if raw.data] == [
        "by hand",
        "after",
    ]
    assert notices.given == []
    assert not (tmp_path / "timeline.yaml.torn").exists()
