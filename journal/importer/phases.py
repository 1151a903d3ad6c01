"""Steps of a work session stamped in the middle: `Phase 1 (14:00–14:30): drain
the cache`, `**Step 2 (09:10):** restart`. The step's name stays in the event's
text; its time (or range) is the event's time, as written."""

from __future__ import annotations

import re
from dataclasses import replace

from journal.importer.stamps import Stamp, match_stamp

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
