"""The append-only event log (`timeline.yaml`): one event per line, a JSON mapping.

Appending formats one line and writes it with O_APPEND: no parse of the file, standard
library only, so the git hook and `journal log` stay fast. Reading parses each line as
JSON (a YAML flow mapping that JSON can read), falling back to YAML for lines a person
wrote by hand; a torn last line (a crash mid-write) is reported, never dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

from journal.errors import InvalidDataError
from journal.fsio import append_line, atomic_write
from journal.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# JSON leaves these raw with ensure_ascii=False, and YAML reads them as line breaks or
# strips them: escape them so every loader returns the exact text (ECOSYSTEM.md).
_YAML_UNSAFE = {cp: f"\\u{cp:04x}" for cp in (0x2028, 0x2029, 0x0085, 0xFEFF)}
_YAML_UNSAFE.update({cp: f"\\u{cp:04x}" for cp in range(0x7F, 0xA0)})
_FIELD_ORDER = ("at", "kind", "text")


def format_event(event: dict[str, Any]) -> str:
    """The stored line for one event: `- {"at": …, "kind": …, "text": …, …}\\n`."""
    ordered = {k: event[k] for k in _FIELD_ORDER if k in event}
    ordered.update((k, v) for k, v in event.items() if k not in ordered and _kept(v))
    body = json.dumps(ordered, ensure_ascii=False)
    return "- " + body.translate(_YAML_UNSAFE) + "\n"


def _kept(value: Any) -> bool:
    # Not `value not in (None, False, [], "")`: 0 == False, and exit code 0 must stay.
    return value is not None and value is not False and value != [] and value != ""


def append_event(path: Path, event: dict[str, Any]) -> None:
    """Append one event; the caller holds the session lock."""
    _refuse_surrogates(event)
    append_line(path, format_event(event))


def _refuse_surrogates(event: dict[str, Any]) -> None:
    for key, value in event.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidDataError(
                    f"the {key} contains bytes that are not valid UTF-8",
                    "check the terminal's encoding (LANG / LC_ALL)",
                ) from None


class RawLine(Record):
    """One parsed timeline line: its number, the data, or the problem with it."""

    line: int
    data: dict[str, Any] | None
    problem: str | None = None
    torn: bool = False


def read_lines(path: Path) -> list[RawLine]:
    """Every event line of a timeline, parsed; a missing file is an empty timeline."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    text = raw.decode("utf-8", errors="replace")
    lines = text.split("\n")
    ends_clean = text.endswith("\n") or not text
    last_index = len(lines) - 2 if ends_clean else len(lines) - 1
    result: list[RawLine] = []
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        result.append(
            _parse_line(line, index + 1, torn=(index == last_index and not ends_clean))
        )
    return result


def _parse_line(line: str, number: int, *, torn: bool) -> RawLine:
    if not line.startswith("- "):
        problem = "not a list item (each line starts with '- ')"
        return RawLine(line=number, data=None, problem=problem, torn=torn)
    body = line[2:].strip()
    try:
        data = json.loads(body)
    except ValueError:
        data = _parse_yaml_line(body)
    if data is None:
        return RawLine(
            line=number, data=None, problem="cannot be read as an event", torn=torn
        )
    if not isinstance(data, dict):
        problem = "is not a mapping ({at: …, kind: …, text: …})"
        return RawLine(line=number, data=None, problem=problem, torn=torn)
    return RawLine(line=number, data=data, torn=torn)


def _parse_yaml_line(body: str) -> Any:
    from journal.yamlio import parse_yaml

    try:
        return parse_yaml(body, where="")
    except InvalidDataError:
        return None


def _looks_complete(data: dict[str, Any]) -> bool:
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(data.get("at", "")))
    except ValueError:
        return False
    return moment.tzinfo is not None and isinstance(data.get("kind"), str)


def repair(path: Path) -> tuple[int, str | None]:
    """Rewrite a timeline whose last line is torn: keep what can be recovered.

    Returns (lines dropped, recovered line). A torn line that still parses once closed
    (a missing `}` or newline) is kept; one that cannot be recovered is moved to a
    `timeline.yaml.torn` file beside it, never thrown away.
    """
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if raw.endswith("\n") or not raw:
        return (0, None)
    head, _, last = raw.rpartition("\n")
    prefix = head + "\n" if head else ""
    for candidate in (last, last + "}", last + '"}'):
        parsed = _parse_line(candidate, 0, torn=False)
        if parsed.data is not None and _looks_complete(parsed.data):
            atomic_write(path, prefix + format_event(parsed.data))
            return (0, candidate)
    torn_file = path.with_name(path.name + ".torn")
    append_line(torn_file, last + "\n")
    atomic_write(path, prefix)
    return (1, None)
