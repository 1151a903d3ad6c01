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
sessions changed, or the evidence too common to count moved).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from journal.insight import related as rel
from journal.insight import relatedcache as cache
from journal.insight.relatedrows import (
    Evidence,
    error_pairs,
    partners,
    title_pairs,
)

if TYPE_CHECKING:
    from journal.store.sessions import Journal

CACHE_NAME = cache.CACHE_NAME
UPDATE_SHARE = 0.05
"""Share of changed sessions above which the map is built again rather than
updated (each changed session's error query reads every signature)."""
Rows = cache.Rows


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
    from journal.gitlink.head import head_commit
    from journal.insight.sigindex import records, session_stats

    path = journal.state_dir / CACHE_NAME
    kept = cache.load(path, limit=limit)
    head = head_commit(journal.root)
    current = kept is not None and kept.head == head  # renames follow HEAD
    if kept is not None and current and session_stats(journal) == kept.stats:
        return kept.related  # no file moved: nor did any score
    found = records(journal)
    if kept is not None and current and _same(found, kept):
        # Files rewritten over the same features (a note logged): no score moved;
        # their new stat is kept, so the next run stops at the one above.
        kept.stats = {sid: record["stat"] for sid, record in found.items()}
        cache.save(path, kept, limit=limit)
        return kept.related
    ranker = rel.ranker_with_git(
        journal, {sid: record["features"] for sid, record in found.items()}
    )
    if kept is not None and kept.common != ranker.common:
        kept = None  # evidence too common to count changed: every score may have
    inputs = _inputs(found, ranker, kept)
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
    fresh = cache.KeptMap(
        stats, inputs, related, errors, common=ranker.common, head=head
    )
    cache.save(path, fresh, limit=limit)
    return related


def _same(found: dict[str, Any], kept: cache.KeptMap) -> bool:
    """Whether the sessions are those of `kept` with the same features: the same
    stat, or a new stat over features of the same digest (a note logged rewrites
    the timeline, not the features)."""
    if len(found) != len(kept.inputs):
        return False
    for sid, record in found.items():
        before = kept.inputs.get(sid)
        if before is None:
            return False
        if kept.stats[sid] != record["stat"] and before[0] != _digest(record):
            return False
    return True


def _digest(record: dict[str, Any]) -> str:
    import hashlib

    import msgspec

    raw = msgspec.json.encode(record["features"])
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _inputs(
    found: dict[str, Any], ranker: rel.Ranker, kept: cache.KeptMap | None
) -> dict[str, Any]:
    """What each session's row is made of: the digest of its features and the
    files its commits changed. A session whose files kept their stat kept its
    features, so only the others are digested."""
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
            digest = _digest(record)
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
        best = evidence.best(sid, mates, titles.get(sid, set()), limit)
        related[sid] = [ranker.compare(sid, o, error=o in mates) for o, _ in best]
    return related, errors


def update(
    ranker: rel.Ranker,
    kept: cache.KeptMap,
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
