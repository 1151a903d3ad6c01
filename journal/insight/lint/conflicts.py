"""The rule on unfinished merges: conflict markers in session files, named by field."""

from __future__ import annotations

from collections.abc import Iterator

from journal.errors import JournalError
from journal.insight.lint.facts import JournalFacts, SessionFacts
from journal.insight.lint.registry import Issue, rule


@rule("merge-conflict", "error", "no session file holds an unfinished merge")
def merge_conflict(facts: SessionFacts, _: JournalFacts) -> Iterator[Issue]:
    from journal.gitlink.mergedriver import conflicting_fields
    from journal.store.yamlio import conflict_lines, read_text

    root = facts.journal.root
    session_id = facts.session_id
    for relative in (facts.session_file, facts.timeline_file):
        path = root / relative
        try:
            text = read_text(path)
        except (OSError, JournalError):  # unreadable: other rules report it
            continue
        opened = conflict_lines(text)
        if not opened:
            continue
        if relative == facts.timeline_file:
            yield Issue(
                f"timeline.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}` (keeps both sides' events)",
                opened[0],
                relative,
            )
            continue
        fields = conflicting_fields(root, path, text)
        if not fields:
            yield Issue(
                f"session.yaml has {len(opened)} conflict-marked part(s)",
                f"run `journal resolve {session_id}`, or edit the file",
                opened[0],
                relative,
            )
            continue
        for name in fields:
            yield Issue(
                f"{name}: changed on both sides",
                f"journal resolve {session_id} --ours {name}  (or --theirs {name})",
                _line_of(text, name, opened[0]),
                relative,
            )


def _line_of(text: str, field: str, fallback: int) -> int:
    marker = f"<<<<<<< ours {field}"
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == marker:
            return number
    return fallback
