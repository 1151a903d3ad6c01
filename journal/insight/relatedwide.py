"""What every related score assumes of the whole journal (`Ranker.journal_wide`):
the name each file goes by however reports write it (`samefile`), and the evidence
too common to count — tags, changed files and title words on more than a share of
the sessions, and the tags an import made of an outcome. When any of it moves, any
row of the related map may: the map is built again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from journal.insight import samefile

OUTCOME_TAGS = ("status:", "severity:")
"""Tags an import makes of a status or severity the journal does not know
(`status:deployed`): how an incident ended or how bad it was, not what it was."""


def one_name_a_file(
    features: dict[str, dict[str, Any]], changed_by: dict[str, list[str]]
) -> tuple[dict[str, str], dict[str, dict[str, Any]], dict[str, list[str]]]:
    """The files' other names (`samefile.aliases`), and each session's features
    and changed files with every file by the name it goes by."""
    aliases = samefile.aliases(
        {
            sid: [*f["root_files"], *f["locations"], *changed_by[sid]]
            for sid, f in features.items()
        }
    )
    if not aliases:
        return aliases, features, changed_by
    renamed = {sid: _renamed(f, aliases) for sid, f in features.items()}
    changed = {
        sid: sorted(set(samefile.renamed(files, aliases)))
        for sid, files in changed_by.items()
    }
    return aliases, renamed, changed


def too_common(
    features: dict[str, dict[str, Any]],
    changed_by: dict[str, list[str]],
    share: float,
) -> frozenset[str]:
    """Tags, changed files and title words (as `title:<word>`) on more than `share`
    of the sessions (a journal of 10 or more), and every outcome tag."""
    outcomes = {
        tag
        for f in features.values()
        for tag in f["tags"]
        if tag.startswith(OUTCOME_TAGS)
    }
    if len(features) < 10:
        return frozenset(outcomes)
    counts: Counter[str] = Counter()
    for sid, f in features.items():
        counts.update({f"tag:{t}" for t in f["tags"]})
        counts.update({f"title:{w}" for w in f["title_words"]})
        counts.update(set(changed_by.get(sid, ())))
    limit = share * len(features)
    common = {k.removeprefix("tag:") for k, n in counts.items() if n > limit}
    return frozenset(common | outcomes)


def kept_title_words(
    features: dict[str, dict[str, Any]], common: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Each title's words but those too common (`too_common`: "pool" in every "… on
    pool 3"), which make two titles alike while saying nothing."""
    return {
        sid: frozenset(w for w in f["title_words"] if f"title:{w}" not in common)
        for sid, f in features.items()
    }


def _renamed(f: dict[str, Any], alias: dict[str, str]) -> dict[str, Any]:
    """A session's features with its files by the names they go by (a copy when
    one is renamed: the signature index's records stay as read)."""
    roots, places = f["root_files"], f["locations"]
    if not any(name in alias for name in (*roots, *places)):
        return f
    return {
        **f,
        "root_files": samefile.renamed(roots, alias),
        "locations": samefile.renamed(places, alias),
    }
