"""Which names a report's prose repeats are the services it is about (Flux, KIAM,
`kafka-exporter`), and which are something else: a common word written with a
capital, a person, a team, a code identifier, a numbered part, the tail of a longer
name. `insight/facts.py` finds the candidates; this module keeps, for each, how the
report uses it, and names the services at the end.

Each rule reads only the report itself — how a word is written and what stands next
to it — never a list of known products, so it holds for reports of any team.
Standard library only.
"""

from __future__ import annotations

import re
from collections import Counter

NAME_RE = re.compile(
    r"(?<![\w/.@-])(`[A-Za-z][\w.-]{1,40}`|[A-Z][a-z]+[A-Z]\w*|[A-Z]{3,}[a-z]?\d*|"
    r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|[A-Z][a-z]{2,})(?![\w/@-]|\.\w)"
)
"""A candidate: a backticked identifier, CamelCase, ALLCAPS, a `dash-or_snake`
identifier or a capitalised word (not a file's or a domain's first part)."""
REPEATS = 3
"""Mentions a name needs: one mention is a passing word."""

GENERIC_WORDS = """
    the this that these those there then than when what which while where who why how
    after before during since until once also and but for from into onto with without
    over under about above below between within across some many most more much other
    our we they their them its his her you your all any each every both either neither
    not now here only just very yes was were are is be been being has have had will
    would could should may might must can cannot did does done due per via out off
    january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    summary timeline impact root cause resolution recovery action actions items item
    lessons learned contributing factors detection trigger attendees stats category
    time date event events issue issues incident incidents postmortem post mortem
    team teams customer customers user users people engineer engineers support
    note notes update updated upgrade change changes fix fixed fixes rollback
    error errors failure failures problem problems outage downtime alert alerts
    utc cet cest pst pdt est edt gmt am pm tbd todo wip yes no none n/a ok
    api apis arn arns qps rps tps iops cve cves oid oids pat pats acl acls iac
    sla slas slo slos sli slis ttl url urls uri uris uuid uuids json yaml csv
    http https tcp udp ssh tls ssl vpn cpu cpus ram gpu gpus cli ui ux oom pid
    pids rca mttr mttd mtta eta nft nfts
    service services pod pods node nodes daemonset daemonsets deployment
    deployments statefulset statefulsets replicaset replicasets configmap
    configmaps namespace namespaces cronjob cronjobs
    """
GENERIC = frozenset(GENERIC_WORDS.split())
"""Words no report means as a system of its own: common English, a report's
sections, and the trade's terms for kinds of things (an API, an ACL, a pod, a
Kubernetes object's kind), in any case."""

_LOWER_RE = re.compile(r"\b[a-z][a-z]+\b")
_PLAIN_RE = re.compile(r"[A-Z][a-z]+")
_CAMEL_RE = re.compile(r"[A-Z][a-z]+[A-Z]\w*")
_COMPOUND_RE = re.compile(
    r"[a-z]+(?:-[a-z]+)*-(?:[a-z]+(?:ed|ing)|[a-z]*(?:over|up|out|off|in|on|of|level|"
    r"life)|of-[a-z]+)|(?:de|re|pre|non|self|end|well|right|up)-[a-z]+"
)
# A bold label (`**Root cause:**`, `__Status__:`) names a field, not a system.
_LABEL_RE = re.compile(r"(\*\*|__)[^*_\n]{1,80}?(?::\s*\1|\1\s*:)")
# A code span holding a space, a bracket or an operator is an expression
# (`get(order_id, amount)`); only a lone identifier in backticks is a name.
_EXPRESSION_RE = re.compile(r"`[^`\n]*[\s()\[\]=,;:][^`\n]*`")
# "Bank of Example", "Head of Platform": the words of a longer proper name.
_OF_NAME_RE = re.compile(r"\b[A-Z][\w-]*\s+[Oo]f\s+[A-Z][\w-]*")
# A person does what software does not: notices, decides, asks, says.
_PERSON_AFTER = re.compile(
    r"\s+(?:noticed|reali[sz]ed|discovered|decided|thought|asked|said|mentioned|"
    r"explained|joined|escalated|reviewed|replied|wrote|looked|agreed|suggested)\b"
)
# "incident manager (Dana", "Dana, the on-call engineer": a person by a role.
_ROLES = r"(?:manager|lead|director|commander|owner|engineer|developer|cto|ceo|vp)"
_ROLE_BEFORE = re.compile(r"\b" + _ROLES + r"\s*\(?\s*$", re.IGNORECASE)
_ROLE_AFTER = re.compile(
    r"\s*[(,]\s*(?:the\s+|our\s+)?(?:[\w-]+\s+)?" + _ROLES + r"\b", re.IGNORECASE
)
# "the SRE team", "Platform engineers": a group of people, not a system.
_TEAM_AFTER = re.compile(
    r"(?:['’]s?)?\s+(?:teams?|members?|engineers?|employees?|staff|personnel|folks)\b"
)
# "the Invoice model", "the `isReady` function": an identifier of the code.
_CODE_AFTER = re.compile(
    r"`?\s+(?:model|class|function|method|field|attribute|variable|constant|enum|"
    r"struct)s?\b"
)
# "Stage 2B", "Sprint 4": a numbered part of a plan (a version has a dot: 1.14).
_NUMBER_AFTER = re.compile(r"\s+\d+[A-Za-z]?(?![\w.])")
# "Example Systems Inc.": a company's legal name.
_COMPANY_AFTER = re.compile(
    r"(?:\s+[A-Z][\w-]*){0,2}\s+(?:Inc|Ltd|LLC|GmbH|Corp|Corporation|plc)\b"
)
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w-]*)")
# "- Category: Storage": a one-name value after a short label is a name's place,
# not a sentence's start.
_LABEL_BEFORE = re.compile(r"\s*(?:[-*+]\s+)?\**[A-Za-z][\w /-]{0,30}\**:\s*\**\s*")
_CAPITAL_BEFORE = re.compile(r"([A-Z][\w-]*)\s+$")


class Names:
    """The candidate names of one report, with how its prose uses each."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.seen: Counter[str] = Counter()
        self.placed: Counter[str] = Counter()
        self.nexts: dict[str, Counter[str]] = {}
        self.shown: dict[str, str] = {}
        self.where: dict[str, str | None] = {}
        self.lower: Counter[str] = Counter()
        self.others: set[str] = set()
        self.teamed: Counter[str] = Counter()
        self.numbered: Counter[str] = Counter()
        self.tails: Counter[str] = Counter()

    def prose(self, line: str) -> str:
        """The line with what cannot hold a name blanked (labels, code expressions,
        "X of Y" names); its lower-case words are counted."""
        self.lower.update(_LOWER_RE.findall(line))
        for pattern in (_LABEL_RE, _EXPRESSION_RE, _OF_NAME_RE):
            if pattern is not _OF_NAME_RE or " of " in line or " Of " in line:
                line = pattern.sub(lambda m: " " * len(m[0]), line)
        return line

    def heading(self, text: str) -> None:
        """Counts the names of a heading other than its first word, for names the
        prose also gives (a heading's words are capitalised whatever they are:
        alone they say nothing)."""
        for match in NAME_RE.finditer(self.prose(text)):
            if not _sentence_start(text, match.start()):
                self.placed[match[1].strip("`").lower()] += 1

    def mention(self, match: re.Match[str], line: str, where: str | None) -> None:
        """Counts one candidate found by `NAME_RE` in a `prose` line. A capital
        that starts a sentence says nothing, so such a mention is not counted, but
        what stands next to it still tells what the name is."""
        name = match[1].strip("`")
        key = name.lower()
        after = line[match.end() :]
        self.seen[key] += 1
        person = _PLAIN_RE.fullmatch(name) and (
            _PERSON_AFTER.match(after)
            or _ROLE_AFTER.match(after)
            or _ROLE_BEFORE.search(line, 0, match.start())
        )
        if person or _CODE_AFTER.match(after) or _COMPANY_AFTER.match(after):
            self.others.add(key)  # a person, a code identifier, a company
        self.teamed[key] += _TEAM_AFTER.match(after) is not None
        self.numbered[key] += _NUMBER_AFTER.match(after) is not None
        # A capital starting a sentence says nothing (a backticked name is marked).
        if match[1][:1].isupper() and _sentence_start(line, match.start()):
            if _LABEL_BEFORE.fullmatch(line, 0, match.start()) and not after.strip():
                self.placed[key] += 1  # a label's one-name value: as a heading's word
            return
        self.count[key] += 1
        self.shown.setdefault(key, name)
        self.where.setdefault(key, where)
        before = _CAPITAL_BEFORE.search(line, 0, match.start())
        self.tails[key] += before is not None and before[1].lower() not in GENERIC
        following = _NEXT_WORD.match(after)
        nexts = self.nexts.setdefault(key, Counter())
        nexts[following[1] if following else ""] += 1

    def services(self) -> list[tuple[str, str | None]]:
        """The names repeated `REPEATS` times that pass every rule, most mentioned
        first, each with where it was first seen."""
        found = []
        for key, prose in self.count.most_common():
            count = prose + self.placed[key]
            if count < REPEATS - (_CAMEL_RE.fullmatch(self.shown[key]) is not None):
                continue
            if self._is_service(key):
                found.append((self._whole(key), self.where[key]))
        return found

    def _is_service(self, key: str) -> bool:
        name, prose, seen = self.shown[key], self.count[key], self.seen[key]
        plain = _PLAIN_RE.fullmatch(name) is not None
        if plain and self.lower[key] >= prose:
            return False  # a common word: the report writes it in lower case as much
        if plain and self.tails[key] == prose:
            return False  # always after another name: "Acme Cloud", "Foo Suite"
        if key in self.others:
            return False
        if 3 * self.teamed[key] >= seen:
            return False  # "the SRE team" in a third of its mentions: a team
        if 2 * self.numbered[key] > seen:
            return False  # "Stage 2B", "Sprint 4"
        return not _COMPOUND_RE.fullmatch(key)  # an English compound (self-hosted)

    def _whole(self, key: str) -> str:
        """The name as the report writes it: with the word that follows it every
        time, when that word is a name too (capitalised in half its mentions or
        more: "Acme Pay", "Acme pay"; not "Acme account")."""
        nexts = self.nexts[key]
        if len({w.lower() for w in nexts}) == 1:
            capital = [w for w in nexts if w[:1].isupper()]
            capitals = sum(nexts[w] for w in capital)
            enough = 2 * capitals >= sum(nexts.values())
            if capital and enough and capital[0].lower() not in GENERIC:
                return f"{self.shown[key]} {capital[0]}"
        return self.shown[key]


def _sentence_start(line: str, at: int) -> bool:
    before = line[:at].rstrip(" *_\"'(“‘")
    return not before or before[-1] in ".:!?-|#>[" or before.endswith("**")
