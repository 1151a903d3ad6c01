"""A site of several journals generated again after a change holds the very pages a
generation from nothing makes: every file of the docs folder, byte for byte, after a
new event, a new title, a new status, a session added or removed, and with nothing
changed (when nothing is written either)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.org_helpers import three_journals
from tests.site_helpers import write_session

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)


def _generate(journals: list[Path], hub: Path) -> tuple[Path, list[str]]:
    from journal.site.org import open_members
    from journal.site.orgbuild import place_for
    from journal.site.orgpages import generate_org

    hub.mkdir(exist_ok=True)
    members, _ = open_members(journals)
    place, _, _ = place_for(hub, None)
    done = generate_org(members, place, offline=False, keep_going=False)
    return place.docs_dir, done.written


def _tree(docs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in sorted(docs.rglob("*"))
        if p.is_file()
    }


def _forget(journals: list[Path]) -> None:
    """Every journal's state folder gone: the next generation starts from nothing."""
    from journal.store.sessions import Journal

    for root in journals:
        shutil.rmtree(Journal.open(root).state_dir, ignore_errors=True)


def _timeline(root: Path, session: str) -> Path:
    return root / "sessions" / session / "timeline.yaml"


def _session(root: Path, session: str) -> Path:
    return root / "sessions" / session / "session.yaml"


def _new_event(journals: list[Path]) -> None:
    with _timeline(journals[1], "2025-11-04-db-failover").open("a") as handle:
        event = {"at": "2025-11-04T13:00:00+00:00", "kind": "note", "text": "later"}
        handle.write("- " + json.dumps(event) + "\n")


def _new_title(journals: list[Path]) -> None:
    path = _session(journals[2], "2025-11-05-token-expiry")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"token expiry"', '"tokens expired early"'))


def _new_status(journals: list[Path]) -> None:
    path = _session(journals[1], "2025-11-04-db-failover")
    text = path.read_text(encoding="utf-8")
    assert '"status": "open"' in text
    path.write_text(text.replace('"status": "open"', '"status": "resolved"'))


def _new_session(journals: list[Path]) -> None:
    write_session(
        journals[0],
        "2025-11-20-cache-stampede",
        severity="high",
        status="open",
        summary="The cache expired at once.",
        tags=["cache", "database"],
        next_steps=[{"text": "Jitter the expiry", "horizon": "short"}],
        events=[
            {"at": "2025-11-20T09:00:00+00:00", "kind": "detected", "text": "5xx"},
            {"at": "2025-11-20T09:40:00+00:00", "kind": "resolved", "text": "ok"},
        ],
    )


def _session_gone(journals: list[Path]) -> None:
    shutil.rmtree(journals[2] / "sessions" / "2025-11-02-clock-skew")


CHANGES: dict[str, Callable[[list[Path]], None]] = {
    "event": _new_event,
    "title": _new_title,
    "status": _new_status,
    "new session": _new_session,
    "session gone": _session_gone,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_generation_after_a_change_equals_one_from_nothing(
    tmp_path: Path, change: str
) -> None:
    journals = three_journals(tmp_path)
    docs, _ = _generate(journals, tmp_path / "hub")
    before = _tree(docs)
    CHANGES[change](journals)
    again, written = _generate(journals, tmp_path / "hub")
    assert written, "the change shows on no page"
    _forget(journals)
    fresh, _ = _generate(journals, tmp_path / "fresh")
    assert _tree(again) == _tree(fresh)
    assert _tree(again) != before


def test_nothing_changed_writes_nothing_and_equals_one_from_nothing(
    tmp_path: Path,
) -> None:
    journals = three_journals(tmp_path)
    first, _ = _generate(journals, tmp_path / "hub")
    before = _tree(first)
    again, written = _generate(journals, tmp_path / "hub")
    assert written == []
    assert _tree(again) == before
    _forget(journals)
    fresh, _ = _generate(journals, tmp_path / "fresh")
    assert _tree(again) == _tree(fresh)


def test_pages_rendered_in_workers_are_the_ones_rendered_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One pool of workers renders every journal's pages: the same bytes as
    rendering them here."""
    from journal.site import pages

    journals = three_journals(tmp_path)
    _new_session(journals)
    monkeypatch.setenv(pages.WORKERS_ENV, "1")
    here, _ = _generate(journals, tmp_path / "here")
    _forget(journals)
    monkeypatch.setenv(pages.WORKERS_ENV, "2")
    calls: list[int] = []
    run = pages.run_shared

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(len(args[1]))  # type: ignore[arg-type]
        return run(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages, "run_shared", counted)
    pooled, _ = _generate(journals, tmp_path / "pooled")
    assert calls == [5], "one pool for the five pages of three journals"
    assert _tree(pooled) == _tree(here)
