"""Reading the times people type (`01:02`, `14:05 yesterday`, `-5m`, `-1d2h`,
`2025-11-04T01:02Z`), tz-aware, and the one place the current time comes from.

Standard library only: this runs on the `journal log` fast path.

`JOURNAL_NOW` (an ISO 8601 time with its offset) fixes "now" for every command: the
seam that lets tests run a whole back-filled incident (`--at -20m`, then `now`) as
subprocesses against a known clock. Nothing else reads the clock.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from journal.errors import UsageError

TYPE_CHECKING = False  # `typing` costs start-up time on the `journal log` fast path
if TYPE_CHECKING:
    from typing import Any

_HINT = (
    'use HH:MM (or "HH:MM yesterday"), a relative time such as -5m or -1d2h, '
    "or ISO 8601 (2025-11-04T01:02Z)"
)
_DAY_WORDS = {"today": 0, "yesterday": 1}
_CLOCK_ON_DAY = re.compile(
    r"^(?:(today|yesterday)\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(today|yesterday))?$",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^-((?:\d+[dhms])+)$")
_RELATIVE_PART = re.compile(r"(\d+)([dhms])")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# A clock time this far ahead of now means yesterday: at 00:10 you log "23:55".
_FUTURE_SLACK = timedelta(hours=1)


def zone(name: str) -> tzinfo:
    """The tzinfo for an IANA name (`Europe/Berlin`) or `UTC`."""
    if name.upper() in {"UTC", "Z"}:
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
        shown = name if len(name) <= 60 else f"{name[:60]}…"
        raise UsageError(
            f"unknown timezone {shown!r}",
            "use an IANA name such as Europe/Berlin or UTC",
        ) from None


def now(tz: tzinfo) -> datetime:
    """The current time in `tz`, to the second (finer precision only adds noise);
    `JOURNAL_NOW` fixes it (see the module docstring)."""
    fixed = os.environ.get("JOURNAL_NOW")
    if not fixed:
        return datetime.now(tz).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UsageError(
            f"JOURNAL_NOW={fixed!r} is not an ISO 8601 time with an offset",
            "unset it, or give one such as 2025-11-04T14:41:00+00:00",
        )
    return moment.replace(microsecond=0).astimezone(tz)


def parse_when(text: str, *, tz: tzinfo, reference: datetime | None = None) -> datetime:
    """Parse a user-typed time relative to `reference` (default: now) in zone `tz`."""
    value = text.strip()
    ref = reference or now(tz)
    if not value:  # an empty `--at ''` is a mistake, never "now"
        raise UsageError("the time is empty", f'give one, or "now": {_HINT}')
    if value == "now":
        return ref
    relative = _RELATIVE.match(value)
    if relative:
        seconds = sum(int(n) * _UNITS[u] for n, u in _RELATIVE_PART.findall(value))
        try:
            # Elapsed time, counted in UTC: within one zone Python subtracts wall
            # times, an hour off across a daylight-saving change.
            moment = (ref.astimezone(UTC) - timedelta(seconds=seconds)).astimezone(tz)
            return in_range(moment, original=text)
        except OverflowError:
            raise _out_of_range(text) from None
    on_day = _CLOCK_ON_DAY.match(value)
    if on_day and not (on_day[1] and on_day[5]):  # one day word at most
        word = on_day[1] or on_day[5]
        days_back = _DAY_WORDS[word.lower()] if word else None
        return _parse_clock(
            value, on_day.groups()[1:4], tz=tz, reference=ref, days_back=days_back
        )
    return parse_iso(value, tz=tz)


def in_range(moment: datetime, *, original: str) -> datetime:
    """`moment`, if every zone can show it: a time in year 1 or 9999 in UTC would
    overflow when a report converts it to a zone a day away."""
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        raise _out_of_range(original) from None
    if not 1 < year < 9999:
        raise _out_of_range(original)
    return moment


def _out_of_range(text: str) -> UsageError:
    return UsageError(
        f"{text!r} is out of range", "give a time between the years 2 and 9998"
    )


def parse_iso(text: str, *, tz: tzinfo) -> datetime:
    """Parse ISO 8601; a time without an offset is read in `tz`."""
    value = text.strip()
    if value.endswith(("z", "Z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"cannot read {text!r} as a time", _HINT) from None
    if parsed.tzinfo is None:
        parsed = _localize(parsed, tz, original=text)
    return in_range(parsed, original=text)


def _parse_clock(
    text: str,
    parts: tuple[str | Any, ...],
    *,
    tz: tzinfo,
    reference: datetime,
    days_back: int | None = None,
) -> datetime:
    """A time of day: on the day `days_back` before the reference's, or (None) today
    unless that is over an hour ahead, then yesterday."""
    hour, minute, second = int(parts[0]), int(parts[1]), int(parts[2] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise UsageError(f"{text!r} is not a time of day", _HINT)
    local_ref = reference.astimezone(tz)
    day = local_ref.date() - timedelta(days=days_back or 0)
    clock = time(hour, minute, second)
    candidate = _localize(datetime.combine(day, clock), tz, original=text)
    # Real time elapsed, not the wall-clock difference Python gives in one zone.
    ahead = candidate.astimezone(UTC) - local_ref.astimezone(UTC)
    if days_back is None and ahead > _FUTURE_SLACK:
        yesterday = day - timedelta(days=1)
        candidate = _localize(datetime.combine(yesterday, clock), tz, original=text)
    return candidate


def _localize(naive: datetime, tz: tzinfo, *, original: str) -> datetime:
    aware = naive.replace(tzinfo=tz)
    # A wall time that does not exist (skipped by a DST change) does not survive the
    # round trip through UTC; refuse it rather than silently shifting it by an hour.
    try:
        back = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        raise _out_of_range(original) from None
    if back != naive:
        raise UsageError(
            f"{original!r} does not exist in {tz} (the clocks skipped it)",
            "give the time with its UTC offset, e.g. 2025-03-30T02:30+01:00",
        )
    return aware


def format_iso(moment: datetime) -> str:
    """The stored form: ISO 8601 with the offset."""
    return moment.isoformat()


def iso_or_none(moment: date | None) -> str | None:
    """`format_iso` of a moment (or a day), None for none: a JSON field's value."""
    return moment.isoformat() if moment is not None else None


# The clock and the day as reports and timelines show them, without `strftime`:
# 0.4 against 1.5 us a call, and a site's first build of 30 sessions of 50 events
# formats about 3,000 of them.


def clock_text(moment: datetime) -> str:
    """`moment.strftime("%H:%M")`."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def day_text(moment: date) -> str:
    """`moment.strftime("%Y-%m-%d")`."""
    if moment.year < 1000:  # whether strftime pads such a year depends on the C library
        return moment.strftime("%Y-%m-%d")
    return f"{moment.year}-{moment.month:02d}-{moment.day:02d}"
