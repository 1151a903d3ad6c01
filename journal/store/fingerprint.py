"""Fingerprints of files, and the small JSON caches keyed by them: what lets
`render --all` and the site skip work whose inputs did not change.

Everything here is best effort by design: a cache that cannot be read or written
only costs the work it would have saved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths use this)
if TYPE_CHECKING:
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
    try:
        return path.read_bytes()
    except OSError:
        return b""


def stat_key(path: Path | str) -> list[int] | None:
    """What changes when a file is rewritten or replaced: mtime, size, inode, and
    ctime, which every write moves — even one that puts the old mtime back."""
    try:
        st = os.stat(path)  # noqa: PTH116 - strings: pathlib costs at 10,000 sessions
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns]


def load_cache(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_cache(path: Path, data: dict[str, Any]) -> None:
    """Write a cache atomically; any failure is ignored (see the module docstring)."""
    save_cache_bytes(path, json.dumps(data, sort_keys=True).encode("utf-8"))


def save_cache_bytes(path: Path, data: bytes) -> None:
    """`save_cache` for a cache with a layout of its own."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        pass
