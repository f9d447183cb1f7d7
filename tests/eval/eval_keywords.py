#!/usr/bin/env python
"""Precision@10 of keyword methods against hand-judged keyword lists.

    python tests/eval/eval_keywords.py                 # print P@10 per method (and per document with -v)
    python tests/eval/eval_keywords.py --unjudged      # list top-10 terms that have no judgment yet

The judged lists (tests/eval/data/keywords_judged.json) hold, per real document of the public
corpora (read by path from ../shared/corpora, never copied), a verdict for every term that any
method put in its top 10: acceptable as a specific topical keyword of that document (产教融合,
集成电路, 人工智能) or not (企业, 创新, 建设, 牵头, 单位, years, fragments).  A term without a
verdict counts as not acceptable, so an unjudged list can only lower the score.

Methods: policytext tfidf (default), policytext textrank, policytext tfidf without MMR, and
``jieba.analyse`` TF-IDF / TextRank with a fresh ``jieba.Tokenizer`` (not the global one).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policytext._util import shared_corpora_dir  # noqa: E402

JUDGED = Path(__file__).resolve().parent / "data" / "keywords_judged.json"
K = 10

_WIKISOURCE_TAIL = re.compile(r"本作品是中华人民共和国的.*", re.S)


def _jsonl(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_text(key: str, root: Path) -> str:
    """The text of a judged document, addressed as ``corpus:id``."""
    corpus, _, ident = key.partition(":")
    if corpus == "central_shandong":
        table, no = ident.split("#")
        for rec in _jsonl(root / "central_shandong_ai" / "policies_central_shandong.jsonl"):
            if rec["table"] == table and str(rec["no"]) == no:
                return rec["content"]
    elif corpus == "state_council":
        for rec in _jsonl(root / "state_council_2019" / "state_council_docs_2019snapshot.jsonl"):
            if str(rec["id"]) == ident:
                return rec["text"]
    elif corpus == "provincial_gwr":
        for rec in _jsonl(root / "provincial_gwr_2026" / "provincial_gov_work_reports_2026.jsonl"):
            if rec["province"] == ident:
                return rec["full_text"]
    elif corpus == "national_extract":
        return (root / "national" / "extracts" / ident).read_text(encoding="utf-8")
    elif corpus == "national_gwr":
        for rec in _jsonl(root / "national" / "government_work_reports.jsonl"):
            if rec["title"] == ident:
                return _WIKISOURCE_TAIL.sub("", rec["content"])
    elif corpus == "laws":
        for rec in _jsonl(root / "laws" / "lawrefbook_laws.jsonl.gz"):
            if rec["path"] == ident:
                return rec["text"].split("<!-- INFO END -->", 1)[-1]
    raise KeyError(f"document {key!r} not found under {root}")


def policytext_method(method: str, mmr: float | None = 0.8) -> Callable[[object], list[str]]:
    from policytext.keywords import keywords

    def run(doc: object) -> list[str]:
        return keywords(doc, top=K, method=method, mmr=mmr)["term"].tolist()

    return run


def jieba_method(kind: str) -> Callable[[object], list[str]]:
    import logging

    import jieba
    import jieba.analyse
    from jieba import posseg

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    analyser = jieba.analyse.TFIDF() if kind == "tfidf" else jieba.analyse.TextRank()
    pos_tokenizer = posseg.POSTokenizer(tokenizer)
    analyser.postokenizer = pos_tokenizer
    analyser.tokenizer = tokenizer if kind == "tfidf" else pos_tokenizer

    def run(doc: object) -> list[str]:
        return list(analyser.extract_tags(doc.text, topK=K))  # type: ignore[attr-defined]

    return run


METHODS: dict[str, Callable[[], Callable[[object], list[str]]]] = {
    "policytext tfidf (default)": lambda: policytext_method("tfidf"),
    "policytext textrank": lambda: policytext_method("textrank"),
    "policytext tfidf, no MMR": lambda: policytext_method("tfidf", None),
    "jieba.analyse tfidf": lambda: jieba_method("tfidf"),
    "jieba.analyse textrank": lambda: jieba_method("textrank"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=shared_corpora_dir())
    parser.add_argument("--unjudged", action="store_true", help="print terms that still need a verdict")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="per-document lists and scores")
    args = parser.parse_args(argv)

    import policytext

    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    documents = {
        key: meta
        for key, meta in data["documents"].items()
        if args.split in ("all", meta.get("split", "dev"))
    }
    judgments: dict[str, dict[str, bool]] = data["judgments"]
    parsed = {key: policytext.parse_text(load_text(key, args.corpora)) for key in documents}
    results: dict[str, list[float]] = {}
    unjudged: dict[str, set[str]] = {}
    for name, factory in METHODS.items():
        run = factory()
        started = time.time()
        scores = []
        for key, doc in parsed.items():
            terms = run(doc)[:K]
            verdicts = judgments.get(key, {})
            missing = [t for t in terms if t not in verdicts]
            unjudged.setdefault(key, set()).update(missing)
            hits = sum(bool(verdicts.get(t)) for t in terms)
            scores.append(hits / K)
            if args.verbose:
                marks = " ".join(
                    f"{t}{'+' if verdicts.get(t) else '?' if t in missing else '-'}" for t in terms
                )
                print(f"  {name:28s} {key[:40]:40s} {hits}/{K}  {marks}")
        results[name] = scores
        splits = {
            split: [p for p, key in zip(scores, parsed, strict=True) if documents[key].get("split") == split]
            for split in ("dev", "test")
        }
        by_split = "  ".join(
            f"{split} {statistics.mean(values):.3f}" for split, values in splits.items() if values
        )
        print(
            f"{name:28s} P@{K} mean {statistics.mean(scores):.3f}  median {statistics.median(scores):.2f}  "
            f"min {min(scores):.1f}  [{by_split}]  ({len(scores)} documents, {time.time() - started:.1f} s)"
        )
    if args.unjudged:
        for key, terms in unjudged.items():
            if terms:
                print(json.dumps({key: sorted(terms)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
