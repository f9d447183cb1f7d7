"""``policytext align LOWER --against UPPER …``: what a local document takes up from upper ones."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from policytext._util import plural
from policytext.cli.common import (
    add_input_options,
    add_upper_options,
    check_output,
    format_table,
    load_document,
    load_upper,
    write_output,
)
from policytext.errors import ConfigurationError

HELP = """examples:
  policytext align qianjiang_2025 --against national.txt provincial.txt --format table
  policytext align plan.docx --against law.md --levels national --format csv -o pairs.csv
  policytext align plan.txt --against reports.jsonl#12 --upper-text-column full_text
  policytext align regulation.md --against law.md --top 3 --format json

An UPPER given as FILE#N is record N (0-based) of a JSONL/CSV file.  Levels come from each
document's header (national/provincial/…) unless --levels names them, one per UPPER.
JSON output has pairs (lower_path, lower_title, upper_doc, upper_path, upper_text, upper_span,
score, relation, evidence …), coverage, omitted and local_additions.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "align",
        help="align a local document with national/provincial documents (copied/adapted/related)",
        description="Align each measure of LOWER with the paragraphs, articles or measures of the UPPER "
        "documents: matches with relation and shared passages, coverage, omissions, local additions.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(parser)
    parser.add_argument("--against", nargs="+", required=True, metavar="UPPER", help="upper-level documents")
    parser.add_argument(
        "--levels",
        nargs="+",
        metavar="LEVEL",
        help="level of each UPPER (national, provincial, municipal, county), overriding the headers",
    )
    add_upper_options(parser)
    parser.add_argument(
        "--format", choices=("json", "csv", "table"), default="table", help="output format (default table)"
    )
    parser.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="K",
        help="at most K matches per lower unit (default: the calibrated max_matches, 3)",
    )
    parser.add_argument("--no-semantic", action="store_true", help="leave out the word-vector signal")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext.align import DEFAULT_CONFIG, align

    check_output(args.output, "pairs.json")
    lower = load_document(args)
    uppers = [load_upper(value, args) for value in args.against]
    if args.levels and len(args.levels) != len(uppers):
        raise ConfigurationError(
            f"--levels gives {plural(len(args.levels), 'level')} for {plural(len(uppers), 'upper document')}"
        )
    config = DEFAULT_CONFIG
    if args.top is not None:
        if args.top < 1:
            raise ConfigurationError("--top must be at least 1")
        config = replace(config, max_matches=args.top)
    try:
        result = align(lower, uppers, levels=args.levels, config=config, semantic=not args.no_semantic)
    except ValueError as error:  # an unknown level name
        raise ConfigurationError(str(error)) from None
    if args.format == "json":
        text = result.to_json() + "\n"
    elif args.format == "csv":
        text = result.pairs_frame().drop(columns=["upper_text"]).to_csv(index=False)
    else:
        text = _table(result)
    write_output(text, args.output)
    return 0


def _table(result: Any) -> str:
    lines = [result.summary(), ""]
    frame = result.pairs_frame()
    if not frame.empty:
        shown = frame[
            ["lower_path", "lower_title", "upper_doc", "upper_path", "relation", "score", "route", "evidence"]
        ]
        lines.append(format_table(shown, max_colwidth=36))
        lines.append("")
    coverage = result.coverage_frame()
    if not coverage.empty:
        lines.append("coverage:")
        lines.append(format_table(coverage, max_colwidth=36))
        lines.append("")
    if result.local_additions:
        lines.append("local additions (no upper match):")
        lines.extend(f"  {u.label} {u.title or ''}" for u in result.local_additions)
    return "\n".join(lines) + "\n"
