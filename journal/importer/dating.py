"""The report's day from the strongest evidence, and which evidence it was.

In order: front matter (`date:`, `started:`), the header's fields (`Date:`,
`Incident date`, a metadata table), the title, the file name (and its folder), the
first entry of the timeline; `journal.operations.import_reports` adds the commit that
added the file to git as the last resort. A report with none of them is undated:
never today. A date is read only where it is written as one, with its year —
`PM2021-004`, `v2.2.0`, a bare `2021-05` or a date quoted in the body's logs are not
the report's day.

Dates as reports write them: `2021-10-31`, `31-10-2021`, `10/31`, `10/31/21`,
`Oct 31`, `October 31st, 2021`, `31 October 2021`, after an optional weekday.

Hand-written rather than a date library: only a date at a known position is read
(the start of a line or cell), never guessed out of running text, and the patterns
cost next to nothing to import (`python -X importtime`: 0.02 ms as a module of their
own, where `dateutil.parser` took 27 ms here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

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


UNDATED = "undated"

_ISO = re.compile(r"(?<![\d.])(\d{4})[-_.](\d{2})[-_.](\d{2})(?![\d.])")
_YEAR_MONTH = re.compile(r"^(\d{4})[-_.](\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{2})[-_.](\d{2})(?![\d])")
_DATE_KEYS = re.compile(
    r"^\W*(incident\s+)?(date|day|started|start\s+(date|time)|began|occurred"
    r"|date\s+of\s+(the\s+)?incident)\W*$",
    re.IGNORECASE,
)


def _iso_day(text: str) -> date | None:
    for match in _ISO.finditer(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def day_in_name(source: str) -> date | None:
    """The day a file's name writes (`2025-09-29-flags-is-down.md`), else its
    folder's (`2021-05-09/report.md`), else a folder's year and month with the
    name's month and day (`2023-04/04-25-report.md`). A folder's month alone is not
    a day, and `PM2021-004` is not a date."""
    if source in {"", "<text>"}:
        return None
    path = PurePath(source)
    folders = [parent.name for parent in list(path.parents)[:2]]
    day = next(filter(None, map(_iso_day, [path.stem, *folders])), None)
    if day is not None:
        return day
    month_day = _MONTH_DAY.match(path.stem)
    year_month = next(filter(None, map(_YEAR_MONTH.match, folders)), None)
    if month_day and year_month and month_day[1] == year_month[2]:
        try:
            return date(int(year_month[1]), int(month_day[1]), int(month_day[2]))
        except ValueError:
            return None
    return None


def day_in_text(text: str) -> date | None:
    """A date written with its year in a short text (a title, a field's value):
    `September 29, 2025`, `5-26-21`, `January 14-19, 2026` (the year written once
    after a range). None for a month alone or a day without a year."""
    mark = find_date(text)
    if mark is None:
        return None
    if mark.year is not None:
        return mark.on()
    after = text[mark.end :]
    # `January 14-19, 2026`: the range's end, then the year.
    tail = re.match(r"\s*[-–]\s*\d{1,2}(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", after)
    if tail is not None:
        return mark.on(int(tail[1]))
    return None


def is_date_key(key: str) -> bool:
    """A header or metadata-table key that names the incident's day."""
    return _DATE_KEYS.match(key.strip()) is not None


def day_in_cell(text: str) -> date | None:
    """The day a metadata table's value cell writes, at its start."""
    mark = match_date(text.strip())
    if mark is not None and mark.year is not None:
        return mark.on()
    return day_in_text(text) if year_in(text) else None
