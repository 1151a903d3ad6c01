""" "Seen before": the past session whose error or root cause matches a line just
logged, read from the signature index's digest with the standard library alone.

Runs on the `journal log` fast path, only for the kinds that carry errors, so the
digest is laid out to be read in pieces: a one-line JSON header maps each part to its
byte range, and a lookup reads only the parts it needs —

- per exception type (the last part of its name; untyped error lines share ""), an
  inverted index of the skeletons' informative words, cut in shards by a hash of the
  word, so a lookup reads the shards of the new line's few words, not the bucket;
- per type, each signature's word count and where its entry line is;
- the entry lines themselves (session, label, the line as shown), read only for the
  signatures that match;
- the sessions naming each root-cause file, read only for `set root_cause.location`.

Only signatures sharing one of the new line's rarest words can reach the similarity
threshold (a prefix filter), so a thousand untyped "timeout" lines cost a few dict
look-ups. Sessions changed since the digest was last made (by `journal new`,
`close`, `import` and `related`) are not seen yet.
"""

from __future__ import annotations

import json
import math

from journal.store.cache import code_digest

TYPE_CHECKING = False  # `typing` alone costs milliseconds on the fast path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any, BinaryIO

SEEN_NAME = "seen-digest"
FORMAT = 2
"""Bumped when the layout changes; a digest of another format is not read."""


class Match:
    """A past session that matched, and why (`same error signature`)."""

    __slots__ = ("label", "number", "reason", "score", "session_id", "text")

    def __init__(self, entry: list[Any], reason: str, score: float, text: str) -> None:
        self.session_id, self.label, self.number = entry[0], entry[1], entry[2]
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


class Digest:
    """An open digest: its header, and its parts read on demand."""

    def __init__(self, handle: BinaryIO, header: dict[str, Any]) -> None:
        self._handle, self._base = handle, handle.tell()
        self.parts: dict[str, list[int]] = header["parts"]
        self._shards: dict[str, dict[str, list[int]]] = {}

    def read(self, name: str) -> Any:
        """A part's JSON value; None when the digest has no such part."""
        if (where := self.parts.get(name)) is None:
            return None
        self._handle.seek(self._base + where[0])
        return json.loads(self._handle.read(where[1]))

    def entry(self, kind: str, offset: int) -> list[Any]:
        """`[session, title, number, shown]` of a signature of type `kind`."""
        self._handle.seek(self._base + self.parts[f"entries:{kind}"][0] + offset)
        return list(json.loads(self._handle.readline()))

    def postings(self, kind: str, word: str, shards: int) -> list[int]:
        """The indexes of the signatures of type `kind` whose skeleton has `word`."""
        name = f"words:{kind}:{shard_of(word, shards)}"
        if name not in self._shards:
            self._shards[name] = self.read(name) or {}
        return self._shards[name].get(word, [])


def _open(state_dir: Path) -> tuple[BinaryIO, dict[str, Any]] | None:
    try:
        handle = (state_dir / SEEN_NAME).open("rb")
    except OSError:
        return None
    try:
        header = json.loads(handle.readline())
        if header.get("code") == code_digest() and header.get("format") == FORMAT:
            return handle, header
    except (OSError, ValueError, AttributeError):
        pass
    handle.close()
    return None


def error_matches(digest: Digest, session_id: str, text: str) -> list[Match]:
    """Past sessions with the same error as `text`, best first (one per session)."""
    from journal.insight import signatures as sig  # only once a digest is open

    best: dict[str, Match] = {}
    for new in sig.text_signatures(text):
        kind = (new.kind or "").rsplit(".", 1)[-1]
        for offset, score in _similar(digest, kind, new.tokens, sig.SAME):
            entry = digest.entry(kind, offset)
            if entry[0] != session_id and score > getattr(
                best.get(entry[0]), "score", 0
            ):
                best[entry[0]] = Match(entry, "same error signature", score, entry[3])
    return _ranked(best)


def _similar(
    digest: Digest, kind: str, words: frozenset[str], same: float
) -> list[tuple[int, float]]:
    """Entry offsets of type `kind` whose words overlap `words` by at least `same`
    (Jaccard), with that overlap."""
    shape = digest.read(f"sizes:{kind}")
    if shape is None or not words:
        return []
    shards, sizes, offsets = shape
    postings = {w: digest.postings(kind, w, shards) for w in words}
    # A signature missing more than this many of the words cannot reach `same`, so
    # it holds one of the rarest `spare + 1` of them.
    spare = len(words) - math.ceil(same * len(words) - 1e-9)
    rarest = sorted(words, key=lambda w: len(postings[w]))[: spare + 1]
    shared = dict.fromkeys([i for w in rarest for i in postings[w]], 0)
    for w in words:
        for i in postings[w]:
            if i in shared:
                shared[i] += 1
    scores = {
        i: common / (len(words) + sizes[i] - common) for i, common in shared.items()
    }
    return [(offsets[i], score) for i, score in scores.items() if score >= same]


def shard_of(word: str, shards: int) -> int:
    """The shard of a word: stable across processes, unlike `hash`, and without
    importing `binascii` or `zlib` for a CRC."""
    value = 0
    for byte in word.encode():
        value = (value * 31 + byte) & 0xFFFFFFFF
    return value % shards


def location_matches(digest: Digest, session_id: str, location: str) -> list[Match]:
    """Past sessions whose root cause is in the same file as `location`."""
    from journal.insight.signatures import clean_path

    path = clean_path(location)
    roots = digest.read("roots") if path else None
    if not roots:
        return []
    found = {
        entry[0]: Match(entry, f"same root-cause file {path}", 1.0, str(path))
        for entry in roots.get(path, ())
        if entry[0] != session_id
    }
    return _ranked(found)


def _ranked(found: dict[str, Match]) -> list[Match]:
    # Best score first; among equals the newest session (ids sort by date).
    return sorted(found.values(), key=lambda m: (m.score, m.session_id), reverse=True)


def seen_before_any(
    state_dir: Path, session_id: str, texts: Iterable[str]
) -> list[Match]:
    """`seen_before` of several error texts (an ingested alert storm, a failed
    command's output), each past session once, in the order first matched."""
    found: dict[str, Match] = {}
    for text in texts:
        for match in seen_before(state_dir, session_id, text=text):
            found.setdefault(match.session_id, match)
    return list(found.values())


def seen_before(
    state_dir: Path, session_id: str, *, text: str = "", location: str = ""
) -> list[Match]:
    """Matches for a logged line or a root-cause location; [] without a digest."""
    if (opened := _open(state_dir)) is None:
        return []
    handle, header = opened
    with handle:
        digest = Digest(handle, header)
        matches = location_matches(digest, session_id, location) if location else []
        if text:
            known = {m.session_id for m in matches}
            matches += [
                m
                for m in error_matches(digest, session_id, text)
                if m.session_id not in known
            ]
    return matches
