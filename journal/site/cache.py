"""Session pages that need no rendering: a page whose inputs have the digest they had
when it was written, and whose file is still the one written then, is kept as it is.

A page's inputs are its session's two files, its neighbours' labels, its evidence
folder, whether diagrams are drawn, and the salt of every cache (`store/cache.py`:
the configuration, the templates and the package's code). The digests live in the
state folder; losing them only costs one full generation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.store.cache import load_cache, salt, save_cache_bytes, stat_key

if TYPE_CHECKING:
    from journal.store.sessions import Journal

_NAME = "site-pages.json"


def global_key(journal: Journal, flags: str) -> str:
    """Digest of what every session page depends on: the salt of every cache
    (`store/cache.py`) and the page's `flags`."""
    return hashlib.sha256(f"{salt(journal)}\0{flags}".encode()).hexdigest()


class PageCache:
    """Keys of the session pages written, with the stat of each file written."""

    def __init__(self, state_dir: Path, docs_dir: Path):
        name = hashlib.sha256(str(docs_dir.resolve()).encode()).hexdigest()[:12]
        self.path = state_dir / "site" / f"{name}-{_NAME}"
        self.docs_dir = docs_dir
        self._old = load_cache(self.path)
        self._new: dict[str, Any] = {}

    def fresh(self, rel: str, key: str) -> bool:
        """True when `rel` was written for `key` and has not been touched since."""
        known = self._old.get(rel)
        if (
            isinstance(known, list)
            and known[:1] == [key]
            and known[1:] == [stat_key(self.docs_dir / rel)]
        ):
            self._new[rel] = known
            return True
        return False

    def keep(self, rel: str) -> None:
        """Keep the key of a page known current (a live server's)."""
        known = self._old.get(rel)
        if known is not None:
            self._new[rel] = known

    def record(self, rel: str, key: str) -> None:
        self._new[rel] = [key, stat_key(self.docs_dir / rel)]

    def save(self) -> None:
        if self._new != self._old:
            save_cache_bytes(self.path, json.dumps(self._new).encode("utf-8"))


def page_key(base: str, *parts: Any) -> str:
    raw = json.dumps([base, *parts], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
