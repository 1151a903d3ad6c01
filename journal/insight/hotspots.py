"""Hotspots: the source files most sessions touched — changed by their linked commits
or named as their root cause — with those sessions, the last date, a trend, and the
same rolled up by directory. Files are counted under their current names (renames
followed); files gone from HEAD are marked deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

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

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": [h.as_dict() for h in self.files],
            "directories": [h.as_dict() for h in self.directories],
        }


def find_hotspots(
    journal: Journal, *, since: date | None = None, today: date | None = None
) -> Hotspots:
    """Files and directories ranked by the sessions that touched them."""
    from journal.insight.changes import load_changes
    from journal.insight.sigindex import refresh

    features = refresh(journal)
    if since is not None:
        features = {k: f for k, f in features.items() if f["day"] >= since.isoformat()}
    shas = [s for f in features.values() for s in f.get("shas", ())]
    changes = load_changes(journal.root, journal.state_dir, shas)
    return rank(features, changes, today=today or journal.now().date())


def rank(
    features: dict[str, dict[str, Any]], changes: Changes, *, today: date
) -> Hotspots:
    # Each session's day is read and placed in the trend once, not once per file.
    when = {sid: _period(data["day"], today) for sid, data in features.items()}
    files: dict[str, Hotspot] = {}
    for session_id, data in sorted(features.items()):
        for path, how in _touched(data, changes).items():
            spot = files.get(path)
            if spot is None:
                spot = files[path] = Hotspot(path, exists=changes.exists(path))
            _count(spot, session_id, data["day"], how, when[session_id])
    directories: dict[str, Hotspot] = {}
    # The sessions already in each directory's roll-up, as a set: searching the
    # list was most of the ranking at 10,000 sessions.
    counted: dict[str, set[str]] = {}
    for spot in files.values():
        for folder in _parents(spot.path):
            roll = directories.get(folder)
            if roll is None:
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
