"""YAML front matter: split off, read for title, date (`date:` or `started:`) and
tags; the rest kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

_FENCES = ("---", "...")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_USED = frozenset({"title", "date", "started", "tags"})


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, Any] = field(default_factory=dict)
    """The keys the importer uses: title, date (or started) and tags."""
    kept: str = ""
    """The other keys, verbatim YAML."""
    error: str | None = None
    text: str = ""
    """All of it, verbatim YAML."""

    def without(self, printed: set[str]) -> str:
        """The YAML less the keys (of `values`) the report prints as fields."""
        if self.error or not self.values:
            return self.kept
        return _other_lines(self.text, printed & set(self.values))


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter YAML or None, the text with those lines blanked out)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES), None)
    if end is None:
        return None, text
    # Blank lines keep every line number of the Markdown where it was.
    blanked = [""] * (end + 1) + lines[end + 1 :]
    return "\n".join(lines[1:end]), "\n".join(blanked)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            # `date: "May 9, 2021"`: a date written out, with its year.
            from journal.importer.dating import day_in_text

            return day_in_text(value)
    return None


def _usable(key: str, value: Any) -> Any:
    if key in {"date", "started"}:
        return _as_date(value)
    if key == "tags" and isinstance(value, str):
        return [t.strip() for t in value.split(",") if t.strip()] or None
    if key == "tags" and isinstance(value, list):
        return [str(t) for t in value if str(t).strip()] or None
    if key in _USED and isinstance(value, str | int) and str(value).strip():
        return str(value).strip()
    return None


def _other_lines(yaml_text: str, used: set[str]) -> str:
    kept: list[str] = []
    keep = True
    for line in yaml_text.split("\n"):
        key = _TOP_KEY.match(line)
        if key:
            keep = key[1] not in used
        if keep:
            kept.append(line)
    return "\n".join(kept).strip("\n")


def read_front_matter(yaml_text: str) -> FrontMatter:
    """The values the importer uses, and the rest of the YAML verbatim."""
    # journal's strict loader: an alias bomb in front matter is refused at once (a
    # safe loader shares the aliased lists, and `str()` of the tags then expands
    # them exponentially), and so are object tags and duplicate keys.
    from journal.store.yamlio import parse_yaml

    try:
        data = parse_yaml(yaml_text, where="front matter")
    except Exception as error:  # any YAML error: the block is kept as written
        first = str(error).strip().split("\n")[0]
        return FrontMatter(kept=yaml_text, error=f"front matter is not YAML ({first})")
    if not isinstance(data, dict):
        return FrontMatter(kept=yaml_text.strip("\n"))
    values = {key: _usable(key, data[key]) for key in _USED if key in data}
    values = {key: value for key, value in values.items() if value is not None}
    return FrontMatter(values, _other_lines(yaml_text, set(values)), text=yaml_text)
