"""The `journal` command line: a thin layer over the library.

`log`, `list`, `todo`, `stats`, `show` and `render` are read without typer when the
fast parser can (`table.py`), and done by the same handler either way
(`handlers.py`); `JOURNAL_NO_FAST=1` sends every command to typer (to debug one path
against the other).
"""

from __future__ import annotations

import os
import sys

_FAST = ("log", "list", "todo", "stats", "show", "render")


def main() -> None:
    from journal.cli.output import warn
    from journal.store import notices

    notices.listener = warn
    argv = sys.argv[1:]
    # A name that is not UTF-8 (a folder, an argument) is printed back as the bytes
    # it was, as `ls` does, rather than failing after the work is done.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="surrogateescape")
    if argv[:1] in (["list"], ["todo"], ["stats"], ["check"]):
        from journal.cli.progress import install

        install()
    no_fast = os.environ.get("JOURNAL_NO_FAST", "") not in ("", "0")
    if argv[:1] and argv[0] in _FAST and not no_fast:
        code = _run_fast(argv[0], argv[1:])
        if code is not None:
            sys.exit(code)
    from journal.cli.app import run

    run(argv)


def _run_fast(name: str, argv: list[str]) -> int | None:
    """Run a command of the table without typer; None when typer must read it."""
    from journal.cli.table import COMMANDS, parse, split_debug

    debug, argv = split_debug(argv)
    options = parse(COMMANDS[name], argv)
    if options is None:
        return None
    from journal.cli.handlers import HANDLERS

    try:
        return HANDLERS[name](options)
    except (Exception, KeyboardInterrupt) as exc:
        from journal.cli.output import report

        return report(exc, debug=debug)
