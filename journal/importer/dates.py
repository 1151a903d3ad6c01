"""Dates as reports write them: `2021-10-31`, `31-10-2021`, `10/31`, `10/31/21`,
`Oct 31`, `October 31st, 2021`, `31 October 2021`, after an optional weekday.

Hand-written rather than a date library: only a date at a known position is read
(the start of a line or cell), never guessed out of running text, and the patterns
cost next to nothing to import (`python -X importtime`: this module 0.02 ms, where
`dateutil.parser` took 27 ms here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan", "february feb", "march mar", "april apr", "may",
            "june jun", "july jul", "august aug", "september sept sep",
            "october oct", "november nov", "december dec",
        ),
        start=1,
    )
    for name in names.split()
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_NOT_DIGIT = r"(?!\d|:\d)"
WEEKDAY = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thu|fri|sat|sun)\b\.?,?[ \t]*",
    re.IGNORECASE,
)

_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), order)
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)", "ymd"),
        (r"(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)", "ymd"),
        (r"(\d{1,2})[-.](\d{1,2})[-.](\d{4}|\d{2})(?!\d)", "dmy"),
        (r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])", "mdy"),
        (rf"({_MONTH})\b\.?[ \t]+(\d{{1,2}}){_ORD}{_NOT_DIGIT}"
         r"(?:,?[ \t]+(\d{4})(?!\d))?", "Mdy"),
        (rf"(\d{{1,2}}){_ORD}[ \t]+(?:of[ \t]+)?({_MONTH})\b\.?"
         r"(?:,?[ \t]+(\d{4})(?!\d))?", "dMy"),
    )
)  # fmt: skip


@dataclass(frozen=True)
class DayMark:
    """A date as written; the year may be left to the context (`Oct 31`)."""

    year: int | None
    month: int
    day: int
    start: int
    end: int
    """Where the date (with its weekday) starts and ends in the text."""
    swapped: DayMark | None = None
    """The other reading of an ambiguous `01-10-2024` (day and month swapped)."""

    def on(self, year: int | None = None) -> date | None:
        """The date, with `year` when the text gave none; None if impossible."""
        chosen = self.year if self.year is not None else year
        if chosen is None:
            return None
        try:
            return date(chosen, self.month, self.day)
        except ValueError:
            return None


def _build(match: re.Match[str], order: str, start: int) -> DayMark | None:
    mark = _read(match, order, start)
    if order not in {"dmy", "mdy"}:
        return mark
    other = _read(match, "mdy" if order == "dmy" else "dmy", start)
    if mark is None or other is None or other == mark:
        return mark or other
    return DayMark(mark.year, mark.month, mark.day, start, mark.end, other)


def _read(match: re.Match[str], order: str, start: int) -> DayMark | None:
    values: dict[str, int | None] = {}
    for key, text in zip(order, match.groups(), strict=True):
        if key == "M":
            values["m"] = _MONTHS[text.lower()]
        else:
            values[key] = int(text) if text else None
    year, month, day = values.get("y"), values["m"], values["d"]
    if year is not None and year < 100:
        year += 2000
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    mark = DayMark(year, month, day, start, match.end())
    if year is not None and mark.on() is None:
        return None
    return mark


def match_date(text: str, pos: int = 0) -> DayMark | None:
    """The date written at `pos` (after an optional weekday), or None."""
    weekday = WEEKDAY.match(text, pos)
    at = weekday.end() if weekday else pos
    for pattern, order in _FORMS:
        match = pattern.match(text, at)
        if match:
            return _build(match, order, pos)
    return None


_ANY_DATE = re.compile(
    rf"(?<![\w/.-])(?=\d|{_MONTH}|monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday|mon|tue|wed|thu|fri|sat|sun)",
    re.IGNORECASE,
)


def find_date(text: str) -> DayMark | None:
    """The first date anywhere in `text` (a heading's `… 4/21/23-4/25/23`)."""
    marks = (match_date(text, start.start()) for start in _ANY_DATE.finditer(text))
    return next(filter(None, marks), None)


_YEAR = re.compile(r"(?<!\d)(19[7-9]\d|20\d\d)(?!\d)")


def year_in(text: str) -> int | None:
    """A year written in `text` (`Date (2021)`), or None."""
    found = _YEAR.search(text)
    return int(found[1]) if found else None
