"""Exclusive advisory locks on a lock file: the one seam for the OS's primitive.

`flock` where `fcntl` exists (Linux, macOS, BSDs); `msvcrt.locking` on Windows; and
where neither exists, an exclusive-create marker file beside the lock file, broken
only when it is minutes old (a holder that died). Standard library only:
every `journal log` and hooked commit takes a lock.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from journal.errors import WriteError


def _primitive() -> str:
    for module, primitive in (("fcntl", "flock"), ("msvcrt", "msvcrt")):
        try:
            __import__(module)
        except ImportError:
            continue
        return primitive
    return "marker"


# Which primitive this platform uses; tests set it to exercise the fallbacks here.
PRIMITIVE = _primitive()
MARKER_SUFFIX = ".held"
# A marker older than this belongs to a holder that died: every hold is an append or
# one file rewrite, milliseconds long.
STALE_AFTER_S = 120.0


def acquire(fd: int, lock_path: Path, timeout_s: float) -> Callable[[], None]:
    """Take the lock on the open `fd` of `lock_path`; returns the function releasing it.

    Waits up to `timeout_s`, then raises WriteError naming the lock.
    """
    try_once = {"flock": _try_flock, "msvcrt": _try_msvcrt, "marker": _try_marker}[
        PRIMITIVE
    ]
    deadline = time.monotonic() + timeout_s
    delay = 0.001
    while True:
        release = try_once(fd, lock_path)
        if release is not None:
            return release
        if time.monotonic() > deadline:
            if PRIMITIVE == "marker" and _break_stale_marker(lock_path):
                continue
            raise WriteError(
                f"another journal process has held {lock_path} for {timeout_s:.0f} s",
                "wait for it to finish, or stop the stuck process",
            )
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _nothing() -> None:
    """Closing the descriptor releases flock and msvcrt locks."""


def _try_flock(fd: int, lock_path: Path) -> Callable[[], None] | None:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return None
    return _nothing


def _try_msvcrt(fd: int, lock_path: Path) -> Callable[[], None] | None:
    import msvcrt

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return None
    return _nothing


def _try_marker(fd: int, lock_path: Path) -> Callable[[], None] | None:
    marker = lock_path.with_name(lock_path.name + MARKER_SUFFIX)
    try:
        handle = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return None
    except OSError as exc:
        raise WriteError(
            f"cannot lock {lock_path}: {exc.strerror}", "check the folder's permissions"
        ) from None
    os.write(handle, str(os.getpid()).encode("ascii"))
    os.close(handle)

    def release() -> None:
        marker.unlink(missing_ok=True)

    return release


def _break_stale_marker(lock_path: Path) -> bool:
    """Remove a marker older than `STALE_AFTER_S`: its holder died holding it."""
    marker = lock_path.with_name(lock_path.name + MARKER_SUFFIX)
    try:
        age = time.time() - marker.stat().st_mtime
    except FileNotFoundError:
        return True
    if age <= STALE_AFTER_S:
        return False
    marker.unlink(missing_ok=True)
    return True
