"""MinHash signatures of character shingles, computed with numpy.

Workers compute a document's signature while they hold its text, so near-duplicate detection
and the content-similarity matrix later need only the signatures (256 bytes per document),
never the texts.  Hashes are deterministic (no Python ``hash()``, whose seed changes per
process), so signatures computed by different workers and runs compare.
"""

from __future__ import annotations

import numpy as np

DEFAULT_NUM_PERM = 64
DEFAULT_SHINGLE = 5
_BASE = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_EMPTY = np.iinfo(np.uint32).max


def shingle_hashes(text: str, k: int = DEFAULT_SHINGLE) -> np.ndarray:
    """Sorted 64-bit hashes of the ``k``-character shingles of ``text`` (white space ignored)."""
    cleaned = "".join(text.split())
    codes = np.frombuffer(cleaned.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.uint64)
    if codes.size == 0:
        return np.empty(0, dtype=np.uint64)
    k = min(k, codes.size)
    count = codes.size - k + 1
    hashes = codes[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, k):
            hashes *= _BASE
            hashes += codes[offset : offset + count]
        hashes *= _MIX  # multiplicative (Fibonacci) hashing: spreads the value into the top bits
    hashes.sort()
    return hashes


def signature(text: str, num_perm: int = DEFAULT_NUM_PERM, k: int = DEFAULT_SHINGLE) -> np.ndarray:
    """The one-permutation MinHash signature (``num_perm`` uint32 values) of ``text``'s shingles.

    One hash is computed per shingle; its top bits pick one of ``num_perm`` bins and the
    signature keeps the smallest hash of each bin (Li, Owen & Zhang 2012).  This costs one sort
    instead of ``num_perm`` hash functions, so it is cheap enough to run for every document.
    Empty bins borrow from the next non-empty bin (densification), so short texts compare too.
    """
    bits = num_perm.bit_length() - 1
    if num_perm < 2 or 1 << bits != num_perm:
        raise ValueError(f"num_perm must be a power of two, not {num_perm}")
    hashes = shingle_hashes(text, k)
    result = np.full(num_perm, _EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return result
    shift = np.uint64(64 - bits)
    boundaries = np.arange(num_perm, dtype=np.uint64) << shift
    first = np.searchsorted(hashes, boundaries)  # hashes are sorted: the first of a bin is its min
    present = first < hashes.size
    present[present] = (hashes[first[present]] >> shift) == np.arange(num_perm, dtype=np.uint64)[present]
    values = (hashes[np.minimum(first, hashes.size - 1)] >> np.uint64(64 - bits - 32)) & np.uint64(0xFFFFFFFF)
    result[present] = values[present].astype(np.uint32)
    if not present.all():
        filled = np.flatnonzero(present)
        for empty in np.flatnonzero(~present):
            # the next non-empty bin to the right (circular), marked by its distance
            donor = filled[np.searchsorted(filled, empty) % filled.size]
            distance = (int(donor) - int(empty)) % num_perm
            result[empty] = np.uint32((int(result[donor]) + distance * 0x9E3779B1) & 0xFFFFFFFF)
    return result


def to_hex(values: np.ndarray) -> str:
    return values.astype("<u4").tobytes().hex()


def from_hex(text: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(text), dtype="<u4").astype(np.uint32)


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two documents' shingle sets."""
    return float(np.mean(first == second))
