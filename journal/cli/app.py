"""The typer app: command registration, and the one place errors become exit codes."""

from __future__ import annotations

import sys
import traceback

import click
import typer

from journal.errors import JournalError

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
    from journal.cli.commands import capture, items, sessions  # noqa: F401


def run(argv: list[str]) -> None:
    """Run the CLI on `argv`; print one line per error; exit with its code."""
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    _register()
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="journal", standalone_mode=False)
    except JournalError as exc:
        if debug:
            traceback.print_exc()
        print(f"journal: error: {exc.one_line()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        print("journal: aborted", file=sys.stderr)
        sys.exit(130)
    except click.UsageError as exc:
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        print(f"journal: error: {exc.format_message()}{where}", file=sys.stderr)
        sys.exit(2)
    except click.ClickException as exc:
        print(f"journal: error: {exc.format_message()}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        print(
            f"journal: internal error: {exc!r} — this is a bug; rerun with --debug "
            "for the traceback",
            file=sys.stderr,
        )
        sys.exit(EXIT_BUG)
