"""Text of a Word .docx: body paragraphs and tables in document order, checked for safety first.

A docx is a zip of XML parts, so two attacks apply before any parsing: zip bombs (tiny
archive, gigabytes when inflated) and XML entity tricks (billion laughs, external
entities).  Both are refused up front from the zip directory and the raw part bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from policytext.errors import CorruptFileError, EmptyDocumentError, UnsupportedFormatError
from policytext.io.docx_numbering import ListNumbering

#: Refuse archives that inflate to more than this (sum of the members' uncompressed sizes).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
#: Refuse archives (or members over 1 MB) that inflate more than this many times.
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 10_000
_RATIO_FLOOR = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (f"{_W}{n}" for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _HYPHEN = (f"{_W}{n}" for n in ("t", "tab", "br", "cr", "noBreakHyphen"))
_DTD = re.compile(rb"<!\s{0,64}(?:DOCTYPE|ENTITY)", re.I)
_DTD_OVERLAP = 80  # bytes kept between chunks so a declaration split across two is still seen
_CHUNK = 1024 * 1024


def extract_docx(data: bytes, path: Any = None) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """Return ``(text, metadata, warnings)`` of a docx given as bytes."""
    if not data:
        raise CorruptFileError("zero-byte docx: the file is empty, not a Word document", path)
    archive = _open_zip(data, path)
    with archive:
        _check_members(archive, path)
        _check_parts(archive, path)
        _check_is_word(archive, path)
    document = _parse(data, path)
    body = document.element.body
    for fallback in list(body.iter(_MC_FALLBACK)):  # alternate renderings would double the text
        fallback.getparent().remove(fallback)
    lines = [line for line in _block_lines(body, _numbering(document)) if line.strip()]
    if not lines:
        raise EmptyDocumentError("docx holds no text in its body (only images or empty paragraphs?)", path)
    return "\n".join(lines), _core_metadata(document), ()


def _open_zip(data: bytes, path: Any) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CorruptFileError("truncated or damaged docx (not a readable zip archive)", path) from None
    except Exception as error:  # zipfile raises assorted errors on crafted archives
        raise CorruptFileError(f"damaged docx ({type(error).__name__}: {error})", path) from None


def _check_members(archive: zipfile.ZipFile, path: Any) -> None:
    """Refuse zip bombs from the central directory alone, before inflating anything."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise CorruptFileError(f"refused: docx has {len(members):,} zip members (zip bomb?)", path)
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise CorruptFileError(
            f"refused: docx would inflate to {total:,} bytes, over {MAX_UNCOMPRESSED_BYTES:,} (zip bomb?)",
            path,
        )
    if total > _RATIO_FLOOR and total > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise CorruptFileError(
            f"refused: docx compression ratio {total / max(packed, 1):.0f}:1 (zip bomb?)", path
        )
    for member in members:
        if member.file_size > _RATIO_FLOOR and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise CorruptFileError(
                f"refused: member {member.filename!r} compression ratio "
                f"{member.file_size / max(member.compress_size, 1):.0f}:1 (zip bomb?)",
                path,
            )


def _check_parts(archive: zipfile.ZipFile, path: Any) -> None:
    """Inflate every member as a stream before python-docx does, refusing what it must not parse.

    Streaming in small chunks keeps memory bounded even when the zip headers lie about a
    member's size: ``zipfile`` stops at the declared size and the CRC check then fails, so a
    forged member is refused as damaged without ever being held whole.  XML parts are also
    scanned for a DOCTYPE/ENTITY declaration in any of the encodings an XML parser accepts
    (UTF-8, UTF-16 and UTF-32, with or without BOM): dropping NUL bytes turns the ASCII of
    a UTF-16/32 declaration into plain ASCII, and Word itself only ever writes UTF-8.
    """
    for member in archive.infolist():
        is_xml = member.filename.lower().endswith((".xml", ".rels"))
        try:
            declares_dtd = _stream_member(archive, member, scan=is_xml)
        except Exception as error:  # BadZipFile (CRC, forged size), zlib.error, EOFError on truncated data
            raise CorruptFileError(
                f"damaged docx: cannot inflate {member.filename!r} ({type(error).__name__}: "
                "corrupt data or a forged size)",
                path,
            ) from None
        if declares_dtd:
            raise CorruptFileError(
                f"refused: XML part {member.filename!r} declares a DOCTYPE/ENTITY (entity expansion or XXE)",
                path,
            )


def _stream_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, scan: bool) -> bool:
    """Inflate ``member`` chunk by chunk (CRC checked at the end); True if ``scan`` finds a DTD."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            if not scan:
                continue
            window = tail + chunk.replace(b"\x00", b"")
            if _DTD.search(window):
                return True
            tail = window[max(len(window) - _DTD_OVERLAP, 0) :]
    return False


def _check_is_word(archive: zipfile.ZipFile, path: Any) -> None:
    names = set(archive.namelist())
    if any(name.startswith("word/") for name in names):
        return
    if "xl/workbook.xml" in names:
        raise UnsupportedFormatError("an Excel workbook, not a Word document: export the sheet as .csv", path)
    if any(name.startswith("ppt/") for name in names):
        raise UnsupportedFormatError("a PowerPoint file, not a Word document", path)
    if "mimetype" in names:
        raise UnsupportedFormatError("an OpenDocument file: save it as .docx", path)
    raise UnsupportedFormatError("a zip archive but not a Word document (no word/ part)", path)


def _parse(data: bytes, path: Any) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx surfaces KeyError, ValueError, lxml errors, ...
        raise CorruptFileError(f"damaged docx ({type(error).__name__}: {error})", path) from None


def _numbering(document: Any) -> ListNumbering:
    """Word's list definitions, to render auto-numbered labels (一、 （一）) that are not in the text."""
    numbering = styles = None
    try:
        numbering = document.part.numbering_part.element
    except Exception:  # no or unreadable numbering part: labels stay as typed
        numbering = None
    try:
        styles = document.styles.element
    except Exception:
        styles = None
    return ListNumbering(numbering, styles)


def _block_lines(container: Any, numbering: ListNumbering) -> Iterator[str]:
    """Lines of the paragraphs and tables directly in ``container`` (body, cell, content control)."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _P:
            text = _paragraph_text(child)
            if text.strip():
                text = numbering.label(child) + text
            yield text
        elif tag == _TBL:
            yield from _table_lines(child, numbering)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_lines(content, numbering)


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    for element in paragraph.iter(_T, _TAB, _BR, _CR, _HYPHEN):
        tag = element.tag
        if tag == _T:
            parts.append(element.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _HYPHEN:
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _table_lines(table: Any, numbering: ListNumbering) -> Iterator[str]:
    """One line per row, cells separated by a tab; paragraphs inside a cell joined by a space."""
    for row in table.iterchildren(_TR):
        cells = []
        for cell in row.iterchildren(_TC):
            inner = [" ".join(line.split("\n")).strip() for line in _block_lines(cell, numbering)]
            cells.append(" ".join(part for part in inner if part))
        if any(cells):
            yield "\t".join(cells)


def _core_metadata(document: Any) -> dict[str, Any]:
    try:
        core = document.core_properties
        values = {
            "docx_title": core.title,
            "docx_author": core.author,
            "docx_created": core.created.isoformat() if core.created else None,
        }
    except Exception:  # malformed core properties must not make the text unreadable
        return {}
    return {key: value for key, value in values.items() if value}
