"""Text layer of a PDF with pdfplumber: pages joined by newlines, page-number lines removed.

Scanned PDFs have no text layer; we say so (and which pages) instead of returning
nothing silently, because OCR is outside policytext.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from policytext.errors import CorruptFileError, EmptyDocumentError

# "- 3 -", "－ 3 －", "— 12 —", "第 3 页", "3 / 12" or a bare number: page furniture, not text.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})\s*$"
)
_CID = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = re.compile(r"[。！？；：:;!?…]['\"”’」』）)]?\s*$")
_LABEL = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d{1,3}[.．、]|[（(]\d{1,3}[）)]|"
    r"[①-⑳]|第[一二三四五六七八九十百零〇\d]+[章节条部分编])"
)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    full: bool = False  # reaches the right margin without closing a sentence: wrapped
    indented: bool = False  # starts right of the left margin: a new paragraph


def extract_pdf(data: bytes, path: Any = None) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """Return ``(text, metadata, warnings)`` of a PDF given as bytes.

    Lines that a paragraph merely wrapped onto are joined back (see :func:`_join_wrapped`),
    so that a unit name such as 市教育局 is not cut by a line break.
    """
    if not data:
        raise CorruptFileError("zero-byte PDF: the file is empty", path)
    if b"%PDF-" not in data[:1024]:
        raise CorruptFileError("not a PDF (no %PDF- header)", path)
    import pdfplumber

    pages: list[list[_Line]] = []
    metadata: dict[str, Any] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            metadata = _pdf_metadata(pdf.metadata)
            for page in pdf.pages:
                pages.append(_page_lines(page))
    except Exception as error:  # pdfminer raises PSEOFError, PDFSyntaxError, KeyError, ...
        name = type(error).__name__
        if "Password" in name or "Encrypt" in name:
            raise CorruptFileError("encrypted PDF: remove the password first", path) from None
        raise CorruptFileError(f"truncated or damaged PDF ({name}: {error})", path) from None
    return _assemble(pages, metadata, path)


def _page_lines(page: Any) -> list[_Line]:
    lines = []
    for item in page.extract_text_lines(strip=True, return_chars=False):
        text = item.get("text") or ""
        if text.strip():
            lines.append(_Line(text, float(item.get("x0", 0.0)), float(item.get("x1", 0.0))))
    return lines


def _assemble(
    pages: list[list[_Line]], metadata: dict[str, Any], path: Any
) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    warnings: list[str] = []
    cid_tokens = 0
    for lines in pages:
        for line in lines:
            found = len(_CID.findall(line.text))
            if found:
                cid_tokens += found
                line.text = _CID.sub("", line.text)
    if cid_tokens:
        warnings.append(
            f"PDF: {cid_tokens} glyphs without a Unicode mapping were dropped (font lacks ToUnicode)"
        )
    cleaned = [_strip_page_numbers([line for line in lines if line.text.strip()]) for lines in pages]
    empty = [str(number) for number, lines in enumerate(cleaned, start=1) if not lines]
    if len(empty) == len(cleaned):
        raise EmptyDocumentError(
            f"PDF has no text layer on any of its {len(cleaned)} page(s) (a scan? run OCR first)", path
        )
    if empty:
        shown = ", ".join(empty[:20]) + (" …" if len(empty) > 20 else "")
        warnings.append(f"PDF: no text layer on page(s) {shown} (scanned images?)")
    metadata["pdf_pages"] = len(cleaned)
    text, joined = _join_wrapped(cleaned)
    if joined:
        metadata["pdf_wrapped_lines_joined"] = joined
    return text, metadata, tuple(warnings)


def _strip_page_numbers(lines: list[_Line]) -> list[_Line]:
    """Drop page-number lines at the top or bottom of a page."""
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines = lines[:-1]
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines = lines[1:]
    return lines


def _mark_geometry(lines: list[_Line]) -> None:
    """Mark wrapped (full) and indented lines from the page's margins and character width.

    A page needs at least two lines reaching the right margin before any line counts as
    wrapped: a page of short lines (a list, a table) is left as it is.
    """
    widths = sorted((line.x1 - line.x0) / len(line.text) for line in lines if len(line.text) >= 4)
    if not widths:
        return
    char = widths[len(widths) // 2]
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    reaching = [line for line in lines if right - line.x1 <= 1.5 * char]
    for line in lines:
        line.indented = line.x0 - left > 0.9 * char or line.text[:1] in "\u3000 "
        line.full = len(reaching) >= 2 and line in reaching and not _SENTENCE_END.search(line.text)


def _join_wrapped(pages: list[list[_Line]]) -> tuple[str, int]:
    """Join each wrapped line with the next, also across a page break; count the joins.

    The next line must not be indented (Chinese paragraphs start indented by two
    characters) and must not start with an outline label (一、 （一） 1. ① 第X条).
    """
    for lines in pages:
        _mark_geometry(lines)
    flat = [line for lines in pages for line in lines]
    out: list[str] = []
    joined = 0
    previous: _Line | None = None
    for line in flat:
        if previous is not None and previous.full and not line.indented and not _LABEL.match(line.text):
            out[-1] += line.text
            joined += 1
        else:
            out.append(line.text)
        previous = line
    return "\n".join(out), joined


def _pdf_metadata(info: dict[str, Any] | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    for key, name in (("Title", "pdf_title"), ("Author", "pdf_author"), ("CreationDate", "pdf_created")):
        value = (info or {}).get(key)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if isinstance(value, str) and value.strip():
            metadata[name] = value.strip()
    return metadata
