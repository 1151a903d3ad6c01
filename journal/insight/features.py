"""What a session shares with others: its error signatures, root-cause files, code
locations in its errors, linked commits, components, tags, title words, the names
it goes by and those of other reports it cites (`citations`), as plain
JSON-able data (the signature index caches it; `related` and `hotspots` rank on it).

Imported reports give the same features: their errors sit in detection snippets,
sections' code blocks and timeline lines, their commits are commit events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from journal.insight import signatures as sig
from journal.insight.citations import cites, names
from journal.insight.textsim import term_counts

if TYPE_CHECKING:
    from journal.model.session import Event, Session

_FENCE_RE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1", re.MULTILINE | re.DOTALL)
_TITLE_STOP_WORDS = """
    the a an of in on at for to and or with after before during from by is was are be
    not no vs via into over under fix fixed issue incident problem session error errors
    """
_TITLE_STOP = frozenset(_TITLE_STOP_WORDS.split())


def title_words(title: str) -> list[str]:
    words = re.findall(r"[a-z][a-z0-9]+", title.lower())
    return sorted({w for w in words if w not in _TITLE_STOP and len(w) > 2})


def session_features(
    session_id: str, session: Session, events: Sequence[Event]
) -> dict[str, Any]:
    """The features of one session (see the module docstring)."""
    found = _Collector()
    for event in events:
        loose = event.kind in sig.ERROR_KINDS
        found.add_text(event.text, any_error_word=loose)
        if event.output:
            found.add_text(event.output, any_error_word=False)
    _add_session_texts(found, session)
    root_files: list[str] = []
    if (root := session.root_cause) is not None:
        if root.location:
            path = sig.clean_path(root.location)
            root_files += [path] if path else []
        for text in (root.summary or "", *root.evidence):
            # Not the files of a sentence that rules them out ("the January fix in
            # `worker/db.py` did not apply here"): still places the report points
            # at, not its cause.
            for sentence in _SENTENCE_END.split(text):
                if not _RULED_OUT.search(sentence):
                    root_files += sig.code_locations(sentence)
    started = session.started.date().isoformat() if session.started else None
    facts = _facts(session, events, found)
    # The places its errors and its facts' files (line numbers off) name.
    fact_files = (sig.clean_path(f.split(":", 1)[0]) for f in facts.get("files", ()))
    places = dict.fromkeys([*found.locations, *filter(None, fact_files)])
    texts = _strings(session, events)
    own = names(session.title, session.imported_from, session.number)
    from journal.model.session import HEADER_SECTIONS

    # Where a report says what it carries on from: its title, its summary and its
    # header (an imported `**Previous:** Session 7`). A name met anywhere else may
    # be in passing ("after Session 8's deploy").
    header = [s.body for s in session.sections if s.title in HEADER_SECTIONS]
    said = cites([session.title, session.summary or "", *header], own)
    return {
        "id": session_id,
        "title": " ".join(session.title.split()),
        "number": session.number,
        "day": started or session_id[:10],
        "tags": sorted(set(session.tags)),
        "components": sorted({c.name.strip().lower() for c in session.components}),
        "title_words": title_words(session.title),
        "signatures": found.rows(),
        "signature_words": [sorted(s.tokens) for s in found.signatures.values()],
        "root_files": list(dict.fromkeys(root_files)),
        "locations": [p for p in places if p not in root_files],
        "shas": list(
            dict.fromkeys(e.sha for e in events if e.kind == "commit" and e.sha)
        ),
        "facts": facts,
        "previous": session.previous,
        "names": own,
        "cites": said,
        "mentions": [name for name in cites(texts, own) if name not in said],
        "terms": term_counts(texts),
    }


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*(])|\n\s*\n")
_RULED_OUT = re.compile(
    r"\b(?:did|does|do|was|were|is|are|had)(?:n['’]t| not)\s+(?:\w+\s+)?"
    r"(?:apply|applied|cause|the cause|related|involved|responsible|at fault|matter)\b|"
    r"\bnot\s+(?:the\s+)?(?:root\s+)?cause\b|\bruled\s+out\b|\bred\s+herring\b|"
    r"\bunrelated\b",
    re.IGNORECASE,
)


_SKIPPED_KEYS = """
    labels sources schema started ended at sha tags number date_source imported_from
    """
_SKIPPED = frozenset(_SKIPPED_KEYS.split())


def _strings(session: Session, events: Sequence[Event]) -> list[str]:
    """Every text of a session and its timeline (not its times, ids or labels)."""
    from journal.model.session import to_builtins

    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in _SKIPPED:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(to_builtins(session))
    # Notes are left out: logging one must not move any score (the related map
    # keeps its rows then); what an incident is about is in its other events.
    found.extend(e.text for e in events if e.text and e.kind != "note")
    return found


def _facts(
    session: Session, events: Sequence[Event], found: _Collector
) -> dict[str, list[str]]:
    """The session's facts: those it keeps (`facts:`, from an import or `set`) and
    those of its own texts (timeline, detection, root cause); their error lines
    also become signatures."""
    from journal.insight.facts import merged, text_facts
    from journal.model.session import to_builtins

    kept: dict[str, Any] = {} if session.facts is None else to_builtins(session.facts)
    texts = [e.text for e in events if e.text]
    if session.detection is not None:
        texts += [session.detection.summary or ""]
        texts += [s.code for s in session.detection.snippets]
    if session.root_cause is not None:
        texts += [session.root_cause.summary or "", session.root_cause.location or ""]
    facts = merged(kept, text_facts(texts))
    for line in kept.get("errors", ()):
        found.add_text(line, any_error_word=True)
    return facts


def _add_session_texts(found: _Collector, session: Session) -> None:
    if (detection := session.detection) is not None:
        found.add_text(detection.summary or "", any_error_word=True)
        for snippet in detection.snippets:
            found.add_text(snippet.code, any_error_word=True)
    strict: list[str] = []  # errors by their form only
    if (root := session.root_cause) is not None:
        # The summary, any line an error; the code an import kept in it where it
        # stood (`importer/prose.py`) read as a snippet is.
        summary = root.summary or ""
        found.add_text(_FENCE_RE.sub("", summary), any_error_word=True)
        strict += [block[2] for block in _FENCE_RE.finditer(summary)]
        strict += [root.trigger or "", *root.evidence, *(s.code for s in root.snippets)]
    for section in session.sections:
        strict += [block[2] for block in _FENCE_RE.finditer(section.body)]
    if session.impact is not None:
        strict += session.impact.symptoms
    for text in strict:
        found.add_text(text, any_error_word=False)


class _Collector:
    def __init__(self) -> None:
        self.signatures: dict[str, sig.Signature] = {}
        self.locations: list[str] = []

    def add_text(self, text: str, *, any_error_word: bool) -> None:
        if not text:
            return
        found = sig.text_signatures(text, any_error_word=any_error_word)
        for signature in found:
            self.signatures.setdefault(signature.key, signature)
        if found or sig.has_frames(text):
            for path in sig.code_locations(text):
                if path not in self.locations:
                    self.locations.append(path)

    def rows(self) -> list[list[str]]:
        return [[s.kind or "", s.key, s.text[:300]] for s in self.signatures.values()]


def signatures_of(features: dict[str, Any]) -> list[sig.Signature]:
    """The stored rows back as signatures (with their words, when kept)."""
    rows = features.get("signatures", ())
    words = features.get("signature_words")
    # Words kept beside the rows, unless a damaged cache lost the pairing.
    paired = words if words is not None and len(words) == len(rows) else None
    found = []
    for n, (kind, key, text) in enumerate(rows):
        skeleton = key[len(kind) + 2 :] if kind else key
        tokens = frozenset(paired[n]) if paired else None
        found.append(sig.Signature(kind or None, skeleton, text, tokens))
    return found
