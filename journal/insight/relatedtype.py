"""`Related`, one related session as reports and the site show it, apart from the
ranking (`related.py`) so that reading a kept related map imports none of it."""

from __future__ import annotations

from typing import Any

import msgspec


class Related(msgspec.Struct, array_like=True):
    """One related session: its id, label, day, score and reasons. A struct kept
    as an array, so the related map's cache (100,000 of them at 10,000 sessions)
    decodes straight into them."""

    id: str
    title: str
    number: int | None
    day: str
    score: float
    reasons: list[str] = msgspec.field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Session {self.number}: {self.title}" if self.number else self.title

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": self.id,
            "title": self.title,
            "number": self.number,
            "day": self.day,
            "score": round(self.score, 2),
            "reasons": self.reasons,
        }
