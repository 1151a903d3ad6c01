"""The journals of a site of several journals: each opened from its path, checked, and
given a name that is unique on the site (its `name:` or its folder's name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from journal.errors import InvalidDataError, JournalError, NotFoundError
from journal.store.locate import CONFIG_NAME

if TYPE_CHECKING:
    from journal.store.sessions import Journal

RESERVED = frozenset({"assets", "evidence", "sessions", "tags", "index"})
"""Top-level names of the site's own pages: a journal named so gets a suffix."""


@dataclass(frozen=True)
class Member:
    """One journal on the site."""

    name: str
    journal: Journal


def slug(text: str) -> str:
    """A journal's name as one URL segment."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text.strip()).strip("-.")
    cleaned = cleaned or "journal"
    return f"{cleaned}-journal" if cleaned.casefold() in RESERVED else cleaned


def open_journal(path: Path) -> Journal:
    """The journal at `path`; one line naming the path when it is none."""
    from journal.store.config import load_config
    from journal.store.sessions import Journal

    hint = "fix the path given to --journal or listed in site.journals"
    if not path.exists():
        raise NotFoundError(f"journal path {path} does not exist", hint)
    if not (path / CONFIG_NAME).is_file():
        raise NotFoundError(
            f"{path} is not a journal (it has no {CONFIG_NAME})",
            "run `journal init` there, or " + hint[0].lower() + hint[1:],
        )
    try:
        return Journal(root=path.resolve(), config=load_config(path.resolve()))
    except JournalError as exc:
        raise InvalidDataError(
            f"journal {path} has an invalid configuration: {exc.one_line()}",
            f"fix {path / CONFIG_NAME}",
        ) from None


def open_members(paths: list[Path]) -> tuple[list[Member], list[str]]:
    """Every journal named, with unique names; notes say which names were changed."""
    opened: dict[Path, Journal] = {}
    for path in paths:
        journal = open_journal(path)
        opened.setdefault(journal.root, journal)
    journals = list(opened.values())
    wanted = [slug(j.config.name or j.root.name) for j in journals]
    notes: list[str] = []
    names: list[str] = []
    for journal, name in zip(journals, wanted, strict=True):
        if wanted.count(name) > 1:
            unique = slug(f"{journal.root.parent.name}-{name}")
            while unique in names:
                unique += "-2"
            notes.append(
                f"two journals are named {name!r}: "
                f"{journal.root} is shown as {unique!r}"
            )
            name = unique
        names.append(name)
    return [Member(n, j) for n, j in zip(names, journals, strict=True)], notes
