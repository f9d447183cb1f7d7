"""Options and helpers shared by the subcommands: one way to name and read an input, one way to
write output, one way to print a table."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext._util import atomic_write_text, check_file_target, writing
from policytext.errors import ConfigurationError, PolicyTextError
from policytext.model import PolicyDocument

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

INPUT_HELP = "document file (txt, md, html, docx, pdf, jsonl, csv) or a bundled name"


def add_input_options(parser: argparse.ArgumentParser, *, name: str = "file", help: str = INPUT_HELP) -> None:
    """The input file and the reading options every document-reading subcommand accepts."""
    parser.add_argument(name, help=help)
    add_reading_options(parser)


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    """``--encoding``, ``--t2s``, ``--text-column``, ``--record``: the same on every command that reads."""
    group = parser.add_argument_group("reading")
    group.add_argument("--encoding", help="force an encoding instead of detecting it (e.g. gb18030)")
    group.add_argument(
        "--t2s", action="store_true", help="convert traditional characters to simplified (OpenCC)"
    )
    group.add_argument("--text-column", help="record files: the column holding the text")
    group.add_argument("--record", type=int, help="record files: index of the record to read (0-based)")


def add_upper_options(parser: argparse.ArgumentParser) -> None:
    """How upper-level documents (``--against``) are read beyond ``--encoding`` and ``--t2s``."""
    parser.add_argument(
        "--upper-text-column", help="record files among the UPPERs: the column holding the text"
    )


def reading_options(args: argparse.Namespace, *, record_options: bool = True) -> dict[str, Any]:
    """The keyword arguments of :func:`policytext.read` given on the command line.

    ``record_options=False`` keeps only ``encoding`` and ``t2s``, which apply to every file a
    command reads (``--text-column`` and ``--record`` pick from the main input only).
    """
    options: dict[str, Any] = {
        "encoding": getattr(args, "encoding", None),
        "t2s": getattr(args, "t2s", False),
    }
    if record_options:
        options["text_column"] = getattr(args, "text_column", None)
        options["record"] = getattr(args, "record", None)
    return options


def load_document(args: argparse.Namespace, value: str | None = None) -> PolicyDocument:
    """Read the document named on the command line (a path, or a bundled document's name)."""
    from policytext import corpora
    from policytext.pipeline import read

    target = value if value is not None else args.file
    path = corpora.resolve_path(target)
    _check_record_options(path, args)
    return read(path, **reading_options(args))


def _check_record_options(path: str | Path, args: argparse.Namespace) -> None:
    """``--text-column`` on a text, HTML, docx or PDF file would be silently ignored: refuse it, as
    ``--record`` is (the reader refuses that one)."""
    from policytext.io.sniff import RECORD_FORMATS, detect_format

    if getattr(args, "text_column", None) is None or not Path(path).is_file():
        return  # (a missing file: the reader names that problem)
    try:
        fmt = detect_format(path)
    except PolicyTextError:
        return  # the reader names the problem with the file itself
    if fmt not in RECORD_FORMATS:
        raise ConfigurationError(f"--text-column applies to .jsonl/.csv/.parquet files, not to a {fmt} file", path)


def load_other(value: str, args: argparse.Namespace) -> PolicyDocument:
    """A further document (``--idf-corpus``): read with ``--encoding`` and ``--t2s`` only."""
    from policytext import corpora
    from policytext.pipeline import read

    return read(corpora.resolve_path(value), **reading_options(args, record_options=False))


def load_text(args: argparse.Namespace, value: str | None = None) -> str:
    """The raw text (lines as written, not normalised) of the input, or of stdin for ``-``."""
    from policytext import corpora
    from policytext.io.loader import load_text as load

    target = value if value is not None else args.file
    options = reading_options(args)
    if target != "-":
        path = corpora.resolve_path(target)
        _check_record_options(path, args)
        return load(path, **options).text
    for flag, key in (("--record", "record"), ("--text-column", "text_column")):
        if options[key] is not None:
            raise ConfigurationError(f"{flag} applies to record files, not to standard input")
    # the bytes, decoded as a file's are: detection (or --encoding) with clear errors, BOM removed
    from policytext.io.encoding import decode_bytes

    text, _ = decode_bytes(sys.stdin.buffer.read(), path="<stdin>", encoding=options["encoding"])
    if options["t2s"]:
        from policytext.io.t2s import to_simplified

        text = to_simplified(text)
    return text


#: An upper document given as ``FILE#N``: record N of a JSONL/CSV file.
RECORD_SUFFIX = re.compile(r"^(?P<path>.+)#(?P<record>\d+)$")


def load_upper(value: str, args: argparse.Namespace) -> PolicyDocument:
    """An upper-level document named on the command line: a path, a bundled name, or ``FILE#N``.

    ``--encoding`` and ``--t2s`` apply to it as to the main input; ``--upper-text-column`` and
    the ``#N`` suffix take the place of ``--text-column`` and ``--record``.
    """
    from policytext import corpora
    from policytext.pipeline import read

    record = None
    match = RECORD_SUFFIX.match(value)
    if match and not corpora.resolve_path(value).exists():
        value, record = match.group("path"), int(match.group("record"))
    return read(
        corpora.resolve_path(value),
        **reading_options(args, record_options=False),
        text_column=getattr(args, "upper_text_column", None),
        record=record,
    )


def check_output(output: str | None, example: str = "out.json") -> None:
    """Refuse an ``-o`` file that cannot be written, before any work is done."""
    if output is not None:
        check_file_target(output, "output", example)


def write_output(text: str, output: str | None) -> None:
    """Write to a file atomically (checked before by :func:`check_output`), or to standard
    output; OS errors become one-line errors."""
    if output is not None:
        with writing(output, "output"):
            atomic_write_text(output, text)
    else:
        sys.stdout.write(text)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_table(frame: pd.DataFrame, *, index: bool = False, max_colwidth: int | None = None) -> str:
    """``frame`` as a plain-text table whose columns line up in a terminal, also with Chinese.

    pandas pads cells by characters, but a Chinese character is two columns wide, so its tables
    drift.  Here widths are display widths (:func:`display_width`); numbers keep pandas'
    formatting and are right-aligned, text is left-aligned; a cell wider than ``max_colwidth``
    columns ends in ``...``.
    """
    shown = frame.reset_index() if index else frame
    columns = [_column_cells(shown.iloc[:, position]) for position in range(shown.shape[1])]
    headers = [_cell_text(name) for name in shown.columns]
    if max_colwidth is not None:
        columns = [[_truncate(cell, max_colwidth) for cell in cells] for cells in columns]
    widths = [
        max([display_width(header), *map(display_width, cells)])
        for header, cells in zip(headers, columns, strict=True)
    ]
    numeric = [_is_numeric(shown.iloc[:, position]) for position in range(shown.shape[1])]
    rows = [headers, *(list(row) for row in zip(*columns, strict=True))]
    lines = []
    for row in rows:
        cells = [_pad(cell, width, right) for cell, width, right in zip(row, widths, numeric, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _column_cells(column: pd.Series) -> list[str]:
    """The cells of a column as text: numbers as pandas prints them, text on one line."""
    if column.empty:
        return []
    if _is_numeric(column):
        return [cell.strip() for cell in column.to_string(index=False, header=False).split("\n")]
    return [_cell_text(value) for value in column]


def _is_numeric(column: pd.Series) -> bool:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return bool(is_numeric_dtype(column.dtype) and not is_bool_dtype(column.dtype))


def _cell_text(value: object) -> str:
    text = str(value)
    return text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def _truncate(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        used += display_width(char)
        if used > width - 3:
            break
        out.append(char)
    return "".join(out) + "..."


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill
