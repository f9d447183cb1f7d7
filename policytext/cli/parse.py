"""``policytext parse FILE``: header, sections and measures of one document."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from policytext.cli.common import add_input_options, check_output, format_table, load_document, write_output

HELP = """examples:
  policytext parse corpora/qianjiang_2025_education_science_talent_plan.txt --format table
  policytext parse notice.docx --format json -o notice.json
  policytext parse records.jsonl --record 3 --text-column content --format csv
  policytext parse qianjiang_2025                 (a bundled document, by name)
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parse",
        help="extract header, outline, measures and responsible units",
        description="Parse a policy document into header, sections and measures with units, deadlines, "
        "targets and citations.",
        epilog=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_options(parser)
    parser.add_argument(
        "--format", choices=("json", "csv", "table"), default="json", help="output format (default json)"
    )
    parser.add_argument("--units", action="store_true", help="with csv/table: one row per measure × unit")
    parser.add_argument("--include-text", action="store_true", help="with json: include the canonical text")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    check_output(args.output, "plan.json")
    doc = load_document(args)
    if args.format == "json":
        text = json.dumps(doc.to_dict(include_text=args.include_text), ensure_ascii=False, indent=2) + "\n"
    else:
        frame = doc.units_frame() if args.units else doc.measures_frame().drop(columns=["text"])
        text = frame.to_csv(index=False) if args.format == "csv" else _table(doc, frame)
    write_output(text, args.output)
    for warning in doc.warnings:
        print(f"policytext: warning: {warning}", file=sys.stderr)
    return 0


def _table(doc: Any, frame: Any) -> str:
    header = doc.header
    lines = [
        f"title:      {header.title or '-'}",
        f"issuer:     {header.issuer or '-'}",
        f"doc number: {header.doc_number or '-'}",
        f"date:       {header.date or '-'}",
        f"level:      {header.level.value}",
        f"sections:   {len(doc.sections)}   measures: {len(doc.measures)}   units: {len(doc.units)}",
        "",
    ]
    columns = [
        c
        for c in (
            "path",
            "title",
            "lead_units",
            "support_units",
            "units",
            "deadlines",
            "targets",
            "name",
            "role",
            "canonical",
            "function",
        )
        if c in frame.columns
    ]
    if not frame.empty:
        lines.append(format_table(frame[columns], max_colwidth=40))
    return "\n".join(lines) + "\n"
