"""`journal site serve` over several journals: every journal's files are watched, and
a change in any of them regenerates the pages (only that journal's session pages and
the cross-journal ones are rewritten), which the builder's server reloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from journal.errors import JournalError
from journal.site.build import builder_for
from journal.site.org import Member, open_members
from journal.site.orgbuild import place_for, prepare_org
from journal.site.serve import Snapshot, run_server, said, snapshot


def snapshot_all(members: list[Member]) -> Snapshot:
    """The stat of every file any journal's pages depend on."""
    return {path: key for m in members for path, key in snapshot(m.journal).items()}


def serve_org(
    journals: list[Path],
    *,
    root: Path,
    host: str,
    port: int,
    builder: str | None,
    notify: Callable[[str], None],
    keep_going: bool = False,
) -> None:
    """Serve the site of several journals until interrupted or the builder exits."""
    members, notes = open_members(journals)
    for note in notes:
        notify(note)
    place, configured, config_file = place_for(root, None)
    chosen = builder_for(builder or configured)
    generated, config, _ = prepare_org(
        members, place, config_file, offline=False, keep_going=keep_going
    )
    current = members

    def react(before: Snapshot, now: Snapshot) -> None:
        nonlocal current
        current = _regenerate(journals, current, root, notify, keep_going)

    run_server(
        chosen,
        config,
        sessions=generated.sessions,
        cwd=place.root,
        host=host,
        port=port,
        look=lambda: snapshot_all(current),
        react=react,
    )


def _regenerate(
    journals: list[Path],
    members: list[Member],
    root: Path,
    notify: Callable[[str], None],
    keep_going: bool,
) -> list[Member]:
    """Generate again (configurations re-read); a problem is reported, never fatal:
    the server keeps showing the last good pages."""
    try:
        members, _ = open_members(journals)
        place, _, config_file = place_for(root, None)
        generated, _, _ = prepare_org(
            members, place, config_file, offline=False, keep_going=keep_going
        )
    except JournalError as exc:
        notify(exc.one_line())
        return members
    said(generated, notify)
    return members
