"""Session ids: `YYYY-MM-DD-slug`, derived from the date and title."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_MAX_SLUG = 48


def slugify(title: str) -> str:
    """`SQLAlchemy mapper error!` → `sqlalchemy-mapper-error` (ASCII, ≤ 48 chars)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", folded.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _MAX_SLUG:
            break
        slug = candidate
    return slug or (words[0][:_MAX_SLUG] if words else "session")


def session_id(day: date, title: str) -> str:
    return f"{day.isoformat()}-{slugify(title)}"
