"""Session pages that need no rendering: a page whose inputs have the digest they had
when it was written, and whose file is still the one written then, is kept as it is.

A page's inputs are its session's two files, its neighbours' labels, its evidence
folder, the configuration, the templates, whether diagrams are drawn, and the code
of journal.site and journal.render. The digests live in the state folder; losing
them only costs one full generation.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from journal import __version__
from journal.locate import CONFIG_NAME

_NAME = "site-pages.json"


def global_key(*, root: Path, folders: list[Path], flags: str) -> str:
    """Digest of what every session page depends on."""
    digest = hashlib.sha256(f"{__version__}\0{flags}\0".encode())
    digest.update(_read(root / CONFIG_NAME))
    for folder in folders:
        for path in sorted(_files(folder)):
            digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(_read(path))
    return digest.hexdigest()


def evidence_stamp(folder: Path) -> list[Any]:
    stamp: list[Any] = []
    for path in sorted(_files(folder)):
        st = path.stat()
        stamp.append([path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns])
    return stamp


class PageCache:
    """Keys of the session pages written, with the stat of each file written."""

    def __init__(self, state_dir: Path, docs_dir: Path):
        name = hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:12]
        self.path = state_dir / "site" / f"{name}-{_NAME}"
        self.docs_dir = docs_dir
        self._old = _load(self.path)
        self._new: dict[str, Any] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """True when `rel` was written for `key` and has not been touched since."""
        known = self._old.get(rel)
        if (
            isinstance(known, list)
            and known[:1] == [key]
            and known[1:] == [_stat(self.docs_dir / rel)]
        ):
            self._new[rel] = known
            return True
        return False

    def record(self, rel: str, key: str) -> None:
        self._new[rel] = [key, _stat(self.docs_dir / rel)]

    def save(self) -> None:
        if self._new == self._old:
            return
        # The cache only saves work: failing to write it must not fail the build.
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            tmp.write_text(json.dumps(self._new), encoding="utf-8")
            tmp.replace(self.path)
        except OSError:
            pass


def page_key(base: str, *parts: Any) -> str:
    raw = json.dumps([base, *parts], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".pyc" and "__pycache__" not in p.parts
    ]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _stat(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
