"""Crash-safe file writes and per-session locks, on the standard library alone.

This module sits on the `journal log` and git-hook fast paths, so it imports nothing
beyond the standard library — and not `pathlib`, `contextlib` or `functools` either:
with what they pull in (`re`, `enum`, `collections`) they would cost every hooked
commit about 12 ms. What the hook calls (reading, appending, locking) takes a path as
a `str` or a `Path`; what only other commands call may still use `Path` methods on
the paths they pass.
"""

from __future__ import annotations

import errno
import os
import stat
import time

from journal.errors import InvalidDataError, UsageError, WriteError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path
    from typing import TypeAlias

    StrPath: TypeAlias = str | os.PathLike[str]

_LOCK_TIMEOUT_S = 30.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_PUT_BACK = "put the file back (`git checkout` restores the committed one)"


class NotAFileError(OSError):
    """A folder, named pipe, device or socket where a file of the journal belongs;
    its `strerror` says which (`is a folder, not a file`)."""


def read_bytes(path: StrPath) -> bytes:
    """The bytes of a regular file. Anything else raises `NotAFileError` at once:
    opening a named pipe never waits for a writer, and a device is never read."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFileError(errno.EINVAL, _kind_of(mode), str(path))
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_checked(path: StrPath, *, hint: str | None = None) -> bytes:
    """`read_bytes` of a file of the journal: anything but a missing file (raised as
    it is) is one `InvalidDataError` naming it; `hint` for a file it cannot read."""
    try:
        return read_bytes(path)
    except FileNotFoundError:
        raise
    except NotAFileError as exc:
        raise InvalidDataError(
            str(exc.strerror),
            _PUT_BACK,
            where=shown(path),
        ) from None
    except OSError as exc:
        raise InvalidDataError(
            f"cannot read: {exc.strerror}", hint, where=shown(path)
        ) from None


def shown(path: StrPath) -> str:
    """`path` as the user sees it: relative to the current folder when inside it."""
    from pathlib import Path  # on the way to a message only

    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def too_long(path: Path | str, doing: str) -> UsageError:
    """The error for a name the file system refuses as too long (ENAMETOOLONG):
    the path shortened, so the message stays one readable line."""
    text = str(path)
    brief = text if len(text) <= 60 else f"{text[:30]}…{text[-20:]}"
    return UsageError(
        f"cannot {doing} {brief}: the name is longer than the file system allows "
        f"({len(text):,} characters)",
        "rename it, or copy it to a shorter name, and try again",
    )


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is a device, not a file"


def atomic_write(
    path: StrPath, text: str | bytes, *, durable: bool = True, sync_dir: bool = True
) -> None:
    """Replace `path` with `text` (UTF-8, `\\n`): temp file, fsync, rename, fsync dir.

    A crash at any moment leaves either the old file or the new one, never a mix.
    Not `durable`: no fsync (a cache, rebuilt at will): the rename still keeps a
    reader from seeing half a file, and after a power cut the file may be empty
    or old, which every cache reader takes as missing or stale.
    With `sync_dir=False` the caller fsyncs the folder itself, once for several
    files written into it (`sessions.write_new_session`): until then a crash may
    undo the rename, never leave a part of the new text.
    """
    data = _encoded(path, text)
    import tempfile  # lazily: it imports `random` and `shutil`, unused on the log path

    folder = _parent(path)
    _refuse_read_only(path, path, "file")
    _refuse_read_only(path, folder, "folder")
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            mode = _new_file_mode()  # mkstemp's 0600 would hide it from the team
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise _write_error(path, exc) from exc
    if durable and sync_dir:
        fsync_dir(folder)


def make_folders(path: Path) -> None:
    """`path.mkdir(parents=True, exist_ok=True)` without recursion: pathlib's calls
    itself once a missing level, and an output folder 1,000 levels deep (short
    enough for the file system) ended in a RecursionError."""
    missing = []
    current = path
    while not current.is_dir() and current.parent != current:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)


class DurableBatch:
    """Many files written as `atomic_write` does, each by one of a few threads while
    the caller makes the next: an fsync waits on the disk, not on Python (two of
    them a report were 25–35 s of a first `render --all` at 10,000 sessions). The
    renames are made durable by one fsync of each folder at the end (`finish`).
    Use it as a `with` block: leaving it waits for every write."""

    _IN_FLIGHT = 32
    """Writes queued at most: the texts waiting are held in memory."""

    def __init__(self, threads: int = 4) -> None:
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor

        _new_file_mode()  # read here: it sets the umask for a moment (not thread-safe)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="journal-write")
        self._queued: deque[Future[None]] = deque()
        self._done: list[Future[None]] = []
        self._folders: set[Path] = set()

    def write(self, path: Path, text: str | bytes) -> None:
        if len(self._queued) >= self._IN_FLIGHT:
            oldest = self._queued.popleft()
            oldest.exception()  # waits for it; an error is raised by `finish`
            self._done.append(oldest)
        self._queued.append(self._pool.submit(atomic_write, path, text, sync_dir=False))
        self._folders.add(path.parent)

    def finish(self) -> None:
        """Wait for every write, then make the renames durable; the first write
        that failed raises its error (after the others have ended)."""
        self._pool.shutdown(wait=True)
        done = [*self._done, *self._queued]
        self._done.clear()
        self._queued.clear()
        for future in done:
            if (error := future.exception()) is not None:
                raise error
        for folder in sorted(self._folders):
            fsync_dir(folder)

    def __enter__(self) -> DurableBatch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.finish()
        else:  # the caller's error wins; still wait, so no thread outlives the block
            self._pool.shutdown(wait=True)


def _new_file_mode() -> int:
    """What `open()` gives a new file: 0666 less the umask (read once per process)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return 0o666 & ~_UMASK[0]


_UMASK: list[int] = []


def _remove(path: StrPath, quiet: type[OSError] = OSError) -> None:
    """Remove a file; a `quiet` error is not one (by default any: a caller's own
    error is the one to report)."""
    try:
        os.unlink(path)
    except quiet:
        pass


def remove_stale_temps(path: Path) -> None:
    """Remove temp files a killed `atomic_write` of `path` left beside it; only while
    holding the lock every writer of `path` takes (then no write of it is in flight,
    and any such file is left over from a crash)."""
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if name.startswith(f".{path.name}.") and name.endswith(".tmp"):
            _remove(entry.path)


class TornTailError(Exception):
    """The file's last line has no newline: a crash cut a write short (raised by
    `append_line(..., whole_tail=True)` before anything is written)."""


def append_line(path: StrPath, line: str | bytes, *, whole_tail: bool = False) -> None:
    """Append one `\\n`-terminated line with a single write, then fsync. If the
    file's last line is torn (no final newline, e.g. after a crash), a newline goes
    first so the torn line stays separate — or, with `whole_tail`, nothing is
    written and `TornTailError` lets the caller set the torn line aside first."""
    append_chunks(path, [_encoded(path, line)], whole_tail=whole_tail)


def append_chunks(
    path: StrPath, chunks: Iterable[bytes], *, whole_tail: bool = False
) -> None:
    """Append whole lines given in several pieces (`journal ingest`'s 100,000
    events, a megabyte at a time), then fsync once. A torn last line gets its
    newline first, as with `append_line`. If any write fails, or making the pieces
    does, what was appended is taken back: the file stays exactly as it was."""
    fd, size = _open_for_append(path)
    try:
        torn = bool(size) and os.pread(fd, 1, size - 1) != b"\n"
        if torn and whole_tail:
            raise TornTailError(str(path))
        wrote = False
        try:
            for chunk in chunks:
                data = b"\n" + chunk if torn and not wrote else chunk
                if not data:
                    continue
                if os.write(fd, data) != len(data):
                    # A regular file takes less than asked only when it cannot grow.
                    raise OSError(errno.ENOSPC, "short write")
                wrote = True
            if wrote:
                os.fsync(fd)
        except BaseException:
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass  # the write's own error is the one to report
            raise
    except OSError as exc:
        raise _write_error(path, exc) from exc
    finally:
        os.close(fd)


def _open_for_append(path: StrPath) -> tuple[int, int]:
    """`path` opened to append (created if missing), and its size; refused when it
    is not a regular file or is read-only. The caller closes the descriptor."""
    try:
        # Never through a symlink: a link planted in the journal must not make an
        # append land outside it.
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW, 0o644)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(
                f"cannot write {shown(path)}: it {_kind_of(info.st_mode)}",
                _PUT_BACK + "; nothing was written",
            )
        if not info.st_mode & 0o222:
            raise _read_only(path, "file")
    except OSError as exc:
        os.close(fd)
        raise _write_error(path, exc) from exc
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _encoded(path: StrPath, text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: undecodable input bytes
        raise InvalidDataError(
            f"cannot write {path}: the text holds bytes that are not valid UTF-8 "
            f"(at character {exc.start + 1})",
            "check the terminal's encoding (LANG / LC_ALL); the old file is intact",
        ) from None


def _refuse_read_only(target: StrPath, checked: StrPath, what: str) -> None:
    # The mode bits, not only os.access: root may write anything, but a file its
    # owner made read-only (chmod a-w) is a request to leave it alone.
    try:
        mode = os.stat(checked).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _write_error(target, exc) from exc
    if mode & 0o222 and os.access(checked, os.W_OK):
        return
    try:
        read_only_fs = bool(os.statvfs(checked).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    if read_only_fs:
        raise _write_error(target, OSError(errno.EROFS, "read-only file system"))
    raise _read_only(target, what)


def _read_only(path: StrPath, what: str) -> WriteError:
    where = path if what == "file" else _parent(path)
    return WriteError(
        f"cannot write {path}: the {what} is read-only",
        f"make it writable (chmod u+w {where}) to change it; the old file is intact",
    )


class locked:
    """Hold an exclusive advisory lock on `lock_path` (created if missing) for a
    `with` block. A class, not `contextlib.contextmanager`: see the module's
    docstring."""

    def __init__(self, lock_path: StrPath, *, timeout_s: float = _LOCK_TIMEOUT_S):
        self._path, self._timeout_s, self._fd = lock_path, timeout_s, -1
        self._release: Callable[[], None] = _nothing

    def __enter__(self) -> None:
        try:
            os.makedirs(_parent(self._path), exist_ok=True)
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only or full file system: one clear line
            raise _write_error(self._path, exc) from exc
        try:
            self._release = acquire(self._fd, self._path, self._timeout_s)
        except BaseException:
            os.close(self._fd)
            raise

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._release()
        finally:
            os.close(self._fd)  # closing the descriptor releases flock and msvcrt locks


# --- locks: the one seam for the OS's primitive ------------------------------------
# `flock` where `fcntl` exists (Linux, macOS, BSDs); `msvcrt.locking` on Windows; and
# where neither exists, an exclusive-create marker file beside the lock file, broken
# only when it is minutes old (a holder that died). Every `journal log` and hooked
# commit takes a lock.


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


def acquire(fd: int, lock_path: StrPath, timeout_s: float) -> Callable[[], None]:
    """Take the lock on the open `fd` of `lock_path`, waiting up to `timeout_s`
    (then WriteError names the lock); returns the function releasing it."""
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


def _try_flock(fd: int, lock_path: StrPath) -> Callable[[], None] | None:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return None
    return _nothing


def _try_msvcrt(fd: int, lock_path: StrPath) -> Callable[[], None] | None:
    import msvcrt

    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        return None
    return _nothing


def _try_marker(fd: int, lock_path: StrPath) -> Callable[[], None] | None:
    marker = os.fspath(lock_path) + MARKER_SUFFIX
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
    return lambda: _remove(marker, FileNotFoundError)


def _break_stale_marker(lock_path: StrPath) -> bool:
    """Remove a marker older than `STALE_AFTER_S`: its holder died holding it."""
    marker = os.fspath(lock_path) + MARKER_SUFFIX
    try:
        age = time.time() - os.stat(marker).st_mtime
    except FileNotFoundError:
        return True
    if age <= STALE_AFTER_S:
        return False
    _remove(marker, FileNotFoundError)
    return True


def fsync_dir(folder: StrPath) -> None:
    """Make the renames into `folder` durable (after `atomic_write(…,
    sync_dir=False)`); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # best effort: some file systems refuse to sync a folder
    finally:
        os.close(fd)


def _parent(path: StrPath) -> str:
    """The folder holding `path`, as `Path(path).parent` names it."""
    return os.path.dirname(os.fspath(path)) or "."


def _write_error(path: StrPath, exc: OSError) -> WriteError:
    reason, hint = _WRITE_ERRORS.get(
        exc.errno or 0, (exc.strerror or str(exc), "nothing was changed")
    )
    return WriteError(
        f"cannot write {path}: {reason}",
        hint.format(folder=_parent(path)) + "; the old file is intact",
    )


_DENIED = ("permission denied", "check the permissions of {folder}")
_WRITE_ERRORS = {
    errno.ENOSPC: ("the disk is full", "free some space and run the command again"),
    errno.EROFS: (
        "the file system is read-only",
        "run the command on a writable checkout",
    ),
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EDQUOT: ("the disk quota is exceeded", "free some space and run it again"),
    errno.EFBIG: (
        "the file would pass the file-size limit",
        "raise the limit (ulimit -f) or free some space",
    ),
    errno.EISDIR: ("it is a folder, not a file", _PUT_BACK),
    errno.ELOOP: (
        "it is a symbolic link",
        "replace the link with the file it points to",
    ),
}
