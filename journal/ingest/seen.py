"""The source ids a timeline already holds, read without parsing its events.

`format_event` writes `, "id": "…"` only as a key: inside a JSON string every `"` is
escaped, so the pattern cannot match message text. A reader that keeps the ids of a
file it appends to (`journal receive`) reads only the bytes added since it last
looked, and reads the whole file again when it shrank or was replaced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_ID = re.compile(rb', "id": ("(?:[^"\\\n]|\\.)*")')


def ids_in(data: bytes) -> set[str]:
    found = set()
    for literal in _ID.findall(data):
        try:
            found.add(json.loads(literal))
        except ValueError:
            continue
    return found


def timeline_ids(path: Path) -> set[str]:
    """Every `id` of a timeline; a missing file holds none, and a timeline that is
    not a readable file (a folder, a named pipe) is one error naming it."""
    from journal.store.eventlog import read_timeline

    return ids_in(read_timeline(path))


class SeenIds:
    """The ids of one timeline, kept up to date by reading only what was appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ids: set[str] = set()
        self._key: tuple[int, int] = (-1, -1)
        self._offset = 0

    def current(self) -> set[str]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self.ids, self._offset, self._key = set(), 0, (-1, -1)
            return self.ids
        key = (info.st_dev, info.st_ino)
        if key != self._key or info.st_size < self._offset:
            self.ids, self._offset, self._key = set(), 0, key
        if info.st_size > self._offset:
            with self.path.open("rb") as handle:
                handle.seek(self._offset)
                added = handle.read(info.st_size - self._offset)
            # Only whole lines: a line being written is read when it is complete.
            whole = added[: added.rfind(b"\n") + 1]
            self.ids |= ids_in(whole)
            self._offset += len(whole)
        return self.ids
