"""Every session's display number, cached by the stat of its `session.yaml`, so
`--session 8` at 10,000 sessions reads the files that changed, not all of them.

Like every cache here it is verified, not trusted: each number is reused only while
its file's (mtime, size, inode, ctime) is unchanged; a broken cache file costs one
full read. Standard library only: `journal log --session 8` goes through here.
"""

from __future__ import annotations

import os
from pathlib import Path

from journal import __version__
from journal.store.fingerprint import load_cache, save_cache, stat_key
from journal.store.ids import number_of

_NAME = "numbers.json"


def session_numbers(
    sessions_dir: Path, state_dir: Path, session_ids: list[str]
) -> dict[str, int | None]:
    """id → display number (None without one) for each of `session_ids`."""
    path = state_dir / _NAME
    stored = load_cache(path)
    cached = stored.get("sessions") if stored.get("version") == __version__ else None
    known = cached if isinstance(cached, dict) else {}
    base = f"{sessions_dir}{os.sep}"
    fresh: dict[str, list[object]] = {}
    numbers: dict[str, int | None] = {}
    changed = set(known) != set(session_ids)
    for session_id in session_ids:
        stat = stat_key(f"{base}{session_id}{os.sep}session.yaml")
        entry = known.get(session_id)
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == stat:
            number = entry[1] if isinstance(entry[1], int) else None
        else:
            number = number_of(sessions_dir / session_id)
            changed = True
        numbers[session_id] = number
        fresh[session_id] = [stat, number]
    if changed:
        save_cache(path, {"version": __version__, "sessions": fresh})
    return numbers
