"""The append-only event log (`timeline.yaml`): one event per line, a JSON mapping.

Writing a line is `journal.store.eventlog` (the hook's light path). Reading parses
each line as JSON (a YAML flow mapping that JSON can read), falling back to YAML for
lines a person wrote by hand. A torn line (a crash mid-write) is never dropped: the
next append sets it aside in `timeline.yaml.torn` first, readers skip it with a
warning, and `journal check --fix` repairs it.
"""

from __future__ import annotations

import json
import operator
import re
from datetime import UTC, datetime
from pathlib import Path

from journal.errors import CONFLICT_MARKERS, InvalidDataError
from journal.record import Record
from journal.store import notices
from journal.store.eventlog import append_if_whole, format_event, read_timeline
from journal.store.files import (
    TornTailError,
    append_line,
    atomic_write,
    read_bytes,
    shown,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def append_event(path: Path, event: dict[str, Any]) -> None:
    """Append one event; the caller holds the session lock. A torn last line (a crash
    cut an earlier write short) is set aside first, with a warning, so the new event
    never lands after half a line."""
    try:
        append_if_whole(path, event)
    except TornTailError:
        done = repair(path)  # a whole last line only gets its newline: no warning
        if done.set_aside or done.recovered:
            notices.warn(done.describe(shown(path)))
        append_line(path, format_event(event))


class RawLine(Record):
    """One parsed timeline line: its number, the data, or the problem with it; `torn`
    for a line a crash cut short (the last line without its newline, or anywhere, a
    mapping that was never closed)."""

    line: int
    data: dict[str, Any] | None
    problem: str | None = None
    torn: bool = False


def read_lines(path: Path) -> list[RawLine]:
    """Every event line of a timeline, parsed; a missing file is an empty timeline.
    A line that is not valid UTF-8 is reported as such, never read with replacement
    characters that a later rewrite would make permanent."""
    raw = read_timeline(path)
    ends_clean = raw.endswith(b"\n") or not raw
    try:
        lines: list[str | bytes] = list(raw.decode("utf-8-sig").split("\n"))
    except UnicodeDecodeError:
        lines = [_decoded(chunk) for chunk in raw.removeprefix(_BOM).split(b"\n")]
    last_index = len(lines) - 2 if ends_clean else len(lines) - 1
    result: list[RawLine] = []
    for index, line in enumerate(lines):
        torn = (index == last_index and not ends_clean) or _unclosed(line)
        if isinstance(line, bytes):
            result.append(_undecodable(line, index + 1, torn=torn))
        elif line.strip() and not line.lstrip().startswith("#"):
            result.append(_parse_line(line, index + 1, torn=torn))
    return result


def _unclosed(line: str | bytes) -> bool:
    """A line `format_event` began and never closed: what a crash leaves (torn
    wherever it is: appends before this release wrote on after it)."""
    if isinstance(line, bytes):
        return line.startswith(_WRITTEN) and line.rstrip()[-1:] != b"}"
    return line.startswith(_WRITTEN_TEXT) and line.rstrip()[-1:] != "}"


_WRITTEN_TEXT = '- {"at": "'  # how every line `format_event` writes begins
_WRITTEN = _WRITTEN_TEXT.encode()


# A control character other than the line break: JSON readers differ on them in
# strings, so a timeline holding one is never read by `plain_bodies`.
_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]")


def plain_bodies(path: Path) -> list[bytes] | None:
    """The JSON object of each line of a timeline written only by `format_event` (every
    line `- {…}`, whole, and nothing else): the bytes after `- `. None for anything
    else — a comment, a blank or hand-written line, a torn last line, a control
    character, a missing file — which `read_lines` reads line by line."""
    try:
        raw = read_bytes(path)
    except OSError:
        return None
    if not raw.endswith(b"\n") or _CONTROL.search(raw):
        return None
    lines = raw[:-1].split(b"\n")
    if not all(line[:3] == b"- {" and line[-1:] == b"}" for line in lines):
        return None
    return [line[2:] for line in lines]


_BOM = b"\xef\xbb\xbf"
# The `at` of an event line as `format_event` writes it (a literal prefix: the regular
# expression engine skips to it), and as a person may type it (`{at: …, …}`).
_AT_WRITTEN = re.compile(rb'\n- \{"at": "([^"]{1,64})"')
_AT_ANY = re.compile(rb"""^- \{\s*["']?at["']?\s*:\s*["']?([^"',}\s]+)""", re.MULTILINE)
_OFFSET = operator.itemgetter(slice(-6, None))
_UTC = operator.methodcaller("astimezone", UTC)


class Outline(Record):
    """What `journal list` needs of a timeline, read without parsing each event."""

    events: int
    first: datetime | None
    last: datetime | None
    torn: int = 0
    """Lines a crash cut short: not counted in `events`."""


def outline(path: Path) -> Outline:
    """The number of events and the earliest and latest `at` of a timeline, by one
    regular expression over the file: at 10,000 sessions `journal list` cannot
    afford a parse per event. Times with one offset and one width compare as text,
    so only a timeline with several offsets has each of its times parsed."""
    raw = read_timeline(path)
    count = raw.count(b"\n- ") + raw.startswith(b"- ")
    closed = raw.count(b"}\n") + raw.endswith(b"}")
    torn = 0
    if closed < count:  # a line does not end in `}`: rare, so each such line is parsed
        torn = sum(
            _parse_line(line.decode("utf-8", "replace"), 0, torn=True).data is None
            for line in raw.split(b"\n")
            if _unclosed(line)
        )
    found = _AT_WRITTEN.findall(b"\n" + raw)
    if len(found) != count:
        found = _AT_ANY.findall(raw)
    if len(set(map(len, found))) > 1 or len(set(map(_OFFSET, found))) > 1:
        moments = [m for m in map(_moment, found) if m is not None]
        first = min(moments, key=_UTC, default=None)
        last = max(moments, key=_UTC, default=None)
    else:
        first = _moment(min(found)) if found else None
        last = _moment(max(found)) if found else None
    return Outline(events=count - torn, first=first, last=last, torn=torn)


def _moment(at: bytes) -> datetime | None:
    try:
        moment = datetime.fromisoformat(at.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _decoded(chunk: bytes) -> str | bytes:
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        return chunk


def _undecodable(chunk: bytes, number: int, *, torn: bool) -> RawLine:
    try:
        chunk.decode("utf-8")
        problem = "cannot be read as an event"
    except UnicodeDecodeError as exc:
        problem = (
            f"is not valid UTF-8 (byte 0x{chunk[exc.start]:02x} "
            f"at column {exc.start + 1})"
        )
    return RawLine(line=number, data=None, problem=problem, torn=torn)


def _parse_line(line: str, number: int, *, torn: bool) -> RawLine:
    data, problem, reason = None, None, None
    if line.startswith(CONFLICT_MARKERS):
        problem = f"is a merge conflict marker ({line[:7]}): the merge is unfinished"
    elif not line.startswith("- "):
        problem = "not a list item (each line starts with '- ')"
    else:
        body = line[2:].strip()
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # deep nesting: YAML refuses it clearly
            from journal.store.yamlio import parse_yaml  # a line a person wrote

            try:
                data = parse_yaml(body, where="")
            except InvalidDataError as exc:
                reason = exc.message
    if data is None and problem is None:
        problem = "cannot be read as an event"
        # A refusal (an alias, a tag naming Python code) is worth its words; a typo's
        # position within the line is not.
        if reason and (not reason.startswith("invalid YAML") or "the tag" in reason):
            problem += f" ({reason})"
    elif data is not None and not isinstance(data, dict):
        data, problem = None, "is not a mapping ({at: …, kind: …, text: …})"
    return RawLine(line=number, data=data, problem=problem, torn=torn)


class Repaired(Record):
    """What `repair` did: the lines completed in place and the lines set aside."""

    recovered: tuple[int, ...] = ()
    set_aside: tuple[int, ...] = ()
    torn_file: str = ""

    def describe(self, where: str) -> str:
        """One line for the user; `where` is the timeline as they see it."""
        parts = []
        if self.set_aside:
            parts.append(
                f"{_lines(self.set_aside)} cut short by an earlier crash set aside "
                f"in {self.torn_file} (nothing is lost: review it)"
            )
        if self.recovered:
            parts.append(
                f"{_lines(self.recovered)} cut short by an earlier crash completed "
                "(its event is kept)"
            )
        return f"{where}: " + "; ".join(parts or ["no torn line"])


def _lines(numbers: tuple[int, ...]) -> str:
    word = "line" if len(numbers) == 1 else "lines"
    return f"{word} {', '.join(map(str, numbers))}"


def repair(path: Path) -> Repaired:
    """Rewrite a timeline holding torn lines, keeping what can be recovered: a torn
    line that still parses once closed (a missing `}` or newline) is kept in its
    place; one that cannot be recovered is appended to a `timeline.yaml.torn` file
    beside it (before the timeline is rewritten: a crash between leaves it in both,
    never in neither). Every other line is kept byte for byte, and a last line that
    only lacks its newline gets one."""
    torn = {raw.line for raw in read_lines(path) if raw.torn and raw.data is None}
    raw = read_timeline(path)
    chunks = raw.split(b"\n")
    if raw.endswith(b"\n") or not raw:
        chunks.pop()
    kept: list[bytes] = []
    recovered: list[int] = []
    aside: list[int] = []
    for number, chunk in enumerate(chunks, 1):
        if number not in torn:
            kept.append(chunk)
        elif (event := _recovered(chunk)) is not None:
            kept.append(format_event(event).encode("utf-8").rstrip(b"\n"))
            recovered.append(number)
        else:
            aside.append(number)
    torn_file = path.with_name(path.name + ".torn")
    if aside:
        append_line(torn_file, b"".join(chunks[n - 1] + b"\n" for n in aside))
    fixed = b"".join(chunk + b"\n" for chunk in kept)
    if fixed != raw:
        atomic_write(path, fixed)
    return Repaired(
        recovered=tuple(recovered), set_aside=tuple(aside), torn_file=shown(torn_file)
    )


def _recovered(chunk: bytes) -> dict[str, Any] | None:
    """The event a torn line still holds once closed, if it is a whole one."""
    import codecs

    try:  # the text without a character the cut split in two
        text = codecs.getincrementaldecoder("utf-8")().decode(chunk, final=False)
    except UnicodeDecodeError:
        return None  # bytes that are not UTF-8 at all
    for candidate in (text, text + "}", text + '"}'):
        parsed = _parse_line(candidate, 0, torn=False)
        if parsed.data is None:
            continue
        # A whole, valid event: a line cut after `"text":` closes as `"text": null`,
        # which must not come back as an event no reader accepts.
        from journal.model.session import ModelError, to_event

        try:
            to_event(parsed.data)
        except ModelError:
            continue
        return parsed.data
    return None
