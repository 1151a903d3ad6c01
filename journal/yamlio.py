"""YAML in and out: a fast safe reader for read-only paths, ruamel round-trip for edits.

Reading uses PyYAML's C loader (12x faster than ruamel here), extended to refuse
duplicate keys and anchors/aliases (no alias bombs, no shared nodes). Edits use
ruamel.yaml round-trip so comments, key order and quoting survive.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

from journal.errors import InvalidDataError

_MAX_BYTES = 8 * 1024 * 1024


class _StrictLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
    """Safe loading that refuses duplicate keys and keeps timestamps as strings."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                mark = key_node.start_mark
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r} "
                    f"(first at line {seen[key].line + 1})",
                    problem_mark=mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


# Times are stored as quoted strings; an unquoted one should still read as text, not
# as a datetime whose offset was normalised away.
_StrictLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str
)


def read_text(path: Path) -> str:
    """A file's text as UTF-8; binary and oversized files are refused clearly."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidDataError("file is missing", where=str(path)) from None
    except OSError as exc:
        raise InvalidDataError(
            f"cannot read: {exc.strerror}", where=str(path)
        ) from None
    if len(raw) > _MAX_BYTES:
        raise InvalidDataError(
            f"file is {len(raw) // 1024} KiB, over the {_MAX_BYTES // 1024} KiB limit",
            "move large content to evidence/",
            where=str(path),
        )
    if b"\x00" in raw:
        raise InvalidDataError("is a binary file, not YAML", where=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidDataError(
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "re-save the file as UTF-8",
            where=f"{path}:{line}",
        ) from None


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with the fast strict loader."""
    return parse_yaml(read_text(path), where=str(path))


def parse_yaml(text: str, *, where: str) -> Any:
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, where, text) from None
    except yaml.YAMLError as exc:
        raise InvalidDataError(f"invalid YAML: {exc}", where=where) from None
    _refuse_shared_nodes(data, where)
    return data


def _refuse_shared_nodes(data: Any, where: str) -> None:
    # An alias makes two places share one object; walking such a graph naively is how
    # "billion laughs" documents blow up. Our files never need aliases: refuse them.
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict | list):
            if id(item) in seen:
                raise InvalidDataError(
                    "uses YAML anchors/aliases (&name / *name)",
                    "write the repeated value out in full",
                    where=where,
                )
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)


def _marked_error(exc: Any, where: str, text: str) -> InvalidDataError:
    mark = exc.problem_mark or exc.context_mark
    location = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
    problem = exc.problem or exc.context or "invalid YAML"
    lines = text.splitlines()
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in line[: mark.column + 1 if mark else 0]:
        hint = "YAML indents with spaces, not tabs: replace the tab"
    else:
        hint = _yaml_hint(problem)
    return InvalidDataError(f"invalid YAML: {problem}", hint, where=location)


def _yaml_hint(problem: str) -> str:
    if "duplicate key" in problem:
        return "remove or rename one of the two keys"
    if "end of stream" in problem or "quoted scalar" in problem:
        return "close the quote on that line"
    return "fix the YAML at that position"


# --- round trip ---------------------------------------------------------------


def _roundtrip() -> Any:
    from ruamel.yaml import YAML

    rt = YAML()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    return rt


def load_roundtrip(text: str, *, where: str) -> Any:
    """Parse for editing: a CommentedMap that dumps back byte-for-byte."""
    from ruamel.yaml.error import MarkedYAMLError

    try:
        return _roundtrip().load(text)
    except MarkedYAMLError as exc:
        raise _marked_error(exc, where, text) from None


def dump_roundtrip(doc: Any) -> str:
    stream = io.StringIO()
    _roundtrip().dump(doc, stream)
    return stream.getvalue()


def position_of(doc: Any, path: list[str | int]) -> tuple[int, int] | None:
    """1-based (line, column) of the deepest node of `path` in a round-trip doc."""
    found: tuple[int, int] | None = None
    node = doc
    for part in path:
        lc = getattr(node, "lc", None)
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if lc is not None:
            try:
                line, col = lc.key(part) if isinstance(part, str) else lc.item(part)
                found = (line + 1, col + 1)
            except (KeyError, IndexError, TypeError):
                pass
        node = child
    return found


def dump_new_document(
    data: dict[str, Any], *, quoted_keys: tuple[str, ...] = ()
) -> str:
    """YAML for a new file, styled as people write it: multi-line text as `|` blocks,
    short lists of words inline, `quoted_keys` (times) double-quoted."""
    return dump_roundtrip(_styled(data, quoted_keys))


def _styled(value: Any, quoted: tuple[str, ...], key: str = "") -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if isinstance(value, dict):
        result = CommentedMap()
        for name, item in value.items():
            result[name] = _styled(item, quoted, str(name))
        return result
    if isinstance(value, list):
        seq = CommentedSeq(_styled(item, quoted) for item in value)
        if value and all(_is_short_word(item) for item in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if key in quoted:
            return DoubleQuotedScalarString(value)
        if "\n" in value:
            text = value if value.endswith("\n") else value + "\n"
            # A block scalar cannot keep trailing spaces on a line or start with one.
            if not any(line != line.rstrip() for line in text.splitlines()):
                return LiteralScalarString(text)
    return value


def _is_short_word(item: Any) -> bool:
    return isinstance(item, str) and len(item) <= 40 and "\n" not in item
