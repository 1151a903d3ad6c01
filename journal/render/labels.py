"""The words a report prints for its parts, and a session's own wording for them.

`Session.labels` maps a key of `DEFAULT_LABELS` to the words a team uses instead
(`{next_steps: Action Items}`); the report templates ask `label(key)` for either. An
empty default is a label printed only when a session has one (a sub-heading the
default report does not have). Standard library only: the importer reads these too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DEFAULT_LABELS: Mapping[str, str] = {
    # header.md.j2: the title's number (`Session 8:`) and the metadata list.
    "header.number": "Session",
    "header.date": "Date",
    "header.time": "Time",
    "header.status": "Status",
    "header.severity": "Severity",
    "header.people": "People",
    "header.methodology": "Methodology",
    "header.tags": "Tags",
    "header.previous": "Previous",
    "header.next": "Next",
    "summary": "Executive summary",
    "detection": "How it was found",
    "detection.summary": "",
    "timeline": "Timeline",
    "timeline.time": "Time",
    "timeline.kind": "Kind",
    "timeline.text": "Event",
    "root_cause": "Root cause",
    "root_cause.summary": "",
    "root_cause.location": "Location",
    "root_cause.lines": "",
    "root_cause.trigger": "Trigger",
    "root_cause.evidence": "Evidence",
    "options": "Options considered",
    "options.title": "Option",
    "options.pros": "Pros",
    "options.cons": "Cons",
    "options.decision": "Decision",
    "fix": "The fix",
    "fix.summary": "",
    "fix.rationale": "Why this fix",
    "commits": "Commits",
    "impact": "Impact",
    "impact.summary": "",
    "impact.symptoms": "Symptoms",
    "impact.affected": "Affected",
    "impact.restored": "Restored",
    "impact.numbers": "Measure",
    "components": "Status board",
    "components.name": "Component",
    "components.state": "State",
    "components.note": "Note",
    "facts": "Facts",
    "facts.services": "Services",
    "facts.errors": "Errors",
    "facts.hosts": "Hosts and clusters",
    "facts.files": "Files",
    "facts.refs": "Commits and references",
    "validation": "Validation plan",
    "success_criteria": "Success criteria",
    "next_steps": "Next steps",
    "next_steps.immediate": "Immediate",
    "next_steps.short": "Short-term",
    "next_steps.long": "Long-term",
    "next_steps.text": "",
    "next_steps.owner": "owner",
    "next_steps.due": "due",
    "lessons": "Lessons learned",
    "lessons.went-well": "Went well",
    "lessons.went-wrong": "Went wrong",
    "lessons.lucky": "Lucky",
    "lessons.prevention": "Prevention",
    "related": "Related sessions",
    "metrics": "Metrics",
}
"""Every label key with the words the default templates print for it.

`root_cause.lines` is the word a team writes before a location's line range: with
`lines`, `a.py:3-5` shows as `` `a.py` (lines 3-5) ``. `next_steps.text` heads each
step's text (a follow-up table's `Action` column). `*.summary` are sub-headings over
a part's text."""

_WORD = re.compile(r"\w+")


def wording(text: str) -> str:
    """The words of a label, case-folded: what tells two labels apart."""
    return " ".join(_WORD.findall(text.casefold()))


def label_for(labels: Mapping[str, str], key: str, default: str | None = None) -> str:
    """A session's label for `key`, else the default; KeyError for an unknown key
    without a default, so a typo in a template fails loudly."""
    if key in labels:
        return labels[key]
    if default is not None:
        return default
    return DEFAULT_LABELS[key]
