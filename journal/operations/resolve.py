"""`journal resolve`: finishing a merge that stopped on a session, field by field.

`session.yaml` is merged again structurally from git's index stages (so a clone without
the merge driver gets the same result as one with it), with the conflicting fields
settled as the user chose; where git has no stages, journal's own conflict blocks are
settled in the file. `timeline.yaml` keeps the events of both sides. Every file is
checked before any is written, and each one written is staged with `git add`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import (
    CONFLICT_MARKERS,
    ConflictError,
    JournalError,
    NotFoundError,
    UsageError,
)
from journal.gitlink.mergedriver import conflicting_fields, stage_resolved, stages
from journal.store.files import atomic_write
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.sessions import Journal
from journal.store.yamlio import conflict_lines, read_text
from journal.store.yamlmerge import merge_texts, render, settle_markers


@dataclass
class Resolution:
    """One file settled: what it will hold, and the fields chosen in it."""

    path: Path
    text: str
    settled: list[str] = field(default_factory=list)


def conflicted(
    journal: Journal, ref: str | None = None
) -> list[tuple[Path, list[str] | None]]:
    """Session files that hold conflict markers (of one session, or of all), each
    with the fields in conflict (if known)."""
    found = []
    for session_id in [journal.resolve(ref)] if ref else journal.session_ids():
        folder = journal.session_dir(session_id)
        for name in (SESSION_FILE, TIMELINE_FILE):
            path = folder / name
            try:
                text = read_text(path)
            except (OSError, JournalError):
                continue
            if conflict_lines(text):
                merged = name == SESSION_FILE  # field by field; a timeline is not
                fields = conflicting_fields(journal.root, path, text) if merged else []
                found.append((path, fields))
    return found


def resolve(
    journal: Journal,
    ref: str | None,
    *,
    ours: list[str] | None = None,
    theirs: list[str] | None = None,
) -> list[Resolution]:
    """Settle the conflicts of one session (or of every session that has one)."""
    ours, theirs = ours or [], theirs or []
    if both := sorted(set(ours) & set(theirs)):
        raise UsageError(
            f"{both[0]} is given both --ours and --theirs", "choose one side per field"
        )
    choices = {path: "ours" for path in ours} | {path: "theirs" for path in theirs}
    found = conflicted(journal, ref)
    if not found:
        where = f"session {journal.resolve(ref)}" if ref else "any session"
        raise NotFoundError(f"no merge conflict in {where}", "nothing to resolve")
    known = {name for _, fields in found for name in fields or ()}
    if unknown := sorted(set(choices) - known):
        listed = ", ".join(sorted(known)) or "none that can be told apart"
        raise UsageError(
            f"no conflict at {unknown[0]}",
            f"the conflicting fields are: {listed} (see `journal check`)",
        )
    plans = [_plan(journal, path, choices) for path, _ in found]
    for plan in plans:
        atomic_write(plan.path, plan.text)
        # Outside a repository the file is settled and there is nothing to stage.
        with contextlib.suppress(JournalError):
            stage_resolved(journal.root, plan.path)
    return plans


def _plan(journal: Journal, path: Path, choices: dict[str, str]) -> Resolution:
    if path.name == TIMELINE_FILE:
        return Resolution(path, union_of_sides(read_text(path)))
    shown = journal.display(path)
    try:
        sides = stages(journal.root, path)
    except JournalError:
        sides = None  # not a repository
    if sides is not None:
        merged = merge_texts(*sides, where=shown, choices=choices)
        left = [c.path for c in merged.conflicts]
        text = render(merged)
    else:
        text, left = settle_markers(read_text(path), choices)
        if conflict_lines(text) and not left:
            raise ConflictError(
                f"{shown} has conflict markers git no longer knows the sides of",
                "edit the file: keep one side between <<<<<<< and >>>>>>>",
            )
    if left:
        raise ConflictError(
            f"{shown}: still changed on both sides: {', '.join(left)}",
            "choose a side for each: journal resolve --ours FIELD / --theirs FIELD",
        )
    journal.validate_text(text, where=shown)
    return Resolution(path, text, list(choices))  # none is left: each was settled


def union_of_sides(text: str) -> str:
    """A timeline with conflict markers, as the events of both sides.

    Lines of the base part (`|||||||` … `=======`) are dropped: they are in one of the
    sides already, or were removed by one. Repeated lines are kept once.
    """
    kept: list[str] = []
    seen: set[str] = set()
    in_base = False
    for line in text.splitlines():
        if line.startswith(CONFLICT_MARKERS[1:3]):  # the base part opens, or ends
            in_base = line.startswith(CONFLICT_MARKERS[1])
            continue
        if line.startswith(CONFLICT_MARKERS) or in_base:
            continue
        if line in seen and line.startswith("- "):
            continue
        seen.add(line)
        kept.append(line)
    return "\n".join(kept) + "\n" if kept else ""
