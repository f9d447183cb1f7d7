"""``policytext pmc``: PMC-index scores (PMC指数) of one or more policy documents."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from policytext.cli.common import add_reading_options, format_table, load_document
from policytext.errors import ConfigurationError

EXAMPLES = """examples:
  policytext pmc plan.txt                            X1…X10, PMC value and grade, as a table
  policytext pmc a.txt b.docx c.pdf --format csv     one row per document
  policytext pmc plan.txt --details                  every sub-variable with its 0/1 score and evidence
  policytext pmc plan.txt --override X6:2=1 X1:4=0   your own coding decisions replace automatic scores
  policytext pmc plan.txt --scheme my_pmc.json       your own variables, rules and grade bands

Grades (bundled scheme): 9–10 perfect 完美, 7–8.99 excellent 优秀, 5–6.99 acceptable 可接受,
0–4.99 poor 不良.  The scheme is policytext/data/pmc_scheme.json (see docs/instruments.md).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pmc",
        help="PMC-index scores of policy documents (10 variables, evidence per sub-variable)",
        description="Score policy documents with the PMC index: sub-variables 0/1 with evidence, variables, PMC, grade.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="documents (txt, docx, pdf, html …) or bundled names"
    )
    add_reading_options(parser)
    parser.add_argument("--scheme", default=None, help="a PMC scheme .json (default: the bundled one)")
    parser.add_argument(
        "--override", nargs="+", default=[], metavar="ID=SCORE", help="set sub-variables by hand, e.g. X1:1=1"
    )
    parser.add_argument("--details", action="store_true", help="one row per sub-variable with its evidence")
    parser.add_argument("--format", choices=("json", "csv", "table"), default="table", help="default: table")
    parser.set_defaults(func=run)


def parse_overrides(items: list[str]) -> dict[str, float]:
    overrides: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigurationError(f"--override expects ID=SCORE (e.g. X1:1=1), got {item!r}")
        try:
            overrides[key.strip()] = float(value)
        except ValueError:
            raise ConfigurationError(f"--override {item!r}: the score must be a number") from None
    return overrides


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from policytext.instruments import PMCScheme, pmc_score

    scheme = PMCScheme.load(args.scheme)
    overrides = parse_overrides(args.override)
    results = [pmc_score(load_document(args, path), scheme, overrides=overrides) for path in args.files]
    if args.details:
        frames = []
        for result in results:
            frame = result.to_frame()
            frame.insert(0, "document", result.document)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        records: list[dict[str, Any]] = [r.to_dict() for r in results]
    else:
        table = pd.DataFrame([r.row() for r in results])
        records = [r.row() for r in results]
    if args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        shown = table.copy()
        shown["document"] = shown["document"].str.slice(0, 24)
        sys.stdout.write(format_table(shown) + "\n")
    return 0
