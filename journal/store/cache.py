"""The one cache layer: what every cache of the journal is keyed on — the code
(`code_digest`: a change anywhere in the package counts, not only in the module
that writes the cache), the salt, HEAD, the stats of files and sessions — and one
reader and writer of cache files (docs/architecture.md, "Caches").

Standard library only: the fast paths (`list`, `todo`, `render --all`) use it.
Never trusted blindly and best effort: a missing entry, a changed stat, another
salt or an unreadable file means building again; failing to write costs only the
work it would have saved.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import re

from journal import __version__
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.locate import CONFIG_NAME

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths use this)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Protocol

    Record = dict[str, Any]

    class Journal(Protocol):
        """What this layer reads of `store.sessions.Journal` (named, not imported:
        the configuration and the numbers, which the journal loads, key on
        `code_digest`)."""

        root: Path

        @property
        def state_dir(self) -> Path: ...

        @property
        def sessions_dir(self) -> Path: ...

        @property
        def config(self) -> Any: ...

        def session_ids(self) -> list[str]: ...


FORMAT = 2

# --- the code -------------------------------------------------------------------


@functools.cache  # once per process
def code_digest() -> str:
    """A digest of the version and the stat of every file of this package and of
    its default templates (compiled code left out: it follows from the source)."""
    digest = hashlib.sha256(__version__.encode())
    for folder in code_folders():
        for row in tree_stats(folder):
            digest.update(repr(row).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def code_folders() -> list[str]:
    """This package's folder and its default templates' (inside the wheel, else
    the source tree's)."""
    from pathlib import Path

    import journal as package

    here = Path(package.__file__).resolve().parent
    shipped = here / "_templates"
    templates = shipped if shipped.is_dir() else here.parent / "templates"
    return [str(here), str(templates)]


def tree_stats(folder: str) -> list[list[object]]:
    """[path, mtime, size, inode, ctime] of every file under `folder`, sorted;
    compiled code left out."""
    found: list[list[object]] = []
    stack = [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            stack.append(entry.path)
                    elif not entry.name.endswith(".pyc"):
                        st = entry.stat()
                        found.append(
                            [entry.path, st.st_mtime_ns, st.st_size, st.st_ino,
                             st.st_ctime_ns]
                        )  # fmt: skip
        except OSError:
            continue
    found.sort(key=lambda row: str(row[0]))
    return found


def salt(journal: Journal) -> str:
    """What every cached answer depends on besides the sessions: the code, the
    configuration and the project's templates."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(read_or_empty(journal.root / CONFIG_NAME))
    project = journal.root / journal.config.templates_dir
    for row in tree_stats(str(project)):
        digest.update(repr(row).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


# --- files ----------------------------------------------------------------------


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


# `with` blocks as classes, not `contextlib` (the fast paths import this module),
# named in lower case: used like functions, `with stats_taken(...)`.


class stats_taken:
    """`stat_key` answered from stats just taken (`stat_keys`), for the files they
    cover: `journal site serve` stats every file of the journal to see what changed,
    and the generation that follows need not stat them all again. Sound for the
    same reason as a stat taken before reading: a file written after these stats
    were taken is recorded under its old stat, so the next look sees it changed and
    its work is done again. Other paths are stat'ed as usual."""

    def __init__(self, found: dict[str, list[int]]) -> None:
        self.found = found

    def __enter__(self) -> None:
        _KNOWN.append(self.found)

    def __exit__(self, *exc_info: object) -> None:
        _KNOWN.pop()


def one_stat_pass(*journals: Journal) -> stats_taken:
    """`with one_stat_pass(journal):` every file of the sessions folder stat'ed once,
    and every facet read in the block answering from those stats (`render --all`,
    a site generation: else each facet, the stamp and the related map stat every
    session again); a site of several journals passes them all. Inside a live
    server's block, its stats are kept."""
    found = stats_in_use()
    if found is None:
        found = {}
        for journal in journals:
            stat_keys(str(journal.sessions_dir), found)
    return stats_taken(found)


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


def read_or_empty(path: Path) -> bytes:
    """A file's bytes; empty when it cannot be read (a named pipe is never waited
    on, a folder or a device never read)."""
    from journal.store.files import read_bytes

    try:
        return read_bytes(path)
    except OSError:
        return b""


_BIG = 1 << 20
"""Bytes from which a cache is decoded by msgspec rather than `json`: twice as fast
(a 9.5 MB session index: 0.12 s against 0.26 s), for an import of a few
milliseconds that a small journal need not pay."""


def load_cache(path: Path) -> dict[str, Any]:
    """A cache file's JSON object; empty when it is missing or damaged."""
    try:
        raw = path.read_bytes()
        with paused_gc():
            if len(raw) < _BIG:
                data = json.loads(raw)
            else:
                import msgspec

                data = msgspec.json.decode(raw)
    except (OSError, ValueError):  # msgspec's DecodeError is a ValueError
        return {}
    return data if isinstance(data, dict) else {}


class paused_gc:
    """The cycle collector paused for work that makes many small objects and no
    cycles worth collecting, and what it made moved out of the collector's sight.

    Each object made counts toward the next collection, and each full one walks
    every object alive: at 10,000 sessions a 15 MB cache takes 0.34 s to decode
    with the collector running, 0.06 s without. Resuming is not enough: the
    millions of objects made while paused are then walked by the next three
    collections (0.97 s of 300,000 allocations after that decode, 0.09 s once
    frozen). `gc.freeze` moves everything alive to a generation no collection
    walks; reference counting still frees each object when it is dropped.
    """

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        gc.freeze()
        if self.enabled:
            gc.enable()


def save_cache(path: Path, data: dict[str, Any]) -> None:
    """Write a cache atomically, as sorted JSON; any failure is ignored: a cache
    that cannot be written only costs the work it would have saved."""
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


_LOADED: dict[str, tuple[object, Any]] = {}
"""The cache file each path last held when this process read or wrote it: its
stat and what it was made under (`under`), and what it holds."""


def remembered(path: Path, under: object) -> Any:
    """What `remember` kept of the file at `path` under `under`, while the file is
    still the one kept (else None: read it)."""
    known = _LOADED.get(str(path))
    stat = stat_key(path)
    if known is not None and stat is not None and known[0] == [stat, under]:
        return known[1]
    return None


def remember(path: Path, under: object, value: Any) -> None:
    """Keep `value` as what the file at `path` holds (just read or written)."""
    _LOADED[str(path)] = ([stat_key(path), under], value)


# --- HEAD -----------------------------------------------------------------------

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
"""An object name: SHA-1 (40 hex digits) or SHA-256 (64)."""


def head_from_files(git_dir: Path) -> str | None:
    """`<ref> <sha>` (or the sha alone for a detached HEAD), or None when git's
    files are not in one of the plain layouts (a detached HEAD, a branch in a loose
    ref file or in `packed-refs`): reftable, a ref naming another ref, an unborn
    branch give None, and the caller asks git (`gitlink/head.py`) or goes slow."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if _SHA.fullmatch(head):
            return head
        if not head.startswith("ref: refs/"):
            return None
        ref = head[len("ref: ") :]
        common = common_dir(git_dir)
        try:
            loose = (common / ref).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            # A ref missing from the folder and from packed-refs is an unborn branch
            # (or a reftable repository, whose HEAD names a placeholder): None.
            packed = (common / "packed-refs").read_text(encoding="utf-8")
            for line in packed.splitlines():
                sha, _, name = line.partition(" ")
                if name == ref and _SHA.fullmatch(sha):
                    return f"{ref} {sha}"
            return None
    except (OSError, UnicodeDecodeError):
        return None
    return f"{ref} {loose}" if _SHA.fullmatch(loose) else None


def head_sha(git_dir: Path) -> str | None:
    """The commit HEAD names, from git's files (see `head_from_files`)."""
    head = head_from_files(git_dir)
    return None if head is None else head.rpartition(" ")[2]


def common_dir(git_dir: Path) -> Path:
    """Where a linked worktree's refs and config live (its `commondir`)."""
    try:
        shared = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return git_dir / shared


# --- the sessions ---------------------------------------------------------------


def session_stats(sessions_dir: str, session_id: str) -> list[list[int] | None]:
    """The stat keys of a session's two files (plain strings: at 10,000 sessions
    pathlib's joins cost half a second)."""
    folder = f"{sessions_dir}{os.sep}{session_id}{os.sep}"
    return [stat_key(folder + SESSION_FILE), stat_key(folder + TIMELINE_FILE)]
