"""Finding and rewriting commit lines of a timeline file, on the standard library.

The hook uses it to stay idempotent and to follow `--amend`; `journal sync` to re-point
rewritten commits. Rewrites replace whole lines and keep every other byte as it was.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from journal.errors import InvalidDataError
from journal.store.files import atomic_write
from journal.store.timeline import format_event

# A commit is linked when its SHA is the value of one of these keys.
_LINKED_KEYS = rb"(?:sha|rewritten_from)['\"]?\s*:\s*['\"]?"

TYPE_CHECKING = False  # `typing` costs the hook a few ms at start-up
if TYPE_CHECKING:
    from typing import Any


def json_lines_with(raw: bytes, sha: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, event) of each JSON line whose `sha` is `sha`; index counts from 0."""
    found = []
    needle = sha.encode("ascii")
    for index, line in enumerate(raw.split(b"\n")):
        if needle not in line or not line.startswith(b"- "):
            continue
        try:
            data = json.loads(line[2:])
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("sha") == sha:
            found.append((index, data))
    return found


def replace_lines(
    path: Path, raw: bytes, changes: dict[int, dict[str, Any] | None]
) -> None:
    """Rewrite `path` (whose bytes are `raw`): line index → new event, or None to drop.

    The caller holds the session lock and read `raw` under it.
    """
    lines = raw.split(b"\n")
    out: list[bytes] = []
    for index, line in enumerate(lines):
        if index not in changes:
            out.append(line)
            continue
        event = changes[index]
        if event is not None:
            out.append(format_event(event).rstrip("\n").encode("utf-8"))
    data = b"\n".join(out)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_no = data[: exc.start].count(b"\n") + 1
        raise InvalidDataError(
            "the timeline holds bytes that are not UTF-8, so it was not rewritten",
            "fix that line (an editor saving in another encoding?)",
            where=f"{path}:{line_no}",
        ) from None
    atomic_write(path, text)


def is_linked(raw: bytes, sha: str) -> bool:
    """True if timeline bytes record `sha` as a commit (or as its old SHA).

    A byte search, then one regex to be sure it is a `sha` value: no parse.
    """
    needle = sha.encode("ascii")
    if needle not in raw:
        return False
    pattern = _LINKED_KEYS + re.escape(needle) + rb"\b"
    return re.search(pattern, raw) is not None
