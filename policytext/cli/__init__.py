"""The ``policytext`` command: a thin layer that parses arguments, calls the API and formats output.

Each subcommand lives in its own module with ``register(subparsers)`` and ``run(args) -> int``.
Errors a user can cause (:class:`~policytext.errors.PolicyTextError`) become one line on stderr
and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, NoReturn

from policytext import __version__
from policytext.errors import PolicyTextError

#: Exit status of an interrupted command (128 + SIGINT, as shells report Ctrl-C).
INTERRUPTED = 130
#: Seconds an interrupted command may spend shutting down before it is ended without cleanup.
EXIT_GRACE = 15.0

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
        return _no_command(parser)
    try:
        return int(args.func(args) or 0)
    except PolicyTextError as error:
        print(f"policytext: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policytext: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return 0


def _no_command(parser: argparse.ArgumentParser) -> int:
    """``policytext`` alone is a usage error (status 2), like any other: usage and one line on stderr."""
    parser.print_usage(sys.stderr)
    print(
        f"policytext: error: a command is required ({', '.join(SUBCOMMANDS)}); "
        "'policytext --help' describes them",
        file=sys.stderr,
    )
    return 2


def console() -> NoReturn:
    """The ``policytext`` program (console script and ``python -m policytext``): :func:`main`,
    then exit with its status.

    After an interruption the exit is guarded: Ctrl-C or SIGTERM arrives between any two
    bytecodes of the main thread, also inside :mod:`concurrent.futures`, whose process pool is not
    safe against such asynchronous exceptions (one landing while a future's lock is held leaves
    the pool's manager thread blocked, and the interpreter joins that thread at exit).  Every
    finished result is on disk by then (outputs are written atomically), so a process that has
    not ended within :data:`EXIT_GRACE` seconds is ended without further cleanup rather than
    left hanging.
    """
    quiet_interrupts_in_callbacks()
    status = main()
    if status == INTERRUPTED:
        threading.Thread(target=_end_after, args=(EXIT_GRACE, status), daemon=True).start()
    sys.exit(status)


def quiet_interrupts_in_callbacks() -> None:
    """Do not print the interpreter's "Exception ignored in …" traceback for a Ctrl-C that lands
    in a callback (a weak-reference callback of the import system, a ``__del__``).

    Python cannot raise an exception out of such a callback, so it prints it and goes on; the
    command still stops through its own handling, and the user sees one line, not a traceback.
    Other unraisable exceptions are reported as before.  Process-wide, hence only in :func:`console`.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            return
        previous(unraisable)

    sys.unraisablehook = hook


def _end_after(seconds: float, status: int) -> None:
    time.sleep(seconds)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # closed or broken: nothing more can be written anyway
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    console()
