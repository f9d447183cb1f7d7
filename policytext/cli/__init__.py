"""The ``policytext`` command: a thin layer that parses arguments, calls the API and formats output.

Each subcommand lives in its own module with ``register(subparsers)`` and ``run(args) -> int``.
Errors a user can cause (:class:`~policytext.errors.PolicyTextError`) become one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from policytext import __version__
from policytext.errors import PolicyTextError

SUBCOMMANDS = ("parse", "segment", "keywords", "align", "report", "batch", "corpus", "instruments", "pmc")

EPILOG = """examples:
  policytext report                      analyse the bundled 潜江 plan, write report.html
  policytext parse plan.docx --format table
  policytext keywords plan.txt --top 20
  policytext align plan.txt --against national.txt provincial.txt
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policytext",
        description="Read Chinese policy documents (政策文件): structure, measures, units, keywords, alignment, reports.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"policytext {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"policytext.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"policytext.cli.{name}":
                continue  # subcommand not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except PolicyTextError as error:
        print(f"policytext: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policytext: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
