"""Finding and rewriting commit lines of a timeline file, on the standard library.

The hook uses it to stay idempotent and to follow `--amend`; `journal sync` to re-point
rewritten commits. Rewrites replace whole lines and keep every other byte as it was.
"""

from __future__ import annotations

from journal.errors import InvalidDataError
from journal.store.eventlog import format_event
from journal.store.files import atomic_write

TYPE_CHECKING = False  # `typing` costs the hook a few ms at start-up
if TYPE_CHECKING:
    from typing import Any

    from journal.store.files import StrPath

# A commit is linked when its SHA is the value of one of these keys.
_LINKED_KEYS = (b"sha", b"rewritten_from")
_QUOTES = b"'\""
_SPACE = b" \t\n\r\f\v"
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def json_lines_with(raw: bytes, sha: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, event) of each JSON line whose `sha` is `sha`; index counts from 0."""
    import json  # only after an amend: the hook's plain commit never parses a line

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
    path: StrPath, raw: bytes, changes: dict[int, dict[str, Any] | None]
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
    """True if timeline bytes record `sha` as a commit (or as its old SHA): the value
    of a `sha` or `rewritten_from` key, quoted or not, as the whole word.

    A byte search, then a look at the bytes around each hit: no parse, and no regex
    (`re` would cost each hooked commit about 5 ms to import).
    """
    needle = sha.encode("ascii")
    at = raw.find(needle)
    while at != -1:
        after = raw[at + len(needle) : at + len(needle) + 1]
        if (not after or after[0] not in _WORD) and _after_key(raw, at):
            return True
        at = raw.find(needle, at + 1)
    return False


def _after_key(raw: bytes, at: int) -> bool:
    """Whether `raw[:at]` ends in a linking key and its colon: `sha: `, `"sha": "`,
    `'rewritten_from':'`… (what `(?:sha|rewritten_from)['"]?\\s*:\\s*['"]?` matches)."""
    end = at - 1 if at and raw[at - 1] in _QUOTES else at
    while end and raw[end - 1] in _SPACE:
        end -= 1
    if not end or raw[end - 1] != ord(":"):
        return False
    end -= 1
    while end and raw[end - 1] in _SPACE:
        end -= 1
    if end and raw[end - 1] in _QUOTES:
        end -= 1
    return raw.endswith(_LINKED_KEYS, 0, end)
