"""Pairs of sessions found over the whole journal at once, without comparing every
pair: those sharing an error (`error_pairs`), for the related map's first build
(`relatedmap.py`); under them,
joins of many word sets by overlap: the pairs of sets with a Jaccard overlap of
at least a floor (`similar_sets`), and those where one set, big enough, lies
inside the other (`contained_sets`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from journal.insight.signatures import SAME, same_error
from journal.pool import pooled

if TYPE_CHECKING:
    from journal.insight.signatures import Signature

Pair = tuple[str, str]
ERROR_FLOOR = 0.5
"""Jaccard below which two signatures are never the same error (`same_error`)."""
CONTAINED_MIN = 4
"""Least words of a signature all found in another's for `same_error` to call them
one error below a Jaccard of `SAME` (a detail added to the message)."""


def error_pairs(signatures: Mapping[str, list[Signature]]) -> set[Pair]:
    """Every pair (a < b) of sessions with the same error (`same_error`).

    `same_error` holds for identical keys, or for signatures of one exception type
    whose words overlap by `SAME` (Jaccard), or whose words, at least
    `CONTAINED_MIN` of them, all appear in the other's with a Jaccard of
    `ERROR_FLOOR`: the candidates are found by those two joins (`similar_sets`,
    `contained_sets`), each a few operations on bit sets per signature instead of
    a look at every pair sharing a word, and each candidate meets `same_error`."""
    buckets: dict[str, dict[str, frozenset[str]]] = {}
    by_key: dict[str, Signature] = {}
    same_key: dict[str, set[str]] = {}
    for sid, found in signatures.items():
        for n, s in enumerate(found):
            key = f"{sid}\0{n}"
            by_key[key] = s
            buckets.setdefault(_kind_of(s), {})[key] = s.tokens
            same_key.setdefault(s.key, set()).add(sid)
    pairs: set[Pair] = set()
    for sids in same_key.values():  # identical keys match whatever their words
        ordered = sorted(sids)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    for sets in buckets.values():
        bits = _BitSets(sets)  # one for both joins

        def same(blocks: list[range], bits: _BitSets = bits) -> set[Pair]:
            found: set[Pair] = set()
            for block in blocks:
                near = _joined(bits, SAME, (CONTAINED_MIN, ERROR_FLOOR), block)
                for x, y in near:
                    a, b = x.split("\0", 1)[0], y.split("\0", 1)[0]
                    if a != b and same_error(by_key[x], by_key[y]):
                        found.add((min(a, b), max(a, b)))
            return found

        blocks = _blocks(len(bits.keys))
        if len(bits.keys) < POOL_FROM:
            pairs |= same(blocks)
        else:  # a block a worker: the first blocks, paired with more, take longer
            pairs.update(*pooled(same, blocks, size=1))
    return pairs


POOL_FROM = 5000
"""Signatures of one kind from which the joins share their blocks among worker
processes (`journal/pool.py`): ~1,000 sessions of synthetic errors."""


def partners(pairs: Iterable[Pair]) -> dict[str, set[str]]:
    """Each session's side of a set of pairs."""
    found: dict[str, set[str]] = {}
    for a, b in pairs:
        found.setdefault(a, set()).add(b)
        found.setdefault(b, set()).add(a)
    return found


def _kind_of(signature: Signature) -> str:
    return (signature.kind or "").rsplit(".", 1)[-1]


class _BitSets:
    """Sets of words as bit sets the other way round: for each word, the sets
    holding it (bit `i`: the `i`-th key), so "which sets hold these words" is a
    few operations on integers of one bit a set, in C, whatever the vocabulary."""

    def __init__(self, sets: Mapping[str, Iterable[str]]) -> None:
        words = {key: frozenset(items) for key, items in sets.items() if items}
        # The smallest first: a set's partners as big or bigger come after it, so
        # a set lies inside only sets after it (`_joined`).
        self.keys = sorted(words, key=lambda key: (len(words[key]), key))
        self.sets = [words[key] for key in self.keys]
        self.sizes = [len(items) for items in self.sets]
        size = len(self.keys)
        rows: dict[str, bytearray] = {}
        for index, items in enumerate(self.sets):
            byte, bit = divmod(index, 8)
            for word in items:
                row = rows.get(word)
                if row is None:
                    row = rows[word] = bytearray((size + 7) // 8)
                row[byte] |= 1 << bit
        self.holding = {w: int.from_bytes(row, "little") for w, row in rows.items()}
        self.full = (1 << size) - 1
        self.of_size: dict[int, int] = {}
        for index, length in enumerate(self.sizes):
            self.of_size[length] = self.of_size.get(length, 0) | 1 << index

    def after(self, start: int) -> _BitSets:
        """The same bit sets but for the sets before `start`: bit `i` is the
        `start + i`-th set, and every integer is as much shorter."""
        view = object.__new__(_BitSets)
        view.keys, view.sets, view.sizes = self.keys, self.sets, self.sizes
        view.holding = {w: found >> start for w, found in self.holding.items()}
        view.full = self.full >> start
        view.of_size = {n: found >> start for n, found in self.of_size.items()}
        return view

    def counts(self, words: Iterable[str]) -> list[int]:
        """How many of `words` each set holds, in binary: one integer a binary
        digit, the sets' bits in each."""
        digits: list[int] = []
        for word in words:
            carry = self.holding.get(word, 0)
            for n, digit in enumerate(digits):
                if not carry:
                    break
                digits[n], carry = digit ^ carry, digit & carry
            if carry:
                digits.append(carry)
        return digits

    def at_least(self, digits: list[int], count: int) -> int:
        """The sets whose count (`counts`) is at least `count`, as bits."""
        if count >= 1 << len(digits):
            return 0
        above, equal = 0, self.full
        for n in range(len(digits) - 1, -1, -1):
            if count >> n & 1:
                equal &= digits[n]
            else:
                above |= equal & digits[n]
                equal &= ~digits[n]
        return above | equal


def _bits(found: int) -> Iterable[int]:
    """The positions of the bits set in `found`, lowest first."""
    while found:
        low = found & -found
        yield low.bit_length() - 1
        found ^= low


def similar_sets(sets: Mapping[str, Iterable[str]], floor: float) -> set[Pair]:
    """Keys (a < b) whose word sets have a Jaccard overlap of at least `floor`.

    Two sets X, Y with a Jaccard of `floor` share at least `floor × (|X| + |Y|)
    / (1 + floor)` words: for each set, the sets after it of each size holding
    that many of its words are found at once from the bit sets
    (`_BitSets.at_least`), then each is checked. Over a small vocabulary (error
    lines without an exception type share most of their words) a prefix filter
    would look at most pairs; this looks only at pairs sharing enough words, each
    key with a handful of integer operations as long as the number of keys (one
    bit each)."""
    return _joined(_BitSets(sets), floor)


def contained_sets(
    sets: Mapping[str, Iterable[str]], smallest: int, floor: float
) -> set[Pair]:
    """Keys (a < b) where one's words, at least `smallest` of them, are all among
    the other's, with a Jaccard (their sizes' ratio) of at least `floor`."""
    return _joined(_BitSets(sets), None, (smallest, floor))


def _joined(
    bits: _BitSets,
    floor: float | None,
    inside: tuple[int, float] | None = None,
    block: range | None = None,
) -> set[Pair]:
    """`similar_sets` of a Jaccard of `floor` (none if None) and `contained_sets`
    of `inside` (its least size and Jaccard; none if None), of the sets in
    `block` (all if None) with those after them: the pairs of both, from one
    count of each set's words."""
    keys, items, sizes = bits.keys, bits.sets, bits.sizes
    found: set[Pair] = set()
    # A set is paired with those after it only: the sets in blocks, each block's
    # counted over the bit sets of the sets from its first on (`_BitSets.after`),
    # integers half as long on average as the whole journal's.
    for part in _blocks(len(items)) if block is None else [block]:
        view = bits.after(part.start)
        by_size: dict[int, tuple[dict[int, int], int]] = {}
        for index in part:
            mine, size = items[index], sizes[index]
            known = by_size.get(size)
            if known is None:
                masks = _masks(view, size, floor) if floor is not None else {}
                known = by_size[size] = (masks, _holders(view, size, inside))
            masks, holders = known
            digits = view.counts(mine)
            candidates = 0  # the sets holding enough of its words, by `masks`
            for need, mask in masks.items():
                candidates |= mask & view.at_least(digits, need)
            if holders:  # those holding all its words
                candidates |= holders & view.at_least(digits, size)
            for skip in _bits(candidates >> (index - part.start + 1)):
                other = index + 1 + skip
                shared = len(mine & items[other])
                union = size + sizes[other] - shared
                if (floor is not None and shared >= floor * union - 1e-9) or (
                    inside is not None
                    and shared == size >= inside[0]
                    and size >= inside[1] * sizes[other] - 1e-9
                ):
                    a, b = keys[index], keys[other]
                    found.add((a, b) if a < b else (b, a))
    return found


def _blocks(count: int) -> list[range]:
    """The positions of `count` sets in `_BLOCKS` blocks."""
    step = max(1, -(-count // _BLOCKS))
    return [range(start, min(start + step, count)) for start in range(0, count, step)]


_BLOCKS = 16
"""Blocks of sets `_joined` counts apart: more shorten the integers less and less,
each costing a shift of every word's bit set."""


def _masks(bits: _BitSets, size: int, floor: float) -> dict[int, int]:
    """For a set of `size` words, the sets (as bits) by the count of its words
    they must hold to reach a Jaccard of `floor` with it: sizes needing as many
    shared words are taken together, so one `at_least` a count, not a size
    (each an operation on integers of one bit a set)."""
    masks: dict[int, int] = {}
    for length, of_size in bits.of_size.items():
        if length < size:  # those come before it (`_BitSets`)
            continue
        # |X ∩ Y| ≥ floor × |X ∪ Y| = floor × (|X| + |Y| - |X ∩ Y|)
        need = max(1, math.ceil(floor * (size + length) / (1 + floor) - 1e-9))
        if need <= min(size, length):
            masks[need] = masks.get(need, 0) | of_size
    return masks


def _holders(bits: _BitSets, size: int, inside: tuple[int, float] | None) -> int:
    """The sets (as bits) of the sizes a set of `size` words may lie inside
    (`inside`: the least size, the least ratio of the sizes), 0 for none."""
    if inside is None or size < inside[0]:
        return 0
    found = 0
    for length, of_size in bits.of_size.items():
        if length >= size and size >= inside[1] * length - 1e-9:
            found |= of_size
    return found
