"""Every session's display number, cached by the stat of its `session.yaml`, so
`--session 8` at 10,000 sessions reads the files that changed, not all of them.

Like every cache here it is verified, not trusted. The cache is a text file, one line
a session (`number id mtime size inode ctime`), under a header naming the package
code (`store/cache.py`) and a checksum of the session folders it was made for:

- `session_numbers` (every number) re-reads each file whose stat changed;
- `sessions_numbered(N)` (what `--session N` needs) looks the number up without
  parsing the rest of the file, and believes the lines it finds only while the folder
  list is the one the cache was made for and each such session's file is unchanged.
  Anything else — no such line, a changed file, a new or removed session, a broken
  cache — costs one full pass. What it does not see is a second session edited in
  place to take a number the first still holds: a duplicate `journal check` reports;
  the event still goes to a session whose file carries that number.

Standard library only: `journal log --session 8` goes through here.
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path

from journal.store.cache import code_digest, read_or_empty, save_cache_bytes, stat_key
from journal.store.ids import number_of

_NAME = "numbers.txt"


def session_numbers(
    sessions_dir: Path, state_dir: Path, session_ids: list[str]
) -> dict[str, int | None]:
    """id → display number (None without one) for each of `session_ids`."""
    path = state_dir / _NAME
    text = read_or_empty(path)
    known = _entries(text) if text.startswith(_header(session_ids, exact=False)) else {}
    base = f"{sessions_dir}{os.sep}"
    numbers: dict[str, int | None] = {}
    header = _header(session_ids)
    lines = [header.decode("utf-8")]
    changed = not text.startswith(header)
    for session_id in session_ids:
        stat = stat_key(f"{base}{session_id}{os.sep}session.yaml")
        entry = known.get(session_id)
        if entry is not None and entry[0] == stat:
            number = entry[1]
        else:
            number = number_of(sessions_dir / session_id)
            changed = True
        numbers[session_id] = number
        shown = "-" if number is None else str(number)
        lines.append(f"{shown} {session_id} {_stat_text(stat)}\n")
    if changed:
        save_cache_bytes(path, "".join(lines).encode("utf-8"))
    return numbers


def sessions_numbered(
    sessions_dir: Path, state_dir: Path, session_ids: list[str], number: int
) -> list[str]:
    """The sessions of `session_ids` whose number is `number`."""
    text = read_or_empty(state_dir / _NAME)
    if text.startswith(_header(session_ids)):
        base = f"{sessions_dir}{os.sep}"
        found: list[str] = []
        for match in re.finditer(rb"^%d (\S+) (.+)$" % number, text, re.MULTILINE):
            session_id = match[1].decode("utf-8")
            stat = stat_key(f"{base}{session_id}{os.sep}session.yaml")
            if stat is None or _stat_text(stat) != match[2].decode("ascii"):
                found = []
                break
            found.append(session_id)
        if found:
            return found
    numbers = session_numbers(sessions_dir, state_dir, session_ids)
    return [i for i in session_ids if numbers[i] == number]


def _header(session_ids: list[str], *, exact: bool = True) -> bytes:
    """The first line: the format and code, and — when `exact` — a checksum of the
    folder list, so a session added, removed or renamed invalidates the lookup."""
    head = f"journal-numbers 2 {code_digest()}"
    if not exact:
        return head.encode("utf-8")
    listed = "\n".join(session_ids).encode("utf-8")
    return f"{head} {len(session_ids)} {zlib.crc32(listed):08x}\n".encode()


def _stat_text(stat: list[int] | None) -> str:
    return "missing" if stat is None else " ".join(map(str, stat))


def _entries(text: bytes) -> dict[str, tuple[list[int] | None, int | None]]:
    """The lines of a cache file, id → (stat, number); lines that do not parse are
    left out, so their sessions are read again."""
    entries: dict[str, tuple[list[int] | None, int | None]] = {}
    for line in text.decode("utf-8", "replace").splitlines()[1:]:
        fields = line.split(" ")
        if len(fields) == 6 and all(f.isdigit() for f in fields[2:]):
            stat: list[int] | None = [int(f) for f in fields[2:]]
        elif len(fields) == 3 and fields[2] == "missing":
            stat = None
        else:
            continue
        if fields[0] != "-" and not fields[0].isdigit():
            continue
        entries[fields[1]] = (stat, None if fields[0] == "-" else int(fields[0]))
    return entries
