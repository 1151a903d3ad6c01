"""`journal hook install|uninstall|status`: the git hooks, placed where git looks.

Hooks go into `git rev-parse --git-path hooks` (so `core.hooksPath` and worktrees
work). A hook that is not ours is never overwritten: a shell script gets our block
chained in between marker lines; anything else makes install refuse, unless --force,
which keeps the old hook as `<name>.journal-backup`. Uninstall removes exactly what
install added.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from journal.errors import ConflictError, UsageError
from journal.gitlink.scripts import (
    HOOK_NAMES,
    block,
    chain,
    find_block,
    fresh,
    is_shell_script,
)
from journal.gitlink.shell import run_git
from journal.store.files import atomic_write
from journal.store.sessions import Journal

BACKUP_SUFFIX = ".journal-backup"


@dataclass(frozen=True)
class Place:
    """Where the hooks of the journal's repository live."""

    hooks_dir: Path
    rel: str
    """The journal's folder relative to the top of the checkout ("" at the top)."""
    hooks_path: str
    """core.hooksPath as configured, or ""."""
    in_work_tree: bool = False
    """The hooks folder is inside the work tree (`.githooks/`, husky): its files are
    committed, so they must not name this machine's paths."""


@dataclass(frozen=True)
class HookState:
    name: str
    path: Path
    state: str
    """absent, installed, chained, replaced, foreign."""
    outdated: bool = False
    detail: str = ""


@dataclass
class Changes:
    place: Place
    done: list[tuple[str, str, Path]] = field(default_factory=list)
    """(hook, what happened, file)."""


def locate(journal: Journal) -> Place:
    """The hooks folder of the journal's repository; refuses bare repositories."""
    out = run_git(
        ["rev-parse", "--is-bare-repository", "--git-path", "hooks", "--show-prefix"],
        cwd=journal.root,
    ).split("\n")
    if out[0] == "true":
        raise UsageError(
            f"{journal.root} is a bare repository: no commits are made there, "
            "so its hooks would never run",
            "install the hooks in a clone that has a work tree",
        )
    hooks_path = run_git(
        ["config", "--get", "core.hooksPath"], cwd=journal.root, ok_codes=(0, 1)
    ).strip()
    hooks_dir = Path(os.path.normpath(journal.root / out[1]))
    rel = out[2].rstrip("/")
    top = journal.root.resolve()
    for _ in rel.split("/") if rel else ():
        top = top.parent
    try:
        inside = hooks_dir.resolve().relative_to(top).parts[:1] != (".git",)
    except ValueError:
        inside = False
    return Place(hooks_dir, rel, hooks_path, inside)


def _expected(name: str, how: str, place: Place, journal: Journal) -> str:
    import journal as package

    return block(
        name,
        how=how,
        python=sys.executable,
        lib=str(Path(package.__file__).resolve().parent.parent),
        rel=place.rel,
        sessions=journal.config.sessions_dir,
        trailer=journal.config.git.trailer,
        portable=place.in_work_tree,
    )


def status(journal: Journal) -> tuple[Place, list[HookState]]:
    """What is installed where, for each hook journal knows."""
    place = locate(journal)
    return place, [_state(name, place, journal) for name in HOOK_NAMES]


def _state(name: str, place: Place, journal: Journal) -> HookState:
    path = place.hooks_dir / name
    if not path.exists() and not path.is_symlink():
        return HookState(name, path, "absent")
    text = _read(path)
    found = find_block(text, name) if text is not None else None
    if found is None:
        return HookState(name, path, "foreign", detail="a hook that is not journal's")
    state = {"created": "installed"}.get(found.how, found.how)
    outdated = found.block != _expected(name, found.how, place, journal)
    notes = []
    if outdated:
        notes.append("outdated: run `journal hook install` to update it")
    if not os.access(path, os.X_OK):
        notes.append("not executable, so git skips it")
    return HookState(name, path, state, outdated, "; ".join(notes))


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def install(
    journal: Journal,
    *,
    commit_msg: bool = True,
    post_commit: bool = False,
    force: bool = False,
) -> Changes:
    """Install (or update) the hooks; all are checked before any file changes.

    By default only the commit-msg hook: each commit carries its `Journal-Session:`
    trailer, which is the link (reports read it from history), so the work tree is
    never left dirty. The post-commit hook also appends each commit to timeline.yaml
    as it is made, at the cost of a modified file after every commit.
    """
    if not (commit_msg or post_commit):
        raise UsageError(
            "nothing to install: both hooks are switched off",
            "keep --post-commit, --commit-msg or both",
        )
    place = locate(journal)
    chosen = {"post-commit": post_commit, "commit-msg": commit_msg}
    wanted = [n for n in HOOK_NAMES if chosen[n]]
    plans = [_plan(name, place, journal, force=force) for name in wanted]
    changes = Changes(place)
    place.hooks_dir.mkdir(parents=True, exist_ok=True)
    for name, what, text in plans:
        path = place.hooks_dir / name
        if what == "replaced":
            path.replace(path.with_name(name + BACKUP_SUFFIX))
        if text is not None:
            existed = path.exists()
            atomic_write(path, text)
            if not existed:
                path.chmod(0o755)
        changes.done.append((name, what, path))
    for name in HOOK_NAMES:
        if not chosen[name]:
            changes.done.extend(_remove(name, place))
    return changes


def _plan(
    name: str, place: Place, journal: Journal, *, force: bool
) -> tuple[str, str, str | None]:
    path = place.hooks_dir / name
    exists = path.exists() or path.is_symlink()
    text = _read(path) if exists and not path.is_symlink() else None
    found = find_block(text, name) if text is not None else None
    if found is not None:
        new = _expected(name, found.how, place, journal)
        if new == found.block:
            return name, "already installed", None
        return name, "updated", found.before + new + found.after
    if not exists:
        return name, "installed", fresh(_expected(name, "created", place, journal))
    if force:
        backup = path.with_name(name + BACKUP_SUFFIX)
        if backup.exists():
            raise ConflictError(
                f"{backup} already exists", "move it away, then run install again"
            )
        return name, "replaced", fresh(_expected(name, "replaced", place, journal))
    if text is not None and is_shell_script(text) and os.access(path, os.X_OK):
        return name, "chained", chain(text, _expected(name, "chained", place, journal))
    raise ConflictError(
        f"{path} is a hook that is not journal's, and not a shell script journal "
        "can chain into",
        f"run `journal hook install --force` to replace it (it is kept as "
        f"{name}{BACKUP_SUFFIX}), or call `python -m journal.cli.hook {name}` from it",
    )


def uninstall(journal: Journal) -> Changes:
    """Remove exactly what install added; a replaced hook comes back from its backup."""
    place = locate(journal)
    changes = Changes(place)
    for name in HOOK_NAMES:
        changes.done.extend(_remove(name, place))
    return changes


def _remove(name: str, place: Place) -> list[tuple[str, str, Path]]:
    path = place.hooks_dir / name
    text = _read(path) if path.is_file() and not path.is_symlink() else None
    found = find_block(text, name) if text is not None else None
    if found is None:
        return []
    rest = found.before + found.after
    only_ours = found.how != "chained" and rest.strip() in {"", "#!/bin/sh"}
    if not only_ours:
        atomic_write(path, rest)
        return [(name, "removed journal's block", path)]
    path.unlink()
    backup = path.with_name(name + BACKUP_SUFFIX)
    if found.how == "replaced" and backup.exists():
        backup.replace(path)
        return [(name, f"removed; restored the hook from {backup.name}", path)]
    return [(name, "removed", path)]
