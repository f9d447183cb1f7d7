"""The data model that flows through the whole pipeline.

A :class:`PolicyDocument` holds the canonical (normalised) text and everything extracted
from it.  Every extracted thing carries a :class:`Span` into ``PolicyDocument.text`` so that
later stages (segmentation, keywords, alignment, reports) point back into the same text
instead of re-parsing it.  The objects are plain frozen dataclasses: cheap to pickle across
worker processes and easy to turn into JSON or DataFrames at the edges.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover - imports for type checkers only
    import pandas as pd


class Span(NamedTuple):
    """A half-open character range ``[start, end)`` into a document's canonical text.

    A named tuple rather than a dataclass: documents carry hundreds of thousands of spans and a
    tuple is several times cheaper to build.  ``len(span)`` is the number of characters covered.
    """

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def of(self, text: str) -> str:
        """The slice of ``text`` this span covers."""
        return text[self.start : self.end]

    def contains(self, other: Span) -> bool:
        """Does this span cover all of ``other`` (the ends included)?"""
        return self.start <= other.start and other.end <= self.end

    def shift(self, offset: int) -> Span:
        """The span moved by ``offset`` characters: from a slice's offsets to the whole text's."""
        return Span(self.start + offset, self.end + offset)

    def is_valid(self, text_length: int | None = None) -> bool:
        """``0 <= start <= end`` (and ``end <= text_length`` when given)."""
        upper = self.end if text_length is None else text_length
        return 0 <= self.start <= self.end <= upper

    def to_list(self) -> list[int]:
        """``[start, end]``: the JSON form."""
        return [self.start, self.end]


class Role(str, Enum):
    """How a unit is named in a responsibility clause."""

    LEAD = "lead"  # 牵头
    SUPPORT = "support"  # 配合 / 参加 / 协办, or 责任单位 after a 牵头 label
    UNSPECIFIED = "unspecified"  # the clause makes no distinction

    def __str__(self) -> str:
        return self.value


class Level(str, Enum):
    """Administrative level of an issuer or unit."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    COUNTY = "county"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True, unsafe_hash=True)
class Unit:
    """A responsible unit named in a responsibility clause.

    ``name`` is exactly as printed (after normalisation); ``canonical`` the full name
    (市人社局 → 市人力资源和社会保障局); ``function`` the policy field it serves
    (education, science_technology, human_resources …) so that 市教育局, 省教育厅 and
    教育部 compare equal on function across levels.
    """

    name: str
    role: Role
    span: Span
    canonical: str
    level: Level = Level.UNKNOWN
    function: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "name": self.name,
            "role": self.role.value,
            "canonical": self.canonical,
            "level": self.level.value,
            "function": self.function,
            "span": self.span.to_list(),
        }


@dataclass(slots=True, unsafe_hash=True)
class Deadline:
    """A time limit such as 2025年底前, 完成时限：2025年6月 or 长期坚持.

    ``date`` is the ISO date the deadline resolves to when it names one (end of the
    period for 年底/年内), else ``None``; ``kind`` is ``date``, ``ongoing`` or ``period``.
    """

    text: str
    span: Span
    date: str | None = None
    kind: str = "date"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {"text": self.text, "span": self.span.to_list(), "date": self.date, "kind": self.kind}


@dataclass(slots=True, unsafe_hash=True)
class Target:
    """A quantitative target such as 不低于10年, 4/5, 200项以上 or 8%左右.

    ``value`` is the number as a float (fractions evaluated), ``unit`` the measure word or
    symbol that follows it, ``relation`` one of ``>=``, ``<=``, ``~``, ``=``.
    """

    text: str
    span: Span
    value: float | None
    unit: str
    relation: str = "="

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "text": self.text,
            "span": self.span.to_list(),
            "value": self.value,
            "unit": self.unit,
            "relation": self.relation,
        }


@dataclass(slots=True, unsafe_hash=True)
class Citation:
    """A document cited by title (《…》), with its 文号 when the text gives one."""

    title: str
    span: Span
    doc_number: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {"title": self.title, "doc_number": self.doc_number, "span": self.span.to_list()}


@dataclass(slots=True, unsafe_hash=True)
class OutlineNode:
    """A numbered item of the outline (一、 / （一） / 1. / （1） / ① / 第X章 / 第X条).

    ``style`` names the numbering style (``cn``, ``paren_cn``, ``arabic``, ``paren_arabic``,
    ``circled``, ``chapter``, ``section``, ``article``, ``part``); ``depth`` is 0 for top-level
    items.  ``span`` covers the whole item including its children; ``heading_span`` the
    label plus the heading sentence (or the rest of the line for a bare heading).
    """

    label: str
    number: int
    style: str
    depth: int
    title: str | None
    span: Span
    heading_span: Span
    children: tuple[OutlineNode, ...] = ()

    def walk(self) -> Iterator[OutlineNode]:
        """This node, then its descendants, depth first in text order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "label": self.label,
            "number": self.number,
            "style": self.style,
            "depth": self.depth,
            "title": self.title,
            "span": self.span.to_list(),
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(slots=True, unsafe_hash=True)
class Measure:
    """One policy measure: a numbered item that carries (or is covered by) a responsibility clause.

    ``path`` are the numbering labels from the top (("一、", "（一）")); ``title`` the heading
    sentence (or ``None``); ``text`` the item's text including the clause, ``span`` its place
    in the document; ``clause_span`` the responsibility clause (``None`` when there is none).
    """

    path: tuple[str, ...]
    title: str | None
    text: str
    span: Span
    units: tuple[Unit, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    targets: tuple[Target, ...] = ()
    citations: tuple[Citation, ...] = ()
    clause_span: Span | None = None
    section: str | None = None

    @property
    def label(self) -> str:
        """The numbering label of the item itself (last element of ``path``)."""
        return self.path[-1] if self.path else ""

    @property
    def lead_units(self) -> tuple[Unit, ...]:
        """The units named as leading the measure (牵头)."""
        return tuple(u for u in self.units if u.role is Role.LEAD)

    @property
    def support_units(self) -> tuple[Unit, ...]:
        """The units named as supporting (配合/参加/协办, or 责任单位 after a 牵头 label)."""
        return tuple(u for u in self.units if u.role is Role.SUPPORT)

    @property
    def body(self) -> str:
        """The measure text without its responsibility clause."""
        if self.clause_span is None:
            return self.text
        start = self.clause_span.start - self.span.start
        end = self.clause_span.end - self.span.start
        return (self.text[:start] + self.text[end:]).rstrip()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "span": self.span.to_list(),
            "section": self.section,
            "units": [u.to_dict() for u in self.units],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "targets": [t.to_dict() for t in self.targets],
            "citations": [c.to_dict() for c in self.citations],
            "clause_span": self.clause_span.to_list() if self.clause_span else None,
        }

    def _repr_html_(self) -> str:
        from policytext.report.notebook import measure_html

        return measure_html(self)


@dataclass(frozen=True, slots=True)
class Header:
    """The document header: title, issuer, addressees (主送机关), 文号, date and level."""

    title: str | None = None
    issuer: str | None = None
    addressees: tuple[str, ...] = ()
    doc_number: str | None = None
    date: str | None = None
    level: Level = Level.UNKNOWN
    title_span: Span | None = None
    date_span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "title": self.title,
            "issuer": self.issuer,
            "addressees": list(self.addressees),
            "doc_number": self.doc_number,
            "date": self.date,
            "level": self.level.value,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """Where a document came from: enough to cite it and to detect a changed input."""

    path: str | None = None
    sha256: str | None = None
    encoding: str | None = None
    format: str = "text"
    converted_t2s: bool = False
    record: int | None = None  # index of the record in a JSONL/CSV file

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "format": self.format,
            "converted_t2s": self.converted_t2s,
            "record": self.record,
        }


@dataclass(frozen=True, slots=True)
class Section:
    """A top-level heading (一、二、… or 第X章): its number label and title."""

    number: str
    title: str | None
    span: Span

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: plain values, spans as ``[start, end]``, enums as their values."""
        return {"number": self.number, "title": self.title, "span": self.span.to_list()}


@dataclass(frozen=True)
class PolicyDocument:
    """A parsed policy document: canonical text plus header, outline, measures and citations.

    Build one with :func:`policytext.read` (a file) or :func:`policytext.parse_text` (a
    string); every later stage takes it as input.

    >>> import policytext
    >>> doc = policytext.corpora.load("qianjiang_2025")
    >>> len(doc.measures), doc.header.date
    (20, '2025-02-08')
    """

    text: str
    source: Source = field(default_factory=Source)
    header: Header = field(default_factory=Header)
    outline: tuple[OutlineNode, ...] = ()
    measures: tuple[Measure, ...] = ()
    citations: tuple[Citation, ...] = ()
    warnings: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    # -- convenient views -------------------------------------------------------------
    @property
    def title(self) -> str | None:
        """The header's title (``header.title``)."""
        return self.header.title

    @property
    def level(self) -> Level:
        """The document's administrative level (``header.level``)."""
        return self.header.level

    @property
    def name(self) -> str:
        """A short name for tables and reports: title, else file name, else 'document'."""
        if self.header.title:
            return self.header.title
        if self.source.path:
            from pathlib import PurePath

            stem = PurePath(self.source.path).stem
            return f"{stem}#{self.source.record}" if self.source.record is not None else stem
        return "document"

    @property
    def sections(self) -> tuple[Section, ...]:
        """Top-level outline items (一、二、… or 第X章)."""
        return tuple(
            Section(node.label, node.title, node.span) for node in self.outline if node.depth == 0
        )

    @property
    def units(self) -> tuple[Unit, ...]:
        """Every unit of every measure, in document order (a unit named twice appears twice)."""
        return tuple(u for m in self.measures for u in m.units)

    def outline_nodes(self) -> Iterator[OutlineNode]:
        """Every outline node, depth first."""
        for node in self.outline:
            yield from node.walk()

    def span_text(self, span: Span) -> str:
        """The text a span of this document covers (spans point into ``doc.text``)."""
        return span.of(self.text)

    # -- serialisation ----------------------------------------------------------------
    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """A JSON-ready dict: header fields, source, sections, measures, citations, warnings and any
        metadata; the canonical text only with ``include_text`` (it is most of the size)."""
        data: dict[str, Any] = {
            **self.header.to_dict(),
            "source": self.source.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "measures": [m.to_dict() for m in self.measures],
            "citations": [c.to_dict() for c in self.citations],
            "warnings": list(self.warnings),
        }
        if self.metadata:
            data["metadata"] = _jsonable(self.metadata)
        if include_text:
            data["text"] = self.text
        return data

    def to_json(self, *, include_text: bool = False, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text, Chinese kept as is (``ensure_ascii=False``)."""
        return json.dumps(self.to_dict(include_text=include_text), ensure_ascii=False, indent=indent)

    def measure_rows(self, *, with_text: bool = True) -> list[tuple[Any, ...]]:
        """The rows of :meth:`measures_frame` as plain tuples (columns: ``MEASURE_COLUMNS``).

        Batch workers use these instead of a DataFrame per document, which costs more than
        parsing the document.
        """
        name = self.name
        return [
            (
                name, index, "/".join(m.path), m.label, m.section, m.title,
                "、".join(u.name for u in m.lead_units), "、".join(u.name for u in m.support_units),
                "、".join(u.name for u in m.units), len(m.units), "；".join(d.text for d in m.deadlines),
                "；".join(t.text for t in m.targets), "；".join(f"《{c.title}》" for c in m.citations),
                m.span.start, m.span.end, len(m.span), m.text if with_text else None,
            )
            for index, m in enumerate(self.measures)
        ]

    def unit_rows(self) -> list[tuple[Any, ...]]:
        """The rows of :meth:`units_frame` as plain tuples (columns: ``UNIT_COLUMNS``)."""
        name = self.name
        return [
            (
                name, index, "/".join(m.path), m.title, order, u.name, u.role.value, u.canonical,
                u.level.value, u.function, u.span.start, u.span.end,
            )
            for index, m in enumerate(self.measures)
            for order, u in enumerate(m.units)
        ]

    def measures_frame(self) -> pd.DataFrame:
        """A row per measure: path, title, units (lead / support), deadlines, targets, citations."""
        import pandas as pd

        return pd.DataFrame.from_records(self.measure_rows(), columns=MEASURE_COLUMNS)

    def units_frame(self) -> pd.DataFrame:
        """A row per measure × unit, with role, canonical name, level and function."""
        import pandas as pd

        return pd.DataFrame.from_records(self.unit_rows(), columns=UNIT_COLUMNS)

    def to_spacy(self, nlp: Any = None) -> Any:
        """The document as a spaCy ``Doc`` with agencies, terms, citations, dates and targets as spans."""
        from policytext.nlp import doc_to_spacy

        return doc_to_spacy(self, nlp)

    def _repr_html_(self) -> str:
        from policytext.report.notebook import document_html

        return document_html(self)

    def __repr__(self) -> str:
        title = self.header.title or self.source.path or "untitled"
        return f"<PolicyDocument {title!r}: {len(self.text)} chars, {len(self.measures)} measures>"


#: Columns of :meth:`PolicyDocument.measures_frame` / ``measure_rows``.
MEASURE_COLUMNS = [
    "document", "measure", "path", "label", "section", "title", "lead_units", "support_units",
    "units", "n_units", "deadlines", "targets", "citations", "start", "end", "n_chars", "text",
]  # fmt: skip
#: Columns of :meth:`PolicyDocument.units_frame` / ``unit_rows``.
UNIT_COLUMNS = [
    "document", "measure", "path", "title", "order", "name", "role", "canonical", "level",
    "function", "start", "end",
]  # fmt: skip
_MEASURE_COLUMNS = MEASURE_COLUMNS  # former private names, kept for callers
_UNIT_COLUMNS = UNIT_COLUMNS


def _jsonable(value: Any) -> Any:
    """Metadata from CSV/Parquet may hold numpy scalars or NaN: make it JSON-safe."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def escape(text: str | None) -> str:
    """HTML-escape text taken from a document (never trust document text in HTML)."""
    return html.escape(text or "", quote=True)
