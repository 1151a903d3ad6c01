"""Session files into validated model objects: `session.yaml` text against the model
and the configured vocabulary, timeline lines into events, and event kinds checked
before they are written. Every error names the file (and line and column) to fix.

Heavy imports (YAML, the model) happen inside the functions, so the `journal log`
fast path, which only checks an event kind, stays on the standard library.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from journal.errors import InvalidDataError, MergeConflictError, UsageError
from journal.store.config import DEFAULT_KINDS, Config

TYPE_CHECKING = False  # `typing` costs ~8 ms of start-up; this is on the log path
if TYPE_CHECKING:
    from journal.model.session import Event, Session
    from journal.store.timeline import RawLine


def session_of_text(text: str, config: Config, *, where: str) -> Session:
    """Parse and validate `session.yaml` text; errors name file:line:col. A text met
    a moment ago in this process gives the session it gave then: a site's first build
    reads each session for the related map, the site's index and the page, and
    sessions are immutable. Keyed by the text itself and the vocabulary it was
    checked against, so it can never be stale; only valid texts are kept."""
    key = (text, config.statuses, config.severities)
    known = _PARSED.get(key)
    if known is not None:
        return known
    session = _session_of_text(text, config, where=where)
    if len(_PARSED) >= _PARSED_MAX:
        del _PARSED[next(iter(_PARSED))]  # the oldest
    _PARSED[key] = session
    return session


_PARSED: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Session] = {}
_PARSED_MAX = 128
"""Sessions kept: a small journal's every session, or the last few of a large one."""


def _session_of_text(text: str, config: Config, *, where: str) -> Session:
    from journal.model import session as model
    from journal.store.yamlio import parse_yaml

    data = parse_yaml(text, where=where)
    if data is None:
        raise InvalidDataError(
            "session.yaml is empty",
            "it needs at least a `title:` line",
            where=where,
        )
    if not isinstance(data, dict):
        raise InvalidDataError("must be a mapping of fields", where=f"{where}:1:1")
    try:
        session = model.to_session(data)
        model.check_vocabulary(
            session,
            statuses=config.statuses,
            severities=config.severities,
        )
        _check_times(("started", session.started), ("ended", session.ended))
    except model.ModelError as exc:
        from journal.store.yamlio import load_roundtrip, position_of

        try:
            position = position_of(load_roundtrip(text, where=where), exc.path)
        except InvalidDataError:
            position = None
        exc.where = f"{where}:{position[0]}:{position[1]}" if position else where
        raise
    return session


def events_of_file(
    path: Path, shown: str, *, strict: bool, torn_ok: bool = True
) -> list[Event]:
    """The timeline at `path` (shown to the user as `shown`), sorted by time (ties
    keep file order); not `strict`, lines that are not valid events are skipped.
    Strict, a line a crash tore is skipped with a warning, or with `torn_ok` off
    (figures that must not be guessed) refused."""
    from journal.model import session as model
    from journal.store.timeline import plain_bodies, read_lines

    if not _to_read(path, shown, strict=strict):
        return []
    # Plain `format_event` lines, all valid, are read in one pass; else the general
    # reading names what is wrong. In years 3 to 9997 every offset keeps the time
    # within years 2 to 9998, which `when.in_range` accepts; a time nearer the edges
    # takes the general path.
    bodies = plain_bodies(path)
    fast = None if bodies is None else model.events_of_lines(bodies)
    if fast is not None and all(2 < e.at.year < 9998 for e in fast):
        fast.sort(key=lambda e: e.at)
        return fast
    result: list[Event] = []
    try:
        lines = read_lines(path)
    except InvalidDataError:
        if strict:
            raise
        return []  # a folder or a pipe in its place: nothing to read
    for raw in lines:
        if raw.data is None:
            _unreadable(raw, f"{shown}:{raw.line}", strict=strict, torn_ok=torn_ok)
            continue
        try:
            event = model.to_event(raw.data)
            _check_times(("at", event.at))
            result.append(event)
        except model.ModelError as exc:
            if strict:
                exc.where = f"{shown}:{raw.line}"
                raise
    result.sort(key=lambda e: e.at)
    return result


def _to_read(path: Path, shown: str, *, strict: bool) -> bool:
    """Whether the timeline at `path` is there to read; strict, a missing or linked
    one is refused."""
    if path.is_symlink():
        if not strict:
            return False
        refuse_link(path, shown)
    if strict and not path.exists() and path.parent.is_dir():
        # Every session has one, empty or not: a missing file is lost data
        # (a deletion, a bad merge), not an empty timeline.
        raise InvalidDataError(
            "timeline.yaml is missing",
            f"restore it from git, or create it empty: touch {shown}",
            where=shown,
        )
    return True


def _unreadable(raw: RawLine, where: str, *, strict: bool, torn_ok: bool) -> None:
    """A line that is not an event: skipped, with a warning if a crash tore it (the
    rest of the session is still worth reading); strict, any other is refused."""
    if strict and raw.torn and torn_ok:
        from journal.store import notices

        notices.warn(
            f"{where}: a line cut short by a crash is not shown — "
            "`journal check --fix` sets it aside (nothing is lost)"
        )
    elif strict and raw.problem and "merge conflict marker" in raw.problem:
        raise MergeConflictError(
            f"line {raw.problem}",
            "run `journal resolve` (it keeps the events of both sides)",
            where=where,
        )
    elif strict:
        hint = "run `journal check --fix`" if raw.torn else "fix or remove that line"
        raise InvalidDataError(f"event {raw.problem}", hint, where=where)


def refuse_link(path: Path, shown: str) -> None:
    """Refuse a session file that is a symbolic link."""
    # A session's files live in its folder: a link would read (and, for a rename
    # over it, replace) something that is not the journal's.
    if path.is_symlink():
        raise InvalidDataError(
            "is a symbolic link, not a file of the session",
            "replace the link with the file itself",
            where=shown,
        )


def check_kind(config: Config, kind: str) -> None:
    """Refuse an event kind the configuration does not list, with a did-you-mean."""
    kinds = config.event_kinds
    if kind not in kinds:
        from journal.errors import did_you_mean

        hint = did_you_mean(kind, kinds, "use one of: " + ", ".join(kinds))
        if kind in DEFAULT_KINDS:
            # A journal.yaml written by an older `journal init` lists the kinds of then.
            hint = f"add {kind} to event_kinds in journal.yaml (a newer default kind)"
        raise UsageError(f"unknown event kind {kind!r}", hint)


def _check_times(*times: tuple[str, datetime | None]) -> None:
    """Times a file holds must be ones every zone can show (see `when.in_range`)."""
    from journal.model import session as model
    from journal.when import in_range

    for name, moment in times:
        if moment is not None:
            try:
                in_range(moment, original=moment.isoformat())
            except UsageError as exc:
                raise model.ModelError(
                    f"{name}: {exc.message}", exc.hint, [name]
                ) from None
