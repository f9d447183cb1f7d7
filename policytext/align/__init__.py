"""Align a local plan with upper-level policies: what it takes up, copies, adapts, omits and adds.

>>> import policytext
>>> plan = policytext.corpora.load("qianjiang_2025")
>>> national = policytext.read("national.txt")                     # doctest: +SKIP
>>> result = policytext.align(plan, [national])                     # doctest: +SKIP
>>> result.pairs_frame()[["lower_path", "upper_path", "relation"]]  # doctest: +SKIP

Method (``docs/alignment.md``): upper documents are split into units (measures, articles or
paragraphs, :mod:`~policytext.align.units`), indexed as character n-gram TF-IDF
(:class:`AlignIndex`), candidates are re-scored with shared policy terms, shared passages
(:mod:`~policytext.align.evidence`) and shipped word vectors (:mod:`~policytext.align.semantic`),
and relations are named by calibrated thresholds (:mod:`~policytext.align.score`).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from policytext.align.evidence import Passage
from policytext.align.functions import named_functions
from policytext.align.result import Alignment, Coverage, Evidence, Match, Relay, UnitRef
from policytext.align.retrieve import AlignIndex, DocInfo
from policytext.align.score import (
    DEFAULT_CONFIG,
    RELATIONS,
    PairScorer,
    PairSignals,
    Scored,
    ScoringConfig,
    score_candidates,
    upper_best,
)
from policytext.align.semantic import WordVectors
from policytext.align.units import KINDS, AlignUnit, relative_positions, split_units
from policytext.errors import ConfigurationError, InputError
from policytext.model import Level, PolicyDocument

__all__ = [
    "DEFAULT_CONFIG",
    "AlignIndex",
    "AlignUnit",
    "Alignment",
    "Coverage",
    "Evidence",
    "Match",
    "Relay",
    "ScoringConfig",
    "align",
    "split_units",
]

#: Signals that come from the word vectors (switched off by ``semantic=False``).
SEMANTIC_SIGNALS = ("semantic", "semantic_max", "semantic_rel", "soft_recall", "soft_precision")
#: Indexes with at most this many units are scored exhaustively (every pair), larger ones
#: through the ``top_k`` lexical candidates.
EXHAUSTIVE_LIMIT = 600
#: Routes (relays between upper levels) are computed by default for at most this many uppers.
MAX_ROUTE_DOCS = 50
_LEVEL_RANK = {Level.NATIONAL: 0, Level.PROVINCIAL: 1, Level.MUNICIPAL: 2, Level.COUNTY: 3}
_RELATION_ORDER = {r: i for i, r in enumerate(RELATIONS)}
#: Accepted values of ``coverage_docs``.
COVERAGE_DOCS = ("auto", "all", "matched")


def align(
    lower: PolicyDocument,
    uppers: PolicyDocument | Sequence[PolicyDocument] | AlignIndex,
    *,
    levels: Sequence[Level | str | None] | None = None,
    config: ScoringConfig = DEFAULT_CONFIG,
    top_k: int = 30,
    semantic: bool = True,
    lower_kind: str = "auto",
    upper_kind: str = "auto",
    coverage_docs: str = "auto",
    routes: bool | None = None,
) -> Alignment:
    """Align every unit of ``lower`` with the units of ``uppers``.

    ``uppers`` is one document, several (each with its level, from ``doc.header.level`` or
    ``levels``), or a prebuilt :class:`AlignIndex` (build once over thousands of documents).
    ``semantic=False`` drops the word-vector signal (and its weight).  ``coverage_docs`` is
    ``all`` (coverage and omissions for every upper document), ``matched`` (only documents with
    a match) or ``auto`` (``all`` for up to 50 documents).  ``routes`` aligns the matched
    units of intermediate-level uppers one level up (national → provincial → city routes);
    ``None`` does so for up to 50 upper documents (a plan and its parents, not a whole corpus).

    Upper units name their document by ``UnitRef.doc``, its 0-based position in ``uppers``
    (``upper_doc_index`` in tables and JSON).  Raises :class:`~policytext.errors.InputError`
    when ``lower`` or ``uppers`` are not documents and
    :class:`~policytext.errors.ConfigurationError` for an invalid option.
    """
    _check_options(lower, lower_kind, upper_kind, coverage_docs)
    if isinstance(uppers, AlignIndex):
        if levels is not None or upper_kind != "auto":
            raise ConfigurationError(
                "levels= and upper_kind= apply when align builds the index from documents; "
                "a prebuilt AlignIndex already has them: pass them to AlignIndex.build(docs, ...)"
            )
        index = uppers
    else:
        index = AlignIndex.build(_upper_documents(uppers), kind=upper_kind, levels=levels)
    if not semantic:
        config = config.without(*SEMANTIC_SIGNALS)
    vectors = WordVectors.load_default() if semantic or config.weights.get("terms") else None
    scorer = PairScorer(vectors if semantic else _weights_only(vectors), index.vectorize)
    lower_units = split_units(lower, lower_kind)
    lower_level = lower.header.level.value

    matches = _match_units(index, scorer, config, lower_units, top_k)
    lower_refs = tuple(_ref(u, lower.name, lower_level) for u in lower_units)
    if routes is None:
        routes = len(index.docs) <= MAX_ROUTE_DOCS
    relays = _relays(index, scorer, config, matches, top_k) if routes else {}
    built = _build_matches(index, lower_units, lower_refs, matches, relays)
    coverage, omitted = _coverage(index, built, coverage_docs)
    taken = {m.lower.index for m in built}
    additions = tuple(r for r in lower_refs if r.index not in taken)
    reuse, reuse_by_doc = _reuse(lower_units, built)
    relay_refs = tuple(
        Relay(_index_ref(index, low), _index_ref(index, up), score, relation)
        for (low, up), (score, relation) in sorted(relays.items())
    )
    parameters = {
        "config": {
            "weights": config.weights,
            "bias": config.bias,
            "link_weights": config.link_weights,
            "link_bias": config.link_bias,
            "related": config.related,
            "adapted": config.adapted,
            "copied_longest": config.copied_longest,
            "copied_coverage": config.copied_coverage,
            "relative": config.relative,
            "max_matches": config.max_matches,
            "max_per_doc": config.max_per_doc,
        },
        "top_k": top_k,
        "semantic": semantic,
        "routes": routes,
        "upper_units": len(index),
        "upper_review_units": sum(u.review for u in index.units),
    }
    return Alignment(
        lower_name=lower.name,
        lower_units=lower_refs,
        matches=tuple(built),
        coverage=coverage,
        omitted=omitted,
        local_additions=additions,
        reuse_ratio=reuse,
        reuse_by_doc=reuse_by_doc,
        relays=relay_refs,
        parameters=parameters,
    )


# -- arguments -----------------------------------------------------------------------------
def _check_options(lower: Any, lower_kind: str, upper_kind: str, coverage_docs: str) -> None:
    if not isinstance(lower, PolicyDocument):
        raise InputError(
            f"align takes the lower document as a PolicyDocument, not {type(lower).__name__}: "
            "read a file with policytext.read(path) first",
            lower if isinstance(lower, (str, Path)) else None,
        )
    for name, value in (("lower_kind", lower_kind), ("upper_kind", upper_kind)):
        if value not in ("auto", *KINDS):
            raise ConfigurationError(f"unknown {name} {value!r}; expected auto or one of {', '.join(KINDS)}")
    if coverage_docs not in COVERAGE_DOCS:
        raise ConfigurationError(
            f"unknown coverage_docs {coverage_docs!r}; expected one of {', '.join(COVERAGE_DOCS)}"
        )


def _upper_documents(uppers: Any) -> list[PolicyDocument]:
    """``uppers`` as a list of documents, refusing paths and other objects with a clear error."""
    accepted = "a PolicyDocument, a list of PolicyDocuments or an AlignIndex"
    if isinstance(uppers, (str, Path)):
        raise InputError(
            f"align takes upper documents, not file paths: read the file with policytext.read(path) "
            f"first (uppers: {accepted})",
            uppers,
        )
    if isinstance(uppers, PolicyDocument):
        return [uppers]
    try:
        docs = list(uppers)
    except TypeError:
        raise InputError(f"uppers is a {type(uppers).__name__}; expected {accepted}") from None
    if not docs:
        raise InputError(f"align needs at least one upper document (uppers: {accepted})")
    for number, doc in enumerate(docs):
        if not isinstance(doc, PolicyDocument):
            raise InputError(
                f"upper document {number} is a {type(doc).__name__}, not a PolicyDocument: "
                "read files with policytext.read(path) first",
                doc if isinstance(doc, (str, Path)) else None,
            )
    return docs


# -- matching ------------------------------------------------------------------------------
def _weights_only(vectors: WordVectors | None) -> WordVectors | None:
    """Term weights still come from the shipped counts when the semantic signal is off."""
    return None if vectors is None else _NoEmbed(vectors)


class _NoEmbed(WordVectors):
    """Word weights without word vectors: embeds every text as the zero vector."""

    embeds = False

    def __init__(self, base: WordVectors) -> None:
        self.__dict__.update(base.__dict__)

    def embed_words(self, words: Sequence[str]) -> np.ndarray:
        return np.zeros(self.dims, dtype=np.float32)


def _candidates(
    index: AlignIndex, texts: list[str], top_k: int, allowed: set[int] | None = None
) -> list[list[tuple[int, float]]]:
    """Candidate (unit id, lexical) lists per text: every unit for small indexes, else top_k."""
    if not texts:
        return []
    if len(index) <= EXHAUSTIVE_LIMIT:
        sims = index.similarities(texts)
        out = []
        for row in sims:
            ids = range(len(index)) if allowed is None else sorted(allowed)
            out.append([(i, float(row[i])) for i in ids])
        return out
    found = index.candidates(texts, top_k=top_k if allowed is None else top_k * 4)
    if allowed is not None:
        found = [[c for c in row if c[0] in allowed][:top_k] for row in found]
    return found


class _WithheldUnits:
    """Whether an upper unit is withheld from the candidates (a formal clause or a paragraph of
    a work report's review, :attr:`AlignUnit.offered`), checked once per unit and call (only the
    candidates are checked: an index can hold 150,000 units)."""

    def __init__(self, index: AlignIndex) -> None:
        self.units = index.units
        self.known: dict[int, bool] = {}

    def __call__(self, unit_id: int) -> bool:
        found = self.known.get(unit_id)
        if found is None:
            found = self.known[unit_id] = not self.units[unit_id].offered
        return found


def _signals_against(
    index: AlignIndex,
    scorer: PairScorer,
    unit: AlignUnit,
    candidates: list[tuple[int, float]],
    key: str,
) -> tuple[list[int], list[PairSignals]]:
    """Unit ids and signals of the candidates of one unit."""
    upper_units = [index.units[i] for i, _ in candidates]
    scorer.prepare([(("upper", u.doc, u.index), u.text) for u in upper_units])
    signals = [
        scorer.signals(unit, upper, lexical, lower_key=key)
        for (_, lexical), upper in zip(candidates, upper_units, strict=False)
    ]
    return [unit_id for unit_id, _ in candidates], signals


def _score_rows(
    index: AlignIndex,
    config: ScoringConfig,
    rows: list[tuple[list[int], list[PairSignals]]],
    positions: Sequence[float],
) -> list[list[Scored]]:
    """Scored and selected matches of units aligned together (the reciprocal ``upper_rel``
    signal compares each unit with the others that have the same candidate); ``positions``
    are where each row's unit sits in its own document (the ``position`` signal)."""
    column_best = upper_best(rows)
    return [
        config.select(
            score_candidates(
                config,
                ids,
                [index.doc_of(i) for i in ids],
                signals,
                column_best,
                np.abs(index.positions[ids] - position) if ids else None,
            )
        )
        for (ids, signals), position in zip(rows, positions, strict=True)
    ]


def _match_units(
    index: AlignIndex, scorer: PairScorer, config: ScoringConfig, units: list[AlignUnit], top_k: int
) -> list[list[Scored]]:
    candidates = _candidates(index, [u.text for u in units], top_k)
    # formal clauses (effective date, 参照执行) take up no task and are no task to take up;
    # the review part of an upper work report (工作回顾) reports past work, not tasks
    withheld = _WithheldUnits(index)
    candidates = [
        [] if unit.formal else [c for c in cands if not withheld(c[0])]
        for unit, cands in zip(units, candidates, strict=False)
    ]
    rows = [
        _signals_against(index, scorer, unit, cands, "lower")
        for unit, cands in zip(units, candidates, strict=False)
    ]
    return _score_rows(index, config, rows, relative_positions(units))


def _relays(
    index: AlignIndex, scorer: PairScorer, config: ScoringConfig, matches: list[list[Scored]], top_k: int
) -> dict[tuple[int, int], tuple[float, str]]:
    """For matched upper units of an intermediate level, their matches one level up or more."""
    ranks = [_LEVEL_RANK.get(d.level) for d in index.docs]
    known = {r for r in ranks if r is not None}
    if len(known) < 2:
        return {}
    matched = sorted({s.unit_id for row in matches for s in row})
    relays: dict[tuple[int, int], tuple[float, str]] = {}
    withheld = _WithheldUnits(index)
    relayed: list[int] = []
    rows: list[tuple[list[int], list[PairSignals]]] = []
    for unit_id in matched:
        rank = ranks[index.doc_of(unit_id)]
        if rank is None or rank == min(known):
            continue
        higher_docs = [d for d, r in enumerate(ranks) if r is not None and r < rank]
        allowed = set(np.flatnonzero(np.isin(index.unit_docs, higher_docs)).tolist())
        unit = index.units[unit_id]
        cands = [c for c in _candidates(index, [unit.text], top_k, allowed)[0] if not withheld(c[0])]
        relayed.append(unit_id)
        rows.append(_signals_against(index, scorer, unit, cands, "relay"))
    scored = _score_rows(index, config, rows, index.positions[relayed].tolist())
    for unit_id, found_row in zip(relayed, scored, strict=False):
        for found in found_row:
            relays[(unit_id, found.unit_id)] = (found.score, found.relation or "related")
    return relays


# -- result objects ------------------------------------------------------------------------
def _ref(unit: AlignUnit, doc_name: str, level: str) -> UnitRef:
    return UnitRef(
        doc=unit.doc,
        doc_name=doc_name,
        level=level,
        kind=unit.kind,
        index=unit.index,
        path=unit.path,
        title=unit.title,
        section=unit.section,
        span=unit.span,
        text=unit.text,
    )


def _index_ref(index: AlignIndex, unit_id: int) -> UnitRef:
    unit = index.units[unit_id]
    info: DocInfo = index.docs[unit.doc]
    return _ref(unit, info.name, info.level.value)


def _route(
    index: AlignIndex,
    unit_id: int,
    row: list[Scored],
    relays: dict[tuple[int, int], tuple[float, str]],
) -> str:
    if not relays:
        return "direct"
    level = index.docs[index.units[unit_id].doc].level
    relayed_up = any(low == unit_id for low, _ in relays)
    if relayed_up:
        return f"via_{level.value}"
    # a top-level unit: did it also reach this lower unit through an intermediate unit it matched?
    for other in row:
        other_id = other.unit_id
        if (other_id, unit_id) in relays:
            return f"via_{index.docs[index.units[other_id].doc].level.value}"
    ranks = [_LEVEL_RANK.get(d.level) for d in index.docs]
    top = min(r for r in ranks if r is not None)
    return "direct" if _LEVEL_RANK.get(level) == top else f"{level.value}_only"


def _build_matches(
    index: AlignIndex,
    lower_units: list[AlignUnit],
    lower_refs: tuple[UnitRef, ...],
    matches: list[list[Scored]],
    relays: dict[tuple[int, int], tuple[float, str]],
) -> list[Match]:
    built = []
    for unit, ref, row in zip(lower_units, lower_refs, matches, strict=False):
        for rank, found in enumerate(row, start=1):
            unit_id, score, signals = found.unit_id, found.score, found.signals
            relation = found.relation or "related"
            upper = index.units[unit_id]
            evidence = tuple(e for p in signals.passages for e in passage_evidence(unit, upper, p))
            upper_functions = named_functions(upper.text)
            function_match = None
            if upper_functions and unit.functions:
                function_match = bool(set(upper_functions) & set(unit.functions))
            built.append(
                Match(
                    lower=ref,
                    upper=_index_ref(index, unit_id),
                    score=score,
                    relation=relation,
                    rank=rank,
                    signals=signals.as_dict(),
                    evidence=evidence,
                    shared_terms=signals.shared_terms,
                    route=_route(index, unit_id, row, relays),
                    function_match=function_match,
                    upper_functions=upper_functions,
                )
            )
    return built


def passage_evidence(lower: AlignUnit, upper: AlignUnit, passage: Passage) -> list[Evidence]:
    """A shared passage as evidence items, each contiguous in both documents.

    The passage is found in the unit texts, which join pieces of ``doc.text`` (the lines of a
    hard-wrapped paragraph, the text around a responsibility clause); a span over a seam would
    cover the line break or clause in between, so the passage is cut at the seams of both units.
    """
    shift = passage.upper_start - passage.lower_start
    cuts = sorted(
        {
            passage.lower_start,
            passage.lower_end,
            *lower.seams(passage.lower_start, passage.lower_end),
            *(seam - shift for seam in upper.seams(passage.upper_start, passage.upper_end)),
        }
    )
    return [
        Evidence(
            passage.text[start - passage.lower_start : end - passage.lower_start],
            lower.doc_span(start, end),
            upper.doc_span(start + shift, end + shift),
            continues=start > passage.lower_start,
        )
        for start, end in pairwise(cuts)
    ]


def _coverage(
    index: AlignIndex, matches: list[Match], which: str
) -> tuple[tuple[Coverage, ...], tuple[UnitRef, ...]]:
    best: dict[tuple[int, int], str] = {}
    for m in matches:
        key = (m.upper.doc, m.upper.index)
        if key not in best or _RELATION_ORDER[m.relation] < _RELATION_ORDER[best[key]]:
            best[key] = m.relation
    if which == "auto":
        which = "all" if len(index.docs) <= 50 else "matched"
    docs_with_match = {doc for doc, _ in best}
    rows: list[Coverage] = []
    omitted: list[UnitRef] = []
    start = 0
    for number, info in enumerate(index.docs):
        units = index.units[start : start + info.n_units]
        unit_ids = range(start, start + info.n_units)
        start += info.n_units
        if which == "matched" and number not in docs_with_match:
            continue
        # the review part of a work report states no task: neither covered nor omitted
        tasks = [unit for unit in units if not unit.review]
        groups: dict[str | None, list[AlignUnit]] = {None: tasks}
        for unit in tasks:
            groups.setdefault(unit.section or "—", []).append(unit)
        for section, members in groups.items():
            relations = [best.get((number, u.index)) for u in members]
            rows.append(
                Coverage(
                    doc_name=info.name,
                    level=info.level.value,
                    section=section,
                    n_units=len(members),
                    n_taken=sum(r is not None for r in relations),
                    n_copied=relations.count("copied"),
                    n_adapted=relations.count("adapted"),
                    n_related=relations.count("related"),
                    doc=number,
                )
            )
        omitted.extend(
            _index_ref(index, i)
            for i in unit_ids
            if not index.units[i].review and (number, index.units[i].index) not in best
        )
    return tuple(rows), tuple(omitted)


def _reuse(lower_units: list[AlignUnit], matches: list[Match]) -> tuple[float, dict[str, float]]:
    """Share of the lower units' text inside passages shared with a matched upper unit.

    Evidence spans are spans of ``doc.text``; a passage may run across text the unit leaves out
    (its responsibility clause), so only the positions of the unit's own ``pieces`` count, and
    each unit counts against its own length: the ratio is a share (≤ 1) by construction.
    """
    total = sum(len(u.text) for u in lower_units)
    if not total:
        return 0.0, {}
    own = {u.index: _unit_positions(u) for u in lower_units}
    covered: dict[int, set[int]] = {}
    by_doc: dict[str, dict[int, set[int]]] = {}
    for m in matches:
        positions = own.get(m.lower.index)
        if positions is None:
            continue
        for e in m.evidence:
            inside = positions.intersection(range(e.lower_span.start, e.lower_span.end))
            covered.setdefault(m.lower.index, set()).update(inside)
            by_doc.setdefault(m.upper.doc_name, {}).setdefault(m.lower.index, set()).update(inside)
    share = sum(len(p) for p in covered.values()) / total
    return share, {
        name: sum(len(p) for p in units.values()) / total for name, units in sorted(by_doc.items())
    }


def _unit_positions(unit: AlignUnit) -> set[int]:
    """Offsets of ``doc.text`` that make up the unit's compared text."""
    return {position for _, start, length in unit.pieces for position in range(start, start + length)}


class _CallableModule(types.ModuleType):
    """The package, callable as :func:`align`.

    Importing a submodule (``policytext.align.result``) binds the package to the name
    ``policytext.align``, hiding the function of the same name; making the package callable keeps
    ``policytext.align(plan, uppers)`` working however the package was imported.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Alignment:
        return align(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
