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
(tests/test_related_map.py checks both against comparing every pair).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from journal import __version__
from journal.insight import related as rel
from journal.insight.relatedrows import (
    Evidence,
    error_pairs,
    partners,
    title_pairs,
)

if TYPE_CHECKING:
    from pathlib import Path

    from journal.store.sessions import Journal

CACHE_NAME = "related-map.json"
FORMAT = 3
UPDATE_SHARE = 0.05
"""Share of changed sessions above which the map is built again rather than
updated (each changed session's error query reads every signature)."""
RESTAT_ABOVE = 50
"""Sessions with new stats but the same features above which the map is saved."""
Rows = dict[str, list[rel.Related]]


def related_map(journal: Journal, *, limit: int = 10) -> Rows:
    """Each readable session's related sessions, best first (kept in the state
    folder; only what a change to a session's files or linked commits can move
    is computed again)."""
    from journal.store.fingerprint import paused_gc

    with paused_gc():  # ~10 objects a session kept, a million made: see there
        return _related_map(journal, limit)


def related_to(ranker: rel.Ranker, sid: str, *, limit: int = 10) -> list[rel.Related]:
    """`ranker.related(sid)`, from one row of the indexes (`journal related`)."""
    evidence = Evidence(ranker)
    errors = evidence.error_partners(sid)
    row = evidence.row(sid, errors, evidence.title_partners(sid))
    return _best(ranker, sid, row, limit, errors)


def _related_map(journal: Journal, limit: int) -> Rows:
    from journal.insight.sigindex import records

    found = records(journal)
    ranker = rel.ranker_with_git(
        journal, {sid: record["features"] for sid, record in found.items()}
    )
    path = journal.state_dir / CACHE_NAME
    kept = _load(path, limit=limit, common=ranker.common)
    inputs = _inputs(found, ranker, kept)
    if kept is not None:
        dirty = {sid for sid, value in inputs.items() if kept.inputs.get(sid) != value}
        removed = set(kept.inputs) - set(inputs)
        if not dirty and not removed:
            # Files rewritten with the same features (a note logged): their new
            # stat is kept only once many differ, as rewriting the map costs more
            # than digesting a few sessions' features again.
            moved = sum(kept.stats.get(sid) != found[sid]["stat"] for sid in found)
            if moved > RESTAT_ABOVE:
                kept.stats = {sid: record["stat"] for sid, record in found.items()}
                _save(path, kept, ranker.common, limit)
            return kept.related
        if len(dirty) <= UPDATE_SHARE * len(inputs) + 1:
            related, errors = update(ranker, kept, dirty, removed, limit=limit)
        else:
            kept = None
    if kept is None:
        related, errors = build(ranker, limit=limit)
    stats = {sid: record["stat"] for sid, record in found.items()}
    _save(path, _Kept(stats, inputs, related, errors), ranker.common, limit)
    return related


_LOADED: dict[str, tuple[Any, _Kept]] = {}
"""The map this process last read or wrote, by path, with the file's stat: `site
serve` regenerates in one process, and decoding the map costs ~0.1 s at 10,000
sessions."""


def _load(path: Path, *, limit: int, common: frozenset[str]) -> _Kept | None:
    from journal.store.fingerprint import load_cache, stat_key

    known = _LOADED.get(str(path))
    stat = stat_key(path)
    if known is not None and stat is not None and known[0] == [stat, limit, common]:
        return known[1]
    kept = _Kept.load(load_cache(path), limit=limit, common=common)
    if kept is not None:
        _LOADED[str(path)] = ([stat, limit, common], kept)
    return kept


def _save(path: Path, kept: _Kept, common: frozenset[str], limit: int) -> None:
    from journal.store.fingerprint import save_cache_bytes, stat_key

    save_cache_bytes(path, kept.encode(common, limit))
    _LOADED[str(path)] = ([stat_key(path), limit, common], kept)


def _inputs(
    found: dict[str, Any], ranker: rel.Ranker, kept: _Kept | None
) -> dict[str, Any]:
    """What each session's row is made of: the digest of its features and the
    files its commits changed. A session whose files kept their stat kept its
    features, so only the others are digested."""
    import hashlib

    import msgspec

    inputs = {}
    for sid, record in found.items():
        before = kept.inputs.get(sid) if kept is not None else None
        if (
            before is not None
            and kept is not None
            and kept.stats[sid] == record["stat"]
        ):
            digest = before[0]
        else:
            raw = msgspec.json.encode(record["features"])
            digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        inputs[sid] = [digest, ranker.changed[sid]]
    return inputs


def all_related(ranker: rel.Ranker, *, limit: int = 10) -> Rows:
    """`ranker.related(s)` for every session `s`, scoring candidate pairs only."""
    return build(ranker, limit=limit)[0]


def build(ranker: rel.Ranker, *, limit: int) -> tuple[Rows, dict[str, set[str]]]:
    """Every session's best related sessions, and the sessions sharing an error
    with each, from nothing."""
    evidence = Evidence(ranker)
    sids = list(ranker.features)
    errors = partners(error_pairs({sid: ranker.signatures[sid] for sid in sids}))
    titles = partners(title_pairs(evidence.titles))
    related = {}
    for sid in sids:
        mates = errors.get(sid, set())
        row = evidence.row(sid, mates, titles.get(sid, set()))
        related[sid] = _best(ranker, sid, row, limit, mates)
    return related, errors


def update(
    ranker: rel.Ranker,
    kept: _Kept,
    dirty: set[str],
    removed: set[str],
    *,
    limit: int,
) -> tuple[Rows, dict[str, set[str]]]:
    """`kept` brought up to date after the sessions in `dirty` changed (or were
    added) and those in `removed` went: every other pair scores as it did."""
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
        row = evidence.row(sid, mates, evidence.title_partners(sid))
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
) -> list[rel.Related]:
    """The best `limit` of a row, compared in full for their reasons (`errors`:
    the sessions sharing an error with `sid`)."""
    ranked = sorted(row.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [ranker.compare(sid, o, error=o in errors) for o, _ in ranked]


def _admit(
    ranker: rel.Ranker,
    rows: list[rel.Related],
    sid: str,
    other: str,
    score: float,
    limit: int,
    *,
    error: bool,
) -> list[rel.Related]:
    """`rows` with `other` in its place if it ranks among the best `limit`."""
    if len(rows) >= limit and (-score, other) > (-rows[-1].score, rows[-1].id):
        return rows
    ranked = [*rows, ranker.compare(sid, other, error=error)]
    ranked.sort(key=lambda r: (-r.score, r.id))
    return ranked[:limit]


class _Kept:
    """The map as a run leaves it for the next: each session's files' stat and
    row inputs, its best related sessions, and who shares an error with it."""

    def __init__(
        self,
        stats: dict[str, Any],
        inputs: dict[str, Any],
        related: Rows,
        errors: dict[str, set[str]],
    ) -> None:
        self.stats = stats
        self.inputs = inputs
        self.related = related
        self.errors = errors

    @classmethod
    def load(
        cls, stored: dict[str, Any], *, limit: int, common: frozenset[str]
    ) -> _Kept | None:
        """What the cache holds, or None when it is missing, damaged, or was made
        by another version, for another limit or with other common evidence
        (which changes every score)."""
        same = (
            stored.get("format") == FORMAT
            and stored.get("version") == __version__
            and stored.get("limit") == limit
            and stored.get("common") == sorted(common)
        )
        if not same:
            return None
        try:
            sessions: list[str] = stored["sessions"]
            columns = [stored[k] for k in ("stats", "inputs", "related")]
            stats, inputs, rows = (dict(zip(sessions, c, strict=True)) for c in columns)
            related = {
                sid: [rel.Related(*row) for row in items] for sid, items in rows.items()
            }
            errors = {
                sessions[int(n)]: {sessions[m] for m in mates}
                for n, mates in stored["errors"].items()
            }
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        return cls(stats, inputs, related, errors)

    def encode(self, common: frozenset[str], limit: int) -> bytes:
        """The cache file's bytes; sessions by number in the error lists."""
        import msgspec

        sessions = list(self.inputs)
        number = {sid: n for n, sid in enumerate(sessions)}
        errors = {
            str(number[sid]): sorted(number[m] for m in mates if m in number)
            for sid, mates in self.errors.items()
            if mates and sid in number
        }
        return msgspec.json.encode(
            {
                "format": FORMAT,
                "version": __version__,
                "limit": limit,
                "common": sorted(common),
                "sessions": sessions,
                "stats": [self.stats[sid] for sid in sessions],
                "inputs": [self.inputs[sid] for sid in sessions],
                "related": [_rows(self.related.get(sid, ())) for sid in sessions],
                "errors": errors,
            }
        )


def _rows(items: Iterable[rel.Related]) -> list[list[Any]]:
    return [[r.id, r.title, r.number, r.day, r.score, r.reasons] for r in items]
