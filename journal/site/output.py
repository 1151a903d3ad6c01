"""The site folder (`site.site_dir`, `-o`): written only where journal may write.

Builders empty the folder they build into, so none builds into it: the site is built
in a staging folder of journal's own and then moved into place, file by file. A
marker file (MARKER) lists every file a build put there. A build goes ahead into a
folder that does not exist, is empty, or holds only files the marker lists; a folder
holding any other file is refused, naming it, unless `--force` is given. Even then
a file journal did not write is never deleted or overwritten: `--force` only means
"build here, beside them", and a file in the way of one of the site's own stops the
build before anything moves. Files of an earlier build that the new one no longer
has are removed (only those: the marker names them).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from journal.errors import ConflictError, UsageError
from journal.store.files import make_folders

MARKER = ".journal-site-built"
_SIGNATURE = "journal site build"


@dataclass(frozen=True)
class Claim:
    """What the site folder holds before a build."""

    site: Path
    ours: frozenset[str]
    """The files the last build put there (relative, `/`-separated)."""
    foreign: tuple[str, ...]
    """Files there that no build of journal's wrote (kept; only with --force)."""


def claim(site: Path, *, force: bool) -> Claim:
    """Check that a build may write into `site`; nothing is changed."""
    if site.exists() and not site.is_dir():
        raise UsageError(
            f"the site folder {site} is not a folder",
            "point -o (or site.site_dir in journal.yaml) at a folder",
        )
    ours = _manifest(site)
    foreign = tuple(rel for rel in _files(site) if rel not in ours)
    if foreign and not force:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        raise ConflictError(
            f"{site} holds files `journal site build` did not write "
            f"({foreign[0]}{more}): refusing to build there",
            "build into an empty or new folder (-o DIR), or pass --force to build "
            "beside them (they are kept, never deleted or overwritten)",
        )
    return Claim(site, ours, foreign)


def install(staging: Path, claim: Claim) -> None:
    """Move the site built in `staging` into the claimed folder, remove the files
    of the last build it no longer has, and write the marker."""
    site = claim.site
    new = sorted(_files(staging))
    _check_room(site, new, claim.ours)
    make_folders(site)
    for rel in new:
        target = site / rel
        _clear_our_parents(site, rel, claim.ours)
        target.parent.mkdir(parents=True, exist_ok=True)
        _move(staging / rel, target)
    kept = set(new)
    for rel in sorted(claim.ours - kept, reverse=True):
        stale = site / rel
        if stale.is_file() or stale.is_symlink():
            stale.unlink()
            _prune(stale.parent, site)
    _write_marker(site, new)
    shutil.rmtree(staging, ignore_errors=True)


def _check_room(site: Path, new: list[str], ours: frozenset[str]) -> None:
    """A file the site needs may replace only a file of the last build."""
    for rel in new:
        target = site / rel
        blocked = target.is_dir() and not target.is_symlink()
        if (target.exists() or target.is_symlink()) and rel not in ours:
            blocked = True
        parts = rel.split("/")
        for end in range(1, len(parts)):
            parent = "/".join(parts[:end])
            if (site / parent).is_file() and parent not in ours:
                blocked = True
        if blocked:
            raise ConflictError(
                f"{target} is in the way of the site's own {rel}, and journal did "
                "not write it: nothing was changed",
                "move it away, or build into an empty or new folder (-o DIR)",
            )


def _clear_our_parents(site: Path, rel: str, ours: frozenset[str]) -> None:
    parts = rel.split("/")
    for end in range(1, len(parts)):
        parent = "/".join(parts[:end])
        if parent in ours and (site / parent).is_file():
            (site / parent).unlink()


def _move(source: Path, target: Path) -> None:
    try:
        source.replace(target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copy2(source, target)
        source.unlink()


def _prune(folder: Path, site: Path) -> None:
    """Remove folders emptied by removing a stale file, up to the site folder."""
    while folder != site and folder.is_relative_to(site):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _files(top: Path) -> list[str]:
    """Every file (and symlink) under `top`, relative, the marker left out."""
    if not top.is_dir():
        return []
    found = []
    base = str(top)
    for dirpath, dirnames, filenames in os.walk(base):
        inside = dirpath[len(base) + 1 :].replace(os.sep, "/")
        prefix = f"{inside}/" if inside else ""
        found += [prefix + name for name in filenames if prefix + name != MARKER]
        # A symlink to a folder is listed as an entry, not followed.
        found += [
            prefix + name
            for name in dirnames
            if os.path.islink(os.path.join(dirpath, name))  # noqa: PTH114, PTH118
        ]
    return found


def _manifest(site: Path) -> frozenset[str]:
    try:
        data = json.loads((site / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    if not isinstance(data, dict) or data.get("written_by") != _SIGNATURE:
        return frozenset()
    files = data.get("files")
    if not isinstance(files, list):
        return frozenset()
    return frozenset(f for f in files if isinstance(f, str))


def _write_marker(site: Path, files: list[str]) -> None:
    from journal.store.files import atomic_write

    text = json.dumps({"written_by": _SIGNATURE, "files": files}, indent=0)
    atomic_write(site / MARKER, text + "\n")
