"""The self-contained HTML report: one file, inline CSS, inline SVG charts, a small inline script.

Every piece of document text goes through Jinja2 autoescaping (or XML escaping in
:mod:`policytext.report.svg`), so a document containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from policytext.fonts import CSS_FONT_STACK, EMBEDDED_FAMILY, subset_font_base64
from policytext.report import svg
from policytext.report import tables as T
from policytext.report.alignment_view import AlignmentView, alignment_view
from policytext.report.build import ReportData

_FONT_SENTINEL = "/*policytext:font-face*/"
#: Measure-table columns left out when no measure has an entry (the card still gives the counts).
_OPTIONAL_MEASURE_COLUMNS = ("lead", "support", "unspecified", "deadlines", "targets", "citations")


@dataclass(frozen=True)
class Cell:
    text: str
    sort: str | None = None
    cls: str | None = None
    detail: str | None = None  # shown when the reader unfolds the cell (a measure's full text)


@dataclass(frozen=True)
class Column:
    name: str
    label: str


@dataclass(frozen=True)
class TableView:
    """A DataFrame ready for the ``table`` macro: labelled columns and cells with sort keys."""

    columns: list[Column]
    rows: list[list[Cell]]


def table_view(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    sort_keys: Mapping[str, Sequence[Any]] | None = None,
    classes: Mapping[str, str] | None = None,
    percent: Sequence[str] = ("coverage",),
    details: Mapping[str, str] | None = None,
) -> TableView:
    """Turn a frame into a :class:`TableView`; numbers are right-aligned and sort numerically."""
    names = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    sort_keys = sort_keys or {}
    classes = classes or {}
    details = details or {}
    rows: list[list[Cell]] = []
    for position, record in enumerate(frame.loc[:, names].itertuples(index=False)):
        row = []
        for name, value in zip(names, record, strict=True):
            text = f"{float(value):.0%}" if name in percent and _is_number(value) else _format(value)
            numeric = _is_number(value)
            key = sort_keys.get(name)
            sort = str(key[position]) if key is not None else (_format(value) if numeric else None)
            cls = classes.get(name) or ("num" if numeric else None)
            detail = details.get(name)
            if detail is not None:
                sort = sort or text
            row.append(
                Cell(
                    text=text,
                    sort=sort,
                    cls=cls,
                    detail=str(frame[detail].iloc[position]) if detail else None,
                )
            )
        rows.append(row)
    return TableView(columns=[Column(n, T.label(n)) for n in names], rows=rows)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _format(value: Any) -> str:
    if value is None or _is_nan(value):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    if hasattr(value, "item"):
        return _format(value.item())
    return str(value)


# -- charts ------------------------------------------------------------------------------------


def responsibility_chart(data: ReportData) -> Markup:
    matrix = data.tables["responsibility"].set_index("measure")
    if matrix.empty or not len(matrix.columns):
        return Markup('<p class="note">No responsible units were found.</p>')
    present = {value for value in matrix.to_numpy().ravel() if value}
    colors = {role: color for role, color in svg.ROLE_COLORS.items() if role in present}
    return svg.category_heatmap(
        list(matrix.index),
        [str(c) for c in matrix.columns],
        matrix.to_numpy().tolist(),
        colors=colors,
        names=svg.ROLE_LABELS,
        title="责任矩阵 Responsibility matrix",
    )


def load_chart(data: ReportData) -> Markup:
    load = data.tables["agency_load"]
    if load.empty:
        return Markup("")
    series = {role: list(load[role]) for role in svg.ROLE_COLORS if load[role].sum() > 0}
    return svg.stacked_bars(
        list(load["agency"]),
        series,
        colors=svg.ROLE_COLORS,
        names=svg.ROLE_LABELS,
        title="单位任务量 Agency load",
    )


def keyword_chart(frame: pd.DataFrame, title: str, top: int | None = None, bar_width: float = 260) -> Markup:
    rows = frame.sort_values("score", ascending=False, kind="stable")
    if top:
        rows = rows.head(top)
    return svg.bar_chart(
        list(rows["term"]), list(rows["score"]), title=title, value_format="{:.3f}", bar_width=bar_width
    )


def section_keyword_charts(data: ReportData, per_section: int = 8) -> list[tuple[str, Markup]]:
    frame = data.tables.get("keywords_by_section")
    if frame is None or frame.empty or "section" not in frame:
        return []
    titles = {s.number: f"{s.number}{s.title or ''}" for s in data.doc.sections}
    charts = []
    for section, group in frame.groupby("section", sort=False):
        name = titles.get(str(section), str(section))
        charts.append(
            (name, keyword_chart(group, f"关键词 Keywords · {name}", top=per_section, bar_width=140))
        )
    return charts


#: Colours of the instrument types (Rothwell: supply, environment, demand; Howlett types get grey).
TYPE_COLORS = {"supply": "#3b6ea5", "environment": "#6a9f58", "demand": "#d98c2b"}


def instruments_chart(data: ReportData) -> Markup | None:
    """Measures per instrument sub-type, stacked by type so the three families stand apart."""
    frame = data.tables.get("instruments")
    if frame is None or frame.empty:
        return None
    counts = frame.groupby(["type", "type_zh", "subtype"], sort=False)["measure"].nunique().reset_index()
    counts = counts.sort_values("measure", ascending=False, kind="stable")
    types = list(dict.fromkeys(counts["type"]))
    names = dict(zip(counts["type"], counts["type_zh"], strict=True))
    labels = [f"{row.subtype}" for row in counts.itertuples()]
    series = {t: [float(row.measure) if row.type == t else 0.0 for row in counts.itertuples()] for t in types}
    colors = {t: TYPE_COLORS.get(t, "#8a8a8a") for t in types}
    return svg.stacked_bars(
        labels,
        series,
        colors=colors,
        names=names,
        title="政策工具 Policy instruments (measures per instrument)",
    )


# -- rendering ---------------------------------------------------------------------------------


def environment() -> Environment:
    """Jinja2 environment with autoescaping always on (HTML-escapes every document string)."""
    return Environment(
        loader=PackageLoader("policytext.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _script() -> Markup:
    source = resources.files("policytext.report").joinpath("templates/report.js").read_text(encoding="utf-8")
    return Markup(source.replace("</", "<\\/"))  # a literal '</script>' can never close the tag


def render_html(data: ReportData, *, embed_font: bool = True) -> str:
    """The whole report as one HTML string."""
    measures = data.tables["measures"]
    load = data.tables["agency_load"]
    keywords = data.tables.get("keywords")
    view: AlignmentView | None = alignment_view(data) if data.alignment is not None else None
    charts = {
        "responsibility": responsibility_chart(data),
        "load": load_chart(data),
        "keywords": keyword_chart(keywords, "关键词 Keywords")
        if keywords is not None and len(keywords)
        else None,
        "section_keywords": section_keyword_charts(data),
        "coverage": view.coverage_chart if view else None,
        "alignment": view.matrix_chart if view else None,
        "instruments": instruments_chart(data),
    }
    by_section = data.tables.get("instruments_by_section")
    hidden = [c for c in _OPTIONAL_MEASURE_COLUMNS if not measures[c].astype(bool).any()]
    template = environment().get_template("report.html.j2")
    html = template.render(
        data=data,
        doc_title=data.doc.header.title or data.doc.name,
        card=data.tables["document"].to_dict("records"),
        measures=table_view(
            measures,
            columns=[c for c in measures.columns if c not in hidden and c != "text"],
            details={"heading": "text"},
            sort_keys={"number": [f"{i:05d}" for i in range(len(measures))]},
            classes={"number": "nowrap", "lead": "role-lead", "support": "role-support"},
        ),
        load=table_view(load),
        hidden_columns=[T.label(c) for c in hidden] if len(measures) else [],
        charts=charts,
        instruments_table=table_view(by_section) if by_section is not None else None,
        alignment=view,
        role_colors=svg.ROLE_COLORS,
        font_stack=Markup(CSS_FONT_STACK),
        font_face_css=Markup(_FONT_SENTINEL),
        script=_script(),
    )
    font_css = _font_face(html) if embed_font else ""
    if font_css:
        html = html.replace(
            "font-family: " + CSS_FONT_STACK, f"font-family: '{EMBEDDED_FAMILY}', {CSS_FONT_STACK}", 1
        )
    return html.replace(_FONT_SENTINEL, font_css, 1)


def _font_face(html: str) -> str:
    """An ``@font-face`` with the bundled font subset to the characters the page uses."""
    encoded = subset_font_base64(_wide_characters(html))
    if encoded is None:
        return ""
    return (
        f"@font-face {{ font-family: '{EMBEDDED_FAMILY}'; font-style: normal; font-weight: 400; "
        f"src: url(data:font/otf;base64,{encoded}) format('opentype'); }}"
    )


def _wide_characters(text: str) -> str:
    """Every non-ASCII character of the page plus printable ASCII (digits, Latin in titles)."""
    return "".join(sorted({c for c in text if ord(c) > 0x7F})) + "".join(map(chr, range(0x20, 0x7F)))
