"""What every reader of `journal ingest` shares: its options, times, and errors.

A reader turns one source (a Slack export, a text log, an alert payload) into event
mappings in the stored shape: `at`, `kind`, `text`, and the provenance keys `by`,
`source`, `id`, `link`, `reply_to`, `star`. Redaction, dedupe and the append are the
caller's (`operations/ingest.py`), so readers stay pure functions of their input.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from journal.errors import InvalidDataError, UsageError
from journal.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

Event = dict[str, "Any"]

# The alert states every reader maps to, and the event kind each becomes unless
# `ingest_kinds` in journal.yaml says otherwise (`docs/ingest.md`).
DEFAULT_STATE_KINDS: dict[str, str] = {
    "firing": "detected",
    "acknowledged": "acknowledged",
    "mitigated": "mitigated",
    "resolved": "resolved",
    "message": "note",
    "other": "note",
}


class Options(Record):
    """How to read a source; every field has the default `journal ingest` uses."""

    tz: tzinfo = UTC
    """The zone of times a source writes without an offset (text logs)."""
    day: date | None = None
    """The date of a text log whose lines and headings give none (`--date`)."""
    channels: tuple[str, ...] = ()
    """Slack channels to read (names or ids); empty: all."""
    keep_all: bool = False
    """Keep joins, leaves and bot noise (`--all`)."""
    star_reaction: str = ""
    """A Slack reaction (without colons) that marks a key moment."""
    kinds: tuple[tuple[str, str], ...] = tuple(DEFAULT_STATE_KINDS.items())
    """The event kind of each alert state."""
    known: frozenset[str] = frozenset()
    """Ids the timeline holds: a reader may yield just `{at, id}` for them, as they
    are skipped anyway (a re-ingest then converts nothing)."""

    def kind(self, state: str) -> str:
        return dict(self.kinds).get(state, dict(self.kinds).get("other", "note"))


def state_kinds(pairs: tuple[str, ...], *, known: tuple[str, ...]) -> dict[str, str]:
    """The state → kind mapping from `ingest_kinds` (`["firing=impact", …]`)."""
    mapping = dict(DEFAULT_STATE_KINDS)
    for pair in pairs:
        state, sep, kind = (part.strip() for part in pair.partition("="))
        if not sep or state not in DEFAULT_STATE_KINDS:
            raise InvalidDataError(
                f"ingest_kinds: {pair!r} is not STATE=KIND",
                "states: " + ", ".join(DEFAULT_STATE_KINDS) + ", e.g. firing=impact",
            )
        if kind not in known:
            raise InvalidDataError(
                f"ingest_kinds: {kind!r} is not an event kind",
                "use one of event_kinds: " + ", ".join(known),
            )
        mapping[state] = kind
    return mapping


def bad(message: str, hint: str, *, where: str) -> InvalidDataError:
    """The error for input that cannot be read (exit code 1, nothing written)."""
    return InvalidDataError(message, hint, where=where)


def from_epoch(seconds: float, *, where: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise bad(
            f"{seconds!r} is not a time", "give seconds since 1970", where=where
        ) from None


def from_iso(text: Any, *, where: str, tz: tzinfo = UTC) -> datetime:
    """An ISO 8601 time as alert payloads write it (`Z`, fractions to nanoseconds)."""
    if not isinstance(text, str) or not text.strip():
        raise bad(
            "the message has no time",
            "each message or alert needs its time (ISO 8601)",
            where=where,
        )
    value = text.strip()
    head, dot, tail = value.partition(".")
    if dot:  # Go writes nanoseconds; Python reads up to microseconds
        digits = len(tail) - len(tail.lstrip("0123456789"))
        value = head + "." + tail[: min(digits, 6)] + tail[digits:]
    from journal.when import parse_iso

    try:
        return parse_iso(value, tz=tz)
    except UsageError:
        raise bad(
            f"cannot read {text!r} as a time",
            "write ISO 8601, e.g. 2025-11-04T01:02:00Z",
            where=where,
        ) from None


def event(
    at: datetime, kind: str, text: str, *, source: str, ident: str, **extra: Any
) -> Event:
    """An event mapping in the stored key order; None and empty values left out."""
    data: Event = {"at": at.isoformat(), "kind": kind, "text": text.strip()}
    for key, value in extra.items():
        if value not in (None, "", False):
            data[key] = value
    data["source"] = source
    data["id"] = ident
    return data
