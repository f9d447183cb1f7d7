"""Options and helpers shared by the subcommands: one way to name an input, one way to write output."""

from __future__ import annotations

import argparse
import re
import sys

from policytext._util import atomic_write_text
from policytext.model import PolicyDocument


def add_input_options(parser: argparse.ArgumentParser, *, name: str = "file") -> None:
    """The input file and the reading options every document-reading subcommand accepts."""
    parser.add_argument(name, help="document file (txt, md, html, docx, pdf, jsonl, csv) or a bundled name")
    add_reading_options(parser)


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("reading")
    group.add_argument("--encoding", help="force an encoding instead of detecting it (e.g. gb18030)")
    group.add_argument(
        "--t2s", action="store_true", help="convert traditional characters to simplified (OpenCC)"
    )
    group.add_argument("--text-column", help="record files: the column holding the text")
    group.add_argument("--record", type=int, help="record files: index of the record to read (0-based)")


def load_document(args: argparse.Namespace, value: str | None = None) -> PolicyDocument:
    """Read the document named on the command line (a path, or a bundled document's name)."""
    from policytext import corpora
    from policytext.pipeline import read

    target = value if value is not None else args.file
    path = corpora.resolve_path(target)
    return read(
        path,
        encoding=getattr(args, "encoding", None),
        t2s=getattr(args, "t2s", False),
        text_column=getattr(args, "text_column", None),
        record=getattr(args, "record", None),
    )


#: An upper document given as ``FILE#N``: record N of a JSONL/CSV file.
RECORD_SUFFIX = re.compile(r"^(?P<path>.+)#(?P<record>\d+)$")


def load_upper(value: str, args: argparse.Namespace) -> PolicyDocument:
    """An upper-level document named on the command line: a path, a bundled name, or ``FILE#N``."""
    from policytext import corpora
    from policytext.pipeline import read

    record = None
    match = RECORD_SUFFIX.match(value)
    if match and not corpora.resolve_path(value).exists():
        value, record = match.group("path"), int(match.group("record"))
    return read(
        corpora.resolve_path(value),
        encoding=getattr(args, "encoding", None),
        t2s=getattr(args, "t2s", False),
        text_column=getattr(args, "upper_text_column", None),
        record=record,
    )


def check_output(output: str | None, example: str = "out.json") -> None:
    """Refuse an ``-o`` file that cannot be written, before any work is done."""
    if output is not None:
        from policytext.report.outputs import check_file_target

        check_file_target(output, "output", example)


def write_output(text: str, output: str | None) -> None:
    """Write to a file atomically, or to standard output; OS errors become one-line errors."""
    if output is not None:
        from policytext.report.outputs import check_file_target, writing

        target = check_file_target(output, "output")
        with writing(target, "output"):
            atomic_write_text(target, text)
    else:
        sys.stdout.write(text)
