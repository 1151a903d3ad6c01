"""Scrubbing secrets from captured text before it reaches disk.

Standard library only: it runs on every `journal log`. Each pattern names a kind, and
a match becomes `[REDACTED:kind]`. Patterns aim at shapes that are secrets by
construction (prefixes, key blocks, credentials in URLs) so commit SHAs, UUIDs, IPs
and file names pass through untouched.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

# (kind, pattern, group to replace: 0 = whole match)
_PATTERNS: tuple[tuple[str, str, int], ...] = (
    (
        "private-key",
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?"
        r"(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
        0,
    ),
    ("gcp-private-key", r"\"private_key\"\s*:\s*\"(-----BEGIN[^\"]*)\"", 1),
    ("aws-access-key-id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b", 0),
    (
        "aws-secret-access-key",
        r"(?i)aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})\b",
        1,
    ),
    (
        "github-token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b",
        0,
    ),
    ("gitlab-token", r"\bglpat-[A-Za-z0-9_\-]{20,}\b", 0),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b", 0),
    ("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/]+", 0),
    ("stripe-key", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b", 0),
    ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}\b", 0),
    ("openai-key", r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{32,}\b", 0),
    ("jwt", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", 0),
    (
        "authorization",
        r"(?i)\b(authorization\s*[:=]\s*)((?:bearer|basic|token|digest)\s+)?[^\s\"',;]+",
        -1,
    ),
    ("bearer-token", r"(?i)\bbearer\s+([A-Za-z0-9_\-.=:/+~]{16,})", 1),
    ("url-password", r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:([^\s@/]+)@", 1),
    (
        "password",
        r"(?i)\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|token)[\"']?\s*[:=]\s*[\"']?([^\s\"',;&]{4,})",
        1,
    ),
)


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: tuple[str, ...]


def _compiled(extra: Iterable[str]) -> list[tuple[str, re.Pattern[str], int]]:
    rules = [(kind, re.compile(pattern), group) for kind, pattern, group in _PATTERNS]
    rules.extend(("custom", re.compile(pattern), 0) for pattern in extra)
    return rules


def redact(text: str, *, extra_patterns: Iterable[str] = ()) -> Redaction:
    """`text` with every secret replaced by `[REDACTED:kind]`, and the kinds found."""
    found: list[str] = []
    for kind, pattern, group in _compiled(extra_patterns):
        text = pattern.sub(
            functools.partial(_replace, kind=kind, group=group, found=found), text
        )
    return Redaction(text, tuple(found))


def _replace(match: re.Match[str], *, kind: str, group: int, found: list[str]) -> str:
    whole = match[0]
    if "[REDACTED:" in whole:
        return whole
    found.append(kind)
    marker = f"[REDACTED:{kind}]"
    if group == -1:  # keep the header name and scheme, replace the credential
        return (match[1] or "") + (match[2] or "") + marker
    if group == 0 or match[group] is None:
        return marker
    start, end = match.span(group)
    offset = match.start()
    return whole[: start - offset] + marker + whole[end - offset :]
