"""The session and event types, their validation, and the JSON Schema they imply.

Pure data: no I/O. Statuses, severities and event kinds are configurable, so they are
strings here and checked against the configuration by `check_vocabulary`.

Unlike the rest of the package, annotations here are evaluated as the classes are
made (no `from __future__ import annotations`): msgspec reads them when it first
decodes a type, and a string annotation costs it a `compile` and an `eval` each
(about a hundred fields): the first session a process reads took 3.2-4.1 ms with
them, 1.7-1.9 ms without.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

import msgspec
from msgspec import Meta, Struct

from journal.errors import InvalidDataError
from journal.model import fieldpaths

_T = TypeVar("_T")
SCHEMA_VERSION = 1
HEADER_SECTIONS = ("Front matter", "Details")
"""The sections an import keeps a report's header in: its front matter, and the
`**Key:** value` lines no field of the session prints."""

Text = Annotated[str, Meta(max_length=200_000)]
Line = Annotated[str, Meta(min_length=1, max_length=2_000)]
Aware = Annotated[datetime, Meta(tz=True)]
Decision = Literal["chosen", "rejected", "deferred"]
Horizon = Literal["immediate", "short", "long"]
LessonKind = Literal["went-well", "went-wrong", "lucky"]
DateSource = Literal[
    "front matter", "header", "title", "file name", "timeline", "git history", "undated"
]
_ID_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}-[a-z0-9][a-z0-9-]*$"
PreviousRef = Annotated[
    str,
    Meta(
        pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]*/)?" + _ID_PATTERN[1:],
        description="A session folder name, or `<journal>/<folder>` for a session "
        "of another journal on the same site.",
    ),
]


class _Base(
    Struct, forbid_unknown_fields=True, frozen=True, kw_only=True, omit_defaults=True
):
    pass


class Snippet(_Base, frozen=True):
    """A block of code or output, shown fenced with its language."""

    code: Text
    lang: str = "text"
    caption: str | None = None


class Person(_Base, frozen=True):
    name: Line
    role: str | None = None


class Detection(_Base, frozen=True):
    """How the problem was found."""

    summary: Text | None = None
    snippets: list[Snippet] = []


class RootCause(_Base, frozen=True):
    summary: Text | None = None
    location: str | None = None
    """Where in the code, e.g. backend/app/models/organization.py:115-120."""
    trigger: Text | None = None
    evidence: list[Text] = []
    snippets: list[Snippet] = []


class Option(_Base, frozen=True):
    """One option weighed; at most one is chosen."""

    title: Line
    pros: list[Text] = []
    cons: list[Text] = []
    decision: Decision | None = None
    why: Text | None = None


class Fix(_Base, frozen=True):
    summary: Text | None = None
    rationale: list[Text] = []
    snippets: list[Snippet] = []


class Impact(_Base, frozen=True):
    summary: Text | None = None
    symptoms: list[Text] = []
    affected: list[Text] = []
    restored: list[Text] = []
    numbers: dict[str, float | int | str] = {}


class Component(_Base, frozen=True):
    """A line of the status board: where one affected part stands."""

    name: Line
    state: str
    note: Text | None = None


Fact = Annotated[str, Meta(min_length=1, max_length=300)]


class Facts(_Base, frozen=True):
    """What the session is about, as `related` and "seen before" compare it:
    filled by `journal import` from the report, editable with `journal set`."""

    services: list[Fact] = []
    """Services and components named (`KIAM`, `kafka-exporter`)."""
    errors: list[Fact] = []
    """Error lines: exception types with their message, `ERROR` log lines, HTTP
    statuses (with the route when given), Kubernetes reasons, exit codes."""
    hosts: list[Fact] = []
    """Hosts and clusters (`ip-10-0-32-54.eu-west-1.compute.internal`, `cluster
    Hellman`)."""
    files: list[Fact] = []
    """Source files, with the line when given (`feature-flags/src/main.rs:119`)."""
    refs: list[Fact] = []
    """Commits and PR/issue references (`commit 9b3a733a99f0`, `owner/repo#17370`)."""
    sources: dict[str, Fact] = {}
    """Where each fact was found in the imported report (`line 12 (Summary)`)."""


class ValidationStep(_Base, frozen=True):
    """A step of the validation plan; `journal verify` runs its command."""

    title: Line
    command: Text | None = None
    cwd: str | None = None
    timeout_s: Annotated[float, Meta(gt=0)] | None = None
    expect: Text | None = None


class Criterion(_Base, frozen=True):
    text: Line
    done: bool = False
    group: str | None = None
    validation: str | None = None
    """Title of the validation step whose success ticks this criterion."""


class NextStep(_Base, frozen=True):
    """A follow-up. It stays open across sessions until done."""

    text: Text
    horizon: Horizon = "short"
    owner: str | None = None
    due: date | None = None
    done: bool = False
    tracked_in: str | None = None
    """Issue URL where the follow-up is tracked."""
    carried_from: str | None = None
    """`<session id>:<N>`: the step this one continues (set by `journal step carry`)."""


class Lesson(_Base, frozen=True):
    title: Line
    kind: LessonKind | None = None
    detail: Text | None = None
    prevention: Text | None = None


class Section(_Base, frozen=True):
    """Free-form Markdown kept verbatim, in order."""

    title: Line
    body: Text = ""


class Session(_Base, frozen=True):
    """Everything about a session but its timeline (`session.yaml`)."""

    title: Line
    schema: int = SCHEMA_VERSION
    number: Annotated[int, Meta(ge=0)] | None = None
    status: str = "open"
    severity: str | None = None
    started: Aware | None = None
    ended: Aware | None = None
    date_source: Annotated[
        DateSource | None,
        Meta(
            description="Where an imported report's date came from; `undated` when "
            "the report gives none (its folder is then dated 0001-01-01)."
        ),
    ] = None
    imported_from: Annotated[
        Line | None,
        Meta(
            description="The file name of the report this session was imported from "
            "(`journal import`); other reports citing it by that name are related."
        ),
    ] = None
    tags: list[Annotated[str, Meta(min_length=1, max_length=100)]] = []
    people: list[Person] = []
    previous: PreviousRef | None = None
    methodology: Text | None = None
    summary: Text | None = None
    detection: Detection | None = None
    root_cause: RootCause | None = None
    options: list[Option] = []
    fix: Fix | None = None
    impact: Impact | None = None
    timeline_note: Text | None = None
    """What the report says of its timeline as a whole (`All times in UTC.`)."""
    components: list[Component] = []
    facts: Facts | None = None
    validation: list[ValidationStep] = []
    success_criteria: list[Criterion] = []
    next_steps: list[NextStep] = []
    lessons: list[Lesson] = []
    sections: list[Section] = []
    labels: Annotated[
        dict[str, Line],
        Meta(
            description="Headings to use for this session's parts instead of the "
            "defaults, e.g. {next_steps: Action Items}."
        ),
    ] = {}
    """Import keeps a report's own wording here. Keys are the part names the report
    templates use (`summary`, `root_cause`, `next_steps`…) and, for the labels inside
    a part, `part.name` (`next_steps.immediate`, `lessons.went-well`, `fix.rationale`,
    `header.date`…): see `journal.render.labels.DEFAULT_LABELS` for every key and
    its default."""


class Event(_Base, frozen=True):
    """One line of `timeline.yaml`."""

    at: Aware
    kind: str
    text: Text = ""
    star: bool = False
    by: str | None = None
    sha: str | None = None
    evidence: list[str] = []
    command: Text | None = None
    exit_code: int | None = None
    duration_s: float | None = None
    output: Text | None = None
    lost: bool = False
    """A linked commit that no longer exists anywhere (rebased away)."""
    rewritten_from: str | None = None
    original: Annotated[str, Meta(max_length=200)] | None = None
    """The time as the source report wrote it, e.g. '22:00 PST', when it differs
    from the time the report shows (set by `journal import`)."""
    source: str | None = None
    """Where an ingested event came from: `slack`, `textlog`, `alertmanager`…"""
    id: Annotated[str, Meta(max_length=500)] | None = None
    """The source's own id of the message or alert, e.g. `slack:C1:1700000000.000100`;
    `journal ingest` and `journal receive` skip an id the timeline already holds."""
    link: str | None = None
    """The message's or alert's web address, where the source gives one."""
    reply_to: str | None = None
    """The `id` of the message this one answers (a thread reply)."""


# The path in msgspec's error message, and its steps: patterns of the error path
# alone, compiled (by `re`, once) when an error first comes, not at import.
_PATH_RE = r"(?:\s*-\s*at\s*)?`\$((?:\.[A-Za-z_]\w*|\[\d+\])*)`"
_STEP_RE = r"\.([A-Za-z_]\w*)|\[(\d+)\]"


def to_session(data: Any) -> Session:
    """Validate parsed `session.yaml` data; errors carry a `path` for locating."""
    return _convert(data, Session)


def to_event(data: Any) -> Event:
    return _convert(data, Event)


def events_of_lines(bodies: list[bytes]) -> list[Event] | None:
    """The events of timeline lines that are each one JSON object (`format_event`'s
    lines without their `- `), decoded straight into `Event`s; None when any line is
    not plain JSON or not a valid event: the caller then reads them the general way,
    which names the line and its problem. What this returns is what `to_event` of
    `json.loads` of each line returns."""
    decode = _EVENT_DECODER.decode
    try:
        return [decode(body) for body in bodies]
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


_EVENT_DECODER = msgspec.json.Decoder(Event, strict=False)


def to_builtins(value: Struct) -> dict[str, Any]:
    """Plain data in the stored shape: times as ISO strings, defaults omitted."""
    result: dict[str, Any] = msgspec.to_builtins(value)
    return result


def json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = msgspec.json.schema(Session)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "journal session.yaml"
    return schema


class ModelError(InvalidDataError):
    """Data that does not fit the schema; `path` says where inside the document."""

    def __init__(self, message: str, hint: str | None, path: list[str | int]):
        super().__init__(message, hint)
        self.path = path


def _convert(data: Any, kind: type[_T]) -> _T:
    """`data` as a `kind`, or the ModelError naming the path to what is wrong."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
    match = re.search(_PATH_RE, text)
    steps = re.findall(_STEP_RE, match[1]) if match else []
    path: list[str | int] = [int(index) if index else name for name, index in steps]
    message = re.sub(_PATH_RE, "", text).rstrip(" -")
    dotted = fieldpaths.dotted(path)
    unknown = re.search(r"unknown field `([^`]+)`", message)
    if unknown:
        key = unknown[1]
        known = fieldpaths.fields_at(kind, path)
        raise ModelError(
            f"unknown field {'.'.join([*filter(None, [dotted]), key])!r}",
            fieldpaths.suggest(key, known),
            [*path, key],
        )
    hint = None
    if any(
        w in message for w in ("must be a datetime", "Expected `datetime", "timezone")
    ):
        hint = 'write a quoted ISO time with offset: "2025-11-04T01:00:00+00:00"'
    for raw, plain in (("Expected `", "expected "), ("`, got `", ", got "), ("`", "")):
        message = message.replace(raw, plain)
    raise ModelError(f"{dotted or 'document'}: {message}", hint, path)


def check_vocabulary(
    session: Session, *, statuses: tuple[str, ...], severities: tuple[str, ...]
) -> None:
    """Status and severity must be among the configured ones."""
    for key, value, known, setting in (
        ("status", session.status, statuses, "statuses"),
        ("severity", session.severity, severities, "severities"),
    ):
        if value is not None and value not in known:
            raise ModelError(
                f"unknown {key} {value!r}",
                f"use one of: {', '.join(known)} (or add it to {setting} in "
                "journal.yaml)",
                [key],
            )
