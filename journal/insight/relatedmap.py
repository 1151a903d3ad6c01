"""Every session's related sessions at once, for the reports and the site, kept in
the state folder and brought up to date session by session.

The first build scores every candidate pair (`relatedrows.py`: shared files and
components from postings, shared errors and similar titles from joins) and compares
in full only each session's best `limit`. After that, a change to a few sessions
redoes only what it can move: the rows of the changed sessions, the rows that listed
one of them, and an insertion wherever a changed session now ranks among a row's
best. What is kept for that: each session's inputs (its files' stat and the files
its commits changed), its best related sessions, and the sessions sharing an error
with it (the one join too costly to redo per change).

The result is the same as `Ranker.related` for each session, built or updated
(tests/test_related_map.py checks both against comparing every pair), with one
allowance: text similarity weighs words by their rarity in the whole journal, and
an update rescores only the rows it redoes, so the other rows keep the word counts
of the run that made them until the next build (more than `UPDATE_SHARE` of the
sessions changed, or the evidence too common to count or a file's names moved).

The map is kept in one file of the state folder with what every score assumed (the
salt of every cache, the limit, `Ranker.journal_wide` — the evidence too common to
count and the files' other names — and the commit HEAD named, which renames
follow), decoded by msgspec straight into `Related`
structs (100,000 of them at 10,000 sessions) and remembered by the process that
last read or wrote it (`store/cache.py`): `site serve` regenerates in one process.
A missing, damaged or foreign file is no map at all; the map is then built again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec

# The ranking's modules (`related`, `relatedrows`, `joins`, `pool`: ~4 ms of
# imports) are imported by the functions that rank: a site generation whose map is
# kept and whose files did not move only reads the map.
from journal.insight.relatedtype import Related
from journal.store.cache import (
    paused_gc,
    remember,
    remembered,
    salt,
    save_cache_bytes,
    session_stats,
)

if TYPE_CHECKING:
    from pathlib import Path

    from journal.insight import related as rel
    from journal.store.sessions import Journal

CACHE_NAME = "related-map.json"
FORMAT = 6
ARRAYS_FROM = 300
"""Sessions from which a first build scores its rows over numpy arrays: numpy takes
~90 ms to import, more than a journal of a few hundred sessions' rows take in
Python (the org site's first build of 3 × 10 sessions paid it three times)."""
POOL_FROM = 1000
"""Sessions from which a first build shares its rows among worker processes:
below, starting them costs more than it saves."""
UPDATE_SHARE = 0.05
"""Share of changed sessions above which the map is built again rather than
updated (each changed session's error query reads every signature)."""
Rows = dict[str, list[Related]]


class _Stored(msgspec.Struct):
    """The file's layout: sessions by position in the error lists."""

    format: int
    salt: str
    limit: int
    journal_wide: list[str]
    head: str | None
    sessions: list[str]
    stats: list[Any]
    inputs: list[Any]
    related: list[list[Related]]
    errors: dict[str, list[int]]


@dataclass
class KeptMap:
    """The map and what it was made from: each session's stats and row inputs,
    its best related sessions and who shares an error with it."""

    stats: dict[str, Any]
    inputs: dict[str, Any]
    related: Rows
    errors: dict[str, set[str]]
    journal_wide: frozenset[str] = frozenset()
    head: str | None = None

    @classmethod
    def decode(cls, raw: bytes, *, under: str, limit: int) -> KeptMap | None:
        """What `raw` holds, or None when it is damaged or was made under another
        salt or for another limit."""
        try:
            with paused_gc():
                stored = msgspec.json.decode(raw, type=_Stored)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return None
        if (stored.format, stored.salt, stored.limit) != (FORMAT, under, limit):
            return None
        sessions = stored.sessions
        columns = (stored.stats, stored.inputs, stored.related)
        if any(len(column) != len(sessions) for column in columns):
            return None
        try:
            errors = {
                sessions[int(n)]: {sessions[m] for m in mates}
                for n, mates in stored.errors.items()
            }
        except (ValueError, IndexError):
            return None
        return cls(
            dict(zip(sessions, stored.stats, strict=True)),
            dict(zip(sessions, stored.inputs, strict=True)),
            dict(zip(sessions, stored.related, strict=True)),
            errors,
            journal_wide=frozenset(stored.journal_wide),
            head=stored.head,
        )

    def encode(self, *, under: str, limit: int) -> bytes:
        sessions = list(self.inputs)
        number = {sid: n for n, sid in enumerate(sessions)}
        errors = {
            str(number[sid]): sorted(number[m] for m in mates if m in number)
            for sid, mates in self.errors.items()
            if mates and sid in number
        }
        stored = _Stored(
            format=FORMAT,
            salt=under,
            limit=limit,
            journal_wide=sorted(self.journal_wide),
            head=self.head,
            sessions=sessions,
            stats=[self.stats[sid] for sid in sessions],
            inputs=[self.inputs[sid] for sid in sessions],
            related=[self.related.get(sid, []) for sid in sessions],
            errors=errors,
        )
        return msgspec.json.encode(stored)


def _load(path: Path, under: str, limit: int) -> KeptMap | None:
    """The kept map at `path`, from memory while the file is the one last seen."""
    kept = remembered(path, [under, limit])
    if kept is None:
        try:
            kept = KeptMap.decode(path.read_bytes(), under=under, limit=limit)
        except OSError:
            return None
        if kept is not None:
            remember(path, [under, limit], kept)
    return kept  # type: ignore[no-any-return]


def _save(path: Path, kept: KeptMap, under: str, limit: int) -> None:
    save_cache_bytes(path, kept.encode(under=under, limit=limit))
    remember(path, [under, limit], kept)


def related_map(journal: Journal, *, limit: int = 10) -> Rows:
    """Each readable session's related sessions, best first (kept in the state
    folder; only what a change to a session's files or linked commits can move
    is computed again)."""
    with paused_gc():  # ~10 objects a session kept, a million made: see there
        return _related_map(journal, limit)


def related_to(ranker: rel.Ranker, sid: str, *, limit: int = 10) -> list[Related]:
    """`ranker.related(sid)`, from one row of the indexes (`journal related`)."""
    from journal.insight.relatedrows import Evidence

    evidence = Evidence(ranker)
    errors = evidence.error_partners(sid)
    row = evidence.row(sid, errors)
    return _best(ranker, sid, row, limit, errors)


def ranker_for(journal: Journal, *, with_git: bool = True) -> rel.Ranker:
    """A ranker over every readable session of `journal` (the signature index
    refreshed), with the files its linked commits changed when git knows them."""
    from journal.insight.related import Ranker
    from journal.insight.sigindex import refresh

    features = refresh(journal)
    return ranker_with_git(journal, features) if with_git else Ranker(features)


def ranker_with_git(
    journal: Journal, features: dict[str, dict[str, Any]]
) -> rel.Ranker:
    """A ranker over `features`, with the files their linked commits changed."""
    from journal.insight.changes import load_changes
    from journal.insight.related import Ranker

    changed: dict[str, list[str]] = {}
    shas = [s for f in features.values() for s in f.get("shas", ())]
    if shas:
        changed = load_changes(journal.root, journal.state_dir, shas).files
    return Ranker(features, changed)


def _related_map(journal: Journal, limit: int) -> Rows:
    from journal.gitlink.head import head_commit

    path = journal.state_dir / CACHE_NAME
    under = salt(journal)
    kept = _load(path, under, limit)
    head = head_commit(journal.root)
    current = kept is not None and kept.head == head  # renames follow HEAD
    if kept is not None and current and _unmoved(journal, kept):
        return kept.related  # no file moved: nor did any score
    from journal.insight.sigindex import records

    found = records(journal)
    digests = _digests(found, kept)
    if (
        kept is not None
        and current
        and digests.keys() == kept.inputs.keys()
        and all(kept.inputs[sid][0] == digest for sid, digest in digests.items())
    ):
        # Files rewritten over the same features (a note logged): no score moved;
        # their new stat is kept, so the next run stops at the one above.
        kept.stats = {sid: record["stat"] for sid, record in found.items()}
        _save(path, kept, under, limit)
        return kept.related
    ranker = ranker_with_git(
        journal, {sid: record["features"] for sid, record in found.items()}
    )
    if kept is not None and kept.journal_wide != ranker.journal_wide:
        kept = None  # evidence too common to count, or a file's names, changed
    # What each session's row is made of: its features and its commits' files.
    inputs = {sid: [digest, ranker.changed[sid]] for sid, digest in digests.items()}
    if kept is not None:
        dirty = {sid for sid, value in inputs.items() if kept.inputs.get(sid) != value}
        removed = set(kept.inputs) - set(inputs)
        if not dirty and not removed:  # HEAD moved, no rename touched them
            related, errors = kept.related, kept.errors
        elif len(dirty) <= UPDATE_SHARE * len(inputs) + 1:
            related, errors = update(ranker, kept, dirty, removed, limit=limit)
        else:
            kept = None
    if kept is None:
        related, errors = build(ranker, limit=limit)
    stats = {sid: record["stat"] for sid, record in found.items()}
    wide = ranker.journal_wide
    fresh = KeptMap(stats, inputs, related, errors, journal_wide=wide, head=head)
    _save(path, fresh, under, limit)
    return related


def _unmoved(journal: Journal, kept: KeptMap) -> bool:
    """Whether the sessions are those of `kept`, their files where they were."""
    folder, ids = str(journal.sessions_dir), journal.session_ids()
    if len(ids) != len(kept.stats):
        return False
    stats = kept.stats
    return all(stats.get(sid) == session_stats(folder, sid) for sid in ids)


def _digests(found: dict[str, Any], kept: KeptMap | None) -> dict[str, str]:
    """A digest of each session's features: kept from the last map for a session
    whose files kept their stat (its features did too), made for the others (a
    note logged rewrites the timeline, not the features)."""
    import hashlib

    digests = {}
    for sid, record in found.items():
        before = kept.inputs.get(sid) if kept is not None else None
        if (
            before is not None
            and kept is not None
            and kept.stats[sid] == record["stat"]
        ):
            digests[sid] = before[0]
        else:
            raw = msgspec.json.encode(record["features"])
            digests[sid] = hashlib.blake2b(raw, digest_size=16).hexdigest()
    return digests


def build(
    ranker: rel.Ranker, *, limit: int, arrays: bool | None = None
) -> tuple[Rows, dict[str, set[str]]]:
    """Every session's best related sessions, and the sessions sharing an error
    with each, from nothing. Rows are scored over arrays (`Evidence.best`) in a
    journal of `ARRAYS_FROM` sessions or more (or as `arrays` says), else each
    candidate in Python (`Evidence.row`): below, importing numpy costs more than
    it saves. From `POOL_FROM` sessions the rows are shared among forked workers
    (`journal/pool.py`), each inheriting the ranker and its arrays."""
    from journal.insight.joins import error_pairs, partners
    from journal.insight.relatedrows import Evidence
    from journal.pool import pooled

    evidence = Evidence(ranker)
    sids = list(ranker.features)
    errors = partners(error_pairs({sid: ranker.signatures[sid] for sid in sids}))
    if arrays is None:
        arrays = len(sids) >= ARRAYS_FROM

    def rows(chunk: list[str]) -> Rows:
        found = {}
        for sid in chunk:
            mates = errors.get(sid, set())
            if arrays:
                best = evidence.best(sid, mates, limit)
                found[sid] = [ranker.compare(sid, o, error=o in mates) for o, _ in best]
            else:
                row = evidence.row(sid, mates)
                found[sid] = _best(ranker, sid, row, limit, mates)
        return found

    if len(sids) < POOL_FROM:
        return rows(sids), errors
    if arrays:
        evidence.arrays()  # made once, before the fork
    ranker.named_partners(sids[0])  # the title postings too

    def sent(chunk: list[str]) -> bytes:
        return msgspec.msgpack.encode(rows(chunk))

    related: Rows = {}
    for made in pooled(sent, sids, size=max(50, len(sids) // 64)):
        related.update(_ROWS.decode(made))
    return related, errors


_ROWS = msgspec.msgpack.Decoder(dict[str, list[Related]])
"""A chunk of rows as a worker sends them, decoded straight into structs."""


def update(
    ranker: rel.Ranker,
    kept: KeptMap,
    dirty: set[str],
    removed: set[str],
    *,
    limit: int,
) -> tuple[Rows, dict[str, set[str]]]:
    """`kept` brought up to date after the sessions in `dirty` changed (or were
    added) and those in `removed` went: every other pair scores as it did."""
    from journal.insight.relatedrows import Evidence

    evidence = Evidence(ranker)
    gone = dirty | removed
    errors = {
        sid: mates - gone for sid, mates in kept.errors.items() if sid not in gone
    }
    for sid in sorted(dirty):
        mates = evidence.error_partners(sid)
        errors[sid] = mates
        for other in mates:
            errors.setdefault(other, set()).add(sid)
    features = ranker.features
    related = {sid: rows for sid, rows in kept.related.items() if sid in features}
    # Rows that listed a changed or removed session are made again whole: the one
    # they lose may leave room for a session they did not list.
    redo = set(dirty) | {
        sid for sid, rows in related.items() if any(r.id in gone for r in rows)
    }
    rows = {}
    for sid in sorted(redo):
        mates = errors.get(sid, set())
        row = evidence.row(sid, mates)
        related[sid] = _best(ranker, sid, row, limit, mates)
        rows[sid] = row
    # Everywhere else a changed session can only come in, where it now ranks.
    for sid in sorted(dirty):
        for other, score in rows[sid].items():
            if other not in redo:
                related[other] = _admit(
                    ranker,
                    related[other],
                    other,
                    sid,
                    score,
                    limit,
                    error=sid in errors.get(other, ()),
                )
    return {sid: related[sid] for sid in ranker.features}, errors


def _best(
    ranker: rel.Ranker,
    sid: str,
    row: dict[str, float],
    limit: int,
    errors: set[str],
) -> list[Related]:
    """The best `limit` of a row, compared in full for their reasons (`errors`:
    the sessions sharing an error with `sid`)."""
    ranked = sorted(row.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [ranker.compare(sid, o, error=o in errors) for o, _ in ranked]


def _admit(
    ranker: rel.Ranker,
    rows: list[Related],
    sid: str,
    other: str,
    score: float,
    limit: int,
    *,
    error: bool,
) -> list[Related]:
    """`rows` with `other` in its place if it ranks among the best `limit`."""
    if len(rows) >= limit and (-score, other) > (-rows[-1].score, rows[-1].id):
        return rows
    ranked = [*rows, ranker.compare(sid, other, error=error)]
    ranked.sort(key=lambda r: (-r.score, r.id))
    return ranked[:limit]
