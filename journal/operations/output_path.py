"""Where `-o PATH` may write (`render`, `export`): `-` is standard output, a link is
written through as a shell redirect does, a device or pipe is written in place, and
the journal's own files and `.git` are never replaced.

One helper for every command with `-o`, so `render`, `render --all`, `export`,
`export --all` and the `render --all` fast path agree on what they refuse.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from journal.errors import UsageError, WriteError
from journal.store.files import atomic_write, too_long
from journal.store.layout import SCHEMA_FILE
from journal.store.locate import CONFIG_NAME
from journal.store.sessions import Journal


def is_stdout(path: Path | str | None) -> bool:
    """True for `-o -`: standard output, as the README promises."""
    return path is not None and str(path) == "-"


def write_output(journal: Journal, path: Path, text: str) -> bool:
    """Write `text` to `-o path` for one report or export, as `>` would (see the
    module's docstring); False when it went to a stream (no "wrote" line belongs in
    it)."""
    real = _checked_file(journal, path)
    if real is None:
        _write_in_place(path, text)
        return False
    atomic_write(real, text)
    return True


def check_output(journal: Journal, path: Path) -> None:
    """Refuse `-o path` before any work is done (`write_output` checks it again)."""
    if not is_stdout(path):
        _checked_file(journal, path)


def output_folder(journal: Journal, path: Path) -> Path:
    """The folder `--all -o path` writes one file per session into, resolved
    through links; refused when it is a file or one of the journal's own."""
    if is_stdout(path):
        raise UsageError(
            "-o - (standard output) takes one session; --all writes a folder",
            "give a folder, e.g. -o reports, or name one session",
        )
    real = Path(os.path.realpath(path))
    _refuse_own(journal, path, real)
    try:
        found = real.exists()
    except OSError as exc:  # exists() lets ENAMETOOLONG through
        if exc.errno == errno.ENAMETOOLONG:
            raise too_long(path, "write into") from None
        raise WriteError(f"cannot write into {path}: {exc.strerror}") from None
    if found and not real.is_dir():
        raise UsageError(
            f"-o {path} is a file, not a folder",
            "with --all give a folder, e.g. -o reports",
        )
    return real


def _checked_file(journal: Journal, path: Path) -> Path | None:
    """The real path to replace atomically, or None to write `path` in place."""
    real = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode  # follows links, as `>` does
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    if mode is not None and (
        stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or _names_a_stream(path)
    ):
        return None
    _refuse_own(journal, path, real)
    if mode is None:
        if not real.parent.is_dir():
            raise UsageError(
                f"-o {path}: there is no folder {real.parent}", "create it first"
            )
        return real
    if stat.S_ISDIR(mode):
        raise UsageError(
            f"-o {path} is a folder", f"give a file name, e.g. -o {path}/report.md"
        )
    if not stat.S_ISREG(mode):
        raise UsageError(
            f"-o {path} is a {_KINDS.get(stat.S_IFMT(mode), 'special file')}, "
            "not a file",
            "give a file name, or - for standard output",
        )
    return real


def _names_a_stream(path: Path) -> bool:
    """`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/1`: an open stream, whatever it is
    connected to; replacing the file behind it would take it from the shell.

    Not a file whose folder is on a file system of its own mounted below `/dev`
    (`/dev/shm` is a tmpfs): those are plain files, and a journal kept there has
    its own files refused like anywhere else (taken for streams, they were written
    over in place)."""
    absolute = path.absolute()
    if not str(absolute).startswith(("/dev/", "/proc/")):
        return False
    try:
        folder = absolute.parent.stat().st_dev  # /dev/fd leads into /proc
        special = {Path(top).stat().st_dev for top in ("/dev", "/proc")}
    except OSError:
        return True
    return folder in special


_KINDS = {stat.S_IFBLK: "block device", stat.S_IFSOCK: "socket"}


def _refuse_own(journal: Journal, given: Path, real: Path) -> None:
    """Refuse a path (after links) that is, or is inside, what the journal keeps."""
    root = Path(os.path.realpath(journal.root))
    files = {
        CONFIG_NAME: "the journal's configuration",
        SCHEMA_FILE: "the journal's JSON Schema",
        journal.config.site.config_file: "the site's configuration",
        ".gitattributes": "the journal's git attributes",
        ".gitignore": "the journal's .gitignore",
    }
    folders = {
        journal.config.sessions_dir: "the sessions",
        journal.config.templates_dir: "the templates",
    }
    owned = []
    for name, label in files.items():
        if real == Path(os.path.realpath(root / name)):
            owned.append(f"{label} ({name})")
    for name, label in folders.items():
        if real.is_relative_to(Path(os.path.realpath(root / name))):
            owned.append(f"{label} ({name}/)")
    if any(part.lower() == ".git" for part in real.parts):
        owned.insert(0, "git's own files (.git)")
    if real.is_relative_to(Path(os.path.realpath(journal.state_dir))):
        owned.append("the journal's state folder")
    if owned:
        raise UsageError(
            f"-o {given} would overwrite {owned[0]}",
            "write it elsewhere, e.g. -o report.md (or - for standard output)",
        )


def _write_in_place(path: Path, text: str) -> None:
    """Write a device or a named pipe as `>` does — except that a pipe nobody reads
    is one line at once, not a command that waits forever."""
    try:
        # O_NONBLOCK: opening a FIFO with no reader fails (ENXIO) instead of waiting;
        # once open, the writes block again so a slow reader gets every byte.
        descriptor = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise WriteError(
                f"no process is reading the named pipe {path}",
                "start its reader first, or write to a file",
            ) from None
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
    try:
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
    except OSError as exc:
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None
