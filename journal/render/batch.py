"""`render --all`: every session's report in the reports folder, rewriting only those
whose inputs changed, and removing reports of sessions that no longer exist.

A report's inputs are its session's two files, the previous and next sessions' labels,
and the salt of every cache (`store/cache.py`: the configuration, the templates and
the whole package's code). Their digest is kept per
report in a manifest in the state folder, next to the report file's stat, so a run
where nothing changed reads no YAML, renders nothing and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.errors import JournalError
from journal.render import stamp
from journal.render.index import Entry, SessionIndex
from journal.render.stamp import REPORT_RE
from journal.store.cache import load_cache, one_stat_pass, salt, save_cache, stat_key
from journal.store.files import DurableBatch, make_folders
from journal.store.sessions import Journal

if TYPE_CHECKING:
    from journal.insight.relatedtype import Related


@dataclass
class BatchResult:
    out_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def render_all(
    journal: Journal, *, out_dir: Path | None = None, ascii: bool = False
) -> BatchResult:
    """Bring every report in `out_dir` (default: the reports dir) up to date."""
    with one_stat_pass(journal):
        target = stamp.reports_folder(journal, out_dir)
        result = BatchResult(target)
        facts = stamp.facts_now(journal, target, ascii)  # before anything is read
        index = SessionIndex(journal)
        entries = index.entries()
        name = hashlib.sha256(str(target).encode("utf-8")).hexdigest()[:16]
        manifest_path = journal.state_dir / "reports" / f"{name}.json"
        manifest = load_cache(manifest_path)
        from journal.gitlink import origin_url
        from journal.gitlink.derived import trailer_commits

        # What every report depends on: the salt of every cache, `--ascii`, and the
        # remote (commit links point at origin's forge).
        key = f"{salt(journal)}\0{ascii}\0{origin_url(journal.root)}"
        global_key = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
        # The commits each session's trailers link: a new one changes its report.
        found = trailer_commits(journal)
        linked = {sid: [e["sha"] for e in events] for sid, events in found.items()}
        overall = _journal_key(global_key, entries, linked)
        if _all_current(manifest, overall, entries, target):
            # Nothing any report is made of changed since the last run, so neither did
            # any session's related sessions: skip ranking them (the costly part).
            result.unchanged.extend(entries)
            fresh = manifest
        else:
            fresh = {_JOURNAL_KEY: overall}
            _render_changed(
                journal, ascii, result, index, manifest, fresh, global_key, linked
            )
        result.removed = _remove_stale(target, set(entries), manifest)
        index.save()
        if fresh != manifest:
            save_cache(manifest_path, fresh)
        if facts is not None and not result.failed:
            # Every report is current: keep the stamp that lets the next run with
            # nothing changed answer from stats alone (`render/stamp.py`).
            rows = [(sid, index.stats(sid), fresh[sid]["stat"]) for sid in entries]
            stamp.write(journal, target, facts, rows)
        return result


def _render_changed(
    journal: Journal,
    ascii: bool,
    result: BatchResult,
    index: SessionIndex,
    manifest: dict[str, Any],
    fresh: dict[str, Any],
    global_key: str,
    linked: dict[str, list[str]],
) -> None:
    """Render the reports whose key changed, each entry of the new manifest into
    `fresh`."""
    target = result.out_dir
    entries = index.entries()
    related = related_or_none(journal)
    renderer = None
    base = f"{target}{os.sep}"
    with DurableBatch() as writer:  # waits for every write at its end
        for session_id, entry in entries.items():
            key = _report_key(
                global_key,
                entry,
                entries,
                index,
                linked.get(session_id),
                related_key(related, session_id),
            )
            known = manifest.get(session_id)
            if (
                isinstance(known, dict)
                and known.get("key") == key
                and known.get("stat") == stat_key(f"{base}{session_id}.md")
            ):
                result.unchanged.append(session_id)
                fresh[session_id] = known
                continue
            if renderer is None:
                from journal.render.report import Renderer

                renderer = Renderer(journal, ascii=ascii, related=related)
                make_folders(target)
            path = target / f"{session_id}.md"
            try:
                text = renderer.render(session_id, index=index)
            except JournalError as exc:
                result.failed.append((session_id, exc.one_line()))
                continue
            if _read(path) != text:
                writer.write(path, text)
                result.written.append(session_id)
            else:
                result.unchanged.append(session_id)
            fresh[session_id] = {"key": key, "stat": None}  # taken once it is written
    # The stat of each report just written (or found as it should be), into its
    # manifest entry: taken once the writes have ended.
    for session_id, entry in fresh.items():
        if isinstance(entry, dict) and entry["stat"] is None:  # not the journal key
            entry["stat"] = stat_key(f"{base}{session_id}.md")


_JOURNAL_KEY = "__journal__"
"""The manifest's entry for the journal as a whole (session ids never look like it)."""


def _journal_key(
    global_key: str, entries: dict[str, Entry], linked: dict[str, list[str]]
) -> str:
    """A digest of everything the reports are made of: the configuration, templates and
    package (`global_key`), each session's files and the commits its trailers link."""
    digest = hashlib.sha256(global_key.encode())
    for session_id in sorted(entries):
        digest.update(f"\0{session_id}\0{entries[session_id].digest}".encode())
        digest.update(" ".join(linked.get(session_id, ())).encode())
    return digest.hexdigest()


def _all_current(
    manifest: dict[str, Any], overall: str, entries: dict[str, Entry], target: Path
) -> bool:
    """The last run saw this very journal, and left every report as it wrote it."""
    if manifest.get(_JOURNAL_KEY) != overall or len(manifest) != len(entries) + 1:
        return False
    base = f"{target}{os.sep}"
    return all(
        isinstance(known := manifest.get(session_id), dict)
        and known.get("stat") == stat_key(f"{base}{session_id}.md")
        for session_id in entries
    )


def related_or_none(journal: Journal) -> dict[str, list[Related]] | None:
    """Every session's related sessions; None (each report ranks its own) when the
    journal cannot be read whole."""
    from journal.insight.relatedmap import related_map

    try:
        return related_map(journal)
    except JournalError:
        return None


def related_key(related: dict[str, list[Related]] | None, session_id: str) -> Any:
    """What a report shows of its related sessions: a new one changes the report."""
    if related is None:
        return None
    return [[r.id, r.label, r.reasons] for r in related.get(session_id, ())]


def _report_key(
    global_key: str,
    entry: Entry,
    entries: dict[str, Entry],
    index: SessionIndex,
    linked: list[str] | None = None,
    related: Any = None,
) -> str:
    previous = entries.get(entry.previous) if entry.previous else None
    neighbours = [
        entry.previous,
        previous.label if previous else None,
        [(e.id, e.label) for e in index.next_of(entry.id)],
    ]
    return inputs_key(global_key, entry.digest, neighbours, linked or [], related)


def inputs_key(base: str, *parts: Any) -> str:
    """The digest of what a report or a site's page is made of."""
    raw = json.dumps([base, *parts], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _remove_stale(
    target: Path, existing: set[str], manifest: dict[str, Any]
) -> list[str]:
    """Remove the reports of sessions that are gone — only files this command wrote
    into `target` and nobody changed since (the manifest keeps their stats): a
    report-like file someone else put there is never deleted."""
    removed = []
    try:
        names = sorted(p.name for p in target.iterdir())
    except FileNotFoundError:
        return []
    for name in names:
        session_id = name[:-3]
        if not REPORT_RE.match(name) or session_id in existing:
            continue
        known = manifest.get(session_id)
        path = target / name
        if isinstance(known, dict) and known.get("stat") == stat_key(str(path)):
            path.unlink()
            removed.append(session_id)
    return removed


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None
