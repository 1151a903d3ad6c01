"""Reports that name one another: what a session is called and which others it cites.

A team's reports cite each other in a few stable ways — an incident id the file is
named by (`PM2019-009`, `INC-1234`), a link to another report's file, the author's
own numbering ("during Session 7's monitoring", "Sessions 7-8"). A session's
*names* come from its title and the file it was imported from; its *citations* are
the same shapes found anywhere in its text. `related` pairs a citation with the
session of that name: the strongest evidence of a continuation a report can give,
and one that text similarity misses when the two reports share few words.

Standard library only: the features are made on `new`, `close` and `import`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import unquote

_CODE = r"[A-Z]{2,10}[-_]?\d{3,}(?:[-_]\d+)*"
"""An incident id: capitals, then digits (three or more, so `EC2`, `HTTP2`, `S3`
are not ids), then more digit groups: `PM2019-009`, `INC-1234`, `SEV_0042`."""
_LEADING_CODE_RE = re.compile(rf"^\s*({_CODE})(?![\w-])")
_CODE_RE = re.compile(rf"(?<![\w-])({_CODE})(?![\w-])")
_SESSION_NAME_RE = re.compile(r"^\s*session\s+(\d{1,5})\b", re.IGNORECASE)
_SESSION_FILE_RE = re.compile(r"^\s*session[\s_-]*#?(\d{1,5})(?!\d)", re.IGNORECASE)
"""A file named by its session: `session-8-sqlalchemy-fix`, `SESSION_7_MONITORING`."""
_NUMBERED_FILE_RE = re.compile(r"^(\d{1,3})[-_ ](?!\d)")
"""A file numbered in order, `07-invoice-backfill`: the author's session 7 when
nothing else numbers it (not `04-25-…`, a day, nor `2024-…`, a year)."""
_SESSION_CITE_RE = re.compile(
    # "Session 7", "Sessions 7-8", "session #7" — capitalised or with a `#`, and
    # no unit after the number: "this session 2 hours ago" names no session.
    r"\b(?:[Ss]essions?\s+#|Sessions?\s+#?)(\d{1,5})"
    r"(?:\s*(?:-|–|to|and|&)\s*#?(\d{1,5}))?\b"
    r"(?!\s*(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?|days?|weeks?|times?|x)\b)"
)
_LINK_RE = re.compile(r"\]\(\s*<?([^()<>\s]+?\.(?:md|markdown))(?:#[^)\s]*)?>?\s*\)")
_FILE_MENTION_RE = re.compile(r"(?<![\w.%/-])((?:[\w.-]+/)*[\w.-]+\.(?:md|markdown))\b")
"""A report's file named in the text without a link: `SESSION_7_MONITORING.md`."""
MAX_NAMED = 10
"""Sessions above which a name (an id, "Session N") is too shared to cite one."""
_MAX_RANGE = 10
"""Longest span of a cited range of sessions ("Sessions 3-8") that names each."""


def names(
    title: str, imported_from: str | None, number: int | None = None
) -> list[str]:
    """What other reports may call this one: the incident id leading its file name
    or title (`id:PM2019-009`), "Session N" by its `number`, by a title that still
    says it (`session:7`: import takes a report's "Session 7: …" as number 7 when
    the number is free, and keeps it in the title when not) or by its file name
    (`session-7-….md`; `07-….md` when nothing else numbers it), and its file name
    (`file:…`, without the extension)."""
    found: list[str] = []
    stem = _stem(imported_from) if imported_from else None
    for text, authors_re in ((stem, _SESSION_FILE_RE), (title, _SESSION_NAME_RE)):
        if not text:
            continue
        if code := _LEADING_CODE_RE.match(text):
            found.append(f"id:{_normal(code[1])}")
        if authors := authors_re.match(text):
            found.append(f"session:{int(authors[1])}")
    if number is not None:
        found.append(f"session:{number}")
    numbered = _NUMBERED_FILE_RE.match(stem) if stem else None
    if numbered and not any(name.startswith("session:") for name in found):
        found.append(f"session:{int(numbered[1])}")
    if stem:
        found.append(f"file:{stem.lower()}")
    return list(dict.fromkeys(found))


def cites(texts: Iterable[str], own: Iterable[str] = ()) -> list[str]:
    """The names `texts` cite (in the shapes of `names`), less the session's own."""
    found: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for match in _CODE_RE.finditer(text):
            found[f"id:{_normal(match[1])}"] = None
        for match in _SESSION_CITE_RE.finditer(text):
            first = int(match[1])
            last = int(match[2]) if match[2] else first
            if not first <= last <= first + _MAX_RANGE:
                last = first
            for number in range(first, last + 1):
                found[f"session:{number}"] = None
        for match in (*_LINK_RE.finditer(text), *_FILE_MENTION_RE.finditer(text)):
            target = unquote(match[1]).replace("\\", "/").rsplit("/", 1)[-1]
            found[f"file:{_stem(target).lower()}"] = None
    for name in own:
        found.pop(name, None)
    return list(found)


def shown(name: str) -> str:
    """A name as a reason says it: `PM2019-009`, `Session 7`, `the report x.md`."""
    kind, _, value = name.partition(":")
    if kind == "session":
        return f"Session {value}"
    if kind == "file":
        return f"the report {value}.md"
    return value


class Cited(NamedTuple):
    """How two reports name one another: the reason in words, and whether the
    name was met only in passing (outside the citing report's title and summary)."""

    reason: str
    in_passing: bool


class Citations:
    """Which sessions go by each name and which cite it, over a journal's features
    (`names` and `cites` of `insight/features.py`)."""

    def __init__(self, features: dict[str, dict[str, Any]]) -> None:
        self.features = features
        self.named: dict[str, list[str]] = {}
        self.citing: dict[str, list[str]] = {}
        for sid, f in features.items():
            for name in f.get("names", ()):
                self.named.setdefault(name, []).append(sid)
            for name in (*f.get("cites", ()), *f.get("mentions", ())):
                self.citing.setdefault(name, []).append(sid)

    def reason(self, fa: dict[str, Any], fb: dict[str, Any]) -> Cited | None:
        """Why `fb` is related to `fa` by name, in words: `fa` cites it, it cites
        `fa`, or both hold one author's "Session N" (a file name is one report's:
        two sharing it say nothing); none when no name ties them. A citation
        from the title or summary first; one met elsewhere only `in_passing`."""
        mine, theirs = fa.get("names", ()), fb.get("names", ())
        for passing, key in ((False, "cites"), (True, "mentions")):
            for words, held, cited in (
                ("cites {}", theirs, fa.get(key, ())),
                ("cited by it as {}", mine, fb.get(key, ())),
                ("both {}", theirs, () if passing else mine),
            ):
                for name in held:
                    if name in cited and self._clear(name, both=words == "both {}"):
                        return Cited(words.format(shown(name)), passing)
        return None

    def partners(self, sid: str) -> set[str]:
        """Sessions `sid` cites, that cite it, or that share a name with it."""
        f = self.features[sid]
        found: set[str] = set()
        for name in (*f.get("cites", ()), *f.get("mentions", ()), *f.get("names", ())):
            if self._clear(name):
                found.update(self.named.get(name, ()))
        for name in f.get("names", ()):
            found.update(self.citing.get(name, ()))
        found.discard(sid)
        return found

    def _clear(self, name: str, *, both: bool = False) -> bool:
        if both and name.startswith("file:"):
            return False
        return len(self.named.get(name, ())) <= MAX_NAMED


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".md", ".markdown", ".txt"):
        if base.lower().endswith(suffix):
            return base[: -len(suffix)].strip()
    return base.strip()


def _normal(code: str) -> str:
    """`PM2019-009` and `PM2019_009` alike are one id, shown as the first."""
    return code.replace("_", "-").upper()
