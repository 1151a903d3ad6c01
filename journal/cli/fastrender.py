"""`journal render --all` without typer: the command a pre-commit hook or a docs
build runs on every commit, so the run where nothing changed should cost little more
than checking that nothing did (`render/batch.py`).

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
    try:
        from journal.render.batch import render_all
        from journal.store.sessions import Journal

        journal = Journal.open()
        result = render_all(journal, ascii=journal.config.ascii)
    except Exception:
        return None
    return print_batch(result, as_json="--json" in argv)


def print_batch(result: BatchResult, *, as_json: bool) -> int:
    """What `render --all` prints; its exit status (1 when a report failed)."""
    from journal.cli.output import emit

    for session_id, message in result.failed:
        print(f"journal: error: {session_id}: {message}", file=sys.stderr)
    emit(
        {
            "dir": str(result.out_dir),
            "written": result.written,
            "unchanged": len(result.unchanged),
            "removed": result.removed,
            "failed": [{"session": s, "error": m} for s, m in result.failed],
        },
        f"reports in {result.out_dir}: {len(result.written)} written, "
        f"{len(result.unchanged)} unchanged, {len(result.removed)} removed"
        + (f", {len(result.failed)} failed" if result.failed else ""),
        as_json=as_json,
    )
    if not result.failed:
        return 0
    print(
        f"journal: error: {len(result.failed)} session(s) could not be rendered — "
        "fix the files named above and run `journal render --all` again",
        file=sys.stderr,
    )
    return 1
