"""The semantic signal: shipped word vectors, SIF-weighted text vectors, cosine similarity.

Lexical overlap misses paraphrase (a city's 制定课程纲要 takes up a national 设置人工智能相关课程).
Word vectors trained on the public policy corpora (``scripts/train_align_vectors.py``; PPMI +
SVD, 112 dimensions, 16,000 words stored as int8, ``policytext/data/align_*``; sizes in
``align_vectors.json``) place 课程 near 教材/教学内容/学分,
so two texts about the same task in different words still score high.  A text vector is the
SIF-weighted mean of its word vectors minus the corpus' common component (Arora et al. 2017):
without that, every pair of policy paragraphs looks alike.

Everything is offline and deterministic; the files are loaded once, on first use.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources

import numpy as np

from policytext.align.tokens import content_words
from policytext.errors import ConfigurationError


class WordVectors:
    """Word vectors plus the word counts that give SIF and IDF weights."""

    #: whether the vectors carry meaning (False for the weights-only stand-in used in ablations)
    embeds = True

    def __init__(self, words: Sequence[str], counts: np.ndarray, vectors: np.ndarray, meta: dict) -> None:
        if len(words) != len(vectors) or len(words) != len(counts):
            raise ConfigurationError("word vectors: vocabulary and matrix sizes differ")
        self.index = {w: i for i, w in enumerate(words)}
        # int8 storage keeps directions only: restore unit length (cosines are what count)
        matrix = vectors.astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.vectors = matrix / np.maximum(norms, 1e-9)
        total = float(meta.get("total_tokens") or counts.sum())
        sif_a = float(meta.get("sif_a", 1e-3))
        prob = counts / total
        self.sif = (sif_a / (sif_a + prob)).astype(np.float32)
        #: IDF-like weight of a word from its corpus frequency; unseen words weigh most.
        self.idf = np.log(total / counts).astype(np.float32)
        self.max_idf = float(np.log(total))
        common = np.asarray(meta.get("common_component") or np.zeros(vectors.shape[1]), dtype=np.float32)
        norm = float(np.linalg.norm(common))
        self.common = common / norm if norm else common
        self.dims = int(vectors.shape[1])

    @classmethod
    def load_default(cls) -> WordVectors:
        return _default_vectors()

    def weight(self, word: str) -> float:
        """IDF-like weight of ``word`` (used by the shared-terms signal)."""
        i = self.index.get(word)
        return self.max_idf if i is None else float(self.idf[i])

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        """Unit-length SIF vector of a bag of words (zeros when no word is known)."""
        ids = [self.index[w] for w in words if w in self.index]
        if not ids:
            return np.zeros(self.dims, dtype=np.float32)
        vector = (self.sif[ids][:, None] * self.vectors[ids]).mean(axis=0)
        vector = vector - self.common * float(vector @ self.common)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_batch(self, word_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Unit-length SIF vectors of many bags of words at once (one sparse product)."""
        from scipy import sparse

        rows: list[int] = []
        cols: list[int] = []
        for row, words in enumerate(word_lists):
            ids = [self.index[w] for w in words if w in self.index]
            rows.extend([row] * len(ids))
            cols.extend(ids)
        if not word_lists:
            return np.zeros((0, self.dims), dtype=np.float32)
        col_array = np.asarray(cols, dtype=np.int64)
        weights = sparse.csr_matrix(
            (self.sif[col_array], (np.asarray(rows, dtype=np.int64), col_array)),
            shape=(len(word_lists), len(self.vectors)),
        )
        vectors = np.asarray(weights @ self.vectors, dtype=np.float32)
        vectors -= np.outer(vectors @ self.common, self.common)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length SIF vectors of texts (rows)."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return self.embed_batch([content_words(t) for t in texts])

    def neighbours(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` nearest words by cosine (for inspection and query expansion)."""
        i = self.index.get(word)
        if i is None:
            return []
        scores = self.vectors @ self.vectors[i]
        order = np.lexsort((np.arange(len(scores)), -scores))
        words = list(self.index)
        return [(words[j], float(scores[j])) for j in order[1 : k + 1]]


@cache
def _default_vectors() -> WordVectors:
    """The shipped vectors (read-only, loaded once per process)."""
    data = resources.files("policytext") / "data"
    try:
        with (data / "align_vocab.tsv").open("r", encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle if line.strip()]
        with (data / "align_vectors.npy").open("rb") as handle:
            vectors = np.load(handle, allow_pickle=False)
        meta = json.loads((data / "align_vectors.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigurationError(f"cannot read the shipped alignment word vectors: {error}") from None
    words = [r[0] for r in rows]
    counts = np.array([float(r[1]) for r in rows], dtype=np.float64)
    return WordVectors(words, counts, vectors, meta)
