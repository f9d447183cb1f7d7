"""``policytext keywords``: keywords of a document (TF-IDF with a policy-domain IDF, or TextRank)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from policytext.cli.common import add_input_options, format_table, load_document, load_other

EXAMPLES = """examples:
  policytext keywords plan.txt                          top 20, TF-IDF, as a table
  policytext keywords plan.txt --top 10 --format json   [{"rank": 1, "term": "…", "score": 17.7, "count": 6}, …]
  policytext keywords plan.txt --method textrank
  policytext keywords plan.txt --by measure --top 5     five keywords per measure
  policytext keywords plan.txt --idf-corpus docs/*.txt  learn the IDF from your own documents
  policytext keywords qianjiang_2025 --format csv       the bundled plan, CSV on stdout
  policytext keywords reports.jsonl --record 3 --text-column full_text --t2s

--encoding and --t2s apply to the --idf-corpus files too; --record and --text-column to FILE only.

Responsibility clauses (责任单位：…), stopwords and boilerplate (加强, 推进, 深化 …) never count;
near-duplicates (产教融合 / 产教融合创新平台) are removed with maximal marginal relevance.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keywords",
        help="keywords of a document (TF-IDF with a policy-domain IDF, or TextRank)",
        description="Rank the keywords of a policy document with policy-aware segmentation.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(parser)
    parser.add_argument("--top", type=int, default=20, help="number of keywords (default: 20)")
    parser.add_argument("--method", choices=("tfidf", "textrank"), default="tfidf", help="default: tfidf")
    parser.add_argument(
        "--by", choices=("document", "measure", "section"), default="document", help="default: document"
    )
    parser.add_argument("--format", choices=("json", "csv", "table"), default="table", help="default: table")
    parser.add_argument(
        "--idf-corpus", nargs="+", default=None, metavar="FILE", help="learn the IDF from these documents"
    )
    parser.add_argument("--no-mmr", action="store_true", help="keep near-duplicate terms")
    parser.add_argument(
        "--backend", choices=("auto", "jieba", "rjieba"), default="auto", help="segmentation backend"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext.errors import ConfigurationError
    from policytext.keywords import keywords
    from policytext.segment import Segmenter

    if args.top < 1:
        raise ConfigurationError("--top must be at least 1")
    doc = load_document(args)
    idf = [load_other(p, args) for p in args.idf_corpus] if args.idf_corpus else None
    frame = keywords(
        doc,
        top=args.top,
        method=args.method,
        by=args.by,
        idf=idf,
        segmenter=Segmenter(args.backend, pos=True),
        mmr=None if args.no_mmr else 0.8,
    )
    if args.by == "document":
        frame = frame.drop(columns=["document"])
    if args.format == "json":
        records = frame.to_dict(orient="records")
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        sys.stdout.write(format_table(frame) + "\n")
    return 0
