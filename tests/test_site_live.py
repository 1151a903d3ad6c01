"""`journal site serve` generates again from what the last generation left in memory
(`site/collect.py` `Memory`): after every kind of change, the docs folder it leaves must be the
one a first generation writes for the journal as it is then.

Each test drives `LiveSite` the way the server does: take a snapshot, change the
files, take another, and react to the difference.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from journal.site.collect import Memory
from journal.site.pages import generate
from journal.site.serve import LiveSite, Snapshot, changed_paths, snapshot
from journal.site.writer import DocsWriter
from journal.store.sessions import Journal
from tests.conftest import git
from tests.site_helpers import (
    docs_pages,
    event,
    new_journal,
    pages_from_nothing,
    write_session,
)

COUNT = 12


def _journal(root: Path) -> Journal:
    """Twelve sessions over three months, in chains, with tags, follow-ups,
    lessons and shared errors (so that related sessions move)."""
    new_journal(root)
    for n in range(COUNT):
        month = 9 + n % 3
        day = 1 + n
        write_session(
            root,
            _id(n),
            number=n + 1,
            status="resolved" if n % 2 else "open",
            started=f"2025-{month:02d}-{day:02d}T10:00:00+00:00",
            previous=_id(n - 3) if n >= 3 and n % 3 == 0 else None,
            tags=[["db", "cache", "api"][n % 3], *(["prod"] if n % 4 == 0 else [])],
            next_steps=[{"text": f"Follow up {n}", "owner": "ana"}] if n % 5 else [],
            lessons=[{"title": f"Lesson {n}"}] if n % 3 == 1 else [],
            events=[
                event(f"2025-{month:02d}-{day:02d}T10:05:00+00:00", "detected", "Seen"),
                event(
                    f"2025-{month:02d}-{day:02d}T10:07:00+00:00",
                    "error",
                    f"ConnectionError: pool {n % 4} exhausted after 30s",
                ),
            ],
        )
    return Journal.open(root)


def _id(n: int) -> str:
    return f"2025-{9 + n % 3:02d}-{1 + n:02d}-session-{n}"


class Server:
    """What `serve_site` does around its builder: look, change, look, react."""

    def __init__(self, journal: Journal) -> None:
        self.notes: list[str] = []
        self.live = LiveSite(journal, self.notes.append)
        self.live.first()
        self.seen: Snapshot = snapshot(journal)

    def react(self) -> list[str]:
        now = snapshot(self.live.journal)
        assert now != self.seen, "the change was not seen"
        generated = self.live.react(self.seen, now)
        self.seen = now
        assert generated is not None, self.notes
        return generated.written + generated.removed


def _assert_current(journal: Journal, scratch: Path) -> None:
    have = docs_pages(journal.root / ".journal-site" / "docs")
    want = pages_from_nothing(journal, scratch)
    assert sorted(have) == sorted(want)
    stale = [rel for rel in want if have[rel] != want[rel]]
    assert stale == [], f"pages a first generation writes differently: {stale}"


def _session_file(journal: Journal, n: int) -> Path:
    return journal.sessions_dir / _id(n) / "session.yaml"


def _edit_session(journal: Journal, n: int, **fields: object) -> None:
    path = _session_file(journal, n)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(json.dumps(data), encoding="utf-8")


def _log(journal: Journal, n: int, kind: str, text: str, at: str) -> None:
    path = journal.sessions_dir / _id(n) / "timeline.yaml"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("- " + json.dumps(event(at, kind, text)) + "\n")


Change = Callable[[Journal, random.Random], None]


def _note(journal: Journal, rng: random.Random) -> None:
    _log(journal, rng.randrange(COUNT), "note", "Looked again", "2025-12-30T10:00:00Z")


def _resolved(journal: Journal, rng: random.Random) -> None:
    at = f"2025-11-{rng.randrange(10, 28)}T12:00:00Z"
    _log(journal, rng.randrange(COUNT), "resolved", "Fixed", at)


def _error(journal: Journal, rng: random.Random) -> None:
    text = f"TimeoutError: upstream {rng.choice(['auth', 'billing'])} did not answer"
    _log(journal, rng.randrange(COUNT), "error", text, "2025-11-30T09:00:00Z")


def _title(journal: Journal, rng: random.Random) -> None:
    words = rng.sample(["disk", "pool", "cache", "auth", "queue", "spike"], 3)
    _edit_session(journal, rng.randrange(COUNT), title=" ".join(words))


def _tags(journal: Journal, rng: random.Random) -> None:
    tags = rng.sample(["db", "cache", "api", "prod", "C++", "c"], rng.randrange(0, 3))
    _edit_session(journal, rng.randrange(COUNT), tags=tags)


def _step(journal: Journal, rng: random.Random) -> None:
    steps = [{"text": "Add an alert", "owner": "bo", "due": "2025-10-01"}]
    _edit_session(journal, rng.randrange(COUNT), next_steps=steps)


def _lesson(journal: Journal, rng: random.Random) -> None:
    _edit_session(journal, rng.randrange(COUNT), lessons=[{"title": "Write it down"}])


def _previous(journal: Journal, rng: random.Random) -> None:
    n = rng.randrange(1, COUNT)
    _edit_session(journal, n, previous=_id(rng.randrange(n)))


def _evidence(journal: Journal, rng: random.Random) -> None:
    folder = journal.sessions_dir / _id(rng.randrange(COUNT)) / "evidence"
    if folder.exists() and rng.random() < 0.5:
        shutil.rmtree(folder)
        return
    folder.mkdir(exist_ok=True)
    (folder / f"shot-{rng.randrange(100)}.txt").write_text("grep output\n")


def _torn(journal: Journal, rng: random.Random) -> None:
    path = journal.sessions_dir / _id(rng.randrange(COUNT)) / "timeline.yaml"
    text = path.read_text(encoding="utf-8")
    if text.endswith("{broken\n"):
        path.write_text(text[: -len("- {broken\n")], encoding="utf-8")
    else:
        path.write_text(text + "- {broken\n", encoding="utf-8")


CHANGES: list[Change] = [
    _note,
    _resolved,
    _error,
    _title,
    _tags,
    _step,
    _lesson,
    _previous,
    _evidence,
    _torn,
]


@pytest.mark.parametrize("seed", range(3))
def test_after_each_change_the_pages_are_a_first_generations(
    tmp_path: Path, seed: int
) -> None:
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    rng = random.Random(seed)
    for _ in range(12):
        change = rng.choice(CHANGES)
        change(journal, rng)
        server.react()
        _assert_current(server.live.journal, tmp_path)


def test_one_event_rewrites_its_page_without_a_look_at_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    keys: list[str] = []
    inputs_key = __import__("journal.site.pages", fromlist=["inputs_key"]).inputs_key
    monkeypatch.setattr(
        "journal.site.pages.inputs_key",
        lambda *parts: keys.append(parts[1]) or inputs_key(*parts),
    )
    _log(journal, 4, "note", "Still slow", "2025-10-05T10:30:00Z")
    written = server.react()
    assert f"sessions/{_id(4)}.md" in written
    assert len(keys) < COUNT // 2, "every page's key was computed again"
    _assert_current(server.live.journal, tmp_path)


def test_sessions_added_and_removed(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    write_session(
        journal.root,
        "2025-12-24-new-one",
        number=99,
        started="2025-12-24T08:00:00+00:00",
        previous=_id(2),
        tags=["brand-new"],
        events=[event("2025-12-24T08:01:00+00:00", "detected", "A new month")],
    )
    written = server.react()
    assert "sessions/2025-12-24-new-one.md" in written
    assert "sessions/2025-12.md" in written
    _assert_current(server.live.journal, tmp_path)
    shutil.rmtree(journal.sessions_dir / "2025-12-24-new-one")
    written = server.react()
    assert "sessions/2025-12-24-new-one.md" in written  # removed
    _assert_current(server.live.journal, tmp_path)


def test_a_new_day_and_a_new_configuration_start_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNAL_NOW", "2025-09-20T10:00:00+00:00")
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    monkeypatch.setenv("JOURNAL_NOW", "2025-12-20T10:00:00+00:00")
    _note(journal, random.Random(1))
    written = server.react()
    assert "followups.md" in written  # ages and overdue steps moved
    _assert_current(server.live.journal, tmp_path)
    before = server.live.memory
    with (journal.root / "journal.yaml").open("a", encoding="utf-8") as handle:
        handle.write("timezone: Europe/Paris\n")
    server.react()
    assert server.live.memory is not before
    _assert_current(server.live.journal, tmp_path)


def test_a_commit_naming_a_session_shows_on_its_page(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    root = journal.root
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@x", "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "start")
    server = Server(journal)
    (root / "fix.py").write_text("print('fixed')\n")
    git(root, "add", "fix.py")
    message = f"Fix the pool\n\nJournal-Session: {_id(3)}\n"
    git(root, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", message)
    _note(journal, random.Random(5))  # the server looks again on a file change
    written = server.react()
    assert f"sessions/{_id(3)}.md" in written
    assert "Fix the pool" in (root / ".journal-site/docs" / written[0]).read_text()
    # A copy without the repository would have no commit: a generation without
    # the memory, over the same repository, must find nothing to change.
    generated = generate(Journal.open(root))
    assert (generated.written, generated.removed) == ([], [])


def test_a_failed_generation_keeps_nothing_half_done(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    (journal.root / "journal.yaml").write_text("sessions_dir: [\n", encoding="utf-8")
    now = snapshot(server.live.journal)
    assert server.live.react(server.seen, now) is None
    assert any("journal.yaml" in note for note in server.notes)
    assert server.live.memory.collected is None
    server.seen = now
    (journal.root / "journal.yaml").write_text("sessions_dir: sessions\n")
    server.react()
    _assert_current(server.live.journal, tmp_path)


def test_the_index_waits_for_an_idle_moment(tmp_path: Path) -> None:
    journal = _journal(tmp_path / "j")
    server = Server(journal)
    index = journal.state_dir / "site" / "site-index.json"
    server.live.idle()
    written = index.stat().st_mtime_ns
    _note(journal, random.Random(2))
    server.react()
    assert index.stat().st_mtime_ns == written, "written before the pages"
    server.live.idle()
    assert index.stat().st_mtime_ns != written
    fresh = Memory()
    assert fresh.index is None


def test_changed_paths_sees_added_removed_and_rewritten_files() -> None:
    before = {"a": [1, 1, 1, 1], "b": [2, 2, 2, 2]}
    now = {"a": [1, 1, 1, 1], "b": [2, 3, 2, 2], "c": [4, 4, 4, 4]}
    assert changed_paths(before, now) == {"b", "c"}
    assert changed_paths(now, before) == {"b", "c"}
    assert changed_paths(before, dict(before)) == set()


def test_a_kept_folder_keeps_its_files(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    writer = DocsWriter(docs, root=tmp_path / "root", protect=[])
    writer.write("evidence/s1/a.txt", "a")
    writer.write("evidence/s2/b.txt", "b")
    writer.finish()
    again = DocsWriter(docs, root=tmp_path / "root", protect=[])
    again.keep_folder("evidence/s1")
    removed = again.finish().removed
    assert removed == ["evidence/s2/b.txt"]
    assert (docs / "evidence/s1/a.txt").read_text() == "a"
    assert not (docs / "evidence/s2").exists()


def test_the_render_index_takes_the_facts_the_site_index_read(tmp_path: Path) -> None:
    """A first build hands the render index the facts of the sessions it read;
    the entries must be those parsing each `session.yaml` gives."""
    from journal.render.index import SessionIndex
    from journal.site.collect import collect
    from journal.site.pages import _known

    root = tmp_path / "j"
    journal = _journal(root)
    _edit_session(journal, 2, title="  Spaced\n  title  ")
    _edit_session(journal, 5, title="")
    journal = Journal.open(root)
    collected = collect(journal)
    known = _known(collected.infos, collected.read)
    # An empty title does not load: that session's entry is parsed as before.
    assert sorted(known) == sorted(_id(n) for n in range(COUNT) if n != 5)
    given = SessionIndex(journal).entries(known)
    parsed = SessionIndex(journal).entries()
    assert given == parsed
    assert given[_id(2)].title == "Spaced title"
    # Facts taken at other stats (the timeline written since) are not used.
    _log(journal, 4, "note", "Later", "2025-11-01T00:00:00Z")
    stale = {_id(4): (known[_id(4)][0], ("Not the title", 7, None))}
    assert SessionIndex(journal).entries(stale)[_id(4)].title != "Not the title"
    fresh = {_id(4): (collect(journal).read[_id(4)], ("Taken", 7, None))}
    assert SessionIndex(journal).entries(fresh)[_id(4)].title == "Taken"
