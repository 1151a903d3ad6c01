"""`journal import`: Markdown reports in, session folders out — nothing lost, nothing
half-decoded, nothing overwritten.

Parsing is `journal.importer`'s job; this module reads the files, scrubs secrets,
validates what the parser produced and writes each session like `journal new` does.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from journal.errors import InvalidDataError, JournalError, NotFoundError, UsageError
from journal.operations.redact import scrub
from journal.operations.session_edits import create_unique_folder, modeline
from journal.record import Record
from journal.store.eventlog import format_event
from journal.store.files import too_long
from journal.store.ids import number_of, session_ids
from journal.store.ids import session_id as make_id
from journal.store.layout import SESSION_FILE
from journal.store.numbers import session_numbers
from journal.store.sessions import Journal

UNDATED_DAY = date.min
"""The folder date of a report that gives no date: never the day of the import."""


class FileOutcome(Record):
    """What importing one file did (or, in a dry run, would do)."""

    source: str
    session_id: str | None = None
    planned_id: str | None = None
    """In a dry run, the folder name the session would get (before any `-2` suffix)."""
    date: str | None = None
    """The report's day (ISO), None when it gives none."""
    date_source: str | None = None
    """Which evidence gave the day: front matter, header, title, file name,
    timeline, git — or `undated`."""
    events: int = 0
    criteria: int = 0
    options: int = 0
    next_steps: int = 0
    sections: int = 0
    lessons: int = 0
    kept: tuple[str, ...] = ()
    """Titles of the sections kept as free-form text."""
    unread: tuple[str, ...] = ()
    """`source:line: what it seems: the line` for each line kept as text that looks
    like structure (a timestamp not read, a checkbox outside a checklist)."""
    mojibake_repaired: int = 0
    redacted: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    skipped: str | None = None
    """Why nothing was written although nothing failed (empty, already imported)."""


def find_reports(paths: Iterable[Path]) -> list[Path]:
    """Every file named, and every `.md` file under a folder named, sorted."""
    found: list[Path] = []
    for path in paths:
        try:
            if path.is_dir():
                found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
            elif path.is_file():
                found.append(path)
            else:
                raise NotFoundError(f"cannot import {path}: no such file or folder")
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                raise too_long(path, "import") from None
            raise NotFoundError(f"cannot import {path}: {exc.strerror}") from None
    if not found:
        raise NotFoundError(
            "no Markdown files found", "name .md files or folders of them"
        )
    return found


def import_reports(
    journal: Journal,
    files: list[Path],
    *,
    into: Path | None = None,
    dry_run: bool = False,
    redact: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> list[FileOutcome]:
    """Import each file; a file that fails is reported and the others still import."""
    target = _inside_journal(journal, into) if into else journal.sessions_dir
    # The numbers the journal's sessions (and those of `target`) already hold.
    ids = journal.session_ids()
    numbers = session_numbers(journal.sessions_dir, journal.state_dir, ids)
    taken = {n for n in numbers.values() if n is not None}
    if target.resolve() != journal.sessions_dir.resolve():
        found = (number_of(target / i) for i in session_ids(target))
        taken.update(n for n in found if n is not None)
    outcomes = []
    for path in files:
        if progress:
            progress(path)
        try:
            outcome = _import_one(
                journal, path, target, taken, dry_run=dry_run, redact=redact
            )
        except JournalError as exc:
            outcome = FileOutcome(source=str(path), error=exc.one_line())
        outcomes.append(outcome)
    return outcomes


def _inside_journal(journal: Journal, into: Path) -> Path:
    try:
        resolved = into.resolve()
        exists = resolved.exists()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise too_long(into, "import into") from None
        raise UsageError(f"--into {into}: {exc.strerror}") from None
    root = journal.root.resolve()
    if not resolved.is_relative_to(root):
        raise UsageError(
            f"--into {into} is outside the journal at {journal.root}",
            "import into a folder of this journal",
        )
    if ".git" in resolved.relative_to(root).parts:
        raise UsageError(
            f"--into {into} is inside the git folder", "import into a sessions folder"
        )
    if exists and not resolved.is_dir():
        raise UsageError(f"--into {into} is a file, not a folder")
    return resolved


def _import_one(
    journal: Journal,
    path: Path,
    target: Path,
    taken: set[int],
    *,
    dry_run: bool,
    redact: bool,
) -> FileOutcome:
    from journal.importer import parse_report

    text = _read_report(path)
    if not text.strip():
        return FileOutcome(source=str(path), skipped="the file is empty")
    config = journal.config
    report = parse_report(text, source=str(path), timezone=config.timezone)
    named = {**report.session, "imported_from": path.name}
    # The facts come from the report with its secrets redacted: a fact is a bare word
    # taken out of its line (a password written twice could pass for a name), and out
    # of the `PASSWORD=` that stood before it no redaction rule would know it.
    clean = scrub(text, config=config, redact=redact)[0]
    session, in_session = scrub(_with_facts(named, clean), config=config, redact=redact)
    events, in_events = scrub(report.events, config=config, redact=redact)
    session = {"schema": 1, **{k: v for k, v in session.items() if k != "schema"}}
    # A status or severity this journal does not know would make the session invalid;
    # keep the word in the summary's tags rather than lose it or refuse the file.
    for key, allowed in (("status", config.statuses), ("severity", config.severities)):
        value = session.get(key)
        if value is not None and value not in allowed:
            session.pop(key)
            session.setdefault("tags", []).append(f"{key}:{value}")
    day = report.date or _git_added_day(path)
    fallback = "git history" if day else "undated"
    session["date_source"] = report.date_source if report.date else fallback
    session = _where_it_came_from_first(session)
    # The same report imported before holds its own number (or, if that was taken,
    # none): look for it as it is, then as it would be written.
    twin = _twin(journal, session, target, day)
    if twin is None and _unique_number(session, taken, report.numbered_title):
        twin = _twin(journal, session, target, day)
    if twin:
        return FileOutcome(
            source=str(path), session_id=twin, skipped="already imported"
        )
    document = _session_text(journal, session, target)
    journal.validate_text(document, where=f"{path} (as imported)")
    base = make_id(day or UNDATED_DAY, session["title"])
    session_id = None
    if not dry_run:
        ordered = sorted(events, key=lambda e: e["at"])
        timeline = "".join(format_event(e) for e in ordered)
        session_id = create_unique_folder(
            journal, base, document, timeline, sessions_dir=target
        )
    undated = (
        f"{path}: no date in its front matter, header, title, file name or "
        "timeline, nor in git: imported undated (folder 0001-01-01-…); "
        "set `started:` when you know it",
    )
    return FileOutcome(
        source=str(path),
        session_id=session_id,
        planned_id=base if dry_run else None,
        date=day.isoformat() if day else None,
        date_source=session["date_source"],
        events=len(events),
        criteria=len(session.get("success_criteria", [])),
        options=len(session.get("options", [])),
        next_steps=len(session.get("next_steps", [])),
        sections=len(session.get("sections", [])),
        lessons=len(session.get("lessons", [])),
        kept=tuple(s["title"] for s in session.get("sections", [])),
        unread=_unread(path, text, report.unread),
        mojibake_repaired=report.mojibake_repaired,
        redacted=len(in_session) + len(in_events),
        warnings=report.warnings + (() if day else undated),
    )


def _unread(
    path: Path, text: str, unread: tuple[tuple[int, str], ...]
) -> tuple[str, ...]:
    from journal.importer import split_front_matter

    # Line numbers of the body, after any front matter, as the file numbers them.
    offset = text.count("\n") - split_front_matter(text)[1].count("\n")
    lines = text.split("\n")
    return tuple(
        f"{path}:{n + offset}: {why}: {lines[n + offset - 1].strip()[:120]}"
        for n, why in unread
        if 0 < n + offset <= len(lines)
    )


def _read_report(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InvalidDataError("is a binary file, not Markdown", where=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidDataError(
            f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); nothing imported",
            "convert it first, e.g. iconv -f latin1 -t utf-8",
            where=f"{path}:{line}",
        ) from None


def _with_facts(session: dict[str, Any], text: str) -> dict[str, Any]:
    """The session with the report's facts (`insight/facts.py`) before its free
    sections; a report that gives none gets none."""
    from journal.importer.mojibake import repair_mojibake
    from journal.insight.facts import report_facts

    facts = report_facts(repair_mojibake(text)[0])
    if not facts:
        return session
    last = ("sections", "labels")
    rest = {k: v for k, v in session.items() if k not in last}
    tail: dict[str, Any] = {k: session[k] for k in last if k in session}
    return {**rest, "facts": facts, **tail}


def _where_it_came_from_first(session: dict[str, Any]) -> dict[str, Any]:
    """The session with `date_source` and `imported_from` right after its head
    (title, number, status, severity, times), where a reader looks for them."""
    moved = [k for k in ("date_source", "imported_from") if k in session]
    head = ("title", "number", "status", "severity", "started", "ended")
    rest = [k for k in session if k not in moved]
    cut = max((i + 1 for i, k in enumerate(rest) if k in head), default=0)
    return {k: session[k] for k in (*rest[:cut], *moved, *rest[cut:])}


def _session_text(journal: Journal, session: dict[str, Any], target: Path) -> str:
    from journal.store.yamlio import dump_new_document

    head = modeline(journal, sessions_dir=target)
    return head + dump_new_document(session, quoted_keys=("started", "ended"))


def _twin(
    journal: Journal, session: dict[str, Any], target: Path, day: date | None
) -> str | None:
    """The folder of an earlier import of exactly this session, if any: `base`,
    `base-2`, … whose session.yaml is exactly this import."""
    base = make_id(day or UNDATED_DAY, session["title"])
    found = [target / base] if (target / base).is_dir() else []
    # What `target.glob(f"{base}-[0-9]*")` finds, without compiling a pattern for
    # every report (the base differs each time).
    prefix = f"{base}-"
    cut = len(prefix)
    try:
        with os.scandir(target) as entries:
            names = [
                e.name
                for e in entries
                if e.name.startswith(prefix) and "0" <= e.name[cut : cut + 1] <= "9"
            ]
    except OSError:
        names = []
    folders = found + [target / name for name in sorted(names)]
    if not folders:
        return None
    document = _session_text(journal, session, target)
    for folder in folders:
        try:
            if (folder / SESSION_FILE).read_text("utf-8") == document:
                return folder.name
        except (OSError, UnicodeDecodeError):
            continue
    return None


def _git_added_day(path: Path) -> date | None:
    """The day of the commit that added `path` to git (the last resort), or None
    outside a git work tree."""
    from journal.gitlink.shell import run_git_raw

    folder = path.resolve().parent
    if not any((p / ".git").exists() for p in (folder, *folder.parents)):
        return None  # not in a work tree: no process to start
    try:
        result = run_git_raw(
            ["log", "--diff-filter=A", "--follow", "--format=%as", "--", path.name],
            cwd=folder,
        )
    except JournalError:
        return None
    days = result.stdout.decode("ascii", "replace").split()
    if result.returncode != 0 or not days:
        return None
    try:
        return date.fromisoformat(days[-1])
    except ValueError:
        return None


def _unique_number(
    session: dict[str, Any], taken: set[int], numbered_title: str | None
) -> bool:
    """A number already held by a session (of the journal or of this import) is
    not given twice: the session goes without, and its title keeps the author's
    numbering as written (`Session 11: Deploy`)."""
    number = session.get("number")
    if number is None:
        return False
    if number not in taken:
        taken.add(number)
        return False
    del session["number"]
    if numbered_title:
        session["title"] = numbered_title
    return True


def totals(outcomes: list[FileOutcome]) -> dict[str, int]:
    """The summary row: sums over every file imported."""
    done = [o for o in outcomes if o.error is None and o.skipped is None]
    counted = ("events", "criteria", "options", "next_steps", "lessons", "sections")
    listed = ("unread", "warnings")
    return {
        "files": len(outcomes),
        "sessions": len(done),
        "skipped": sum(1 for o in outcomes if o.skipped),
        "failed": sum(1 for o in outcomes if o.error),
        **{key: sum(getattr(o, key) for o in done) for key in counted},
        **{key: sum(len(getattr(o, key)) for o in done) for key in listed},
        "mojibake_repaired": sum(o.mojibake_repaired for o in done),
        "redacted": sum(o.redacted for o in done),
    }


def iter_messages(outcomes: list[FileOutcome]) -> Iterator[tuple[str, str]]:
    """(level, text) for every file: its error, why it was skipped, its warnings."""
    for outcome in outcomes:
        if outcome.error:
            yield "error", outcome.error
        if outcome.skipped:
            yield "warning", f"{outcome.source}: skipped: {outcome.skipped}"
        for warning in outcome.warnings:
            yield "warning", warning
