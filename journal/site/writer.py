"""The generated docs folder: files written only when their content changed, and
files no longer generated removed, so a builder watching it sees only real changes.

The folder belongs to journal: a marker file says so, and a folder holding files
journal did not write is refused rather than emptied.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import ConflictError, UsageError, WriteError

MARKER = ".journal-generated"


@dataclass
class WriteResult:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


class DocsWriter:
    """Collects the files of one generation; `finish` removes the rest."""

    def __init__(self, docs_dir: Path, *, root: Path, protect: list[Path]):
        self.docs_dir = docs_dir
        self.result = WriteResult()
        self._kept: set[str] = set()
        self._kept_folders: set[str] = set()
        _check_location(docs_dir, root=root, protect=protect)
        _claim(docs_dir)

    def write(self, rel: str, text: str) -> None:
        """Write a text file (UTF-8) unless it already has exactly this content."""
        path = self._path(rel)
        data = text.encode("utf-8")
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                self.result.unchanged += 1
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, data)
        self.result.written.append(rel)

    def keep(self, rel: str) -> None:
        """Keep a file as it is (its content is known to be current)."""
        self._claim(rel)
        self.result.unchanged += 1

    def keep_folder(self, rel: str) -> None:
        """Keep whatever a folder holds (a session's evidence, known current)."""
        self._claim(rel)
        self._kept_folders.add(rel)

    def copy(self, rel: str, source: Path) -> None:
        """Copy a file, skipped when size and modification time already match."""
        path = self._path(rel)
        st = source.stat()
        try:
            have = path.stat()
            if have.st_size == st.st_size and have.st_mtime_ns == st.st_mtime_ns:
                self.result.unchanged += 1
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        shutil.copy2(source, tmp)
        tmp.replace(path)
        self.result.written.append(rel)

    def finish(self) -> WriteResult:
        """Remove every file this generation did not write, then empty folders."""
        # Strings, not paths: at 10,000 sessions pathlib's joins cost 0.2 s.
        top = str(self.docs_dir)
        for dirpath, dirnames, filenames in os.walk(top, topdown=False):
            inside = dirpath[len(top) + 1 :].replace(os.sep, "/")
            prefix = f"{inside}/" if inside else ""
            for name in filenames:
                rel = prefix + name
                if rel != MARKER and rel not in self._kept and not self._in_kept(rel):
                    os.unlink(os.path.join(dirpath, name))  # noqa: PTH108, PTH118
                    self.result.removed.append(rel)
            folder = Path(dirpath)
            for name in dirnames:
                sub = folder / name
                if not sub.is_symlink() and not any(sub.iterdir()):
                    sub.rmdir()
        self.result.removed.sort()
        return self.result

    def _in_kept(self, rel: str) -> bool:
        if not self._kept_folders:
            return False
        parts = rel.split("/")
        return any(
            "/".join(parts[:end]) in self._kept_folders for end in range(1, len(parts))
        )

    def _path(self, rel: str) -> Path:
        self._claim(rel)
        return self.docs_dir / rel

    def _claim(self, rel: str) -> None:
        """Count `rel` as this generation's, once it is known to stay inside."""
        if rel.startswith("/") or ".." in rel.split("/"):
            raise UsageError(f"refusing to write {rel!r} outside the docs folder")
        self._kept.add(rel)


def _replace(path: Path, data: bytes) -> None:
    # Generated pages are rebuilt from the journal at will: a rename keeps a watching
    # builder from reading half a file, and no fsync is needed (it cost a quarter of
    # the generation time).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write {path}: {exc.strerror}") from None


def _check_location(docs_dir: Path, *, root: Path, protect: list[Path]) -> None:
    """The docs folder is emptied of strangers' files: it must not hold the journal
    root, nor overlap the sessions, templates or site folders."""
    docs = docs_dir.resolve()
    clashes = [root.resolve()] if root.resolve().is_relative_to(docs) else []
    for kept in (p.resolve() for p in protect):
        if kept.is_relative_to(docs) or docs.is_relative_to(kept):
            clashes.append(kept)
    if clashes:
        raise UsageError(
            f"site.docs_dir {docs_dir} overlaps {clashes[0]}",
            "point site.docs_dir in journal.yaml at a folder of its own, "
            "e.g. .journal-site/docs",
        )


def _claim(docs_dir: Path) -> None:
    marker = docs_dir / MARKER
    if marker.is_file():
        return
    if docs_dir.is_dir() and any(docs_dir.iterdir()):
        raise ConflictError(
            f"{docs_dir} holds files journal did not generate",
            "point site.docs_dir at an empty or new folder (journal rewrites it)",
        )
    docs_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text("generated by `journal site build`; rewritten on every build\n")
