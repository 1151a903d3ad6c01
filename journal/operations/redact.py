"""Scrubbing secrets from captured text before it reaches disk.

Standard library only: it runs on every `journal log`. Each rule names a kind, and a
match becomes `[REDACTED:kind]`. Rules aim at shapes that are secrets by construction
(prefixes, key blocks, credentials in URLs), so commit SHAs, UUIDs, IPs and file names
pass through untouched. Each rule also lists literal anchors, one of which any match
must contain; a rule whose anchors are absent is never compiled, so ordinary text
costs no regex compilation at all — nor the import of `re` (about 5 ms of each
hooked commit).
"""

from __future__ import annotations

from journal.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable, Set
    from typing import Any, TypeVar

    from journal.store.config import Config

    T = TypeVar("T")

# (kind, lowercase anchors, pattern, group to replace: 0 = whole match, 1 = the last
# group that took part, -1 = keep the header name and scheme). Specific shapes come
# first; the generic `password=`-style rule last, so a known token keeps its kind.
_KEYWORD = (
    # `password`, `secret`, `token` also end longer names: DB_PASSWORD, PGPASSWORD,
    # csrftoken; the shorter words only stand alone (`bypass=` is not a password).
    r"(?:[a-z0-9]*(?:password|passwd|secret|token)|(?:pass|api[_-]?key|apikey"
    r"|access[_-]?key|private[_-]?key|account[_-]?key|shared[_-]?access[_-]?key"
    r"|auth[_-]?key|credentials?)|(?<=_)pwd)"
)
# A value that only points at a secret (`$VAR`, `<placeholder>`, `{{ tpl }}`, code
# that fetches it: `get_token()`, `os.environ["PW"]`, `Depends(api_key)`) or a flag
# (`true`) is not one.
_VALUE = (
    r"(?![$<{%-]|(?:true|false|null|none|yes|no)\b|[A-Za-z_][\w.]*[(\[])"
    r"(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\s\"',;&]{4,}))"
)
# `=`, or `:` with a quote or nothing after it, assigns a value; `: ` followed by a
# plain word is as often prose ("invalid token: expired"), so there the value must
# look like a secret: a digit or symbol in it, or 12 characters at least.
_ASSIGNED = (
    r"(?:\s*=\s*|\s*:\s*(?=[\"'])|:(?=[^\s\"'])"
    r"|\s*:\s+(?=[^\s\"',;&]*[0-9!#%*+/=@^~]|[^\s\"',;&]{12,}))"
)
# A value that is only a reference to a secret kept elsewhere: `$TOKEN`, `${TOKEN}`,
# `<token>`, `{{ token }}` (a command stored to run later must keep it).
_POINTER = (
    r"(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^<>\s]+>|\{\{[^{}]*\}\})(?![^\s\"',;@])"
)
_RULES: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    (
        "private-key",
        ("private key",),
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?"
        r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
        0,
    ),
    (
        "gcp-private-key",
        ("private_key",),
        r"\"private_key\"\s*:\s*\"(-----BEGIN[^\"]*)\"",
        1,
    ),
    (
        "aws-access-key-id",
        ("akia", "asia", "abia", "acca"),
        r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
        0,
    ),
    (
        "aws-secret-access-key",
        ("secret",),
        r"(?i)(?:aws_?secret_?(?:access_?)?key|secretaccesskey)[\"']?\s*[:=]\s*"
        r"[\"']?([A-Za-z0-9/+=]{40})",
        1,
    ),
    (
        "aws-session-token",
        ("sessiontoken",),
        r"(?i)sessiontoken[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40,})",
        1,
    ),
    (
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
        0,
    ),
    (
        "gitlab-token",
        ("glpat-", "glrt-", "gldt-", "glptt-", "glcbt-", "glsoat-", "glft-", "gloas-"),
        r"\bgl(?:pat|rt|dt|ptt|cbt|soat|ft|oas)-[A-Za-z0-9_\-]{20,}"
        r"(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?",
        0,
    ),
    ("slack-token", ("xox", "xapp-"), r"\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}", 0),
    (
        "slack-webhook",
        ("hooks.slack.com",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]+",
        0,
    ),
    (
        "discord-webhook",
        ("/api/webhooks/",),
        r"https://(?:\w+\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]+",
        0,
    ),
    (
        "stripe-key",
        ("sk_live", "sk_test", "rk_live", "rk_test"),
        r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}",
        0,
    ),
    ("google-api-key", ("aiza",), r"\bAIza[0-9A-Za-z_\-]{35}", 0),
    ("google-oauth-secret", ("gocspx-",), r"\bGOCSPX-[A-Za-z0-9_\-]{20,}", 0),
    ("openai-key", ("sk-",), r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}", 0),
    ("npm-token", ("npm_",), r"\bnpm_[A-Za-z0-9]{36}\b", 0),
    ("pypi-token", ("pypi-",), r"\bpypi-AgE[A-Za-z0-9_\-]{50,}", 0),
    ("sendgrid-key", ("sg.",), r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b", 0),
    ("docker-token", ("dckr_pat_",), r"\bdckr_pat_[A-Za-z0-9_\-]{20,}", 0),
    ("vault-token", ("hvs.", "hvb."), r"\bhv[sb]\.[A-Za-z0-9_\-]{24,}", 0),
    (
        "jwt",
        ("eyj",),
        r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        0,
    ),
    (
        "authorization",
        ("authorization",),
        r"(?i)\b(authorization\s*[:=]\s*)((?:bearer|basic|token|digest)\s+)?"
        r"(?!(?:(?:bearer|basic|token|digest)\s+)?" + _POINTER + r")[^\s\"',;]+",
        -1,
    ),
    ("bearer-token", ("bearer",), r"(?i)\bbearer\s+([A-Za-z0-9_\-.=:/+~]{16,})", 1),
    # The password runs to the last `@` before the host: `p@ss` is not cut short.
    (
        "url-password",
        ("://",),
        r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:(?!" + _POINTER + r"@)([^\s/]+)@",
        1,
    ),
    (
        "password",
        ("pass", "pwd", "secret", "key", "token", "credential"),
        r"(?i)(?<![a-z0-9])" + _KEYWORD + r"[\"']?" + _ASSIGNED + _VALUE,
        1,
    ),
    (
        "password",
        ("--pass", "--token", "--secret", "--api-key", "--auth-token"),
        r"(?i)(?<!\S)--(?:password|passwd|pass|token|secret|api-key|auth-token)"
        r"[ \t]+" + _VALUE,
        1,
    ),
)


_URL_PASSWORD = next(i for i, rule in enumerate(_RULES) if rule[0] == "url-password")
_LOT_CHECKS = {
    # What follows the `://` of a credential in a URL: any text the whole rule
    # matches in, this matches in too (the same characters, the same look-ahead).
    # Without the scheme in front, `re` looks for the literal `://` (fast) instead
    # of trying the scheme at every word start of a lot of chat lines.
    _URL_PASSWORD: r"://[^\s:/@]*:(?!" + _POINTER + r"@)([^\s/]+)@",
}
"""Rules checked on a whole lot (`redact_many`) by a pattern that matches wherever
the rule's does, and is faster to search."""


class Redaction(Record):
    """The scrubbed text and the kinds of secret found in it, in order."""

    text: str
    kinds: tuple[str, ...]


# Every anchor with the index of its rule: one flat pass finds the rules a text needs.
_ANCHORS = tuple(
    (anchor, index)
    for index, (_, anchors, _, _) in enumerate(_RULES)
    for anchor in anchors
)


def _compile(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        import re

        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled


_COMPILED: dict[str, re.Pattern[str]] = {}


def redact(
    text: str,
    *,
    extra_patterns: Iterable[str] = (),
    anchors: tuple[tuple[str, int], ...] = _ANCHORS,
) -> Redaction:
    """`text` with every secret replaced by `[REDACTED:kind]`, and the kinds found.

    `anchors` narrows the anchors looked for, when the caller knows the others are
    absent (`redact_many`)."""
    found: list[str] = []
    lowered = text.lower()
    hits = {index for anchor, index in anchors if anchor in lowered}
    rules = [
        (kind, pattern, group)
        for index, (kind, _, pattern, group) in enumerate(_RULES)
        if index in hits
    ]
    rules.extend(("custom", pattern, 0) for pattern in extra_patterns)
    for kind, pattern, group in rules:
        text = _compile(pattern).sub(_replacer(kind, group, found), text)
    return Redaction(text=text, kinds=tuple(found))


def redact_many(
    texts: list[str], *, extra_patterns: Iterable[str] = ()
) -> list[Redaction]:
    """`redact` of each text, the same as one by one (`journal ingest` scrubs
    100,000 chat messages).

    The rules are first tried on all the texts joined by line breaks: a rule whose
    anchors or pattern match nowhere in the lot cannot match any one text (no
    built-in pattern looks past a text's end but the private-key rule, which then
    matches the lot too), so most lots need no per-text work at all. Extra patterns
    may use `^` or `$`, so they are always run text by text."""
    joined = "\n".join(texts)
    lowered = joined.lower()
    candidates = {i for a, i in _ANCHORS if a in lowered}
    checks = {i: _LOT_CHECKS.get(i, _RULES[i][2]) for i in candidates}
    matching = {i for i, check in checks.items() if _compile(check).search(joined)}
    patterns = tuple(extra_patterns)
    if not matching and not patterns:
        return [_unchanged(t) for t in texts]
    narrowed = tuple((a, i) for a, i in _ANCHORS if i in matching)
    return [redact(t, extra_patterns=patterns, anchors=narrowed) for t in texts]


def _unchanged(text: str) -> Redaction:
    """`Redaction(text=text, kinds=())` without the checks of a record's
    constructor (a lot of 100,000 chat lines makes as many)."""
    made = object.__new__(Redaction)
    made.__dict__.update(text=text, kinds=())
    return made


def _replacer(
    kind: str, group: int, found: list[str]
) -> Callable[[re.Match[str]], str]:
    return lambda match: _replace(match, kind=kind, group=group, found=found)


def _replace(match: re.Match[str], *, kind: str, group: int, found: list[str]) -> str:
    whole = match[0]
    if "[REDACTED:" in whole:
        return whole
    found.append(kind)
    marker = f"[REDACTED:{kind}]"
    if group == -1:  # keep the header name and scheme, replace the credential
        return (match[1] or "") + (match[2] or "") + marker
    if group == 0 or match.lastindex is None:
        return marker
    start, end = match.span(match.lastindex)  # of alternative groups, the one used
    offset = match.start()
    return whole[: start - offset] + marker + whole[end - offset :]


def scrub(
    value: T, *, config: Config, redact: bool = True, keep: Set[str] = frozenset()
) -> tuple[T, tuple[str, ...]]:
    """`value` as it may reach disk, and the kinds of secret taken out of it.

    The one place every text a user gives passes on its way into the journal: a
    string, or the strings in a list or mapping (changed in place, so a ruamel
    document keeps its comments, and each string keeps its type: a `|` block stays
    a block). Nothing changes when `redact` is False (`--no-redact`) or `redact:
    false` is set in journal.yaml. A list or mapping met twice (a YAML alias) is
    walked once. Strings in `keep` stay as they are (`journal edit`: text that was
    there before, which an earlier `--no-redact` may have kept)."""
    if not (redact and config.redact):
        return value, ()
    found: list[str] = []
    value = _scrub_value(value, config.redact_patterns, found, set(), keep)
    return value, tuple(found)


def _scrub_value(
    value: Any,
    patterns: tuple[str, ...],
    found: list[str],
    seen: set[int],
    keep: Set[str],
) -> Any:
    if isinstance(value, str):
        if value in keep:
            return value
        result = redact(value, extra_patterns=patterns)
        found.extend(result.kinds)
        return type(value)(result.text) if result.kinds else value
    if isinstance(value, list | dict):
        if id(value) in seen:
            return value
        seen.add(id(value))
    if isinstance(value, list):
        value[:] = [_scrub_value(item, patterns, found, seen, keep) for item in value]
    elif isinstance(value, dict):
        for key in list(value):
            value[key] = _scrub_value(value[key], patterns, found, seen, keep)
    return value
