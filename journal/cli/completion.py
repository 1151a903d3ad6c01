"""Shell completion: `--show-completion [SHELL]` prints the script for a shell,
`--install-completion [SHELL]` adds it to that shell's startup file; without SHELL,
the shell this runs in.

typer's own options take no SHELL once shell detection is available, so
`journal --show-completion bash` would print the script of whatever shell ran it
(`sh` under `xargs`, a CI runner's shell): these take the shell as named.
"""

from __future__ import annotations

import typer

from journal.errors import UsageError

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
AUTO = "auto"
"""The value of the option given without a shell: detect it."""
_PROG = "journal"
_COMPLETE_VAR = "_JOURNAL_COMPLETE"


def with_default_shell(argv: list[str]) -> list[str]:
    """`argv` with `auto` after a completion option given without a shell (click has
    no option whose value may be left out)."""
    out = []
    for index, arg in enumerate(argv):
        out.append(arg)
        if arg in ("--show-completion", "--install-completion"):
            following = argv[index + 1] if index + 1 < len(argv) else "-"
            if following.startswith("-"):
                out.append(AUTO)
    return out


def serve_completions() -> None:
    """Register the shells' completion protocols when a shell asks for completions
    (`_JOURNAL_COMPLETE` set by the scripts); typer does this only for its own
    options, which journal replaces."""
    import os

    if os.environ.get(_COMPLETE_VAR):
        from typer._completion_classes import completion_init

        completion_init()


def show(value: str | None) -> None:
    """Print the completion script of the shell named (or detected), and exit."""
    if value is None:
        return
    from typer._completion_shared import get_completion_script

    script = get_completion_script(
        prog_name=_PROG, complete_var=_COMPLETE_VAR, shell=_shell(value)
    )
    print(script)
    raise typer.Exit()


def install(value: str | None) -> None:
    """Add the completion script to the shell's startup file, and exit."""
    if value is None:
        return
    from typer._completion_shared import install as install_script

    shell, path = install_script(
        shell=_shell(value), prog_name=_PROG, complete_var=_COMPLETE_VAR
    )
    print(f"{shell} completion installed in {path}; it works in new shells")
    raise typer.Exit()


def _shell(value: str) -> str:
    if value == AUTO:
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
            f"no completion for the shell {value!r}", "use one of: " + ", ".join(SHELLS)
        )
    return value
