"""Rich HTML for Jupyter: ``PolicyDocument``, ``Measure`` and ``Alignment`` display as readable cards.

The model's ``_repr_html_`` methods call these functions.  Every piece of document text is
escaped by Jinja2 autoescaping, so displaying an untrusted document cannot inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from policytext.fonts import CSS_FONT_STACK
from policytext.model import Measure, PolicyDocument, Role, Span
from policytext.report.svg import ROLE_COLORS

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align import Alignment

#: Measures shown in a document card before "… N more".
MAX_ROWS = 30
_HEADINGS = (
    "编号 No.",
    "措施 Measure",
    "牵头 Lead",
    "配合 Support",
    "责任单位 Responsible",
    "时限 Deadlines",
    "目标 Targets",
)
_SPAN_COLORS = {"unit": "#dbe8f5", "deadline": "#fde2c8", "target": "#d8f0d2", "citation": "#eadcf5"}


@dataclass(frozen=True)
class _Segment:
    text: str
    kind: str = ""
    color: str = ""


@lru_cache(maxsize=4)
def _template(name: str) -> Template:
    env = Environment(
        loader=PackageLoader("policytext.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


def _names(measure: Measure, role: Role) -> str:
    return "、".join(u.name for u in measure.units if u.role is role)


def document_html(doc: PolicyDocument) -> str:
    """A card: title, issuer · 文号 · date · level, counts, and the measure table."""
    header = doc.header
    meta = " · ".join(
        part
        for part in (
            header.issuer,
            header.doc_number,
            header.date,
            header.level.value if header.level.value != "unknown" else None,
            f"{len(doc.text)} 字 chars",
            f"{len(doc.sections)} 部分 sections",
            f"{len(doc.measures)} 措施 measures",
            f"{len({u.name for u in doc.units})} 单位 agencies",
        )
        if part
    )
    full = [
        (
            "".join(m.path),
            m.title or (m.text[:40] + ("…" if len(m.text) > 40 else "")),
            _names(m, Role.LEAD),
            _names(m, Role.SUPPORT),
            _names(m, Role.UNSPECIFIED),
            "；".join(d.text for d in m.deadlines),
            "；".join(t.text for t in m.targets),
        )
        for m in doc.measures
    ]
    # the numbering and heading always show; other columns only when some measure fills them
    keep = [i for i, _ in enumerate(_HEADINGS) if i < 2 or any(row[i] for row in full)]
    return _template("notebook_document.html.j2").render(
        title=doc.name,
        meta=meta,
        headings=[_HEADINGS[i] for i in keep],
        rows=[[row[i] for i in keep] for row in full[:MAX_ROWS]],
        hidden=max(0, len(doc.measures) - MAX_ROWS),
        sections="、".join(f"{s.number}{s.title or ''}" for s in doc.sections) or "none",
        font_stack=Markup(CSS_FONT_STACK),
    )


def measure_segments(measure: Measure) -> list[_Segment]:
    """The measure text cut into runs, with units, deadlines, targets and citations marked by span.

    Spans are offsets into the document, so they are shifted by ``measure.span.start``; when two
    marks overlap the earlier one wins.
    """
    marks: list[tuple[Span, str]] = [
        *((u.span, "unit") for u in measure.units),
        *((d.span, "deadline") for d in measure.deadlines),
        *((t.span, "target") for t in measure.targets),
        *((c.span, "citation") for c in measure.citations),
    ]
    offset, text = measure.span.start, measure.text
    segments: list[_Segment] = []
    cursor = 0
    for span, kind in sorted(marks, key=lambda item: (item[0].start, -item[0].end)):
        start, end = span.start - offset, span.end - offset
        if start < cursor or end > len(text) or end <= start:
            continue  # overlapping or outside the measure
        if start > cursor:
            segments.append(_Segment(text[cursor:start]))
        segments.append(_Segment(text[start:end], kind, _SPAN_COLORS[kind]))
        cursor = end
    if cursor < len(text):
        segments.append(_Segment(text[cursor:]))
    return segments


def measure_html(measure: Measure) -> str:
    """The measure: number, heading, units as coloured chips by role, text with marked spans."""
    units = [
        {"name": u.name, "role": u.role.value, "canonical": u.canonical, "color": ROLE_COLORS[u.role.value]}
        for u in measure.units
    ]
    return _template("notebook_measure.html.j2").render(
        number="".join(measure.path),
        title=measure.title or "",
        section=measure.section or "",
        units=units,
        segments=measure_segments(measure),
        font_stack=Markup(CSS_FONT_STACK),
    )


def alignment_html(alignment: Alignment, max_rows: int = 50) -> str:
    """A summary line and the best match of each lower unit (relation, score, shared passages)."""
    from markupsafe import escape

    best = alignment.best()
    rows = []
    for unit in alignment.lower_units[:max_rows]:
        match = best.get(unit.index)
        if match is None:
            cells = (f"{unit.label} {unit.title or ''}", "—", "地方特色 local addition", "", "")
        else:
            shared = " ｜ ".join(e.text for e in match.evidence[:3])
            cells = (
                f"{unit.label} {unit.title or ''}",
                f"{match.upper.doc_name} · {match.upper.label}",
                match.relation,
                f"{match.score:.2f}",
                shared,
            )
        rows.append(
            "<tr>" + "".join(f'<td style="text-align: left;">{escape(c)}</td>' for c in cells) + "</tr>"
        )
    head = "".join(
        f'<th style="text-align: left;">{h}</th>'
        for h in ("本地 Local", "上级 Upper", "关系 Relation", "相似度 Score", "共有片段 Shared")
    )
    return (
        f'<div class="policytext-alignment" style="font-family: {CSS_FONT_STACK};">'
        f"<p>{escape(alignment.summary())}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
