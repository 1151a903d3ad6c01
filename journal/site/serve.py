"""`journal site serve`: the builder's live server over pages that regenerate when the
journal changes, so a responder's `journal log` shows in the browser within seconds.

The journal's files are watched by polling their stat (no watcher dependency); a
change regenerates the pages, only changed files are rewritten, and the builder's
own watcher rebuilds and reloads the browser.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from journal import process
from journal.errors import JournalError
from journal.site.build import Builder, builder_for, prepare, start_builder
from journal.site.collect import Memory
from journal.store.cache import stat_key, stat_keys, stats_taken
from journal.store.locate import CONFIG_NAME

if TYPE_CHECKING:
    from journal.site.pages import Generated
    from journal.store.sessions import Journal

POLL_S = 0.4
DIRTY_ABOVE = 200
"""Sessions above which MkDocs rebuilds only changed pages (`--dirty`)."""
Snapshot = dict[str, list[int]]
"""Each watched file's `cache.stat_key`, by path."""


def snapshot(journal: Journal) -> Snapshot:
    """Stat of every file a page depends on: sessions, templates, configuration."""
    config = journal.config
    found: Snapshot = {}
    for path in (journal.root / CONFIG_NAME, journal.root / config.site.config_file):
        key = stat_key(str(path))
        if key is not None:
            found[str(path)] = key
    for folder in (journal.sessions_dir, journal.root / config.templates_dir):
        stat_keys(str(folder), found)
    return found


def changed_paths(before: Snapshot, now: Snapshot) -> set[str]:
    """The files added, removed or rewritten between two snapshots."""
    changed = before.keys() ^ now.keys()
    changed.update(path for path, key in now.items() if before.get(path, key) != key)
    return changed


class LiveSite:
    """One journal's pages, generated again after each change the server sees,
    from what the last generation left in memory (`collect.Memory`)."""

    def __init__(self, journal: Journal, notify: Callable[[str], None]) -> None:
        self.journal = journal
        self.notify = notify
        self.memory = Memory()

    def first(self) -> tuple[Generated, Path]:
        """The first generation: every page, from the caches on disk."""
        generated, config, _ = prepare(
            self.journal, offline=False, site_dir=None, memory=self.memory
        )
        return generated, config

    def react(self, before: Snapshot, now: Snapshot) -> Generated | None:
        """Generate again after the files changed from `before` to `now`
        (configuration re-read); problems are reported, never fatal: the server
        keeps showing the last good pages."""
        from journal.store.sessions import Journal

        self._note(changed_paths(before, now))
        try:
            with stats_taken(now):  # the poll has just stat'ed every session file
                self.journal = Journal.open(self.journal.root)
                generated, _, _ = prepare(
                    self.journal, offline=False, site_dir=None, memory=self.memory
                )
        except JournalError as exc:
            self.memory = Memory()  # what a generation half done left is not kept
            self.notify(exc.one_line())
            return None
        said(generated, self.notify)
        return generated

    def idle(self) -> None:
        """Nothing changed since the last look: write what waited in memory."""
        self.memory.flush()

    def _note(self, paths: set[str]) -> None:
        """Tell the memory which sessions' folders changed; a change anywhere else
        (configuration, templates) means starting afresh."""
        sessions = f"{self.journal.sessions_dir}{os.sep}"
        touched = set()
        for path in paths:
            if not path.startswith(sessions):
                self.memory = Memory()
                return
            touched.add(path[len(sessions) :].partition(os.sep)[0])
        self.memory.touched |= touched


def said(generated: Generated, notify: Callable[[str], None]) -> None:
    """What a generation after a change tells the person serving: its problems and
    how many pages it rewrote."""
    for session_id, message in generated.problems:
        notify(f"{session_id}: {message}")
    changed = len(generated.written) + len(generated.removed)
    if changed:
        notify(f"regenerated {changed} page(s) in {generated.seconds:.2f} s")


def serve_site(
    journal: Journal,
    *,
    host: str,
    port: int,
    builder: str | None,
    notify: Callable[[str], None],
) -> None:
    """Serve until interrupted (KeyboardInterrupt) or the builder exits."""
    chosen = builder_for(builder or journal.config.site.builder)
    live = LiveSite(journal, notify)
    generated, config = live.first()
    run_server(
        chosen,
        config,
        sessions=generated.sessions,
        cwd=journal.root,
        host=host,
        port=port,
        look=lambda: snapshot(live.journal),
        react=live.react,
        idle=live.idle,
    )


def run_server(
    chosen: Builder,
    config: Path,
    *,
    sessions: int,
    cwd: Path,
    host: str,
    port: int,
    look: Callable[[], Snapshot],
    react: Callable[[Snapshot, Snapshot], object],
    idle: Callable[[], None] = lambda: None,
) -> None:
    """Run the builder's live server; call `react(before, now)` whenever `look`
    sees a change, and `idle` when it sees none (and when the server stops)."""
    extra = ["--dev-addr", f"{host}:{port}"]
    if chosen.name != "zensical" and sessions > DIRTY_ABOVE:
        extra.append("--dirty")
    proc = start_builder(chosen.argv("serve", config, *extra), cwd=cwd)
    seen = look()
    try:
        while proc.poll() is None:
            time.sleep(POLL_S)
            now = look()
            if now != seen:
                react(seen, now)
                seen = now
            else:
                idle()
    finally:
        process.stop_group(proc)
        idle()
    if proc.returncode not in (0, None, -15):
        raise JournalError(
            f"the {chosen.name} server stopped (exit {proc.returncode})",
            f"is port {port} free? try --port",
        )
