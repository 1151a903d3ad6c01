"""Timestamps at the start of a text (`**16:58 UTC** -`, `2018-10-10 15:30`), and
resolving them to aware datetimes along a timeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _fixed(hours: float) -> tzinfo:
    return timezone(timedelta(hours=hours))


# An abbreviation means the offset it names (PST is -08:00 even in July: the writer
# said PST); the two-letter ones name the region's zone, daylight saving included.
_ZONES: dict[str, tzinfo | str] = {
    "UTC": UTC, "GMT": UTC, "Z": UTC,
    "PST": _fixed(-8), "PDT": _fixed(-7), "MST": _fixed(-7), "MDT": _fixed(-6),
    "CST": _fixed(-6), "CDT": _fixed(-5), "EST": _fixed(-5), "EDT": _fixed(-4),
    "BST": _fixed(1), "CET": _fixed(1), "CEST": _fixed(2), "IST": _fixed(5.5),
    "JST": _fixed(9), "AEST": _fixed(10), "AEDT": _fixed(11),
    "PT": "America/Los_Angeles", "MT": "America/Denver", "CT": "America/Chicago",
    "ET": "America/New_York",
}  # fmt: skip
_ZONE_NAMES = "|".join(sorted(_ZONES, key=len, reverse=True))
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

_STAMP = re.compile(
    r"^[ \t]*(?P<open>\*\*|__|\[|`)?[ \t]*"
    r"(?:(?P<date>\d{4}-\d{2}-\d{2})(?:[T ]|,[ \t]*)?)?"
    r"(?:(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?"
    r"[ \t]*(?P<ampm>(?i:[ap]\.?m\.?))?)?"
    rf"[ \t]*(?P<zone>(?:{_ZONE_NAMES})\b|[+-]\d{{2}}:?\d{{2}})?"
    r"[ \t]*(?P<close>\*\*|__|\]|`)?"
    r"[ \t]*(?:(?:[-–—|:]|&mdash;)+[ \t]*)?(?P<rest>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Stamp:
    """A date and/or clock time that a text starts with, and the text after it."""

    day: date | None
    clock: time | None
    zone: tzinfo | None
    rest: str
    written: str = ""
    """The date, time and zone as written (`22:10`, `1:05 pm`, `2018-10-10 15:30 PST`),
    without the marks around them."""
    zone_written: bool = False
    """Whether the stamp names its zone."""
    clock_written: str = ""
    """The clock alone as written (`1:05 pm`)."""


def zone_named(name: str) -> tzinfo | None:
    """The tzinfo for an abbreviation (`PST`), an offset (`+02:00`) or an IANA name."""
    known = _ZONES.get(name.strip().upper())
    if isinstance(known, tzinfo):
        return known
    offset = _OFFSET.match(name.strip())
    if offset:
        sign = -1 if offset[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3])))
    try:
        return ZoneInfo(known or name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


_ZONE_IN_TEXT = re.compile(rf"\b({_ZONE_NAMES})\b|[+-]\d{{2}}:\d{{2}}")


def zone_mentioned(text: str) -> tzinfo | None:
    """A zone named in a heading or column (`Time (UTC)`, `all times PST`)."""
    match = _ZONE_IN_TEXT.search(text)
    return zone_named(match.group(0)) if match else None


def zone_word(text: str) -> str | None:
    """The zone named in a heading or column, as written (`PST`)."""
    match = _ZONE_IN_TEXT.search(text)
    return match.group(0) if match else None


def _clock(match: re.Match[str]) -> time | None:
    if match["h"] is None:
        return None
    hour, minute = int(match["h"]), int(match["m"])
    second = int(match["s"] or 0)
    ampm = (match["ampm"] or "").lower().replace(".", "")
    if ampm and not 1 <= hour <= 12:
        return None
    if ampm:
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def match_stamp(text: str) -> Stamp | None:
    """The timestamp `text` starts with, or None."""
    match = _STAMP.match(text)
    if not match or (match["date"] is None and match["h"] is None):
        return None
    if bool(match["open"]) != bool(match["close"]):
        return None
    day, clock = _day(match["date"]), _clock(match)
    if (match["date"] and day is None) or (match["h"] and clock is None):
        return None
    zone = zone_named(match["zone"]) if match["zone"] else None
    return Stamp(
        day,
        clock,
        zone,
        match["rest"].strip(),
        written=_written(match, ("date", "h", "m", "s", "ampm", "zone")),
        zone_written=bool(match["zone"]),
        clock_written=_written(match, ("h", "m", "s", "ampm")),
    )


def _written(match: re.Match[str], groups: tuple[str, ...]) -> str:
    """What `groups` of the stamp span, as written (less the marks around them)."""
    found = [g for g in groups if match[g]]
    if not found:
        return ""
    start = min(match.start(g) for g in found)
    end = max(match.end(g) for g in found)
    return " ".join(match.string[start:end].split())


def written_time(
    stamp: Stamp, at: datetime, *, shown_in: tzinfo, zone: str | None = None
) -> str | None:
    """The time as the report wrote it (with the `zone` its heading named), when a
    report in `shown_in` will show `at` otherwise: `22:10 PST`, `1:05 pm`; else None.
    """
    if stamp.clock is None:
        return None
    shown = at.astimezone(shown_in)
    if shown.utcoffset() == at.utcoffset() and (
        stamp.clock_written.zfill(5) == shown.strftime("%H:%M")
    ):
        return None
    if zone and not stamp.zone_written:
        return f"{stamp.written} {zone}"
    return stamp.written


@dataclass
class Resolver:
    """Turns stamps into datetimes in order, rolling over midnight."""

    day: date | None
    zone: tzinfo
    last: datetime | None = field(default=None)

    def resolve(self, stamp: Stamp, zone: tzinfo | None = None) -> datetime | None:
        """The stamp's datetime; None when there is no time or no date to put it on."""
        if stamp.day is not None:
            self.day = stamp.day
        if stamp.clock is None or self.day is None:
            return None
        at = datetime.combine(self.day, stamp.clock, stamp.zone or zone or self.zone)
        if stamp.day is None and self.last is not None and at < self.last:
            self.day += timedelta(days=1)
            at += timedelta(days=1)
        self.last = at
        return at
