"""What a report or session is about, as structured facts: services and components,
error lines, hosts and clusters, source files, commits and PR/issue references, each
with where it was found (`line 12 (Root cause)`).

Only what the text says: a fact the text does not give is absent. Run on a report at
import (`operations/import_reports.py`, over the whole Markdown) and on a native
session's texts (`insight/features.py`), so `related` and "seen before" use them both.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from journal.insight import samefile
from journal.insight.servicenames import GENERIC, NAME_RE, Names
from journal.insight.signatures import clean_path

KINDS = ("services", "errors", "hosts", "files", "refs")
MAX_LENGTH = 200
"""Characters kept of a fact (the schema takes 300)."""
LIMITS = {"services": 12, "errors": 20, "hosts": 10, "files": 20, "refs": 20}

_URL_RE = re.compile(r"https?://[^\s)>\]`'\"]+")
_EXC_RE = re.compile(
    r"\b((?:[A-Za-z_]\w*\.)+[A-Z]\w*(?:Error|Exception|Fault|Warning)|"
    r"(?:[a-z_]\w*\.)*(?:errors|exceptions|exc)\.[A-Z]\w+|"
    r"[A-Z]\w*(?:Error|Exception))\b(?::[ \t]*([^\n]{0,160}))?"
)
_FRAME_RE = re.compile(r'File "([^"]+)", line (\d+)')
_TRACE_END_RE = re.compile(r"^\s*(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)\b:")
"""The last line of a trace, `pkg.mod.SomeError: message`: no program's statement."""
_SOURCE_LANG_WORDS = """
    python py python3 javascript js jsx typescript ts tsx go golang java kotlin kt
    scala rust rs ruby rb php c h cpp cc cxx c++ csharp cs swift elixir ex exs
    erlang clojure haskell lua perl dart r julia
    """
_SOURCE_LANGS = frozenset(_SOURCE_LANG_WORDS.split())
"""Fence languages of a program's source (not `text`, `console`, `bash`, `log`,
`json`: what a command printed, where an error is one seen)."""
_LOG_ERROR_RE = re.compile(
    r"(?:\bERROR\b[:\s]|\"level\":\s*\"ERROR\"|\bFATAL\b[:\s]|\bpanicked at\b)"
)
_K8S_WORDS = """
    CrashLoopBackOff OOMKilled ImagePullBackOff ErrImagePull CreateContainerConfigError
    CreateContainerError ContainerCannotRun DeadlineExceeded NodeNotReady NotReady
    Evicted FailedScheduling FailedMount BackOff
    """
_K8S_RE = re.compile(r"\b(" + "|".join(_K8S_WORDS.split()) + r")\b")
_HTTP_RE = re.compile(
    r"\b(?:(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(/[\w./{}:-]*)[^\n]{0,40}?\s([1-5]\d\d)\b"
    r"|(?:HTTP|status(?: code)?|returning|returned|return|with)\s+([45]\d\d)\b"
    r"|\b([45]\d\d)\s+(?:errors?|responses?|status|Bad Gateway|Gateway Timeout|"
    r"messages?|Service Unavailable|Not Found|Too Many Requests|"
    r"Internal Server Error))",
    re.IGNORECASE,
)
_EXIT_RE = re.compile(
    r"\bexit(?:ed)?(?: with)?(?: status| code)[ :=]*(-?\d{1,3})\b", re.IGNORECASE
)
_FILE_RE = re.compile(
    r"(?<![\w/.@-])(/?(?:[\w@.-]+/)*[\w@-][\w.@-]*\."
    r"(?:py|pyi|js|mjs|ts|tsx|jsx|go|rb|java|kt|rs|c|h|cc|cpp|cs|php|scala|swift|"
    r"sql|sh|tf|clvm|clsp|ya?ml|toml|conf|ini|lua|ex|exs|vue|svelte))"
    r"(?::(\d+)(?:[:-]\d+)?)?(?![\w/])"
)
_FILE_NAMES_RE = re.compile(r"\b(Dockerfile|Makefile|Jenkinsfile|Chart\.yaml)\b")
_SHA_RE = re.compile(
    # `commit 9b3a733`, `**Commits:** `9b3a733`, `a41c752``, `Commit: 9b3a733`
    r"\b(?:commits?|sha|revert(?:s|ed)?|cherry-picked)\b[\s:*`]*([0-9a-f]{7,40})\b"
    r"|(?<=`)([0-9a-f]{7,40})(?=`)",
    re.IGNORECASE,
)
_REF_URL_RE = re.compile(
    r"github\.com/([\w.-]+/[\w.-]+)/(pull|issues|commit)/([0-9a-f]+)\b"
)
_REF_RE = re.compile(
    r"\b(?:(PR|pull request|MR|merge request|issue|ticket)[\s:*]*#?\s*(\d{1,7})\b"
    r"|([\w.-]+/[\w.-]+)#(\d{1,7})\b)",
    re.IGNORECASE,
)
_FQDN_RE = re.compile(
    r"(?<![\w@./-])((?:[a-z0-9][a-z0-9-]*\.){2,}"
    r"(?:internal|local|lan|corp|intra|cluster\.local))\b"
)
_HOST_KEY_RE = re.compile(
    r"\b(?:host(?:name)?|node|server|instance)[=:]\s*([\w.-]{3,})"
)
_CLUSTER_RE = re.compile(
    r"\b([A-Z][\w-]{2,})(?: (?:Kubernetes|EKS|GKE|AKS|k8s))? cluster\b"
    r"|\bcluster (?:named |called )?`?([A-Z][\w-]{2,})`?(?=[\s.,;)])"
)
# What every match of a pattern holds, checked with `in` before the pattern runs.
_DIGIT_RE = re.compile(r"\d")
_FQDN_ENDS = (".internal", ".local", ".lan", ".corp", ".intra")
_HOST_KEYS = ("host", "node", "server", "instance")
_EXC_MARKS = ("Error", "Exception", "Fault", "Warning", "errors.", "exc")
_LOG_MARKS = ("ERROR", "FATAL", "panicked at")
_K8S_MARK_WORDS = (
    "BackOff OOMKilled ErrImagePull Container DeadlineExceeded NotReady Evicted Failed"
)
_K8S_MARKS = tuple(_K8S_MARK_WORDS.split())
_NOT_CLUSTERS_WORDS = (
    "the a an our this that their its new old same test kubernetes eks gke aks "
    "k8s production prod staging whole entire each every other main entire "
    "capacity state"
)
_NOT_CLUSTERS = frozenset(_NOT_CLUSTERS_WORDS.split())
_SERVICE_SECTIONS = re.compile(
    r"^\s*#{1,6}\s*(?:affected|impacted)\s+(?:services?|systems?|components?|"
    r"products?|apps?|applications?)\b|^\s*#{1,6}\s*(?:services?|components?|"
    r"systems?)\s+(?:affected|impacted)\b",
    re.IGNORECASE,
)
_PEOPLE_SECTIONS = re.compile(
    r"\b(?:at+endees|participants|people|responders|involved|on-call|authors?)\b",
    re.IGNORECASE,
)
_SERVICE_KEYS = re.compile(
    r"^\s*[-*]?\s*\**(?:affected |impacted )?(?:services?|components?|systems?|"
    r"products?)\**\s*:\s*\**\s*(.+)$",
    re.IGNORECASE,
)
_JSON_FIELD_RE = re.compile(r'"(message|msg|error|err)"\s*:\s*"((?:[^"\\]|\\.)*)"')
_PROSE_END = re.compile(
    r"\.\s|;\s|`|\s[—–-]\s|\s(?:and|but|which|while|so|then|until|after|when|"
    r"because|since)\s"
)
_HEADING_RE = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")


def report_facts(text: str) -> dict[str, Any]:
    """The facts of a Markdown report, each with the line and section it came from
    (`sources`): kinds in `KINDS`, empty kinds left out."""
    found = _Found()
    section = None
    in_fence = source = False
    service_block = people = False
    for number, line in enumerate(text.split("\n"), start=1):
        if fence := _FENCE_RE.match(line):
            in_fence = not in_fence
            info = line[fence.end() :].strip().split(maxsplit=1)
            source = in_fence and bool(info) and info[0].lower() in _SOURCE_LANGS
            continue
        where = f"line {number}" + (f" ({section})" if section else "")
        if source:  # a program, not what it printed: errors only as a trace ends
            found.line(line, where, source=True)
            continue
        if not in_fence and (heading := _HEADING_RE.match(line)):
            section = heading[1][:60]
            service_block = bool(_SERVICE_SECTIONS.match(line))
            people = bool(_PEOPLE_SECTIONS.search(heading[1]))
            found.line(heading[1], f"line {number} (heading)")
            found.names.heading(heading[1])
            continue
        found.line(line, where, prose=not in_fence)
        if not (in_fence or people):  # attendees are people, not services
            found.services_of(line, where, in_block=service_block)
    return found.result()


def text_facts(texts: Iterable[str]) -> dict[str, Any]:
    """The facts of a session's own texts (its timeline, detection, root cause):
    the same extraction, without line numbers."""
    found = _Found()
    for text in texts:
        for line in text.split("\n"):
            if line.strip():
                found.line(line, None)
    return found.result()


_STAMP_RE = re.compile(
    r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"
)
_LEAD_END_RE = re.compile(r"[.:;]\s+(?=\S)")
_LOGGER_RE = re.compile(r"[\w-]+(?:[._/][\w-]+)+|[a-z]+_[a-z_]+")


def _log_record(line: str, mark: int) -> str:
    """An error log line as the error it records: from after its timestamp, or
    without one from the end of the sentence before it ("we noticed an invalid
    amount in a block: 2021-05-09T23:02:01 full_node coin_store: ERROR Coin
    amount: -85" → "full_node coin_store: ERROR Coin amount: -85"), so two
    reports of one error agree whatever the time and the words around it."""
    before = line[:mark]
    stamps = list(_STAMP_RE.finditer(before))
    if stamps:
        return line[stamps[-1].end() :]
    ends = [m.end() for m in _LEAD_END_RE.finditer(line, 0, mark + 1)]
    if ends and ends[-1] == len(before):
        # `coin_store: ERROR`: a logger's name ends there, part of the record.
        word = before.rstrip(" :;.").rsplit(" ", 1)[-1]
        if _LOGGER_RE.fullmatch(word):
            ends.pop()
    return line[ends[-1] :] if ends else line


class _Found:
    gated = True
    """Patterns skipped on lines that cannot match them (off: every pattern runs)."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, str | None]] = {k: {} for k in KINDS}
        self.names = Names()

    def add(self, kind: str, value: str, where: str | None) -> None:
        # A leading dot is part of a name (`.github/…`, `.NET`); a trailing one ends
        # the sentence.
        value = " ".join(value.split()).strip(" ,;:").rstrip(".")[:MAX_LENGTH]
        found = self.items[kind]
        if value and value not in found and len(found) < LIMITS[kind]:
            found[value] = where

    def line(
        self, line: str, where: str | None, *, prose: bool = False, source: bool = False
    ) -> None:
        """The facts of one line. `source`: a line of a program's source, where
        `raise HTTPException(…)`, `return 404`, `except OperationalError` name
        errors the code may meet, not ones seen: only a line a trace ends with
        (`ValueError: …`, pasted into the block) is an error there; its files,
        hosts and references count as anywhere."""
        # A pattern runs only on a line holding what every match of it holds (`_may`):
        # most lines hold no fact, and features read every line of every session, a
        # million at 10,000 sessions. tests/test_facts_gates.py: no result changes.
        gated = self.gated
        bare = _URL_RE.sub(" ", line) if "http" in line or not gated else line
        digits = not gated or _DIGIT_RE.search(line) is not None
        self._refs(line, bare, where, digits=digits)
        if not source or _TRACE_END_RE.match(line):
            self._errors(bare, where, prose=prose)
        if digits and not source:  # a status code and an exit code are numbers
            self._codes(bare, where)
        self._files(bare, where)
        self._hosts(bare, where)

    def _may(self, text: str, marks: tuple[str, ...]) -> bool:
        """Whether `text` holds one of `marks` (always, ungated)."""
        return not self.gated or any(mark in text for mark in marks)

    def _files(self, bare: str, where: str | None) -> None:
        framed = self._may(bare, ('File "',))
        if framed:
            for match in _FRAME_RE.finditer(bare):
                if path := clean_path(match[1]):
                    self.add("files", f"{path}:{match[2]}", where)
        if self._may(bare, (".",)):
            unframed = _FRAME_RE.sub(" ", bare) if framed else bare
            for match in _FILE_RE.finditer(unframed):
                # `./x`, `/x` as the repository names it, `.github/…` kept whole;
                # an installed library's file (site-packages) is none of the team's.
                path = clean_path(match[1])
                if path and ("/" in path or match[2] or path.count(".") == 1):
                    line = f":{match[2]}" if match[2] else ""
                    self.add("files", path + line, where)
        if self._may(bare, ("file", "Chart")):
            for match in _FILE_NAMES_RE.finditer(bare):
                self.add("files", match[1], where)

    def _hosts(self, bare: str, where: str | None) -> None:
        if self._may(bare, _FQDN_ENDS):
            for match in _FQDN_RE.finditer(bare):
                self.add("hosts", match[1], where)
        if self._may(bare, _HOST_KEYS):
            for match in _HOST_KEY_RE.finditer(bare):
                self.add("hosts", match[1], where)
        if self._may(bare, ("cluster",)):
            for match in _CLUSTER_RE.finditer(bare):
                name = match[1] or match[2]
                if name.lower() not in _NOT_CLUSTERS and name.lower() not in GENERIC:
                    self.add("hosts", f"cluster {name}", where)

    def _errors(self, line: str, where: str | None, *, prose: bool) -> None:
        if self._may(line, _EXC_MARKS):
            for match in _EXC_RE.finditer(line):
                name = match[1]
                if name.endswith("Warning") and "." not in name:
                    continue
                message = (match[2] or "").strip()
                if prose:  # the sentence goes on after the error: "… and restarted"
                    message = _PROSE_END.split(message, maxsplit=1)[0]
                self.add("errors", f"{name}: {message}" if message else name, where)
        mark = _LOG_ERROR_RE.search(line) if self._may(line, _LOG_MARKS) else None
        if mark and not _EXC_RE.search(line):
            fields = _JSON_FIELD_RE.findall(line)  # a JSON log line: its words
            if fields:
                shown = ": ".join(v for _, v in fields)
            else:
                shown = _log_record(line, mark.start())
            self.add("errors", shown.strip(" -*|`")[:200], where)
        if self._may(line, _K8S_MARKS):
            for match in _K8S_RE.finditer(line):
                self.add("errors", match[1], where)

    def _codes(self, line: str, where: str | None) -> None:
        for match in _HTTP_RE.finditer(line):
            if match[3]:
                self.add("errors", f"HTTP {match[3]} {match[1]} {match[2]}", where)
            else:
                self.add("errors", f"HTTP {match[4] or match[5]}", where)
        for match in _EXIT_RE.finditer(line):
            if match[1] != "0":
                self.add("errors", f"exit code {match[1]}", where)

    def _refs(self, line: str, bare: str, where: str | None, *, digits: bool) -> None:
        if self._may(line, ("github.com",)):
            for match in _REF_URL_RE.finditer(line):
                repo, kind, ident = match[1], match[2], match[3]
                if kind == "commit":
                    self.add("refs", f"commit {ident[:12]}", where)
                elif ident.isdigit():
                    self.add("refs", f"{repo}#{ident}", where)
        if not digits:  # a commit kept has a digit; an issue or PR is a number
            return
        for match in _SHA_RE.finditer(bare):
            sha = (match[1] or match[2]).lower()  # named, or a hex id in backticks
            if re.search(r"\d", sha) and re.search(r"[a-f]", sha):
                self.add("refs", f"commit {sha[:12]}", where)
        for match in _REF_RE.finditer(bare):
            if match[3]:
                self.add("refs", f"{match[3]}#{match[4]}", where)
            else:
                kind = "PR" if match[1].lower()[0] in "pm" else "issue"
                self.add("refs", f"{kind} #{match[2]}", where)

    def services_of(self, line: str, where: str | None, *, in_block: bool) -> None:
        keyed = _SERVICE_KEYS.match(line)
        if keyed or (in_block and re.match(r"^\s*[-*+]\s+\S", line)):
            text = keyed[1] if keyed else re.sub(r"^\s*[-*+]\s+", "", line)
            for part in re.split(r",|;|\band\b", text):
                name = part.strip(" *`_.[]'\"").split(" (")[0].strip()
                if 1 < len(name) <= 40 and name.lower() not in GENERIC:
                    self.add("services", name, where)
            return
        bare = self.names.prose(_URL_RE.sub(" ", line))
        for match in NAME_RE.finditer(bare):
            name = match[1].strip("`")
            if not (
                name.lower() in GENERIC
                or len(name) < 3
                or _FILE_RE.fullmatch(name)
                or _K8S_RE.fullmatch(name)
                or _EXC_RE.fullmatch(name)
            ):
                self.names.mention(match, bare, where)

    def result(self) -> dict[str, Any]:
        self._repeated_names()
        self._one_name_a_file()
        out: dict[str, Any] = {
            k: list(found) for k, found in self.items.items() if found
        }
        sources: dict[str, str] = {}
        for found in self.items.values():
            for value, where in found.items():
                if where:
                    sources.setdefault(value[:200], where)
        if sources:
            out["sources"] = sources
        return out

    def _one_name_a_file(self) -> None:
        """A file the report writes two ways (`config.ts` beside `web/src/config.ts`,
        `app/worker/x.py` beside `worker/x.py`) is one fact (`samefile`)."""
        files = self.items["files"]
        alias = samefile.aliases({"": files}) if len(files) > 1 else {}
        if alias:
            kept: dict[str, str | None] = {}
            for value, where in files.items():
                kept.setdefault(alias.get(value, value), where)
            self.items["files"] = kept

    def _repeated_names(self) -> None:
        """Names the report itself repeats are what it is about (Flux, KIAM,
        kafka-exporter), unless `servicenames` tells they are something else."""
        taken = {s.lower() for s in self.items["services"]}
        for name, where in self.names.services():
            if len(self.items["services"]) >= LIMITS["services"]:
                break
            if name.lower() not in taken:
                self.add("services", name, where)


def merged(*facts: dict[str, Any]) -> dict[str, list[str]]:
    """The kinds of several fact sets together, first seen first (no sources)."""
    out: dict[str, dict[str, None]] = {}
    for one in facts:
        for kind in KINDS:
            if one.get(kind):
                out.setdefault(kind, {}).update(dict.fromkeys(one[kind]))
    return {kind: list(values) for kind, values in out.items()}
