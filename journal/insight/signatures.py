"""Error signatures: error lines normalised the way error trackers group exceptions.

`2025-11-04 01:02:03 ERROR worker-3 sqlalchemy.exc.InvalidRequestError: mapper
'Mapper[Organization(organizations)]' failed at 0x7f3a…` and the same error logged a
month later with other ids, addresses and numbers give one signature: the exception
type, the message skeleton with every variable part replaced by a placeholder, and
the code locations named on the way (`app/models/organization.py`, `module.Class`).

Standard library only: the `journal log` fast path computes the signature of the line
just logged to say "seen before".
"""

from __future__ import annotations

import re
from functools import cached_property


class _Lazy:
    """A pattern compiled on first use: the `log` fast path signs one line and needs
    only some of this module's patterns; the wide ones cost ~0.5 ms each to compile."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern, self.flags = pattern, flags

    @cached_property
    def re(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


ERROR_KINDS = frozenset({"detected", "investigating", "identified"})
"""Event kinds whose every error-looking line is a candidate signature."""
MIN_TOKENS = 3
"""Informative words a skeleton needs; fewer is boilerplate ("ERROR: <str>")."""

_CODE_EXT = (
    r"py|pyi|js|mjs|cjs|ts|tsx|jsx|go|rb|java|kt|kts|rs|c|h|cc|cpp|hpp|cs|php|"
    r"scala|swift|sql|sh|ex|exs|erl|clj|vue|svelte|tf|ya?ml|toml|json|ini|cfg|conf"
)
PATH_RE = _Lazy(
    r"(?<![\w/.-])(/?(?:[\w@.-]+/)*[\w@-][\w.@-]*\.(?:" + _CODE_EXT + r"))(?![\w/])"
)
_TYPE_RE = re.compile(
    r"\b((?:[A-Za-z_]\w*\.)*[A-Z]\w*?"
    r"(?:Error|Exception|Exc|Fault|Failure|Timeout|Panic|Interrupt|Violation))\b"
)
_CODE_RE = _Lazy(
    r"\b([A-Z]{2,6}-\d{3,6}|SQLSTATE\[?\w+\]?|ENOSPC|ECONNREFUSED|ECONNRESET|"
    r"EACCES|ENOENT|ETIMEDOUT|EPIPE|EADDRINUSE|EMFILE|ENOMEM|EPERM|EEXIST|"
    r"EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)\b"
)
_ERROR_WORDS = _Lazy(
    r"\b(errors?|exceptions?|traceback|fail(?:ed|ure|s|ing)?|fatal|panic|refused|"
    r"denied|timed out|timeout|crash(?:ed|es)?|oom|killed|unable|cannot|can't|"
    r"invalid|unhandled|segfault|deadlock|overflow|abort(?:ed)?|expired|exceeded|"
    r"unavailable|unreachable|rejected|no such|not found|does not exist)\b",
    re.IGNORECASE,
)
_FRAME_RE = re.compile(r'^\s*(?:File "[^"]+", line \d+|at [\w$.<>]+\(.*\))')

_DIGITS = tuple("0123456789")
# Order matters: the wide patterns (URLs, paths) go before the digits inside them.
# Each names the substrings a text must hold one of for it to match (none: always
# tried), so a pattern is compiled (into `re`'s own cache) only once a line needs it:
# the one line `journal log` signs needs few of them.
_SUBSTITUTIONS: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    (r"\bhttps?://\S+", "<url>", 0, ("://",)),
    (
        r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b",
        "<uuid>",
        re.IGNORECASE,
        (),
    ),
    # A JavaScript frame at the end of a message: `at Cart (src/Cart.tsx:41:17)`.
    (r"\s+at\s+[\w$.<>]+\s+\([^()]*:\d+(?::\d+)?\)\s*$", "", 0, (")",)),
    (r"(\.[A-Za-z]\w*):\d+(?::\d+)?(?:\s*[-–]\s*\d+)?", r"\1", 0, (":",)),
    (
        r"\b\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
        r"(?:Z|[+-]\d{2}:?\d{2})?",
        "<time>",
        0,
        (":",),
    ),
    (
        r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\b",
        "<time>",
        0,
        ("-", ":"),
    ),
    (r"\b0x[0-9a-f]+\b", "<addr>", re.IGNORECASE, ("0x", "0X")),
    (
        r"(?<!\w)'[^'\n]*'(?!\w)|\"[^\"\n]*\"|`[^`\n]*`|‘[^’\n]*’|“[^”\n]*”",
        "<str>",
        0,
        ("'", '"', "`", "‘", "“"),
    ),
    (r"(?:/private)?/(?:tmp|var/folders|var/tmp)/\S*", "<tmp>", 0, ("/tmp/", "/var/")),
    (r"[A-Za-z]:\\\S*\\Temp\\\S*", "<tmp>", re.IGNORECASE, ("\\",)),
    (r"[\w.+-]+@[\w-]+\.[\w.]+", "<email>", 0, ("@",)),
    (r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b", "<ip>", 0, (".",)),
    (r"\b[0-9a-f]*\d[0-9a-f]*[a-f][0-9a-f]*\b", "<hex>", re.IGNORECASE, _DIGITS),
    (r"\bline \d+", "line <n>", 0, ("line ",)),
    (r"\d+(?:\.\d+)?", "<n>", 0, _DIGITS),
)
_QUOTED = [repl for _, repl, _, _ in _SUBSTITUTIONS].index("<str>")
"""The quoted-values substitution, skipped when only quotes say anything."""
_PREFIX_RE = re.compile(
    r"^\s*(?:[\[(]?<time>[\])]?\s*)*"
    r"(?:[\[(]?(?:error|err|fatal|crit(?:ical)?|warn(?:ing)?|e|f)[\])]?:?\s+)?",
    re.IGNORECASE,
)
_BOILERPLATE_WORDS = """
    error errors err exception exceptions traceback most recent call last fatal
    warning warn failed fail failure the a an of to in on at for is was were be been
    and or with by from this that it its as not no but line file raise raised during
    handling above another occurred while unhandled uncaught
    """
_BOILERPLATE = frozenset(_BOILERPLATE_WORDS.split())
_WORD_RE = re.compile(r"[a-z][a-z0-9_]+")


class Signature:
    """One normalised error line. `key` groups recurrences; `text` is the line as
    first seen, for saying what matched."""

    __slots__ = ("key", "kind", "text", "tokens")

    def __init__(
        self,
        kind: str | None,
        skeleton: str,
        text: str,
        tokens: frozenset[str] | None = None,
    ) -> None:
        self.kind = kind
        self.key = f"{kind}: {skeleton}" if kind else skeleton
        self.text = text
        # `tokens` given: the words were kept with the signature (the feature
        # index), which spares every later reader the regular expressions.
        self.tokens = informative(skeleton) if tokens is None else tokens

    def __repr__(self) -> str:
        return f"Signature({self.key!r})"


def informative(skeleton: str) -> frozenset[str]:
    """The words of a skeleton that say something: no placeholders, no boilerplate."""
    bare = re.sub(r"<\w+>", " ", skeleton.lower())
    return frozenset(w for w in _WORD_RE.findall(bare) if w not in _BOILERPLATE)


def normalise(line: str, *, keep_quoted: bool = False) -> str:
    """The skeleton of a line: every variable part replaced by a placeholder
    (quoted values too, unless `keep_quoted`)."""
    text = line.strip()
    for index, (pattern, repl, flags, needs) in enumerate(_SUBSTITUTIONS):
        if keep_quoted and index == _QUOTED:
            continue
        if not needs or any(need in text for need in needs):
            text = re.sub(pattern, repl, text, flags=flags)
    text = _PREFIX_RE.sub("", text, count=1)
    return " ".join(text.split())


def error_type(line: str) -> str | None:
    """The exception type or error code a line names, if any."""
    found = _TYPE_RE.search(line) or _CODE_RE.re.search(line)
    return found[1] if found else None


def line_signature(line: str, *, any_error_word: bool = True) -> Signature | None:
    """The signature of one line, or None for a line that is not an error or holds
    only boilerplate. Without `any_error_word` the line must name an exception type
    or an error code (for free text such as notes and report sections)."""
    if _FRAME_RE.match(line):
        return None
    # The last mention of the first type a line names: the message follows it
    # (`npm ERR! code ENOSPC … ENOSPC: no space left on device`).
    found = _TYPE_RE.search(line) or _CODE_RE.re.search(line)
    if found is not None:
        mentions = list(re.finditer(rf"(?<![\w.]){re.escape(found[1])}\b", line))
        found = mentions[-1] if mentions else found
    if found is None and not (any_error_word and _ERROR_WORDS.re.search(line)):
        return None
    kind = error_type(line) if found else None
    # The type leads the key; the message is what follows it on the line.
    message = line[found.end() :] if found and line[found.end() :].strip() else line
    if found and message is line:
        message = line[: found.start()]
    need = 1 if kind and "." in kind else MIN_TOKENS
    for keep_quoted in (False, True):
        skeleton = normalise(message, keep_quoted=keep_quoted).lstrip(" :-–")
        signature = Signature(kind, skeleton, _shown(line))
        if len(signature.tokens) >= need:
            return signature
    return None


def _shown(line: str) -> str:
    """The line as a reason shows it: from its error type on, log prefix left out."""
    found = _TYPE_RE.search(line) or _CODE_RE.re.search(line)
    return " ".join(line[found.start() if found else 0 :].split())


def text_signatures(text: str, *, any_error_word: bool = True) -> list[Signature]:
    """Signatures of every error line of a text (a stack trace: its error lines)."""
    found: dict[str, Signature] = {}
    for line in _joined_lines(text):
        signature = line_signature(line, any_error_word=any_error_word)
        if signature is not None and signature.key not in found:
            found[signature.key] = signature
    return list(found.values())


def has_frames(text: str) -> bool:
    """Whether a text holds stack frames (`File "x.py", line 3`, `at a.B(B.java:9)`)."""
    return any(_FRAME_RE.match(line) for line in text.splitlines())


def _joined_lines(text: str) -> list[str]:
    """Lines, with an exception message wrapped over several lines joined back."""
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("```", "~~~")):
            continue
        if lines and _continues(lines[-1], raw):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return lines


def _continues(previous: str, raw: str) -> bool:
    """Whether `raw` carries on an exception message wrapped from the line before."""
    line = raw.strip()
    if not error_type(previous) or _FRAME_RE.match(line) or raw[:1] in (" ", "\t"):
        return False
    return line[:1].islower() or previous.endswith(("-", ":", ",", "("))


def code_locations(text: str) -> list[str]:
    """Code paths a text names (`app/models/organization.py`), without line numbers,
    leading `./` or `/`, temp folders and installed libraries."""
    found: dict[str, None] = {}
    for match in PATH_RE.re.finditer(text):
        if path := clean_path(match[1]):
            found[path] = None
    return list(found)


_VENDORED = ("site-packages/", "dist-packages/", "node_modules/", "lib/python")


def clean_path(path: str) -> str | None:
    """A location's file as the repository names it; None for a library's file."""
    path = path.strip().strip("`'\"").replace("\\", "/")
    path = re.sub(r":\d+(?:\s*[-–:]\s*\d+)?$", "", path)
    path = path.removeprefix("./").lstrip("/")
    if not path or any(v in path for v in _VENDORED) or path.startswith("tmp/"):
        return None
    if "/" not in path and "." not in path:
        return None
    return path


def similar(a: Signature | frozenset[str], b: Signature | frozenset[str]) -> float:
    """Overlap of two skeletons' informative words, 0..1 (Jaccard)."""
    ta = a.tokens if isinstance(a, Signature) else a
    tb = b.tokens if isinstance(b, Signature) else b
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


SAME = 0.7
"""Jaccard of two skeletons of the same type at or above which they are one error."""


def same_error(a: Signature, b: Signature) -> bool:
    """The same error: identical keys, or the same type (or both none) with nearly
    the same words — a message truncated or reworded around its variable parts."""
    if a.key == b.key:
        return True
    if (a.kind or "").rsplit(".", 1)[-1] != (b.kind or "").rsplit(".", 1)[-1]:
        return False
    if similar(a, b) >= SAME:
        return True
    # One message is the other with a detail added (a request id, a host).
    small = min(len(a.tokens), len(b.tokens))
    return small >= 4 and len(a.tokens & b.tokens) == small and similar(a, b) >= 0.5
