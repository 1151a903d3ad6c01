"""The commands that run without typer (`log`, `list`, `todo`, `show`, `render`),
each option declared once: the fast parser here reads argv from these declarations,
and `cli/commands/tabled.py` makes the typer commands (help, usage errors) from the
same ones.

The parser accepts only what click would read the same way (`--name value`,
`--name=value`, `-n value`, `-nvalue`, flags, `--` then words) and returns None for
anything else (`--help`, an unknown option, a missing value, a missing argument):
the typer command then runs and says what it means. Standard library only.
"""

from __future__ import annotations

from journal.record import Record

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up
if TYPE_CHECKING:
    from typing import Any

# What a parameter holds: TEXT a string, PATH a path, FLAG True when given, SWITCH
# True/False from its on and off names (None when neither is given).
TEXT, PATH, FLAG, SWITCH = "text", "path", "flag", "switch"


class Param(Record):
    """One option (`names` given) or argument (no `names`) of a command."""

    dest: str = ""
    names: tuple[str, ...] = ()
    off: tuple[str, ...] = ()  # a SWITCH's names that set it False
    kind: str = TEXT
    many: bool = False  # an option given again adds a value; an argument takes all
    required: bool = False
    default: Any = None
    help: str = ""
    show_default: bool = True


class Command(Record):
    name: str = ""
    help: str = ""
    params: tuple[Param, ...] = ()


JSON = Param(
    dest="as_json",
    names=("--json",),
    kind=FLAG,
    default=False,
    help="Print machine-readable JSON.",
)
ASCII = Param(
    dest="ascii",
    names=("--ascii",),
    off=("--emoji",),
    kind=SWITCH,
    help="Words instead of status emoji (default: `ascii` in journal.yaml).",
    show_default=False,
)
REF = Param(dest="ref", help="Session id, prefix or number (default: active).")

COMMANDS: dict[str, Command] = {
    "log": Command(
        name="log",
        help="Add an event to the session's timeline (appends one line; never "
        "rewrites).",
        params=(
            Param(
                dest="text",
                many=True,
                required=True,
                help="What happened (words are joined); - reads standard input.",
            ),
            Param(
                dest="kind",
                names=("--kind", "-k"),
                default="note",
                help="Event kind, e.g. detected.",
            ),
            Param(
                dest="at", names=("--at", "-a"), help="When: HH:MM, -5m, or ISO 8601."
            ),
            Param(
                dest="star",
                names=("--star", "-s"),
                kind=FLAG,
                default=False,
                help="Mark as a key moment.",
            ),
            Param(
                dest="attach",
                names=("--attach",),
                many=True,
                help="Copy a file into evidence/; - takes standard input.",
            ),
            Param(dest="by", names=("--by",), help="Who did it."),
            Param(
                dest="no_redact",
                names=("--no-redact",),
                kind=FLAG,
                default=False,
                help="Keep secrets (tokens, keys, passwords in URLs) as given; by "
                "default they are replaced by [REDACTED:kind] before anything is "
                "written.",
            ),
            Param(
                dest="session",
                names=("--session", "-S"),
                help="Session id, unique prefix or number (default: active).",
            ),
            JSON,
        ),
    ),
    "list": Command(
        name="list",
        help="List sessions, newest first.",
        params=(
            Param(
                dest="status",
                names=("--status",),
                many=True,
                help="Only these statuses.",
            ),
            Param(
                dest="tag",
                names=("--tag",),
                many=True,
                help="Only sessions with this tag.",
            ),
            JSON,
        ),
    ),
    "todo": Command(
        name="todo",
        help="Open follow-ups (next steps) of every session, oldest first, with age.",
        params=(
            Param(dest="owner", names=("--owner",), help="Only this owner's."),
            Param(
                dest="overdue",
                names=("--overdue",),
                kind=FLAG,
                default=False,
                help="Only those past their due date.",
            ),
            JSON,
        ),
    ),
    "show": Command(
        name="show",
        help="The report of a session, formatted for the terminal.",
        params=(
            REF,
            ASCII,
            Param(
                dest="pager",
                names=("--pager",),
                off=("--no-pager",),
                kind=SWITCH,
                help="Page long reports (default: when the terminal is too short).",
                show_default=False,
            ),
        ),
    ),
    "render": Command(
        name="render",
        help="The Markdown report of a session; --all writes every session's report.",
        params=(
            REF,
            Param(
                dest="all_",
                names=("--all",),
                kind=FLAG,
                default=False,
                help="Every session, into the reports folder.",
            ),
            Param(
                dest="output",
                names=("--output", "-o"),
                kind=PATH,
                help="Write here instead of stdout; - is stdout; a link is written "
                "through; never the journal's own files (with --all: the reports "
                "folder).",
            ),
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
        if param.required and not values[param.dest]:
            return False
    return not words
