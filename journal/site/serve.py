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
from journal.store.locate import CONFIG_NAME

if TYPE_CHECKING:
    from journal.store.sessions import Journal

POLL_S = 0.4
DIRTY_ABOVE = 200
"""Sessions above which MkDocs rebuilds only changed pages (`--dirty`)."""
Snapshot = dict[str, tuple[int, int]]


def snapshot(journal: Journal) -> Snapshot:
    """Stat of every file a page depends on: sessions, templates, configuration."""
    config = journal.config
    found: Snapshot = {}
    for path in (journal.root / CONFIG_NAME, journal.root / config.site.config_file):
        _stat_into(found, path)
    for folder in (journal.sessions_dir, journal.root / config.templates_dir):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                _stat_into(found, Path(dirpath) / name)
    return found


def _stat_into(found: Snapshot, path: Path) -> None:
    try:
        st = path.stat()
    except OSError:
        return
    found[str(path)] = (st.st_mtime_ns, st.st_size)


def regenerate(root: Path, notify: Callable[[str], None]) -> Journal | None:
    """Generate the pages again (configuration re-read); problems are reported,
    never fatal: the server keeps showing the last good pages."""
    from journal.store.sessions import Journal

    try:
        journal = Journal.open(root)
        generated, _, _ = prepare(journal, offline=False, site_dir=None)
    except JournalError as exc:
        notify(exc.one_line())
        return None
    for session_id, message in generated.problems:
        notify(f"{session_id}: {message}")
    if generated.written or generated.removed:
        notify(
            f"regenerated {len(generated.written) + len(generated.removed)} "
            f"page(s) in {generated.seconds:.2f} s"
        )
    return journal


def serve_site(
    journal: Journal,
    *,
    host: str,
    port: int,
    builder: str | None,
    notify: Callable[[str], None],
    poll_s: float = POLL_S,
) -> None:
    """Serve until interrupted (KeyboardInterrupt) or the builder exits."""
    chosen = builder_for(builder or journal.config.site.builder)
    generated, config, _ = prepare(journal, offline=False, site_dir=None)
    current = journal

    def look() -> Snapshot:
        return snapshot(current)

    def react() -> None:
        nonlocal current
        current = regenerate(current.root, notify) or current

    run_server(
        chosen,
        config,
        sessions=generated.sessions,
        cwd=journal.root,
        host=host,
        port=port,
        look=look,
        react=react,
        poll_s=poll_s,
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
    react: Callable[[], None],
    poll_s: float,
) -> None:
    """Run the builder's live server; call `react` whenever `look` sees a change."""
    extra = ["--dev-addr", f"{host}:{port}"]
    if chosen.name != "zensical" and sessions > DIRTY_ABOVE:
        extra.append("--dirty")
    proc = start_builder(chosen.argv("serve", config, *extra), cwd=cwd)
    seen = look()
    try:
        while proc.poll() is None:
            time.sleep(poll_s)
            now = look()
            if now != seen:
                seen = now
                react()
    finally:
        process.stop_group(proc)
    if proc.returncode not in (0, None, -15):
        raise JournalError(
            f"the {chosen.name} server stopped (exit {proc.returncode})",
            f"is port {port} free? try --port",
        )
