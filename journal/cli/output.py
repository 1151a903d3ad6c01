"""Printing results for people and for `--json`, in one place."""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths print here)
if TYPE_CHECKING:
    from typing import Any

    from journal.errors import JournalError


def emit(data: Any, human: str, *, as_json: bool) -> None:
    """Print `data` as JSON when asked, else the human line(s)."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif human:
        print(human)


def redaction_note(found: tuple[str, ...] | list[str]) -> str:
    """` (N secret(s) redacted: kinds)`, or nothing when none was."""
    if not found:
        return ""
    return f" ({len(found)} secret(s) redacted: {', '.join(sorted(set(found)))})"


def warn(message: str) -> None:
    print(f"journal: warning: {message}", file=sys.stderr)


def seen_lines(matches: list[Any]) -> str:
    """The "seen before" line of the best match (`insight.seen.Match`), with how
    many more there are; nothing for none."""
    return matches[0].line(len(matches) - 1) if matches else ""


EXIT_BUG = 70


def report(exc: BaseException, *, debug: bool) -> int:
    """Print one line for an error a command raised (not a usage error: the parser
    says those) and return its exit code; with --debug, the traceback as well."""
    from journal.errors import JournalError

    if isinstance(exc, KeyboardInterrupt):
        print("\njournal: aborted", file=sys.stderr)
        return 130
    if isinstance(exc, JournalError):
        if debug:
            import traceback

            traceback.print_exc()
        error(exc.one_line())
        return exc.exit_code
    named = _path_error(exc)
    if named is not None:
        error(named.one_line())
        return named.exit_code
    if debug:
        raise exc
    error(
        f"internal error: {exc!r} — this is a bug; rerun with --debug for the traceback"
    )
    return EXIT_BUG


_LOOP = "Symlink loop from "


def _path_error(exc: BaseException) -> JournalError | None:
    """A path the user gave that the system cannot take, wherever it was met: one
    line naming it, never an internal error."""
    from journal.errors import JournalError

    if isinstance(exc, RuntimeError) and str(exc).startswith(_LOOP):
        # Path.resolve() on a link that leads back to itself (Python < 3.13)
        path = str(exc)[len(_LOOP) :].strip("'")
        return JournalError(
            f"{path} is a link that leads back to itself",
            "fix or remove the link, or give another path",
        )
    import errno

    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        # A name typed on the command line (--output, --cwd, --journal, …) that is
        # longer than the file system allows, met by whichever call touched it first.
        from journal.store.files import too_long

        return too_long(exc.filename or "a path", "use")
    return None


def error(text: str) -> None:
    print(f"journal: error: {text}", file=sys.stderr)


def print_lines(lines: list[str]) -> int:
    """Print the lines in one write; 1, and nothing more, when the reader is gone."""
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:
        return reader_gone()
    return 0


def reader_gone() -> int:
    """The reader went away (`journal list | head`): say nothing more."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def no_match(what: str, filters: list[tuple[str, list[str] | None]]) -> str:
    """`no session has tag db or cache and status open`: an empty answer names the
    filters that made it empty (each filter takes any of its values)."""
    parts = [f"{name} {' or '.join(values)}" for name, values in filters if values]
    return f"no {what} has " + " and ".join(parts)
