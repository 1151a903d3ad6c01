"""The report's day from the strongest evidence, and which evidence it was.

In order: front matter (`date:`, `started:`), the header's fields (`Date:`,
`Incident date`, a metadata table), the title, the file name (and its folder), the
first entry of the timeline; `journal.operations.import_reports` adds the commit that
added the file to git as the last resort. A report with none of them is undated:
never today. A date is read only where it is written as one, with its year —
`PM2021-004`, `v2.2.0`, a bare `2021-05` or a date quoted in the body's logs are not
the report's day.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePath

from journal.importer.dates import find_date, match_date, year_in

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
