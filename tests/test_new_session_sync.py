"""A new session folder (`journal import` writes 100 at a time): each file's text
is fsynced before its rename, and the folder once for both renames, not once a
file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from journal.store import files
from journal.store.sessions import Journal


def test_a_new_session_is_two_file_fsyncs_and_one_of_its_folder(
    journal_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        real_fsync(fd)

    def replace(src: object, dst: object) -> None:
        synced.append(f"rename {Path(str(dst)).name}")
        real_replace(src, dst)  # type: ignore[arg-type]

    journal = Journal.open(journal_root)  # (it may write a cache of its own)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    folder = journal.write_new_session("2025-01-01-x", "title: x\n", timeline="- {}\n")
    assert (folder / "session.yaml").read_text() == "title: x\n"
    assert (folder / "timeline.yaml").read_text() == "- {}\n"
    names = [Path(s).name if not s.startswith("rename") else s for s in synced]
    # The text of each file reaches the disk before its rename; the folder last.
    assert names[1] == "rename session.yaml" and names[3] == "rename timeline.yaml"
    assert names[0].startswith(".session.yaml.") and names[2].startswith(
        ".timeline.yaml."
    )
    assert names[4:] == [folder.name]


def test_atomic_write_still_syncs_its_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str | Path] = []
    monkeypatch.setattr(files, "fsync_dir", calls.append)
    files.atomic_write(tmp_path / "a.txt", "a\n")
    files.atomic_write(tmp_path / "b.txt", "b\n", sync_dir=False)
    assert [Path(folder) for folder in calls] == [tmp_path]
