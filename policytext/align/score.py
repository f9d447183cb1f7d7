"""Score a (lower unit, upper unit) pair from its signals and name the relation.

Main signals, each in [0, 1] (semantic in [-1, 1]; the full list is :data:`SIGNALS`, with the
sentence-level, soft-term and context signals described in ``docs/alignment.md``):

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

Two logistic combinations, ``1 / (1 + exp(-(bias + Σ weightᵢ·signalᵢ)))``, with weights fitted
on labelled pairs (``tests/eval/eval_align.py --fit``) and copied into :data:`DEFAULT_CONFIG`:
the rank model orders the candidates of a lower unit, the link model (which adds the reciprocal
``upper_rel`` signal) gives the score the relations are named from (see ``docs/alignment.md``):

``copied``   score ≥ ``adapted`` and a long shared text: a passage of ≥ ``copied_longest``
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
#: Signals of a pair on its own.
PAIR_SIGNALS = (
    "lexical",
    "sentence",
    "terms",
    "alignment",
    "semantic",
    "semantic_max",
    "soft_recall",
    "soft_precision",
)
#: Word-vector cosines below this count as no similarity in the soft term match.
SOFT_FLOOR = 0.35
#: Signals of a pair among the other candidates of the same lower unit: how close it comes to
#: the best candidate, and whether it is the best of its upper document; ``upper_rel`` looks the
#: other way: how close the lower unit comes to the best lower unit of the same upper unit
#: (a reciprocal signal, used only by the link model, see :class:`ScoringConfig`).
#: ``base_z`` is the z-score of the pair's base similarity among the candidates of its lower unit:
#: a per-document normalisation, so that one threshold fits plans (long report paragraphs, low
#: similarities everywhere) and regulations (articles that copy a law, high ones everywhere).
#: ``position`` is the distance between where the two units sit in their documents (0 to 1,
#: :func:`~policytext.align.units.relative_positions`): implementing texts follow the order of
#: the text they implement.  ``length`` is log10 of the lower unit's characters (see
#: :func:`lower_length`), the same for all its candidates (so it never changes their order): a
#: long unit, such as a work-report paragraph, takes up several upper tasks, an article one, and
#: the link model needs to know which.
CONTEXT_SIGNALS = (
    "lexical_rel",
    "sentence_rel",
    "semantic_rel",
    "doc_best",
    "base_z",
    "upper_rel",
    "position",
    "length",
)
SIGNALS = PAIR_SIGNALS + CONTEXT_SIGNALS
#: The ``position`` distance when a position is unknown: the mean distance of two independent
#: uniform positions, so that an unknown position neither helps nor hurts on average.
UNKNOWN_DISTANCE = 1 / 3
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;\n])")
#: Sentences shorter than this are headings or fragments and join the next one.
MIN_SENTENCE_CHARS = 8
RELATIONS = ("copied", "adapted", "related")


@dataclass(frozen=True)
class ScoringConfig:
    """Weights of the signals and thresholds of the relations (all documented in docs/alignment.md).

    Two logistic models share the signals: the *rank* model (``weights``, ``bias``) orders the
    candidates of a lower unit (its best candidate is the top match); the *link* model
    (``link_weights``, ``link_bias``; ``None``: the rank model) gives the score that the
    relation thresholds apply to.  They differ by the reciprocal signal ``upper_rel``: whether
    the upper unit has a better lower unit elsewhere says a lot about a 2nd or 3rd link, but
    nothing useful about the best one (several measures of a plan rightly share one paragraph).
    """

    # fitted by `python tests/eval/eval_align.py --loso-only --fit --gold-files
    # tests/eval/data/align_gold.jsonl tests/eval/data/align_heldout.jsonl
    # tests/eval/data/align_heldout2.jsonl tests/eval/data/align_heldout3a.jsonl
    # tests/eval/data/align_heldout3b.jsonl tests/eval/data/align_heldout4a.jsonl
    # tests/eval/data/align_heldout4b.jsonl` (all fifteen label sets; formal clauses left out of
    # the pairs, as align() leaves them out).  The rank weights come from a listwise fit (softmax
    # over the candidates of a lower unit) and only order candidates; the bias centres them.
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "lexical": 15.465,
            "sentence": -2.937,
            "terms": 4.584,
            "alignment": -7.376,
            "semantic": 3.839,
            "semantic_max": 3.442,
            "soft_recall": 5.637,
            "soft_precision": 1.295,
            "lexical_rel": 1.303,
            "sentence_rel": 2.502,
            "semantic_rel": 3.438,
            "doc_best": -0.603,
            "base_z": 0.555,
            "upper_rel": 0.0,
            "position": -1.898,
            "length": 0.0,
        }
    )
    bias: float = -5.287
    link_weights: dict[str, float] | None = field(
        default_factory=lambda: {
            "lexical": 1.483,
            "sentence": 0.166,
            "terms": 0.796,
            "alignment": -1.722,
            "semantic": 2.035,
            "semantic_max": -0.129,
            "soft_recall": 2.297,
            "soft_precision": 0.338,
            "lexical_rel": 2.421,
            "sentence_rel": 0.646,
            "semantic_rel": 2.892,
            "doc_best": 0.587,
            "base_z": 0.632,
            "upper_rel": 4.107,
            "position": -0.311,
            "length": 2.881,
        }
    )
    link_bias: float = -17.342
    related: float = 0.178
    adapted: float = 0.296
    #: a copied link shares a run of at least this many characters (the labelling rule: 15)
    copied_longest: int = 15
    copied_coverage: float = 0.35
    #: a match below this share of the lower unit's best score is not kept (keeps weak tails out)
    relative: float = 0.0
    #: most matches kept per lower unit
    max_matches: int = 3
    #: most matches kept per lower unit and upper document (``None``: no limit)
    max_per_doc: int | None = None

    def without(self, *signals: str) -> ScoringConfig:
        """The same configuration with some signals switched off (for ablations)."""
        weights = {k: (0.0 if k in signals else v) for k, v in self.weights.items()}
        link = self.link_weights
        if link is not None:
            link = {k: (0.0 if k in signals else v) for k, v in link.items()}
        return replace(self, weights=weights, link_weights=link)

    def score(self, signals: dict[str, float]) -> float:
        """The link score of one pair from its signals (pair and context; a missing ``position``
        is :data:`UNKNOWN_DISTANCE`, a missing ``length`` that of a short unit, any other missing
        signal 0)."""
        weights, bias = self._link()
        given = {"position": UNKNOWN_DISTANCE, "length": lower_length(0), **signals}
        z = bias + sum(weights.get(k, 0.0) * given.get(k, 0.0) for k in SIGNALS)
        return 1.0 / (1.0 + math.exp(-z))

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Link scores of many pairs from a :func:`feature_matrix` (columns in :data:`SIGNALS` order)."""
        weights, bias = self._link()
        return _logistic(features, weights, bias)

    def rank_scores(self, features: np.ndarray) -> np.ndarray:
        """Rank scores (the order of the candidates of one lower unit)."""
        return _logistic(features, self.weights, self.bias)

    def _link(self) -> tuple[dict[str, float], float]:
        if self.link_weights is None:
            return self.weights, self.bias
        return self.link_weights, self.link_bias

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

    def select(self, scored: list[Scored]) -> list[Scored]:
        """The matches kept for one lower unit from all its scored candidates, best first.

        Links are taken by link score (ties by upper unit id, so results are deterministic):
        kept when they have a relation, reach ``relative`` × the best score, up to
        ``max_matches`` and ``max_per_doc`` per upper document.  The best-ranked candidate
        (rank score) comes first when it has a relation and takes one of the places of its
        document; the others follow by link score.
        """
        ranked = sorted(scored, key=lambda s: (-s.score, s.unit_id))
        if not ranked or ranked[0].relation is None:
            return []
        top = min(scored, key=lambda s: (-s.rank, s.unit_id))
        first = top if top.relation is not None else None
        kept = [] if first is None else [first]
        per_doc = {} if first is None else {first.doc: 1}
        floor = ranked[0].score * self.relative
        for s in ranked:
            if s is first:
                continue
            if s.relation is None or s.score < floor or len(kept) >= self.max_matches:
                break
            if self.max_per_doc is not None and per_doc.get(s.doc, 0) >= self.max_per_doc:
                continue
            per_doc[s.doc] = per_doc.get(s.doc, 0) + 1
            kept.append(s)
        return kept


def _logistic(features: np.ndarray, weights: dict[str, float], bias: float) -> np.ndarray:
    vector = np.array([weights.get(k, 0.0) for k in SIGNALS])
    # clipped: a logit beyond ±500 is 0 or 1 anyway, and exp would overflow
    return 1.0 / (1.0 + np.exp(-np.clip(bias + features @ vector, -500.0, 500.0)))


DEFAULT_CONFIG = ScoringConfig()


@dataclass(frozen=True, slots=True)
class Scored:
    """One candidate of a lower unit: upper unit id, link score, relation (``None``: no match),
    signals, and the rank score that orders the candidates."""

    unit_id: int
    doc: int
    score: float
    relation: str | None
    signals: PairSignals
    rank: float = 0.0


#: Lower units up to this many characters all get the same ``length`` signal.
SHORT_UNIT_CHARS = 100


def lower_length(chars: int) -> float:
    """The ``length`` signal: log10 of the lower unit's characters, at least
    :data:`SHORT_UNIT_CHARS` (2 for an article or a measure, about 2.5–3 for a report paragraph).

    Short units are not told apart: a 40-character measure that copies a sentence is as much a
    match as a 100-character one.  Without the floor the link model learned to pass over short
    units (a third of the labelled ones); with it, held-out F1 is the same (0.682).
    """
    return math.log10(max(SHORT_UNIT_CHARS, chars))


def base_similarity(signals: Sequence[PairSignals]) -> np.ndarray:
    """The plain sum of the main similarities of each pair (what the context signals compare)."""
    return np.array([s.lexical + s.sentence + s.semantic_max for s in signals], dtype=float)


def upper_best(rows: Sequence[tuple[Sequence[int], Sequence[PairSignals]]]) -> dict[int, float]:
    """For each upper unit id, the best :func:`base_similarity` over all lower units that have it
    among their candidates (rows of (unit ids, signals)), for the ``upper_rel`` signal."""
    best: dict[int, float] = {}
    for ids, signals in rows:
        for unit_id, value in zip(ids, base_similarity(signals), strict=False):
            if value > best.get(unit_id, -np.inf):
                best[unit_id] = float(value)
    return best


def feature_matrix(
    signals: Sequence[PairSignals],
    docs: Sequence[int],
    column_best: Sequence[float] | None = None,
    distances: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """Pair and context signals of all candidates of one lower unit (rows), :data:`SIGNALS` columns.

    ``column_best`` holds, per candidate, the best base similarity of its upper unit over all
    lower units (:func:`upper_best`); without it the unit is its upper unit's best (1).
    ``distances`` holds, per candidate, the distance between the relative positions of the two
    units (``position``); without it every candidate gets :data:`UNKNOWN_DISTANCE`.
    """
    n = len(signals)
    features = np.zeros((n, len(SIGNALS)))
    if not n:
        return features
    n_pair = len(PAIR_SIGNALS)
    for row, s in enumerate(signals):
        features[row, :n_pair] = s.values()
    column = {name: i for i, name in enumerate(SIGNALS)}
    lexical = features[:, column["lexical"]]
    sentence = features[:, column["sentence"]]
    semantic_max = features[:, column["semantic_max"]]
    features[:, column["lexical_rel"]] = lexical / max(float(lexical.max()), 1e-9)
    features[:, column["sentence_rel"]] = sentence / max(float(sentence.max()), 1e-9)
    features[:, column["semantic_rel"]] = semantic_max - float(semantic_max.max())
    base = lexical + sentence + semantic_max
    spread = float(base.std())
    if n > 1 and spread > 1e-6:  # equal candidates (or one): no candidate stands out
        features[:, column["base_z"]] = (base - base.mean()) / spread
    if column_best is None:
        features[:, column["upper_rel"]] = 1.0
    else:
        top = np.maximum(np.asarray(column_best, dtype=float), base)
        features[:, column["upper_rel"]] = base / np.maximum(top, 1e-9)
    features[:, column["position"]] = UNKNOWN_DISTANCE if distances is None else distances
    features[:, column["length"]] = lower_length(signals[0].lower_chars)  # one lower unit
    doc_array = np.asarray(docs)
    for doc in np.unique(doc_array):
        members = np.flatnonzero(doc_array == doc)
        best = members[np.lexsort((members, -base[members]))[0]]
        features[best, column["doc_best"]] = 1.0
    return features


def score_candidates(
    config: ScoringConfig,
    unit_ids: Sequence[int],
    docs: Sequence[int],
    signals: Sequence[PairSignals],
    column_best: dict[int, float] | None = None,
    distances: Sequence[float] | np.ndarray | None = None,
) -> list[Scored]:
    """Score every candidate of one lower unit (context signals need them all together);
    ``column_best`` comes from :func:`upper_best` over all lower units aligned together,
    ``distances`` are the ``position`` signal of each candidate (see :func:`feature_matrix`)."""
    best = None if column_best is None else [column_best.get(i, 0.0) for i in unit_ids]
    features = feature_matrix(signals, docs, best, distances)
    scores, ranks = config.scores(features), config.rank_scores(features)
    return [
        Scored(
            unit_id, doc, float(score), config.relation(float(score), s.longest, s.coverage), s, float(rank)
        )
        for unit_id, doc, score, rank, s in zip(unit_ids, docs, scores, ranks, signals, strict=False)
    ]


@dataclass(frozen=True, slots=True)
class PairSignals:
    """Every signal of one pair plus the evidence behind the alignment signal."""

    lexical: float
    sentence: float
    terms: float
    alignment: float
    semantic: float
    semantic_max: float
    soft_recall: float
    soft_precision: float
    coverage: float
    longest: int
    passages: tuple[Passage, ...]
    shared_terms: tuple[str, ...]
    #: characters of the lower unit (the ``length`` signal, see :data:`CONTEXT_SIGNALS`)
    lower_chars: int = 0

    def as_dict(self) -> dict[str, float]:
        return {
            "lexical": self.lexical,
            "sentence": self.sentence,
            "terms": self.terms,
            "alignment": self.alignment,
            "semantic": self.semantic,
            "semantic_max": self.semantic_max,
            "soft_recall": self.soft_recall,
            "soft_precision": self.soft_precision,
        }

    def values(self) -> tuple[float, ...]:
        """The pair signals in :data:`PAIR_SIGNALS` order."""
        return (
            self.lexical,
            self.sentence,
            self.terms,
            self.alignment,
            self.semantic,
            self.semantic_max,
            self.soft_recall,
            self.soft_precision,
        )


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
        "in_vocab",
        "norm",
        "sentence_columns",
        "sentence_dense",
        "sentence_tfidf",
        "sentence_vectors",
        "text",
        "vector",
        "weights",
        "word_vectors",
        "word_weights",
        "words",
    )

    def __init__(
        self,
        text: str,
        weights: dict[str, float],
        vector: np.ndarray | None,
        sentence_vectors: np.ndarray | None,
        sentence_tfidf: _Rows | None,
        word_vectors: WordVectors | None = None,
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
        self.words = sorted(weights, key=lambda w: (-weights[w], w))
        self.word_weights = np.array([weights[w] for w in self.words], dtype=np.float32)
        self.word_vectors: np.ndarray | None = None
        self.in_vocab: np.ndarray | None = None
        if word_vectors is not None:
            ids = [word_vectors.index.get(w, -1) for w in self.words]
            self.in_vocab = np.array([i >= 0 for i in ids], dtype=bool)
            self.word_vectors = word_vectors.vectors[[i if i >= 0 else 0 for i in ids]]

    def soft_match(self, other: _Profile) -> tuple[float, float]:
        """Soft term overlap: each word counts by its best word-vector cosine in the other text.

        Exact shared words count 1; others count ``(cos - SOFT_FLOOR) / (1 - SOFT_FLOOR)`` when
        positive (so 课程 meets 教材, 攻关 meets 研发).  Returns the IDF-weighted share of this
        text's words found in ``other`` (recall) and of ``other``'s words found here (precision).
        """
        if not self.words or not other.words:
            return 0.0, 0.0
        exact = np.array([w in other.weights for w in self.words], dtype=bool)
        exact_other = np.array([w in self.weights for w in other.words], dtype=bool)
        best = exact.astype(np.float32)
        best_other = exact_other.astype(np.float32)
        if (
            self.word_vectors is not None
            and other.word_vectors is not None
            and self.in_vocab is not None
            and other.in_vocab is not None
        ):
            cos = self.word_vectors @ other.word_vectors.T
            cos[~self.in_vocab, :] = 0
            cos[:, ~other.in_vocab] = 0
            soft = np.clip((cos - SOFT_FLOOR) / (1 - SOFT_FLOOR), 0, 1)
            best = np.maximum(best, soft.max(axis=1))
            best_other = np.maximum(best_other, soft.max(axis=0))
        recall = float(best @ self.word_weights) / max(float(self.word_weights.sum()), 1e-9)
        precision = float(best_other @ other.word_weights) / max(float(other.word_weights.sum()), 1e-9)
        return recall, precision

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
        #: word vectors for the soft term match (none when the semantic signal is off)
        self.soft_vectors = vectors if vectors is not None and vectors.embeds else None
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
        if self.vectors is not None and self.vectors.embeds:
            bags = [bag for words in sentence_words for bag in ([w for ws in words for w in ws], *words)]
            embedded = self.vectors.embed_batch(bags)
        row = vector_row = 0
        for (key, text), group, words in zip(todo, sentences, sentence_words, strict=False):
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
            self._profiles[key] = _Profile(text, weights, vector, sentence_vectors, block, self.soft_vectors)

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
        soft_recall, soft_precision = low.soft_match(up)
        return PairSignals(
            lexical=lexical,
            sentence=sentence,
            terms=terms,
            alignment=min(1.0, alignment),
            semantic=semantic,
            semantic_max=semantic_max,
            soft_recall=soft_recall,
            soft_precision=soft_precision,
            coverage=covered / max(1, len(lower.text)),
            longest=max((len(p) for p in passages), default=0),
            passages=tuple(passages),
            shared_terms=tuple(shared),
            lower_chars=len(lower.text),
        )
