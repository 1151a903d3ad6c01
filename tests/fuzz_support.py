"""The command fuzzer: argument vectors made from each command's declared parameters,
the property every run must hold, and the allow-list of known defects.

`declared_commands()` walks the typer app (`journal/cli/app.py`): every command and
sub-command with its arguments and options and their types. `vectors(seed, count)`
takes the commands in turn and gives one or two of their parameters a hostile value
(empty, blank, 100 kB, control characters, bytes that are not UTF-8, folders, links,
devices, names too long for the file system, paths inside `.git`, unknown ids, a
prefix of two ids, times at daylight-saving edges …); the others keep a sound value.
The same seed gives the same vectors. `problems()` is the property: exit 0, 1 or 2; no
internal error; no traceback; a failure says one line (`journal: error: …`, warnings
aside) and changes no file.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.fuzz_runner import Outcome
from tests.fuzz_sandbox import IDS

# Commands the fuzzer does not run, and why.
EXCLUDED = {("site", "serve"): "serves until stopped (a long-running server)"}

HUGE = "x" * 100_000
CONTROL = "\x1b[31mred\x1b[0m\x07\r\n\tbell"
NON_UTF8 = os.fsdecode(b"caf\xe9 \xff\xfe")  # what Python makes of such argv bytes
GENERIC = (
    "",
    "   ",
    HUGE,
    CONTROL,
    NON_UTF8,
    "n" * 300,
    "-",
    "\u202eevil",
    "<b>x</b>{{7*7}}",
)
IDS_POOL = (
    "2025-11",
    "2025-11-0",
    "8",
    "9",
    "999",
    "0",
    "-1",
    "2099-01-01-nothing",
    "../outside",
    ".git",
    "sessions",
    *IDS,
)
TIMES = (
    "2025-03-30T02:30",
    "2025-10-26T02:30",
    "2025-10-26T02:30+02:00",
    "-2h",
    "-1d",
    "02:30",
    "02:30 yesterday",
    "+5m",
    "now",
    "yesterday",
    "10000-01-01",
    "0001-01-01T00:30+01:00",
    "-99999999999d",
    "25:61",
    "2025-02-30",
    "1e9",
)
PATHS = (
    "{S}/outside/dir",
    "{S}/outside/emptydir",
    "{S}/outside/link-to-session",
    "{S}/outside/link-to-dir",
    "{S}/outside/dangling",
    "{S}/outside/loop",
    "{S}/outside/null",
    "{S}/outside/zero",
    "{S}/outside/fifo",
    "{S}/outside/report.md",
    "{S}/outside/binary.bin",
    "{S}/outside/latin1.md",
    "{S}/outside/new.md",
    "../outside/new.md",
    "{S}/outside/" + "d/" * 2100,
    "{S}/outside/" + "n" * 300,
    ".git",
    ".git/config",
    ".git/hooks/x",
    "sessions",
    f"sessions/{IDS[0]}/session.yaml",
    "journal.yaml",
    "-",
    ".",
)
INTS = ("0", "-1", "1", "2", "3", "99999999999999999999999", "1.5", "nan", "0x10", "٣")
FLOATS = ("nan", "inf", "-inf", "0", "-1", "1e309", "1e-300", "0.001", "abc")
FIELDS = (
    "summary",
    "started",
    "ended",
    "status",
    "severity",
    "number",
    "tags",
    "title",
    "options.0.why",
    "options.99.title",
    "root_cause.summary",
    "next_steps.1.due",
    "people",
    "__class__",
    "sections.0",
    "",
)
VALUES = ("null", "[1, 2]", "{a: 1}", "!!python/object/apply:os.system ['true']", "")
# Programs `exec` may run: harmless ones, or names that cannot be programs.
PROGRAMS: tuple[tuple[str, ...], ...] = (
    ("true",),
    ("false",),
    ("echo", "{V}"),
    ("{V}",),
)
# Devices and FIFOs block or never end when read: only a subprocess with limits and a
# timeout meets them.
SUBPROCESS_ONLY = ("{S}/outside/zero", "{S}/outside/fifo")

_TIME_NAMES = {"at", "since", "detected", "impact", "due"}
_ID_NAMES = {"session", "ref", "ids", "previous", "to", "step"}
_PATH_NAMES = {"attach", "cwd", "output", "into", "journal", "paths"}


@dataclass(frozen=True)
class Param:
    """One declared parameter of a command."""

    name: str
    opt: str | None  # the long option; None for an argument
    flag: bool
    type: str
    variadic: bool
    required: bool
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    params: tuple[Param, ...]


@dataclass(frozen=True)
class Vector:
    """One run: which journal, the argument vector (with `{S}` for the sandbox), and
    whether it must run as a real subprocess."""

    journal: str
    argv: tuple[str, ...]
    subprocess: bool

    def resolved(self, sandbox: str) -> list[str]:
        return [a.replace("{S}", sandbox) for a in self.argv]

    def shown(self) -> str:
        words = [
            a if len(a) <= 60 else f"{a[:20]!r}…({len(a):,} chars)" for a in self.argv
        ]
        mode = "subprocess" if self.subprocess else "in-process"
        return f"[{self.journal}, {mode}] journal " + " ".join(
            w if w and w.isprintable() and " " not in w else repr(w) for w in words
        )


def declared_commands() -> list[Command]:
    """Every command of the typer app with its declared parameters, sorted."""
    import typer

    from journal.cli.app import _register, app

    _register()
    found: list[Command] = []
    _walk(typer.main.get_command(app), (), found)
    return sorted((c for c in found if c.words not in EXCLUDED), key=lambda c: c.words)


def _walk(command: object, words: tuple[str, ...], found: list[Command]) -> None:
    children = getattr(command, "commands", None)
    if children:
        for name, child in sorted(children.items()):
            _walk(child, (*words, name), found)
        return
    params = []
    for p in getattr(command, "params", ()):
        if getattr(p, "hidden", False):
            continue
        longs = [o for o in p.opts if o.startswith("--")]
        params.append(
            Param(
                name=p.name,
                opt=(longs or p.opts)[0] if p.param_type_name == "option" else None,
                flag=bool(getattr(p, "is_flag", False)),
                type=p.type.name,
                variadic=p.nargs == -1 or bool(getattr(p, "multiple", False)),
                required=bool(p.required),
                choices=tuple(getattr(p.type, "choices", ()) or ()),
            )
        )
    found.append(Command(words, tuple(params)))


def pool(command: Command, param: Param) -> tuple[str, ...]:
    """The hostile values that fit `param` of `command` (its role first, then any)."""
    name = param.name
    if command.words == ("set",) and name == "path":
        own: tuple[str, ...] = FIELDS
    elif command.words == ("set",) and name == "value":
        own = VALUES + TIMES
    elif name in _TIME_NAMES:
        own = TIMES
    elif name in _ID_NAMES:
        own = IDS_POOL
    elif name in _PATH_NAMES or param.type == "path":
        own = PATHS
    elif param.type in ("integer", "integer range"):
        own = INTS
    elif param.type == "float":
        own = FLOATS
    elif param.choices:
        own = (*param.choices, "nope")
    else:
        own = ()
    return own + GENERIC


def _sound(command: Command, param: Param) -> str:
    """A value that works, for the parameters left alone."""
    if command.words == ("set",):
        return {"path": "summary", "value": "Workers failing"}.get(param.name, "x")
    if command.words == ("import",):
        return "{S}/outside/report.md"
    if param.type in ("integer", "integer range") or param.name == "step":
        return "1"
    return "Fuzz text"


def vectors(seed: int, count: int, *, subprocess_share: float = 0.1) -> list[Vector]:
    """`count` vectors, the commands taken in turn, reproducible from `seed`."""
    rng = random.Random(seed)
    commands = declared_commands()
    made = []
    for number in range(count):
        command = commands[number % len(commands)]
        made.append(_vector(rng, command, subprocess_share))
    return made


def _vector(rng: random.Random, command: Command, share: float) -> Vector:
    params = list(command.params)
    chosen = set(
        rng.sample(range(len(params)), k=min(len(params), rng.choice((1, 1, 2))))
    )
    options: list[str] = []
    arguments: list[str] = []
    for index, param in enumerate(params):
        fuzzed = index in chosen
        if param.flag:
            options += (
                [param.opt] if (fuzzed or rng.random() < 0.2) and param.opt else []
            )
            continue
        if not (fuzzed or param.required):
            continue
        values = [
            rng.choice(pool(command, param)) if fuzzed else _sound(command, param)
        ]
        if fuzzed and param.variadic and rng.random() < 0.3:
            values.append(rng.choice(pool(command, param)))
        if param.opt:
            for value in values:
                options += [param.opt, value]
        else:
            arguments += values
    if rng.random() < 0.05:
        options.append("--no-such-option")
    arguments = _program(rng, command, arguments)
    argv = (*command.words, *options, *_separated(rng, command, arguments))
    special = any(v in a for a in argv for v in SUBPROCESS_ONLY)
    return Vector(
        journal=rng.choice(("clean", "damaged")),
        argv=argv,
        subprocess=special or rng.random() < share,
    )


def _program(rng: random.Random, command: Command, arguments: list[str]) -> list[str]:
    if command.words != ("exec",):
        return arguments
    value = arguments[0] if arguments else rng.choice(GENERIC)
    return [w.replace("{V}", value) for w in rng.choice(PROGRAMS)]


def _separated(rng: random.Random, command: Command, arguments: list[str]) -> list[str]:
    # Without `--` a value starting with `-` reads as an option: both are worth a run.
    dashed = any(a.startswith("-") for a in arguments)
    if command.words == ("exec",) or (dashed and rng.random() < 0.7):
        return ["--", *arguments] if arguments or command.words == ("exec",) else []
    return arguments


def problems(vector: Vector, outcome: Outcome, changed: list[str]) -> list[str]:
    """What is wrong with a run, by the property; empty when it holds."""
    if _exit_is_the_answer(vector, outcome):
        return []
    found = []
    codes = (0, 1, 2, *_SHELL_CODES) if vector.argv[0] == "exec" else (0, 1, 2)
    if outcome.timed_out:
        found.append(f"no answer within {outcome.seconds:.0f} s")
    if outcome.code not in codes:
        found.append(f"exit code {outcome.code}")
    both = outcome.out + outcome.err
    if "Traceback (most recent call last)" in both:
        found.append("a traceback")
    if "internal error" in outcome.err or "this is a bug" in outcome.err:
        found.append("an internal error")
    if outcome.code != 0:
        lines = [
            line
            for line in outcome.err.splitlines()
            if line.strip() and not line.startswith("journal: warning: ")
        ]
        if len(lines) != 1 or not lines[0].startswith("journal: error: "):
            found.append(f"{len(lines)} error lines, not one `journal: error:` line")
        if changed:
            found.append("changed on failure: " + ", ".join(changed[:5]))
    return found


# `exec` answers a program it cannot start as a shell does: 126 or 127, one line.
_SHELL_CODES = (126, 127)


# Commands whose exit 1 is an answer printed on stdout, not an error: `check` (errors
# found, for CI) and `verify` (a validation step failed or timed out, recorded).
_ANSWER_ONE = ("check", "verify")


def _exit_is_the_answer(vector: Vector, outcome: Outcome) -> bool:
    """Runs whose non-zero exit is what the command answers, not a failure."""
    if vector.argv[0] == "exec" and _recorded(outcome):
        return True  # `exec` exits with the code of the command it ran and recorded
    if vector.argv[0] in _ANSWER_ONE and outcome.code == 1 and _answered(outcome):
        return True  # check found errors, a validation step failed: exit 1 answers
    # render --all wrote every report it could and named each it could not.
    return _batch_named_its_failures(vector, outcome)


def _batch_named_its_failures(vector: Vector, outcome: Outcome) -> bool:
    """`render --all` on a journal with broken sessions (item 16: one unreadable
    session never stops a command over all sessions) writes the other reports and
    exits 1 with one `journal: error:` line per session it could not render and a
    last line that counts them; `import` of several files likewise imports each it
    can and names each it cannot — the partial result is the point, not a change on
    failure."""
    if outcome.code != 1 or "internal error" in outcome.err:
        return False
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    said = ("journal: error: ", "journal: warning: ")
    if not lines or not all(line.startswith(said) for line in lines):
        return False
    if vector.argv[:2] == ("render", "--all"):
        return len(lines) >= 2 and " could not be rendered" in lines[-1]
    return vector.argv[0] == "import" and len(_sources(vector.argv[1:])) >= 2


def _sources(words: tuple[str, ...]) -> list[str]:
    """The positional arguments of an `import` vector (its one option with a value,
    `--into`, and that value left out)."""
    found, skip = [], False
    for word in words:
        if skip:
            skip = False
        elif word == "--into":
            skip = True
        elif not word.startswith("-"):
            found.append(word)
    return found


def _answered(outcome: Outcome) -> bool:
    said = [line for line in outcome.err.splitlines() if line.strip()]
    return bool(outcome.out.strip()) and not said


def _recorded(outcome: Outcome) -> bool:
    lines = outcome.err.splitlines()
    return bool(lines) and lines[-1].startswith("journal: recorded exit ")


@dataclass(frozen=True)
class Known:
    """A defect the issue lists, being fixed on another branch: its vectors fail until
    that branch is merged. The integrator empties KNOWN after merging (issue 26)."""

    item: int
    what: str
    matches: Callable[[Vector, Outcome, list[str]], bool]


# Keyed by the item of issue 26 whose fix was still on another branch. Every branch
# is merged now, so the list is empty: a vector that fails is a defect to fix, not to
# list. The mechanism stays for the next time fixes land apart.
KNOWN: tuple[Known, ...] = ()


def known_item(vector: Vector, outcome: Outcome, changed: list[str]) -> int | None:
    """The issue item a failing run belongs to, when it is on the allow-list."""
    for known in KNOWN:
        if known.matches(vector, outcome, changed):
            return known.item
    return None
