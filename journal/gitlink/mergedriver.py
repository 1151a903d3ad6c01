"""The `merge=journal` driver: registering it in the repository's git config, and
reading a conflicted file's three versions back from git's index.

`.gitattributes` (written by `journal init`) names the driver for every
`session.yaml`; git runs it only where `merge.journal.driver` is configured, and falls
back to its own text merge elsewhere — which `journal resolve` repairs afterwards from
the index stages (`:1:` base, `:2:` ours, `:3:` theirs).
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from journal.gitlink.shell import run_git, run_git_raw

DRIVER = "journal"
_NAME = "journal: structural merge of session.yaml"


@dataclass(frozen=True)
class DriverState:
    """What the repository's config says about the driver."""

    command: str | None
    expected: str

    @property
    def current(self) -> bool:
        return self.command == self.expected


def driver_command() -> str:
    """The command git runs: this Python, the driver module, git's placeholders.

    `-P` keeps the merged checkout's folders off `sys.path`, so a `journal/` folder in
    the project can never stand in for the package.
    """
    return f"{shlex.quote(sys.executable)} -P -m journal.cli.mergedriver %O %A %B %P"


def state(root: Path) -> DriverState:
    command = run_git(
        ["config", "--local", "--get", f"merge.{DRIVER}.driver"],
        cwd=root,
        ok_codes=(0, 1),
    ).strip()
    return DriverState(command or None, driver_command())


def register(root: Path) -> str:
    """Set the driver in the repository's own config; 'registered', 'updated' or
    'already registered'."""
    before = state(root)
    if before.current:
        return "already registered"
    run_git(["config", "--local", f"merge.{DRIVER}.name", _NAME], cwd=root)
    run_git(["config", "--local", f"merge.{DRIVER}.driver", before.expected], cwd=root)
    return "updated" if before.command else "registered"


def unregister(root: Path) -> bool:
    """Remove the driver's section; False when it was not there."""
    if state(root).command is None:
        return False
    run_git(["config", "--local", "--remove-section", f"merge.{DRIVER}"], cwd=root)
    return True


def stages(root: Path, path: Path) -> tuple[str, str, str] | None:
    """(base, ours, theirs) of a conflicted file, from the index; None if unmerged
    stages are not there (the conflict was never git's, or it was already added).

    A side that lacks the file (added on one branch only) reads as empty.
    """
    top = _top(root)
    relative = path.resolve().relative_to(top)
    listed = run_git(["ls-files", "-u", "-z", "--", relative.as_posix()], cwd=top)
    present = {
        int(entry.split("\t", 1)[0].split()[2])
        for entry in listed.split("\0")
        if entry.strip()
    }
    if not present & {2, 3}:
        return None
    texts = []
    for stage in (1, 2, 3):
        if stage not in present:
            texts.append("")
            continue
        shown = run_git_raw(["show", f":{stage}:{relative.as_posix()}"], cwd=top)
        texts.append(shown.stdout.decode("utf-8", "replace"))
    return texts[0], texts[1], texts[2]


def stage_resolved(root: Path, path: Path) -> None:
    """`git add` the file: its conflict is settled."""
    top = _top(root)
    run_git(["add", "--", path.resolve().relative_to(top).as_posix()], cwd=top)


def _top(root: Path) -> Path:
    return Path(run_git(["rev-parse", "--show-toplevel"], cwd=root).strip()).resolve()


def attribute_set(root: Path, sessions_dir: str) -> bool:
    """True when git sees `merge=journal` on session files of `sessions_dir`."""
    probe = f"{sessions_dir}/2000-01-01-probe/session.yaml"
    out = run_git(["check-attr", "merge", "--", probe], cwd=root)
    return out.strip().endswith(": merge: journal")


def conflicting_fields(root: Path, path: Path, text: str) -> list[str] | None:
    """The fields in conflict in `path`: from journal's markers, or a structural merge
    of git's stages; None when neither tells (git's markers, the merge already left)."""
    from journal.errors import JournalError
    from journal.store.yamlmerge import marked_paths, merge_texts

    marked = marked_paths(text)
    if marked:
        return marked
    try:
        sides = stages(root, path)
        if sides is None:
            return None
        merged = merge_texts(*sides, where=str(path))
    except JournalError:
        return None
    return [c.path for c in merged.conflicts]
