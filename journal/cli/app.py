"""The typer app: command registration, and the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback

import typer

try:  # typer 0.28 vendors its own copy of click; older typers use click itself
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as click_exc  # type: ignore[no-redef]

from journal.errors import JournalError


class _NeverRaised(Exception):
    pass


# click >= 8.2 signals a bare command with no arguments by this UsageError subclass.
_NO_ARGS_IS_HELP: type[Exception] = getattr(
    click_exc, "NoArgsIsHelpError", _NeverRaised
)

app = typer.Typer(
    name="journal",
    help="Keep an incident and work-session journal in your git repository.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_BUG = 70


def _register() -> None:
    # Each module adds its commands to `app`; importing them is the registration.
    from journal.cli.commands import (  # noqa: F401
        capture,
        check,
        followups,
        git,
        items,
        port,
        report,
        run,
        sessions,
        site,
        stats,
    )


def run(argv: list[str]) -> None:
    """Run the CLI on `argv`; print one line per error; exit with its code."""
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    _register()
    command = typer.main.get_command(app)
    try:
        # Without standalone mode click returns (not raises) the code of `Exit`.
        code = command.main(args=argv, prog_name="journal", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        sys.exit(_report(exc, debug=debug))
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _report(exc: Exception, *, debug: bool) -> int:
    """Print one line for `exc` and return the exit code it maps to."""
    if isinstance(exc, JournalError):
        if debug:
            traceback.print_exc()
        _error(exc.one_line())
        return exc.exit_code
    if isinstance(exc, _NO_ARGS_IS_HELP):
        print(exc.format_message())  # type: ignore[attr-defined]  # bare `journal`: help
        return 0
    if isinstance(exc, typer.Abort):
        print("journal: aborted", file=sys.stderr)
        return 130
    if isinstance(exc, click_exc.UsageError):
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        _error(f"{exc.format_message()}{where}")
        return 2
    if isinstance(exc, click_exc.ClickException):
        _error(exc.format_message())
        return exc.exit_code
    if debug:
        raise exc
    _error(
        f"internal error: {exc!r} — this is a bug; rerun with --debug for the traceback"
    )
    return EXIT_BUG


def _error(text: str) -> None:
    print(f"journal: error: {text}", file=sys.stderr)
