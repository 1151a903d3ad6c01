"""The words reports use for their parts: section headings, field labels, horizons."""

from __future__ import annotations

import re
from typing import NamedTuple

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_PAREN = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.):]?|[a-z][.)]|step\s+\d+[.:]?|#\d+)\s+")
_NON_WORD = re.compile(r"[^\w]+|_+")


def normalize(text: str) -> str:
    """Lowercase words of a label: no Markdown, numbering, parentheses or emoji."""
    plain = _LINK.sub(r"\1", text).replace("`", "")
    plain = _PAREN.sub(" ", plain).replace("/", " ").casefold()
    plain = " ".join(_NON_WORD.sub(" ", plain).split())
    return _NUMBERING.sub("", plain).strip()


def _table(**kinds: str) -> dict[str, str]:
    return {
        alias: kind for kind, aliases in kinds.items() for alias in aliases.split("|")
    }


SINGLETONS = frozenset({"summary", "detection", "root_cause", "fix", "impact"})
"""Kinds that fill one field; a second section of the kind is kept verbatim."""

SECTION_KINDS = _table(
    summary="summary|executive summary|tl dr|tldr|overview|abstract|synopsis"
    "|incident summary|session summary",
    detection="detection|how it was found|how it was detected|how we found out"
    "|problem discovery|discovery|how was it detected|detection method",
    timeline="timeline|discovery timeline|incident timeline|timeline of events"
    "|sequence of events|chronology|event log|events|work log|session log"
    "|activity log|progress log|execution log|session timeline|work timeline",
    root_cause="root cause|root causes|root cause analysis|rca|contributing factors"
    "|cause|causes|the problem|cause analysis",
    options="options|options considered|alternatives|alternatives considered"
    "|considered options|approaches considered|possible solutions|solution options",
    fix="fix|the fix|solution|solution applied|resolution|remediation|fix applied"
    "|the solution|changes made|fix details",
    impact="impact|impact assessment|customer impact|user impact|business impact"
    "|blast radius|impact analysis",
    validation="validation|validation plan|verification|verification plan"
    "|verification steps|validation steps|how to verify|test plan|testing plan",
    success_criteria="success criteria|acceptance criteria|definition of done"
    "|checklist|exit criteria",
    next_steps="next steps|action items|follow ups|followups|follow up items"
    "|follow up actions|todo|to do|todos|future work|remaining work"
    "|corrective actions|preventive actions|action plan|follow up",
    lessons="lessons learned|lessons|key learnings|learnings|takeaways"
    "|key takeaways|what we learned|what went well poorly"
    "|what went well and what went poorly|what went well and what didn t",
    went_well="what went well|went well|what went right|things that went well",
    went_wrong="what went wrong|what went poorly|went poorly|what went badly"
    "|what didn t go well|what did not go well|things that went wrong"
    "|what could be improved|went wrong",
    lucky="where we got lucky|what was lucky|lucky|got lucky",
    components="current status|current production status|status board"
    "|component status|production status|system status|status of components",
)

LESSON_KINDS = {"went_well": "went-well", "went_wrong": "went-wrong", "lucky": "lucky"}


def part_key(kind: str) -> str:
    """The label key of a section kind: `next_steps`, or `lessons.went-well`."""
    return f"lessons.{LESSON_KINDS[kind]}" if kind in LESSON_KINDS else kind


SLOTS: dict[str, dict[str, str]] = {
    "root_cause": _table(
        location="file|files|location|code location|where",
        trigger="trigger|triggered by|what triggered it",
        evidence="evidence|evidence from code|why this failed|why it failed|result"
        "|findings|proof|contributing factors|contributing factor",
    ),
    "fix": _table(
        rationale="reasoning|rationale|why|why this fix|why this works"
        "|why this is the right fix|why this approach|why this solution",
        caption="change made|changes made|code change|diff|patch|change",
    ),
    "impact": _table(
        symptoms="symptoms|what was broken|what broke|what happened",
        affected="affected|affected components|affected services|affected users"
        "|affected systems|who was affected|scope",
        restored="restored|what now works|what works now|recovery|after the fix",
    ),
}

HORIZONS = _table(
    immediate="immediate|immediately|now|today|p0|urgent|asap|this session"
    "|immediate actions|right now",
    short="short term|soon|this week|next week|p1|near term|next session"
    "|short term actions",
    long="long term|later|future|p2|p3|backlog|someday|long term actions",
)

LESSON_FIELDS = _table(
    detail="issue|problem|what happened|detail|details|observation|context",
    prevention="prevention|how to prevent|action|mitigation|going forward"
    "|recommendation|to prevent",
)

METADATA_KEYS = _table(
    date="date|incident date|session date|day",
    time="time|duration|time window|window",
    started="started|start|start time|began|detected at",
    ended="ended|end|end time|resolved at|finished",
    status="status|state|current status",
    severity="severity|sev|priority level|impact level",
    methodology="methodology|method|approach",
    people="engineer|engineers|author|authors|lead|incident commander|responder"
    "|responders|owner|on call|participants|team|ic",
    tags="tags|labels|keywords",
    previous="previous|previous session|follows",
    number="session|incident|session number|incident number",
)


def classify_heading(text: str) -> str | None:
    """The section kind a heading names, or None."""
    key = normalize(text)
    kind = SECTION_KINDS.get(key)
    if kind is None and key.split()[:1] == ["timeline"]:
        # `Timeline (all times PST) 4/21/23-4/25/23. All times approximate`
        return "timeline"
    if kind is None and _STEP_GROUP.match(key):
        # `Immediate actions (completed)`, `Long-term improvements (Q1 2026)`
        return "next_steps"
    return kind


_STEP_GROUP = re.compile(
    r"^(?:immediate|short term|medium term|long term|planned|preventive|corrective"
    r"|follow up|remaining|open|pending)\s+(?:actions?|improvements?|fixes|tasks"
    r"|work|items|measures|steps)$"
)


class Label(NamedTuple):
    """A paragraph that starts with `**Label:**`."""

    name: str
    rest: str


_BOLD_LABEL = re.compile(
    r"^(\*\*|__)(?P<name>[^*_\n]{1,80}?)(?P<c1>:?)\1(?P<c2>:?)[ \t]*(?P<rest>.*)$",
    re.DOTALL,
)


def split_label(inline: str) -> Label | None:
    """`**Root cause:** text` → Label("Root cause", "text"); None without a colon."""
    match = _BOLD_LABEL.match(inline)
    if not match or not (match["c1"] or match["c2"]):
        return None
    return Label(match["name"].strip(), match["rest"].strip())
