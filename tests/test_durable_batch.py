"""`DurableBatch`: many files written as `atomic_write` does, by a few threads while
the caller goes on (`render --all`), the folder synced once at the end."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from journal.errors import JournalError
from journal.store import files
from journal.store.files import DurableBatch


def test_every_file_is_written_whole_with_the_usual_mode(tmp_path: Path) -> None:
    count = DurableBatch._IN_FLIGHT * 3  # more than are ever queued at once
    with DurableBatch() as batch:
        for n in range(count):
            batch.write(tmp_path / f"{n}.md", f"report {n}\n" * 50)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"{n}.md" for n in range(count))  # no temp file left
    assert (tmp_path / "7.md").read_text() == "report 7\n" * 50
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "7.md").stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    target.write_text("old\n")
    target.chmod(0o640)
    with DurableBatch() as batch:
        batch.write(target, "new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_write_raises_at_the_end_and_the_others_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    failing = {"n": 0}

    def fsync(fd: int) -> None:
        # The third file's fsync finds the disk full.
        failing["n"] += 1
        if failing["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    batch = DurableBatch(threads=1)  # one thread: the third fsync is the third file's
    for n in range(6):
        batch.write(tmp_path / f"{n}.md", f"{n}\n")
    with pytest.raises(JournalError, match="disk is full"):
        batch.finish()
    landed = sorted(p.name for p in tmp_path.iterdir())
    assert landed == ["0.md", "1.md", "3.md", "4.md", "5.md"]  # no temp file left


def test_the_callers_error_wins_and_no_write_is_left_running(tmp_path: Path) -> None:
    with pytest.raises(KeyError), DurableBatch() as batch:
        for n in range(10):
            batch.write(tmp_path / f"{n}.md", "x\n")
        raise KeyError("the caller's own error")
    assert len(list(tmp_path.iterdir())) == 10
