"""Three-way structural merge of `session.yaml`: mappings by key, lists by identity.

Two responders edit one session on two clones; git hands the merge driver the common
ancestor, ours and theirs. A field changed on one side takes that change; items added on
both sides are all kept (ours first, then theirs, as if the two sets of commands had run
one after the other); a field changed on both sides to different values is a true
conflict, named by its path (`root_cause.summary`, `next_steps.3.owner`). The result is
built on ours' round-trip document, so its comments and formatting survive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from journal.store.yamlio import dump_roundtrip, load_roundtrip

# A list item is the same item on every side when this key, the first it has, is equal.
IDENTITY_KEYS = ("id", "title", "text", "name")
MARK_OURS = "<<<<<<< ours"
MARK_BASE = "||||||| base"
MARK_SPLIT = "======="
MARK_THEIRS = ">>>>>>> theirs"
_SENTINEL = "JOURNAL-CONFLICT-{}-7f3c"
# A conflict block: the opening marker, ours, the base marker, base, the split, theirs,
# the closing marker; each side one line.
_BLOCK_LINES = 7
_ABSENT = "# (absent on this side)"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed, to different values."""

    path: str
    base: Any
    ours: Any
    theirs: Any

    def describe(self) -> str:
        if self.ours is MISSING or self.theirs is MISSING:
            return f"{self.path}: removed on one side, changed on the other"
        return f"{self.path}: changed on both sides"


@dataclass
class Merged:
    """The merged document, and the conflicts left in it (ours' value stands there)."""

    doc: Any
    conflicts: list[Conflict] = field(default_factory=list)


def merge_texts(
    base: str,
    ours: str,
    theirs: str,
    *,
    where: str,
    choices: dict[str, str] | None = None,
) -> Merged:
    """Merge three `session.yaml` texts; `choices` maps a conflict's path to `ours`
    or `theirs`."""
    from ruamel.yaml.comments import CommentedMap

    docs = []
    for side, text in (("base", base), ("ours", ours), ("theirs", theirs)):
        doc = load_roundtrip(text, where=f"{where} ({side})") if text.strip() else None
        docs.append(CommentedMap() if doc is None else doc)
    merger = _Merger(dict(choices or {}))
    return Merged(merger.value(docs[0], docs[1], docs[2], ""), merger.conflicts)


def render(merged: Merged) -> str:
    """The merged text, each conflict marked in place between markers naming the field
    (`<<<<<<< ours root_cause.summary`), each side one line of YAML (a JSON value)."""
    text = dump_roundtrip(merged.doc)
    for number, conflict in enumerate(merged.conflicts):
        text = _mark(text, _SENTINEL.format(number), conflict)
    return text


def marked_paths(text: str) -> list[str]:
    """The field paths of journal's own conflict markers in `text`."""
    prefix = MARK_OURS + " "
    return [
        line[len(prefix) :].strip()
        for line in text.splitlines()
        if line.startswith(prefix)
    ]


def settle_markers(text: str, choices: dict[str, str]) -> tuple[str, list[str]]:
    """Replace journal's conflict blocks by the chosen side; returns (text, unsettled).
    Works on the file alone (no git): each block holds each side as one line."""
    out: list[str] = []
    unsettled: list[str] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith(MARK_OURS + " "):
            out.append(line)
            index += 1
            continue
        path = line[len(MARK_OURS) + 1 :].strip()
        ours, theirs = lines[index + 1], lines[index + 5]
        choice = choices.get(path)
        if choice is None:
            unsettled.append(path)
            out.extend(lines[index : index + _BLOCK_LINES])
        else:
            chosen = ours if choice == "ours" else theirs
            if not chosen.rstrip().endswith(_ABSENT):
                out.append(chosen)
        index += _BLOCK_LINES
    return "".join(out), unsettled


class _Merger:
    def __init__(self, choices: dict[str, str]) -> None:
        self.choices = choices
        self.conflicts: list[Conflict] = []

    def value(self, base: Any, ours: Any, theirs: Any, path: str) -> Any:
        if _same(ours, theirs) or _same(base, theirs):
            return ours
        if _same(base, ours):
            return theirs
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.mapping(
                base if isinstance(base, dict) else {}, ours, theirs, path
            )
        if isinstance(ours, list) and isinstance(theirs, list):
            return self.sequence(
                base if isinstance(base, list) else [], ours, theirs, path
            )
        return self.conflict(path, base, ours, theirs)

    def conflict(self, path: str, base: Any, ours: Any, theirs: Any) -> Any:
        choice = self.choices.get(path)
        if choice == "ours":
            return ours
        if choice == "theirs":
            return theirs
        self.conflicts.append(Conflict(path, base, ours, theirs))
        return _SENTINEL.format(len(self.conflicts) - 1)

    def mapping(
        self, base: dict[Any, Any], ours: Any, theirs: dict[Any, Any], path: str
    ) -> Any:
        for key in list(ours):
            was, now = base.get(key, MISSING), theirs.get(key, MISSING)
            merged = self.entry(was, ours[key], now, _join(path, key))
            if merged is MISSING:
                del ours[key]
            else:
                ours[key] = merged
        for position, key in enumerate(theirs):
            if key not in ours:
                was = base.get(key, MISSING)
                added = self.entry(was, MISSING, theirs[key], _join(path, key))
                if added is not MISSING:
                    ours.insert(min(position, len(ours)), key, added)
        return ours

    def sequence(self, base: list[Any], ours: Any, theirs: list[Any], path: str) -> Any:
        base_keys, ours_keys, theirs_keys = (_keys(i) for i in (base, ours, theirs))
        if base_keys is None or ours_keys is None or theirs_keys is None:
            return self.conflict(path, base, ours, theirs)
        base_at = dict(zip(base_keys, base, strict=True))
        theirs_at = dict(zip(theirs_keys, theirs, strict=True))
        kept: list[Any] = []
        for key, item in zip(ours_keys, ours, strict=True):
            was, now = base_at.get(key, MISSING), theirs_at.get(key, MISSING)
            if now is not MISSING and was is MISSING and isinstance(item, dict):
                was = {}  # added on both sides: an empty base of ours' shape
            merged = self.entry(was, item, now, _join(path, len(kept) + 1))
            if merged is not MISSING:
                kept.append(merged)
        known = set(ours_keys)
        for key, item in theirs_at.items():
            if key not in known:
                was = base_at.get(key, MISSING)
                added = self.entry(was, MISSING, item, _join(path, len(kept) + 1))
                if added is not MISSING:
                    kept.append(added)
        ours[:] = kept
        return ours

    def entry(self, was: Any, ours: Any, theirs: Any, path: str) -> Any:
        """One key or item of one side or both; MISSING when the merge drops it."""
        if ours is not MISSING and theirs is not MISSING:
            return self.value(was, ours, theirs, path)
        kept = theirs if ours is MISSING else ours
        if was is MISSING:
            return kept  # added by that side alone
        if _same(was, kept):
            return MISSING  # the other side removed it; this one left it alone
        return self.conflict(path, was, ours, theirs)


def _keys(items: list[Any]) -> list[tuple[Any, ...]] | None:
    """Each item's identity, numbered among equals; None when items have none."""
    seen: dict[Any, int] = {}
    keys = []
    for item in items:
        if isinstance(item, dict):
            name = next((k for k in IDENTITY_KEYS if item.get(k) is not None), None)
            if name is None:
                return None
            ident: Any = ("item", name, _plain(item[name]))
        elif isinstance(item, list):
            return None
        else:
            ident = ("scalar", json.dumps(_plain(item), sort_keys=True, default=str))
        seen[ident] = seen.get(ident, 0) + 1
        keys.append((*ident, seen[ident]))
    return keys


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (int, float, str):  # ruamel's scalar subclasses compare as plain
        if isinstance(value, kind):
            return kind(value)
    return value


def _same(left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING:
        return left is right
    return bool(_plain(left) == _plain(right))


def _mark(text: str, sentinel: str, conflict: Conflict) -> str:
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if sentinel not in line:
            continue
        # The dumper may have quoted the sentinel (a field whose values are quoted,
        # such as times): the quote belongs to it, not to the line's key.
        prefix = line[: line.index(sentinel)].removesuffix('"').removesuffix("'")
        sides = [
            f"{MARK_OURS} {conflict.path}\n",
            _side(prefix, conflict.ours),
            f"{MARK_BASE}\n",
            _side(prefix, conflict.base),
            f"{MARK_SPLIT}\n",
            _side(prefix, conflict.theirs),
            f"{MARK_THEIRS} {conflict.path}\n",
        ]
        lines[index : index + 1] = sides
        return "".join(lines)
    raise AssertionError(f"conflict {conflict.path} was not placed in the text")


def _side(prefix: str, value: Any) -> str:
    if value is MISSING:
        return f"{prefix}null  {_ABSENT}\n"
    return f"{prefix}{json.dumps(_plain(value), ensure_ascii=False, default=str)}\n"
