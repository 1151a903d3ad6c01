"""Frozen, typed records without the `dataclasses` import.

`import dataclasses` pulls in `inspect` and costs about 12 ms at start-up here —
more than everything else `journal log` does — so the types on that fast path
(the configuration, a logged event) derive from this instead. Fields are the
annotated class attributes; their class values are the defaults.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Self


class Record:
    """Keyword-constructed, immutable, compared and shown by its fields."""

    def __init__(self, **values: Any) -> None:
        names = _NAMES.get(type(self)) or type(self)._names()
        if not values.keys() <= names.keys():
            unknown = next(name for name in values if name not in names)
            raise TypeError(f"{type(self).__name__} has no field {unknown!r}")
        # One C-level update, not a `__setattr__` a field: `todo` at 10,000
        # sessions makes 40,000 records (a third of its time went here).
        self.__dict__.update(values)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(_NAMES.get(cls) or cls._names())

    @classmethod
    def _names(cls) -> dict[str, None]:
        # Worked out once per class: a timeline of 100 events makes 100 records.
        names: dict[str, None] = {}
        for klass in reversed(cls.__mro__):
            for name in vars(klass).get("__annotations__", {}):
                names[name] = None
        _NAMES[cls] = names
        return names

    def replace(self, **changes: Any) -> Self:
        return type(self)(**{**self.as_dict(shallow=True), **changes})

    def as_dict(self, *, shallow: bool = False) -> dict[str, Any]:
        """Field values; nested records as dicts and tuples as lists unless shallow."""
        result = {name: getattr(self, name) for name in self.field_names()}
        if shallow:
            return result
        return {name: _plain(value) for name, value in result.items()}

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> Self:
        """Rebuild from `as_dict()` output (trusted data: no validation)."""
        values: dict[str, Any] = {}
        for name, value in data.items():
            default = getattr(cls, name, None)
            if isinstance(default, Record) and isinstance(value, dict):
                value = type(default).from_plain(value)
            elif isinstance(default, tuple) and isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.as_dict(shallow=True) == (
            other.as_dict(shallow=True)
        )

    def __hash__(self) -> int:
        return hash(tuple(self.as_dict(shallow=True).items()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.as_dict(shallow=True).items())
        return f"{type(self).__name__}({fields})"


_NAMES: dict[type[Record], dict[str, None]] = {}
"""Each record class's field names, in order (a dict: ordered, and a fast `in`)."""


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, tuple):
        return list(value)
    return value
