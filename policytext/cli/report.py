"""``policytext report``: one self-contained HTML (or Markdown) report, plus xlsx/csv exports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from policytext.cli.common import add_reading_options, add_upper_options, load_document, load_upper
from policytext.errors import InputError
from policytext.model import PolicyDocument

EXAMPLES = """examples:
  policytext report                                   the bundled 潜江 plan → ./report.html
  policytext report plan.docx -o plan.html            any plan: txt, md, docx, pdf, html
  policytext report plan.txt --against national.txt provincial.txt -o plan.html
  policytext report plan.txt --format md -o plan.md   Markdown instead of HTML
  policytext report plan.txt --xlsx tables.xlsx --csv tables/   also export every table
  policytext report plan.txt --against reports.jsonl#12 --upper-text-column content
                                                      an upper document that is record 12 of a JSONL file

The HTML file needs no network to open: charts are inline SVG, tables sort (click a heading)
and filter (type in the box above them) with a small inline script, and the Chinese font is
embedded, cut down to the characters the page uses (--no-embed-font leaves it to the reader's
fonts). Without --against the coverage and alignment sections are omitted.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write an HTML/Markdown report on a plan (and its alignment with upper-level documents)",
        description="Analyse a plan — measures, responsible units, keywords and, with --against, "
        "its alignment with upper-level documents — and write one self-contained report.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        nargs="?",
        default=None,
        metavar="PLAN",
        help="the plan: a file (txt, md, html, docx, pdf, jsonl, csv) or a bundled document name "
        "(default: the bundled 潜江 plan)",
    )
    parser.add_argument(
        "--against",
        nargs="+",
        default=[],
        metavar="UPPER",
        help="upper-level documents to align the plan with (FILE, bundled name, or FILE#N for record N)",
    )
    add_upper_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        help="report file: .html/.htm or .md (default: report.html, or report.md with --format md)",
    )
    parser.add_argument(
        "--format",
        choices=("html", "md"),
        default=None,
        help="report format (default: from the -o suffix, else html; must agree with the suffix)",
    )
    parser.add_argument(
        "--xlsx", default=None, metavar="FILE", help="also write every table to this Excel workbook"
    )
    parser.add_argument(
        "--csv", default=None, metavar="DIR", help="also write every table as CSV (UTF-8 with BOM) into DIR"
    )
    parser.add_argument("--top", type=int, default=20, help="keywords per document (default: 20)")
    parser.add_argument(
        "--keyword-method",
        choices=("tfidf", "textrank"),
        default="tfidf",
        help="keyword method (default: tfidf; see `policytext keywords --help`)",
    )
    parser.add_argument(
        "--agencies",
        choices=("name", "canonical"),
        default="name",
        help="agency names as printed or canonical full names (default: name)",
    )
    parser.add_argument(
        "--no-embed-font", action="store_true", help="do not embed the Chinese font subset in the HTML"
    )
    parser.add_argument(
        "--no-instruments",
        action="store_true",
        help="leave out policy instruments (政策工具) and the PMC index",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")

    add_reading_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext.report import report
    from policytext.report.api import check_outputs

    if args.top < 1:
        raise InputError("--top must be at least 1")
    outputs = check_outputs(args.output, args.xlsx, args.csv, format=args.format)  # before reading
    say = _progress(args.quiet)
    plan = None
    if args.file is not None:
        say(f"reading {args.file}")
        plan = load_document(args)
    uppers = _read_uppers(args, say)
    path = report(
        plan,
        uppers,
        outputs,
        top_keywords=args.top,
        keyword_method=args.keyword_method,
        agencies_by=args.agencies,
        instruments=not args.no_instruments,
        embed_font=not args.no_embed_font,
        progress=say,
    )
    extras = [str(p) for p in (args.xlsx, args.csv) if p]
    print(f"wrote {path}" + (f" (tables: {', '.join(extras)})" if extras else ""))
    return 0


def _progress(quiet: bool) -> Callable[[str], None]:
    def say(message: str) -> None:
        if not quiet:
            print(f"policytext: {message} …", file=sys.stderr, flush=True)

    return say


def _read_uppers(args: argparse.Namespace, say: Callable[[str], None]) -> list[PolicyDocument]:
    """Read the upper-level documents, with a progress bar when there are many."""
    values: list[str] = args.against
    if len(values) >= _BAR_FROM and not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        return [
            load_upper(value, args) for value in tqdm(values, desc="reading", unit="file", file=sys.stderr)
        ]
    documents = []
    for value in values:
        say(f"reading {value}")
        documents.append(load_upper(value, args))
    return documents


_BAR_FROM = 5
