"""`journal step done` and `step carry`: completing a follow-up where it now lives, and
carrying an open step forward into a later session with its history."""

from __future__ import annotations

from journal.errors import ConflictError, UsageError
from journal.insight import followups
from journal.operations.session_edits import add_item, update_item
from journal.store.sessions import Journal


def complete(
    journal: Journal, text: str, *, session: str | None = None, undo: bool = False
) -> tuple[str, str]:
    """Mark a step done (or open again) where it now lives, if it was carried
    forward; returns (the ref named, the ref changed)."""
    named = followups.locate(journal, text, session=session)
    target = followups.live_copy(journal, named)
    session_id, number = followups.split_ref(target)
    update_item(journal, session_id, "next_steps", number, {"done": not undo})
    return named, target


def carry(
    journal: Journal, text: str, *, to: str | None, session: str | None = None
) -> tuple[str, str]:
    """Copy an open step into a later session, remembering where it came from;
    returns (the source ref, the new ref)."""
    source = followups.locate(journal, text, session=session)
    source_id, number = followups.split_ref(source)
    target_id = journal.resolve(to)
    if target_id == source_id:
        raise UsageError(
            f"the step is already in {target_id}",
            "name a later session with --to (default: the active one)",
        )
    if target_id < source_id:
        raise UsageError(
            f"{target_id} is older than {source_id}",
            "steps are carried forward, to a later session",
        )
    step = journal.load(source_id).next_steps[number - 1]
    if step.done:
        raise UsageError(f"step {source} is done; nothing to carry")
    already = followups.carried_to(
        {i.ref: i for i in followups.gather(journal).items}, source
    )
    if already is not None:
        raise ConflictError(
            f"step {source} was already carried to {already}",
            f"carry that copy instead: journal step carry {already} --to …",
        )
    changed = add_item(
        journal,
        target_id,
        "next_steps",
        {
            "text": step.text,
            "horizon": step.horizon,
            "owner": step.owner,
            "due": step.due.isoformat() if step.due else None,
            "done": False,
            "tracked_in": step.tracked_in,
            "carried_from": source,
        },
    )
    assert changed.number is not None
    return source, followups.step_ref(target_id, changed.number)
