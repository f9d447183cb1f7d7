"""``policytext segment``: policy-aware word segmentation, one output line per input line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from policytext.cli.common import add_input_options, load_text

EXAMPLES = """examples:
  policytext segment plan.txt                      tokens separated by single spaces
  policytext segment plan.txt --backend jieba      the pure-Python reference backend
  policytext segment plan.txt --pos                word/pos pairs (词/nz)
  policytext segment plan.txt --user-dict my.txt   add your own words (jieba format: word [freq] [pos])
  policytext segment qianjiang_2025                a bundled document by name
  cat plan.txt | policytext segment -              read standard input
  policytext segment old.txt --encoding big5 --t2s traditional text in Big5, segmented as simplified
  policytext segment reports.jsonl --record 0 --text-column full_text

Like `python -m jieba`, each input line gives one output line.  Unlike plain jieba, policy terms
(产教融合, 揭榜挂帅, 新质生产力), agency names (市人社局) and every term quoted in “…” stay whole.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "segment",
        help="segment a document into words (policy-aware jieba), one line per input line",
        description="Segment a document into words with the policy lexicon; print tokens separated by spaces.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(
        parser, help="a text/docx/pdf/html/jsonl/csv file, a bundled document name, or - for stdin"
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "jieba", "rjieba"),
        default="auto",
        help="segmentation backend (default: auto = rjieba when installed; both give the same tokens)",
    )
    parser.add_argument("--pos", action="store_true", help="print word/pos instead of words")
    parser.add_argument("--no-lexicon", action="store_true", help="do not load the bundled policy lexicon")
    parser.add_argument(
        "--user-dict", action="append", default=None, metavar="FILE", help="extra dictionary (repeatable)"
    )
    parser.add_argument("-d", "--delimiter", default=" ", help="token separator (default: one space)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext.segment import Segmenter

    segmenter = Segmenter(args.backend, lexicon=not args.no_lexicon, user_dict=args.user_dict, pos=args.pos)
    text = load_text(args)
    out = sys.stdout
    for line in text.splitlines():
        words = [f"{t.text}/{t.pos}" for t in segmenter.tokenize(line)] if args.pos else segmenter.cut(line)
        out.write(args.delimiter.join(words) + "\n")
    return 0
