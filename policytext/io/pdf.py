"""Text layer of a PDF with pdfplumber: pages joined by newlines, page-number lines removed.

Scanned PDFs have no text layer; we say so (and which pages) instead of returning
nothing silently, because OCR is outside policytext.
"""

from __future__ import annotations

import io
import re
from typing import Any

from policytext.errors import CorruptFileError, EmptyDocumentError

# "- 3 -", "－ 3 －", "— 12 —", "第 3 页", "3 / 12" or a bare number: page furniture, not text.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$"
)
_CID = re.compile(r"\(cid:\d+\)")


def extract_pdf(data: bytes, path: Any = None) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """Return ``(text, metadata, warnings)`` of a PDF given as bytes."""
    if not data:
        raise CorruptFileError("zero-byte PDF: the file is empty", path)
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError("not a PDF (no %PDF- header)", path)
    import pdfplumber

    pages: list[str] = []
    metadata: dict[str, Any] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            metadata = _pdf_metadata(pdf.metadata)
            for page in pdf.pages:
                pages.append(page.extract_text() or "")
    except Exception as error:  # pdfminer raises PSEOFError, PDFSyntaxError, KeyError, ...
        name = type(error).__name__
        if "Password" in name or "Encrypt" in name:
            raise CorruptFileError("encrypted PDF: remove the password first", path) from None
        raise CorruptFileError(f"truncated or damaged PDF ({name}: {error})", path) from None
    return _assemble(pages, metadata, path)


def _assemble(
    pages: list[str], metadata: dict[str, Any], path: Any
) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    warnings: list[str] = []
    cid_tokens = sum(len(_CID.findall(page)) for page in pages)
    if cid_tokens:
        pages = [_CID.sub("", page) for page in pages]
        warnings.append(
            f"PDF: {cid_tokens} glyphs without a Unicode mapping were dropped (font lacks ToUnicode)"
        )
    cleaned = [_strip_page_numbers(page) for page in pages]
    empty = [str(number) for number, page in enumerate(cleaned, start=1) if not page.strip()]
    if len(empty) == len(cleaned):
        raise EmptyDocumentError(
            f"PDF has no text layer on any of its {len(cleaned)} page(s) (a scan? run OCR first)", path
        )
    if empty:
        shown = ", ".join(empty[:20]) + (" …" if len(empty) > 20 else "")
        warnings.append(f"PDF: no text layer on page(s) {shown} (scanned images?)")
    metadata["pdf_pages"] = len(cleaned)
    return "\n".join(page for page in cleaned if page.strip()), metadata, tuple(warnings)


def _strip_page_numbers(page: str) -> str:
    """Drop a page-number line at the top or bottom of a page."""
    lines = page.split("\n")
    while lines and _PAGE_NUMBER.match(lines[-1]):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0]):
        lines.pop(0)
    return "\n".join(lines)


def _pdf_metadata(info: dict[str, Any] | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, name in (("Title", "pdf_title"), ("Author", "pdf_author"), ("CreationDate", "pdf_created")):
        value = (info or {}).get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str) and value.strip():
            metadata[name] = value.strip()
    return metadata
