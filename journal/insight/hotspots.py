"""Hotspots: the source files most sessions touched — changed by their linked commits
(in their timeline, or naming them in a `Journal-Session:` trailer) or named as their
root cause — with those sessions, the last date, a trend, and the same rolled up by
directory. Files are counted under their current names (renames followed); files
gone from HEAD are marked deleted. The journal's own files (its sessions folder,
`journal.yaml`, the schema, `.gitattributes`) are not the team's code and are left
out, as are URLs. In a shallow clone the history stops at its boundary: that is
said (`shallow`), not passed over.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.insight import samefile

if TYPE_CHECKING:
    from journal.insight.changes import Changes
    from journal.store.sessions import Journal

TREND_DAYS = 90
"""The trend compares the last this-many days with the same span before them."""


@dataclass
class Hotspot:
    """A file or a directory and the sessions that touched it."""

    path: str
    sessions: list[str] = field(default_factory=list)
    last: str = ""
    recent: int = 0
    before: int = 0
    exists: bool | None = None
    how: set[str] = field(default_factory=set)

    @property
    def trend(self) -> str:
        if self.recent > self.before:
            return "rising"
        if self.recent < self.before:
            return "falling"
        return "steady"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "count": len(self.sessions),
            "sessions": self.sessions,
            "last": self.last,
            "trend": self.trend,
            "deleted": self.exists is False,
            "via": sorted(self.how),
        }


@dataclass
class Hotspots:
    files: list[Hotspot]
    directories: list[Hotspot]
    shallow: bool = False
    """The repository is a shallow clone: commits before its boundary are unknown."""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "files": [h.as_dict() for h in self.files],
            "directories": [h.as_dict() for h in self.directories],
        }
        if self.shallow:
            found["shallow"] = True
            found["note"] = SHALLOW_NOTE
        return found


SHALLOW_NOTE = (
    "the repository is a shallow clone: commits before its boundary are not "
    "counted (git fetch --unshallow to count them)"
)
_URL_RE = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*:/|www\.|[\w-]+(?:\.[\w-]+)*\."
    r"(?:com|org|net|io|dev|app|co|edu|gov|cloud|ai)(?:/|$))",
    re.IGNORECASE,
)
_JOURNAL_FILES = ("journal.yaml", "journal.schema.json", ".gitattributes")


def find_hotspots(journal: Journal, *, since: date | None = None) -> Hotspots:
    """Files and directories ranked by the sessions that touched them."""
    from journal.gitlink.sync import is_shallow
    from journal.insight.changes import load_changes
    from journal.insight.sigindex import refresh

    features = _with_trailer_commits(journal, refresh(journal))
    if since is not None:
        features = {k: f for k, f in features.items() if f["day"] >= since.isoformat()}
    shas = [s for f in features.values() for s in f.get("shas", ())]
    changes = load_changes(journal.root, journal.state_dir, shas)
    today = journal.now().date()
    found = rank(features, changes, today=today, skip=_journal_paths(journal))
    with contextlib.suppress(JournalError):  # not a repository: not shallow
        found.shallow = is_shallow(journal.root)
    return found


def _with_trailer_commits(
    journal: Journal, features: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Each session's features with the commits naming it in their trailer, which
    the timeline lists only after `journal sync` or `close`."""
    from journal.gitlink.derived import trailer_commits

    linked = trailer_commits(journal)
    if not linked:
        return features
    merged = dict(features)
    for sid, events in linked.items():
        if sid in merged:
            shas = [e["sha"] for e in events if e.get("sha")]
            own = merged[sid].get("shas", [])
            merged[sid] = {**merged[sid], "shas": list(dict.fromkeys([*own, *shas]))}
    return merged


def _journal_paths(journal: Journal) -> Callable[[str], bool]:
    """Whether a path (as git names it, from the repository's top) is one of the
    journal's own files or not a file at all (a URL)."""
    from journal.gitlink.shell import run_git

    try:
        top = run_git(["rev-parse", "--show-toplevel"], cwd=journal.root).strip()
        base = os.path.relpath(journal.root.resolve(), Path(top).resolve())
    except (JournalError, ValueError):
        base = "."
    prefix = "" if base == "." else base.replace(os.sep, "/") + "/"
    sessions = f"{prefix}{journal.config.sessions_dir.strip('/')}/"
    own = {prefix + name for name in _JOURNAL_FILES}

    def skip(path: str) -> bool:
        return path in own or path.startswith(sessions) or bool(_URL_RE.match(path))

    return skip


def rank(
    features: dict[str, dict[str, Any]],
    changes: Changes,
    *,
    today: date,
    skip: Callable[[str], bool] | None = None,
) -> Hotspots:
    # Each session's day is read and placed in the trend once, not once per file.
    when = {sid: _period(data["day"], today) for sid, data in features.items()}
    files: dict[str, Hotspot] = {}
    touched = {sid: _touched(data, changes) for sid, data in sorted(features.items())}
    # A root cause written as a trace prints it (`app/worker/x.py`) is the file
    # a commit changed (`worker/x.py`): one hotspot, counted once a session.
    alias = samefile.aliases(touched)
    for session_id, paths in touched.items():
        data = features[session_id]
        for path, how in _renamed(paths, alias).items():
            if (skip is not None and skip(path)) or _URL_RE.match(path):
                continue
            if (spot := files.get(path)) is None:
                spot = files[path] = Hotspot(path, exists=changes.exists(path))
            _count(spot, session_id, data["day"], how, when[session_id])
    directories: dict[str, Hotspot] = {}
    # The sessions already in each directory's roll-up, as a set: searching the
    # list was most of the ranking at 10,000 sessions.
    counted: dict[str, set[str]] = {}
    for spot in files.values():
        for folder in _parents(spot.path):
            if (roll := directories.get(folder)) is None:
                roll = directories[folder] = Hotspot(folder + "/")
            seen = counted.setdefault(folder, set())
            for session_id in spot.sessions:
                if session_id not in seen:
                    seen.add(session_id)
                    day = features[session_id]["day"]
                    _count(roll, session_id, day, spot.how, when[session_id])
    return Hotspots(_sorted(files), _sorted(directories))


def _touched(data: dict[str, Any], changes: Changes) -> dict[str, set[str]]:
    touched: dict[str, set[str]] = {}
    for sha in data.get("shas", ()):
        for path in changes.files.get(sha.lower(), ()):
            touched.setdefault(path, set()).add("commit")
    for path in data.get("root_files", ()):
        touched.setdefault(changes.current(path), set()).add("root cause")
    return touched


def _renamed(
    touched: dict[str, set[str]], alias: dict[str, str]
) -> dict[str, set[str]]:
    if not alias:
        return touched
    found: dict[str, set[str]] = {}
    for path, how in touched.items():
        found.setdefault(alias.get(path, path), set()).update(how)
    return found


def _period(day: str, today: date) -> int:
    """1 for the last TREND_DAYS days, 2 for the span before them, else 0."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return 0
    span = timedelta(days=TREND_DAYS)
    if today - span < when <= today:
        return 1
    if today - 2 * span < when <= today - span:
        return 2
    return 0


def _count(
    spot: Hotspot, session_id: str, day: str, how: set[str], period: int
) -> None:
    spot.sessions.append(session_id)
    spot.last = max(spot.last, day)
    spot.how |= how
    if period == 1:
        spot.recent += 1
    elif period == 2:
        spot.before += 1


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _sorted(spots: dict[str, Hotspot]) -> list[Hotspot]:
    return sorted(spots.values(), key=lambda h: (-len(h.sessions), h.path))
