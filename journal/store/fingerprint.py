"""Fingerprints of files, and the small JSON caches keyed by them: what lets
`render --all` and the site skip work whose inputs did not change.

Everything here is best effort by design: a cache that cannot be read or written
only costs the work it would have saved.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths use this)
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any


def source_files(folder: Path) -> list[Path]:
    """Every file under `folder` that is an input (compiled Python left out)."""
    if not folder.is_dir():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts
    ]


def read_or_empty(path: Path) -> bytes:
    """A file's bytes; empty when it cannot be read (a named pipe is never waited
    on, a folder or a device never read)."""
    from journal.store.files import read_bytes

    try:
        return read_bytes(path)
    except OSError:
        return b""


def stat_key(path: Path | str) -> list[int] | None:
    """What changes when a file is rewritten or replaced: mtime, size, inode, and
    ctime, which every write moves — even one that puts the old mtime back."""
    if _KNOWN:
        known = _KNOWN[-1].get(path if type(path) is str else str(path))
        if known is not None:
            return known
    try:
        st = os.stat(path)  # noqa: PTH116 - strings: pathlib costs at 10,000 sessions
    except OSError:
        return None
    return _key_of(st)


def _key_of(st: os.stat_result) -> list[int]:
    return [st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns]


_KNOWN: list[dict[str, list[int]]] = []


class stats_taken:  # lower case: used like a function, `with stats_taken(found):`
    """`stat_key` answered from stats just taken (`stat_keys`), for the files they
    cover: `journal site serve` stats every file of the journal to see what changed,
    and the generation that follows need not stat them all again.

    Sound for the same reason as a stat taken before reading: a file written after
    these stats were taken is recorded under its old stat, so the next look sees it
    changed and its work is done again. Other paths are stat'ed as usual.
    """

    def __init__(self, found: dict[str, list[int]]) -> None:
        self.found = found

    def __enter__(self) -> None:
        _KNOWN.append(self.found)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        _KNOWN.pop()


def stats_in_use() -> dict[str, list[int]] | None:
    """The stats `stat_key` answers from (`stats_taken`), if any: while the same
    ones are in use, files they cover are taken as unchanged."""
    return _KNOWN[-1] if _KNOWN else None


def stat_keys(folder: str, found: dict[str, list[int]]) -> None:
    """The `stat_key` of every file under `folder` (hidden folders left out), into
    `found` by path: `os.scandir` and plain strings, as `stat_key`'s callers build
    them (a tenth of a second for 20,000 files)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    stat_keys(entry.path, found)
                continue
            st = entry.stat()
        except OSError:
            continue
        found[entry.path] = _key_of(st)


def load_cache(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    try:
        data = decode_without_gc(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def decode_without_gc(raw: bytes) -> Any:
    """JSON decoded with the cycle collector paused (see `paused_gc`)."""
    with paused_gc():
        return json.loads(raw)


class paused_gc:  # lower case: used like a function, `with paused_gc():`
    """The cycle collector paused for work that makes many small objects and no
    cycles worth collecting, and what it made moved out of the collector's sight.

    Each object made counts toward the next collection, and each full one walks
    every object alive: at 10,000 sessions a 15 MB cache takes 0.34 s to decode
    with the collector running, 0.06 s without. Resuming is not enough: the
    millions of objects made while paused are then walked by the next three
    collections (0.97 s of 300,000 allocations after that decode, 0.09 s once
    frozen). `gc.freeze` moves everything alive to a generation no collection
    walks; reference counting still frees each object when it is dropped.
    A class, not `contextlib`: the fast paths import this module.
    """

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        gc.freeze()
        if self.enabled:
            gc.enable()


def save_cache(path: Path, data: dict[str, Any]) -> None:
    """Write a cache atomically; any failure is ignored (see the module docstring)."""
    save_cache_bytes(path, json.dumps(data, sort_keys=True).encode("utf-8"))


def save_cache_bytes(path: Path, data: bytes) -> None:
    """`save_cache` for a cache with a layout of its own. Replaced by a rename, not
    synced to disk: a cache lost or emptied by a power cut is rebuilt, and the two
    fsyncs a file cost several milliseconds each (a tenth of a site generation
    after one change, which saves six caches)."""
    from journal.errors import JournalError
    from journal.store.files import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data, durable=False)
    except (OSError, JournalError):
        pass
