"""Sparse candidate retrieval over the units of many upper documents.

An :class:`AlignIndex` is built once over the upper documents (a handful of national texts, or
every article of thousands of laws) and queried many times.  Units are vectorised as character
2–3-grams (hashed, so there is no vocabulary to fit and the index stays a single sparse matrix),
weighted by sublinear TF × IDF and L2-normalised, and stored inverted (n-gram → units) so that a
query is one sparse product that touches only the postings of its own n-grams.  Character
n-grams need no segmentation, so the index builds at several MB of text per second.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from policytext._util import atomic_open
from policytext.align.units import AlignUnit, relative_positions, split_units
from policytext.errors import ConfigurationError, InputError
from policytext.model import Level, PolicyDocument
from policytext.segment import _without_surrogates

#: Hash space of the character n-grams (collisions are negligible at 2**20 for CJK 2–3-grams).
N_FEATURES = 2**20
_FORMAT = "policytext-align-index-2"  # 2: AlignUnit.review


_MULTIPLIER = np.uint64(1_000_003)
_TRIGRAM_SALT = np.uint64(0x5BD1E995)
_MIX = np.uint64(0x7FB5D329728EA185)
#: Queries skip n-grams found in more than this share of a large index's units: they add
#: almost nothing to a cosine (low IDF) but make up most of the postings a query reads.
COMMON_SHARE = 0.02
#: ... but only in indexes of at least this many units (small indexes stay exact).
PRUNE_FROM_UNITS = 20000


def ngram_keys(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(text number, hashed column) of every character 2- and 3-gram occurrence.

    Only Han characters and Latin letters count (white space, digits and punctuation carry no
    content, and n-grams join across them).  Equivalent to a char-analyzer ``HashingVectorizer``
    but vectorised with numpy over all texts at once: many times faster on millions of characters.
    """
    n_texts = len(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=n_texts)
    joined = "".join(texts)
    try:
        encoded = joined.encode("utf-32-le")
    except UnicodeEncodeError:  # a lone surrogate (broken input): U+FFFD keeps every offset
        encoded = _without_surrogates(joined).encode("utf-32-le")
    codes = np.frombuffer(encoded, dtype=np.uint32)
    owner = np.repeat(np.arange(n_texts, dtype=np.int32), lengths)
    folded = codes | 32
    keep = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes < 0x4DC0))
    keep |= (folded >= 97) & (folded <= 122)
    codes64 = codes[keep].astype(np.uint64)
    owner = owner[keep]
    if len(codes64) < 2:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    same = owner[:-1] == owner[1:]
    bigram = codes64[:-1] * _MULTIPLIER + codes64[1:]
    same3 = same[:-1] & same[1:]
    trigram = (bigram[:-1] * _MULTIPLIER + codes64[2:]) ^ _TRIGRAM_SALT
    key = np.concatenate([bigram[same], trigram[same3]])
    rows = np.concatenate([owner[:-1][same], owner[:-2][same3]])
    key = (key ^ (key >> np.uint64(31))) * _MIX  # splitmix-style bit mixing before masking
    key ^= key >> np.uint64(27)
    return rows, (key & np.uint64(N_FEATURES - 1)).astype(np.int32)


def ngram_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed character 2–3-gram counts, one row per text (for queries: small inputs)."""
    texts = list(texts)
    rows, columns = ngram_keys(texts)
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)), shape=(len(texts), N_FEATURES)
    )
    matrix.sum_duplicates()
    return matrix


def _postings(texts: list[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The inverted index (features × texts, sublinear-TF × IDF, L2-normalised per text) and IDF.

    Built directly in posting order with one sort of (feature, text) keys, which is cheaper
    than building text rows and transposing them.
    """
    n_texts = len(texts)
    rows, columns = ngram_keys(texts)
    combined = np.sort(columns.astype(np.int64) * n_texts + rows)
    if len(combined):
        starts = np.flatnonzero(np.concatenate(([True], combined[1:] != combined[:-1])))
        counts = np.diff(np.append(starts, len(combined))).astype(np.float32)
        unique = combined[starts]
    else:
        counts = np.zeros(0, dtype=np.float32)
        unique = combined
    del combined
    feature = unique // n_texts if n_texts else unique
    text = (unique - feature * n_texts).astype(np.int32)
    document_frequency = np.bincount(feature, minlength=N_FEATURES)
    idf = (np.log((1 + n_texts) / (1 + document_frequency)) + 1).astype(np.float32)
    data = (1 + np.log(counts)) * idf[feature]
    norms = np.sqrt(np.bincount(text, weights=data.astype(np.float64) ** 2, minlength=n_texts))
    norms[norms == 0] = 1.0
    data /= norms[text].astype(np.float32)
    indptr = np.zeros(N_FEATURES + 1, dtype=np.int64)
    np.cumsum(document_frequency, out=indptr[1:])
    postings = sparse.csr_matrix((data.astype(np.float32), text, indptr), shape=(N_FEATURES, n_texts))
    return postings, idf


@dataclass(frozen=True, slots=True)
class DocInfo:
    """What the index keeps of an upper document: enough to name it and group coverage."""

    name: str
    level: Level
    kind: str
    path: str | None
    record: int | None
    n_units: int


class AlignIndex:
    """Character n-gram TF-IDF index over the alignable units of upper documents.

    >>> index = AlignIndex.build([national_doc, provincial_doc])   # doctest: +SKIP
    >>> index.save("laws.index"); AlignIndex.load("laws.index")      # doctest: +SKIP
    """

    def __init__(
        self, docs: list[DocInfo], units: list[AlignUnit], postings: sparse.csr_matrix, idf: np.ndarray
    ) -> None:
        self.docs = docs
        self.units = units
        #: features × units (an inverted index): a query touches only the postings of its n-grams
        self.postings = postings
        self.idf = idf
        self._starts = np.cumsum([0] + [d.n_units for d in docs])
        #: document number of every unit
        self.unit_docs = np.repeat(np.arange(len(docs)), [d.n_units for d in docs])
        #: where every unit sits in its document, 0 (first) to 1 (last)
        self.positions = np.array(relative_positions(units), dtype=float)

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        docs: Sequence[PolicyDocument],
        *,
        kind: str = "auto",
        levels: Sequence[Level | str | None] | None = None,
    ) -> AlignIndex:
        """Index every unit of ``docs``; ``levels`` overrides each document's ``header.level``.

        Documents are numbered by their position in ``docs`` (``AlignUnit.doc``, ``UnitRef.doc``)
        and named by ``doc.name``, made unique when several share one (two 政府工作报告): see
        :func:`unique_names`.
        """
        if isinstance(levels, str):
            raise ConfigurationError(
                f"levels takes one level per upper document (a list such as [{levels!r}]), not a string"
            )
        if levels is not None and len(levels) != len(docs):
            raise ConfigurationError(
                f"levels gives {len(levels)} levels for {len(docs)} upper documents; give one per document"
            )
        infos: list[DocInfo] = []
        units: list[AlignUnit] = []
        names = unique_names(docs)
        for number, doc in enumerate(docs):
            doc_units = split_units(doc, kind, doc_index=number)
            level = _level(levels[number] if levels is not None else None, doc)
            infos.append(
                DocInfo(
                    name=names[number],
                    level=level,
                    kind=doc_units[0].kind if doc_units else "paragraph",
                    path=doc.source.path,
                    record=doc.source.record,
                    n_units=len(doc_units),
                )
            )
            units.extend(doc_units)
        postings, idf = _postings([u.text for u in units])
        return cls(infos, units, postings, idf)

    # -- querying ---------------------------------------------------------------------------
    def vectorize(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF vectors of query texts in the index's space."""
        return _weight(ngram_counts(texts), self.idf)

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """Dense cosine matrix (queries × units); fine for thousands of units."""
        return np.asarray((self.vectorize(texts) @ self.postings).todense())

    def candidates(self, texts: Sequence[str], top_k: int = 50) -> list[list[tuple[int, float]]]:
        """The ``top_k`` units by cosine for each query, best first (ties by unit index)."""
        queries = self.vectorize(texts)
        if len(self.units) >= PRUNE_FROM_UNITS:
            # skip the most common n-grams (IDF below that of COMMON_SHARE): approximate
            # cosine, the same top candidates, a fraction of the postings read
            floor = np.float32(np.log(1 / COMMON_SHARE) + 1)
            queries.data[self.idf[queries.indices] < floor] = 0
            queries.eliminate_zeros()
        product = (queries @ self.postings).tocsr()
        result = []
        for row in range(product.shape[0]):
            start, end = product.indptr[row], product.indptr[row + 1]
            columns, values = product.indices[start:end], product.data[start:end]
            if len(values) > top_k:
                keep = np.argpartition(-values, top_k - 1)[:top_k]
                columns, values = columns[keep], values[keep]
            order = np.lexsort((columns, -values))
            result.append([(int(columns[i]), float(values[i])) for i in order])
        return result

    def doc_of(self, unit: int) -> int:
        return int(np.searchsorted(self._starts, unit, side="right") - 1)

    def __len__(self) -> int:
        return len(self.units)

    def __repr__(self) -> str:
        return f"<AlignIndex {len(self.docs)} documents, {len(self.units)} units>"

    # -- persistence ------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the index (pickle); build once, reuse with :meth:`load`."""
        with atomic_open(path, "wb") as handle:
            pickle.dump((_FORMAT, self.docs, self.units, self.postings, self.idf), handle, protocol=5)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> AlignIndex:
        """Read an index written by :meth:`save` (only load files you wrote: it is a pickle)."""
        try:
            with open(path, "rb") as handle:
                payload = pickle.load(handle)
        except FileNotFoundError:
            raise InputError("no such index file", path) from None
        except IsADirectoryError:
            raise InputError("is a directory, not an index file written by AlignIndex.save", path) from None
        except OSError as error:
            raise InputError(f"cannot read the index file ({error.strerror or error})", path) from None
        except (
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ValueError,
            TypeError,
            IndexError,
            KeyError,
            ImportError,
        ) as error:
            raise InputError(f"not an alignment index ({type(error).__name__}: {error})", path) from None
        if not isinstance(payload, tuple) or not payload or payload[0] != _FORMAT:
            raise InputError("not an alignment index of this policytext version", path)
        if not _valid_payload(payload):
            raise InputError("a damaged alignment index (unexpected contents); build and save it again", path)
        _, docs, units, postings, idf = payload
        return cls(docs, units, postings, idf)


def _valid_payload(payload: tuple[object, ...]) -> bool:
    """Whether a loaded pickle has the parts :meth:`AlignIndex.save` writes, of the right types."""
    if len(payload) != 5:
        return False
    _, docs, units, postings, idf = payload
    return (
        isinstance(docs, list)
        and all(isinstance(d, DocInfo) for d in docs)
        and isinstance(units, list)
        and sum(d.n_units for d in docs) == len(units)
        and isinstance(postings, sparse.csr_matrix)
        and postings.shape[1] == len(units)
        and isinstance(idf, np.ndarray)
    )


def unique_names(docs: Sequence[PolicyDocument]) -> list[str]:
    """``doc.name`` of every document, made unique where several share one.

    Per-document figures (coverage, ``reuse_by_doc``) are keyed by name, so two uppers both
    titled 政府工作报告 must not merge.  A shared name gets the source file name (and record
    number) when the document has one, ``政府工作报告 (gwr_2024.txt)``; names still shared then get
    `` #2``, `` #3`` … in order.  Unique names are kept as they are.
    """
    names = [doc.name for doc in docs]
    counts = Counter(names)
    sourced = []
    for doc, name in zip(docs, names, strict=True):
        if counts[name] > 1 and doc.source.path:
            where = Path(doc.source.path).name
            if doc.source.record is not None:
                where += f", record {doc.source.record}"
            name = f"{name} ({where})"
        sourced.append(name)
    reserved = set(sourced)
    used: set[str] = set()
    unique = []
    for name in sourced:
        candidate, number = name, 1
        while candidate in used or (number > 1 and candidate in reserved):
            number += 1
            candidate = f"{name} #{number}"
        used.add(candidate)
        unique.append(candidate)
    return unique


def _weight(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF × IDF, rows L2-normalised (in place on a copy of the data)."""
    weighted = counts.astype(np.float32, copy=True)
    weighted.data = (1 + np.log(weighted.data)) * idf[weighted.indices]
    row_nnz = np.diff(weighted.indptr)
    rows = np.repeat(np.arange(weighted.shape[0]), row_nnz)
    norms = np.sqrt(
        np.bincount(rows, weights=weighted.data.astype(np.float64) ** 2, minlength=weighted.shape[0])
    )
    norms[norms == 0] = 1.0
    weighted.data /= norms[rows].astype(np.float32)
    return weighted


def _level(value: Level | str | None, doc: PolicyDocument) -> Level:
    if value is None:
        return doc.header.level
    if isinstance(value, Level):
        return value
    try:
        return Level(value)
    except ValueError:
        raise ConfigurationError(
            f"unknown level {value!r} for {doc.name}; expected one of {', '.join(lv.value for lv in Level)}"
        ) from None
