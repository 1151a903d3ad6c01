"""Paths into the session schema (`options[0].why`): what a path holds, which fields
exist there, and how to name it in a message. `journal set` types its values with it,
and validation errors use it to suggest the field that was meant."""

from __future__ import annotations

from typing import Any

import msgspec

from journal.errors import did_you_mean

_KIND_NAMES: dict[type, str] = {
    msgspec.inspect.StrType: "str",
    msgspec.inspect.IntType: "int",
    msgspec.inspect.FloatType: "float",
    msgspec.inspect.BoolType: "bool",
    msgspec.inspect.DateTimeType: "datetime",
    msgspec.inspect.DateType: "date",
    msgspec.inspect.ListType: "list",
    msgspec.inspect.StructType: "struct",
    msgspec.inspect.DictType: "dict",
    msgspec.inspect.LiteralType: "str",
}


class UnknownPath(LookupError):
    """A path that leads nowhere in the schema; `path` is as far as it got, plus the
    part that failed."""

    def __init__(self, message: str, hint: str | None, path: list[str | int]):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path


def dotted(path: list[str | int]) -> str:
    """`['options', 0, 'why']` → `options[0].why`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def suggest(key: str, known: list[str]) -> str:
    otherwise = "known fields: " + ", ".join(known) if known else "remove it"
    return did_you_mean(key, known, otherwise)


_INFO: dict[type[Any], Any] = {}


def _type_info(kind: type[Any]) -> Any:
    """msgspec's description of `kind`, made once per process: making it walks every
    annotation of the schema (~3 ms for a session, each `journal set`), the schema
    does not change while a process runs, and this module only reads it."""
    if kind not in _INFO:
        _INFO[kind] = msgspec.inspect.type_info(kind)
    return _INFO[kind]


def fields_at(kind: type[Any], path: list[str | int]) -> list[str]:
    """The field names of the struct `path` leads to in `kind` (empty if none)."""
    info: Any = _type_info(kind)
    for part in path:
        info = _step_into(info, part)
        if info is None:
            return []
    return [f.name for f in getattr(info, "fields", ())]


def kind_at(kind: type[Any], path: list[str | int]) -> str:
    """What `path` holds in `kind`: str, int, float, bool, datetime, date, list, struct
    or dict. Raises UnknownPath naming the closest field when there is no such path."""
    info: Any = _type_info(kind)
    walked: list[str | int] = []
    for part in path:
        nxt = _step_into(info, part)
        if nxt is None:
            if isinstance(part, str):
                known = [f.name for f in getattr(_unwrap(info), "fields", ())]
                name = ".".join(str(p) for p in [*walked, part])
                raise UnknownPath(
                    f"unknown field {name!r}", suggest(part, known), [*walked, part]
                )
            raise UnknownPath(f"{dotted(walked)} is not a list", None, walked)
        info = nxt
        walked.append(part)
    return _KIND_NAMES.get(type(_unwrap(info)), "str")


def _unwrap(info: Any) -> Any:
    """`X | None` → X: an optional field holds what its type holds."""
    while isinstance(info, msgspec.inspect.UnionType):
        info = next(
            (t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)), None
        )
    return info


def _step_into(info: Any, part: str | int) -> Any:
    info = _unwrap(info)
    if isinstance(part, int):
        return getattr(info, "item_type", None)
    for field in getattr(info, "fields", ()):
        if field.name == part:
            return _unwrap(field.type)
    return None
