"""New-word discovery: multi-character terms that a dictionary does not know yet.

Policy texts coin terms (揭榜挂帅, 新质生产力, 市域产教联合体) faster than any dictionary follows.
A string is a good term candidate when its characters stick together (high pointwise mutual
information between its two halves, at the weakest split) and it is used in varied contexts
(high entropy of the characters just left and right of it: a fragment such as 产教融 is always
followed by 合, so its right entropy is zero).  This is the classic unsupervised method
(e.g. Matrix67, "互联网时代的社会语言学"), written for speed on a few million characters.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")

#: Characters that rarely start or end a term (function words, measure words, verbs of glue).
_BAD_EDGE = frozenset("的了和与及或在是为对把被将从以其等之于而也并由向就都有各该本此这那个所")
_BAD_START = _BAD_EDGE | frozenset("上下中内外新要应")
_BAD_END = _BAD_EDGE | frozenset("上下中内外要")

_BOUNDARY = "\x00"

#: POS tags (jieba's set) that a piece of a multi-word term may carry: nouns and noun-verbs.
TERM_TAGS = frozenset(["n", "nz", "nt", "nw", "vn", "an", "j", "l", "i", "eng"])
#: Tags that may only start a term (adjectives and distinguishing words: 新型, 绿色).
TERM_START_TAGS = TERM_TAGS | frozenset(["a", "b"])


#: Place and person names: parts of corpus-wide terms (雄安新区), not of one document's coinages.
NAME_TAGS = frozenset(["ns", "nr"])


def is_term_like(
    tagged: list[tuple[str, str]], stopwords: frozenset[str] = frozenset(), *, names: bool = False
) -> bool:
    """Whether a candidate, as the segmenter cuts and tags it, looks like a noun compound.

    Rejects verb phrases (给予最高, 积极探索, 迈出坚实步伐), fragments with a stray single
    character (业总产值, 到企业), anything containing a stopword and, unless ``names`` (the
    lexicon build, over many documents, allows 雄安新区), place + topic strings of one
    document (济南市人工智能).
    """
    if len(tagged) < 2:
        return False
    if any(len(word) == 1 or word in stopwords for word, _ in tagged):
        return False
    inner = TERM_TAGS | NAME_TAGS if names else TERM_TAGS
    if tagged[0][1] not in inner | TERM_START_TAGS:
        return False
    return all(tag in inner for _, tag in tagged[1:])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A discovered term with the statistics that admitted it."""

    term: str
    count: int
    pmi: float  # minimum PMI over the split points (cohesion)
    left_entropy: float
    right_entropy: float
    documents: int  # number of input texts it occurs in

    @property
    def score(self) -> float:
        """Rank by frequency times cohesion times freedom (the weakest side)."""
        return math.log1p(self.count) * self.pmi * min(self.left_entropy, self.right_entropy)


def _han_runs(texts: Iterable[str]) -> list[list[str]]:
    return [_HAN_RUN.findall(text) for text in texts]


def _count_ngrams(runs: list[list[str]], max_len: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for doc_runs in runs:
        for run in doc_runs:
            size = len(run)
            for n in range(1, max_len + 1):
                if n > size:
                    break
                counts.update(run[i : i + n] for i in range(size - n + 1))
    return counts


def _min_pmi(term: str, counts: Counter[str], totals: dict[int, int]) -> float:
    """Weakest cohesion over all binary splits, with probabilities per n-gram length."""
    p_term = counts[term] / totals[len(term)]
    best = math.inf
    for cut in range(1, len(term)):
        left, right = term[:cut], term[cut:]
        p_left = counts[left] / totals[len(left)]
        p_right = counts[right] / totals[len(right)]
        best = min(best, math.log(p_term / (p_left * p_right)))
    return best


def _entropy(neighbours: Counter[str]) -> float:
    """Entropy of neighbour characters; text boundaries count as distinct neighbours."""
    total = sum(neighbours.values())
    if not total:
        return 0.0
    entropy = 0.0
    for char, count in neighbours.items():
        if char == _BOUNDARY:  # each boundary is its own outcome
            entropy += count * (1 / total) * math.log(total)
        else:
            p = count / total
            entropy -= p * math.log(p)
    return entropy


def discover_terms(
    texts: Iterable[str],
    *,
    min_len: int = 2,
    max_len: int = 6,
    min_count: int = 5,
    min_pmi: float = 3.0,
    min_entropy: float = 1.0,
    min_documents: int = 1,
    top: int | None = None,
) -> list[Candidate]:
    """Multi-character terms in ``texts`` ranked by :attr:`Candidate.score`.

    Works on runs of Han characters only (punctuation, digits and Latin letters end a run),
    so a candidate never crosses a clause boundary.  Thresholds suit a single policy
    document with ``min_count`` 2–3 as well as a corpus of millions of characters with 5+.
    """
    runs = _han_runs(texts)
    counts = _count_ngrams(runs, max_len)
    totals: dict[int, int] = defaultdict(int)
    for gram, count in counts.items():
        totals[len(gram)] += count
    shortlist = {
        gram
        for gram, count in counts.items()
        if min_len <= len(gram) <= max_len
        and count >= min_count
        and gram[0] not in _BAD_START
        and gram[-1] not in _BAD_END
        and _min_pmi(gram, counts, totals) >= min_pmi
    }
    if not shortlist:
        return []
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    doc_freq: Counter[str] = Counter()
    lengths = sorted({len(g) for g in shortlist})
    for doc_runs in runs:
        seen: set[str] = set()
        for run in doc_runs:
            size = len(run)
            for n in lengths:
                for i in range(size - n + 1):
                    gram = run[i : i + n]
                    if gram in shortlist:
                        left[gram][run[i - 1] if i else _BOUNDARY] += 1
                        right[gram][run[i + n] if i + n < size else _BOUNDARY] += 1
                        seen.add(gram)
        doc_freq.update(seen)
    found = []
    for gram in shortlist:
        h_left, h_right = _entropy(left[gram]), _entropy(right[gram])
        if min(h_left, h_right) < min_entropy or doc_freq[gram] < min_documents:
            continue
        found.append(
            Candidate(gram, counts[gram], _min_pmi(gram, counts, totals), h_left, h_right, doc_freq[gram])
        )
    found.sort(key=lambda c: (-c.score, c.term))
    return _drop_nested(found)[:top] if top else _drop_nested(found)


def _drop_nested(found: list[Candidate]) -> list[Candidate]:
    """Drop a candidate that nearly always occurs inside a longer found one (产教融 in 产教融合)."""
    by_term = {c.term: c for c in found}
    swallowed: set[str] = set()
    for longer in found:
        term = longer.term
        for size in range(2, len(term)):
            for i in range(len(term) - size + 1):
                inner = by_term.get(term[i : i + size])
                if inner is not None and longer.count >= 0.9 * inner.count:
                    swallowed.add(inner.term)
    return [c for c in found if c.term not in swallowed]
