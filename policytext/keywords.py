"""Keywords a policy researcher would accept: TF-IDF with a policy-domain IDF, TextRank, MMR.

``jieba.analyse`` ranks 企业, 创新, 建设 and fragments of agency names (市人, 社局) at the top of a
policy document: its IDF comes from general web text, where 企业 is rare, and its segmenter cuts
市人社局 in two.  Here the tokens come from the policy-aware :class:`~policytext.segment.Segmenter`
(adapted to the documents: quoted programmes, 《》 titles, unit names, discovered terms), the
responsibility clauses and boilerplate never count, candidates are nouns, policy terms and
noun-noun phrases, the IDF is learned from policy documents (the bundled one from the public
corpora, or one learned from the user's corpus), and maximal marginal relevance keeps
near-duplicates (产教融合 / 产教融合创新平台) out of the same list.

>>> import policytext
>>> doc = policytext.corpora.load("qianjiang_2025")
>>> policytext.keywords(doc, top=5)["term"].tolist()  # doctest: +SKIP
['科技人才', '高技能人才', '产教融合', ...]
"""

from __future__ import annotations

import bisect
import gzip
import importlib.resources
import itertools
import math
import sys
import types
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext.errors import ConfigurationError
from policytext.segment import Segmenter, TokenTuple

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


METHODS = ("tfidf", "textrank")
BY = ("document", "measure", "section")

#: Parts of speech that can be a topical keyword: nouns, noun-verbs, abbreviations, set phrases
#: and foreign words.  Agencies (nt), places (ns) and people (nr) are actors, not topics.
KEYWORD_POS = frozenset(["n", "nz", "vn", "an", "j", "l", "eng", "nw"])
#: Parts of speech that may form a noun-noun phrase (集成电路 + 产业).
PHRASE_POS = KEYWORD_POS
#: A phrase cannot start with a mere scope (国家/全省 + 职业教育 is 职业教育).
SCOPE_WORDS = frozenset(
    "国家 全国 地方 各级 省级 市级 县级 区级 本省 本市 全省 全市 全县 全区 我省 我市 中央".split()  # noqa: SIM905
)
#: Heads that make a term an actor, not a topic (项目管理部门, 教育行政主管部门).
ACTOR_HEADS = ("部门", "单位", "机关", "政府", "委员会", "办公室", "办公厅")
#: Adverbs that open a verb phrase, not a term (积极探索, 切实增强).
VERB_OPENERS = tuple(
    "积极 切实 大力 着力 全面 深入 加快 不断 进一步 扎实 稳步 持续 努力 坚决 充分 全力".split()  # noqa: SIM905
)
MAX_PHRASE_CHARS = 8
#: In a unit with at least this many candidate tokens, a keyword must occur twice.
MIN_COUNT_TOKENS = 300


# -- IDF ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IDF:
    """Inverse document frequencies with a default for terms never seen."""

    values: Mapping[str, float]
    default: float
    documents: int = 0
    source: str = "custom"

    def __getitem__(self, term: str) -> float:
        return self.values.get(term, self.default)

    def __contains__(self, term: object) -> bool:
        return term in self.values

    @classmethod
    def from_counts(cls, df: Mapping[str, int], n_docs: int, *, source: str = "corpus") -> IDF:
        """Smoothed IDF ``log((N+1)/(df+1)) + 1``; unseen terms get the df=1 value."""
        values = {term: math.log((n_docs + 1) / (count + 1)) + 1 for term, count in df.items()}
        return cls(values, math.log((n_docs + 1) / 2) + 1, n_docs, source)


@lru_cache(maxsize=1)
def bundled_idf() -> IDF:
    """The policy-domain IDF built by ``scripts/build_idf.py`` from the public corpora."""
    path = Path(str(importlib.resources.files("policytext") / "data" / "idf.txt.gz"))
    values: dict[str, float] = {}
    default = 10.0
    documents = 0
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            term, _, value = line.rstrip("\n").partition("\t")
            if term == "__default__":
                default = float(value)
            elif term == "__documents__":
                documents = int(value)
            elif value:
                values[term] = float(value)
    return IDF(values, default, documents, "bundled")


def learn_idf(docs: Iterable[Any], segmenter: Segmenter | None = None) -> IDF:
    """IDF over the user's documents (a ``Corpus``, PolicyDocuments or strings).

    Terms the user's corpus never saw fall back to the bundled policy-domain value, so that a
    small corpus still ranks 企业 below 产教融合.
    """
    segmenter = segmenter or default_segmenter()
    df: Counter[str] = Counter()
    n_docs = 0
    for doc in _corpus_documents(docs) if _is_corpus(docs) else docs:
        tokens = segmenter.content_tuples(doc, pos=True)
        df.update({t[0] for t in tokens} | {p for p, _, _ in _phrases(tokens)})
        n_docs += 1
    if not n_docs:
        raise ConfigurationError("cannot learn an IDF from an empty corpus")
    learned = IDF.from_counts(df, n_docs)
    background = bundled_idf()
    merged = {term: background[term] for term in background.values}
    merged.update(learned.values)
    return IDF(merged, learned.default, n_docs, "corpus")


def _resolve_idf(idf: Any, segmenter: Segmenter) -> IDF:
    if idf is None or idf == "bundled":
        return bundled_idf()
    if isinstance(idf, IDF):
        return idf
    if isinstance(idf, Mapping):
        if not idf:
            raise ConfigurationError("the idf mapping is empty")
        background = bundled_idf()
        values = dict(background.values)  # terms the mapping lacks keep their policy-domain IDF
        try:
            values.update({str(k): float(v) for k, v in idf.items()})
        except (TypeError, ValueError) as error:
            raise ConfigurationError(f"idf values must be numbers: {error}") from None
        return IDF(values, background.default, 0, "mapping")
    if isinstance(idf, str):
        raise ConfigurationError(f"unknown idf {idf!r}: pass 'bundled', a mapping, or a corpus of documents")
    return learn_idf(idf, segmenter)


# -- candidates ---------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _default_segmenter(backend: str) -> Segmenter:
    return Segmenter(backend, pos=True)


def default_segmenter() -> Segmenter:
    """The shared POS-tagging segmenter used when the caller gives none (built once per process)."""
    return _default_segmenter("auto")


def _candidates(tokens: Sequence[TokenTuple], agencies: frozenset[str], use_pos: bool) -> list[str]:
    """The texts of the candidate tokens, in order: nouns and policy terms (POS tags when the
    segmenter gives them); never an agency or actor.  Classified once per distinct (text, pos)."""
    verdicts: dict[tuple[str, str | None], bool] = {}
    words = []
    for text, _, _, pos in tokens:
        key = (text, pos)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = (not use_pos or pos in KEYWORD_POS) and (
                text not in agencies and _topical(text)
            )
        if verdict:
            words.append(text)
    return words


def _topical(term: str) -> bool:
    return not (term.endswith(ACTOR_HEADS) or (len(term) > 3 and term.startswith(VERB_OPENERS)))


def _phrases(tokens: Sequence[TokenTuple]) -> list[tuple[str, int, int]]:
    """Adjacent noun-noun pairs (no gap between them): (phrase, start, end)."""
    found = []
    for (left, start, left_end, left_pos), (right, right_start, end, right_pos) in itertools.pairwise(tokens):
        if left_end != right_start or left in SCOPE_WORDS:
            continue
        if left_pos is not None and (left_pos not in PHRASE_POS or right_pos not in PHRASE_POS):
            continue
        phrase = left + right
        if len(phrase) <= MAX_PHRASE_CHARS and _topical(phrase):
            found.append((phrase, start, end))
    return found


@dataclass
class _Unit:
    """A stretch of text keywords are computed for: a document, a measure or a section."""

    document: str
    tokens: list[TokenTuple]
    measure: str | None = None
    section: str | None = None
    title: str | None = None


def _term_counts(unit: _Unit, segmenter: Segmenter, idf: IDF, use_pos: bool) -> Counter[str]:
    known, agencies = segmenter.known_terms, segmenter.agency_names
    counts: Counter[str] = Counter(_candidates(unit.tokens, agencies, use_pos))
    for word in [w for w in counts if len(w) == 2 and not segmenter.in_dictionary(w)]:
        del counts[word]  # two characters the HMM glued together (均居): rarely a term
    phrase_counts = Counter(p for p, _, _ in _phrases(unit.tokens))
    for phrase, count in phrase_counts.items():
        # a phrase counts when it recurs, or is a known / corpus-attested term
        if phrase in known or (phrase in idf and count >= 2) or count >= 3:
            counts[phrase] += count
    return counts


# -- scoring ------------------------------------------------------------------------------


def _tfidf(counts: Counter[str], idf: IDF) -> dict[str, float]:
    """Sublinear TF times IDF: a generic word used 17 times must not beat a term of art used 4 times."""
    min_count = 2 if sum(counts.values()) >= MIN_COUNT_TOKENS else 1
    return {term: (1 + math.log(count)) * idf[term] for term, count in counts.items() if count >= min_count}


def _textrank(
    unit: _Unit, counts: Counter[str], agencies: frozenset[str], use_pos: bool, idf: IDF, window: int = 5
) -> dict[str, float]:
    """Weighted PageRank over co-occurrence of candidate words within ``window`` tokens.

    The random jump is biased by IDF (a personalised PageRank): plain TextRank crowns the most
    connected words of any policy text (机制, 人才, 科技); the bias lets domain-specific words win
    while keeping TextRank's preference for central words.
    """
    words = _candidates(unit.tokens, agencies, use_pos)
    edges: dict[str, Counter[str]] = defaultdict(Counter)
    for i, word in enumerate(words):
        for other in words[i + 1 : i + window]:
            if other != word:
                edges[word][other] += 1
                edges[other][word] += 1
    if not edges:
        return {w: 1.0 for w in counts}
    nodes = list(edges)
    out_weight = {n: sum(edges[n].values()) for n in nodes}
    bias = {n: idf[n] ** 2 for n in nodes}
    bias_total = sum(bias.values())
    jump = {n: b / bias_total for n, b in bias.items()}
    rank = dict.fromkeys(nodes, 1.0 / len(nodes))
    damping = 0.85
    for _ in range(30):
        rank = {
            n: (1 - damping) * jump[n]
            + damping * sum(rank[m] * w / out_weight[m] for m, w in edges[n].items())
            for n in nodes
        }
    # times IDF² rather than IDF: with one factor the hubs still come first (机制, 人才, 科技 on
    # the bundled plan); P@10 on the judged lists 0.560 → 0.673 (docs/bench/segment_keywords.md)
    scores = {n: rank[n] * idf[n] ** 2 for n in nodes}
    # a phrase scores as the mean of its parts, times a small bonus for being a phrase
    for term in counts:
        if term not in scores:
            parts = [scores[w] for w in scores if w in term and len(w) >= 2]
            if parts:
                scores[term] = 1.1 * sum(parts) / len(parts)
    return {t: s for t, s in scores.items() if t in counts}


def _bigrams(term: str) -> frozenset[str]:
    return frozenset(term[i : i + 2] for i in range(len(term) - 1))


def _redundancy(
    a: str, b: str, counts: Counter[str], grams: Mapping[str, frozenset[str]] | None = None
) -> float:
    """How much of ``a`` is already said by ``b`` (0–1), for MMR.

    When one term contains the other, the share of the shorter one's occurrences that sit inside
    the longer one: 职业教育 used 40 times is not made redundant by 职业教育培训 used 3 times, but
    a component that only ever occurs inside the phrase is.  Otherwise the character-bigram
    Jaccard similarity, halved (related wording, not the same term).  ``grams``: the terms'
    bigram sets computed beforehand.
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short in long:
        return min(1.0, counts.get(long, 0) / max(counts.get(short, 1), 1)) if short != long else 1.0
    grams_a = grams[a] if grams is not None else _bigrams(a)
    grams_b = grams[b] if grams is not None else _bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return 0.5 * len(grams_a & grams_b) / len(grams_a | grams_b)


def _select(
    scores: dict[str, float], counts: Counter[str], top: int, mmr: float | None
) -> list[tuple[str, float]]:
    """The ``top`` terms by score, or by maximal marginal relevance when ``mmr`` (λ) is given.

    MMR keeps, for every candidate, its largest redundancy with the terms chosen so far and
    updates it with each new pick only: one redundancy per candidate and pick, not one per
    candidate, pick and earlier pick.
    """
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    if mmr is None or not ranked:
        return ranked[:top]
    pool = ranked[: max(top * 5, 50)]
    best = pool[0][1] or 1.0
    grams = {term: _bigrams(term) for term, _ in pool}
    relevance = [mmr * score / best for _, score in pool]
    penalty: list[float | None] = [None] * len(pool)  # None: nothing chosen yet (max of nothing)
    chosen: list[tuple[str, float]] = []
    while pool and len(chosen) < top:
        gains = [r - (1 - mmr) * (0.0 if p is None else p) for r, p in zip(relevance, penalty, strict=True)]
        index = gains.index(max(gains))  # the first best, as max(pool, key=gain)
        pick = pool.pop(index)
        del relevance[index], penalty[index]
        chosen.append(pick)
        for i, (term, _) in enumerate(pool):
            value = _redundancy(term, pick[0], counts, grams)
            previous = penalty[i]
            penalty[i] = value if previous is None or value > previous else previous
    return chosen


# -- units --------------------------------------------------------------------------------


def _as_documents(doc_or_docs: Any) -> list[Any]:
    if isinstance(doc_or_docs, str) or hasattr(doc_or_docs, "text"):
        return [doc_or_docs]
    docs = list(_corpus_documents(doc_or_docs)) if _is_corpus(doc_or_docs) else list(doc_or_docs)
    if not docs:
        raise ConfigurationError("keywords() needs at least one document")
    return docs


def _is_corpus(obj: Any) -> bool:
    return hasattr(obj, "items") and hasattr(obj, "sources") and not isinstance(obj, Mapping)


def _corpus_documents(corpus: Any) -> Iterable[Any]:
    """The documents of a :class:`policytext.Corpus`: parsed files, or record texts as they are."""
    from policytext import parse_text, read

    for item in corpus.items():
        if item.problem:
            continue  # the corpus reports unusable records itself
        if item.text is not None:
            yield parse_text(item.text)
        elif item.ref.path is not None:
            yield read(item.ref.path)


def _name(doc: Any, index: int) -> str:
    name = getattr(doc, "name", None)
    return name if name and name != "document" else f"document {index}"


def _units(doc: Any, index: int, tokens: list[TokenTuple], by: str) -> list[_Unit]:
    name = _name(doc, index) if not isinstance(doc, str) else f"document {index}"
    if by == "document" or isinstance(doc, str):
        if by != "document":
            raise ConfigurationError(f"by={by!r} needs a PolicyDocument (parse the text first)")
        return [_Unit(name, tokens)]
    units = []
    starts = [t[1] for t in tokens]

    def within(start: int, end: int) -> list[TokenTuple]:
        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_left(starts, end)
        return [t for t in tokens[first:last] if t[2] <= end]

    if by == "measure":
        for measure in doc.measures:
            inside = within(measure.span.start, measure.span.end)
            units.append(_Unit(name, inside, "/".join(measure.path), measure.section, measure.title))
    else:
        for section in doc.sections:
            inside = within(section.span.start, section.span.end)
            units.append(_Unit(name, inside, None, section.number, section.title))
    return units


# -- public API ---------------------------------------------------------------------------


def keywords(
    doc_or_docs: Any,
    *,
    top: int = 20,
    method: str = "tfidf",
    by: str = "document",
    idf: Any = None,
    segmenter: Segmenter | None = None,
    mmr: float | None = 0.8,
    adapt: bool = True,
) -> pd.DataFrame:
    """Top keywords per document, measure or section, as a DataFrame.

    ``doc_or_docs``: a PolicyDocument, a string, or several of them (a list or a ``Corpus``).
    ``method``: ``tfidf`` (default) or ``textrank``.  ``by``: ``document``, ``measure`` or
    ``section``.  ``idf``: ``None``/``"bundled"`` for the policy-domain IDF, a mapping term →
    idf, or a corpus of documents to learn it from.  ``segmenter``: a :class:`Segmenter`
    (its backend tags parts of speech for the candidates whatever its ``pos`` option).  ``mmr``: the relevance weight λ of maximal
    marginal relevance (``None`` turns de-duplication off).  ``adapt``: extend the segmenter
    with the documents' quoted terms, titles, unit names and discovered terms first.

    Columns: ``document``, ``rank``, ``term``, ``score``, ``count`` (+ ``measure``/``section``/
    ``title`` when ``by`` is not ``document``).
    """
    import pandas as pd

    rows = keyword_rows(
        doc_or_docs, top=top, method=method, by=by, idf=idf, segmenter=segmenter, mmr=mmr, adapt=adapt
    )
    columns = ["document", *([by, "title"] if by != "document" else []), "rank", "term", "score", "count"]
    return pd.DataFrame(rows, columns=columns)


def keyword_rows(
    doc_or_docs: Any,
    *,
    top: int = 20,
    method: str = "tfidf",
    by: str = "document",
    idf: Any = None,
    segmenter: Segmenter | None = None,
    mmr: float | None = 0.8,
    adapt: bool = True,
) -> list[dict[str, Any]]:
    """The rows of :func:`keywords` as plain dicts, without pandas (batch workers build their
    own tables, and a DataFrame per document costs more than its keywords)."""
    if method not in METHODS:
        raise ConfigurationError(f"unknown keyword method {method!r} (choose from {', '.join(METHODS)})")
    if by not in BY:
        raise ConfigurationError(f"unknown by={by!r} (choose from {', '.join(BY)})")
    if top < 1:
        raise ConfigurationError("top must be at least 1")
    if mmr is not None and not 0 <= mmr <= 1:
        raise ConfigurationError("mmr must be between 0 and 1 (or None)")
    docs = _as_documents(doc_or_docs)
    base = segmenter or default_segmenter()
    segmenter = base.adapted(docs) if adapt else base
    table = _resolve_idf(idf, base)
    use_pos = True  # the backend tags even when the segmenter was built without pos=True
    agencies = segmenter.agency_names
    rows: list[dict[str, Any]] = []
    for index, doc in enumerate(docs):
        tokens = segmenter.content_tuples(doc, pos=True)
        for unit in _units(doc, index, tokens, by):
            counts = _term_counts(unit, segmenter, table, use_pos)
            own_title = getattr(doc, "title", None)
            if own_title:
                for term in [t for t in counts if len(t) > 8 and t in own_title]:
                    del counts[term]  # a document's own title (quoted in its header) is no keyword
            if not counts:
                continue
            if method == "tfidf":
                scores = _tfidf(counts, table)
            else:
                scores = _textrank(unit, counts, agencies, use_pos, table)
            for rank, (term, score) in enumerate(_select(scores, counts, top, mmr), 1):
                row: dict[str, Any] = {"document": unit.document}
                if by != "document":
                    row.update({by: unit.measure if by == "measure" else unit.section, "title": unit.title})
                row.update({"rank": rank, "term": term, "score": round(score, 6), "count": counts[term]})
                rows.append(row)
    return rows


def distinctive_terms(
    group_a: Any,
    group_b: Any,
    *,
    top: int = 30,
    segmenter: Segmenter | None = None,
    prior: float = 1000.0,
) -> pd.DataFrame:
    """Terms that distinguish two groups of documents: log-odds with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), "Fightin' Words": the prior is the pooled frequency of each
    term times ``prior`` pseudo-counts, which shrinks rare terms towards zero; the score is the
    z-score of the log-odds difference.  Returns the ``top`` terms of each side, ``group`` ``a``
    (positive z) or ``b`` (negative z), with columns ``term``, ``score``, ``count_a``, ``count_b``,
    ``group``.
    """
    import pandas as pd

    segmenter = segmenter or default_segmenter()
    counts_a = _group_counts(group_a, segmenter)
    counts_b = _group_counts(group_b, segmenter)
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    if not n_a or not n_b:
        raise ConfigurationError("both groups need at least one document with content words")
    pooled = counts_a + counts_b
    n_pool = n_a + n_b
    rows = []
    for term, count in pooled.items():
        alpha = prior * count / n_pool
        y_a, y_b = counts_a[term], counts_b[term]
        delta = math.log((y_a + alpha) / (n_a + prior - y_a - alpha)) - math.log(
            (y_b + alpha) / (n_b + prior - y_b - alpha)
        )
        variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
        rows.append((term, delta / math.sqrt(variance), y_a, y_b))
    frame = pd.DataFrame(rows, columns=["term", "score", "count_a", "count_b"])
    side_a = frame[frame.score > 0].nlargest(top, "score").assign(group="a")
    side_b = frame[frame.score < 0].nsmallest(top, "score").assign(group="b")
    return pd.concat([side_a, side_b], ignore_index=True)


def _group_counts(group: Any, segmenter: Segmenter) -> Counter[str]:
    counts: Counter[str] = Counter()
    agencies = segmenter.agency_names
    for doc in _as_documents(group):
        counts.update(_candidates(segmenter.content_tuples(doc, pos=True), agencies, True))
    return counts


class _CallableModule(types.ModuleType):
    """``policytext.keywords`` is both this module and the function (see ``policytext.nlp``)."""

    def __call__(self, doc_or_docs: Any, **options: Any) -> pd.DataFrame:
        return keywords(doc_or_docs, **options)


sys.modules[__name__].__class__ = _CallableModule
