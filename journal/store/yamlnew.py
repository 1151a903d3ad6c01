"""YAML for a new document without ruamel: the same bytes `yamlio.dump_new_document`
gets from ruamel, for the documents whose every value is of a kind written here.

`journal import` writes one new `session.yaml` a report; ruamel's emitter takes most
of that time. This writes the shapes an import makes — mappings with word keys,
lists, whole numbers, booleans, text plain, quoted or as a `|` block — following
ruamel's own rules for each (`ruamel/yaml/emitter.py`: `analyze_scalar`,
`choose_scalar_style`, the writers) with the settings of `yamlio._roundtrip`
(mapping indent 2, sequence indent 4 with offset 2, width 4096, unicode kept). For
anything else (a float, a date, `None`, empty text, a tab, a line wider than ruamel
may fold, text a YAML 1.2 reader would take for another type) `dump` returns None
and the caller asks ruamel. `tests/test_yamlnew.py` compares the two on generated
documents and on every report of the import fixtures.
"""

from __future__ import annotations

import functools
import re
from typing import Any


class _Ruamel(Exception):
    """A value this module does not write: the whole document goes to ruamel."""


_LONGEST = 3000
"""A value written longer than this goes to ruamel: past the width of 4096 (with
the key and indentation before it) ruamel folds plain and quoted text."""
# Characters ruamel writes as they are in any style: printable ASCII and the
# printable planes of Unicode (allow_unicode), but not a BOM, nor U+0085, U+2028 or
# U+2029 (line breaks to YAML), nor tabs and other controls (escaped).
_SAFE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*\\Z"
)
_LEADING = frozenset("#,[]{}&*!|>'\"%@`")
_FLOW_MARKS = frozenset(",[]{}")
"""Characters that keep an item of a flow list (`tags: [a, b]`) from being plain."""


def dump(data: dict[str, Any], quoted: tuple[str, ...]) -> str | None:
    """The document `yamlio.dump_new_document(data, quoted_keys=quoted)` would
    write, or None when it holds a value this module leaves to ruamel."""
    out: list[str] = []
    try:
        if not data:
            raise _Ruamel  # ruamel writes `{}`
        _mapping(data, 0, out, quoted, first_inline=False)
    except _Ruamel:
        return None
    return "".join(out)


def _mapping(
    data: dict[str, Any],
    indent: int,
    out: list[str],
    quoted: tuple[str, ...],
    *,
    first_inline: bool,
) -> None:
    pad = " " * indent
    for number, (key, value) in enumerate(data.items()):
        if not isinstance(key, str) or len(key) > 100 or indent > 200:
            raise _Ruamel  # ruamel writes a long key as `? key`
        if not key or "\n" in key or not _SAFE.match(key):
            raise _Ruamel
        if not (first_inline and number == 0):
            out.append(pad)
        out.append(_text(key, False))
        out.append(":")
        _value(value, key, indent, out, quoted)


def _value(
    value: Any, key: str, indent: int, out: list[str], quoted: tuple[str, ...]
) -> None:
    """A mapping's value after `key:`, its own lines at `indent` + 2."""
    if isinstance(value, dict):
        if not value:
            out.append(" {}\n")
            return
        out.append("\n")
        _mapping(value, indent + 2, out, quoted, first_inline=False)
    elif isinstance(value, list):
        if not value:
            out.append(" []\n")
        elif (flow := _flow(value)) is not None:
            out.append(" " + flow + "\n")
        else:
            out.append("\n")
            _sequence(value, indent + 2, out, quoted)
    elif isinstance(value, str) and "\n" in value and key not in quoted:
        out.append(" ")
        _lines(value, indent + 2, out)
    else:
        out.append(" " + _scalar(value, key in quoted) + "\n")


def _sequence(
    items: list[Any], dash: int, out: list[str], quoted: tuple[str, ...]
) -> None:
    pad = " " * dash + "- "
    for item in items:
        out.append(pad)
        if isinstance(item, dict):
            if not item:
                raise _Ruamel
            _mapping(item, dash + 2, out, quoted, first_inline=True)
        elif isinstance(item, list):
            flow = _flow(item) if item else None
            if flow is None:
                raise _Ruamel
            out.append(flow + "\n")
        elif isinstance(item, str) and "\n" in item:
            _lines(item, dash + 2, out)
        else:
            out.append(_scalar(item, False) + "\n")


def _flow(items: list[Any]) -> str | None:
    """The list as a flow list (`[a, b]`) when `yamlio._styled` makes it one (short
    words), else None."""
    if not all(isinstance(i, str) and len(i) <= 40 and "\n" not in i for i in items):
        return None
    if not all(items) or not all(_SAFE.match(i) for i in items):
        raise _Ruamel
    if any(reads_as_text(i) and not _block_plain(i) for i in items):
        # ruamel's rules for a plain item of a flow list are not those of a block
        # (it writes `: a` there unquoted): such items are left to ruamel.
        raise _Ruamel
    return _bounded("[" + ", ".join(_text(i, False, flow=True) for i in items) + "]")


def _lines(value: str, indent: int, out: list[str]) -> None:
    """Text of several lines, as `yamlio._styled` gives it: a `|` block when no
    line ends with a space, with its last line break kept as the only one; else
    the text double-quoted, its breaks escaped."""
    text = value if value.endswith("\n") else value + "\n"
    lines = text.splitlines()
    if any(line != line.rstrip() for line in lines):
        if not _SAFE.match(value.replace("\n", "")):
            raise _Ruamel  # escapes
        out.append(_bounded(_double(value).replace("\n", "\\n")) + "\n")
        return
    if text[0] in " \n" or text.endswith("\n\n"):
        raise _Ruamel  # an indentation hint, a `|+`
    if not _SAFE.match(text.replace("\n", "")):
        raise _Ruamel  # escapes
    if len(lines) != text.count("\n"):
        raise _Ruamel  # a break splitlines knows that YAML may not (\r, \f, \v…)
    pad = " " * indent
    out.append("|\n")
    out.extend(pad + line + "\n" if line else "\n" for line in lines)


def _scalar(value: Any, double: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if not isinstance(value, str) or not value:
        raise _Ruamel
    if "\n" in value or not _SAFE.match(value):
        raise _Ruamel
    return _bounded(_text(value, double))


def _bounded(written: str) -> str:
    if len(written) > _LONGEST:
        raise _Ruamel  # near ruamel's width, where it folds
    return written


def _text(value: str, double: bool, *, flow: bool = False) -> str:
    """One line of safe text as ruamel writes it: a key, a value, an item of a
    block list or (`flow`) of a flow list."""
    if double:
        return _double(value)
    if not reads_as_text(value):
        return "'" + value.replace("'", "''") + "'"  # yamlio's representer
    plain = _resolves_as_text(value) and _block_plain(value)
    if plain and not (flow and _FLOW_MARKS & set(value)):
        return value
    if "'" in value:
        return _double(value)
    return "'" + value + "'"


def _double(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _block_plain(text: str) -> bool:
    """`analyze_scalar(text).allow_block_plain` for one line of safe characters."""
    if text[0] == " " or text[-1] == " ":
        return False
    if text.startswith(("---", "...")) or text[0] in _LEADING:
        return False
    second = text[1:2]
    if text[0] in "?:-" and second in ("", " "):
        return False
    return not (": " in text or text.endswith(":") or " #" in text)


_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")
_STRICT: list[Any] = []


def reads_as_text(value: str) -> bool:
    """Whether the strict loader (`yamlio`) reads `value`, written plain, back as
    this text: ruamel writes YAML 1.2, where `yes`, `on` and `off` are words; the
    loader reads YAML 1.1, where they are booleans. Such text must be quoted."""
    if not _STRICT:
        import yaml

        _STRICT.extend((yaml.resolver.Resolver(), yaml.ScalarNode))
    resolver, node = _STRICT
    return resolver.resolve(node, value, (True, False)) in _TEXT_TAGS


@functools.cache
def _resolves_as_text(text: str) -> bool:
    """Whether ruamel's resolver (YAML 1.2) takes `text`, written plain, for text
    (its `implicit[0]`, without which it does not write plain): no implicit resolver
    of ruamel's (`resolver.implicit_resolvers`, copied here so that no ruamel import
    is needed) takes it for another type."""
    return not any(text[0] in starts and p.match(text) for starts, p in _TYPED)


# fmt: off
_TYPED = (
    ("tTfF", re.compile(r"""^(?:true|True|TRUE|false|False|FALSE)$""", re.X)),
    ("-+0123456789.", re.compile(r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", re.X)),
    ("-+0123456789", re.compile(r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", re.X)),
    ("<", re.compile(r"^(?:<<)$")),
    ("~nN", re.compile(r"""^(?: ~
        |null|Null|NULL
        | )$""", re.X)),
    ("0123456789", re.compile(r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X)),
    ("=", re.compile(r"^(?:=)$")),
    ("!&*", re.compile(r"^(?:!|&|\*)$")),
)
# fmt: on
