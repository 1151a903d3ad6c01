"""The rules `journal check` knows: id, severity, what each finds, and the findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from journal.insight.lint.facts import JournalFacts, SessionFacts

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """What a rule reports; the runner adds the rule id, severity and session."""

    message: str
    hint: str | None = None
    line: int | None = None
    file: str | None = None
    """Relative to the journal root; default: the session's `session.yaml`."""


@dataclass(frozen=True)
class Finding:
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
        return asdict(self)


RuleCheck = Callable[["SessionFacts", "JournalFacts"], Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
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
