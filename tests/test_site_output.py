"""The site folder (`site build -o DIR`, `site.site_dir`): a build writes only into a
new or empty folder or one holding a site it built (its marker lists the files), and
never deletes or overwrites a file it did not write, --force or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.site.writer import SITE_MARKER as MARKER
from tests.conftest import git, run_journal, snapshot


@pytest.fixture
def root(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert run_journal("init", cwd=repo).code == 0
    assert run_journal("new", "Database down", cwd=repo).code == 0
    return repo


def _build(root: Path, *args: str) -> tuple[int, str]:
    result = run_journal("site", "build", *args, cwd=root)
    return result.code, result.err


def test_a_folder_holding_someone_elses_file_is_refused_and_left_alone(
    root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes\n")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "plan.md").write_text("plan\n")
    before = snapshot(folder)
    code, err = _build(root, "-o", str(folder))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(folder) in lines[0] and "did not write" in lines[0]
    assert "drafts/plan.md" in lines[0] or "notes.txt" in lines[0]
    assert "--force" in lines[0]
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["drafts", "notes.txt"]


def test_force_builds_beside_foreign_files_and_never_deletes_them(
    root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes\n")
    assert _build(root, "-o", str(folder), "--force")[0] == 0
    assert (folder / "index.html").is_file()
    assert (folder / "notes.txt").read_text() == "my notes\n"
    marker = json.loads((folder / MARKER).read_text())
    assert "index.html" in marker["files"] and "notes.txt" not in marker["files"]
    # Without --force the folder is still refused: notes.txt is not the site's.
    assert _build(root, "-o", str(folder))[0] == 1
    assert _build(root, "-o", str(folder), "--force")[0] == 0
    assert (folder / "notes.txt").read_text() == "my notes\n"


def test_force_never_overwrites_a_foreign_file_in_the_way(
    root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "index.html").write_text("<p>my own home page</p>\n")
    (folder / "search").write_text("a file where the site needs a folder\n")
    before = snapshot(folder)
    code, err = _build(root, "-o", str(folder), "--force")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "in the way" in err, err
    assert snapshot(folder) == before


def test_a_site_it_built_is_rebuilt_and_its_stale_pages_removed(
    root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    assert _build(root, "-o", str(folder))[0] == 0
    (session,) = (root / "sessions").iterdir()
    page = folder / "sessions" / session.name / "index.html"
    assert page.is_file()
    assert _build(root, "-o", str(folder))[0] == 0  # its own site: no --force needed
    renamed = session.with_name(session.name + "-again")
    session.rename(renamed)
    assert _build(root, "-o", str(folder))[0] == 0
    assert not page.exists() and not page.parent.exists()
    assert (folder / "sessions" / renamed.name / "index.html").is_file()
    listed = set(json.loads((folder / MARKER).read_text())["files"])
    on_disk = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER
    }
    assert listed == on_disk


def test_a_file_dropped_into_a_built_site_is_kept(root: Path, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    assert _build(root, "-o", str(folder))[0] == 0
    (folder / "CNAME").write_text("journal.example.com\n")
    code, err = _build(root, "-o", str(folder))
    assert code == 1 and "CNAME" in err
    assert _build(root, "-o", str(folder), "--force")[0] == 0
    assert (folder / "CNAME").read_text() == "journal.example.com\n"


def test_a_file_named_as_the_site_folder_is_one_line(
    root: Path, tmp_path: Path
) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    code, err = _build(root, "-o", str(target))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "not a folder" in err
    assert target.read_text() == "x"
