"""``load_text``: one file (or one record of a record file) to :class:`RawText`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policytext._util import sha256_bytes
from policytext.errors import (
    ConfigurationError,
    CorruptFileError,
    DecodingError,
    EmptyDocumentError,
    RecordError,
    UnsupportedFormatError,
)
from policytext.io.base import DEFAULT_MAX_BYTES, RawText, read_bytes, require_text
from policytext.io.docx import extract_docx
from policytext.io.encoding import decode_bytes
from policytext.io.html import declared_charset, extract_html
from policytext.io.pdf import extract_pdf
from policytext.io.records import load_record
from policytext.io.sniff import FORMATS, RECORD_FORMATS, detect_format, looks_like_html, sniff_bytes
from policytext.io.t2s import TRADITIONAL_HINT, looks_traditional, to_simplified
from policytext.model import Source

_REFUSED_CONTENT = {
    "ole": "a legacy Word/Excel 97-2003 file (OLE2), whatever its name says: save it as .docx",
    "gzip": "gzip-compressed: decompress it first (only .jsonl.gz is read compressed)",
    "rtf": "an RTF document: save it as .docx or .txt",
    "parquet": "a Parquet file: name it .parquet to read its records",
}


def load_text(
    path: str | Path,
    *,
    encoding: str | None = None,
    t2s: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    format: str | None = None,
    text_column: str | None = None,
    record: int | None = None,
) -> RawText:
    """Read one document from ``path``: text, HTML, docx, PDF, or one record of a record file.

    ``format`` overrides the suffix (one of :data:`~policytext.io.sniff.FORMATS`); the
    content is still sniffed, so a PDF named ``.txt`` is read as a PDF (with a warning).
    ``encoding`` forces the decoding of text, HTML and CSV.  ``t2s`` converts traditional
    characters to simplified.  For jsonl/csv/parquet, ``record`` picks the record
    (0-based) and ``text_column`` the column holding the text.
    """
    if format is not None and format not in FORMATS:
        raise ConfigurationError(f"unknown format {format!r}; one of {', '.join(FORMATS)}", path)
    fmt = format or detect_format(path)
    if fmt in RECORD_FORMATS:
        return load_record(
            path, record=record, text_column=text_column, t2s=t2s, max_bytes=max_bytes,
            encoding=encoding, format=fmt,
        )  # fmt: skip
    if record is not None:
        raise RecordError(f"record= applies to .jsonl/.csv/.parquet files, not to a {fmt} file", path)
    data = read_bytes(path, max_bytes)
    fmt, notes = _resolve_by_content(fmt, data, path)
    fmt, text, used_encoding, metadata, warnings = _extract(fmt, data, path, encoding)
    require_text(text, path, "document" if fmt in ("docx", "pdf", "html") else "file")
    if t2s:
        text = to_simplified(text)
    elif looks_traditional(text):
        warnings = (*warnings, TRADITIONAL_HINT)
    source = Source(
        path=str(path), sha256=sha256_bytes(data), encoding=used_encoding, format=fmt,
        converted_t2s=t2s, record=None,
    )  # fmt: skip
    return RawText(text=text, source=source, metadata=metadata, warnings=(*notes, *warnings))


def _resolve_by_content(fmt: str, data: bytes, path: str | Path) -> tuple[str, tuple[str, ...]]:
    """Trust the bytes over the name: a docx or PDF under another name is read as what it is."""
    sniffed = sniff_bytes(data[:1024])
    if sniffed in _REFUSED_CONTENT:
        raise UnsupportedFormatError(_REFUSED_CONTENT[sniffed], path)
    if sniffed == "zip" and fmt != "docx":
        return "docx", (f"named as {fmt} but the file is a zip archive: read as docx",)
    if sniffed == "pdf" and fmt != "pdf":
        return "pdf", (f"named as {fmt} but the file is a PDF: read as pdf",)
    if fmt == "docx" and sniffed != "zip":
        if not data:
            raise CorruptFileError("zero-byte docx: the file is empty, not a Word document", path)
        raise CorruptFileError("not a docx: no zip signature (a renamed .doc or text file?)", path)
    return fmt, ()


def _extract(
    fmt: str, data: bytes, path: str | Path, encoding: str | None
) -> tuple[str, str, str | None, dict[str, Any], tuple[str, ...]]:
    """(format, text, encoding, metadata, warnings) for one single-document format."""
    if fmt == "docx":
        text, metadata, warnings = extract_docx(data, path)
        return fmt, text, None, metadata, warnings
    if fmt == "pdf":
        text, metadata, warnings = extract_pdf(data, path)
        return fmt, text, None, metadata, warnings
    if not data:
        raise EmptyDocumentError("file is empty (0 bytes)", path)
    if fmt == "html":
        text, used = _decode_markup(data, path, encoding)
    else:
        text, used = decode_bytes(data, path=path, encoding=encoding)
    notes: tuple[str, ...] = ()
    if fmt == "text" and looks_like_html(text):
        fmt = "html"
        notes = ("the file holds an HTML page: read as html",)
    if fmt == "html":
        text, metadata, warnings = extract_html(text, path)
        return fmt, text, used, metadata, (*notes, *warnings)
    return fmt, text, used, {}, ()


def _decode_markup(data: bytes, path: str | Path, encoding: str | None) -> tuple[str, str]:
    """HTML: an explicit encoding wins, then the page's own ``<meta charset>`` if it decodes, then detection."""
    if encoding is None:
        declared = declared_charset(data)
        if declared:
            try:
                return decode_bytes(data, path=path, encoding=declared)
            except (DecodingError, ConfigurationError):
                pass  # pages often lie about their charset: fall back to detection
    return decode_bytes(data, path=path, encoding=encoding)
