"""Score a (lower unit, upper unit) pair from four signals and name the relation.

Signals, each in [0, 1] (semantic in [-1, 1]):

``lexical``
    cosine of character 2–3-gram TF-IDF vectors (the retrieval score);
``terms``
    IDF-weighted cosine of the two sets of content words (shared policy terms: 产教融合,
    科技成果转化 …), weights from corpus frequencies shipped with the word vectors;
``alignment``
    characters of the lower text inside shared passages (≥ 6 characters, see
    :mod:`policytext.align.evidence`) over the geometric mean of both lengths;
``semantic``
    cosine of SIF text vectors from the shipped word vectors.

The score is a logistic combination, ``1 / (1 + exp(-(bias + Σ weightᵢ·signalᵢ)))``, with
weights fitted on labelled pairs (``tests/eval/eval_align.py --fit``) and copied into
:data:`DEFAULT_CONFIG`.  Relations (see ``docs/alignment.md`` for the calibration):

``copied``   score ≥ ``related`` and a long shared text: a passage of ≥ ``copied_longest``
             characters or ≥ ``copied_coverage`` of the lower text in shared passages;
``adapted``  score ≥ ``adapted``: the same task in local words;
``related``  score ≥ ``related``: the same specific direction, looser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from scipy import sparse
from policytext.align.evidence import Passage, covered_chars, seed_grams, shared_passages_grams
from policytext.align.semantic import WordVectors
from policytext.align.tokens import content_words
from policytext.align.units import AlignUnit

Vectorize = Callable[[Sequence[str]], sparse.csr_matrix]
SIGNALS = ("lexical", "sentence", "terms", "alignment", "semantic", "semantic_max")
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;\n])")
#: Sentences shorter than this are headings or fragments and join the next one.
MIN_SENTENCE_CHARS = 8
RELATIONS = ("copied", "adapted", "related")


@dataclass(frozen=True)
class ScoringConfig:
    """Weights of the signals and thresholds of the relations (all documented in docs/alignment.md)."""

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "lexical": 4.0,
            "sentence": 4.0,
            "terms": 4.0,
            "alignment": 3.0,
            "semantic": 1.0,
            "semantic_max": 2.0,
        }
    )
    bias: float = -6.0
    related: float = 0.35
    adapted: float = 0.55
    #: a copied link shares a run of at least this many characters (the labelling rule: 15)
    copied_longest: int = 15
    copied_coverage: float = 0.35
    #: a match below this share of the lower unit's best score is not kept (keeps weak tails out)
    relative: float = 0.6
    #: most matches kept per lower unit
    max_matches: int = 5

    def without(self, *signals: str) -> ScoringConfig:
        """The same configuration with some signals switched off (for ablations)."""
        weights = {k: (0.0 if k in signals else v) for k, v in self.weights.items()}
        return replace(self, weights=weights)

    def score(self, signals: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * signals.get(k, 0.0) for k in SIGNALS)
        return 1.0 / (1.0 + math.exp(-z))

    def relation(self, score: float, longest: int, coverage: float) -> str | None:
        """``copied``/``adapted`` need an adapted-level score (a long shared subject list alone
        is boilerplate, not a copied task); ``copied`` adds the long shared run."""
        if score < self.related:
            return None
        if score >= self.adapted:
            if longest >= self.copied_longest or coverage >= self.copied_coverage:
                return "copied"
            return "adapted"
        return "related"

    def select(self, scored: list[Scored]) -> list[Scored]:  # noqa: F821 - defined below
        """The matches kept for one lower unit from all its scored candidates, best first.

        Sorted by score (ties by upper unit id, so results are deterministic); kept when they
        have a relation, reach ``relative`` × the best score, up to ``max_matches``.
        """
        ranked = sorted(scored, key=lambda s: (-s.score, s.unit_id))
        if not ranked or ranked[0].relation is None:
            return []
        floor = ranked[0].score * self.relative
        kept = [s for s in ranked if s.relation is not None and s.score >= floor]
        return kept[: self.max_matches]


DEFAULT_CONFIG = ScoringConfig()


@dataclass(frozen=True, slots=True)
class Scored:
    """One candidate of a lower unit: upper unit id, score, relation (``None``: no match), signals."""

    unit_id: int
    score: float
    relation: str | None
    signals: PairSignals


def score_pair(config: ScoringConfig, unit_id: int, signals: PairSignals) -> Scored:
    score = config.score(signals.as_dict())
    return Scored(unit_id, score, config.relation(score, signals.longest, signals.coverage), signals)


@dataclass(frozen=True, slots=True)
class PairSignals:
    """Every signal of one pair plus the evidence behind the alignment signal."""

    lexical: float
    sentence: float
    terms: float
    alignment: float
    semantic: float
    semantic_max: float
    coverage: float
    longest: int
    passages: tuple[Passage, ...]
    shared_terms: tuple[str, ...]

    def as_dict(self) -> dict[str, float]:
        return {
            "lexical": self.lexical,
            "sentence": self.sentence,
            "terms": self.terms,
            "alignment": self.alignment,
            "semantic": self.semantic,
            "semantic_max": self.semantic_max,
        }


def split_sentences(text: str) -> list[str]:
    """Sentences of a unit (。；！？ and line ends); short fragments join the next sentence."""
    sentences: list[str] = []
    pending = ""
    for piece in _SENTENCE_END.split(text):
        pending += piece
        if len(pending.strip()) >= MIN_SENTENCE_CHARS:
            sentences.append(pending.strip())
            pending = ""
    if pending.strip():
        if sentences:
            sentences[-1] += pending.strip()
        else:
            sentences.append(pending.strip())
    return sentences


@dataclass(frozen=True, slots=True)
class _Rows:
    """A few rows of a CSR matrix as plain arrays (slicing scipy matrices costs more)."""

    n_rows: int
    rows: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @classmethod
    def of(cls, matrix: sparse.csr_matrix, start: int, end: int) -> _Rows:
        lo, hi = matrix.indptr[start], matrix.indptr[end]
        counts = np.diff(matrix.indptr[start : end + 1])
        rows = np.repeat(np.arange(end - start), counts)
        return cls(end - start, rows, matrix.indices[lo:hi], matrix.data[lo:hi])


class _Profile:
    """What the scorer precomputes once per unit text: words and weights, text and sentence
    vectors, seed n-grams for the passage search."""

    __slots__ = (
        "grams",
        "norm",
        "sentence_columns",
        "sentence_dense",
        "sentence_tfidf",
        "sentence_vectors",
        "text",
        "vector",
        "weights",
    )

    def __init__(
        self,
        text: str,
        weights: dict[str, float],
        vector: np.ndarray | None,
        sentence_vectors: np.ndarray | None,
        sentence_tfidf: _Rows | None,
    ) -> None:
        self.text = text
        self.weights = weights
        self.vector = vector
        self.sentence_vectors = sentence_vectors
        self.norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        self.sentence_tfidf = sentence_tfidf
        self.sentence_columns: np.ndarray | None = None
        self.sentence_dense: np.ndarray | None = None
        self.grams = seed_grams(text)

    def sentence_similarity(self, other: _Profile) -> float:
        """Best cosine between a sentence of this text and one of ``other`` (TF-IDF n-grams).

        Done on the dense sub-space of this text's n-grams: two small dense products are far
        cheaper than sparse products over 2**20 columns.
        """
        mine, theirs = self.sentence_tfidf, other.sentence_tfidf
        if mine is None or theirs is None or not len(mine.data) or not len(theirs.data):
            return 0.0
        if self.sentence_columns is None or self.sentence_dense is None:
            columns = np.unique(mine.indices)
            dense = np.zeros((mine.n_rows, len(columns)), dtype=np.float32)
            dense[mine.rows, np.searchsorted(columns, mine.indices)] = mine.data
            self.sentence_columns, self.sentence_dense = columns, dense
        columns = self.sentence_columns
        at = np.minimum(np.searchsorted(columns, theirs.indices), len(columns) - 1)
        hit = columns[at] == theirs.indices
        if not hit.any():
            return 0.0
        other_dense = np.zeros((theirs.n_rows, len(columns)), dtype=np.float32)
        other_dense[theirs.rows[hit], at[hit]] = theirs.data[hit]
        return float((self.sentence_dense @ other_dense.T).max())


class PairScorer:
    """Computes :class:`PairSignals`; caches per-unit work so each unit is prepared once."""

    def __init__(self, vectors: WordVectors | None, vectorize: Vectorize | None = None) -> None:
        self.vectors = vectors
        self.vectorize = vectorize
        self._profiles: dict[tuple[str, int, int], _Profile] = {}

    def profile(self, key: tuple[str, int, int], text: str) -> _Profile:
        found = self._profiles.get(key)
        if found is None:
            self.prepare([(key, text)])
            found = self._profiles[key]
        return found

    def prepare(self, items: Sequence[tuple[tuple[str, int, int], str]]) -> None:
        """Build the profiles of many units at once (one n-gram pass over all their sentences)."""
        todo = [(key, text) for key, text in dict(items).items() if key not in self._profiles]
        if not todo:
            return
        sentences = [split_sentences(text) or [text] for _, text in todo]
        matrix = None
        if self.vectorize is not None:
            matrix = self.vectorize([s for group in sentences for s in group])
        sentence_words = [[content_words(s) for s in group] for group in sentences]
        embedded = None
        if self.vectors is not None:
            bags = [bag for words in sentence_words for bag in ([w for ws in words for w in ws], *words)]
            embedded = self.vectors.embed_batch(bags)
        row = vector_row = 0
        for (key, text), group, words in zip(todo, sentences, sentence_words):
            block = _Rows.of(matrix, row, row + len(group)) if matrix is not None else None
            row += len(group)
            vector = sentence_vectors = None
            if embedded is not None:
                vector = embedded[vector_row]
                sentence_vectors = embedded[vector_row + 1 : vector_row + 1 + len(group)]
                vector_row += 1 + len(group)
            bag = {w for ws in words for w in ws}
            if self.vectors is not None:
                weights = {w: self.vectors.weight(w) for w in bag}
            else:
                weights = dict.fromkeys(bag, 1.0)
            self._profiles[key] = _Profile(text, weights, vector, sentence_vectors, block)

    def signals(
        self, lower: AlignUnit, upper: AlignUnit, lexical: float, *, lower_key: str = "lower"
    ) -> PairSignals:
        """Signals of one pair; ``lower_key`` separates lower units of different documents
        (``relay`` when an upper unit is itself aligned one level up)."""
        low = self.profile((lower_key, lower.doc, lower.index), lower.text)
        up = self.profile(("upper", upper.doc, upper.index), upper.text)
        shared = sorted(set(low.weights) & set(up.weights), key=lambda w: (-low.weights[w], w))
        terms = sum(low.weights[w] ** 2 for w in shared) / (low.norm * up.norm)
        passages = shared_passages_grams(lower.text, upper.text, low.grams, up.grams)
        covered = covered_chars(passages)
        alignment = covered / math.sqrt(max(1, len(lower.text)) * max(1, len(upper.text)))
        semantic = semantic_max = sentence = 0.0
        if low.vector is not None and up.vector is not None:
            semantic = float(np.dot(low.vector, up.vector))
        if low.sentence_vectors is not None and up.sentence_vectors is not None:
            semantic_max = float((low.sentence_vectors @ up.sentence_vectors.T).max())
        sentence = low.sentence_similarity(up)
        return PairSignals(
            lexical=lexical,
            sentence=sentence,
            terms=terms,
            alignment=min(1.0, alignment),
            semantic=semantic,
            semantic_max=semantic_max,
            coverage=covered / max(1, len(lower.text)),
            longest=max((len(p) for p in passages), default=0),
            passages=tuple(passages),
            shared_terms=tuple(shared),
        )
