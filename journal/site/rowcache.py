"""What each session contributes to the summary pages — its rows in the session
tables, its metrics row, its lessons, its follow-up rows — kept between generations,
so that after one session changed the pages are put together from the rows of the
others instead of escaping and linking 10,000 sessions again.

A session's rows are reused only while its stamp is the one they were made under:
the stats of its two files as the site's index took them (`records`), and its
trailer commits; the cache as a whole only under the same salt (`store/cache.py`:
the package's code, templates, `journal.yaml`). Whatever else a row depends on (the
page's folder, its open follow-ups, its tags' file names, today) is part of the
row's name, so a row made for other
inputs is never found. A missing, truncated, foreign or damaged file (a checksum
covers its rows) means making its rows again; failing to write one is never an error.

The rows live in SHARDS files by session, so a change to one session rewrites one
file of the twenty megabytes 10,000 sessions' rows take.

Each row remembers whether `safety.defang_links` leaves it as it is, so the pages'
check skips those lines (`fixed`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from journal.site.safety import unchanged_line
from journal.store.cache import paused_gc, save_cache_bytes

FORMAT = 1
NAME = "site-rows"
"""The folder of the rows' files, in the state folder's `site/`."""
SHARDS = 16


class Rows:
    """Rows by session and name; without a folder (a site of several journals, a
    test) every row is made, none kept."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        salt: str = "",
        stamps: dict[str, Any] | None = None,
    ) -> None:
        self.folder = folder
        self.salt = salt
        self.stamps = stamps or {}
        self.fixed: set[str] = set()
        """Lines handed out that `defang_links` leaves as they are."""
        self._fresh: dict[str, dict[str, Any]] | None = None
        self._stored: dict[int, set[str]] = {}
        """The sessions each shard's file held."""
        self._new: dict[str, dict[str, Any]] = {}
        self._made: set[str] = set()
        """Sessions with a row made this time."""

    def line(self, session_id: str, name: str, make: Callable[[], str]) -> str:
        """The session's row `name`: the one kept, or `make()`."""
        kept = self._kept(session_id, name)
        if (
            type(kept) is not list
            or len(kept) != 2
            or type(kept[0]) is not str
            or type(kept[1]) is not bool
        ):
            text = make()
            kept = [text, unchanged_line(text)]
            self._made.add(session_id)
        self._use(session_id, name, kept)
        if kept[1]:
            self.fixed.add(kept[0])
        return kept[0]  # type: ignore[no-any-return]

    def lines(
        self, session_id: str, name: str, count: int, make: Callable[[], list[str]]
    ) -> list[str]:
        """`count` lines under one name (a session's lessons), as `line`."""
        kept = self._kept(session_id, name)
        if not (
            type(kept) is list
            and len(kept) == 2
            and type(kept[0]) is list
            and type(kept[1]) is list
            and len(kept[0]) == len(kept[1]) == count
            and all(type(t) is str for t in kept[0])
            and all(type(f) is bool for f in kept[1])
        ):
            texts = make()
            kept = [texts, [unchanged_line(t) for t in texts]]
            self._made.add(session_id)
        self._use(session_id, name, kept)
        self.fixed.update(t for t, f in zip(kept[0], kept[1], strict=True) if f)
        return kept[0]  # type: ignore[no-any-return]

    def carried(self, stamps: dict[str, Any]) -> Rows:
        """The rows for the next generation in this process (`journal site serve`):
        those of this one whose session still has the stamp they were made under,
        without reading the files again."""
        carried = Rows(self.folder, salt=self.salt, stamps=stamps)
        mine = self.stamps
        kept = {
            sid: rows
            for sid, rows in self._new.items()
            if sid in stamps and stamps[sid] == mine.get(sid)
        }
        carried._fresh = kept
        carried._new = {sid: dict(rows) for sid, rows in kept.items()}
        carried._stored = self._stored
        return carried

    def save(self) -> None:
        """Keep the rows used this time (those of sessions gone are dropped),
        rewriting the shards where a row was made or a session went."""
        if self.folder is None:
            return
        import msgspec

        stamps = self.stamps
        shards: dict[int, dict[str, Any]] = {n: {} for n in range(SHARDS)}
        for sid, rows in self._new.items():
            if sid in stamps:
                shards[shard_of(sid)][sid] = [stamps[sid], rows]
        dirty = {shard_of(sid) for sid in self._made}
        for n, held in self._stored.items():
            if not held <= shards[n].keys():
                dirty.add(n)
        for n in sorted(dirty):
            body = msgspec.json.encode(shards[n])
            head = {"format": FORMAT, "salt": self.salt, "crc": zlib.crc32(body)}
            data = msgspec.json.encode(head) + b"\n" + body
            save_cache_bytes(self.folder / f"{n:02d}.json", data)
            self._stored[n] = set(shards[n])

    def _kept(self, session_id: str, name: str) -> Any:
        fresh = self._fresh
        if fresh is None:
            fresh = self._fresh = self._load()
        rows = fresh.get(session_id)
        return None if rows is None else rows.get(name)

    def _use(self, session_id: str, name: str, kept: list[Any]) -> None:
        """Keep the row for next time (rows not used this time are dropped)."""
        if self.folder is None:
            return
        rows = self._new.get(session_id)
        if rows is None:
            rows = self._new[session_id] = {}
        rows[name] = kept

    def _load(self) -> dict[str, dict[str, Any]]:
        """The kept rows of each session whose stamp still holds."""
        fresh: dict[str, dict[str, Any]] = {}
        if self.folder is None or not self.folder.is_dir():
            return fresh  # a first build: one look, not one a shard
        stamps = self.stamps
        for n in range(SHARDS):
            sessions = self._shard(self.folder / f"{n:02d}.json")
            self._stored[n] = set(sessions)
            fresh.update(
                (sid, entry[1])
                for sid, entry in sessions.items()
                if type(entry) is list
                and len(entry) == 2
                and type(entry[1]) is dict
                and sid in stamps
                and entry[0] == stamps[sid]
            )
        return fresh

    def _shard(self, path: Path) -> dict[str, Any]:
        """One file's sessions; none when it is missing, damaged or foreign."""
        import msgspec

        try:
            head, _, body = path.read_bytes().partition(b"\n")
            stored = msgspec.json.decode(head)
            if (
                not isinstance(stored, dict)
                or stored.get("format") != FORMAT
                or stored.get("salt") != self.salt
                or stored.get("crc") != zlib.crc32(body)
            ):
                return {}
            with paused_gc():
                sessions = msgspec.json.decode(body)
        except (OSError, msgspec.DecodeError):
            return {}
        return sessions if isinstance(sessions, dict) else {}


def shard_of(session_id: str) -> int:
    """The file a session's rows are kept in."""
    return zlib.crc32(session_id.encode("utf-8")) % SHARDS
