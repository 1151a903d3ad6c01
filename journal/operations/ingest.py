"""`journal ingest`: events read from a source, deduplicated, redacted, and appended
to a session's timeline in time order through the same locked append as `log`.

Dedupe is by the `id` each reader gives an event: the ids the timeline already holds
are read under the session lock (one pattern over the file, no parse), so ingesting
the same export twice adds nothing, and an export that overlaps an earlier one adds
only what is new. Nothing is written when any part of the source is bad.
"""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from journal.errors import UsageError
from journal.ingest.common import Event, Options, state_kinds
from journal.ingest.seen import timeline_ids
from journal.insight.signatures import ERROR_KINDS
from journal.operations.redact import redact_many
from journal.record import Record
from journal.store.eventlog import append_lines, event_line
from journal.store.sessions import Journal
from journal.store.validation import check_kind
from journal.when import parse_when, zone

ERRORS_KEPT = 20
"""Error events whose texts `Ingested.errors` keeps (an alert storm repeats one)."""
_CHUNK = 256
"""Events redacted together: one search for the anchors of the secret rules."""


class Ingested(Record):
    """What `ingest` read and wrote."""

    session_id: str
    read: int
    added: int
    duplicates: int
    outside: int
    """Events before --since or after --until."""
    redacted: int
    """Events whose text had a secret replaced."""
    events: tuple[Event, ...]
    """With --dry-run, the events that would be added, in time order."""
    errors: tuple[str, ...] = ()
    """The texts of the first `ERRORS_KEPT` distinct error events added (an alert
    firing, a `detected` line): what "seen before" looks up."""


class Request(Record):
    """The command line of `journal ingest`, past the source."""

    session: str | None = None
    fmt: str = "auto"
    since: str | None = None
    until: str | None = None
    channels: tuple[str, ...] = ()
    dry_run: bool = False
    redact: bool = True
    keep_all: bool = False
    star_reaction: str = ""
    day: str | None = None
    tz: str | None = None


def options_for(journal: Journal, request: Request) -> Options:
    """The readers' options from the request and the journal's configuration."""
    config = journal.config
    kinds = state_kinds(config.ingest_kinds, known=config.event_kinds)
    for kind in set(kinds.values()):
        check_kind(config, kind)
    day = None
    if request.day:
        try:
            day = date.fromisoformat(request.day)
        except ValueError:
            raise UsageError(
                f"--date {request.day!r} is not a date", "write YYYY-MM-DD"
            ) from None
    return Options(
        tz=zone(request.tz) if request.tz else journal.tz,
        day=day,
        channels=request.channels,
        keep_all=request.keep_all,
        star_reaction=request.star_reaction,
        kinds=tuple(kinds.items()),
    )


def ingest(
    journal: Journal, source: str, request: Request, *, stdin: Any = None
) -> Ingested:
    """Read `source` (a path or `-`) and append its new events to the session (with
    --dry-run: return them, writing nothing and taking no lock)."""
    from journal.ingest.detect import read_source

    session_id = journal.resolve(request.session)
    journal.existing_dir(session_id)  # refused unless the session is there
    options = options_for(journal, request)
    since = parse_when(request.since, tz=journal.tz) if request.since else None
    until = parse_when(request.until, tz=journal.tz) if request.until else None
    if since and until and until < since:
        raise UsageError("--until is before --since", "swap them")
    window = (since, until)
    with contextlib.nullcontext() if request.dry_run else journal.lock(session_id):
        seen = timeline_ids(journal.timeline_path(session_id))
        known = options.replace(known=frozenset(seen))
        found = read_source(source, known, fmt=request.fmt, stdin=stdin)
        return append_new(
            journal, session_id, found, request=request, window=window, seen=seen
        )


def append_new(
    journal: Journal,
    session_id: str,
    found: Iterable[Event],
    *,
    request: Request,
    window: tuple[datetime | None, datetime | None] = (None, None),
    seen: set[str] | None = None,
) -> Ingested:
    """Append the events of `found` whose ids `seen` (default: the timeline's) lacks;
    the caller holds the session lock. A dry run appends nothing and returns them."""
    path = journal.timeline_path(session_id)
    batch = Batch(journal, redact=request.redact, window=window, keep=request.dry_run)
    try:
        batch.take(found, timeline_ids(path) if seen is None else seen)
        result = batch.result(session_id)
        if not request.dry_run:
            append_lines(path, batch.lines())
    finally:
        batch.close()
    return result


class Batch:
    """Events kept from a source: new ids only, inside the window, redacted."""

    def __init__(
        self,
        journal: Journal,
        *,
        redact: bool,
        window: tuple[datetime | None, datetime | None],
        keep: bool = True,
    ) -> None:
        self.redact = redact and journal.config.redact
        self.patterns = journal.config.redact_patterns
        self.window = window
        self.keep = keep
        # The stored lines go to an unnamed temporary file as they come (a crash
        # leaves nothing behind), and only each one's time (µs), place and size stay
        # in memory (24 bytes an event): memory no longer grows with the lines of
        # 100,000 messages. The events themselves are kept only when asked for (a
        # dry run shows them).
        self.file: Any = None
        self.moments = array("q")
        self.places = array("q")
        self.sizes = array("q")
        self.pending: list[bytes] = []
        self.pending_size = self.size = 0
        self.events: list[Event] = []
        self.order: list[int] = []
        self.errors: dict[str, None] = {}
        self.read = self.duplicates = self.outside = self.redacted = 0

    def take(self, found: Iterable[Event], seen: set[str]) -> None:
        ids: set[str] = set()  # this source's ids; `seen` is not copied
        since, until = self.window
        chunk: list[tuple[datetime, Event]] = []
        for event in found:
            self.read += 1
            moment = datetime.fromisoformat(event["at"])
            if (since and moment < since) or (until and moment > until):
                self.outside += 1
                continue
            ident = event["id"]
            if ident in seen or ident in ids:
                self.duplicates += 1
                continue
            ids.add(ident)
            chunk.append((moment, event))
            if len(chunk) == _CHUNK:
                self._keep(chunk)
                chunk = []
        self._keep(chunk)

    def _keep(self, chunk: list[tuple[datetime, Event]]) -> None:
        """Redact a chunk of events (the anchors looked for once for all of them)
        and keep their stored lines."""
        if self.redact and chunk:
            texts = [event["text"] for _, event in chunk]
            for (_, event), scrubbed in zip(
                chunk, redact_many(texts, extra_patterns=self.patterns), strict=True
            ):
                if scrubbed.kinds:
                    self.redacted += 1
                    event["text"] = scrubbed.text
        for moment, event in chunk:
            if event.get("kind") in ERROR_KINDS and len(self.errors) < ERRORS_KEPT:
                self.errors[event["text"]] = None
            line = event_line(event)
            self.places.append(self.size)
            self.sizes.append(len(line))
            self.size += len(line)
            self.pending.append(line)
            self.pending_size += len(line)
            if self.pending_size >= _SPILL_AT:
                self._flush()
            self.moments.append(_micros(moment))
            if self.keep:
                self.events.append(event)

    def _flush(self) -> None:
        if self.file is None:
            import tempfile

            # Closed by `close` (the batch's owner calls it).
            self.file = tempfile.TemporaryFile()  # noqa: SIM115
        self.file.write(b"".join(self.pending))
        self.pending, self.pending_size = [], 0

    def lines(self) -> Iterator[bytes]:
        """The stored lines in time order (after `result`), read back in turn."""
        if self.file is None:  # everything is still in memory
            held = self.pending
            yield from (held[i] for i in self.order)
            return
        import mmap

        self._flush()
        self.file.flush()
        if not self.size:
            return
        with mmap.mmap(self.file.fileno(), self.size, access=mmap.ACCESS_READ) as view:
            places, sizes = self.places, self.sizes
            for i in self.order:
                yield view[places[i] : places[i] + sizes[i]]

    def close(self) -> None:
        """Let the lines' temporary file go."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def result(self, session_id: str) -> Ingested:
        # A stable sort by time alone keeps events of the same time in the order
        # they were read.
        self.order = sorted(range(len(self.moments)), key=self.moments.__getitem__)
        return Ingested(
            session_id=session_id,
            read=self.read,
            added=len(self.moments),
            duplicates=self.duplicates,
            outside=self.outside,
            redacted=self.redacted,
            events=tuple(self.events[i] for i in self.order) if self.keep else (),
            errors=tuple(self.errors),
        )


_SPILL_AT = 1 << 20
"""Bytes of lines held before they are written to the temporary file."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    """The instant as whole microseconds since 1970: ordered as the times are (a
    time without an offset is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND
