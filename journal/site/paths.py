"""Where each page lives in the docs folder, and the relative links between them."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import quote

HOME = "index.md"
ARCHIVE = "sessions/index.md"
FOLLOWUPS = "followups.md"
LESSONS = "lessons.md"
METRICS = "metrics.md"
HOTSPOTS = "hotspots.md"
TAGS = "tags/index.md"
CSS = "assets/journal.css"
JS = "assets/journal.js"
MERMAID = "assets/javascripts/mermaid.min.js"
SHIM = "assets/javascripts/iframe-worker-shim.js"
"""journal's own stand-in for web workers on `file://` (static/iframe-worker-shim.js).
Its name must contain `iframe-worker`: Material's offline plugin then adds no CDN
copy of its own."""


def session_page(session_id: str) -> str:
    # Session pages share one folder, so the report's own `{id}.md` links to its
    # previous and next sessions resolve as they are. On a site of several
    # journals an id is `<journal>/<folder>`: `<journal>/sessions/<folder>.md`.
    journal, slash, local = session_id.rpartition("/")
    if slash:
        return f"{journal}/sessions/{local}.md"
    return f"sessions/{session_id}.md"


def journal_page(journal: str) -> str:
    """One journal's own index on a site of several journals."""
    return f"{journal}/index.md"


def month_page(month: str) -> str:
    """`2025-11` → `sessions/2025-11.md` (no session id has that shape)."""
    return f"sessions/{month}.md"


def evidence_dir(session_id: str) -> str:
    return f"evidence/{session_id}"


def link(from_page: str, to_path: str) -> str:
    """A relative link from one docs file to another, URL-quoted."""
    rel = _relative(to_path, from_page)
    return rel if _PLAIN.fullmatch(rel) else quote(rel, safe="/.-_~")


_PLAIN = re.compile(r"[A-Za-z0-9/._~-]*")
"""Text `quote` leaves as it is."""


def _relative(to_path: str, from_page: str) -> str:
    """`posixpath.relpath(to_path, dirname(from_page))`, by splitting strings when
    both are plain docs paths (the site's tables link tens of thousands of times;
    `relpath` makes both absolute first)."""
    if _odd(to_path) or _odd(from_page):
        return posixpath.relpath(to_path, posixpath.dirname(from_page) or ".")
    here = from_page.split("/")[:-1]
    there = to_path.split("/")
    common = len(posixpath.commonprefix([here, there]))
    rel = "/".join([".."] * (len(here) - common) + there[common:])
    return rel or "."


def _odd(path: str) -> bool:
    """Paths `_relative` leaves to `relpath`: absolute, empty, or with `.`, `..`
    or empty parts."""
    return (
        not path
        or path.startswith(("/", "./"))
        or path.endswith(("/", "/."))
        or path == "."
        or "//" in path
        or "/./" in path
        or ".." in path
    )


def tag_slugs(tags: Iterable[str]) -> dict[str, str]:
    """A file name for each tag: readable, and distinct even when two tags slug alike
    (`C++` and `c`) or a tag has no letters at all."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for tag in sorted(set(tags)):
        base = re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-")[:60] or "tag"
        slug = base
        if slug in taken or slug == "index":
            digest = hashlib.sha256(tag.encode("utf-8")).hexdigest()[:8]
            slug = f"{base}-{digest}"
        taken.add(slug)
        slugs[tag] = slug
    return slugs


def tag_page(slug: str) -> str:
    return f"tags/{slug}.md"
