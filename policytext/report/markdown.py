"""The report as Markdown: the same tables as the HTML report, for wikis, e-mail and diffs.

Cells are escaped for Markdown *and* HTML (most Markdown renderers pass raw HTML through), so a
document containing ``<script>`` or ``|`` cannot break the page or the table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from policytext.report import tables as T
from policytext.report.build import ReportData

_MAX_CELL = 300


def escape_cell(value: Any, limit: int = _MAX_CELL) -> str:
    """One table cell: a single line, ``|`` escaped, ``<``/``>``/``&`` as entities, long text cut."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")


def escape_text(value: Any) -> str:
    """Running text (headings, notes): one line, HTML-significant characters as entities."""
    text = " ".join(str(value).split())
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_table(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> str:
    """A GitHub-flavoured pipe table with bilingual headings."""
    names = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    if frame.empty or not names:
        return "_（无 none）_\n"
    numeric = {c for c in names if pd.api.types.is_numeric_dtype(frame[c])}
    lines = [
        "| " + " | ".join(escape_cell(T.label(str(c))) for c in names) + " |",
        "| " + " | ".join("---:" if c in numeric else "---" for c in names) + " |",
    ]
    for record in frame.loc[:, names].itertuples(index=False):
        lines.append("| " + " | ".join(escape_cell(v) for v in record) + " |")
    return "\n".join(lines) + "\n"


def render_markdown(data: ReportData) -> str:
    """The whole report as one Markdown string."""
    tables = data.tables
    title = data.doc.header.title or data.doc.name
    parts = [f"# {escape_text(title)}\n", "政策文本分析报告 · Policy text report\n"]
    parts += [f"> {escape_text(note)}\n" for note in data.notes]
    parts += ["## 文件概况 Document\n"]
    if data.overview:
        parts.append("\n".join(f"- {escape_text(line)}" for line in data.overview) + "\n")
    parts.append(markdown_table(tables["document"]))
    measures = tables["measures"]
    parts += ["## 措施一览 Measures\n", markdown_table(measures, _non_empty_columns(measures))]
    parts += ["## 单位任务量 Agency load\n", markdown_table(tables["agency_load"])]
    parts += ["## 责任矩阵 Responsibility matrix\n", _responsibility(tables["responsibility"])]
    if "keywords" in tables:
        parts += ["## 关键词 Keywords\n", markdown_table(tables["keywords"])]
    if "keywords_by_section" in tables:
        parts += ["### 分部分关键词 Keywords by section\n", markdown_table(tables["keywords_by_section"])]
    if "instruments_by_section" in tables:
        parts.append("## 政策工具 Policy instruments\n")
        if data.pmc:
            pmc = data.pmc
            parts.append(
                f"PMC指数 PMC index: **{pmc['pmc']:.2f}** · {pmc['grade_zh']} ({pmc['grade']}); "
                f"scheme {pmc['scheme']}; coded automatically by a lexicon.\n"
            )
        parts.append(markdown_table(tables["instruments_by_section"]))
    if data.alignment is not None:
        parts += _alignment_parts(tables)
    parts += _provenance(data)
    return "\n".join(parts)


def _non_empty_columns(frame: pd.DataFrame) -> list[str]:
    keep = {"number", "heading"}
    return [
        c for c in frame.columns if c != "text" and (c in keep or frame[c].astype(str).str.len().gt(0).any())
    ]


def _responsibility(matrix: pd.DataFrame) -> str:
    """The matrix with one-character marks: 牵 lead, 配 support, ● named without a role."""
    marks = {"lead": "牵", "support": "配", "unspecified": "●", "": ""}
    shown = matrix.copy()
    for column in shown.columns[1:]:
        shown[column] = shown[column].map(lambda v: marks.get(v, v))
    legend = "牵 = 牵头 lead, 配 = 配合 support, ● = 责任单位 named without a role\n\n"
    return legend + markdown_table(shown)


def _alignment_parts(tables: dict[str, pd.DataFrame]) -> list[str]:
    parts = ["## 覆盖情况 Coverage\n", markdown_table(tables.get("coverage", pd.DataFrame()))]
    pairs = tables.get("alignment_pairs", pd.DataFrame())
    pair_columns = ["lower_path", "lower_title", "upper_doc", "upper_path", "relation", "score", "evidence"]
    parts += ["## 对照 Aligned pairs\n", markdown_table(pairs, pair_columns)]
    omitted = tables.get("omitted", pd.DataFrame())
    omitted_columns = ["upper_doc", "upper_section", "upper_path", "upper_text"]
    parts += ["## 未覆盖的上级任务 Omitted upper-level tasks\n", markdown_table(omitted, omitted_columns)]
    local = tables.get("local_additions", pd.DataFrame())
    parts += [
        "## 地方特色措施 Local additions\n",
        markdown_table(local, ["lower_path", "lower_title", "section"]),
    ]

    return parts


def _provenance(data: ReportData) -> list[str]:
    inputs = pd.DataFrame([vars(item) for item in data.inputs], columns=["role", "name", "path", "sha256"])
    options = ", ".join(f"`{key}={escape_text(value)}`" for key, value in data.options.items()) or "defaults"
    return [
        "## 来源与参数 Provenance\n",
        f"Generated by policytext {data.version} (Python {data.python}) at {data.generated}.\n",
        markdown_table(inputs),
        f"Options: {options}\n",
    ]
