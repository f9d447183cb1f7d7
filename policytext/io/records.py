"""Record files (JSON Lines, gzip JSON Lines, CSV/TSV, Parquet): one document per record.

JSON Lines is the common case (corpora, scrapes) and is read line by line with
``json.loads``, never through pandas, so that thousands of laws stream in seconds.  A
broken record does not stop the file: it comes out of :func:`iter_records` as a
:class:`~policytext.errors.PolicyTextError` in its place.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

from policytext._util import sha256_file
from policytext.errors import (
    CorruptFileError,
    EmptyDocumentError,
    FileTooLargeError,
    InputError,
    PolicyTextError,
    RecordError,
    UnsupportedFormatError,
)
from policytext.io.base import DEFAULT_MAX_BYTES, RawText, check_regular_file, is_blank, read_bytes
from policytext.io.encoding import decode_bytes, detect_encoding
from policytext.io.sniff import RECORD_FORMATS, detect_format, suffix_of
from policytext.io.t2s import TRADITIONAL_HINT, looks_traditional, to_simplified
from policytext.model import Source

#: Columns tried in this order when no ``text_column`` is given.
TEXT_COLUMNS = ("text", "content", "full_text", "body", "正文")
#: A gzip file may inflate to at most this many times ``max_bytes``.
GZIP_INFLATE_FACTOR = 20
_PARQUET_BATCH = 256
#: A file whose first rows are all broken is refused as a whole (a JSON array named .jsonl?).
_PEEK_ROWS = 5

Row = tuple[int, "dict[str, Any] | PolicyTextError"]


def iter_records(
    path: str | Path,
    *,
    text_column: str | None = None,
    t2s: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    format: str | None = None,
) -> Iterator[RawText | PolicyTextError]:
    """Each record of a jsonl / jsonl.gz / csv / parquet file as RawText, or the error it raised.

    Problems with the file as a whole (missing, too large, no text column) raise at once;
    problems with one record (bad JSON, empty text) are yielded in its place, so a batch
    can record them and go on.  ``Source.record`` is the 0-based index among non-blank
    lines (JSONL) or data rows (CSV, Parquet); ``Source.sha256`` hashes the whole file.
    """
    fmt = _record_format(path, format)
    check_regular_file(path, max_bytes)
    rows = _rows(path, fmt, max_bytes, encoding, select=None)
    buffered, first, rows = _peek_first_row(rows)
    if first is None and not buffered:
        raise EmptyDocumentError("holds no records", path)
    if first is None:
        problem = buffered[0][1]
        reason = problem.reason if isinstance(problem, PolicyTextError) else "no record"
        raise RecordError(
            f"no usable record in the first {len(buffered)} line(s), is this really JSON Lines "
            f"(one JSON object per line)? First problem: {reason}",
            path,
        )
    column = _resolve_column(first, text_column, path)
    sha256 = sha256_file(path)
    source_encoding = _source_encoding(fmt, encoding)
    return _records(chain(buffered, rows), path, fmt, column, t2s, sha256, source_encoding)


def load_record(
    path: str | Path,
    *,
    record: int | None,
    text_column: str | None = None,
    t2s: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
    format: str | None = None,
) -> RawText:
    """One record of a record file: ``record=N``, or the only record when there is exactly one."""
    fmt = _record_format(path, format)
    if record is not None and (not isinstance(record, int) or record < 0):
        raise RecordError(f"record must be a non-negative integer, got {record!r}", path)
    check_regular_file(path, max_bytes)
    rows = list(_take(_rows(path, fmt, max_bytes, encoding, select=record), 2 if record is None else 1))
    if record is None and len(rows) > 1:
        raise RecordError(
            "holds more than one record: pass record=N (0-based) to pick one, or use iter_records", path
        )
    if not rows or (record is not None and rows[0][0] != record):
        count = "no records" if record is None else f"fewer than {record + 1} record(s)"
        raise (EmptyDocumentError if record is None else RecordError)(f"holds {count}", path)
    index, row = rows[0]
    if isinstance(row, PolicyTextError):
        raise row
    column = _resolve_column(row, text_column, path)
    item = _to_raw(index, row, path, fmt, column, t2s, sha256_file(path), _source_encoding(fmt, encoding))
    if isinstance(item, PolicyTextError):
        raise item
    return item


def _take(rows: Iterable[Row], n: int) -> Iterator[Row]:
    for count, row in enumerate(rows):
        if count >= n:
            return
        yield row


def _record_format(path: str | Path, format: str | None) -> str:
    fmt = format or detect_format(path)
    if fmt not in RECORD_FORMATS:
        raise UnsupportedFormatError(
            f"not a record file ({fmt}); records are read from .jsonl, .jsonl.gz, .csv, .tsv and .parquet",
            path,
        )
    return fmt


def _source_encoding(fmt: str, encoding: str | None) -> str | None:
    if fmt == "parquet":
        return None
    return encoding or ("utf-8" if fmt == "jsonl" else None)


def _peek_first_row(rows: Iterator[Row]) -> tuple[list[Row], dict[str, Any] | None, Iterator[Row]]:
    """Read up to the first good record so that a missing text column fails before iteration."""
    buffered: list[Row] = []
    for index, row in rows:
        buffered.append((index, row))
        if isinstance(row, dict):
            return buffered, row, rows
        if len(buffered) >= _PEEK_ROWS:
            break
    return buffered, None, rows


def _resolve_column(row: dict[str, Any], text_column: str | None, path: str | Path) -> str:
    columns = ", ".join(map(str, row)) or "none"
    if text_column is not None:
        if text_column not in row:
            raise RecordError(f"no text column {text_column!r}; the records have: {columns}", path)
        return text_column
    for name in TEXT_COLUMNS:
        if name in row:
            return name
    raise RecordError(
        f"no text column among {', '.join(TEXT_COLUMNS)}; the records have: {columns} (pass text_column=)",
        path,
    )


def _records(
    rows: Iterable[Row],
    path: str | Path,
    fmt: str,
    column: str,
    t2s: bool,
    sha256: str,
    encoding: str | None,
) -> Iterator[RawText | PolicyTextError]:
    for index, row in rows:
        yield (
            row
            if isinstance(row, PolicyTextError)
            else _to_raw(index, row, path, fmt, column, t2s, sha256, encoding)
        )


def _to_raw(
    index: int,
    row: dict[str, Any],
    path: str | Path,
    fmt: str,
    column: str,
    t2s: bool,
    sha256: str,
    encoding: str | None,
) -> RawText | PolicyTextError:
    if column not in row:
        return RecordError(f"record {index}: no column {column!r}", path)
    text = row[column]
    if text is None or (isinstance(text, str) and is_blank(text)):
        return EmptyDocumentError(f"record {index}: column {column!r} is empty", path)
    if not isinstance(text, str):
        return RecordError(f"record {index}: column {column!r} holds {type(text).__name__}, not text", path)
    warnings: tuple[str, ...] = ()
    if _SURROGATE.search(text):
        # a JSON "\ud800" escape decodes to a lone surrogate, which no encoder accepts later
        text = _SURROGATE.sub("\ufffd", text)
        warnings = ("lone surrogate characters replaced with U+FFFD",)
    if t2s:
        text = to_simplified(text)
    elif looks_traditional(text):
        warnings = (*warnings, TRADITIONAL_HINT)
    metadata = {key: _plain(value) for key, value in row.items() if key != column}
    source = Source(
        path=str(path), sha256=sha256, encoding=encoding, format=fmt, converted_t2s=t2s, record=index
    )
    return RawText(text=text, source=source, metadata=metadata, warnings=warnings)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(value: Any) -> Any:
    """Dates from Parquet become ISO strings, like the same column in JSONL or CSV; lone
    surrogates (from JSON escapes) become U+FFFD so that metadata can be written out again."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


# -- row sources --------------------------------------------------------------------------


def _rows(
    path: str | Path, fmt: str, max_bytes: int, encoding: str | None, select: int | None
) -> Iterator[Row]:
    if fmt == "jsonl":
        return _jsonl_rows(path, max_bytes, encoding, select)
    if fmt == "csv":
        return _csv_rows(path, max_bytes, encoding, select)
    return _parquet_rows(path, select)


def _jsonl_rows(path: str | Path, max_bytes: int, encoding: str | None, select: int | None) -> Iterator[Row]:
    """Parse line by line; with ``select`` only that record is parsed, the others just counted."""
    compressed = suffix_of(path).endswith(".gz")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the with block below
    except OSError as error:
        raise InputError(f"cannot read file ({error.strerror or error})", path) from None
    with raw:
        if not compressed and raw.read(2) == b"\x1f\x8b":
            compressed = True
        raw.seek(0)
        stream: Any = gzip.GzipFile(fileobj=raw) if compressed else raw
        limit = max_bytes * GZIP_INFLATE_FACTOR if compressed else max_bytes
        yield from _jsonl_lines(stream, path, max_bytes, limit, encoding, select)


def _jsonl_lines(
    stream: Any, path: str | Path, max_line: int, limit: int, encoding: str | None, select: int | None
) -> Iterator[Row]:
    index = 0
    consumed = 0
    line_number = 0
    while True:
        try:
            line = stream.readline(max_line + 1)
        except (OSError, EOFError, zlib.error) as error:  # truncated or damaged gzip stream
            yield index, CorruptFileError(f"damaged gzip stream after record {index - 1} ({error})", path)
            return
        if not line:
            return
        line_number += 1
        consumed += len(line)
        if len(line) > max_line:
            yield index, FileTooLargeError(f"line {line_number} is longer than {max_line:,} bytes", path)
            return
        if consumed > limit:
            yield index, FileTooLargeError(f"inflates to more than {limit:,} bytes (gzip bomb?)", path)
            return
        if line_number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        if select is None or index == select:
            yield index, _parse_json_line(line, index, line_number, path, encoding)
            if select is not None:
                return
        index += 1


def _parse_json_line(
    line: bytes, index: int, line_number: int, path: str | Path, encoding: str | None
) -> Any:
    try:
        value = json.loads(line.decode(encoding) if encoding else line)
    except UnicodeDecodeError:
        guess = detect_encoding(line)
        hint = f": it looks like {guess}, pass encoding={guess!r}" if guess and guess != "utf-8" else ""
        return RecordError(f"record {index} (line {line_number}): not {encoding or 'UTF-8'}{hint}", path)
    except (ValueError, RecursionError, LookupError) as error:  # JSONDecodeError, unknown codec
        reason = str(error).splitlines()[0][:200]
        return RecordError(f"record {index} (line {line_number}): invalid JSON ({reason})", path)
    if not isinstance(value, dict):
        return RecordError(
            f"record {index} (line {line_number}): a JSON {type(value).__name__}, not an object", path
        )
    return value


def _csv_rows(path: str | Path, max_bytes: int, encoding: str | None, select: int | None) -> Iterator[Row]:
    import io

    import pandas as pd

    data = read_bytes(path, max_bytes)
    text, _ = decode_bytes(data, path=path, encoding=encoding)
    separator = "\t" if suffix_of(path) == ".tsv" else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise EmptyDocumentError("CSV file is empty", path) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise RecordError(f"malformed CSV ({str(error).splitlines()[0][:200]})", path) from None
    records = frame.to_dict("records")
    if select is not None:
        if select < len(records):
            yield select, {str(k): v for k, v in records[select].items()}
        return
    for index, row in enumerate(records):
        yield index, {str(k): v for k, v in row.items()}


def _parquet_rows(path: str | Path, select: int | None) -> Iterator[Row]:
    try:
        import pyarrow.parquet as pq
    except ImportError as error:  # pragma: no cover - pyarrow is a dependency
        raise InputError("reading Parquet needs pyarrow", path) from error
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # ArrowInvalid and friends on damaged files
        raise CorruptFileError(f"damaged Parquet file ({type(error).__name__}: {error})", path) from None
    index = 0
    try:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH):
            for row in batch.to_pylist():
                if select is None or index == select:
                    yield index, row
                    if select is not None:
                        return
                index += 1
    except Exception as error:
        yield index, CorruptFileError(f"damaged Parquet data at row {index} ({type(error).__name__})", path)
