"""The typer app: command registration, shell completion, and the one place errors
become exit codes."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

try:  # typer 0.28 vendors its own copy of click; older typers use click itself
    import typer._click as click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - depends on the installed typer
    import click  # type: ignore[no-redef]
    from click import exceptions as click_exc  # type: ignore[no-redef]

from journal.cli.output import error, report
from journal.errors import UsageError

# click >= 8.2 signals a bare command with no arguments by this UsageError subclass;
# before, nothing is an instance of the empty tuple.
_NO_ARGS_IS_HELP: type[Exception] | tuple[()] = getattr(
    click_exc, "NoArgsIsHelpError", ()
)

# The help's panels, in the order a responder meets them; each lists its commands in the
# order they are used. A command missing here still shows, under "Other".
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sessions", ("init", "new", "use", "list", "show", "close")),
    ("Capture", ("log", "exec", "set", "edit", "ingest", "receive")),
    ("Items", ("option", "criterion", "step", "lesson", "validate", "verify")),
    ("Reports", ("render", "stats", "todo", "check", "related", "hotspots")),
    ("Git", ("link", "sync", "hook", "merge", "resolve")),
    ("Site", ("site",)),
    ("Import and export", ("import", "export", "schema")),
)


class PanelGroup(TyperGroup):
    """The root command: `journal --help` lists commands grouped into panels."""

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        listed: set[str] = set()
        # One column width for every panel, so the descriptions line up across them.
        width = max((len(name) for name in self.list_commands(ctx)), default=0)
        limit = formatter.width - 6 - width
        for title, names in (*PANELS, ("Other", tuple(self.list_commands(ctx)))):
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if name in listed or command is None or command.hidden:
                    continue
                listed.add(name)
                rows.append((name.ljust(width), command.get_short_help_str(limit)))
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


app = typer.Typer(
    name="journal",
    cls=PanelGroup,
    help="Keep an incident and work-session journal in your git repository.",
    no_args_is_help=True,
    add_completion=False,  # the completion options below take the shell's name
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        from journal import __version__

        print(f"journal {__version__}")
        raise typer.Exit()


# Shell completion: `--show-completion [SHELL]` prints the script for a shell,
# `--install-completion [SHELL]` adds it to that shell's startup file; without SHELL,
# the shell this runs in. typer's own options take no SHELL once shell detection is
# available, so `journal --show-completion bash` would print the script of whatever
# shell ran it (`sh` under `xargs`, a CI runner's shell): these take the shell as named.
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_AUTO = "auto"  # the value of a completion option given without a shell: detect it
_COMPLETE_VAR = "_JOURNAL_COMPLETE"


def _with_default_shell(argv: list[str]) -> list[str]:
    """`argv` with `auto` after a completion option given without a shell (click has
    no option whose value may be left out)."""
    out = []
    for index, arg in enumerate(argv):
        out.append(arg)
        if arg in ("--show-completion", "--install-completion"):
            following = argv[index + 1] if index + 1 < len(argv) else "-"
            if following.startswith("-"):
                out.append(_AUTO)
    return out


def _show_completion(value: str | None) -> None:
    """Print the completion script of the shell named (or detected), and exit."""
    if value is None:
        return
    from typer._completion_shared import get_completion_script

    script = get_completion_script(
        prog_name="journal", complete_var=_COMPLETE_VAR, shell=_shell(value)
    )
    print(script)
    raise typer.Exit()


def _install_completion(value: str | None) -> None:
    """Add the completion script to the shell's startup file, and exit."""
    if value is None:
        return
    from typer._completion_shared import install as install_script

    shell, path = install_script(
        shell=_shell(value), prog_name="journal", complete_var=_COMPLETE_VAR
    )
    print(f"{shell} completion installed in {path}; it works in new shells")
    raise typer.Exit()


def _shell(value: str) -> str:
    if value == _AUTO:
        from typer._completion_shared import _get_shell_name

        detected = _get_shell_name()
        if detected not in SHELLS:
            raise UsageError(
                f"cannot tell which shell this is ({detected or 'unknown'})",
                "name it: journal --show-completion bash (or zsh, fish, powershell)",
            )
        return str(detected)
    if value not in SHELLS:
        raise UsageError(
            f"no completion for the shell {value!r}",
            "use one of: " + ", ".join(SHELLS),
        )
    return value


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="[SHELL]",
            callback=_show_completion,
            is_eager=True,
            help="Print the completion script for SHELL (default: this shell).",
        ),
    ] = None,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[SHELL]",
            callback=_install_completion,
            is_eager=True,
            help="Install completion for SHELL (default: this shell).",
        ),
    ] = None,
) -> None:
    """Keep an incident and work-session journal in your git repository."""


# The command modules, in the order their commands are registered.
_MODULES = (
    "journal.cli.commands.sessions",
    "journal.cli.commands.tabled",
    "journal.cli.commands.ingest",
    "journal.cli.commands.items",
    "journal.cli.commands.run",
    "journal.cli.commands.reports",
    "journal.cli.commands.git",
    "journal.cli.commands.site",
    "journal.cli.commands.port",
)


def _register() -> None:
    """Mount every command module's commands on the root app.

    Each module keeps its own `typer.Typer()` and never imports this one, so the
    registration runs one way: the app takes the commands.
    """
    from importlib import import_module

    modules = [import_module(name) for name in _MODULES]
    if app.registered_commands:
        return
    for module in modules:
        app.registered_commands.extend(module.commands.registered_commands)
        app.registered_groups.extend(module.commands.registered_groups)


def run(argv: list[str]) -> None:
    """Run the CLI on `argv`; print one line per error; exit with its code."""
    from journal.cli.table import split_debug

    debug, argv = split_debug(argv)
    argv = _with_default_shell(argv)
    if os.environ.get(_COMPLETE_VAR):
        # A shell asks for completions (its script set the variable): typer
        # registers the shells' protocols only for its own options, which these
        # replace.
        from typer._completion_classes import completion_init

        completion_init()
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
    """Print one line for `exc` and return the exit code it maps to: usage errors
    here, what a command raised as the fast paths do (`output.report`)."""
    if isinstance(exc, _NO_ARGS_IS_HELP):
        print(exc.format_message())  # type: ignore[attr-defined]  # bare `journal`: help
        return 0
    if isinstance(exc, typer.Abort):
        print("journal: aborted", file=sys.stderr)
        return 130
    if isinstance(exc, click_exc.UsageError):
        where = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx else ""
        error(f"{exc.format_message()}{where}")
        return 2
    if isinstance(exc, click_exc.ClickException):
        error(exc.format_message())
        return exc.exit_code
    return report(exc, debug=debug)
