"""Hand-built journals for the site tests: session folders written directly (as
`journal new`/`log` would), fast enough to make hundreds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HOSTILE = "Pipe | <script>alert('x')</script> [link](javascript:alert(1)) `tick ##"


def write_session(
    root: Path,
    session_id: str,
    *,
    events: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Path:
    """A session folder; `fields` go to session.yaml as JSON (valid YAML)."""
    folder = root / "sessions" / session_id
    folder.mkdir(parents=True)
    data = {"title": session_id[11:].replace("-", " "), **fields}
    (folder / "session.yaml").write_text(
        json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8"
    )
    lines = ["- " + json.dumps(e, ensure_ascii=False) + "\n" for e in events or []]
    (folder / "timeline.yaml").write_text("".join(lines), encoding="utf-8")
    return folder


def new_journal(root: Path) -> Path:
    """A journal root (`journal.yaml`, the repo's mkdocs.yml) without git."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "journal.yaml").write_text("sessions_dir: sessions\n", encoding="utf-8")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "sessions").mkdir(exist_ok=True)
    return root


def example_journal(root: Path) -> Path:
    """A copy of the bundled example journal (sessions/, mkdocs.yml, journal.yaml)."""
    new_journal(root)
    shutil.rmtree(root / "sessions")
    shutil.copytree(REPO / "sessions", root / "sessions")
    if (REPO / "journal.yaml").is_file():
        shutil.copy(REPO / "journal.yaml", root / "journal.yaml")
    return root


def example_ids() -> list[str]:
    return sorted(p.name for p in (REPO / "sessions").iterdir() if p.is_dir())


def event(at: str, kind: str, text: str, **more: Any) -> dict[str, Any]:
    return {"at": at, "kind": kind, "text": text, **more}


def docs_pages(docs: Path) -> dict[str, bytes]:
    """Every generated file of a docs folder, by its path there."""
    return {
        p.relative_to(docs).as_posix(): p.read_bytes()
        for p in sorted(docs.rglob("*"))
        if p.is_file() and p.name != ".journal-generated"
    }


def pages_from_nothing(journal: Any, scratch: Path) -> dict[str, bytes]:
    """The pages a first generation writes for the journal as it is now: its
    sessions and configuration copied to a journal with no caches."""
    from journal.site.pages import generate
    from journal.store.sessions import Journal

    copy = scratch / "fresh"
    if copy.exists():
        shutil.rmtree(copy)
    new_journal(copy)
    shutil.rmtree(copy / "sessions")
    shutil.copytree(journal.sessions_dir, copy / "sessions")
    shutil.copy(journal.root / "journal.yaml", copy / "journal.yaml")
    fresh = Journal.open(copy)
    assert not (fresh.state_dir / "site").exists(), "the copy starts with no caches"
    generate(fresh)
    return docs_pages(copy / ".journal-site" / "docs")
