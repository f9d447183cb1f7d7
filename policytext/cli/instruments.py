"""``policytext instruments``: code each measure by policy instrument (政策工具), or print a two-way table."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from policytext.cli.common import add_input_options, format_table, load_document

EXAMPLES = """examples:
  policytext instruments plan.txt                          one row per measure × label, as a table
  policytext instruments plan.txt --format json            [{"path": [...], "title": ..., "labels": [...]}, ...]
  policytext instruments plan.txt --scheme howlett         compulsory / mixed / voluntary
  policytext instruments plan.txt --scheme my_lexicon.json your own lexicon (same format as the bundled one)
  policytext instruments plan.txt --by section             sub-type × section counts (as papers print them)
  policytext instruments plan.txt --by stage --format csv  sub-type × innovation-chain stage
  policytext instruments qianjiang_2025 --level sentence   code each sentence, measure = union

Every label lists the evidence (cue terms with character spans) that triggered it; the bundled
lexicons live in policytext/data/instruments_*.json (see docs/instruments.md).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "instruments",
        help="policy-instrument coding of each measure (Rothwell & Zegveld, Howlett)",
        description="Label each measure with policy-instrument sub-types, a confidence and the evidence terms.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(parser)
    parser.add_argument(
        "--scheme", default="rothwell", help="rothwell (default), howlett, or a lexicon .json file"
    )
    parser.add_argument(
        "--level", choices=("measure", "sentence"), default="measure", help="default: measure"
    )
    parser.add_argument(
        "--threshold", type=float, default=None, help="confidence threshold (default: the lexicon's)"
    )
    parser.add_argument(
        "--by",
        default=None,
        metavar="AXIS",
        help="print a table instead: sub-type × AXIS (section, stage, lead_unit, unit_function, or a measure column)",
    )
    parser.add_argument("--types-only", action="store_true", help="with --by: rows are types, not sub-types")
    parser.add_argument("--format", choices=("json", "csv", "table"), default="table", help="default: table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext.instruments import classify, crosstab

    doc = load_document(args)
    result = classify(doc, args.scheme, level=args.level, threshold=args.threshold)
    if args.by:
        table = crosstab(result, by=args.by, level="type" if args.types_only else "subtype")
        if args.format == "json":
            flat = table.reset_index()
            sys.stdout.write(json.dumps(flat.to_dict(orient="records"), ensure_ascii=False, indent=2) + "\n")
        elif args.format == "csv":
            table.to_csv(sys.stdout)
        else:
            sys.stdout.write(format_table(table, index=True) + "\n")
        return 0
    if args.format == "json":
        records = result.to_records(sentences=args.level == "sentence")
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
        return 0
    frame = result.to_frame()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        columns = ["path", "title", "type_zh", "subtype", "confidence", "evidence"]
        shown = frame[columns].copy()
        shown["title"] = shown["title"].fillna("").str.slice(0, 24)
        sys.stdout.write(format_table(shown) + "\n")
    return 0
