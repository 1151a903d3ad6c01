"""The `journal` command line: a thin layer over the library.

`journal log` takes a fast path that parses its own arguments and never imports typer,
so capturing an event during an incident costs little more than starting Python;
`list` and `todo` take one too (`fastread.py`), answering from the session index, and
`show` prints again what it printed while nothing it is made of changed
(`fastshow.py`), and `render --all` skips typer too (`fastrender.py`).
"""

from __future__ import annotations

import sys


def main() -> None:
    from journal.store import notices

    notices.listener = _warn
    argv = sys.argv[1:]
    _print_names_as_bytes()
    if argv[:1] == ["log"]:
        from journal.cli.fastlog import run_fast_log

        code = run_fast_log(argv[1:])
        if code is not None:
            sys.exit(code)
    if argv[:1] in (["list"], ["todo"], ["stats"], ["check"]):
        from journal.cli.progress import install

        install()
    if argv[:1] == ["render"]:
        from journal.cli.fastrender import run_fast_render

        code = run_fast_render(argv[1:])
        if code is not None:
            sys.exit(code)
    if argv[:1] == ["show"]:
        from journal.cli.fastshow import run_fast_show

        code = run_fast_show(argv[1:])
        if code is not None:
            sys.exit(code)
    if argv[:1] in (["list"], ["todo"]):
        from journal.cli.fastread import run_fast_read

        code = run_fast_read(argv[0], argv[1:])
        if code is not None:
            sys.exit(code)
    from journal.cli.app import run

    run(argv)


def _warn(message: str) -> None:
    print(f"journal: warning: {message}", file=sys.stderr, flush=True)


def _print_names_as_bytes() -> None:
    """A name that is not UTF-8 (a folder, an argument) is printed back as the bytes
    it was, as `ls` does, rather than failing after the work is done."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="surrogateescape")
