"""The commands that run without typer (`log`, `list`, `todo`, `stats`, `show`,
`render`), each option declared once: the fast parser here reads argv from these
declarations, and `cli/commands/tabled.py` makes the typer commands (help, usage
errors) from the same ones.

The parser accepts only what click would read the same way (`--name value`,
`--name=value`, `-n value`, `-nvalue`, flags, `--` then words) and returns None for
anything else (`--help`, an unknown option, a missing value, a word too many):
the typer command then runs and says what it means. Standard library only.
"""

from __future__ import annotations

from journal.record import Record

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# What a parameter holds: TEXT a string, PATH a path, FLAG True when given, SWITCH
# True/False from its on and off names (None when neither is given), INT a whole
# number (typer commands only: the fast parser reads none).
TEXT, PATH, FLAG, SWITCH, INT = "text", "path", "flag", "switch", "int"


class Param(Record):
    """One option (`names` given) or argument (no `names`) of a command."""

    dest: str = ""
    names: tuple[str, ...] = ()
    off: tuple[str, ...] = ()  # a SWITCH's names that set it False
    kind: str = TEXT
    many: bool = False  # an option given again adds a value; an argument takes all
    default: Any = None
    help: str = ""
    show_default: bool = True
    required: bool = False  # typer commands only: the fast parser's have defaults
    min: int | None = None  # an INT's least value


class Command(Record):
    name: str = ""
    help: str = ""
    params: tuple[Param, ...] = ()


def option(names: str, help: str, *, dest: str = "", **more: Any) -> Param:
    """An option: `names` its on names, space-separated, then `/` and its off names
    for a SWITCH (`"--pager / --no-pager"`); `dest` by default the first name's
    words joined by `_`, as click names it (`--dry-run`: `dry_run`)."""
    on, _, off = names.partition("/")
    if more.get("kind") == FLAG:
        more.setdefault("default", False)
    dest = dest or on.split()[0].lstrip("-").replace("-", "_")
    return Param(
        dest=dest, names=tuple(on.split()), off=tuple(off.split()), help=help, **more
    )


JSON = option("--json", "Print machine-readable JSON.", dest="as_json", kind=FLAG)
ASCII = option(
    "--ascii / --emoji",
    "Words instead of status emoji (default: `ascii` in journal.yaml).",
    kind=SWITCH,
    show_default=False,
)
REF = Param(dest="ref", help="Session id, prefix or number (default: active).")
REDACT = "Keep secrets (tokens, keys, passwords in URLs) as given; by default they "
REDACT += "are replaced by [REDACTED:kind] before anything is written."
NO_REDACT = option("--no-redact", REDACT, kind=FLAG)
SESSION = option(
    "--session -S", "Session id, unique prefix or number (default: active)."
)
OUTPUT = "Write here instead of stdout; - is stdout; a link is written through; "
OUTPUT += "never the journal's own files (with --all: the reports folder)."
PAGER = "Page long reports (default: when the terminal is too short)."

COMMANDS: dict[str, Command] = {
    "log": Command(
        name="log",
        help="Add an event to the session's timeline (appends one line; never "
        "rewrites).",
        params=(
            # Not required: no words is the handler's "the event text is empty".
            Param(
                dest="text",
                many=True,
                help="What happened (words are joined); - reads standard input.",
            ),
            option("--kind -k", "Event kind, e.g. detected.", default="note"),
            option("--at -a", "When: HH:MM, -5m, or ISO 8601."),
            option("--star -s", "Mark as a key moment.", kind=FLAG),
            option(
                "--attach",
                "Copy a file into evidence/; - takes standard input.",
                many=True,
            ),
            option("--by", "Who did it."),
            NO_REDACT,
            SESSION,
            JSON,
        ),
    ),
    "list": Command(
        name="list",
        help="List sessions, newest first.",
        params=(
            option("--status", "Only these statuses.", many=True),
            option("--tag", "Only sessions with this tag.", many=True),
            JSON,
        ),
    ),
    "todo": Command(
        name="todo",
        help="Open follow-ups (next steps) of every session, oldest first, with age.",
        params=(
            option("--owner", "Only this owner's."),
            option("--overdue", "Only those past their due date.", kind=FLAG),
            JSON,
        ),
    ),
    "stats": Command(
        name="stats",
        help="Per-session time to detect, acknowledge, mitigate and resolve, with "
        "medians and percentiles; figures whose events are missing are left out, "
        "never guessed. --json names what each figure is measured from "
        "(`time_to_mitigate_from`).",
        params=(
            option(
                "--since", "Sessions started since: 2025-11-01, or 30d back from now."
            ),
            option("--tag -t", "Any of these tags.", many=True),
            option("--severity", "Any of these severities.", many=True),
            JSON,
        ),
    ),
    "show": Command(
        name="show",
        help="The report of a session, formatted for the terminal.",
        params=(
            REF,
            ASCII,
            option("--pager / --no-pager", PAGER, kind=SWITCH, show_default=False),
        ),
    ),
    "render": Command(
        name="render",
        help="The Markdown report of a session; --all writes every session's report.",
        params=(
            REF,
            option(
                "--all",
                "Every session, into the reports folder.",
                dest="all_",
                kind=FLAG,
            ),
            option("--output -o", OUTPUT, kind=PATH),
            ASCII,
            JSON,
        ),
    ),
}


def split_debug(argv: list[str]) -> tuple[bool, list[str]]:
    """`--debug` (any command, before a `--`) and the arguments without it; after
    `--` it is a word like any other (`journal log -- --debug` logs it)."""
    end = argv.index("--") if "--" in argv else len(argv)
    kept = [arg for arg in argv[:end] if arg != "--debug"]
    return len(kept) < end, kept + argv[end:]


def parse(command: Command, argv: list[str]) -> dict[str, Any] | None:
    """The values of `command`'s parameters in `argv`, by `dest`, as the typer
    command would receive them; None when click might read `argv` otherwise."""
    values: dict[str, Any] = {
        p.dest: [] if p.many else p.default for p in command.params
    }
    options: dict[str, tuple[Param, bool]] = {}
    for param in command.params:
        options.update({name: (param, True) for name in param.names})
        options.update({name: (param, False) for name in param.off})
    words: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            words.extend(items)
        elif arg[:1] != "-" or arg == "-":
            words.append(arg)
        else:
            found = _option(arg, options, items)
            if found is None:
                return None
            param, value = found
            if param.many:
                values[param.dest].append(value)
            else:
                values[param.dest] = value
    return values if _place(command, words, values) else None


def _option(
    arg: str, options: dict[str, tuple[Param, bool]], rest: Any
) -> tuple[Param, Any] | None:
    """The parameter `arg` names and its value (the next argument if it takes
    one); None for a name click would refuse or read otherwise."""
    if arg[:2] == "--":
        name, has_value, inline = arg.partition("=")
    else:  # `-kVALUE`: click takes the rest of the word as the value
        name, inline = arg[:2], arg[2:]
        has_value = "=" if inline else ""
    param, on = options.get(name, (None, True))
    if param is None:
        return None
    if param.kind in (FLAG, SWITCH):
        return None if has_value else (param, on)
    value = inline if has_value else next(rest, None)
    if value is None:
        return None
    if param.kind == PATH:
        from pathlib import Path

        return param, Path(value)
    return param, value


def _place(command: Command, words: list[str], values: dict[str, Any]) -> bool:
    """Give the words to the arguments; False when click would refuse them."""
    for param in command.params:
        if param.names:
            continue
        if param.many:
            values[param.dest], words = words, []
        elif words:
            values[param.dest] = words.pop(0)
    return not words
