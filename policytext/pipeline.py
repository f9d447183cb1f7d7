"""The front of the pipeline: read → normalise → structure, giving one :class:`PolicyDocument`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from policytext.errors import ConfigurationError, EmptyDocumentError, PolicyTextError
from policytext.model import PolicyDocument, Source
from policytext.normalize import NormalizeOptions, normalize
from policytext.structure import build_document

__all__ = ["document_from_raw", "parse_text", "read", "read_records"]

_EMPTY_REASON = "no text left after normalisation (only control characters or page clutter)"


def parse_text(
    text: str,
    *,
    source: Source | None = None,
    metadata: Mapping[str, Any] | None = None,
    t2s: bool = False,
    normalize_options: NormalizeOptions | None = None,
    warnings: tuple[str, ...] = (),
) -> PolicyDocument:
    """Parse a policy document given as a string.

    The text is normalised first (widths, punctuation, clutter); every span of the result points
    into ``doc.text``, the normalised text.  ``t2s=True`` converts traditional characters to
    simplified (OpenCC) before anything else.

    >>> doc = parse_text("一、加强领导\\n（一）建立机制。定期会商。（牵头单位：市教育局；配合单位：市财政局）")
    >>> [(u.name, u.role.value) for u in doc.measures[0].units]
    [('市教育局', 'lead'), ('市财政局', 'support')]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_text expects str, got {type(text).__name__}")
    if t2s:
        from policytext.io import to_simplified

        text = to_simplified(text)
        source = _with_t2s(source)
    canonical = normalize(text, normalize_options)
    return build_document(canonical, source=source, metadata=metadata, warnings=warnings)


def read(
    path: str | Path,
    *,
    encoding: str | None = None,
    t2s: bool = False,
    text_column: str | None = None,
    record: int | None = None,
    max_bytes: int | None = None,
    format: str | None = None,
) -> PolicyDocument:
    """Read and parse one policy document from a file.

    Supported: ``.txt``/``.md``, ``.html``/``.htm``, ``.docx``, ``.pdf``, and one record of a
    ``.jsonl``/``.csv``/``.parquet`` file (``record=N``; ``text_column`` names the text field).
    Encodings (UTF-8 with or without BOM, GB18030/GBK, Big5, UTF-16) are detected.

    Raises a :class:`~policytext.errors.PolicyTextError` subclass naming the file and the problem.

    >>> import policytext
    >>> doc = policytext.read("corpora/qianjiang_2025_education_science_talent_plan.txt")
    >>> len(doc.measures)
    20
    """
    from policytext.io import DEFAULT_MAX_BYTES, load_text

    raw = load_text(
        path,
        encoding=encoding,
        t2s=t2s,
        max_bytes=max_bytes or DEFAULT_MAX_BYTES,
        format=format,
        text_column=text_column,
        record=record,
    )
    doc = document_from_raw(raw)
    if not doc.text:
        # only control characters or clutter: nothing a reader would call a document
        raise EmptyDocumentError(_EMPTY_REASON, path)
    return doc


def read_records(
    path: str | Path,
    *,
    text_column: str | None = None,
    t2s: bool = False,
    max_bytes: int | None = None,
    errors: str = "raise",
) -> Iterator[PolicyDocument | PolicyTextError]:
    """Parse every record of a JSONL/CSV/Parquet file; the other columns become ``doc.metadata``.

    With ``errors="raise"`` the first bad record raises; with ``errors="yield"`` bad records are
    yielded as their :class:`PolicyTextError` so a batch can record them and go on.  A record
    with no text left after normalisation (page clutter only) is bad, as in :func:`read`.
    """
    from policytext.io import DEFAULT_MAX_BYTES, iter_records

    if errors not in ("raise", "yield"):
        raise ConfigurationError(f"errors must be 'raise' or 'yield', got {errors!r}", path)
    for item in iter_records(
        path, text_column=text_column, t2s=t2s, max_bytes=max_bytes or DEFAULT_MAX_BYTES
    ):
        result: PolicyDocument | PolicyTextError
        if isinstance(item, PolicyTextError):
            result = item
        else:
            result = document_from_raw(item)
            if not result.text:  # as in read(): a record of page clutter only is no document
                result = EmptyDocumentError(f"record {item.source.record}: {_EMPTY_REASON}", path)
        if isinstance(result, PolicyTextError) and errors == "raise":
            raise result
        yield result


def document_from_raw(raw: Any) -> PolicyDocument:
    """Parse a :class:`policytext.io.RawText` (text, source, metadata, warnings) into a document."""
    return parse_text(
        raw.text,
        source=raw.source,
        metadata=raw.metadata,
        warnings=tuple(getattr(raw, "warnings", ())),
    )


def _with_t2s(source: Source | None) -> Source:
    base = source or Source()
    return Source(base.path, base.sha256, base.encoding, base.format, True, base.record)
