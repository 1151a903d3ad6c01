"""Timestamps at the start of a text (`**16:58 UTC** -`, `2018-10-10 15:30`), and
resolving them to aware datetimes along a timeline.

Steps of a work session stamped in the middle: `Phase 1 (14:00–14:30): drain
the cache`, `**Step 2 (09:10):** restart`. The step's name stays in the event's
text; its time (or range) is the event's time, as written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from journal.importer.dating import WEEKDAY, DayMark, match_date


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

_OPEN = re.compile(r"[ \t]*(\*\*|__|\[|`|_|\*)?[ \t]*(~[ \t]*)?")
_CLOSE = {"**": "**", "__": "__", "[": "]", "`": "`", "_": "_", "*": "*"}
_CLOCK = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?(?!\d|:\d)"
    r"(?:[ \t]*(?P<ampm>[ap]\.?m\b\.?))?"
    r"|(?P<h2>\d{1,2})[ \t]*(?P<ampm2>[ap]\.?m\b\.?)",
    re.IGNORECASE,
)
_UNKNOWN_CLOCK = re.compile(r"(?:-{1,2}|\?{1,2}|[xX]{2}):(?:-{1,2}|\?{1,2}|[xX]{2})")
_RANGE = re.compile(
    r"[ \t]*(?:-|–|—|to|until)[ \t]*(?:\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[ap]\.?m\.?)?)",
    re.IGNORECASE,
)
_ZONE = re.compile(rf"[ \t]*\(?((?:{_ZONE_NAMES})\b|[+-]\d{{2}}:?\d{{2}})\)?")
_JOIN = re.compile(r"[ \t]*(?:T|,|at\b|@)?[ \t]*", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"[ \t]*[,(]?[ \t]*(?:on[ \t]+)?", re.IGNORECASE)
_SEPARATOR = re.compile(r"[ \t]*(?:(?:[-–—|:]|&mdash;)+[ \t]*)?")


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
    mark: DayMark | None = None
    """The date as written, its year perhaps left to the context (`Oct 31`)."""
    unknown: bool = False
    """The clock is written as unknown (`--:--`)."""
    ranged: bool = False
    """The clock is a range (`13:30–13:35`): its end is in `written`."""


def range_end(stamp: Stamp) -> time | None:
    """The clock a ranged stamp ends at (`13:30–13:35` → 13:35), else None."""
    if not stamp.ranged or not stamp.clock_written:
        return None
    after = stamp.written.split(stamp.clock_written, 1)[-1]
    ranged = _RANGE.match(after)
    found = _CLOCK.search(ranged[0]) if ranged else None
    return _clock(found) if found else None


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
    word = zone_word(text)
    return zone_named(word) if word else None


def zone_word(text: str) -> str | None:
    """The zone named in a heading or column, as written (`PST`)."""
    match = _ZONE_IN_TEXT.search(text)
    return match.group(0) if match else None


def _clock(match: re.Match[str]) -> time | None:
    hour = int(match["h"] or match["h2"])
    minute, second = int(match["m"] or 0), int(match["s"] or 0)
    ampm = (match["ampm"] or match["ampm2"] or "").lower().replace(".", "")
    if ampm and hour == 0:
        return None
    if ampm and hour <= 12:
        # `13:06 PM` is read as written: 13:06.
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


@dataclass
class _Scan:
    """Where the parts of a stamp were found in the text."""

    text: str
    pos: int
    mark: DayMark | None = None
    clock: time | None = None
    unknown: bool = False
    ranged: bool = False
    clock_span: tuple[int, int] | None = None
    zone: str | None = None
    first: int = -1
    last: int = -1

    def took(self, start: int, end: int) -> None:
        self.first = start if self.first < 0 else min(self.first, start)
        self.last = max(self.last, end)
        self.pos = end

    def date(self) -> bool:
        mark = match_date(self.text, self.pos)
        if mark is None:
            return False
        self.mark = mark
        self.took(mark.start, mark.end)
        return True

    def time(self) -> bool:
        at = _JOIN.match(self.text, self.pos).end() if self.mark else self.pos  # type: ignore[union-attr]
        found = _CLOCK.match(self.text, at)
        if found is None:
            unknown = _UNKNOWN_CLOCK.match(self.text, at)
            if unknown is None:
                return False
            self.unknown = True
            self.took(unknown.start(), unknown.end())
            return True
        self.clock = _clock(found)
        if self.clock is None:
            return False
        self.clock_span = (found.start(), found.end())
        self.took(found.start(), found.end())
        if ranged := _RANGE.match(self.text, self.pos):
            self.ranged = True
            self.took(ranged.start(), ranged.end())
        if zoned := _ZONE.match(self.text, self.pos):
            self.zone = zoned[1]
            self.took(zoned.start(1), zoned.end())
        return True


def match_stamp(text: str) -> Stamp | None:
    """The timestamp `text` starts with, or None."""
    opened = _OPEN.match(text)
    assert opened is not None
    scan = _Scan(text, opened.end())
    weekday_only = WEEKDAY.match(text, scan.pos)
    dated = scan.date()
    if not dated and weekday_only:
        scan.pos = weekday_only.end()
    timed = scan.time()
    if not dated and timed:
        trailing = _TRAILING_DATE.match(text, scan.pos)
        scan.pos = trailing.end() if trailing else scan.pos
        if not scan.date():
            scan.pos = scan.last
        elif text.startswith(")", scan.pos) and "(" in text[: scan.pos]:
            scan.took(scan.pos, scan.pos + 1)
    if not (dated or timed):
        return None
    mark = opened[1]
    if mark:
        # `**June 14th, 2022, 10:00 AM:**`: the separator inside the marks.
        inside = _SEPARATOR.match(text, scan.pos)
        if inside and text.startswith(_CLOSE[mark], inside.end()):
            scan.pos = inside.end()
        if not text.startswith(_CLOSE[mark], scan.pos):
            return None
        scan.pos += len(_CLOSE[mark])
    elif text[scan.pos : scan.pos + 1].isalnum():
        return None
    rest = text[_SEPARATOR.match(text, scan.pos).end() :]  # type: ignore[union-attr]
    return _stamp(scan, rest)


def _stamp(scan: _Scan, rest: str) -> Stamp:
    written = " ".join(scan.text[scan.first : scan.last].split())
    clock_written = ""
    if scan.clock_span:
        clock_written = " ".join(scan.text[slice(*scan.clock_span)].split())
    return Stamp(
        scan.mark.on() if scan.mark else None,
        scan.clock,
        zone_named(scan.zone) if scan.zone else None,
        rest.strip(),
        written=written,
        zone_written=scan.zone is not None,
        clock_written=clock_written,
        mark=scan.mark,
        unknown=scan.unknown,
        ranged=scan.ranged,
    )


def written_time(
    stamp: Stamp, at: datetime, *, shown_in: tzinfo, zone: str | None = None
) -> str | None:
    """The time as the report wrote it (with the `zone` its heading named), when a
    report in `shown_in` will show `at` otherwise: `22:10 PST`, `1:05 pm`; else None.
    """
    if stamp.clock is None:
        return None
    shown = at.astimezone(shown_in)
    # A range (`13:30–13:35`) is always written: its end is said nowhere else.
    if (
        not stamp.ranged
        and shown.utcoffset() == at.utcoffset()
        and stamp.clock_written.zfill(5) == shown.strftime("%H:%M")
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
    year: int | None = None
    """The year for dates written without one (`Oct 31`), when no date is known."""

    def take_day(self, stamp: Stamp) -> date | None:
        """The stamp's date (its year from the context if it has none)."""
        if stamp.mark is None:
            return None
        known = self.day.year if self.day else self.year
        day = stamp.mark.on(known)
        if stamp.mark.swapped is not None and self.day is not None:
            # `01-10-2024` near 2024-01-16 is January 10th, not October 1st.
            other = stamp.mark.swapped.on(known)
            if other is not None and (
                day is None or abs(other - self.day) < abs(day - self.day)
            ):
                day = other
        turned = day is not None and self.day is not None and stamp.mark.year is None
        if turned and day < self.day - timedelta(days=180):  # type: ignore[operator]
            # `Dec 31` then `Jan 1`: the year turned.
            day = stamp.mark.on(known + 1 if known else None)
        if day is not None:
            self.day = day
        return day

    def resolve(
        self, stamp: Stamp, zone: tzinfo | None = None, *, dated: bool = False
    ) -> datetime | None:
        """The stamp's datetime; None when there is no time or no date to put it on.

        `dated`: a stamp without a time (a date, or `--:--`) is an event too, at the
        last time of that day (or its start), as precise as the report is.
        """
        took = self.take_day(stamp)
        if self.day is None:
            return None
        if stamp.clock is None:
            if not dated:
                return None
            return self._imprecise(took, stamp.zone or zone or self.zone)
        at = datetime.combine(self.day, stamp.clock, stamp.zone or zone or self.zone)
        if took is None and self.last is not None and at < self.last:
            self.day += timedelta(days=1)
            at += timedelta(days=1)
        self.last = at
        return at

    def _imprecise(self, took: date | None, zone: tzinfo) -> datetime:
        assert self.day is not None
        if self.last is not None and (took is None or self.last.date() == self.day):
            return self.last
        at = datetime.combine(self.day, time(0), zone)
        self.last = at
        return at


_STEP = re.compile(
    r"^(?P<open>\*\*|__)?(?P<name>(?:phase|step|stage|part)\s+[\w.]{1,6})\s*"
    r"\((?P<when>[^()\n]{3,60})\)\s*(?P<colon>:)?\s*(?P=open)?\s*"
    r"(?:[:.–—-]\s*)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def phase_stamp(text: str) -> Stamp | None:
    """The time of a step written `Phase 1 (14:00–14:30): text`, its text
    `Phase 1: text`; None unless the parentheses hold a clock time."""
    match = _STEP.match(text.strip())
    if match is None:
        return None
    stamp = match_stamp(match["when"].strip())
    if stamp is None or stamp.clock is None or stamp.rest.strip():
        return None
    rest = match["rest"].strip()
    return replace(stamp, rest=f"{match['name']}: {rest}" if rest else match["name"])


def stamp_of(text: str) -> Stamp | None:
    """The stamp a timeline entry starts with: a time, or a step with its time."""
    return match_stamp(text) or phase_stamp(text)
