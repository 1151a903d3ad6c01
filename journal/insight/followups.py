"""Follow-ups: every next step of every session, addressed as `SESSION:N`.

A step carried forward to a later session keeps its history: the copy names the step it
came from (`carried_from`), the original stays where it was, and the follow-up is listed
once — as its newest copy, aged from the day it was first raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple, Protocol

from journal.errors import JournalError, UsageError
from journal.record import Record
from journal.store.sessions import Journal


class StepLike(Protocol):
    """What follow-ups read of a next step: `model.NextStep`, or the session
    index's `StepRow` (no model import on the `todo` path)."""

    @property
    def text(self) -> str: ...
    @property
    def horizon(self) -> str: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def due(self) -> date | None: ...
    @property
    def done(self) -> bool: ...
    @property
    def tracked_in(self) -> str | None: ...
    @property
    def carried_from(self) -> str | None: ...


class StepsOf(Protocol):
    """What follow-ups read of a session: a `Session`, or the index's `StepsRow`."""

    @property
    def number(self) -> int | None: ...
    @property
    def next_steps(self) -> Sequence[StepLike]: ...


_REF = re.compile(r"^(?:(?P<session>.+):)?(?P<number>\d+)$")
_REF_HINT = "give N (a step of the session) or SESSION:N, as `journal todo` lists them"


class Followup(Record):
    """One next step, where it lives, and where it stands. (A `Record`, not a frozen
    dataclass: `todo` at 10,000 sessions makes 30,000, and a frozen dataclass sets
    each field through `object.__setattr__` — three times slower.)"""

    ref: str
    session_id: str
    session_number: int | None
    number: int
    step: StepLike
    raised: date
    """When it was first raised: the date of the session at the start of its history."""
    history: tuple[str, ...]
    """Refs it was carried through, oldest first, ending with `ref`."""
    carried_to: str | None
    """The later copy of this step, if it was carried forward."""

    def age_days(self, today: date) -> int:
        return max((today - self.raised).days, 0)

    def overdue(self, today: date) -> bool:
        return self.is_open and self.step.due is not None and self.step.due < today

    @property
    def is_open(self) -> bool:
        """Not done and not carried elsewhere (the copy is the one that counts)."""
        return not self.step.done and self.carried_to is None


class Gathered(NamedTuple):
    """Every follow-up of the journal, and the sessions that could not be read."""

    items: list[Followup]
    skipped: list[tuple[str, str]]


def step_ref(session_id: str, number: int) -> str:
    return f"{session_id}:{number}"


def gather(journal: Journal) -> Gathered:
    """All next steps of all sessions (from the session index); sessions that do
    not load are skipped."""
    from journal.insight.index import session_records, steps_session

    loaded: list[tuple[str, StepsOf]] = []
    skipped: list[tuple[str, str]] = []
    for session_id, record in session_records(journal).items():
        if "error" in record:
            skipped.append((session_id, record["error"]))
        else:
            loaded.append((session_id, steps_session(record)))
    counts = {sid: len(session.next_steps) for sid, session in loaded}

    def canonical(text: str) -> str | None:
        return resolve_ref(journal, text, counts=counts)

    return Gathered(link_steps(loaded, canonical=canonical), skipped)


def link_steps(
    loaded: Iterable[tuple[str, StepsOf]],
    *,
    canonical: Callable[[str], str | None] = lambda text: text,
) -> list[Followup]:
    """Follow-ups with their carry history worked out from `carried_from`.

    `canonical` turns a `carried_from` as written (`8:2`) into `SESSION:N`; one
    that names no step stays as written, so its history still shows it.
    """
    loaded = list(loaded)
    parent = {
        step_ref(sid, n): canonical(step.carried_from) or step.carried_from
        for sid, session in loaded
        for n, step in enumerate(session.next_steps, start=1)
        if step.carried_from
    }
    child = {origin: ref for ref, origin in parent.items()}
    items = []
    for session_id, session in loaded:  # 30,000 steps at 10,000 sessions: kept lean
        own = _date_of(step_ref(session_id, 1)) or date.min
        for number, step in enumerate(session.next_steps, start=1):
            ref = step_ref(session_id, number)
            if ref in parent:
                history = _history(ref, parent)
                raised = _date_of(history[0]) or own
            else:  # most steps were never carried: the session's own date
                history, raised = (ref,), own
            items.append(
                Followup(
                    ref=ref,
                    session_id=session_id,
                    session_number=session.number,
                    number=number,
                    step=step,
                    raised=raised,
                    history=history,
                    carried_to=child.get(ref),
                )
            )
    return items


def open_followups(
    items: Iterable[Followup],
    *,
    today: date,
    owner: str | None = None,
    overdue: bool = False,
) -> list[Followup]:
    """Open follow-ups, oldest first; optionally one owner's, or only overdue ones."""
    wanted = owner.casefold() if owner else None
    chosen = [
        item
        for item in items
        if item.is_open
        and (wanted is None or (item.step.owner or "").casefold() == wanted)
        and (not overdue or item.overdue(today))
    ]
    return sorted(chosen, key=lambda i: (i.raised, i.session_id, i.number))


def parse_ref(text: str) -> tuple[str | None, int]:
    """`3` → (None, 3); `2025-11-04-slug:3`, `8:3` or `#8:3` → (session, 3)."""
    match = _REF.match(text.strip())
    if not match or int(match["number"]) < 1:
        raise UsageError(f"cannot read the step {text!r}", _REF_HINT)
    return match["session"], int(match["number"])


def resolve_ref(
    journal: Journal, text: str, *, counts: Mapping[str, int]
) -> str | None:
    """The canonical `SESSION:N` of a written ref (`8:2`, a prefix, the folder name),
    or None when it names no step; `counts` gives each session's number of steps."""
    try:
        named, number = parse_ref(text)
    except UsageError:
        return None
    if named is None:
        return None
    session_id = named
    if named not in counts:
        try:
            session_id = journal.resolve(named)
        except JournalError:
            return None
    return step_ref(session_id, number) if number <= counts.get(session_id, 0) else None


def locate(journal: Journal, text: str, *, session: str | None = None) -> str:
    """The canonical `SESSION:N` of a step the user names; it must exist."""
    named, number = parse_ref(text)
    if named is not None and session is not None:
        raise UsageError(
            f"{text!r} names its session; --session is not needed", _REF_HINT
        )
    session_id = journal.resolve(named if named is not None else session)
    count = len(journal.load(session_id).next_steps)
    if number > count:
        raise UsageError(
            f"there is no step {number} in {session_id} (it has {count})",
            "see them with `journal todo` or `journal show`",
        )
    return step_ref(session_id, number)


def live_copy(journal: Journal, ref: str) -> str:
    """The newest copy of a step that was carried forward (the step itself if not)."""
    by_ref = {item.ref: item for item in gather(journal).items}
    seen, current = {ref}, ref
    while (later := carried_to(by_ref, current)) is not None and later not in seen:
        seen.add(later)
        current = later
    return current


def carried_to(by_ref: Mapping[str, Followup], ref: str) -> str | None:
    item = by_ref.get(ref)
    return item.carried_to if item else None


def _history(ref: str, parent: dict[str, str]) -> tuple[str, ...]:
    chain = [ref]
    current = parent.get(ref)
    while current and current not in chain:
        chain.append(current)
        current = parent.get(current)
    return tuple(reversed(chain))


def _date_of(ref: str) -> date | None:
    try:
        return date.fromisoformat(ref[:10])
    except ValueError:
        return None


def split_ref(ref: str) -> tuple[str, int]:
    session_id, _, number = ref.rpartition(":")
    return session_id, int(number)
