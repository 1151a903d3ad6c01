"""The commit HEAD names, read from the repository's files without starting git:
what the fast paths (`show`, a `render --all` with nothing changed) key their saved
answers on, since a new commit can link itself to a session by its trailer.

Only the plain layouts are read (a detached HEAD, a branch in a loose ref file or in
`packed-refs`); anything else (reftable, a ref naming another ref, an unborn branch)
gives None and the caller asks git or takes its slow path.
"""

from __future__ import annotations

import re
from pathlib import Path

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
"""An object name: SHA-1 (40 hex digits) or SHA-256 (64)."""


def head_from_files(git_dir: Path) -> str | None:
    """`<ref> <sha>` (or the sha alone for a detached HEAD), or None when the
    files are not in one of the plain layouts."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if _SHA.fullmatch(head):
            return head
        if not head.startswith("ref: refs/"):
            return None
        ref = head[len("ref: ") :]
        common = common_dir(git_dir)
        try:
            loose = (common / ref).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return _packed(common, ref)
    except (OSError, UnicodeDecodeError):
        return None
    return f"{ref} {loose}" if _SHA.fullmatch(loose) else None


def common_dir(git_dir: Path) -> Path:
    """Where a linked worktree's refs and config live (its `commondir`)."""
    try:
        shared = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return git_dir
    return git_dir / shared


def _packed(common: Path, ref: str) -> str | None:
    # A ref missing from the folder and from packed-refs is an unborn branch (or a
    # reftable repository, whose HEAD names a placeholder): None either way.
    packed = (common / "packed-refs").read_text(encoding="utf-8")
    for line in packed.splitlines():
        sha, _, name = line.partition(" ")
        if name == ref and _SHA.fullmatch(sha):
            return f"{ref} {sha}"
    return None
