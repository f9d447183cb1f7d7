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

Texts are read from the shared corpora by key ($POLICYTEXT_SHARED_CORPORA or ../shared/corpora).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
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
from policytext.model import Level, PolicyDocument, Source  # noqa: E402
from policytext.normalize import normalize  # noqa: E402

GOLD = Path(__file__).resolve().parent / "data" / "align_gold.jsonl"
STRONG = ("copied", "adapted")
_LEXICAL = ("lexical", "sentence", "lexical_rel", "sentence_rel")
ABLATIONS: dict[str, tuple[str, ...]] = {
    "lexical": _LEXICAL,
    "+terms": (*_LEXICAL, "terms"),
    "+alignment": (*_LEXICAL, "terms", "alignment"),
    "+semantic, one model": tuple(k for k in SIGNALS if k != "upper_rel"),
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
    #: signals of every (lower item, upper unit) pair, filled by compute_signals
    signals: list[list[PairSignals]] = field(default_factory=list)
    #: the same as arrays: items × units × len(SIGNALS), and items × units
    features: np.ndarray | None = None
    longest: np.ndarray | None = None
    coverage: np.ndarray | None = None
    column_best: dict[int, float] | None = None


class Corpora:
    """Reads and parses documents of the shared corpora once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._laws: dict[str, dict] | None = None
        self._docs: dict[str, PolicyDocument] = {}

    def doc(self, ref: str) -> PolicyDocument:
        if ref not in self._docs:
            self._docs[ref] = self._load(ref)
        return self._docs[ref]

    def _load(self, ref: str) -> PolicyDocument:
        corpus, _, key = ref.partition("#")
        if corpus == "bundled":
            return policytext.read(ROOT / key)
        if corpus.startswith("laws/"):
            record = self.laws()[key]
            return policytext.parse_text(record["text"], source=Source(path=f"{corpus}#{key}"))
        if corpus.endswith(".jsonl"):
            with open(self.root / corpus, encoding="utf-8") as handle:
                for number, line in enumerate(handle):
                    record = json.loads(line)
                    if record.get("province") == key:
                        source = Source(path=f"{corpus}#{key}", record=number)
                        return policytext.parse_text(record["full_text"], source=source)
            raise KeyError(ref)
        return policytext.read(self.root / corpus)

    def laws(self) -> dict[str, dict]:
        if self._laws is None:
            with gzip.open(self.root / "laws/lawrefbook_laws.jsonl.gz", "rt", encoding="utf-8") as handle:
                self._laws = {r["path"]: r for r in map(json.loads, handle)}
        return self._laws


def upper_ref(upper: dict) -> str:
    key = upper.get("key") or {}
    if "path" in key:
        return f"{upper['corpus']}#{key['path']}"
    if "province" in key:
        return f"{upper['corpus']}#{key['province']}"
    return upper["corpus"]


def lower_ref(lower: dict) -> str:
    if lower["corpus"] == "bundled":
        return f"bundled#{lower['path']}"
    return f"{lower['corpus']}#{lower['key']['path']}"


def level_of(ref: str, corpora: Corpora) -> Level:
    if ref.startswith("national/"):
        return Level.NATIONAL
    if ref.startswith("provincial_gwr_2026/"):
        return Level.PROVINCIAL
    if ref.startswith("laws/"):
        guess = corpora.laws()[ref.partition("#")[2]].get("admin_level_guess")
        return {"national": Level.NATIONAL, "provincial": Level.PROVINCIAL}.get(guess, Level.MUNICIPAL)
    return Level.UNKNOWN


def load_groups(path: Path, corpora: Corpora) -> list[Group]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_group: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in lines:
        by_group[(line["set"], lower_ref(line["lower"]))].append(line)
    groups = []
    for (name, lref), members in by_group.items():
        refs = sorted(
            {r for m in members for r in m.get("uppers", [])}
            | {upper_ref(link["upper"]) for m in members for link in m["links"]}
        )
        refs = [_normalise_upper_ref(r) for r in refs]
        refs = sorted(set(refs))
        uppers = [corpora.doc(r) for r in refs]
        index = AlignIndex.build(uppers, levels=[level_of(r, corpora) for r in refs])
        lower = corpora.doc(lref)
        lower_units = split_units(lower)
        group = Group(name, lower, index, lower_units)
        by_path = {
            tuple(u.path[-len(m["lower"]["unit"]) :]): i
            for i, u in enumerate(lower_units)
            for m in members[:1]
        }
        by_path = {tuple(u.path): i for i, u in enumerate(lower_units)}
        for member in members:
            wanted = tuple(member["lower"]["unit"])
            unit_index = by_path.get(wanted)
            if unit_index is None:
                unit_index = next((i for i, u in enumerate(lower_units) if u.path[-1:] == wanted[-1:]), None)
            if unit_index is None:
                group.unresolved += 1
                continue
            gold: dict[int, str] = {}
            for link in member["links"]:
                unit_id = resolve_upper(index, refs.index(upper_ref(link["upper"])), uppers, link["upper"])
                if unit_id is None:
                    group.unresolved += 1
                    continue
                gold.setdefault(unit_id, link["relation"])
            group.items.append(LowerItem(unit_index, gold))
        groups.append(group)
    return groups


def _normalise_upper_ref(ref: str) -> str:
    return ref


def resolve_upper(
    index: AlignIndex, doc_number: int, uppers: list[PolicyDocument], upper: dict
) -> int | None:
    """The unit id of the gold upper unit: by article label, or the unit holding the anchor."""
    ids = [i for i, u in enumerate(index.units) if u.doc == doc_number]
    if "unit" in upper:
        label = tuple(upper["unit"])
        return next((i for i in ids if index.units[i].path[-1:] == label[-1:]), None)
    text = uppers[doc_number].text
    anchor = upper["anchor"]
    at = text.find(anchor)
    if at < 0:
        at = text.find(normalize(anchor).strip())
    if at < 0:
        return None
    return next((i for i in ids if index.units[i].span.start <= at < index.units[i].span.end), None)


# -- signals, selection and metrics --------------------------------------------------------
def compute_signals(groups: list[Group]) -> None:
    """Signals of every (lower unit, upper unit) pair; the reciprocal ``upper_rel`` signal is
    computed over all lower units of the document, as ``align`` does, then the labelled rows kept."""
    vectors = WordVectors.load_default()
    for group in groups:
        scorer = PairScorer(vectors, group.index.vectorize)
        sims = group.index.similarities([u.text for u in group.lower_units])
        scorer.prepare([(("upper", u.doc, u.index), u.text) for u in group.index.units])
        ids = list(range(len(group.index.units)))
        every = [
            [scorer.signals(unit, up, float(sims[row, j])) for j, up in enumerate(group.index.units)]
            for row, unit in enumerate(group.lower_units)
        ]
        column_best = upper_best([(ids, row) for row in every])
        best = [column_best[i] for i in ids]
        group.signals = [every[item.unit_index] for item in group.items]
        docs = [u.doc for u in group.index.units]
        group.features = np.array([feature_matrix(row, docs, best) for row in group.signals])
        group.column_best = column_best
        group.longest = np.array([[s.longest for s in row] for row in group.signals])
        group.coverage = np.array([[s.coverage for s in row] for row in group.signals])


def predict(group: Group, config: ScoringConfig) -> list[list[Scored]]:
    ids = list(range(len(group.index.units)))
    docs = [u.doc for u in group.index.units]
    return [
        config.select(score_candidates(config, ids, docs, row, group.column_best)) for row in group.signals
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

    def row(self) -> str:
        return (
            f"top1 {self.top1:6.1%} ({self.top1_hits}/{self.top1_total})  top1_any {self.top1_any:6.1%}  "
            f"P {self.precision:5.1%}  R {self.recall:5.1%}  F1 {self.f1:.3f}"
        )


def evaluate(items: list[LowerItem], top: list[int | None], strong_pred: list[set[int]]) -> Metrics:
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
    scores = config.scores(group.features)
    ranks = config.rank_scores(group.features)
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
        assert group.features is not None
        features.append(group.features[:, :, columns].reshape(-1, len(columns)))
        gold = np.zeros(group.features.shape[:2])
        for row, item in enumerate(group.items):
            for j, relation in item.gold.items():
                gold[row, j] = relation in STRONG
        labels.append(gold.ravel())
    model = LogisticRegression(C=1.0, max_iter=2000)  # unweighted: scores stay probabilities
    model.fit(np.vstack(features), np.concatenate(labels))
    weights = dict.fromkeys(SIGNALS, 0.0)
    for name, value in zip(signals, model.coef_[0], strict=False):
        weights[name] = round(float(value), 3)
    return weights, round(float(model.intercept_[0]), 3)


def fit(groups: list[Group], signals: tuple[str, ...], base: ScoringConfig = DEFAULT_CONFIG) -> ScoringConfig:
    """Logistic weights on the pairs (strong gold link = 1), then thresholds by grid search.

    The rank model never sees the reciprocal ``upper_rel`` signal; when ``signals`` include it,
    a second (link) model on all of them gives the scores the thresholds apply to.
    """
    weights, bias = _logistic_fit(groups, tuple(k for k in signals if k != "upper_rel"))
    config = replace(base, weights=weights, bias=bias, link_weights=None, link_bias=0.0)
    if "upper_rel" in signals:
        link_weights, link_bias = _logistic_fit(groups, signals)
        config = replace(config, link_weights=link_weights, link_bias=link_bias)
    best: tuple[float, float, ScoringConfig] | None = None
    all_scores = np.concatenate([config.scores(g.features).ravel() for g in groups if g.features is not None])
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


# -- report ----------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--fit", action="store_true", help="print the config fitted on all labels")
    parser.add_argument("--shipped-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    started = time.perf_counter()
    corpora = Corpora(shared_corpora_dir())
    groups = load_groups(args.gold, corpora)
    compute_signals(groups)
    n_items = sum(len(g.items) for g in groups)
    print(
        f"{len(groups)} label sets, {n_items} lower units, "
        f"{sum(len(i.gold) for g in groups for i in g.items)} gold links "
        f"({sum(g.unresolved for g in groups)} unresolved); signals in {time.perf_counter() - started:.1f} s"
    )
    figures: dict[str, Any] = {}

    fast, exact = evaluate_config(groups, DEFAULT_CONFIG), evaluate_config(groups, DEFAULT_CONFIG, exact=True)
    assert (fast.tp, fast.fp, fast.top1_hits) == (exact.tp, exact.fp, exact.top1_hits), (fast, exact)
    print("\n== shipped DEFAULT_CONFIG ==")
    for group in groups:
        m = evaluate_config([group], DEFAULT_CONFIG)
        print(f"  {group.name:45s} {m.row()}")
        figures[f"shipped/{group.name}"] = _fig(m)
    m = evaluate_config(groups, DEFAULT_CONFIG)
    print(f"  {'ALL':45s} {m.row()}")
    figures["shipped/ALL"] = _fig(m)

    sims = baseline_scores(groups)
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

    print("\n== leave-one-set-out (full signals) ==")
    held = Metrics()
    for group in groups:
        others = [g for g in groups if g is not group]
        config = fit(others, SIGNALS)
        m = evaluate_config([group], config)
        held.add(m)
        print(f"  {group.name:45s} {m.row()}")
    print(f"  {'ALL (held out)':45s} {held.row()}")
    figures["loso/ALL"] = _fig(held)

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
    }


def _write(path: Path | None, figures: dict[str, Any]) -> None:
    if path is not None:
        path.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
