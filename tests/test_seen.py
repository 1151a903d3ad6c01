"""The "seen before" digest: read in parts, it finds exactly what comparing the new line
with every stored signature finds."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from journal.insight import seen
from journal.insight import signatures as sig
from journal.insight.sigindex import SHARD_SIZE, digest_bytes

_VOCABULARY = (
    "queue worker pool gateway database replica cache deploy config latency budget "
    "shard index lock retry backoff mapper token migration rollout canary probe node "
    "disk memory thread connection request response client server region zone schema"
)
_WORDS = _VOCABULARY.split(" ")
_FAILURES = ("timeout", "refused", "failed", "denied", "unavailable", "error")
_TYPES = ("", "", "", "redis.exceptions.ResponseError", "OperationalError", "KeyError")


def _line(rng: random.Random) -> str:
    """An error line: mostly untyped, many sharing words, with variable parts."""
    kind = rng.choice(_TYPES)
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 7)))
    failure = rng.choice(_FAILURES)
    text = f"{words} {failure} after {rng.randint(1, 999)} ms at 0x{rng.randrange(16**6):x}"
    return f"{kind}: {text}" if kind else text.capitalize()


def _features(count: int) -> dict[str, dict[str, Any]]:
    rng = random.Random(20251104)
    features: dict[str, dict[str, Any]] = {}
    for n in range(count):
        signatures = sig.text_signatures("\n".join(_line(rng) for _ in range(4)))
        features[f"2025-01-{n:04d}-s"] = {
            "title": f"Session {n}",
            "number": n,
            "signatures": [[s.kind or "", s.key, s.text] for s in signatures],
            "root_files": [f"app/{_WORDS[n % len(_WORDS)]}.py"],
        }
    return features


def _every_comparison(
    features: dict[str, dict[str, Any]], text: str
) -> dict[str, float]:
    """The best score per session, comparing the text with every signature stored."""
    best: dict[str, float] = {}
    for new in sig.text_signatures(text):
        kind = (new.kind or "").rsplit(".", 1)[-1]
        for session_id, data in features.items():
            for other_kind, key, _ in data["signatures"]:
                if other_kind.rsplit(".", 1)[-1] != kind:
                    continue
                skeleton = key[len(other_kind) + 2 :] if other_kind else key
                score = sig.similar(new, sig.informative(skeleton))
                if score >= sig.SAME and score > best.get(session_id, 0):
                    best[session_id] = score
    return best


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    features = _features(300)
    folder = tmp_path_factory.mktemp("state")
    (folder / seen.SEEN_NAME).write_bytes(digest_bytes(features))
    return folder, features


def test_the_untyped_bucket_is_cut_in_shards(digest: tuple[Path, Any]) -> None:
    folder, features = digest
    untyped = sum(
        1 for data in features.values() for kind, _, _ in data["signatures"] if not kind
    )
    handle, header = seen._open(folder) or pytest.fail("the digest does not open")
    with handle:
        shards, sizes, offsets = seen.Digest(handle, header).read("sizes:")
    assert len(sizes) == len(offsets) == untyped > 2 * SHARD_SIZE
    assert shards == untyped // SHARD_SIZE
    names = {name for name in header["parts"] if name.startswith("words::")}
    assert len(names) > 1 and names <= {f"words::{n}" for n in range(shards)}


def test_the_digest_finds_what_comparing_every_signature_finds(
    digest: tuple[Path, dict[str, Any]],
) -> None:
    folder, features = digest
    rng = random.Random(7)
    stored = [text for data in features.values() for _, _, text in data["signatures"]]
    queries = rng.sample(stored, 60)
    # Reworded: a word added or one dropped, numbers and addresses changed.
    queries += [f"{q} again" for q in rng.sample(stored, 30)]
    queries += [" ".join(q.split()[1:]) for q in rng.sample(stored, 30)]
    queries += [_line(rng) for _ in range(30)]
    found_any = 0
    for text in queries:
        expected = _every_comparison(features, text)
        matches = seen.seen_before(folder, "none", text=text)
        assert {m.session_id: m.score for m in matches} == pytest.approx(expected)
        found_any += bool(expected)
    assert found_any >= 60  # the stored lines at least find themselves


def test_a_match_names_the_session_and_the_line(
    digest: tuple[Path, dict[str, Any]],
) -> None:
    folder, features = digest
    session_id, data = next(iter(features.items()))
    _, _, text = data["signatures"][0]
    matches = seen.seen_before(folder, "none", text=text.replace("0x", "0x9"))
    match = next(m for m in matches if m.session_id == session_id)
    assert (match.label, match.number, match.reason) == (
        "Session 0",
        0,
        "same error signature",
    )
    assert match.line().startswith(f"seen before: {session_id} (same error signature)")
    again = seen.seen_before(folder, session_id, text=text)
    assert session_id not in [m.session_id for m in again]  # not itself


def test_root_cause_files_are_read_only_for_a_location(
    digest: tuple[Path, dict[str, Any]],
) -> None:
    folder, _ = digest
    found = seen.seen_before(folder, "none", location="./app/queue.py:12")
    assert [m.reason for m in found][:1] == ["same root-cause file app/queue.py"]
    assert all(m.number % len(_WORDS) == 0 for m in found)


def test_a_digest_of_another_format_is_not_read(tmp_path: Path) -> None:
    features = _features(3)
    data = digest_bytes(features)
    header, body = data.split(b"\n", 1)
    old = json.loads(header)
    old["format"] = seen.FORMAT - 1
    (tmp_path / seen.SEEN_NAME).write_bytes(json.dumps(old).encode() + b"\n" + body)
    text = features["2025-01-0000-s"]["signatures"][0][2]
    assert seen.seen_before(tmp_path, "none", text=text) == []
    (tmp_path / seen.SEEN_NAME).write_bytes(data)
    assert seen.seen_before(tmp_path, "none", text=text) != []
    (tmp_path / seen.SEEN_NAME).write_bytes(b"not json\n")
    assert seen.seen_before(tmp_path, "none", text=text) == []
