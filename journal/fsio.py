"""Crash-safe file writes and per-session locks, on the standard library alone.

This module sits on the `journal log` and git-hook fast paths, so it imports nothing
beyond the standard library.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from journal.errors import WriteError

_LOCK_TIMEOUT_S = 30.0


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, `\\n`): temp file, fsync, rename, fsync dir.

    A crash at any moment leaves either the old file or the new one, never a mix.
    """
    data = text.encode("utf-8")
    import tempfile  # lazily: it imports `random` and `shutil`, unused on the log path

    if path.exists() and not os.access(path, os.W_OK):
        raise _write_error(path, PermissionError(errno.EACCES, "read-only file"))
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            Path(tmp).chmod(path.stat().st_mode & 0o777)
        Path(tmp).replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise _write_error(path, exc) from exc
    _fsync_dir(path.parent)


def append_line(path: Path, line: str) -> None:
    """Append one `\\n`-terminated line with a single write, then fsync.

    If the file's last line is torn (no final newline, e.g. after a crash), a newline
    goes first so the torn line stays separate and `journal check --fix` can repair it.
    """
    data = line.encode("utf-8")
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(errno.EIO, "short write")
        os.fsync(fd)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, *, timeout_s: float = _LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive advisory lock on `lock_path` (created if missing)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, lock_path, timeout_s)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, lock_path: Path, timeout_s: float) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: appends are still O_APPEND-atomic
        return
    import time

    deadline = time.monotonic() + timeout_s
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise WriteError(
                    f"another journal process has held {lock_path} "
                    f"for {timeout_s:.0f} s",
                    "wait for it to finish, or stop the stuck process",
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_error(path: Path, exc: OSError) -> WriteError:
    reasons = {
        errno.ENOSPC: ("the disk is full", "free some space and run the command again"),
        errno.EROFS: (
            "the file system is read-only",
            "run the command on a writable checkout",
        ),
        errno.EACCES: ("permission denied", f"check the permissions of {path.parent}"),
        errno.EPERM: ("permission denied", f"check the permissions of {path.parent}"),
        errno.EDQUOT: (
            "the disk quota is exceeded",
            "free some space and run it again",
        ),
    }
    reason, hint = reasons.get(
        exc.errno or 0, (exc.strerror or str(exc), "nothing was changed")
    )
    return WriteError(
        f"cannot write {path}: {reason}", f"{hint}; the old file is intact"
    )
