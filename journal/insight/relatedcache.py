"""The related map as one run leaves it for the next (`relatedmap.py`): each
session's files' stat and row inputs, its best related sessions and who shares an
error with it, with what every score assumed (the code, the limit, the evidence
too common to count and the commit HEAD named, which renames follow).

One file in the state folder, decoded by msgspec straight into `Related` structs
(100,000 of them at 10,000 sessions), and kept in memory by the process that last
read or wrote it: `site serve` regenerates in one process. A missing, damaged or
foreign file is no map at all; the map is then built again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from journal.insight.related import Related
from journal.store.cache import code_digest
from journal.store.fingerprint import paused_gc, save_cache_bytes, stat_key

if TYPE_CHECKING:
    from pathlib import Path

CACHE_NAME = "related-map.json"
FORMAT = 4
Rows = dict[str, list[Related]]


class _Stored(msgspec.Struct):
    """The file's layout: sessions by position in the error lists."""

    format: int
    code: str
    limit: int
    common: list[str]
    head: str | None
    sessions: list[str]
    stats: list[Any]
    inputs: list[Any]
    related: list[list[Related]]
    errors: dict[str, list[int]]


class KeptMap:
    """The map and what it was made from."""

    def __init__(
        self,
        stats: dict[str, Any],
        inputs: dict[str, Any],
        related: Rows,
        errors: dict[str, set[str]],
        *,
        common: frozenset[str] = frozenset(),
        head: str | None = None,
    ) -> None:
        self.stats = stats
        self.inputs = inputs
        self.related = related
        self.errors = errors
        self.common = common
        self.head = head

    @classmethod
    def decode(cls, raw: bytes, *, limit: int) -> KeptMap | None:
        """What `raw` holds, or None when it is damaged or was made by another
        code or for another limit."""
        try:
            with paused_gc():
                stored = msgspec.json.decode(raw, type=_Stored)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if (stored.format, stored.code, stored.limit) != (FORMAT, code_digest(), limit):
            return None
        sessions = stored.sessions
        columns = (stored.stats, stored.inputs, stored.related)
        if any(len(column) != len(sessions) for column in columns):
            return None
        try:
            errors = {
                sessions[int(n)]: {sessions[m] for m in mates}
                for n, mates in stored.errors.items()
            }
        except (ValueError, IndexError):
            return None
        return cls(
            dict(zip(sessions, stored.stats, strict=True)),
            dict(zip(sessions, stored.inputs, strict=True)),
            dict(zip(sessions, stored.related, strict=True)),
            errors,
            common=frozenset(stored.common),
            head=stored.head,
        )

    def encode(self, *, limit: int) -> bytes:
        sessions = list(self.inputs)
        number = {sid: n for n, sid in enumerate(sessions)}
        errors = {
            str(number[sid]): sorted(number[m] for m in mates if m in number)
            for sid, mates in self.errors.items()
            if mates and sid in number
        }
        stored = _Stored(
            format=FORMAT,
            code=code_digest(),
            limit=limit,
            common=sorted(self.common),
            head=self.head,
            sessions=sessions,
            stats=[self.stats[sid] for sid in sessions],
            inputs=[self.inputs[sid] for sid in sessions],
            related=[self.related.get(sid, []) for sid in sessions],
            errors=errors,
        )
        return msgspec.json.encode(stored)


_LOADED: dict[str, tuple[Any, KeptMap]] = {}
"""The map this process last read or wrote, by path, with the file's stat."""


def load(path: Path, *, limit: int) -> KeptMap | None:
    """The kept map at `path`, from memory while the file is the one last seen."""
    known = _LOADED.get(str(path))
    stat = stat_key(path)
    if known is not None and stat is not None and known[0] == [stat, limit]:
        return known[1]
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    kept = KeptMap.decode(raw, limit=limit)
    if kept is not None:
        _LOADED[str(path)] = ([stat, limit], kept)
    return kept


def save(path: Path, kept: KeptMap, *, limit: int) -> None:
    save_cache_bytes(path, kept.encode(limit=limit))
    _LOADED[str(path)] = ([stat_key(path), limit], kept)
