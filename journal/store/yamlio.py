"""YAML in and out: a fast safe reader for read-only paths, ruamel round-trip for edits.

Reading uses PyYAML's C loader (12x faster than ruamel here), extended to refuse
duplicate keys and anchors/aliases (no alias bombs, no shared nodes). Edits use
ruamel.yaml round-trip so comments, key order and quoting survive.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any

import yaml

from journal.errors import CONFLICT_MARKERS, InvalidDataError, MergeConflictError

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
    from journal.store.files import read_checked

    try:
        raw = read_checked(path)
    except FileNotFoundError:
        raise InvalidDataError("file is missing", where=str(path)) from None
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


def conflict_lines(text: str) -> list[int]:
    """1-based numbers of the lines that open a merge conflict (`<<<<<<< `)."""
    return [
        number
        for number, line in enumerate(text.splitlines(), 1)
        if line.startswith(CONFLICT_MARKERS[0])
    ]


def refuse_conflict(text: str, where: str) -> None:
    """Raise MergeConflictError when `text` holds merge conflict markers."""
    opened = conflict_lines(text)
    if opened:
        raise MergeConflictError(
            f"unresolved merge conflict ({len(opened)} marked part(s))",
            "`journal check` names each field; settle them with "
            "`journal resolve --ours FIELD` or `--theirs FIELD`, or edit the file",
            where=f"{where}:{opened[0]}" if where else None,
        )


def parse_yaml(text: str, *, where: str) -> Any:
    data = _plain_load(text)
    if data is not _UNUSUAL:
        return data
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        refuse_conflict(text, where)
        raise _marked_error(exc, where, text) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc.position, where, text) from None
    except yaml.YAMLError as exc:
        first = str(exc).strip().split("\n")[0]
        raise InvalidDataError(f"invalid YAML: {first}", where=where) from None
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
                    where=_first_alias(text, where),
                )
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
    return data


_UNUSUAL = object()
_TAG = "tag:yaml.org,2002:"
_TEXT = frozenset((f"{_TAG}str", f"{_TAG}timestamp"))
_SCALARS = {
    f"{_TAG}int": yaml.SafeLoader.construct_yaml_int,
    f"{_TAG}float": yaml.SafeLoader.construct_yaml_float,
    f"{_TAG}bool": yaml.SafeLoader.construct_yaml_bool,
    f"{_TAG}null": yaml.SafeLoader.construct_yaml_null,
}


class _Unusual(Exception):
    """Something the plain reading leaves to the strict loader."""


def _plain_load(text: str) -> Any:
    """What the strict loader returns for a document of plain mappings, lists and
    scalars (all a session.yaml needs), built from libyaml's nodes in one walk —
    twice as fast as PyYAML's constructor. `_UNUSUAL` for anything else (an error,
    an alias, a duplicate or merge key, another tag): the strict loader then reads
    the text and says what is wrong, exactly as before."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _value(loader, node, set())
    except (yaml.YAMLError, RecursionError, _Unusual):
        return _UNUSUAL
    finally:
        loader.dispose()


def _value(loader: Any, node: Any, seen: set[int]) -> Any:
    tag = node.tag
    if type(node) is yaml.ScalarNode:
        if tag in _TEXT:
            return node.value
        construct = _SCALARS.get(tag)
        if construct is None:
            raise _Unusual
        return construct(loader, node)
    if id(node) in seen:  # an alias: refused by the strict loader
        raise _Unusual
    seen.add(id(node))
    if type(node) is yaml.SequenceNode and tag == f"{_TAG}seq":
        return [_value(loader, item, seen) for item in node.value]
    if type(node) is not yaml.MappingNode or tag != f"{_TAG}map":
        raise _Unusual
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            raise _Unusual
        key = _value(loader, key_node, seen)
        if key in mapping:
            raise _Unusual
        mapping[key] = _value(loader, value_node, seen)
    return mapping


def _reader_error(position: int, where: str, text: str) -> InvalidDataError:
    """A character YAML does not allow in a file, located by line and column."""
    position = min(position, len(text) - 1) if text else 0
    char = text[position] if text else "?"
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return InvalidDataError(
        f"invalid YAML: character U+{ord(char):04X} is not allowed in a YAML file",
        'write it as an escape in a double-quoted string, e.g. "\\x07"',
        where=f"{where}:{line}:{column}",
    )


def _first_alias(text: str, where: str) -> str:
    """`where:line:col` of the first `*alias` (only looked for on the error path)."""
    for token in yaml.scan(text, Loader=_StrictLoader):
        if isinstance(token, yaml.AliasToken):
            mark = token.start_mark
            return f"{where}:{mark.line + 1}:{mark.column + 1}"
    return where


def _marked_error(exc: Any, where: str, text: str) -> InvalidDataError:
    mark = exc.problem_mark or exc.context_mark
    if "quoted scalar" in (exc.context or "") and exc.context_mark:
        mark = exc.context_mark  # where the quote opens, not the end of the file
    location = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
    problem = exc.problem or exc.context or "invalid YAML"
    lines = text.splitlines()
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in line[: mark.column + 1 if mark else 0]:
        hint = "YAML indents with spaces, not tabs: replace the tab"
    elif "duplicate key" in problem:
        hint = "remove or rename one of the two keys"
    elif "end of stream" in problem or "quoted scalar" in problem:
        hint = "close the quote on that line"
    else:
        hint = "fix the YAML at that position"
    return InvalidDataError(f"invalid YAML: {problem}", hint, where=location)


# --- round trip ---------------------------------------------------------------


# Characters a plain or `|` block scalar cannot carry: YAML 1.1 readers (PyYAML, which
# reads what ruamel writes) take U+0085/U+2028/U+2029 and CR as line breaks and refuse
# C0/C1 controls and U+FFFE/U+FFFF. In a double-quoted scalar they are escapes.
# A line starting with a tab breaks a block's indentation, too. Compiled (by `re`,
# once) when a document is first written: reading, the site's only use, skips it.
_NEEDS_ESCAPES = (
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|(?:^|\n)\t"
)


@functools.cache
def _representer() -> Any:
    """ruamel's round-trip representer, writing text that needs escapes double-quoted
    whatever style it had, so every YAML reader returns exactly the same text."""
    from ruamel.yaml.representer import RoundTripRepresenter

    from journal.store.yamlnew import reads_as_text

    class TextRepresenter(RoundTripRepresenter):
        pass

    def quoting(original: Any) -> Any:
        def represent(self: Any, data: str) -> Any:
            tag = "tag:yaml.org,2002:str"
            if re.search(_NEEDS_ESCAPES, data):
                return self.represent_scalar(tag, str(data), style='"')
            if type(data) is str and not reads_as_text(data):
                return self.represent_scalar(tag, data, style="'")
            return original(self, data)

        return represent

    for kind, original in list(RoundTripRepresenter.yaml_representers.items()):
        if isinstance(kind, type) and issubclass(kind, str):
            TextRepresenter.add_representer(kind, quoting(original))
    return TextRepresenter


def _roundtrip() -> Any:
    from ruamel.yaml import YAML

    rt = YAML()
    rt.Representer = _representer()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    return rt


def load_roundtrip(text: str, *, where: str) -> Any:
    """Parse for editing: a CommentedMap that dumps back byte-for-byte."""
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.reader import ReaderError

    try:
        return _roundtrip().load(text)
    except MarkedYAMLError as exc:
        refuse_conflict(text, where)
        raise _marked_error(exc, where, text) from None
    except ReaderError as exc:
        raise _reader_error(exc.position, where, text) from None
    except RecursionError:
        raise InvalidDataError(
            "invalid YAML: nested too deeply", "flatten the value", where=where
        ) from None


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
    short lists of words inline, `quoted_keys` (times) double-quoted. The same bytes
    come from `yamlnew` without ruamel when every value is of a kind it writes (what
    an import makes); ruamel writes the rest."""
    from journal.store.yamlnew import dump

    fast = dump(data, quoted_keys)
    if fast is not None:
        return fast
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
        if value and all(
            isinstance(i, str) and len(i) <= 40 and "\n" not in i for i in value
        ):
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
