"""Changing fields of a round-trip `session.yaml` document by dotted path.

Values typed on the command line are read according to the field's type in the model,
so `set number 8` stores an int and `set summary "…"` a string (a block scalar when it
spans lines), while the rest of the document — comments, order, quoting — is untouched.
"""

from __future__ import annotations

import re
from typing import Any

from journal.errors import UsageError

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|(\d+)")


def parse_path(dotted: str) -> list[str | int]:
    """`options.1.title` or `options[1].title` → ['options', 0, 'title'] (1-based)."""
    parts: list[str | int] = []
    for chunk in dotted.replace("[", ".[").split("."):
        if not chunk:
            continue
        match = _PART.fullmatch(chunk)
        if not match:
            raise UsageError(
                f"cannot read the field path {dotted!r}", "write it like options.1.why"
            )
        name, bracket, bare = match.groups()
        index = bracket or bare
        if index is not None:
            if int(index) < 1:
                raise UsageError(f"{dotted!r}: items are numbered from 1")
            parts.append(int(index) - 1)
        else:
            parts.append(name)
    if not parts or not isinstance(parts[0], str):
        raise UsageError(
            f"cannot read the field path {dotted!r}", "write it like root_cause.summary"
        )
    return parts


def coerce_value(raw: str, kind: str, *, tz: Any) -> Any:
    """Turn command-line text into the value stored for a field of `kind`."""
    if raw in {"null", "~"}:
        return None
    if kind == "str":
        return _scalar_string(raw)
    if kind == "datetime":
        return _datetime(raw, tz=tz)
    if kind == "date":
        return _date(raw)
    if kind == "bool":
        lowered = raw.lower()
        if lowered in {"true", "yes", "on", "1"}:
            return True
        if lowered in {"false", "no", "off", "0"}:
            return False
        raise UsageError(f"{raw!r} is not true or false")
    if kind in {"int", "float"}:
        try:
            return int(raw) if kind == "int" else float(raw)
        except ValueError:
            raise UsageError(f"{raw!r} is not a number") from None
    return _flow_value(raw, kind)


def _datetime(raw: str, *, tz: Any) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from journal.when import format_iso, parse_when

    if not raw.strip():
        raise UsageError(
            "an empty value is not a time",
            "give a time (e.g. 14:05, -20m, now), or `null` to clear the field",
        )
    return DoubleQuotedScalarString(format_iso(parse_when(raw, tz=tz)))


def _date(raw: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise UsageError(f"{raw!r} is not a date", "write it as YYYY-MM-DD") from None


def _scalar_string(raw: str) -> Any:
    from ruamel.yaml.scalarstring import LiteralScalarString

    if "\n" in raw:
        return LiteralScalarString(raw if raw.endswith("\n") else raw + "\n")
    return raw


def _flow_value(raw: str, kind: str) -> Any:
    """Lists and mappings are typed as YAML flow: `[a, b]`, `{name: x}`; a bare word
    for a list becomes a one-item list."""
    from journal.errors import InvalidDataError
    from journal.store.yamlio import load_roundtrip

    try:
        value = load_roundtrip(raw, where="the value")
    except InvalidDataError as exc:
        raise UsageError(
            f"cannot read {raw!r}: {exc.message}", "quote the whole value"
        ) from None
    if kind == "list" and not isinstance(value, list):
        value = [value]
    return value


def set_path(doc: Any, path: list[str | int], value: Any) -> None:
    """Set (or with value None on an optional field, remove) the node at `path`."""
    node = doc
    for depth, part in enumerate(path[:-1]):
        node = _child(node, part, path[depth + 1], path[: depth + 1])
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            size = len(node) if isinstance(node, list) else 0
            raise UsageError(f"there is no item {last + 1} (the list has {size})")
        node[last] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _child(
    node: Any, part: str | int, next_part: str | int, walked: list[str | int]
) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(part, int):
        if not isinstance(node, list) or part >= len(node):
            size = len(node) if isinstance(node, list) else 0
            shown = ".".join(str(p + 1) if isinstance(p, int) else p for p in walked)
            raise UsageError(
                f"{shown}: there is no item {part + 1} (the list has {size})"
            )
        return node[part]
    if node.get(part) is None:
        node[part] = CommentedSeq() if isinstance(next_part, int) else CommentedMap()
    return node[part]


def append_item(doc: Any, key: str, item: dict[str, Any]) -> int:
    """Append a mapping to the list at top-level `key`; returns its 1-based number."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if doc.get(key) is None:
        doc[key] = CommentedSeq()
    entry = CommentedMap()
    for name, value in item.items():
        if value not in (None, [], ""):
            entry[name] = _scalar_string(value) if isinstance(value, str) else value
    doc[key].append(entry)
    return len(doc[key])


def item_at(doc: Any, key: str, number: int) -> Any:
    """The mapping numbered `number` (1-based) in the list at `key`."""
    items = doc.get(key) or []
    if not 1 <= number <= len(items):
        what = key.replace("_", " ")
        raise UsageError(
            f"there is no item {number} in {what} (it has {len(items)})",
            "see the numbers with `journal show`",
        )
    return items[number - 1]
