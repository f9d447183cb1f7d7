"""Reading layer: files of every supported format to :class:`RawText` (decoded, not yet normalised).

>>> from policytext.io import load_text, iter_records
>>> raw = load_text("notice.docx")                                    # doctest: +SKIP
>>> raw.source.format, raw.source.encoding, raw.text[:10]             # doctest: +SKIP
('docx', None, '关于开展校园科普周活动的')
>>> for item in iter_records("laws.jsonl.gz", text_column="text"):    # doctest: +SKIP
...     ...

Normalisation (full-width forms, line joins) is :mod:`policytext.normalize`'s job, not this one's.
"""

from __future__ import annotations

from policytext.io.base import DEFAULT_MAX_BYTES, RawText
from policytext.io.encoding import decode_bytes, detect_encoding
from policytext.io.loader import load_text
from policytext.io.records import TEXT_COLUMNS, iter_records
from policytext.io.sniff import FORMATS, RECORD_FORMATS, SUPPORTED_SUFFIXES, detect_format
from policytext.io.t2s import looks_traditional, to_simplified

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "RECORD_FORMATS",
    "SUPPORTED_SUFFIXES",
    "TEXT_COLUMNS",
    "RawText",
    "decode_bytes",
    "detect_encoding",
    "detect_format",
    "iter_records",
    "load_text",
    "looks_traditional",
    "to_simplified",
]
