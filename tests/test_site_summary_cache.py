"""The summary pages put together from kept rows (`site/collect.py` `Rows`) are the pages a
generation from nothing writes: after a change to one session, to another session
its rows depend on (a carried step, a tag's file name), to the day, and with a kept
cache that is stale, damaged or from another session's state."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from journal.site import paths
from journal.site.collect import NAME, shard_of
from journal.site.pages import generate
from journal.site.safety import defang_links, unchanged_line
from journal.store.sessions import Journal
from tests.site_helpers import HOSTILE, event, new_journal, write_session

A = "2025-10-30-disk-full"
B = "2025-11-02-cache-stampede"
C = "2025-11-03-mapper-error"
SUMMARIES = (
    paths.HOME,
    paths.ARCHIVE,
    paths.TAGS,
    paths.FOLLOWUPS,
    paths.LESSONS,
    paths.METRICS,
)
DAY_1 = "2025-11-20T12:00:00+00:00"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNAL_NOW", DAY_1)


def _journal(root: Path) -> Journal:
    new_journal(root)
    write_session(
        root,
        A,
        number=1,
        status="resolved",
        started="2025-10-30T10:00:00+00:00",
        tags=["storage", "c"],
        lessons=[
            {"title": "Alert on disk before it fills", "kind": "went-wrong"},
            {"title": HOSTILE, "detail": "see [x](javascript:alert(1))"},
        ],
        next_steps=[
            {"text": "Rotate WAL files", "owner": "ana", "due": "2025-11-10"},
            {"text": "Track it", "tracked_in": "https://issues.example.com/1"},
        ],
        events=[
            event("2025-10-30T10:05:00+00:00", "detected", "Disk full on db-1"),
            event("2025-10-30T10:40:00+00:00", "resolved", "Old WAL files removed"),
        ],
    )
    write_session(
        root,
        B,
        number=2,
        status="open",
        started="2025-11-02T09:00:00+00:00",
        tags=["cache"],
        next_steps=[{"text": "Add jitter to expiries", "owner": "bo"}],
        lessons=[{"title": "Lucky it was a Sunday", "kind": "lucky"}],
        events=[event("2025-11-02T09:01:00+00:00", "detected", "Hit rate fell")],
    )
    write_session(
        root,
        C,
        number=3,
        status="validating",
        started="2025-11-03T01:00:00+00:00",
        tags=["production", "c"],
        events=[event("2025-11-03T01:02:00+00:00", "detected", "Mapper errors")],
    )
    return Journal.open(root)


def _pages(docs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in sorted(docs.rglob("*.md"))
    }


def _assert_current(journal: Journal, scratch: Path) -> dict[str, bytes]:
    """Generate again; every page must be the one a generation from nothing writes."""
    generate(journal)
    have = _pages(journal.root / ".journal-site" / "docs")
    copy = scratch / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    new_journal(copy)
    shutil.rmtree(copy / "sessions")
    shutil.copytree(journal.sessions_dir, copy / "sessions")
    shutil.copy(journal.root / "journal.yaml", copy / "journal.yaml")
    fresh = Journal.open(copy)
    assert not (fresh.state_dir / "site").exists()
    generate(fresh)
    want = _pages(copy / ".journal-site" / "docs")
    assert have.keys() == want.keys()
    stale = [rel for rel in want if have[rel] != want[rel]]
    assert stale == [], f"pages not regenerated: {stale}"
    return have


def _rows_files(journal: Journal) -> list[Path]:
    """The files of the kept rows, one per shard that holds a session."""
    return sorted((journal.state_dir / "site" / NAME).glob("*.json"))


def _read_rows(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A file's head (format, salt, checksum) and its rows by session."""
    head, _, body = path.read_bytes().partition(b"\n")
    return msgspec.json.decode(head), msgspec.json.decode(body)


def _all_rows(journal: Journal) -> dict[str, Any]:
    return {k: v for p in _rows_files(journal) for k, v in _read_rows(p)[1].items()}


def _append(journal: Journal, session_id: str, kind: str, text: str) -> None:
    with (journal.session_dir(session_id) / "timeline.yaml").open("a") as handle:
        line = event("2025-11-03T02:00:00+00:00", kind, text)
        handle.write("- " + json.dumps(line) + "\n")


def _edit(journal: Journal, session_id: str, **fields: object) -> None:
    path = journal.session_dir(session_id) / "session.yaml"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_rows_are_kept_and_the_pages_stay_what_they_were(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    first = _assert_current(journal, tmp_path)
    kept = _all_rows(journal)
    assert set(kept) == {A, B, C}
    assert {shard_of(s) for s in kept} == {int(p.stem) for p in _rows_files(journal)}
    assert any(name.startswith("followup") for name in kept[A][1])
    again = generate(journal)
    assert [p for p in again.written if p in SUMMARIES] == []
    assert _pages(journal.root / ".journal-site" / "docs") == first


@pytest.mark.parametrize(
    "change",
    ["event", "resolved", "lessons", "steps", "title", "tags", "removed", "added"],
)
def test_one_session_changed(tmp_path: Path, change: str) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    if change == "event":
        _append(journal, C, "note", "One more event")
    elif change == "resolved":
        _append(journal, C, "resolved", "Mapper fixed")
    elif change == "lessons":
        _edit(journal, B, lessons=[{"title": "Jitter [it](javascript:x)"}])
    elif change == "steps":
        _edit(journal, B, next_steps=[{"text": "Done now", "done": True}])
    elif change == "title":
        _edit(journal, A, title="Disk | full `again`")
    elif change == "tags":
        _edit(journal, B, tags=["cache", "storage"])
    elif change == "removed":
        shutil.rmtree(journal.session_dir(B))
    else:
        write_session(
            journal.root,
            "2025-11-04-new-one",
            number=4,
            started="2025-11-04T01:00:00+00:00",
            tags=["storage"],
            lessons=[{"title": "New lesson"}],
        )
    _assert_current(journal, tmp_path)


def test_a_carried_step_changes_the_open_count_of_its_first_session(
    tmp_path: Path,
) -> None:
    # A's rows show its open follow-ups; a step carried from A to B closes one
    # of them there, though only B's file changed.
    journal = _journal(tmp_path / "j")
    before = _assert_current(journal, tmp_path)
    assert "| 2 | [storage]" in before["sessions/2025-10.md"].decode()
    _edit(journal, B, next_steps=[{"text": "Rotate", "carried_from": f"{A}:1"}])
    after = _assert_current(journal, tmp_path)
    assert "| 1 | [storage]" in after["sessions/2025-10.md"].decode()


def test_a_new_tag_that_takes_an_old_tags_file_name(tmp_path: Path) -> None:
    # `C++` sorts before `c` and takes its file name: A and C link elsewhere now.
    journal = _journal(tmp_path / "j")
    generate(journal)
    _edit(journal, B, tags=["C++"])
    pages = _assert_current(journal, tmp_path)
    assert "tags/c.md" in pages


def test_a_new_day_ages_every_follow_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(tmp_path / "j")
    before = _assert_current(journal, tmp_path)
    monkeypatch.setenv("JOURNAL_NOW", "2025-11-21T12:00:00+00:00")
    after = _assert_current(journal, tmp_path)
    assert before[paths.FOLLOWUPS] != after[paths.FOLLOWUPS]


def test_rows_of_an_older_state_are_not_shown(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    older = {p: p.read_bytes() for p in _rows_files(journal)}
    _edit(journal, A, title="Disk full, the sequel")
    generate(journal)
    for path, data in older.items():
        path.write_bytes(data)  # the rows of A's old title
    pages = _assert_current(journal, tmp_path)
    assert b"the sequel" in pages[paths.METRICS]


@pytest.mark.parametrize(
    "damage",
    ["truncated", "empty", "foreign", "flipped", "bad rows", "other salt", "removed"],
)
def test_a_damaged_cache_means_making_the_rows_again(
    tmp_path: Path, damage: str
) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    _append(journal, C, "resolved", "Mapper fixed")
    metrics = journal.root / ".journal-site" / "docs" / paths.METRICS
    assert "disk full" in metrics.read_text(encoding="utf-8")
    files = _rows_files(journal)
    assert any(b"disk full" in p.read_bytes() for p in files)
    for cache in files:
        raw = cache.read_bytes()
        head, rows = _read_rows(cache)
        if damage == "truncated":
            cache.write_bytes(raw[: len(raw) // 2])
        elif damage == "empty":
            cache.write_bytes(b"")
        elif damage == "foreign":
            cache.write_text(json.dumps({"format": 1, "sessions": [1, 2]}))
        elif damage == "flipped":
            # Still valid JSON, every stamp still holds: only the checksum tells.
            cache.write_bytes(raw.replace(b"disk full", b"disk fell"))
        elif damage == "bad rows":
            for _, kept in rows.values():
                for name in kept:
                    kept[name] = [7, "x"]
            body = msgspec.json.encode(rows)
            head["crc"] = zlib.crc32(body)
            cache.write_bytes(msgspec.json.encode(head) + b"\n" + body)
        elif damage == "other salt":
            head["salt"] = "another version"
            body = raw.partition(b"\n")[2]
            cache.write_bytes(msgspec.json.encode(head) + b"\n" + body)
        else:
            cache.unlink()
    pages = _assert_current(journal, tmp_path)
    assert b"disk fell" not in pages[paths.METRICS]


def test_one_change_rewrites_one_shard(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    before = {p.name: p.stat().st_mtime_ns for p in _rows_files(journal)}
    assert len(before) > 1
    _append(journal, C, "note", "One more event")
    _assert_current(journal, tmp_path)
    after = {p.name: p.stat().st_mtime_ns for p in _rows_files(journal)}
    assert [n for n in after if after[n] != before.get(n)] == [
        f"{shard_of(C):02d}.json"
    ]


def test_fixed_lines_are_those_the_check_leaves_alone() -> None:
    assert unchanged_line("| [a](x.md) | b |")
    assert unchanged_line("- **x** ([S](https://example.com/a))")
    assert not unchanged_line("- [x](javascript:alert(1))")
    assert not unchanged_line("```")
    assert not unchanged_line("a\nb")
    # A fixed line is skipped, never changed; the others are still checked, and
    # a fence still keeps what is inside it as it is.
    text = "[a](javascript:1)\n```\n[b](javascript:2)\n```\n| [c](c.md) |"
    want = "[a](#unsafe-link)\n```\n[b](javascript:2)\n```\n| [c](c.md) |"
    assert defang_links(text) == want
    assert defang_links(text, {"| [c](c.md) |"}) == want
