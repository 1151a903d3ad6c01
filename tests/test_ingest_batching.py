"""`journal ingest` at 100,000 messages: the lines spilled to a temporary file and
written back in time order, a megabyte a write, each message exactly once; a
failed append leaves the timeline as it was; and the shortcuts taken for speed
(the redaction of a lot, the Slack marks, the stored line) give what the long way
gives."""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.errors import WriteError
from journal.ingest import slack
from journal.operations import ingest as ingest_ops
from journal.operations.ingest import Request, append_new
from journal.operations.redact import _LOT_CHECKS, _RULES, redact, redact_many
from journal.store import eventlog
from journal.store.eventlog import append_lines
from journal.store.files import append_chunks
from journal.store.sessions import Journal
from journal.store.timeline import read_lines


def _events(count: int) -> list[dict[str, object]]:
    """Events out of time order, with ties (same instant, other offsets)."""
    rnd = random.Random(7)
    start = datetime(2025, 11, 4, tzinfo=UTC)
    found = []
    for n in range(count):
        moment = start + timedelta(seconds=rnd.randrange(count // 3 + 1))
        zone = timezone(timedelta(hours=rnd.choice([0, 2, -5])))
        found.append(
            {
                "at": moment.astimezone(zone).isoformat(),
                "kind": "note",
                "text": f"message {n} " + "x" * rnd.randrange(200),
                "source": "test",
                "id": f"t:{n}",
            }
        )
    return found


def _stored(journal_root: Path, session_id: str) -> list[dict[str, object]]:
    path = journal_root / "sessions" / session_id / "timeline.yaml"
    return [line.data for line in read_lines(path) if line.data is not None]


@pytest.mark.parametrize("spill_at", [1 << 20, 1 << 10])
def test_every_event_written_once_in_time_order(
    journal_root: Path, session_id: str, spill_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1 KiB: the lines go through the temporary file many times over.
    monkeypatch.setattr(ingest_ops, "_SPILL_AT", spill_at)
    events = _events(3000)
    events.append(dict(events[5]))  # the same id twice: written once
    journal = Journal.open(journal_root)
    with journal.lock(session_id):
        result = append_new(journal, session_id, iter(events), request=Request())
    assert (result.added, result.duplicates) == (3000, 1)
    stored = _stored(journal_root, session_id)
    expected = sorted(
        events[:3000], key=lambda e: datetime.fromisoformat(str(e["at"]))
    )  # stable: ties keep the order they were read in
    assert [e["id"] for e in stored] == [e["id"] for e in expected]
    assert stored == expected


def test_a_dry_run_returns_the_events_in_time_order(
    journal_root: Path, session_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_ops, "_SPILL_AT", 1 << 10)
    events = _events(500)
    batch = ingest_ops.Batch(
        Journal.open(journal_root), redact=True, window=(None, None)
    )
    batch.take(iter(events), set())
    result = batch.result(session_id)
    batch.close()
    assert [e["id"] for e in result.events] == [
        e["id"]
        for e in sorted(events, key=lambda e: datetime.fromisoformat(str(e["at"])))
    ]


def test_a_failed_append_leaves_the_timeline_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "timeline.yaml"
    path.write_bytes(b'- {"at": "x"}\n')

    def chunks() -> object:
        yield b"- {}\n" * 1000
        raise OSError(28, "No space left on device")

    with pytest.raises(WriteError):
        append_chunks(path, chunks())  # type: ignore[arg-type]
    assert path.read_bytes() == b'- {"at": "x"}\n'

    def broken() -> object:
        yield b"- {}\n"
        raise ValueError("a reader failed half way")

    with pytest.raises(ValueError):
        append_chunks(path, broken())  # type: ignore[arg-type]
    assert path.read_bytes() == b'- {"at": "x"}\n'


def test_appended_lines_go_after_a_torn_line_and_nothing_opens_for_none(
    tmp_path: Path,
) -> None:
    path = tmp_path / "timeline.yaml"
    append_lines(path, [])
    assert not path.exists()  # as before: no lines, no file
    path.write_bytes(b'- {"at": "torn')
    append_lines(path, iter([b"- {}\n"] * 3))
    assert path.read_bytes() == b'- {"at": "torn\n' + b"- {}\n" * 3


def test_big_appends_are_cut_into_megabyte_writes() -> None:
    lines = [b"x" * 1000 + b"\n"] * 3000
    chunks = list(eventlog._chunks(iter(lines)))
    assert len(chunks) == 3
    assert b"".join(chunks) == b"".join(lines)


def test_the_lot_check_of_url_passwords_is_the_rule_after_its_scheme() -> None:
    for index, check in _LOT_CHECKS.items():
        rule = _RULES[index][2]
        assert rule.endswith(check) and rule.index(check) > 0
    texts = [f"line {n}: see https://grafana.example.test/d/{n}" for n in range(300)]
    texts[123] = "clone https://deploy:hunter2secret@git.example.test/repo.git"
    done = redact_many(texts)
    assert done[123].kinds == ("url-password",)
    assert done[123].text == redact(texts[123]).text
    assert "hunter2secret" not in done[123].text
    assert all(
        d.kinds == () and d.text == t
        for d, t in zip(done[:123], texts[:123], strict=True)
    )


_OLD_MARKS = {
    "_BOLD": r"(?<![\w*])\*([^*\n]+)\*(?![\w*])",
    "_ITALIC": r"(?<![\w_])_([^_\n]+)_(?![\w_])",
    "_STRIKE": r"(?<![\w~])~([^~\n]+)~(?![\w~])",
}


@given(st.text(alphabet="a *_~\n1é.`<>", max_size=24))
def test_slack_marks_found_where_the_look_behind_first_patterns_find_them(
    text: str,
) -> None:
    for name, old in _OLD_MARKS.items():
        new = getattr(slack, name)
        assert [m.span() for m in new.finditer(text)] == [
            m.span() for m in re.finditer(old, text)
        ]


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.text(max_size=5),
    st.lists(st.integers(0, 1), max_size=1),
    st.tuples(),
)


@given(
    st.lists(st.sampled_from(["at", "kind", "text", "by", "id", "star"]), unique=True),
    st.lists(VALUES, min_size=6, max_size=6),
)
def test_a_stored_line_does_not_depend_on_the_shortcut(
    keys: list[str], values: list[object]
) -> None:
    event = dict(zip(keys, values, strict=False))
    ordered = {k: event[k] for k in ("at", "kind", "text") if k in event}
    ordered.update(
        (k, v) for k, v in event.items() if k not in ordered and eventlog._kept(v)
    )
    body = json.dumps(ordered, ensure_ascii=False).translate(eventlog._YAML_UNSAFE)
    assert eventlog.format_event(event) == "- " + body + "\n"
