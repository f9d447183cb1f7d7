"""Score policy-instrument coding against measures coded by hand.

The coded set (``tests/eval/data/instruments_coded.jsonl``) names measures of real documents by
document key and numbering path, with gold Rothwell sub-types (multi-label) and Howlett types.
This script reads each document (shared corpora by key, never copied; the bundled plan by
name), parses it with ``policytext.parse_text`` and prints precision / recall / F1:

* of the bundled lexicon classifier, per type and per sub-type (Rothwell) and per type
  (Howlett), on the documents used to tune the lexicon, on the held-out documents, and on all;
* of a learned classifier (``InstrumentClassifier``: one-vs-rest logistic regression on TF-IDF
  of policy-segmenter tokens), cross-validated leave-one-document-out on all coded measures.

Usage::

    python tests/eval/eval_instruments.py
    python tests/eval/eval_instruments.py --errors 10       # also list lexicon mistakes (held-out)
    python tests/eval/eval_instruments.py --json /tmp/instruments.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOLD_PATH = Path(__file__).resolve().parent / "data" / "instruments_coded.jsonl"
PMC_GOLD_PATH = Path(__file__).resolve().parent / "data" / "pmc_coded.jsonl"
CORPUS = "central_shandong_ai/policies_central_shandong.jsonl"
#: Documents the lexicon weights and threshold were tuned on; the others are held out.
TUNE_DOCS = ("qianjiang_2025", "shandong#14", "shandong#49")


def load_gold(path: Path = GOLD_PATH) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_documents(names: Iterable[str], shared_dir: Path | None = None) -> dict[str, Any]:
    """Parsed documents by gold name (``qianjiang_2025`` or ``table#no`` of the Shandong corpus)."""
    import policytext
    from policytext._util import shared_corpora_dir

    wanted = set(names)
    docs: dict[str, Any] = {}
    if "qianjiang_2025" in wanted:
        docs["qianjiang_2025"] = policytext.corpora.load("qianjiang_2025")
    keys = {n for n in wanted if "#" in n}
    if keys:
        corpus = (shared_dir or shared_corpora_dir()) / CORPUS
        with open(corpus, encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                name = f"{row['table']}#{row['no']}"
                if name in keys:
                    docs[name] = policytext.parse_text(row["content"])
        missing = keys - set(docs)
        if missing:
            raise KeyError(f"{CORPUS}: records not found: {sorted(missing)}")
    return docs


def attach_measures(gold: list[dict[str, Any]], docs: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """(gold record, parsed Measure) pairs; a gold path the parser does not produce is an error."""
    pairs = []
    for record in gold:
        doc = docs[record["doc"]]
        by_path = {m.path: m for m in doc.measures}
        measure = by_path.get(tuple(record["path"]))
        if measure is None:
            raise KeyError(f"{record['doc']}: no measure at path {record['path']}")
        pairs.append((record, measure))
    return pairs


# -- scoring ----------------------------------------------------------------------------------
def prf(gold: Sequence[set[str]], predicted: Sequence[set[str]], label: str) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label in p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if label not in g and label in p)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label not in p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"support": tp + fn, "predicted": tp + fp, "precision": precision, "recall": recall, "f1": f1}


def micro(gold: Sequence[set[str]], predicted: Sequence[set[str]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"support": tp + fn, "predicted": tp + fp, "precision": precision, "recall": recall, "f1": f1}


def report(
    title: str, gold: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]
) -> dict[str, Any]:
    rows = {label: prf(gold, predicted, label) for label in labels}
    overall = micro(gold, predicted)
    scored = [r for r in rows.values() if r["support"]]
    macro_f1 = sum(r["f1"] for r in scored) / len(scored) if scored else 0.0
    print(f"\n{title}  (n={len(gold)} measures)")
    print(f"  {'label':<18}{'gold':>5}{'pred':>5}{'P':>7}{'R':>7}{'F1':>7}")
    for label, r in rows.items():
        print(
            f"  {label:<18}{r['support']:>5}{r['predicted']:>5}{r['precision']:>7.2f}{r['recall']:>7.2f}{r['f1']:>7.2f}"
        )
    print(f"  {'micro':<18}{overall['support']:>5}{overall['predicted']:>5}{overall['precision']:>7.2f}"
          f"{overall['recall']:>7.2f}{overall['f1']:>7.2f}   macro-F1 {macro_f1:.2f}")  # fmt: skip
    return {"labels": rows, "micro": overall, "macro_f1": macro_f1}


# -- classifiers ------------------------------------------------------------------------------
def lexicon_predictions(
    pairs: list[tuple[dict[str, Any], Any]], scheme: str, level: str
) -> list[tuple[set[str], set[str]]]:
    """(predicted sub-types, predicted types) per gold measure."""
    from policytext.instruments import LexiconClassifier, code_measure

    classifier = LexiconClassifier(scheme)
    out = []
    for _, measure in pairs:
        coded = code_measure(measure, 0, classifier, level)
        out.append(({lab.subtype for lab in coded.labels if lab.subtype}, set(coded.types)))
    return out


def cross_validated(
    pairs: list[tuple[dict[str, Any], Any]],
    field: str,
    scheme: str,
    *,
    C: float = 4.0,
    threshold: float = 0.5,
    lexicon_features: bool = False,
) -> list[set[str]]:
    """Leave-one-document-out predictions of the learned classifier on ``field`` labels."""
    from policytext.instruments import InstrumentClassifier, measure_body
    from policytext.segment import Segmenter

    segmenter = Segmenter(boilerplate=False)
    texts = [measure_body(m) for _, m in pairs]
    labels = [set(r[field]) for r, _ in pairs]
    documents = [r["doc"] for r, _ in pairs]
    predictions: list[set[str]] = [set() for _ in pairs]
    for held_out in dict.fromkeys(documents):
        train = [i for i, d in enumerate(documents) if d != held_out]
        test = [i for i, d in enumerate(documents) if d == held_out]
        train_labels = [labels[i] for i in train]
        present = {label for row in train_labels for label in row}
        usable = {lab for lab in present if sum(lab in row for row in train_labels) < len(train)}
        classifier = InstrumentClassifier(
            scheme, segmenter=segmenter, C=C, threshold=threshold, lexicon_features=lexicon_features
        )
        classifier.fit([texts[i] for i in train], [row & usable for row in train_labels])
        for i, predicted in zip(test, classifier.predict([texts[i] for i in test]), strict=True):
            predictions[i] = set(predicted)
    return predictions


def timing(docs: dict[str, Any], repeats: int = 5) -> None:
    """Median time to code all measures (lexicon) against the time to parse the same texts."""
    import statistics

    import policytext
    from policytext.instruments import classify, pmc_score

    texts = [doc.text for doc in docs.values()]
    n_measures = sum(len(doc.measures) for doc in docs.values())

    def run(action: Any) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    parse = run(lambda: [policytext.parse_text(t) for t in texts])
    rothwell = run(lambda: [classify(d) for d in docs.values()])
    sentence = run(lambda: [classify(d, level="sentence") for d in docs.values()])
    pmc = run(lambda: [pmc_score(d) for d in docs.values()])
    print(f"\nSPEED (median of {repeats}; {len(docs)} documents, {n_measures} measures)")
    print(f"  parse_text (baseline)        {parse * 1000:8.1f} ms")
    print(f"  classify rothwell, measure   {rothwell * 1000:8.1f} ms  ({rothwell / parse:.2f}x parse, "
          f"{rothwell / n_measures * 1000:.2f} ms/measure)")  # fmt: skip
    print(f"  classify rothwell, sentence  {sentence * 1000:8.1f} ms  ({sentence / parse:.2f}x parse)")
    print(f"  pmc_score (incl. coding)     {pmc * 1000:8.1f} ms  ({pmc / parse:.2f}x parse)")


def pmc_agreement(docs: dict[str, Any]) -> dict[str, Any]:
    """Automatic PMC sub-variable scores against hand scores (``data/pmc_coded.jsonl``)."""
    from policytext.instruments import pmc_score

    gold = [
        json.loads(line) for line in PMC_GOLD_PATH.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    print("\nPMC sub-variables: automatic vs hand scores")
    totals = {"agree": 0, "n": 0, "tp": 0, "fp": 0, "fn": 0}
    per_doc: dict[str, Any] = {}
    for record in gold:
        result = pmc_score(docs[record["doc"]])
        auto = {s.id: int(s.auto) for s in result.subscores}
        hand = record["scores"]
        agree = sum(auto[k] == v for k, v in hand.items())
        tp = sum(auto[k] == 1 and v == 1 for k, v in hand.items())
        fp = sum(auto[k] == 1 and v == 0 for k, v in hand.items())
        fn = sum(auto[k] == 0 and v == 1 for k, v in hand.items())
        hand_pmc = sum(
            sum(hand[s.id] for s in v.subvariables) / len(v.subvariables) for v in result.scheme.variables
        )
        disagree = sorted(k for k, v in hand.items() if auto[k] != v)
        print(f"  {record['doc']:<16} agreement {agree}/{len(hand)} = {agree / len(hand):.2f}   "
              f"PMC auto {result.pmc:.2f} vs hand {hand_pmc:.2f}   disagree: {', '.join(disagree)}")  # fmt: skip
        per_doc[record["doc"]] = {
            "agree": agree,
            "n": len(hand),
            "pmc_auto": result.pmc,
            "pmc_hand": hand_pmc,
        }
        for key, value in (("agree", agree), ("n", len(hand)), ("tp", tp), ("fp", fp), ("fn", fn)):
            totals[key] += value
    precision = totals["tp"] / max(1, totals["tp"] + totals["fp"])
    recall = totals["tp"] / max(1, totals["tp"] + totals["fn"])
    print(f"  overall agreement {totals['agree']}/{totals['n']} = {totals['agree'] / totals['n']:.2f}; "
          f"sub-variables scored 1: P {precision:.2f} R {recall:.2f}")  # fmt: skip
    return {"documents": per_doc, **totals, "precision": precision, "recall": recall}


def pmc_overview(docs: dict[str, Any]) -> None:
    """PMC scores of the evaluation documents (automatic, no overrides)."""
    from policytext.instruments import pmc_score

    print("\nPMC (automatic)")
    print("  " + f"{'document':<16}" + "".join(f"{f'X{i}':>6}" for i in range(1, 11)) + f"{'PMC':>7}  grade")
    for name, doc in docs.items():
        row = pmc_score(doc).row()
        cells = "".join(f"{row[f'X{i}']:>6.2f}" for i in range(1, 11))
        print(f"  {name:<16}{cells}{row['PMC']:>7.2f}  {row['grade']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--errors", type=int, default=0, help="list this many lexicon mistakes on held-out measures"
    )
    parser.add_argument(
        "--level", choices=("measure", "sentence"), default="measure", help="lexicon coding level"
    )
    parser.add_argument("--json", help="write all figures to this JSON file")
    parser.add_argument(
        "--C", type=float, default=4.0, help="learned classifier: inverse regularisation (default 4)"
    )
    parser.add_argument(
        "--threshold", type=float, default=0.5, help="learned classifier: probability threshold"
    )
    parser.add_argument("--skip-lexicon", action="store_true", help="only the learned classifier")
    parser.add_argument(
        "--lexicon-features",
        action="store_true",
        help="learned classifier: add lexicon confidences as features",
    )
    args = parser.parse_args(argv)

    from policytext.instruments import load_lexicon

    started = time.perf_counter()
    gold = load_gold()
    docs = load_documents({r["doc"] for r in gold})
    pairs = attach_measures(gold, docs)
    rothwell = load_lexicon("rothwell")
    subtypes = rothwell.subtype_ids()
    type_of = {s: rothwell.type_of(s) for s in subtypes}
    types = rothwell.types
    howlett_types = load_lexicon("howlett").types
    print(f"{len(pairs)} coded measures from {len(docs)} documents; tuned on {', '.join(TUNE_DOCS)}")

    gold_sub = [set(r["rothwell"]) for r, _ in pairs]
    gold_type = [{type_of[s] for s in row} for row in gold_sub]
    gold_howlett = [set(r["howlett"]) for r, _ in pairs]
    lex = lexicon_predictions(pairs, "rothwell", args.level)
    lex_howlett = [t for _, t in lexicon_predictions(pairs, "howlett", args.level)]

    figures: dict[str, Any] = {}
    splits = {
        "tune": [i for i, (r, _) in enumerate(pairs) if r["doc"] in TUNE_DOCS],
        "held-out": [i for i, (r, _) in enumerate(pairs) if r["doc"] not in TUNE_DOCS],
        "all": list(range(len(pairs))),
    }
    for split, idx in splits.items():
        if args.skip_lexicon:
            break

        def pick(rows: list[Any], idx: list[int] = idx) -> list[Any]:
            return [rows[i] for i in idx]

        figures[f"lexicon/{split}/rothwell_type"] = report(
            f"LEXICON [{split}] Rothwell types", pick(gold_type), pick([t for _, t in lex]), types
        )
        figures[f"lexicon/{split}/rothwell_subtype"] = report(
            f"LEXICON [{split}] Rothwell sub-types", pick(gold_sub), pick([s for s, _ in lex]), subtypes
        )
        figures[f"lexicon/{split}/howlett_type"] = report(
            f"LEXICON [{split}] Howlett types", pick(gold_howlett), pick(lex_howlett), howlett_types
        )

    cv_sub = cross_validated(
        pairs,
        "rothwell",
        "rothwell",
        C=args.C,
        threshold=args.threshold,
        lexicon_features=args.lexicon_features,
    )
    cv_type = [{type_of[s] for s in row} for row in cv_sub]
    cv_howlett = cross_validated(
        pairs,
        "howlett",
        "howlett",
        C=args.C,
        threshold=args.threshold,
        lexicon_features=args.lexicon_features,
    )
    print(
        f"\nlearned classifier: C={args.C}, threshold={args.threshold}, lexicon features: {args.lexicon_features}"
    )
    figures["sklearn/cv/rothwell_type"] = report(
        "SKLEARN leave-one-document-out, Rothwell types", gold_type, cv_type, types
    )
    figures["sklearn/cv/rothwell_subtype"] = report(
        "SKLEARN leave-one-document-out, Rothwell sub-types", gold_sub, cv_sub, subtypes
    )
    figures["sklearn/cv/howlett_type"] = report(
        "SKLEARN leave-one-document-out, Howlett types", gold_howlett, cv_howlett, howlett_types
    )
    held = splits["held-out"]
    subset = lambda rows: [rows[i] for i in held]  # noqa: E731
    print("\nSKLEARN leave-one-document-out, restricted to the held-out documents (micro P / R / F1):")
    for name, gold_rows, predicted_rows in (
        ("Rothwell types", gold_type, cv_type),
        ("Rothwell sub-types", gold_sub, cv_sub),
        ("Howlett types", gold_howlett, cv_howlett),
    ):
        m = micro(subset(gold_rows), subset(predicted_rows))
        figures[f"sklearn/cv-held-out/{name}"] = m
        print(f"  {name:<20}{m['precision']:>7.2f}{m['recall']:>7.2f}{m['f1']:>7.2f}")

    if args.errors:
        print("\nLexicon mistakes on held-out measures (missed / extra):")
        shown = 0
        for i in splits["held-out"]:
            record, measure = pairs[i]
            missed, extra = gold_sub[i] - lex[i][0], lex[i][0] - gold_sub[i]
            if missed or extra:
                print(
                    f"  {record['doc']} {'/'.join(record['path'])} {measure.title}: missed {sorted(missed)} extra {sorted(extra)}"
                )
                shown += 1
                if shown >= args.errors:
                    break
    timing(docs)
    pmc_overview(docs)
    figures["pmc_agreement"] = pmc_agreement(docs)
    print(f"\nelapsed {time.perf_counter() - started:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
