"""Accuracy of policytext.align on the hand-labelled pairs in ``tests/eval/data/align_gold.jsonl``.

Prints, per label set and overall:

* top-1: over lower units with at least one strong (copied/adapted) gold link, the share whose
  top-ranked predicted match is a strong gold link (``top1_any``: any gold link, over units with
  any link);
* precision / recall / F1 of the predicted ``copied``+``adapted`` links against the gold
  copied+adapted links;
* the same for a plain TF-IDF cosine baseline (sklearn char 2–3-grams, top-1 match, threshold
  tuned for F1 on the evaluated data itself: a generous baseline);
* ablations: lexical only, + shared terms, + shared passages, + semantic (full), each with
  weights and thresholds fitted by the same procedure;
* cross-set figures: calibrated on the plan set and tested on the two law sets, and the
  reverse (and leave-one-set-out), so the thresholds are never tested on their own labels.

Run from the repository root::

    python tests/eval/eval_align.py                  # the report
    python tests/eval/eval_align.py --fit            # also print the config fitted on all labels
    python tests/eval/eval_align.py --shipped-only   # only the shipped DEFAULT_CONFIG
    python tests/eval/eval_align.py --loso-only --fit --gold-files tests/eval/data/align_gold.jsonl \
        tests/eval/data/align_heldout.jsonl       # leave-one-set-out over the sets of both files

Texts are read from the shared corpora by key ($POLICYTEXT_SHARED_CORPORA or ../shared/corpora).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import policytext  # noqa: E402
from policytext._util import shared_corpora_dir  # noqa: E402
from policytext.align import AlignIndex, split_units  # noqa: E402
from policytext.align.score import (  # noqa: E402
    DEFAULT_CONFIG,
    SIGNALS,
    PairScorer,
    PairSignals,
    Scored,
    ScoringConfig,
    feature_matrix,
    score_candidates,
    upper_best,
)
from policytext.align.semantic import WordVectors  # noqa: E402
from policytext.align.units import relative_positions  # noqa: E402
from policytext.errors import PolicyTextError  # noqa: E402
from policytext.model import Level, PolicyDocument, Source  # noqa: E402
from policytext.normalize import normalize  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "align_gold.jsonl"
STRONG = ("copied", "adapted")
_LEXICAL = ("lexical", "sentence", "lexical_rel", "sentence_rel")
#: Signals only the link model uses: the reciprocal ``upper_rel`` (see ScoringConfig) and
#: ``length``, the same for every candidate of a lower unit, which cannot order them.
LINK_ONLY = ("upper_rel", "length")
ABLATIONS: dict[str, tuple[str, ...]] = {
    "lexical": _LEXICAL,
    "+terms": (*_LEXICAL, "terms"),
    "+alignment": (*_LEXICAL, "terms", "alignment"),
    "+semantic, one model": tuple(k for k in SIGNALS if k not in LINK_ONLY),
    "+reciprocal link model (full)": SIGNALS,
    "full w/o soft terms": tuple(k for k in SIGNALS if not k.startswith("soft")),
    "semantic only": ("semantic", "semantic_max", "semantic_rel", "soft_recall", "soft_precision"),
}


# -- loading the labelled data -------------------------------------------------------------
@dataclass
class LowerItem:
    unit_index: int  # position in the group's lower units
    gold: dict[int, str]  # upper unit id -> relation


@dataclass
class Group:
    name: str
    lower: PolicyDocument
    index: AlignIndex
    lower_units: list[Any]
    items: list[LowerItem] = field(default_factory=list)
    unresolved: int = 0
    problems: list[str] = field(default_factory=list)
    #: signals of every (lower item, upper unit) pair, filled by compute_signals
    signals: list[list[PairSignals]] = field(default_factory=list)
    #: the same as arrays: items × units × len(SIGNALS), and items × units
    features: np.ndarray | None = None
    longest: np.ndarray | None = None
    coverage: np.ndarray | None = None
    column_best: dict[int, float] | None = None
    #: upper unit ids that can be matched (not formal clauses nor review paragraphs, as align); pairs left out
    ids: list[int] = field(default_factory=list)
    blocked: np.ndarray | None = None
    #: per lower item, the ``position`` signal of each upper unit in ``ids``
    distances: list[np.ndarray] = field(default_factory=list)


class Corpora:
    """Reads and parses documents of the shared corpora once.

    A document is named by a reference: ``corpus`` (a file under the corpora folder),
    ``bundled#path`` (a file of this repository), or a record of a JSONL file (optionally
    gzipped), given as a ``key`` object (every field must match, e.g. ``{"path": …}``,
    ``{"province": "湖北省"}``, ``{"table": "central", "no": 3}``) or, in ``uppers`` lists, as
    ``corpus#value``: the record whose key field (``path``, ``province``, ``id``, ``title`` …,
    then any other field) equals ``value``, or whose fields hold every part of ``a/b`` (``central/61``
    for ``table`` and ``no``), else record number ``value``.  References are
    turned into ``corpus#@N`` (record number ``N``) so both spellings name the same document.
    """

    #: record fields a ``corpus#value`` reference names first, in this order
    KEY_FIELDS = ("path", "province", "id", "key", "title", "name", "doc_id", "record_id", "no", "year")
    #: fields that hold the text of a record when the label does not say
    TEXT_FIELDS = ("text", "full_text", "content", "body")

    def __init__(self, root: Path) -> None:
        self.root = root
        self._records: dict[str, list[dict]] = {}
        self._docs: dict[str, PolicyDocument] = {}

    def ref(self, spec: dict | str) -> str:
        """The canonical reference of a label's ``lower``/``upper`` object or ``uppers`` string."""
        if isinstance(spec, str):
            corpus, _, value = spec.partition("#")
            if corpus == "bundled" or not value or not _is_records(corpus):
                return spec
            return f"{corpus}#@{self._find(corpus, value)}"
        if spec["corpus"] == "bundled":
            return f"bundled#{spec['path']}"
        key = spec.get("key")
        if not key:
            return str(spec["corpus"])
        rows = self.records(spec["corpus"])
        wanted = {k: str(v) for k, v in key.items()}
        for number, record in enumerate(rows):
            if all(str(record.get(k)) == v for k, v in wanted.items()):
                return f"{spec['corpus']}#@{number}"
        raise KeyError(f"{spec['corpus']}: no record with {key}")

    def _find(self, corpus: str, value: str) -> int:
        rows = self.records(corpus)
        for field_name in self.KEY_FIELDS:
            for number, record in enumerate(rows):
                if str(record.get(field_name)) == value:
                    return number
        parts = value.split("/")  # "central/61": every part is the value of some short field
        for number, record in enumerate(rows):
            short = {str(v) for v in record.values() if isinstance(v, str | int) and len(str(v)) < 300}
            if value in short or all(part in short for part in parts):
                return number
        if value.isdigit() and int(value) < len(rows):
            return int(value)
        raise KeyError(f"{corpus}#{value}: no record with that key")

    def doc(self, ref: str, text_field: str | None = None) -> PolicyDocument:
        if ref not in self._docs:
            self._docs[ref] = self._load(ref, text_field)
        return self._docs[ref]

    def _load(self, ref: str, text_field: str | None) -> PolicyDocument:
        corpus, _, key = ref.partition("#")
        if corpus == "bundled":
            return policytext.read(ROOT / key)
        if key.startswith("@"):
            number = int(key[1:])
            record = self.records(corpus)[number]
            field_name = text_field or next(
                (f for f in self.TEXT_FIELDS if isinstance(record.get(f), str)), None
            )
            if field_name is None:
                raise KeyError(f"{ref}: no text field (tried {self.TEXT_FIELDS})")
            label = record.get("path") or record.get("province") or record.get("title") or number
            return policytext.parse_text(
                record[field_name], source=Source(path=f"{corpus}#{label}", record=number)
            )
        return policytext.read(self.root / corpus)

    def records(self, corpus: str) -> list[dict]:
        if corpus not in self._records:
            path = self.root / corpus
            opener = gzip.open if corpus.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                self._records[corpus] = [json.loads(line) for line in handle if line.strip()]
        return self._records[corpus]

    def record_of(self, ref: str) -> dict | None:
        corpus, _, key = ref.partition("#")
        return self.records(corpus)[int(key[1:])] if key.startswith("@") else None


def _is_records(corpus: str) -> bool:
    return corpus.endswith((".jsonl", ".jsonl.gz"))


def level_of(ref: str, corpora: Corpora) -> Level:
    """The level of an upper document: by folder (national/, provincial…/), else the record's
    ``admin_level_guess`` (laws corpus), else unknown."""
    top = ref.partition("#")[0].split("/")[0]
    if top == "national":
        return Level.NATIONAL
    if top.startswith("provincial"):
        return Level.PROVINCIAL
    record = corpora.record_of(ref)
    guess = None if record is None else record.get("admin_level_guess")
    if guess is not None:
        return {"national": Level.NATIONAL, "provincial": Level.PROVINCIAL}.get(guess, Level.MUNICIPAL)
    return Level.UNKNOWN


def load_groups(path: Path, corpora: Corpora, skipped: list[str] | None = None) -> list[Group]:
    """The label sets of a gold file: one group per (set, lower document).

    A set whose documents cannot be found is left out and named in ``skipped`` (when given; else
    the error is raised), so that one bad reference does not stop the evaluation of the others.
    """
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_group: dict[tuple[str, str], list[dict]] = defaultdict(list)
    groups = []
    for line in lines:
        try:
            by_group[(line["set"], corpora.ref(line["lower"]))].append(line)
        except (KeyError, OSError, PolicyTextError) as error:
            if skipped is None:
                raise
            skipped.append(f"{line.get('set')}: lower {line.get('lower')}: {error}")
    for (name, lref), members in by_group.items():
        try:
            groups.append(_load_group(name, lref, members, corpora))
        except (KeyError, OSError, PolicyTextError) as error:
            if skipped is None:
                raise
            skipped.append(f"{name}: {error}")
    return groups


def _load_group(name: str, lref: str, members: list[dict], corpora: Corpora) -> Group:
    """One label set: its upper documents indexed, its lower units, the gold links resolved."""
    fields: dict[str, str | None] = {}
    for member in members:
        for link in member["links"]:
            fields.setdefault(corpora.ref(link["upper"]), link["upper"].get("text_field"))
    refs = sorted({corpora.ref(r) for m in members for r in m.get("uppers", [])} | set(fields))
    uppers = [corpora.doc(r, fields.get(r)) for r in refs]
    index = AlignIndex.build(uppers, levels=[level_of(r, corpora) for r in refs])
    lower = corpora.doc(lref, members[0]["lower"].get("text_field"))
    lower_units = split_units(lower)
    group = Group(name, lower, index, lower_units)
    for member in members:
        wanted = tuple(member["lower"]["unit"])
        # by anchor when given: paragraph numbers (¶N) move with the splitter, the text does not
        anchor = member["lower"].get("anchor")
        unit_index = _unit_at(lower_units, lower.text, anchor) if anchor else _find_unit(lower_units, wanted)
        if unit_index is None:
            group.unresolved += 1
            group.problems.append(f"lower unit {'/'.join(wanted)} not found")
            continue
        gold: dict[int, str] = {}
        for link in member["links"]:
            unit_id = resolve_upper(index, refs.index(corpora.ref(link["upper"])), uppers, link["upper"])
            if unit_id is None:
                group.unresolved += 1
                where = link["upper"].get("anchor") or "/".join(link["upper"].get("unit", []))
                group.problems.append(f"{'/'.join(wanted)}: upper unit {where!r} not found")
                continue
            gold.setdefault(unit_id, link["relation"])
        group.items.append(LowerItem(unit_index, gold))
    return group


def _find_unit(units: list[Any], wanted: tuple[str, ...]) -> int | None:
    """The unit with path ``wanted``: the whole path, else the same path suffix, else the same
    last label when only one unit has it (else ``None``: reported as unresolved, never guessed)."""
    for i, u in enumerate(units):
        if tuple(u.path) == wanted:
            return i
    suffix = [i for i, u in enumerate(units) if tuple(u.path[-len(wanted) :]) == wanted]
    if len(suffix) == 1:
        return suffix[0]
    last = [i for i, u in enumerate(units) if u.path[-1:] == wanted[-1:]]
    return last[0] if len(last) == 1 else None


def _unit_at(units: list[Any], text: str, anchor: str) -> int | None:
    """The unit whose span holds the first occurrence of ``anchor`` in ``text``."""
    at = text.find(anchor)
    if at < 0:
        at = text.find(normalize(anchor).strip())
    return (
        next((i for i, u in enumerate(units) if u.span.start <= at < u.span.end), None) if at >= 0 else None
    )


def resolve_upper(
    index: AlignIndex, doc_number: int, uppers: list[PolicyDocument], upper: dict
) -> int | None:
    """The unit id of the gold upper unit: by unit label (path), or the unit holding the anchor."""
    ids = [i for i, u in enumerate(index.units) if u.doc == doc_number]
    units = [index.units[i] for i in ids]
    if "unit" in upper:
        found = _find_unit(units, tuple(upper["unit"]))
    else:
        found = _unit_at(units, uppers[doc_number].text, upper["anchor"])
    return None if found is None else ids[found]


# -- signals, selection and metrics --------------------------------------------------------
def compute_signals(groups: list[Group]) -> None:
    """Signals of every (lower unit, upper unit) pair; the reciprocal ``upper_rel`` signal is
    computed over all lower units of the document, as ``align`` does, then the labelled rows kept.
    Formal clauses (effective date, 参照执行) are left out on both sides, as ``align`` does."""
    vectors = WordVectors.load_default()
    for group in groups:
        scorer = PairScorer(vectors, group.index.vectorize)
        sims = group.index.similarities([u.text for u in group.lower_units])
        scorer.prepare([(("upper", u.doc, u.index), u.text) for u in group.index.units])
        ids = [i for i, u in enumerate(group.index.units) if u.offered]
        every = [
            []
            if unit.formal
            else [scorer.signals(unit, group.index.units[j], float(sims[row, j])) for j in ids]
            for row, unit in enumerate(group.lower_units)
        ]
        column_best = upper_best([(ids, row) for row in every if row])
        best = [column_best[i] for i in ids]
        docs = [group.index.units[i].doc for i in ids]
        group.ids = ids
        group.signals = [every[item.unit_index] for item in group.items]
        shape = (len(group.items), len(group.index.units))
        group.features = np.zeros((*shape, len(SIGNALS)))
        group.longest = np.zeros(shape)
        group.coverage = np.zeros(shape)
        group.blocked = np.ones(shape, dtype=bool)
        positions = relative_positions(group.lower_units)
        upper_positions = group.index.positions[ids]
        group.distances = [np.abs(upper_positions - positions[item.unit_index]) for item in group.items]
        for number, row in enumerate(group.signals):
            if not row:
                continue
            group.features[number, ids] = feature_matrix(row, docs, best, group.distances[number])
            group.longest[number, ids] = [s.longest for s in row]
            group.coverage[number, ids] = [s.coverage for s in row]
            group.blocked[number, ids] = False
        group.column_best = column_best


def predict(group: Group, config: ScoringConfig) -> list[list[Scored]]:
    docs = [group.index.units[i].doc for i in group.ids]
    return [
        config.select(
            score_candidates(
                config,
                group.ids if row else [],
                docs if row else [],
                row,
                group.column_best,
                distances if row else None,
            )
        )
        for row, distances in zip(group.signals, group.distances, strict=True)
    ]


@dataclass
class Metrics:
    top1_hits: int = 0
    top1_total: int = 0
    top1_any_hits: int = 0
    top1_any_total: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    #: local additions: lower units without any gold link, found (no match predicted) or not
    additions_tp: int = 0
    additions_fp: int = 0
    additions_fn: int = 0

    def add(self, other: Metrics) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def top1(self) -> float:
        return self.top1_hits / self.top1_total if self.top1_total else 0.0

    @property
    def top1_any(self) -> float:
        return self.top1_any_hits / self.top1_any_total if self.top1_any_total else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def additions_f1(self) -> float:
        """F1 of the local additions (lower units that take up nothing) against the units without
        any gold link: what the `related` threshold decides."""
        found = 2 * self.additions_tp + self.additions_fp + self.additions_fn
        return 2 * self.additions_tp / found if found else 0.0

    def row(self) -> str:
        return (
            f"top1 {self.top1:6.1%} ({self.top1_hits}/{self.top1_total})  top1_any {self.top1_any:6.1%}  "
            f"P {self.precision:5.1%}  R {self.recall:5.1%}  F1 {self.f1:.3f}  additions F1 {self.additions_f1:.2f}"
        )


def evaluate(items: list[LowerItem], top: Sequence[int | None], strong_pred: list[set[int]]) -> Metrics:
    m = Metrics()
    for item, best, predicted in zip(items, top, strong_pred, strict=False):
        strong = {j for j, r in item.gold.items() if r in STRONG}
        if strong:
            m.top1_total += 1
            m.top1_hits += best in strong
        if item.gold:
            m.top1_any_total += 1
            m.top1_any_hits += best in item.gold
        m.tp += len(predicted & strong)
        m.fp += len(predicted - strong)
        m.fn += len(strong - predicted)
        m.additions_tp += best is None and not item.gold
        m.additions_fp += best is None and bool(item.gold)
        m.additions_fn += best is not None and not item.gold
    return m


def evaluate_config(groups: list[Group], config: ScoringConfig, *, exact: bool = False) -> Metrics:
    """Metrics of ``config``; the fast path re-implements ``ScoringConfig.select`` on arrays
    (checked against the exact path for the shipped config in ``main``)."""
    total = Metrics()
    for group in groups:
        if exact:
            rows = predict(group, config)
            top = [row[0].unit_id if row else None for row in rows]
            strong = [{s.unit_id for s in row if s.relation in STRONG} for row in rows]
        else:
            top, strong = _fast_predict(group, config)
        total.add(evaluate(group.items, top, strong))
    return total


def _fast_predict(group: Group, config: ScoringConfig) -> tuple[list[int | None], list[set[int]]]:
    assert group.features is not None and group.longest is not None and group.coverage is not None
    assert group.blocked is not None
    scores = np.where(group.blocked, 0.0, config.scores(group.features))
    ranks = np.where(group.blocked, 0.0, config.rank_scores(group.features))
    docs = np.array([u.doc for u in group.index.units])
    top: list[int | None] = []
    strong: list[set[int]] = []
    n_units = scores.shape[1]
    for row in range(scores.shape[0]):
        order = np.lexsort((np.arange(n_units), -scores[row]))
        best = scores[row, order[0]]
        if best < config.related:
            top.append(None)
            strong.append(set())
            continue
        floor = max(best * config.relative, config.related)
        kept: list[int] = []
        per_doc: dict[int, int] = defaultdict(int)
        for j in order:
            if scores[row, j] < floor or len(kept) >= config.max_matches:
                break
            if config.max_per_doc is not None and per_doc[docs[j]] >= config.max_per_doc:
                continue
            per_doc[docs[j]] += 1
            kept.append(int(j))
        first = int(np.lexsort((np.arange(n_units), -ranks[row]))[0])
        if scores[row, first] >= config.related and first not in kept:
            kept = [first, *kept[: config.max_matches - 1]]
        elif scores[row, first] >= config.related:
            kept = [first, *(j for j in kept if j != first)]
        top.append(kept[0])
        strong.append({int(j) for j in kept if scores[row, j] >= config.adapted})
    return top, strong


# -- calibration ---------------------------------------------------------------------------
def _logistic_fit(groups: list[Group], signals: tuple[str, ...]) -> tuple[dict[str, float], float]:
    from sklearn.linear_model import LogisticRegression

    columns = [SIGNALS.index(k) for k in signals]
    features, labels = [], []
    for group in groups:
        assert group.features is not None and group.blocked is not None
        kept = ~group.blocked
        features.append(group.features[:, :, columns][kept])
        gold = np.zeros(group.features.shape[:2])
        for row, item in enumerate(group.items):
            for j, relation in item.gold.items():
                gold[row, j] = relation in STRONG
        labels.append(gold[kept])
    model = LogisticRegression(C=1.0, max_iter=2000)  # unweighted: scores stay probabilities
    model.fit(np.vstack(features), np.concatenate(labels))
    weights = dict.fromkeys(SIGNALS, 0.0)
    for name, value in zip(signals, model.coef_[0], strict=False):
        weights[name] = round(float(value), 3)
    return weights, round(float(model.intercept_[0]), 3)


#: L2 penalty of the listwise rank model on standardised signals (1.0: best of 0.1/1/10,
#: leave-one-set-out over the seven label sets; and of 0.3/1/3 over eleven, with ``position``).
LISTWISE_L2 = 1.0


def _rank_lists(groups: list[Group], columns: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(candidate signals, is-strong-gold) of every lower unit with a strong gold link."""
    lists = []
    for group in groups:
        assert group.features is not None and group.blocked is not None
        for row, item in enumerate(group.items):
            strong = [j for j, relation in item.gold.items() if relation in STRONG]
            candidates = np.flatnonzero(~group.blocked[row])
            if strong and len(candidates):
                lists.append((group.features[row][candidates][:, columns], np.isin(candidates, strong)))
    return lists


def _listwise_fit(groups: list[Group], signals: tuple[str, ...]) -> tuple[dict[str, float], float]:
    """Rank weights that put a strong gold link first: a conditional logit (softmax over the
    candidates of each lower unit, likelihood of its strong links), L2-penalised.

    The rank model only orders the candidates of one lower unit, so it is fitted for that: a
    pointwise logistic fit spends its weights on telling pairs of different lower units apart,
    which ranking never needs (held out over seven sets, top-1 +1 to +4 points).  Weights are
    returned on the raw signals; the bias centres the logits (it does not change the order).
    """
    from scipy.optimize import minimize

    columns = [SIGNALS.index(k) for k in signals]
    lists = _rank_lists(groups, columns)
    stacked = np.vstack([x for x, _ in lists])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    lists = [((x - mean) / scale, y) for x, y in lists]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = LISTWISE_L2 * float(w @ w), 2 * LISTWISE_L2 * w
        for x, y in lists:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            gold = p[y].sum()
            value -= float(np.log(gold + 1e-12))
            grad = grad - (p[y] @ x[y]) / (gold + 1e-12) + p @ x
        return value, grad

    w = minimize(loss, np.zeros(len(columns)), jac=True, method="L-BFGS-B").x
    weights = dict.fromkeys(SIGNALS, 0.0)
    for name, value in zip(signals, w / scale, strict=False):
        weights[name] = round(float(value), 3)
    return weights, round(float(-(mean / scale) @ w), 3)


def fit(groups: list[Group], signals: tuple[str, ...], base: ScoringConfig = DEFAULT_CONFIG) -> ScoringConfig:
    """Rank weights (listwise), link weights (logistic on the pairs, strong gold link = 1), then
    thresholds by grid search.

    The rank model never sees the link-only signals (:data:`LINK_ONLY`); when ``signals`` include them,
    the link model uses all of them (else it is the same signals, fitted pointwise).
    """
    weights, bias = _listwise_fit(groups, tuple(k for k in signals if k not in LINK_ONLY))
    link_weights, link_bias = _logistic_fit(groups, signals)
    config = replace(base, weights=weights, bias=bias, link_weights=link_weights, link_bias=link_bias)
    best: tuple[float, float, ScoringConfig] | None = None
    all_scores = np.concatenate(
        [
            config.scores(g.features)[~g.blocked]
            for g in groups
            if g.features is not None and g.blocked is not None
        ]
    )
    grid = np.unique(np.round(np.quantile(all_scores, np.linspace(0.80, 0.998, 34)), 4))
    for adapted in grid:
        for relative in (0.0, 0.6, 0.7, 0.8, 0.9):
            for max_matches in (2, 3, 5, 8):
                for max_per_doc in (None, 1, 2):
                    trial = replace(
                        config,
                        adapted=round(float(adapted), 3),
                        related=round(float(adapted) * 0.6, 3),
                        relative=relative,
                        max_matches=max_matches,
                        max_per_doc=max_per_doc,
                    )
                    metrics = evaluate_config(groups, trial)
                    key = (metrics.f1, metrics.top1)
                    if best is None or key > best[:2]:
                        best = (*key, trial)
    assert best is not None
    return best[2]


# -- baseline --------------------------------------------------------------------------------
def baseline_scores(groups: list[Group]) -> list[np.ndarray]:
    """Plain TF-IDF cosine (sklearn, char 2–3-grams fitted on the upper units) per group."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    out = []
    for group in groups:
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3))
        upper = vectorizer.fit_transform([u.text for u in group.index.units])
        lower = vectorizer.transform([group.lower_units[i.unit_index].text for i in group.items])
        out.append(cosine_similarity(lower, upper))
    return out


def baseline_metrics(groups: list[Group], sims: list[np.ndarray], threshold: float) -> Metrics:
    total = Metrics()
    for group, matrix in zip(groups, sims, strict=False):
        top = [int(np.lexsort((np.arange(len(r)), -r))[0]) for r in matrix]
        strong = [{t} if matrix[i, t] >= threshold else set() for i, t in enumerate(top)]
        total.add(evaluate(group.items, top, strong))
    return total


def tuned_baseline(groups: list[Group], sims: list[np.ndarray]) -> tuple[float, Metrics]:
    best = max(
        ((float(t), baseline_metrics(groups, sims, float(t))) for t in np.arange(0.0, 0.8, 0.01)),
        key=lambda tm: (tm[1].f1, -tm[0]),
    )
    return best


# -- error listing -------------------------------------------------------------------------
def print_errors(group: Group, config: ScoringConfig, label: str) -> None:
    """False positives / false negatives of the strong links and top-1 misses of one group."""
    rows = predict(group, config)
    ids = group.ids
    docs = [group.index.units[i].doc for i in ids]
    print(f"\n-- errors, {group.name} ({label}; adapted ≥ {config.adapted:.3f}) --")
    for item, row, signals in zip(group.items, rows, group.signals, strict=False):
        if not signals:  # a formal clause: no candidates
            scored: dict[int, Scored] = {}
        else:
            scored = {s.unit_id: s for s in score_candidates(config, ids, docs, signals, group.column_best)}
        order = sorted(scored, key=lambda i: (-scored[i].score, i))
        strong = {j for j, r in item.gold.items() if r in STRONG}
        predicted = {s.unit_id for s in row if s.relation in STRONG}
        top = row[0].unit_id if row else None
        wrong = sorted(predicted - strong), sorted(strong - predicted)
        if not (wrong[0] or wrong[1] or (strong and top not in strong)):
            continue
        unit = group.lower_units[item.unit_index]
        verdict = "" if not strong else ("top-1 ok" if top in strong else "TOP-1 MISS")
        print(
            f"{'/'.join(unit.path)} [{verdict}] gold strong {len(strong)}, predicted {len(predicted)}: {unit.text[:40]}"
        )

        context = (group, scored, order, item)
        if strong and top is not None and top not in strong:
            print(_error_line("top", top, context))
        for j in wrong[0]:
            print(_error_line("FP ", j, context))
        for j in wrong[1]:
            print(_error_line("FN ", j, context))


def _error_line(kind: str, j: int, context: tuple[Group, dict[int, Scored], list[int], LowerItem]) -> str:
    group, scored, order, item = context
    up = group.index.units[j]
    name = group.index.docs[up.doc].name[:12]
    where = f"   {kind} {name}:{'/'.join(up.path)[:16]}"
    s = scored.get(j)
    if s is None:
        return f"{where} (formal clause, not scored) gold {item.gold.get(j, '-')}: {up.text[:30]}"
    return (
        f"{where} score {s.score:.3f} (#{order.index(j) + 1}) "
        f"rel {s.relation or '-'} gold {item.gold.get(j, '-')} longest {s.signals.longest}: {up.text[:30]}"
    )


# -- report ----------------------------------------------------------------------------------
def load(path: Path, corpora: Corpora) -> list[Group]:
    started = time.perf_counter()
    skipped: list[str] = []
    groups = load_groups(path, corpora, skipped)
    for problem in skipped:
        print(f"  SKIPPED (documents not found): {problem}")
    compute_signals(groups)
    problems = [f"{g.name}: {p}" for g in groups for p in g.problems]
    print(
        f"{path.name}: {len(groups)} label sets, {sum(len(g.items) for g in groups)} lower units, "
        f"{sum(len(i.gold) for g in groups for i in g.items)} gold links "
        f"({len(problems)} unresolved); signals in {time.perf_counter() - started:.1f} s"
    )
    for problem in problems:
        print(f"  unresolved: {problem}")
    return groups


def report_shipped(groups: list[Group], figures: dict[str, Any]) -> None:
    fast, exact = evaluate_config(groups, DEFAULT_CONFIG), evaluate_config(groups, DEFAULT_CONFIG, exact=True)
    assert (fast.tp, fast.fp, fast.top1_hits) == (exact.tp, exact.fp, exact.top1_hits), (fast, exact)
    print("\n== shipped DEFAULT_CONFIG ==")
    for group in groups:
        m = evaluate_config([group], DEFAULT_CONFIG)
        print(f"  {group.name:45s} {m.row()}")
        figures[f"shipped/{group.name}"] = _fig(m)
    print(f"  {'ALL':45s} {exact.row()}")
    figures["shipped/ALL"] = _fig(exact)


def report_held_out_file(args: argparse.Namespace, corpora: Corpora, figures: dict[str, Any]) -> None:
    """``--gold PATH``: the shipped config and the baseline (threshold from the dev gold) on PATH."""
    dev = load_groups(args.dev, corpora)
    threshold, _ = tuned_baseline(dev, baseline_scores(dev))
    groups = load(args.gold, corpora)
    report_shipped(groups, figures)
    sims = baseline_scores(groups)
    print(f"\n== plain TF-IDF cosine baseline (top-1, threshold {threshold:.2f} tuned on {args.dev.name}) ==")
    for number, group in enumerate(groups):
        m = baseline_metrics([group], [sims[number]], threshold)
        print(f"  {group.name:45s} {m.row()}")
        figures[f"baseline/{group.name}"] = _fig(m)
    m = baseline_metrics(groups, sims, threshold)
    print(f"  {'ALL':45s} {m.row()}")
    figures["baseline/ALL"] = _fig(m)
    figures["baseline/threshold"] = threshold
    if args.errors:
        for group in groups:
            print_errors(group, DEFAULT_CONFIG, "shipped config")


def report_loso(
    groups: list[Group], sims: list[np.ndarray], figures: dict[str, Any], *, errors: bool = False
) -> None:
    """Leave-one-set-out of the shipped config family (weights and thresholds fitted on the other
    sets) and of the TF-IDF baseline (threshold fitted on the other sets), per set and pooled."""
    print("\n== leave-one-set-out: shipped family (fitted on the other sets) ==")
    held, base = Metrics(), Metrics()
    folds: list[tuple[Group, ScoringConfig]] = []
    rows = []
    for number, group in enumerate(groups):
        others = [i for i in range(len(groups)) if i != number]
        config = fit([groups[i] for i in others], SIGNALS)
        folds.append((group, config))
        m = evaluate_config([group], config)
        held.add(m)
        print(f"  {group.name:45s} {m.row()}")
        figures[f"loso/{group.name}"] = _fig(m)
        threshold, _ = tuned_baseline([groups[i] for i in others], [sims[i] for i in others])
        b = baseline_metrics([group], [sims[number]], threshold)
        base.add(b)
        rows.append(f"  {group.name:45s} {b.row()}  (t={threshold:.2f})")
        figures[f"loso_baseline/{group.name}"] = _fig(b)
    print(f"  {'ALL (held out)':45s} {held.row()}")
    figures["loso/ALL"] = _fig(held)
    print("\n== leave-one-set-out: plain TF-IDF cosine baseline (threshold fitted on the other sets) ==")
    print("\n".join(rows))
    print(f"  {'ALL (held out)':45s} {base.row()}")
    figures["loso_baseline/ALL"] = _fig(base)
    if errors:
        for group, config in folds:
            print_errors(group, config, "held out: fitted on the other sets")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", type=Path, default=GOLD, help="labelled pairs to fit and report on")
    parser.add_argument(
        "--gold",
        type=Path,
        help="another gold file (align_gold format): evaluate the shipped config on it, and the "
        "TF-IDF baseline with its threshold tuned on --dev; nothing is fitted on this file",
    )
    parser.add_argument(
        "--gold-files",
        type=Path,
        nargs="+",
        help="several gold files pooled as one set of labels (default: --dev alone); every label "
        "set of every file is one fold of leave-one-set-out",
    )
    parser.add_argument(
        "--loso-only",
        action="store_true",
        help="skip the ablations: shipped config, then leave-one-set-out of the shipped family "
        "and of the TF-IDF baseline (its threshold fitted on the other sets too)",
    )
    parser.add_argument("--fit", action="store_true", help="print the config fitted on all labels")
    parser.add_argument("--shipped-only", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list false positives/negatives (held out)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    started = time.perf_counter()
    corpora = Corpora(shared_corpora_dir())
    figures: dict[str, Any] = {}
    if args.gold is not None:
        report_held_out_file(args, corpora, figures)
        _write(args.json, figures)
        print(f"\ndone in {time.perf_counter() - started:.1f} s")
        return 0

    groups = [group for path in (args.gold_files or [args.dev]) for group in load(path, corpora)]
    report_shipped(groups, figures)
    sims = baseline_scores(groups)
    if args.loso_only:
        report_loso(groups, sims, figures, errors=args.errors)
        if args.fit:
            print("\n== config fitted on all labels (paste into DEFAULT_CONFIG) ==")
            print(fit(groups, SIGNALS))
        _write(args.json, figures)
        print(f"\ndone in {time.perf_counter() - started:.1f} s")
        return 0
    print("\n== plain TF-IDF cosine baseline (top-1, threshold tuned on the evaluated data) ==")
    for number, group in enumerate(groups):
        t, bm = tuned_baseline([group], [sims[number]])
        print(f"  {group.name:45s} {bm.row()}  (t={t:.2f})")
        figures[f"baseline/{group.name}"] = _fig(bm)
    t, bm = tuned_baseline(groups, sims)
    print(f"  {'ALL':45s} {bm.row()}  (t={t:.2f})")
    figures["baseline/ALL"] = _fig(bm)
    if args.shipped_only:
        _write(args.json, figures)
        return 0

    plan = [g for g in groups if g.name.startswith("qianjiang")]
    laws = [g for g in groups if not g.name.startswith("qianjiang")]
    print("\n== ablations: weights and thresholds fitted by the same procedure ==")
    print(
        "   (in-sample = fitted and tested on all sets; cross = fitted on plan, tested on laws and vice versa;\n"
        "    held out = leave-one-set-out: fitted on two sets, tested on the third, pooled)"
    )
    for name, signals in ABLATIONS.items():
        config = fit(groups, signals)
        inside = evaluate_config(groups, config)
        cross = Metrics()
        if plan and laws:
            cross.add(evaluate_config(laws, fit(plan, signals)))
            cross.add(evaluate_config(plan, fit(laws, signals)))
        held_out = Metrics()
        for group in groups:
            held_out.add(evaluate_config([group], fit([g for g in groups if g is not group], signals)))
        print(f"  {name:30s} in-sample {inside.row()}")
        print(f"  {'':30s} cross     {cross.row()}")
        print(f"  {'':30s} held out  {held_out.row()}")
        figures[f"ablation/{name}/in"] = _fig(inside)
        figures[f"ablation/{name}/cross"] = _fig(cross)
        figures[f"ablation/{name}/loso"] = _fig(held_out)

    report_loso(groups, sims, figures, errors=args.errors)

    if args.fit:
        config = fit(groups, SIGNALS)
        print("\n== config fitted on all labels (paste into DEFAULT_CONFIG) ==")
        print(config)
    _write(args.json, figures)
    print(f"\ndone in {time.perf_counter() - started:.1f} s")
    return 0


def _fig(m: Metrics) -> dict[str, float]:
    return {
        "top1": round(m.top1, 4),
        "top1_any": round(m.top1_any, 4),
        "precision": round(m.precision, 4),
        "recall": round(m.recall, 4),
        "f1": round(m.f1, 4),
        "additions_f1": round(m.additions_f1, 4),
    }


def _write(path: Path | None, figures: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
