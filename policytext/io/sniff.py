"""Which reader a file needs: by its name first, then by its first bytes when the name lies."""

from __future__ import annotations

import re
from pathlib import Path

from policytext.errors import UnsupportedFormatError

#: Format names returned by :func:`detect_format`.
FORMATS = ("text", "html", "docx", "pdf", "jsonl", "csv", "parquet")
#: Formats that hold many documents (one per record).
RECORD_FORMATS = frozenset({"jsonl", "csv", "parquet"})

_BY_SUFFIX: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
}
#: Every file-name ending policytext reads (lower case, with the dot; ``.jsonl.gz`` included).
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_BY_SUFFIX)

_HINTS = {
    ".doc": "legacy Word 97-2003 .doc is not supported: save it as .docx",
    ".wps": "WPS documents are not supported: save it as .docx",
    ".rtf": "RTF is not supported: save it as .docx or .txt",
    ".xls": "spreadsheets are not supported: export the sheet as .csv",
    ".xlsx": "spreadsheets are not supported: export the sheet as .csv",
    ".json": "use JSON Lines (.jsonl): one JSON object per line",
    ".gz": "only gzip-compressed JSON Lines (.jsonl.gz) are supported",
    ".zip": "unpack the archive first",
    ".ofd": "OFD documents are not supported: export them as PDF",
}

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)


def suffix_of(path: str | Path) -> str:
    """The lower-case suffix that selects the reader (``.jsonl.gz`` counts as one suffix)."""
    name = Path(path).name.lower()
    for double in (".jsonl.gz", ".ndjson.gz"):
        if name.endswith(double):
            return double
    return Path(name).suffix


def detect_format(path: str | Path) -> str:
    """The format of ``path`` from its name: text, html, docx, pdf, jsonl, csv or parquet.

    A file without a suffix is read as text (its content is still sniffed).  An unknown
    suffix raises UnsupportedFormatError with a hint on how to convert the file.
    """
    suffix = suffix_of(path)
    if not suffix:
        return "text"
    try:
        return _BY_SUFFIX[suffix]
    except KeyError:
        hint = _HINTS.get(suffix, "supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
        raise UnsupportedFormatError(f"unsupported file type {suffix!r}; {hint}", path) from None


def sniff_bytes(head: bytes) -> str | None:
    """What the first bytes say the file is: zip, pdf, gzip, ole, parquet, rtf, or ``None`` (text)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return None


def looks_like_html(text: str) -> bool:
    """True only when ``text`` clearly is an HTML page (starts with a doctype or ``<html>``)."""
    return bool(_HTML_START.match(text[:4096]))
