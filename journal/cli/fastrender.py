"""`journal render --all` without typer: the command a pre-commit hook or a docs
build runs on every commit, so the run where nothing changed should cost little more
than checking that nothing did: the stamp of the last run's stats answers it
(`render/stamp.py`), and only a difference loads the index and the manifest and
renders what changed (`render/batch.py`).

Only the plain forms take this path (`--all`, with `--json` or not); anything else,
or any error, returns None and the full CLI runs the command (running it twice is
harmless: a report already current is not rewritten). The summary it prints lives
here and the typer command prints through it.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from journal.render.batch import BatchResult


def run_fast_render(argv: list[str]) -> int | None:
    """Run `render --all [--json]`; None hands the command to the full CLI."""
    if sorted(argv) not in (["--all"], ["--all", "--json"]):
        return None
    as_json = "--json" in argv
    try:
        from journal.operations.output_path import output_folder
        from journal.render.stamp import current, reports_folder
        from journal.store.sessions import Journal

        journal = Journal.open()
        # The same check as the full command: where it refuses, it says why.
        target = output_folder(journal, reports_folder(journal))
        # Nothing changed since a run that left every report current: say so from
        # the stamp's stats, without loading the index, the manifest or git.
        unchanged = current(journal, target, journal.config.ascii)
        if unchanged is not None:
            return print_summary(str(target), [], len(unchanged), [], [], as_json)
        from journal.render.batch import render_all

        result = render_all(journal, out_dir=target, ascii=journal.config.ascii)
    except Exception:
        return None
    return print_batch(result, as_json=as_json)


def print_batch(result: BatchResult, *, as_json: bool) -> int:
    """What `render --all` prints; its exit status (1 when a report failed)."""
    return print_summary(
        str(result.out_dir),
        result.written,
        len(result.unchanged),
        result.removed,
        result.failed,
        as_json,
    )


def print_summary(
    out_dir: str,
    written: list[str],
    unchanged: int,
    removed: list[str],
    failed: list[tuple[str, str]],
    as_json: bool,
) -> int:
    """`print_batch` from the figures alone (the stamp's answer has no result)."""
    from journal.cli.output import emit

    for session_id, message in failed:
        print(f"journal: error: {session_id}: {message}", file=sys.stderr)
    emit(
        {
            "dir": out_dir,
            "written": written,
            "unchanged": unchanged,
            "removed": removed,
            "failed": [{"session": s, "error": m} for s, m in failed],
        },
        f"reports in {out_dir}: {len(written)} written, "
        f"{unchanged} unchanged, {len(removed)} removed"
        + (f", {len(failed)} failed" if failed else ""),
        as_json=as_json,
    )
    if not failed:
        return 0
    print(
        f"journal: error: {len(failed)} session(s) could not be rendered — "
        "fix the files named above and run `journal render --all` again",
        file=sys.stderr,
    )
    return 1
