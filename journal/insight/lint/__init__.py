"""`journal check`: the rules every session is held to, and running them.

Each rule has an id, a severity and a hint; `check_disable` in journal.yaml turns
rules off. `check(..., fix=True)` repairs what can be repaired safely — timeline lines
a crash cut short, display numbers two sessions share — before the rules run, and
reports it as fixed.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator, Sequence
from datetime import date

from journal.insight.lint.facts import RULES, Finding, Rule
from journal.store.sessions import Journal

__all__ = ["RULES", "Finding", "Rule", "check", "rules"]


def rules() -> dict[str, Rule]:
    """Every rule, by id, in report order."""
    from journal.insight.lint import checks  # noqa: F401 - registration

    return RULES


def check(
    journal: Journal,
    ids: Sequence[str] = (),
    *,
    fix: bool = False,
    today: date | None = None,
) -> list[Finding]:
    """Findings for the sessions `ids` (references as users type them; default: all)."""
    from journal.insight.lint.facts import JournalFacts, SessionFacts
    from journal.insight.lint.incremental import check_sessions

    known = rules()
    disabled = set(journal.config.check_disable)
    session_ids = [journal.resolve(ref) for ref in ids] or journal.session_ids()
    session_ids = list(dict.fromkeys(session_ids))
    findings = _config_findings(disabled, known)
    if fix and "timeline-torn" not in disabled:
        # The lines the timeline-torn rule would name (an unreadable file has none).
        torn = [sid for sid in session_ids if SessionFacts(journal, sid).torn_lines]
        findings += [_repair(journal, sid) for sid in torn]
    if fix and "number-duplicate" not in disabled:
        from journal.insight.lint.checks import renumber_duplicates

        findings += renumber_duplicates(journal)
    context = JournalFacts(journal, today or journal.now().date(), [])
    active = [r for r in known.values() if r.id not in disabled]
    with _few_collections():
        findings += check_sessions(journal, session_ids, active, context)
    order = {rule_id: n for n, rule_id in enumerate(known)}
    return sorted(
        findings,
        key=lambda f: (f.session or "", f.file, f.line or 0, order.get(f.rule, -1)),
    )


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """The check holds every session's document and events at once (the rules look
    across sessions): at CPython's default threshold the garbage collector rescans
    them over and over, a fifth of the time of `journal check` on 1,000 sessions.
    Collections still happen, 70 times less often."""
    before = gc.get_threshold()
    if before[0]:  # 0: automatic collection is off, and stays off
        gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _config_findings(disabled: set[str], known: dict[str, Rule]) -> list[Finding]:
    from journal.store.locate import CONFIG_NAME

    return [
        Finding(
            rule="check-disable",
            severity="warning",
            file=CONFIG_NAME,
            line=None,
            message=f"check_disable names an unknown rule {name!r}",
            hint="known rules: " + ", ".join(known),
        )
        for name in sorted(disabled - set(known))
    ]


def _repair(journal: Journal, session_id: str) -> Finding:
    from journal.store.timeline import repair

    path = journal.timeline_path(session_id)
    with journal.lock(session_id):
        done = repair(path)
    parts = []
    if done.set_aside:
        parts.append(
            f"the torn {_lines(done.set_aside)} could not be read back; "
            f"moved to {path.name}.torn"
        )
    if done.recovered:
        parts.append(f"the torn {_lines(done.recovered)} repaired; its event is kept")
    return Finding(
        rule="timeline-torn",
        severity="error",
        file=f"{journal.config.sessions_dir}/{session_id}/{path.name}",
        line=None,
        message="; ".join(parts),
        hint=f"review {path.name}.torn" if done.set_aside else None,
        session=session_id,
        fixed=True,
    )


def _lines(numbers: tuple[int, ...]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]} was"
    return "lines " + ", ".join(map(str, numbers)) + " were"
