"""The alignment part of the HTML report: coverage, matrix, omissions, local additions, pairs.

Shared passages are located by the spans the alignment recorded (``Evidence.lower_span`` /
``upper_span`` into each document's text), so the highlighted text is exactly the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from policytext._util import plural
from policytext.model import PolicyDocument, Span
from policytext.report import svg
from policytext.report import tables as T
from policytext.report.build import ReportData

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align.result import Match, UnitRef
    from policytext.report.html import TableView

#: Above this many upper units the matrix chart keeps only the columns that have a match.
MAX_MATRIX_COLUMNS = 80

RELATION_LABELS = {"copied": "照搬 copied", "adapted": "转化 adapted", "related": "相关 related"}


@dataclass(frozen=True)
class Segment:
    """A run of text, highlighted or not (the template escapes it)."""

    text: str
    mark: bool = False


@dataclass(frozen=True)
class PairView:
    lower_label: str
    upper_label: str
    upper_doc: str
    relation: str
    score: str
    lower_segments: list[Segment]
    upper_segments: list[Segment]


@dataclass(frozen=True)
class AlignmentView:
    summary: str
    coverage: TableView
    omitted: TableView
    local_additions: TableView
    pairs: list[PairView]
    coverage_chart: Markup
    matrix_chart: Markup


def highlight(text: str, offset: int, spans: Sequence[Span]) -> list[Segment]:
    """Split ``text`` (which starts at ``offset`` in its document) into plain and marked runs.

    Spans outside the text are clipped; overlapping spans are merged.
    """
    clipped = sorted(
        (max(s.start - offset, 0), min(s.end - offset, len(text)))
        for s in spans
        if s.end > offset and s.start < offset + len(text)
    )
    merged: list[list[int]] = []
    for start, end in clipped:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments: list[Segment] = []
    cursor = 0
    for start, end in merged:
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], mark=True))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _unit_segments(
    unit: UnitRef, doc: PolicyDocument | None, spans: Sequence[Span], evidence: Sequence[str]
) -> list[Segment]:
    """The unit's passage as printed in its document, evidence marked by span.

    When the document is not at hand (an Alignment passed in without its inputs), the unit text
    is shown and the shared passages are found by their text instead.
    """
    if doc is not None and unit.span.end <= len(doc.text):
        return highlight(unit.span.of(doc.text), unit.span.start, spans)
    found = []
    for passage in evidence:
        at = unit.text.find(passage)
        if passage and at >= 0:
            found.append(Span(at, at + len(passage)))
    return highlight(unit.text, 0, found)


def _upper_document(unit: UnitRef, uppers: Sequence[PolicyDocument]) -> PolicyDocument | None:
    """The document of an upper unit: ``unit.doc`` is its position in the ``uppers`` that were
    aligned (names are no key: two 政府工作报告 share a title)."""
    return uppers[unit.doc] if 0 <= unit.doc < len(uppers) else None


def pair_view(match: Match, lower: PolicyDocument, uppers: Sequence[PolicyDocument]) -> PairView:
    evidence_text = [e.text for e in match.evidence]
    lower_doc = lower if lower.name == match.lower.doc_name else None
    return PairView(
        lower_label=f"{match.lower.label} {match.lower.title or ''}".strip(),
        upper_label=f"{match.upper.doc_name} · {match.upper.label}",
        upper_doc=f"上级文件 Upper: {match.upper.doc_name} · {match.upper.label}",
        relation=RELATION_LABELS.get(match.relation, match.relation),
        score=f"{match.score:.2f}",
        lower_segments=_unit_segments(
            match.lower, lower_doc, [e.lower_span for e in match.evidence], evidence_text
        ),
        upper_segments=_unit_segments(
            match.upper,
            _upper_document(match.upper, uppers),
            [e.upper_span for e in match.evidence],
            evidence_text,
        ),
    )


def coverage_chart(data: ReportData) -> Markup:
    frame = data.tables["coverage"]
    if frame.empty:
        return Markup("")
    labels = [
        f"{row.upper_doc}" if not isinstance(row.section, str) or not row.section else f"　{row.section}"
        for row in frame.itertuples(index=False)
    ]
    return svg.bar_chart(
        labels,
        [float(v) * 100 for v in frame["coverage"]],
        title="覆盖率 Coverage (%)",
        value_format="{:.0f}%",
    )


def matrix_chart(data: ReportData) -> Markup:
    """The heatmap, upper documents abbreviated U1, U2 … (named in a key below the chart)."""
    matrix = data.tables["alignment_matrix"].set_index("lower")
    if matrix.empty or not len(matrix.columns):
        return Markup('<p class="note">No upper-level units to compare with.</p>')
    assert data.alignment is not None
    # the table's columns are these, in this order; they carry the document of each column
    uppers = T.alignment_columns(data.alignment)
    values = matrix.to_numpy(dtype=float)
    note = ""
    if len(uppers) > MAX_MATRIX_COLUMNS:
        keep = [i for i in range(len(uppers)) if (values[:, i] > 0).any()]
        note = (
            f'<p class="note">{len(uppers)} upper-level units: the chart shows the {plural(len(keep), "unit")} '
            "with a match; the others are listed under 未覆盖的上级任务 Omitted.</p>"
        )
        uppers, values = [uppers[i] for i in keep], values[:, keep]
        if not uppers:
            return Markup(note)
    keys: dict[int, str] = {}
    names: dict[str, str] = {}
    columns = []
    for column in uppers:
        key = keys.setdefault(column.doc, f"U{len(keys) + 1}")
        names.setdefault(key, column.doc_name)
        columns.append(f"{key} {column.label}")
    chart = svg.value_heatmap(
        list(matrix.index),
        columns,
        values.tolist(),
        title="对照矩阵 Alignment matrix (best score per pair)",
    )
    legend = "".join(f"<li><strong>{escape(key)}</strong> {escape(name)}</li>" for key, name in names.items())
    return Markup(note) + chart + Markup(f'<ul class="plain doc-key">{legend}</ul>')


def alignment_view(data: ReportData) -> AlignmentView:
    """Everything the alignment sections of the template need."""
    from policytext.report.html import table_view

    alignment = data.alignment
    assert alignment is not None
    tables = data.tables
    omitted = tables["omitted"].copy()
    omitted["upper_text"] = omitted["upper_text"].map(lambda t: t if len(t) <= 160 else t[:159] + "…")
    return AlignmentView(
        summary=alignment.summary(),
        coverage=table_view(
            tables["coverage"],
            columns=["upper_doc", "section", "units", "taken_up", "copied", "adapted", "related", "coverage"],
        ),
        omitted=table_view(omitted, columns=["upper_doc", "upper_section", "upper_path", "upper_text"]),
        local_additions=table_view(
            tables["local_additions"], columns=["lower_path", "lower_title", "section"]
        ),
        pairs=[pair_view(m, data.doc, data.uppers) for m in alignment.matches],
        coverage_chart=coverage_chart(data),
        matrix_chart=matrix_chart(data),
    )


__all__ = ["AlignmentView", "PairView", "Segment", "alignment_view", "highlight"]
