"""A timeline file at the level of bytes: one event as its stored line, appending
lines, and reading the file's bytes.

Appending formats one line and writes it with O_APPEND under the session lock: no
parse of the file. This is the part of the timeline the git hook and `journal log`
run on every commit and every event, so it stays on the standard library's lightest
modules — not even `json` or `re` (their imports cost a hooked commit about 7 ms);
parsing and repairing a timeline is `journal.store.timeline`.
"""

from __future__ import annotations

import itertools

from journal.errors import InvalidDataError
from journal.store.files import append_chunks, append_line, read_checked

try:  # json.encoder's own quoting (ensure_ascii=False), without json's regexes
    from _json import encode_basestring as _quoted
except ImportError:  # a Python without json's C part
    from json.encoder import py_encode_basestring as _quoted

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

    from journal.store.files import StrPath

# JSON leaves these raw with ensure_ascii=False, and YAML reads them as line breaks,
# strips them or (U+FFFE, U+FFFF) refuses the file: escape them so every loader
# returns the exact text (ECOSYSTEM.md).
_YAML_UNSAFE = {
    cp: f"\\u{cp:04x}" for cp in (0x2028, 0x2029, 0x0085, 0xFEFF, 0xFFFE, 0xFFFF)
}
_YAML_UNSAFE.update({cp: f"\\u{cp:04x}" for cp in range(0x7F, 0xA0)})
_FIELD_ORDER = ("at", "kind", "text")


def format_event(event: dict[str, Any]) -> str:
    """The stored line for one event: `- {"at": …, "kind": …, "text": …, …}\\n`."""
    if _in_order(event):
        body = _body(event)  # already the stored shape (a reader's event)
    else:
        ordered = {k: event[k] for k in _FIELD_ORDER if k in event}
        ordered.update(
            (k, v) for k, v in event.items() if k not in ordered and _kept(v)
        )
        body = _body(ordered)
    if not body.isascii() or "\x7f" in body:  # the only characters translated
        body = body.translate(_YAML_UNSAFE)
    return "- " + body + "\n"


def _body(event: dict[str, Any]) -> str:
    """`event` as `json.dumps(event, ensure_ascii=False)` writes it. A mapping of
    strings to strings (what the hook and `journal log` write) is joined here with
    json's own C quoting, without importing `json`, and faster than its encoder
    (1.2 against 2.0 µs an event); anything else goes through `json`."""
    for key, value in event.items():
        if type(key) is not str or type(value) is not str:
            return _json_encode(event)
    return (
        "{"
        + ", ".join([_quoted(k) + ": " + _quoted(v) for k, v in event.items()])
        + "}"
    )


def _json_encode(event: dict[str, Any]) -> str:
    if not _ENCODER:  # one encoder for every line: `json.dumps` makes one a call
        import json

        _ENCODER.append(json.JSONEncoder(ensure_ascii=False).encode)
    return _ENCODER[0](event)


_ENCODER: list[Callable[[Any], str]] = []


def _in_order(event: dict[str, Any]) -> bool:
    """Whether `event` is stored as it is: `at`, `kind`, `text` first and no value
    `_kept` leaves out. `x in values` compares by `==`, so a 0 (== False) or an
    empty tuple only sends the event the long way, never the wrong way."""
    keys = iter(event)
    if (next(keys, None), next(keys, None), next(keys, None)) != _FIELD_ORDER:
        return False
    values = event.values()
    return not (None in values or False in values or "" in values or [] in values)


def _kept(value: Any) -> bool:
    # Not `value not in (None, False, [], "")`: 0 == False, and exit code 0 must stay.
    return value is not None and value is not False and value != [] and value != ""


def append_if_whole(path: StrPath, event: dict[str, Any]) -> None:
    """Append one event; the caller holds the session lock. If the file's last line
    is torn (a crash cut an earlier write short), nothing is written and
    `TornTailError` is raised: `journal.store.timeline.append_event` sets that line
    aside first, so the new event never lands after half a line."""
    refuse_bad_utf8(event)
    append_line(path, format_event(event), whole_tail=True)


def event_line(event: dict[str, Any]) -> bytes:
    """The stored line of an event for `append_lines`, as UTF-8 (refused if it
    cannot be)."""
    line = format_event(event)
    if not line.isascii():
        refuse_bad_utf8(event)
    return line.encode("utf-8")


def append_lines(path: StrPath, lines: Iterable[bytes]) -> None:
    """Append the lines of several events (`event_line`), a megabyte a write, with
    one fsync (`journal ingest`); the caller holds the session lock. On a failed
    write the file stays as it was; with no lines, nothing is opened."""
    chunks = _chunks(lines)
    first = next(chunks, None)
    if first is not None:
        append_chunks(path, itertools.chain([first], chunks))


def _chunks(lines: Iterable[bytes]) -> Iterator[bytes]:
    held: list[bytes] = []
    size = 0
    for line in lines:
        held.append(line)
        size += len(line)
        if size >= 1 << 20:
            yield b"".join(held)
            held, size = [], 0
    if held:
        yield b"".join(held)


def refuse_bad_utf8(event: dict[str, Any]) -> None:
    """Refuse a field whose text holds bytes the terminal could not decode."""
    for key, value in event.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidDataError(
                    f"the {key} contains bytes that are not valid UTF-8",
                    "check the terminal's encoding (LANG / LC_ALL)",
                ) from None


def read_timeline(path: StrPath) -> bytes:
    """The bytes of a timeline; a missing file is empty. Anything but a readable
    regular file is one `InvalidDataError` naming it (`read_checked`)."""
    try:
        return read_checked(path, hint="check the file's permissions")
    except FileNotFoundError:
        return b""
