"""`journal ingest`: events read from a source, deduplicated, redacted, and appended
to a session's timeline in time order through the same locked append as `log`.

Dedupe is by the `id` each reader gives an event: the ids the timeline already holds
are read under the session lock (one pattern over the file, no parse), so ingesting
the same export twice adds nothing, and an export that overlaps an earlier one adds
only what is new. Nothing is written when any part of the source is bad.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from journal.errors import NotFoundError, UsageError
from journal.ingest.common import Event, Options, state_kinds
from journal.insight.signatures import ERROR_KINDS
from journal.record import Record
from journal.store.layout import SESSION_FILE
from journal.store.sessions import Journal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    from journal.store.validation import check_kind
    from journal.when import zone

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
    """Read `source` (a path or `-`) and append its new events to the session."""
    from journal.ingest.detect import read_source

    session_id = journal.resolve(request.session)
    folder = journal.session_dir(session_id)
    if not (folder / SESSION_FILE).is_file():
        raise NotFoundError(f"no session {session_id!r}", "see `journal list`")
    from journal.ingest.seen import timeline_ids

    options = options_for(journal, request)
    window = _window(journal, request)
    path = journal.timeline_path(session_id)
    if request.dry_run:
        seen = timeline_ids(path)
        found = read_source(
            source, options.replace(known=frozenset(seen)), fmt=request.fmt, stdin=stdin
        )
        batch = Batch(journal, redact=request.redact, window=window)
        batch.take(found, seen)
        return batch.result(session_id)
    with journal.lock(session_id):
        seen = timeline_ids(path)
        found = read_source(
            source, options.replace(known=frozenset(seen)), fmt=request.fmt, stdin=stdin
        )
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
    the caller holds the session lock."""
    from journal.ingest.seen import timeline_ids
    from journal.store.timeline import append_lines

    path = journal.timeline_path(session_id)
    batch = Batch(journal, redact=request.redact, window=window, keep=False)
    batch.take(found, timeline_ids(path) if seen is None else seen)
    result = batch.result(session_id)
    append_lines(path, batch.lines())
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
        # The stored line of each event, and the event itself only when asked for:
        # 100,000 lines take far less memory than 100,000 mappings.
        self.kept: list[tuple[datetime, int, bytes, Event | None]] = []
        self.errors: dict[str, None] = {}
        self.read = self.duplicates = self.outside = self.redacted = 0

    def take(self, found: Iterable[Event], seen: set[str]) -> None:
        ids = set(seen)
        since, until = self.window
        chunk: list[tuple[datetime, Event]] = []
        for event in found:
            self.read += 1
            moment = datetime.fromisoformat(event["at"])
            if (since and moment < since) or (until and moment > until):
                self.outside += 1
                continue
            if event["id"] in ids:
                self.duplicates += 1
                continue
            ids.add(event["id"])
            chunk.append((moment, event))
            if len(chunk) == _CHUNK:
                self._keep(chunk)
                chunk = []
        self._keep(chunk)

    def _keep(self, chunk: list[tuple[datetime, Event]]) -> None:
        """Redact a chunk of events (the anchors looked for once for all of them)
        and keep their stored lines."""
        from journal.operations.redact import redact_many
        from journal.store.timeline import event_line

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
            self.kept.append(
                (moment, len(self.kept), line, event if self.keep else None)
            )

    def lines(self) -> list[bytes]:
        return [item[2] for item in self.kept]

    def result(self, session_id: str) -> Ingested:
        self.kept.sort(key=lambda item: (item[0], item[1]))
        return Ingested(
            session_id=session_id,
            read=self.read,
            added=len(self.kept),
            duplicates=self.duplicates,
            outside=self.outside,
            redacted=self.redacted,
            events=tuple(item[3] for item in self.kept if item[3] is not None),
            errors=tuple(self.errors),
        )


def _window(
    journal: Journal, request: Request
) -> tuple[datetime | None, datetime | None]:
    from journal.when import parse_when

    since = parse_when(request.since, tz=journal.tz) if request.since else None
    until = parse_when(request.until, tz=journal.tz) if request.until else None
    if since and until and until < since:
        raise UsageError("--until is before --since", "swap them")
    return since, until
