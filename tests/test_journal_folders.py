"""Items 5 and 6 of issue 26: the folders journal.yaml and `init` name for what the
journal writes stay inside the journal's folder and outside `.git`; a failed `init`
leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.errors import InvalidDataError
from journal.store.config import WRITTEN_FOLDERS, config_from_dict
from tests.conftest import Cli, git, run_journal, snapshot

OUTSIDE = ["../elsewhere", ".git/x", ".git", "a/../../x", "/tmp/x", ".", "", "x/.GIT/y"]


def _setting(key: str, value: str) -> dict[str, object]:
    if key.startswith("site."):
        return {"site": {key[5:]: value}}
    return {key: value}


@pytest.mark.parametrize("value", OUTSIDE)
@pytest.mark.parametrize("key", WRITTEN_FOLDERS)
def test_item5_written_folders_are_confined(key: str, value: str):
    with pytest.raises(InvalidDataError) as caught:
        config_from_dict(_setting(key, value), where="journal.yaml")
    line = caught.value.one_line()
    assert line.startswith(f"journal.yaml: {key}: {value!r} ")
    assert "inside the journal's folder" in line and "outside .git" in line


@pytest.mark.parametrize("key", WRITTEN_FOLDERS[1:])
def test_item5_output_folders_never_overlap_the_sessions(key: str):
    for value in ("sessions", "sessions/x", "."):
        with pytest.raises(InvalidDataError):
            config_from_dict(_setting(key, value), where="journal.yaml")


@pytest.mark.parametrize("value", ["incidents", "ops/incidents", "./sessions2"])
def test_item5_folders_inside_are_accepted(value: str):
    config = config_from_dict({"sessions_dir": value}, where="journal.yaml")
    assert config.sessions_dir == value


@pytest.mark.parametrize("value", ["../elsewhere", ".git/x"])
def test_item5_new_never_writes_outside(cli: Cli, value: str):
    (cli.root / "journal.yaml").write_text(f"sessions_dir: {value}\n")
    before = snapshot(cli.root.parent)
    git_before = sorted(p.name for p in (cli.root / ".git").iterdir())
    result = cli("new", "Database down")
    assert result.code == 1, result
    assert result.err.count("\n") == 1
    assert f"sessions_dir: {value!r}" in result.err
    assert snapshot(cli.root.parent) == before
    assert sorted(p.name for p in (cli.root / ".git").iterdir()) == git_before
    assert not (cli.root.parent / "elsewhere").exists()


def test_item6_init_makes_nested_sessions_dir(tmp_path: Path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    result = run_journal("init", "--sessions-dir", "a/b/c", cwd=root)
    assert result.code == 0, result.err
    assert (root / "a/b/c").is_dir()
    assert "a/b/c/*/timeline.yaml merge=union" in (root / ".gitattributes").read_text()
    created = run_journal("new", "First", cwd=root)
    assert created.code == 0, created.err
    assert len(list((root / "a/b/c").iterdir())) == 1


@pytest.mark.parametrize(
    "value", ["../out", ".git/x", "/abs", "a b", "a\nb", ""], ids=repr
)
def test_item6_init_with_a_bad_sessions_dir_makes_nothing(tmp_path: Path, value: str):
    result = run_journal("init", "--sessions-dir", value, "j", cwd=tmp_path)
    assert result.code == 2, result
    assert len(result.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_item6_init_that_fails_part_way_takes_back_what_it_made(tmp_path: Path):
    root = tmp_path / "j"
    root.mkdir()
    (root / "sessions").write_text("a file where the folder goes\n")
    result = run_journal("init", "j", cwd=tmp_path)
    assert result.code == 1, result
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert [p.name for p in root.iterdir()] == ["sessions"]
    assert (root / "sessions").read_text() == "a file where the folder goes\n"
