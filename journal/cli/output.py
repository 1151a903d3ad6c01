"""Printing results for people and for `--json`, in one place."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # `typing` alone costs ~8 ms of start-up (fast paths print here)
if TYPE_CHECKING:
    from typing import Any


def emit(data: Any, human: str, *, as_json: bool) -> None:
    """Print `data` as JSON when asked, else the human line(s)."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif human:
        print(human)


def redaction_note(found: tuple[str, ...] | list[str]) -> str:
    """` (N secret(s) redacted: kinds)`, or nothing when none was."""
    if not found:
        return ""
    return f" ({len(found)} secret(s) redacted: {', '.join(sorted(set(found)))})"


def warn(message: str) -> None:
    print(f"journal: warning: {message}", file=sys.stderr)


def seen_lines(matches: list[Any]) -> str:
    """The "seen before" line of the best match (`insight.seen.Match`), with how
    many more there are; nothing for none."""
    return matches[0].line(len(matches) - 1) if matches else ""
