"""What the editing commands do to a session: each makes one change under the session
lock through `Journal.edit` (validated before it is written), or through $EDITOR
(`edit_session`), and returns what the CLI needs to report."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journal.errors import ConflictError, JournalError, UsageError
from journal.insight import followups
from journal.operations.redact import scrub
from journal.store.eventlog import format_event
from journal.store.ids import number_of, unique_suffix
from journal.store.ids import session_id as make_id
from journal.store.layout import SCHEMA_FILE
from journal.store.sessions import Journal
from journal.store.validation import check_kind
from journal.store.yamledit import (
    append_item,
    coerce_value,
    item_at,
    parse_path,
    set_path,
)
from journal.when import format_iso, parse_when


@dataclass(frozen=True)
class Changed:
    """The outcome of an edit: which session, and the item number if one."""

    session_id: str
    number: int | None = None
    redacted: tuple[str, ...] = ()
    """Kinds of secret replaced by `[REDACTED:kind]` in what was written."""
    linked: int = 0
    """Commits written into the timeline (by `close`, from their trailers)."""


def create_session(
    journal: Journal,
    title: str,
    *,
    severity: str | None = None,
    tags: list[str] | None = None,
    previous: str | None = None,
    number: str | None = None,
    at: str | None = None,
    status: str | None = None,
    activate: bool = True,
    detected: str | None = None,
    impact: str | None = None,
    redact: bool = True,
    redacted: list[str] | None = None,
) -> str:
    """Create `sessions/YYYY-MM-DD-slug/`; by default make it the active session.

    `detected` and `impact` (times as `journal log --at` reads them) back-fill those
    events with the session: opening it after the pager fired is the normal flow.
    Secrets in the title and tags are redacted first (the folder is named from the
    redacted title); their kinds are added to `redacted` when given."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from journal.gitlink.commits import shares_history
    from journal.store.yamlio import dump_roundtrip

    refuse_surrogates(title, *(tags or []), what="the title")
    title = " ".join(title.split())
    if not title:
        raise UsageError(
            "the title is empty", 'name the session: journal new "Workers failing"'
        )
    title, found = scrub(title, config=journal.config, redact=redact)
    tags, in_tags = scrub(list(tags or []), config=journal.config, redact=redact)
    if redacted is not None:
        redacted.extend((*found, *in_tags))
    started = parse_when("now" if at is None else at, tz=journal.tz)
    timeline = _backfill(journal, title, detected=detected, impact=impact)
    # A random suffix for the folder name when other clones can make sessions too:
    # two clones that each open "Database down" on one day must not share a folder,
    # and neither can see the other's before `git pull`.
    try:
        shared = shares_history(journal.root)
    except JournalError:  # no git here: nobody else makes sessions in this folder
        shared = False
    suffix = unique_suffix() if shared else ""
    base = make_id(started.astimezone(journal.tz).date(), title, suffix=suffix)
    flow = CommentedSeq(tags)
    flow.fa.set_flow_style()
    fields = {
        "schema": 1,
        "title": title,
        "number": _number(journal, number),
        "status": status or journal.config.statuses[0],
        "severity": severity or None,
        "started": DoubleQuotedScalarString(format_iso(started)),
        "tags": flow,
        "previous": journal.resolve(previous) if previous else None,
    }
    doc = CommentedMap((k, v) for k, v in fields.items() if v is not None)
    text = modeline(journal) + dump_roundtrip(doc)
    journal.validate_text(text, where="the new session")
    session_id = create_unique_folder(journal, base, text, timeline)
    if activate:
        journal.set_active(session_id)
    return session_id


def _backfill(
    journal: Journal, title: str, *, detected: str | None, impact: str | None
) -> str:
    """The first timeline lines: the impact and detection given with `journal new`."""
    lines = []
    for kind, at, text in (
        ("impact", impact, "Impact began"),
        ("detected", detected, title),
    ):
        if at is None:
            continue
        check_kind(journal.config, kind)
        moment = format_iso(parse_when(at, tz=journal.tz))
        lines.append(format_event({"at": moment, "kind": kind, "text": text}))
    return "".join(lines)


def create_unique_folder(
    journal: Journal,
    base: str,
    text: str,
    timeline: str = "",
    *,
    sessions_dir: Path | None = None,
) -> str:
    """Write a new session folder named `base`, or `base-2`, `base-3`… if taken."""
    candidate, counter = base, 2
    while True:
        try:
            journal.write_new_session(
                candidate, text, timeline=timeline, sessions_dir=sessions_dir
            )
            return candidate
        except ConflictError:
            candidate = f"{base}-{counter}"
            counter += 1


def _number(journal: Journal, number: str | None) -> int | None:
    if number is None:
        return None
    if number == "next":
        taken = (number_of(journal.sessions_dir / i) for i in journal.session_ids())
        return max((n for n in taken if n is not None), default=0) + 1
    if not number.isdigit():
        raise UsageError(
            f"--number {number!r} is not a number", "give a number, or `next`"
        )
    return int(number)


def modeline(journal: Journal, *, sessions_dir: Path | None = None) -> str:
    """The first line of a session.yaml: where editors find the JSON Schema."""
    folder = (sessions_dir or journal.sessions_dir) / "x"
    relative = os.path.relpath(journal.root / SCHEMA_FILE, folder)
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"


def set_field(
    journal: Journal, ref: str | None, dotted: str, raw: str, *, redact: bool = True
) -> Changed:
    from journal.model.fieldpaths import UnknownPath, kind_at
    from journal.model.session import Session

    refuse_surrogates(raw, what="the value")
    path = parse_path(dotted)
    if path[0] == "schema":
        raise UsageError("schema is managed by journal", "leave it as it is")
    try:
        kind = kind_at(Session, path)
    except UnknownPath as exc:  # the argument names no field: bad usage, as a bad value
        raise UsageError(exc.message, exc.hint) from None
    if kind == "struct":
        raise UsageError(
            f"{dotted} is a group of fields", f"set one of them, e.g. {dotted}.summary"
        )
    value = coerce_value(raw, kind, tz=journal.tz)
    found: tuple[str, ...] = ()
    if kind != "datetime":
        value, found = scrub(value, config=journal.config, redact=redact)
    session_id = journal.resolve(ref)
    with journal.edit(session_id) as doc:
        set_path(doc, path, value)
    return Changed(session_id, redacted=found)


def strings(value: object) -> list[str]:
    """The strings in a value, its lists and mappings."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    return []


def refuse_surrogates(*values: object, what: str) -> None:
    """Refuse text holding lone surrogates: bytes the terminal could not decode as
    UTF-8 (Python keeps them as U+DC80…U+DCFF), which no file can store."""
    for text in strings(list(values)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(
                f"{what} contains bytes that are not valid UTF-8 "
                f"(at character {exc.start + 1})",
                "check the terminal's encoding (LANG / LC_ALL); nothing was written",
            ) from None


def add_item(
    journal: Journal,
    ref: str | None,
    key: str,
    item: dict[str, Any],
    *,
    redact: bool = True,
) -> Changed:
    """Append one option, criterion, step, lesson or validation step."""
    refuse_surrogates(item, what=key.replace("_", " "))
    item, found = scrub(item, config=journal.config, redact=redact)
    session_id = journal.resolve(ref)
    with journal.edit(session_id) as doc:
        number = append_item(doc, key, item)
    return Changed(session_id, number, redacted=found)


def update_item(
    journal: Journal,
    ref: str | None,
    key: str,
    number: int,
    changes: dict[str, Any],
    *,
    redact: bool = True,
) -> Changed:
    """Change fields of item `number` (1-based) of the list at `key`."""
    refuse_surrogates(changes, what=key.replace("_", " "))
    changes, found = scrub(changes, config=journal.config, redact=redact)
    session_id = journal.resolve(ref)
    with journal.edit(session_id) as doc:
        item = item_at(doc, key, number)
        for name, value in changes.items():
            if value is None:
                item.pop(name, None)
            else:
                item[name] = value
    return Changed(session_id, number, redacted=found)


def choose_option(
    journal: Journal,
    ref: str | None,
    number: int,
    why: str | None,
    *,
    redact: bool = True,
) -> Changed:
    """Mark option `number` chosen; an option chosen before becomes rejected."""
    refuse_surrogates(why, what="the reason")
    why, found = scrub(why, config=journal.config, redact=redact)
    session_id = journal.resolve(ref)
    with journal.edit(session_id) as doc:
        chosen = item_at(doc, "options", number)
        for option in doc.get("options") or []:
            if option is not chosen and option.get("decision") == "chosen":
                option["decision"] = "rejected"
        chosen["decision"] = "chosen"
        if why:
            chosen["why"] = why
    return Changed(session_id, number, redacted=found)


def close_session(
    journal: Journal, ref: str | None, *, status: str | None, at: str | None
) -> Changed:
    """Set the closing status and `ended`; log a `resolved` event if none exists."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from journal.gitlink.derived import link_trailer_commits
    from journal.operations.log import log_event

    final = status or journal.config.closed_statuses[0]
    if final not in journal.config.statuses:
        raise UsageError(
            f"unknown status {final!r}",
            "use one of: " + ", ".join(journal.config.statuses),
        )
    session_id = journal.resolve(ref)
    ended = parse_when("now" if at is None else at, tz=journal.tz)
    with journal.edit(session_id) as doc:
        doc["status"] = final
        doc["ended"] = DoubleQuotedScalarString(format_iso(ended))
    kinds = {e.kind for e in journal.events(session_id, strict=False)}
    if (
        final == "resolved"
        and "resolved" not in kinds
        and "resolved" in journal.config.event_kinds
    ):
        log_event(
            journal,
            "Session closed as resolved",
            session=session_id,
            kind="resolved",
            at=format_iso(ended),
        )
    if journal.active_id() == session_id and not os.environ.get("JOURNAL_SESSION"):
        journal.set_active(None)
    try:
        linked = link_trailer_commits(journal, session_id)
    except JournalError:
        linked = 0  # no git here, or no commits: nothing to write
    return Changed(session_id, linked=linked)


def complete(
    journal: Journal, text: str, *, session: str | None = None, undo: bool = False
) -> tuple[str, str]:
    """Mark a step done (or open again) where it now lives, if it was carried
    forward; returns (the ref named, the ref changed)."""
    named = followups.locate(journal, text, session=session)
    target = followups.live_copy(journal, named)
    session_id, number = followups.split_ref(target)
    update_item(journal, session_id, "next_steps", number, {"done": not undo})
    return named, target


def carry(
    journal: Journal, text: str, *, to: str | None, session: str | None = None
) -> tuple[str, str]:
    """Copy an open step into a later session, remembering where it came from;
    returns (the source ref, the new ref)."""
    source = followups.locate(journal, text, session=session)
    source_id, number = followups.split_ref(source)
    target_id = journal.resolve(to)
    if target_id == source_id:
        raise UsageError(
            f"the step is already in {target_id}",
            "name a later session with --to (default: the active one)",
        )
    if target_id < source_id:
        raise UsageError(
            f"{target_id} is older than {source_id}",
            "steps are carried forward, to a later session",
        )
    step = journal.load(source_id).next_steps[number - 1]
    if step.done:
        raise UsageError(f"step {source} is done; nothing to carry")
    already = followups.carried_to(
        {i.ref: i for i in followups.gather(journal).items}, source
    )
    if already is not None:
        raise ConflictError(
            f"step {source} was already carried to {already}",
            f"carry that copy instead: journal step carry {already} --to …",
        )
    changed = add_item(
        journal,
        target_id,
        "next_steps",
        {
            "text": step.text,
            "horizon": step.horizon,
            "owner": step.owner,
            "due": step.due.isoformat() if step.due else None,
            "done": False,
            "tracked_in": step.tracked_in,
            "carried_from": source,
        },
    )
    assert changed.number is not None
    return source, followups.step_ref(target_id, changed.number)


def edit_session(
    journal: Journal,
    ref: str | None,
    *,
    confirm: Callable[[str], bool],
    redact: bool = True,
) -> str:
    """`journal edit`: $EDITOR on a copy of session.yaml until the copy validates or
    the user gives up; returns what happened.

    The original is replaced only by a valid copy, and only if nobody changed it
    meanwhile; otherwise it stays untouched and the copy is kept for the user.
    Secrets in text the edit added are redacted before it is saved (not in text
    that was there before, which an earlier `--no-redact` may have kept).
    """
    import tempfile

    from journal.store.files import atomic_write
    from journal.store.yamlio import read_text

    session_id = journal.resolve(ref)
    original_path = journal.session_path(session_id)
    original = read_text(original_path)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(prefix=f"{session_id}.", suffix=".yaml")
    copy = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(original)
    while True:
        _run_editor(editor, copy)
        edited = read_text(copy)
        try:
            journal.validate_text(edited, where=str(original_path))
        except JournalError as exc:
            if edited == original:  # not valid before the editor either: say that
                copy.unlink()
                raise
            if confirm(exc.one_line()):
                continue
            raise UsageError(
                f"not saved: {exc.one_line()}", f"your edit is kept in {copy}"
            ) from None
        break
    if edited == original:
        copy.unlink()
        return f"no changes to {session_id}"
    try:
        saved, found = _redacted(journal, original, edited, redact=redact)
    except JournalError as exc:
        raise UsageError(
            f"not saved: {exc.one_line()}", f"your edit is kept in {copy}"
        ) from None
    with journal.lock(session_id):
        if read_text(original_path) != original:
            raise ConflictError(
                f"{original_path} changed while you were editing; not saved",
                f"your edit is kept in {copy}",
            )
        atomic_write(original_path, saved)
    copy.unlink()
    if found:
        kinds = ", ".join(sorted(set(found)))
        return f"saved {session_id} ({len(found)} secret(s) redacted: {kinds})"
    return f"saved {session_id}"


def _redacted(
    journal: Journal, original: str, edited: str, *, redact: bool
) -> tuple[str, tuple[str, ...]]:
    """`edited` with secrets redacted from the strings the edit added or changed,
    keeping its comments and layout; validated again when anything was redacted."""
    from journal.store.yamlio import dump_roundtrip, load_roundtrip, parse_yaml

    if not scrub(edited, config=journal.config, redact=redact)[1]:
        return edited, ()  # no secret anywhere: the text is saved as typed
    where = "the edited session.yaml"
    before = set(strings(parse_yaml(original, where=where)))
    doc = load_roundtrip(edited, where=where)
    doc, found = scrub(doc, config=journal.config, redact=redact, keep=before)
    if not found:
        return edited, ()
    text = dump_roundtrip(doc)
    journal.validate_text(text, where=f"{where} (after redaction)")
    return text, found


def _run_editor(editor: str, path: Path) -> None:
    import shlex

    from journal.process import CommandNotFoundError, spawn

    try:
        code = spawn([*shlex.split(editor), str(path)]).wait()
    except CommandNotFoundError:
        raise UsageError(f"cannot start the editor {editor!r}", "set $EDITOR") from None
    if code != 0:
        raise UsageError(
            f"the editor {editor!r} exited with code {code}; nothing saved",
            f"your copy is in {path}",
        )
