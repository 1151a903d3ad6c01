"""The dedupe property: ingesting a source twice is ingesting it once, and two
overlapping sources add their union, each message once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.ingest.seen import timeline_ids
from journal.operations.ingest import Request, ingest
from journal.store.sessions import Journal
from journal.store.timeline import read_lines

_BASE = 1_762_271_100  # 2025-11-04T15:45:00Z

messages = st.lists(
    st.tuples(
        st.sampled_from(["C1", "C2"]),
        st.integers(0, 3 * 86_400),  # seconds after the base: three days
        st.sampled_from(["U1", "U2"]),
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
        ).filter(str.strip),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda m: (m[0], m[1]),
)


def write_export(folder: Path, items: list[tuple[str, int, str, str]]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "users.json").write_text(
        json.dumps([{"id": "U1", "name": "ana"}, {"id": "U2", "name": "bo"}])
    )
    (folder / "channels.json").write_text(
        json.dumps([{"id": "C1", "name": "inc"}, {"id": "C2", "name": "ops"}])
    )
    days: dict[tuple[str, str], list[dict[str, str]]] = {}
    for channel, offset, user, text in sorted(items, key=lambda m: m[1]):
        ts = f"{_BASE + offset}.000100"
        day = f"2025-11-{4 + offset // 86_400:02d}"
        days.setdefault((channel, day), []).append(
            {"type": "message", "ts": ts, "user": user, "text": text}
        )
    for (channel, day), listed in days.items():
        name = "inc" if channel == "C1" else "ops"
        (folder / name).mkdir(exist_ok=True)
        (folder / name / f"{day}.json").write_text(json.dumps(listed))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(items=messages, cut=st.integers(0, 30), overlap=st.integers(0, 10))
def test_ingest_twice_is_once_and_overlap_adds_the_union(
    journal_root: Path,
    session_id: str,
    tmp_path: Path,
    items: list[tuple[str, int, str, str]],
    cut: int,
    overlap: int,
) -> None:
    journal = Journal.open(journal_root)
    path = journal.timeline_path(session_id)
    path.write_bytes(b"")
    first = items[: cut + overlap]
    second = items[cut:]
    write_export(tmp_path / "a", first)
    write_export(tmp_path / "b", second)
    request = Request(redact=False)
    if first:
        ingest(journal, str(tmp_path / "a"), request)
    once = path.read_bytes()
    if first:
        ingest(journal, str(tmp_path / "a"), request)
        assert path.read_bytes() == once  # the same export again adds nothing
    if second:
        ingest(journal, str(tmp_path / "b"), request)
        ingest(journal, str(tmp_path / "b"), request)
    expected = {f"slack:{c}:{_BASE + o}.000100" for c, o, _, _ in items}
    stored = [line.data["id"] for line in read_lines(path) if line.data]
    assert sorted(stored) == sorted(expected)  # the union, each id once
    assert timeline_ids(path) == expected


_FRAGMENTS = [
    "token=abcd1234efgh",
    "postgres://u:p4ssw0rd@db/x",
    "xoxb-1234567890-abcdef",
    "AKIAABCDEFGHIJKLMNOP",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
    "-----END RSA PRIVATE KEY-----",
    "Authorization: Bearer abcdefghijklmnop1234",
    "see https://a.test/x",
    "password: hunter2hunter2",
    "--token s3cr3tvalue",
    "plain words",
    "\n",
    " ",
]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=8)).map("".join),
        max_size=12,
    )
)
def test_redact_many_is_redact_of_each(texts: list[str]) -> None:
    from journal.operations.redact import redact, redact_many

    assert redact_many(texts) == [redact(t) for t in texts]
    extra = (r"^plain",)
    assert redact_many(texts, extra_patterns=extra) == [
        redact(t, extra_patterns=extra) for t in texts
    ]


log_lines = st.lists(
    st.tuples(
        st.integers(0, 23),
        st.integers(0, 59),
        st.sampled_from(["ana", "bo", "logbot"]),
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
            min_size=1,
            max_size=30,
        ).filter(lambda t: t.strip() == t and t != ""),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=log_lines, cut=st.integers(0, 25))
def test_a_text_log_ingested_twice_or_in_overlapping_parts_is_ingested_once(
    journal_root: Path,
    session_id: str,
    tmp_path: Path,
    lines: list[tuple[int, int, str, str]],
    cut: int,
) -> None:
    journal = Journal.open(journal_root)
    path = journal.timeline_path(session_id)
    path.write_bytes(b"")
    text = [f"2025-11-04 {h:02d}:{m:02d}:00 <{n}> {t}" for h, m, n, t in lines]
    whole, part = tmp_path / "whole.log", tmp_path / "part.log"
    whole.write_text("\n".join(text) + "\n")
    part.write_text("\n".join(text[:cut]) + "\n")
    request = Request(redact=False, fmt="text")
    if cut:
        ingest(journal, str(part), request)
    ingest(journal, str(whole), request)
    once = path.read_bytes()
    ingest(journal, str(whole), request)
    assert path.read_bytes() == once
    assert len(read_lines(path)) == len(lines)
