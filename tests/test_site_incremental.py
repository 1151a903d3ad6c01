"""Incremental site generation cannot go stale: whatever happens to a session behind
journal's back (an edit that keeps size and mtime, a `git checkout` of an older
version, a removed session, a truncated or foreign cache), the next generation
writes exactly the pages a generation from nothing writes."""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from journal.site import pages, paths
from journal.site.pages import generate
from journal.site.safety import _DESTINATION, defang_links, is_safe_url
from journal.store.sessions import Journal
from tests.site_helpers import (
    docs_pages,
    event,
    new_journal,
    pages_from_nothing,
    write_session,
)

A = "2025-11-01-disk-full"
B = "2025-11-02-cache-stampede"
C = "2025-11-03-mapper-error"


def _journal(root: Path) -> Journal:
    new_journal(root)
    write_session(
        root,
        A,
        number=1,
        status="resolved",
        started="2025-11-01T10:00:00+00:00",
        tags=["storage"],
        lessons=[{"title": "Alert on disk before it fills"}],
        events=[
            event("2025-11-01T10:05:00+00:00", "detected", "Disk full on db-1"),
            event("2025-11-01T10:40:00+00:00", "resolved", "Old WAL files removed"),
        ],
    )
    write_session(
        root,
        B,
        number=2,
        status="open",
        started="2025-11-02T09:00:00+00:00",
        previous=A,
        tags=["cache"],
        next_steps=[{"text": "Add jitter to expiries", "owner": "ana"}],
        events=[event("2025-11-02T09:01:00+00:00", "detected", "Hit rate fell")],
    )
    write_session(
        root,
        C,
        number=3,
        status="validating",
        started="2025-11-03T01:00:00+00:00",
        previous=B,
        tags=["production"],
        events=[event("2025-11-03T01:02:00+00:00", "detected", "Mapper errors")],
    )
    return Journal.open(root)


def _assert_current(journal: Journal, scratch: Path) -> None:
    generate(journal)
    have = docs_pages(journal.root / ".journal-site" / "docs")
    want = pages_from_nothing(journal, scratch)
    assert have.keys() == want.keys()
    stale = [rel for rel in want if have[rel] != want[rel]]
    assert stale == [], f"pages not regenerated: {stale}"


def _page(journal: Journal, session_id: str) -> str:
    path = journal.root / ".journal-site" / "docs" / "sessions" / f"{session_id}.md"
    return path.read_text(encoding="utf-8")


def _rewrite_keeping_stat(path: Path, old: str, new: str) -> None:
    """Replace text by text of the same length, and put the mtime back."""
    assert len(old.encode()) == len(new.encode())
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert path.stat().st_mtime_ns == st.st_mtime_ns


def test_an_edit_keeping_size_and_mtime_is_seen(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    folder = journal.session_dir(A)
    _rewrite_keeping_stat(
        folder / "timeline.yaml", "Disk full on db-1", "Disk full on db-9"
    )
    _rewrite_keeping_stat(folder / "session.yaml", "storage", "STORAGE")
    _assert_current(journal, tmp_path)
    page = _page(journal, A)
    assert "db-9" in page
    assert "db-1" not in page
    tags = journal.root / ".journal-site" / "docs" / "tags"
    assert any("STORAGE" in p.read_text() for p in tags.glob("*.md"))


def test_a_neighbours_new_title_regenerates_the_page(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    session = journal.session_dir(B) / "session.yaml"
    data = json.loads(session.read_text(encoding="utf-8"))
    data["title"] = "Thundering herd on the cache"
    session.write_text(json.dumps(data), encoding="utf-8")
    again = generate(journal)
    # A links forward to B and C back to it: both show the new title.
    assert f"sessions/{A}.md" in again.written
    assert f"sessions/{C}.md" in again.written
    assert "Thundering herd on the cache" in _page(journal, A)
    assert "Thundering herd on the cache" in _page(journal, C)
    _assert_current(journal, tmp_path)


def test_a_removed_session_takes_its_page_and_links_with_it(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    shutil.rmtree(journal.session_dir(C))
    again = generate(journal)
    assert f"sessions/{C}.md" in again.removed
    assert "mapper" not in _page(journal, B).lower()
    _assert_current(journal, tmp_path)


def test_a_checkout_of_an_older_version_is_seen(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=journal.root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=journal.root, check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], cwd=journal.root, check=True)
    journal = Journal.open(journal.root)  # its state now lives in .git/journal
    timeline = journal.session_dir(B) / "timeline.yaml"
    with timeline.open("a", encoding="utf-8") as handle:
        line = event("2025-11-02T09:30:00+00:00", "resolved", "Jitter deployed")
        handle.write("- " + json.dumps(line) + "\n")
    subprocess.run([*git, "commit", "-qam", "v2"], cwd=journal.root, check=True)
    generate(journal)
    assert "Jitter deployed" in _page(journal, B)
    subprocess.run(
        [*git, "checkout", "-q", "HEAD~1", "--", "sessions"],
        cwd=journal.root,
        check=True,
    )
    _assert_current(journal, tmp_path)
    assert "Jitter deployed" not in _page(journal, B)


@pytest.mark.parametrize("damage", ["truncated", "empty", "foreign", "removed"])
def test_damaged_caches_mean_reading_again(tmp_path: Path, damage: str) -> None:
    journal = _journal(tmp_path / "j")
    generate(journal)
    caches = sorted(journal.state_dir.rglob("*.json"))
    assert any(p.name == "site-index.json" for p in caches)
    _rewrite_keeping_stat(
        journal.session_dir(C) / "timeline.yaml", "Mapper errors", "Mapper ERRORS"
    )
    for cache in caches:
        if damage == "truncated":
            cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
        elif damage == "empty":
            cache.write_bytes(b"")
        elif damage == "foreign":
            cache.write_text(json.dumps({"format": 1, "sessions": [1, 2]}))
        else:
            cache.unlink()
    _assert_current(journal, tmp_path)
    assert "Mapper ERRORS" in _page(journal, C)


def test_a_new_configuration_regenerates_every_page(tmp_path: Path) -> None:
    # The caches' stats still match; their salt (package, configuration) does not.
    journal = _journal(tmp_path / "j")
    generate(journal)
    config = journal.root / "journal.yaml"
    config.write_text(config.read_text() + "timezone: Asia/Kolkata\n")
    journal = Journal.open(journal.root)
    _assert_current(journal, tmp_path)
    assert "(Asia/Kolkata)" in _page(journal, A)


def test_worker_processes_write_the_samedocs_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(tmp_path / "j")
    monkeypatch.setenv(pages.WORKERS_ENV, "1")
    generate(journal)
    serial = docs_pages(journal.root / ".journal-site" / "docs")
    shutil.rmtree(journal.state_dir)
    shutil.rmtree(journal.root / ".journal-site")
    monkeypatch.setenv(pages.WORKERS_ENV, "2")
    assert pages.worker_count(3) == 2
    generate(journal)
    assert docs_pages(journal.root / ".journal-site" / "docs") == serial


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pages.WORKERS_ENV, raising=False)
    assert pages.worker_count(pages.MIN_SHARED_ITEMS - 1) == 1
    assert 1 <= pages.worker_count(10_000) <= 8


_PART = st.sampled_from(
    ["a", "sessions", "index.md", "x y", "é", ".", "..", "", "tags"]
)


@given(st.lists(_PART, min_size=1, max_size=4), st.lists(_PART, min_size=1, max_size=4))
def test_links_between_pages_are_relpath_quoted(
    here: list[str], there: list[str]
) -> None:
    # The string-splitting shortcut gives exactly what relpath and quote give.
    from_page, to_path = "/".join(here), "/".join(there)
    start = posixpath.dirname(from_page) or "."
    try:
        want = quote(posixpath.relpath(to_path, start), safe="/.-_~")
    except ValueError:
        return
    assert paths.link(from_page, to_path) == want


@given(st.text(alphabet="javscript:&#;58%\t\x00 /.-colon()[]", max_size=24))
def test_the_defang_shortcut_agrees_with_the_full_check(target: str) -> None:
    # Every destination decoded and checked, as before the shortcut.
    text = f"see [x]({target}) and [y](../{target})"

    def full(match: re.Match[str]) -> str:
        safe = is_safe_url(match[2])
        return match[0] if safe else f"{match[1]}#unsafe-link"

    assert defang_links(text) == _DESTINATION.sub(full, text)
