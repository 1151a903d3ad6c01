"""Checks of a parsed `journal.yaml` that types alone cannot make: every value usable.

`config.load_config` runs them once, when the file is parsed (a cached configuration was
checked when it was cached), so a value that would fail in the middle of a command —
`closed_statuses: []` before `journal close`, a trailer git cannot read, a timeout of
`.nan` — is refused when the file is read, naming the key, its line, the value and what
is allowed.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from journal.errors import InvalidDataError

_TRAILER_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_WORD_LISTS = ("statuses", "closed_statuses", "severities", "event_kinds")
_PATHS = ("sessions_dir", "templates_dir", "reports_dir")
_SITE_PATHS = ("docs_dir", "site_dir", "config_file")


class ConfigValueError(InvalidDataError):
    """A value of `journal.yaml` that cannot work; `key` is its dotted name."""

    def __init__(self, key: str, message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.key = key


def check_config(config: Any) -> None:
    """Raise ConfigValueError for the first value of a `Config` that cannot work
    (typed loosely: `config` imports this module)."""
    for name in _WORD_LISTS:
        _check_words(name, getattr(config, name))
    for status in config.closed_statuses:
        if status not in config.statuses:
            raise _refuse(
                "closed_statuses",
                status,
                "is not one of the statuses",
                "use one of: "
                + ", ".join(config.statuses)
                + " (or add it to statuses)",
            )
    _check_words("check_disable", config.check_disable, allow_empty=True)
    for name in _PATHS:
        _check_path(name, getattr(config, name))
    for name in _SITE_PATHS:
        _check_path(f"site.{name}", getattr(config.site, name))
    _check_number("verify_timeout_s", config.verify_timeout_s, minimum=0, strict=True)
    _check_number("site.home_sessions", config.site.home_sessions, minimum=0)
    if not _TRAILER_KEY.match(config.git.trailer):
        raise _refuse(
            "git.trailer",
            config.git.trailer,
            "is not a trailer key git can read",
            "use letters, digits and dashes, e.g. Journal-Session",
        )
    _check_web_url(config.git.web_url)
    for pattern in config.redact_patterns:
        _check_pattern(pattern)


def locate(error: InvalidDataError, path: Path, text: str) -> InvalidDataError:
    """`error` with `where` set to `path`, and the line of its key when it names one."""
    key = getattr(error, "key", "")
    line = line_of(text, key) if key else None
    error.where = f"{path}:{line}" if line else str(path)
    return error


def line_of(text: str, dotted: str) -> int | None:
    """The 1-based line of `dotted` (`site.builder`) in a block-style YAML text."""
    parts = dotted.split(".")
    depth, indent = 0, -1
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(stripped)
        if depth and width <= indent:
            return None  # left the section without finding the key
        if stripped.startswith((parts[depth] + ":", f'"{parts[depth]}":')):
            if depth == len(parts) - 1:
                return number
            depth, indent = depth + 1, width
    return None


def _refuse(key: str, value: object, problem: str, hint: str) -> ConfigValueError:
    return ConfigValueError(key, f"{key}: {value!r} {problem}", hint)


def _check_words(
    name: str, values: tuple[str, ...], *, allow_empty: bool = False
) -> None:
    if not values and not allow_empty:
        raise ConfigValueError(
            name,
            f"{name} must list at least one value",
            f"list them, e.g. {name}: [{_EXAMPLE[name]}], or remove the key "
            "for the default",
        )
    for value in values:
        if not value.strip() or value != value.strip() or _CONTROL.search(value):
            raise _refuse(
                name,
                value,
                "is not a usable name",
                "use a word without leading or trailing spaces or control characters",
            )
        if values.count(value) > 1:
            raise _refuse(name, value, "is listed twice", "list each value once")


_EXAMPLE = {
    "statuses": "open, resolved",
    "closed_statuses": "resolved",
    "severities": "high, low",
    "event_kinds": "note, detected, resolved",
}


def _check_path(name: str, value: str) -> None:
    if not value.strip() or _CONTROL.search(value):
        raise _refuse(
            name,
            value,
            "is not a usable path",
            "give a folder or file name relative to journal.yaml, or remove the key "
            "for the default",
        )


def _check_number(
    name: str, value: float, *, minimum: float, strict: bool = False
) -> None:
    too_small = value <= minimum if strict else value < minimum
    if math.isnan(value) or math.isinf(value) or too_small:
        bound = f"over {minimum}" if strict else f"{minimum} or more"
        raise _refuse(name, value, "is out of range", f"give a number {bound}")


def _check_web_url(url: str) -> None:
    if not url:
        return
    unknown = [p for p in _PLACEHOLDER.findall(url) if p not in ("sha", "path")]
    if unknown or "{sha}" not in url or not url.startswith(("https://", "http://")):
        raise _refuse(
            "git.web_url",
            url,
            "is not a commit URL pattern",
            "give an http(s) URL with {sha} (and optionally {path}), e.g. "
            "https://git.example.com/{path}/commit/{sha}",
        )


def _check_pattern(pattern: str) -> None:
    try:
        matches_nothing = re.compile(pattern).search("") is None
    except re.error as exc:
        raise ConfigValueError(
            "redact_patterns",
            f"redact_patterns: {pattern!r} is not a valid regular expression ({exc})",
            "fix the pattern, or quote it in single quotes",
        ) from None
    if not matches_nothing:
        raise _refuse(
            "redact_patterns",
            pattern,
            "matches the empty text",
            "make the pattern match at least one character (+ rather than *)",
        )
