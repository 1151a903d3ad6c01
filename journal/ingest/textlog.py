"""Plain-text chat and admin logs into events, one line at a time.

Shapes read (each line on its own, so one file may mix them):

- `[HH:MM] <nick> text` and `[HH:MM:SS] <nick> text` (IRC clients)
- `HH:MM nick: text`
- `2016-03-01 12:34:56 <nick> text` and `2016-03-01T12:34:56Z<TAB>nick<TAB>text`
- `* 12:34 user: text` under `== 2016-03-01 ==` day headings (a server admin log,
  newest day first); a bot relaying `[user@host] text` names the real actor.

A line that fits none continues the message before it (a multi-line paste). The date
comes from the line, else its heading, else `--date`; the zone from the line, else
`--tz` or the journal's. Text logs give no ids, so each message's id is a digest of
its time, author and text: ingesting the same log twice adds nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta

from journal.ingest.common import Event, Options, bad, event, from_iso

_CLOCK = r"(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)"
_FULL = (
    r"(?P<full>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)"
)
_SHAPES = (
    re.compile(_FULL + r"\t(?P<nick>[^\t]+)\t(?P<text>.*)$"),
    re.compile(_FULL + r"\s+<[@+%~&]?(?P<nick>[^>\s]+)>\s?(?P<text>.*)$"),
    re.compile(_FULL + r"\s+(?P<nick>[^\s:]+):\s(?P<text>.*)$"),
    re.compile(r"\[" + _CLOCK + r"\]\s+<[@+%~&]?(?P<nick>[^>\s]+)>\s?(?P<text>.*)$"),
    re.compile(r"\*\s+" + _CLOCK + r"\s+(?P<nick>[^\s:]+):\s?(?P<text>.*)$"),
    re.compile(_CLOCK + r"\s+<?(?P<nick>[^\s:<>]+)>?:?\s(?P<text>.*)$"),
)
_HEADING = re.compile(
    r"^=+\s*(\d{4}-\d{2}-\d{2})\s*=+\s*$|^#+\s*(\d{4}-\d{2}-\d{2})\s*$"
)
# `[alice@deploy1] text` or `alice@deploy1: text` relayed by a bot.
_RELAYED = re.compile(
    r"^\[?(?P<user>[A-Za-z0-9._-]+)@[A-Za-z0-9.-]+\]?:?\s+(?P<text>.*)$"
)
_BOTS = re.compile(r"(?i)(bot|relay)$")


def looks_like(sample: str) -> bool:
    """True when the first lines that are not blank or headings fit a shape."""
    lines = [
        line
        for line in sample.splitlines()[:20]
        if line.strip() and not _HEADING.match(line.strip())
    ]
    return bool(lines) and any(_match(line) for line in lines[:5])


def _match(line: str) -> re.Match[str] | None:
    return next(filter(None, (shape.match(line) for shape in _SHAPES)), None)


def read(lines: Iterable[str], options: Options, *, name: str) -> Iterator[Event]:
    """The messages of a log; a continuation line joins the message before it."""
    day = _Day(options.day)
    pending: Event | None = None
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            day = _Day(date.fromisoformat(heading[1] or heading[2]), heading=True)
            continue
        found = _match(stripped) if stripped else None
        if found is None:
            if pending is not None and stripped:
                pending["text"] += "\n" + line
            elif stripped:
                raise bad(
                    "is not a chat line (no time and author at its start)",
                    "write `HH:MM nick: text`, `[HH:MM] <nick> text` or "
                    "`YYYY-MM-DD HH:MM:SS <nick> text`",
                    where=f"{name}:{number}",
                )
            continue
        if pending is not None:
            yield _finish(pending, seen)
        pending = _message(found, day.of(found), options, where=f"{name}:{number}")
    if pending is not None:
        yield _finish(pending, seen)


class _Day:
    """The date of clock-only lines: a heading's, or `--date`'s — which a log that
    runs past midnight (`23:58` then `00:02`) leaves for the next day."""

    def __init__(self, start: date | None, *, heading: bool = False) -> None:
        self.day, self.heading = start, heading
        self.last: time | None = None

    def of(self, found: re.Match[str]) -> date | None:
        clock = found.groupdict().get("clock")
        if not clock or self.day is None:
            return self.day
        now = time.fromisoformat(_padded(clock))
        # Under a heading the entries may run newest first: no rollover there.
        if not self.heading and self.last and self.last.hour - now.hour >= 12:
            self.day += timedelta(days=1)
        self.last = now
        return self.day


def _message(
    found: re.Match[str], day: date | None, options: Options, *, where: str
) -> Event:
    groups = found.groupdict()
    if groups.get("full"):
        moment = from_iso(
            groups["full"].replace(" ", "T", 1), where=where, tz=options.tz
        )
    else:
        if day is None:
            raise bad(
                "the line gives a time but no date",
                "give the day with --date YYYY-MM-DD (or a `== YYYY-MM-DD ==` heading)",
                where=where,
            )
        clock = time.fromisoformat(_padded(groups["clock"]))
        moment = from_iso(
            datetime.combine(day, clock).isoformat(), where=where, tz=options.tz
        )
    nick, text = groups["nick"].strip(), groups["text"]
    relayed = _RELAYED.match(text) if _BOTS.search(nick) else None
    if relayed:
        nick, text = relayed["user"], relayed["text"]
    return {
        "at": moment.isoformat(),
        "kind": options.kind("message"),
        "text": text,
        "by": nick,
    }


def _padded(clock: str) -> str:
    return clock.zfill(5) if clock.count(":") == 1 else clock.zfill(8)


def _finish(pending: Event, seen: dict[str, int]) -> Event:
    """The message with its digest id; a repeat of the same line at the same time
    within one log gets `#2`, `#3`…, so both are kept and both dedupe."""
    key = "\x00".join((pending["at"], pending["by"], pending["text"].strip()))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    seen[digest] = seen.get(digest, 0) + 1
    ident = f"textlog:{digest}" + (f"#{seen[digest]}" if seen[digest] > 1 else "")
    return event(
        datetime.fromisoformat(pending["at"]),
        pending["kind"],
        pending["text"],
        source="textlog",
        ident=ident,
        by=pending["by"],
    )
