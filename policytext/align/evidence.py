"""Shared passages between two texts: the evidence that a lower text copies an upper one.

A local alignment in the Smith-Waterman sense restricted to exact runs: n-gram seeds that
occur in both texts are extended to maximal common substrings, scanned greedily from the
start of the lower text, and kept when at least ``min_chars`` long.  For the texts policy
alignment deals with (one measure against one paragraph or article, a few hundred
characters each) this returns the same passages a gap-free Smith-Waterman would, in
O(n + matches) time instead of O(n·m), so a few thousand candidate pairs take well under a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Length of the seeds looked up in the upper text.
SEED = 4
#: Shortest run reported as a shared passage (shorter runs are shared terms, not shared text).
MIN_CHARS = 6
_IGNORED = set(' \t\n，。；：、！？,.;:!?（）()“”"《》')


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of text present in both units: ``[lower_start, lower_end)`` and ``[upper_start, upper_end)``
    are offsets into the two unit texts."""

    lower_start: int
    lower_end: int
    upper_start: int
    upper_end: int
    text: str

    def __len__(self) -> int:
        return self.lower_end - self.lower_start


def seed_index(text: str, seed: int = SEED) -> dict[str, list[int]]:
    """Positions of every ``seed``-gram of ``text`` (build once per upper unit, reuse per pair)."""
    index: dict[str, list[int]] = {}
    for position in range(len(text) - seed + 1):
        index.setdefault(text[position : position + seed], []).append(position)
    return index


def shared_passages(
    lower: str,
    upper: str,
    *,
    min_chars: int = MIN_CHARS,
    upper_index: dict[str, list[int]] | None = None,
    seed: int = SEED,
    starts: Sequence[int] | None = None,
) -> list[Passage]:
    """Maximal common substrings of at least ``min_chars`` characters, in lower-text order.

    Passages do not overlap in the lower text; punctuation at their edges is trimmed so that
    ``，推进`` and ``推进`` count the same.  ``starts`` (sorted) limits the lower positions
    tried to those known to begin a shared seed.
    """
    if min_chars < seed:
        raise ValueError("min_chars must be at least the seed length")
    index = upper_index if upper_index is not None else seed_index(upper, seed)
    passages: list[Passage] = []
    n_lower, n_upper = len(lower), len(upper)
    positions = range(n_lower - seed + 1) if starts is None else starts
    next_free = 0
    for position in positions:
        if position < next_free:
            continue
        hits = index.get(lower[position : position + seed])
        if not hits:
            continue
        best_len, best_at = 0, -1
        for at in hits:
            length = seed
            while (
                position + length < n_lower
                and at + length < n_upper
                and lower[position + length] == upper[at + length]
            ):
                length += 1
            if length > best_len:
                best_len, best_at = length, at
        if best_len >= min_chars:
            passage = _trimmed(lower, upper, position, best_at, best_len, min_chars)
            if passage is not None:
                passages.append(passage)
            next_free = position + best_len
    return passages


def _trimmed(lower: str, upper: str, start: int, at: int, length: int, min_chars: int) -> Passage | None:
    head, tail = 0, length
    while head < tail and lower[start + head] in _IGNORED:
        head += 1
    while tail > head and lower[start + tail - 1] in _IGNORED:
        tail -= 1
    if tail - head < min_chars:
        return None
    return Passage(start + head, start + tail, at + head, at + tail, lower[start + head : start + tail])


def seed_grams(text: str, seed: int = SEED) -> tuple[list[str], frozenset[str]]:
    """The ``seed``-grams of ``text`` by position, and as a set (precompute once per text)."""
    grams = [text[i : i + seed] for i in range(len(text) - seed + 1)]
    return grams, frozenset(grams)


def shared_passages_grams(
    lower: str,
    upper: str,
    lower_grams: tuple[list[str], frozenset[str]],
    upper_grams: tuple[list[str], frozenset[str]],
    *,
    min_chars: int = MIN_CHARS,
    seed: int = SEED,
) -> list[Passage]:
    """:func:`shared_passages` with precomputed :func:`seed_grams`: one set intersection tells
    which seeds both texts share, so pairs with nothing in common cost almost nothing."""
    common = lower_grams[1] & upper_grams[1]
    if not common:
        return []
    index: dict[str, list[int]] = {}
    for at, gram in enumerate(upper_grams[0]):
        if gram in common:
            index.setdefault(gram, []).append(at)
    starts = [i for i, gram in enumerate(lower_grams[0]) if gram in common]
    return shared_passages(lower, upper, min_chars=min_chars, upper_index=index, seed=seed, starts=starts)


def covered_chars(passages: list[Passage]) -> int:
    """Characters of the lower text inside a shared passage (passages never overlap there)."""
    return sum(len(p) for p in passages)
