"""Session ids: folder names `YYYY-MM-DD-slug`, and what a user may type for one — the
id, a unique prefix of it or of its slug, or the session's number (`8`, `#8`).

Standard library only: `journal log` and the git hook resolve ids too.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

from journal.errors import ConflictError, NotFoundError, UsageError
from journal.store.files import read_bytes

ID_PATTERN = r"^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*$"
REF_HINT = (
    "give the folder name (2025-11-04-slug), a unique prefix of it, or the number"
)
_SHELL_CHARACTERS = set("$`;|&<>*?'\"\n\r\t ")


_ID = re.compile(ID_PATTERN)


def is_session_id(name: str) -> bool:
    return _ID.match(name) is not None


def session_ids(sessions_dir: Path) -> list[str]:
    """Every session folder, oldest first (names sort by date); links are skipped."""
    try:
        with os.scandir(sessions_dir) as entries:
            folders = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []
    return sorted(filter(_ID.match, folders))


def resolve_ref(
    sessions_dir: Path,
    ref: str,
    *,
    numbered: Callable[[list[str], int], list[str]] | None = None,
) -> str:
    """The session id `ref` means; one line saying why when it means none, or many.
    `numbered(ids, n)` gives those of `ids` whose number is `n` (default: read every
    file)."""
    ref = ref.strip()
    refuse_path_like(ref)
    ids = session_ids(sessions_dir)
    if ref in ids:
        return ref
    number = ref.lstrip("#")
    if number.isdigit():
        wanted = int(number)
        if numbered is None:
            found = [i for i in ids if number_of(sessions_dir / i) == wanted]
        else:
            found = numbered(ids, wanted)
        missing = f"no session has number {wanted}"
        many = ConflictError(
            f"{len(found)} sessions have number {wanted}: {', '.join(found)}",
            "use the folder name instead, and renumber one of them",
        )
    else:
        found = [i for i in ids if i.startswith(ref)] or [
            i for i in ids if i[11:].startswith(ref)
        ]
        missing = f"no session matches {ref!r}"
        shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
        many = ConflictError(
            f"{ref!r} matches {len(found)} sessions: {shown}", REF_HINT
        )
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(missing, "see `journal list`")
    raise many


def refuse_path_like(ref: str) -> None:
    """An id never names a path or carries shell syntax: refuse before any lookup."""
    path_like = not ref or "/" in ref or "\\" in ref or ".." in ref or "\0" in ref
    if path_like or ref.startswith(".") or _SHELL_CHARACTERS & set(ref):
        raise UsageError(f"{ref!r} is not a session id", REF_HINT)


def number_of(folder: Path) -> int | None:
    """A session's display number, read without parsing YAML (it is a top-level key)."""
    try:
        text = read_bytes(folder / "session.yaml")  # never waits on a named pipe
    except OSError:
        return None
    match = re.search(rb"^number:\s*['\"]?(\d+)", text, re.MULTILINE)
    return int(match[1]) if match else None


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


_SUFFIX_LETTERS = "abcdefghijkmnpqrstuvwxyz23456789"
"""No l, o, 0 or 1: a suffix read aloud or typed from a screen is not mistaken."""


def unique_suffix() -> str:
    """Four random characters (32⁴ ≈ a million) that set a folder apart from one
    another clone made for the same title on the same day."""
    import secrets

    return "".join(secrets.choice(_SUFFIX_LETTERS) for _ in range(4))


def session_id(day: date, title: str, *, suffix: str = "") -> str:
    """`2025-11-04-sqlalchemy-mapper-error`, or with `suffix` `…-error-k3f9`."""
    name = f"{day.isoformat()}-{slugify(title)}"
    return f"{name}-{suffix}" if suffix else name
