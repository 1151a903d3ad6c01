""" "Seen before": the past session whose error or root cause matches a line just
logged, read from the signature index's digest with the standard library alone.

Runs on the `journal log` fast path, only for the kinds that carry errors: one JSON
file read, the new line's signature, and a comparison with the few stored signatures
of the same exception type. Sessions added since the index was last refreshed
(`journal new`, `close`, `related`, `render`, `site build`) are not seen yet.
"""

from __future__ import annotations

import json
from pathlib import Path

from journal import __version__
from journal.insight import signatures as sig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SEEN_NAME = "seen-index.json"


class Match:
    """A past session that matched, and why (`same error signature`)."""

    __slots__ = ("label", "number", "reason", "score", "session_id", "text")

    def __init__(
        self, session_id: str, reason: str, score: float, text: str, digest: Any
    ) -> None:
        label = digest["sessions"].get(session_id) or [session_id, None]
        self.session_id = session_id
        self.label, self.number = label[0], label[1]
        self.reason, self.score, self.text = reason, score, text

    def line(self, others: int = 0) -> str:
        """`seen before: <id> (same error signature) — journal show 8`."""
        ref = self.number if self.number is not None else self.session_id
        more = f" (+{others} more: journal related)" if others else ""
        return (
            f"seen before: {self.session_id} ({self.reason}) — journal show {ref}{more}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.session_id,
            "title": self.label,
            "reason": self.reason,
            "matched": self.text,
        }


def load_digest(state_dir: Path) -> dict[str, Any] | None:
    try:
        with (state_dir / SEEN_NAME).open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != __version__:
        return None
    return data


def error_matches(digest: dict[str, Any], session_id: str, text: str) -> list[Match]:
    """Past sessions with the same error as `text`, best first (one per session)."""
    best: dict[str, Match] = {}
    for new in sig.text_signatures(text):
        bucket = digest["by_kind"].get((new.kind or "").rsplit(".", 1)[-1], ())
        for other_id, key, shown, words in bucket:
            if other_id == session_id:
                continue
            score = 1.0 if key == new.key else sig.similar(new, frozenset(words))
            if score >= sig.SAME and score > getattr(best.get(other_id), "score", 0):
                best[other_id] = Match(
                    other_id, "same error signature", score, shown, digest
                )
    return _ranked(best)


def location_matches(
    digest: dict[str, Any], session_id: str, location: str
) -> list[Match]:
    """Past sessions whose root cause is in the same file as `location`."""
    path = sig.clean_path(location)
    if not path:
        return []
    found = {
        other: Match(other, f"same root-cause file {path}", 1.0, path, digest)
        for other in digest["root_files"].get(path, ())
        if other != session_id
    }
    return _ranked(found)


def _ranked(found: dict[str, Match]) -> list[Match]:
    # Best score first; among equals the newest session (ids sort by date).
    return sorted(found.values(), key=lambda m: (m.score, m.session_id), reverse=True)


def seen_before(
    state_dir: Path, session_id: str, *, text: str = "", location: str = ""
) -> list[Match]:
    """Matches for a logged line or a root-cause location; [] without an index."""
    digest = load_digest(state_dir)
    if digest is None:
        return []
    matches = location_matches(digest, session_id, location) if location else []
    if text:
        known = {m.session_id for m in matches}
        matches += [
            m
            for m in error_matches(digest, session_id, text)
            if m.session_id not in known
        ]
    return matches
