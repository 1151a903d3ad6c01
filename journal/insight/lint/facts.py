"""What the rules look at, read once per session: the document, the timeline lines
with their numbers, and journal-wide facts (ids, numbers, known commits); the rules
`journal check` knows (id, severity, what each finds) and the findings."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from journal.errors import JournalError
from journal.store.ids import number_of
from journal.store.layout import SESSION_FILE, TIMELINE_FILE
from journal.store.sessions import Journal

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from journal.model.session import Event, Session
    from journal.store.timeline import RawLine

_HEX = re.compile(r"^[0-9a-fA-F]{4,64}$")


@dataclass
class SessionFiles:
    """A session and its two files' paths, as the findings name them."""

    journal: Journal
    session_id: str
    session_file: str = field(init=False)
    timeline_file: str = field(init=False)

    def __post_init__(self) -> None:
        folder = f"{self.journal.config.sessions_dir}/{self.session_id}"
        self.session_file = f"{folder}/{SESSION_FILE}"
        self.timeline_file = f"{folder}/{TIMELINE_FILE}"


@dataclass
class SessionFacts(SessionFiles):
    """One session as the rules see it; parts are read on first use."""

    @cached_property
    def loaded(self) -> tuple[Session | None, JournalError | None]:
        try:
            return self.journal.load(self.session_id), None
        except JournalError as exc:
            return None, exc

    @property
    def session(self) -> Session | None:
        return self.loaded[0]

    @cached_property
    def read(self) -> tuple[list[RawLine], JournalError | None]:
        """The timeline's lines, or why the file cannot be read (a folder or a
        named pipe in its place, no read permission)."""
        from journal.store.timeline import read_lines

        try:
            return read_lines(self.journal.timeline_path(self.session_id)), None
        except JournalError as exc:
            return [], exc

    @property
    def lines(self) -> list[RawLine]:
        return self.read[0]

    @cached_property
    def plain_events(self) -> list[tuple[int, Event]] | None:
        """(line, event) for each line, when every line of the timeline is a valid
        event as `format_event` writes it (read in one pass, no line can be torn);
        None when the timeline needs reading line by line."""
        from journal.model.session import events_of_lines
        from journal.store.timeline import plain_bodies

        bodies = plain_bodies(self.journal.timeline_path(self.session_id))
        events = None if bodies is None else events_of_lines(bodies)
        return None if events is None else list(enumerate(events, 1))

    @cached_property
    def torn_lines(self) -> list[int]:
        """The lines cut short by a crash that cannot be read as events."""
        if self.plain_events is not None:
            return []
        return [raw.line for raw in self.lines if raw.torn and raw.data is None]

    @cached_property
    def checked_events(self) -> tuple[list[tuple[int, Event]], list[tuple[int, str]]]:
        """(line, event) for each valid event, and (line, problem) for the others."""
        from journal.model import session as model

        if self.plain_events is not None:
            return self.plain_events, []
        good: list[tuple[int, Event]] = []
        bad: list[tuple[int, str]] = []
        for raw in self.lines:
            if raw.data is None:
                # Torn lines and merge markers have rules of their own.
                if not raw.torn and "merge conflict marker" not in (raw.problem or ""):
                    bad.append((raw.line, f"event {raw.problem}"))
                continue
            try:
                good.append((raw.line, model.to_event(raw.data)))
            except model.ModelError as exc:
                bad.append((raw.line, f"event {exc.message}"))
        return good, bad

    @property
    def events(self) -> list[tuple[int, Event]]:
        return self.checked_events[0]

    @cached_property
    def sorted_events(self) -> list[Event]:
        return sorted((e for _, e in self.events), key=lambda e: e.at)

    def first_line_of(self, kind: str) -> int | None:
        """The line of the earliest event of `kind`."""
        found = [(e.at, line) for line, e in self.events if e.kind == kind]
        return min(found, key=lambda pair: pair[0].timestamp())[1] if found else None

    def line_at(self, kind: str, at: datetime) -> int | None:
        """The line of the first event of `kind` at the moment `at`."""
        return next(
            (line for line, e in self.events if e.kind == kind and e.at == at), None
        )

    @cached_property
    def _doc(self) -> Any:
        from journal.store.yamlio import load_roundtrip, read_text

        try:
            text = read_text(self.journal.session_path(self.session_id))
            return load_roundtrip(text, where=self.session_file)
        except JournalError:
            return None

    def line_of(self, *path: str | int) -> int | None:
        """The line in `session.yaml` of a field, e.g. ('next_steps', 0, 'due')."""
        from journal.store.yamlio import position_of

        if self._doc is None:
            return None
        position = position_of(self._doc, list(path))
        return position[0] if position else None


@dataclass
class JournalFacts:
    """Facts about the whole journal that cross-session rules need."""

    journal: Journal
    today: date
    checked: list[SessionFacts] = field(default_factory=list)
    raw_numbers: dict[str, int | None] = field(default_factory=dict)
    """Numbers already read (by `number_of`) of unchanged sessions."""

    @cached_property
    def ids(self) -> set[str]:
        return set(self.journal.session_ids())

    @cached_property
    def numbers(self) -> dict[int, list[str]]:
        """Display number → the sessions that use it (read without a full load)."""
        found: dict[int, list[str]] = {}
        for session_id in sorted(self.ids):
            if session_id in self.raw_numbers:
                number = self.raw_numbers[session_id]
            else:
                number = number_of(self.journal.sessions_dir / session_id)
            if number is not None:
                found.setdefault(number, []).append(session_id)
        return found

    @cached_property
    def sessions(self) -> dict[str, Session]:
        """Every session that loads (the rules report the others)."""
        found = {
            session_id: self._session(session_id) for session_id in sorted(self.ids)
        }
        return {sid: session for sid, session in found.items() if session is not None}

    @cached_property
    def _checked_by_id(self) -> dict[str, Any]:
        return {facts.session_id: facts for facts in self.checked}

    def _session(self, session_id: str) -> Session | None:
        """A session as it was checked, else read from its file; None when it
        does not load."""
        if (facts := self._checked_by_id.get(session_id)) is not None:
            session: Session | None = facts.session
            return session
        try:
            return self.journal.load(session_id)
        except JournalError:
            return None

    def previous_of(self, session_id: str) -> str | None:
        """The `previous` of a session (read from its file if it was not checked)."""
        session = self._session(session_id)
        return session.previous if session is not None else None

    @cached_property
    def step_counts(self) -> dict[str, int]:
        return {sid: len(s.next_steps) for sid, s in self.sessions.items()}

    def step_ref(self, text: str) -> str | None:
        """The canonical `SESSION:N` a `carried_from` names, or None."""
        from journal.insight.followups import resolve_ref

        return resolve_ref(self.journal, text, counts=self.step_counts)

    @cached_property
    def carried(self) -> set[str]:
        """`SESSION:N` of every step that some session carried forward."""
        return {
            self.step_ref(step.carried_from) or step.carried_from
            for session in self.sessions.values()
            for step in session.next_steps
            if step.carried_from
        }

    @cached_property
    def known_commits(self) -> dict[str, bool] | None:
        """Whether each commit SHA named in the checked timelines exists in the
        repository; None when there is no repository to ask."""
        shas = {
            event.sha
            for facts in self.checked
            for _, event in facts.events
            if event.kind == "commit" and event.sha and not event.lost
        }
        return _commits_exist(self.journal.root, sorted(shas))


def _commits_exist(root: Path, shas: Sequence[str]) -> dict[str, bool] | None:
    """sha → whether it names a commit here, from one `git cat-file` for all; None
    when `root` is not in a git repository or git cannot be run (the check is then
    skipped, not failed)."""
    from journal.gitlink.shell import run_git
    from journal.store.locate import git_dir

    if git_dir(root) is None:
        return None
    queried = [sha for sha in shas if _HEX.match(sha)]
    result = {sha: False for sha in shas if not _HEX.match(sha)}
    if not queried:
        return result
    request = "".join(f"{sha}^{{commit}}\n" for sha in queried).encode()
    try:
        # Through the seam: inside a hook (or under a stray GIT_DIR) a git started
        # here must still find the journal's own repository.
        out = run_git(["cat-file", "--batch-check"], cwd=root, input=request)
    except JournalError:
        return None
    answers = out.splitlines()
    if len(answers) != len(queried):
        return None
    for sha, answer in zip(queried, answers, strict=True):
        # "<sha> commit <size>" when found; "… missing" or "… ambiguous" otherwise.
        result[sha] = not answer.endswith(" missing")
    return result


Severity = Literal["error", "warning"]


class Issue(NamedTuple):
    """What a rule reports; the runner adds the rule id, severity and session."""

    message: str
    hint: str | None = None
    line: int | None = None
    file: str | None = None
    """Relative to the journal root; default: the session's `session.yaml`."""


class Finding(NamedTuple):
    """One problem found: which rule, how bad, where, and how to fix it."""

    rule: str
    severity: Severity
    file: str
    line: int | None
    message: str
    hint: str | None = None
    session: str | None = None
    fixed: bool = False
    """`--fix` repaired it; it no longer counts."""

    def as_dict(self) -> dict[str, object]:
        return self._asdict()


RuleCheck = Callable[[SessionFacts, JournalFacts], Iterable[Issue]]


class Rule(NamedTuple):
    id: str
    severity: Severity
    summary: str
    check: RuleCheck


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, summary: str
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule; the order of registration is the order of the report."""

    def register(check: RuleCheck) -> RuleCheck:
        RULES[rule_id] = Rule(rule_id, severity, summary, check)
        return check

    return register
