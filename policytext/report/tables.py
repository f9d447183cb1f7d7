"""Every table of a report as a pandas DataFrame, plus their xlsx and csv exports.

The HTML report, the Markdown report and the spreadsheet exports all read the same frames, so
a number a colleague sees in the browser is the number in the spreadsheet.  Column names are
machine names (snake_case); :data:`COLUMN_LABELS` gives the bilingual headings shown to readers.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext._util import (
    atomic_write_bytes,
    atomic_write_text,
    check_file_target,
    check_folder_target,
    plural,
    writing,
)
from policytext.errors import InputError
from policytext.model import Measure, PolicyDocument, Role

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align import Alignment
    from policytext.align.result import UnitRef

#: Bilingual column headings for readers (HTML, Markdown, xlsx).
COLUMN_LABELS: dict[str, str] = {
    "field": "项目 Field",
    "value": "内容 Value",
    "number": "编号 No.",
    "section": "部分 Section",
    "heading": "措施 Measure",
    "lead": "牵头单位 Lead",
    "support": "配合单位 Support",
    "unspecified": "责任单位 Responsible",
    "deadlines": "时限 Deadlines",
    "targets": "目标 Targets",
    "citations": "引用 Citations",
    "text": "原文 Text",
    "agency": "单位 Agency",
    "total": "合计 Total",
    "measures": "措施数 Measures",
    "term": "关键词 Term",
    "title": "标题 Title",
    "score": "得分 Score",
    "count": "频次 Count",
    "rank": "排名 Rank",
    "upper_doc": "上级文件 Upper document",
    "upper_section": "上级部分 Upper section",
    "upper_path": "上级条目 Upper item",
    "upper_text": "上级任务 Upper task",
    "upper_level": "层级 Level",
    "units": "条目数 Items",
    "taken_up": "已落实 Taken up",
    "copied": "照搬 Copied",
    "adapted": "转化 Adapted",
    "related": "相关 Related",
    "coverage": "覆盖率 Coverage",
    "lower": "本地措施 Local measure",
    "lower_path": "本地编号 Local No.",
    "lower_title": "本地措施 Local measure",
    "relation": "关系 Relation",
    "shared": "共有片段 Shared passages",
    "evidence": "共有片段 Shared passages",
    "type": "类型 Type",
    "type_zh": "类型 Type",
    "subtype": "工具 Instrument",
    "confidence": "置信度 Confidence",
    "variable": "变量 Variable",
    "name_zh": "名称 Name",
    "合计": "合计 Total",
    "best_score": "最高相似度 Best score",
}

_ROLE_ORDER = (Role.LEAD, Role.SUPPORT, Role.UNSPECIFIED)
# Control characters Excel refuses inside a cell.
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def label(column: str) -> str:
    """The bilingual heading of a column (the machine name when none is defined)."""
    return COLUMN_LABELS.get(column, column)


def measure_number(measure: Measure) -> str:
    """The numbering path as printed, e.g. ``一、（一）``."""
    return "".join(measure.path)


def measure_label(measure: Measure, width: int = 14) -> str:
    """A short row label for matrices: number plus the start of the heading."""
    heading = measure.title or measure.text
    heading = heading.strip().rstrip("。；;")
    if len(heading) > width:
        heading = heading[: width - 1] + "…"
    return f"{measure_number(measure)} {heading}".strip()


def _join(items: Iterable[str], sep: str = "、") -> str:
    return sep.join(item for item in items if item)


# -- one document ----------------------------------------------------------------------------


def document_card(doc: PolicyDocument) -> pd.DataFrame:
    """The document card: title, issuer, 文号, date, level and counts, one row per field."""
    header = doc.header
    agencies = {unit.name for unit in doc.units}
    rows = [
        ("标题 Title", header.title or doc.name),
        ("发文机关 Issuer", header.issuer or ""),
        ("文号 Document number", header.doc_number or ""),
        ("成文日期 Date", header.date or ""),
        ("层级 Level", header.level.value),
        ("字数 Characters", str(len(doc.text))),
        ("部分 Sections", str(len(doc.sections))),
        ("措施 Measures", str(len(doc.measures))),
        ("责任单位 Agencies", str(len(agencies))),
        ("时限 Deadlines", str(sum(len(m.deadlines) for m in doc.measures))),
        ("量化目标 Targets", str(sum(len(m.targets) for m in doc.measures))),
        ("引用文件 Citations", str(len(doc.citations))),
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def overview(doc: PolicyDocument, by: str = "name") -> list[str]:
    """A few bilingual sentences that sum the document up for a reader in a hurry."""
    load = agency_load(doc, by=by)
    n_sections, n_measures = len(doc.sections), len(doc.measures)
    lines = [
        f"共{n_sections}个部分、{n_measures}项措施，涉及{len(load)}个责任单位。"
        f" {plural(n_sections, 'section')}, {plural(n_measures, 'measure')},"
        f" {plural(len(load), 'responsible agency', 'responsible agencies')}."
    ]
    leaders = load[load["lead"] > 0].head(3)
    if len(leaders):
        named = "、".join(f"{row.agency}（{row.lead}项）" for row in leaders.itertuples())
        lines.append(f"牵头最多：{named}。 Leads the most measures: {', '.join(leaders['agency'])}.")
    busiest = load.sort_values("measures", ascending=False, kind="stable").head(3)
    if len(busiest):
        named = "、".join(f"{row.agency}（{row.measures}项）" for row in busiest.itertuples())
        lines.append(f"涉及措施最多：{named}。 Named in the most measures: {', '.join(busiest['agency'])}.")
    with_deadline = sum(1 for m in doc.measures if m.deadlines)
    with_target = sum(1 for m in doc.measures if m.targets)
    lines.append(
        f"有明确时限的措施{with_deadline}项，有量化目标的措施{with_target}项。"
        f" Measures with a deadline: {with_deadline}; with a quantitative target: {with_target}."
    )
    orphans = sum(1 for m in doc.measures if not m.units)
    if orphans:
        lines.append(f"{orphans}项措施未写明责任单位。 Measures naming no responsible unit: {orphans}.")
    return lines


def measures_table(doc: PolicyDocument, by: str = "name") -> pd.DataFrame:
    """A row per measure: number, section, heading, units by role, deadlines, targets, citations.

    ``by`` names the units as in :func:`responsibility_matrix` (as printed, or canonical).
    """
    _check_by(by)
    sections = {s.number: s.title or s.number for s in doc.sections}
    rows = []
    for measure in doc.measures:
        section = measure.section or (measure.path[0] if measure.path else "")
        rows.append(
            {
                "number": measure_number(measure),
                "section": _section_name(section, sections),
                "heading": measure.title or _first_sentence(measure.text),
                "lead": _units(measure, Role.LEAD, by),
                "support": _units(measure, Role.SUPPORT, by),
                "unspecified": _units(measure, Role.UNSPECIFIED, by),
                "deadlines": _join((d.text for d in measure.deadlines), "；"),
                "targets": _join((t.text for t in measure.targets), "；"),
                "citations": _join((f"《{c.title}》" for c in measure.citations), "；"),
                "text": measure.text,
            }
        )
    columns = ["number", "section", "heading", "lead", "support", "unspecified", "deadlines", "targets"]
    return pd.DataFrame(rows, columns=[*columns, "citations", "text"])


def _units(measure: Measure, role: Role, by: str) -> str:
    """The units of ``measure`` with ``role``, named ``by`` (each once: two names may share a canonical one)."""
    names = (getattr(u, by) or u.name for u in measure.units if u.role is role)
    return _join(dict.fromkeys(names))


def _section_name(section: str, sections: Mapping[str, str]) -> str:
    if section in sections:
        return f"{section}{sections[section]}"
    return section


def _first_sentence(text: str, limit: int = 40) -> str:
    sentence = re.split(r"[。；！？]", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def agency_order(doc: PolicyDocument, by: str = "name") -> list[str]:
    """Agencies by descending load (lead first, then total), ties in order of first mention."""
    load = agency_load(doc, by=by)
    return list(load["agency"])


def responsibility_matrix(doc: PolicyDocument, by: str = "name") -> pd.DataFrame:
    """Measures × agencies; a cell holds ``lead``, ``support``, ``unspecified`` or ``""``.

    ``by`` is ``name`` (as printed, what a reader of the document recognises) or ``canonical``
    (full names, to compare documents).  When a unit appears twice in one measure the stronger
    role wins (lead > support > unspecified).  Rows follow ``doc.measures``; a label two
    measures share (an annex repeating a heading) gets the measure's number, ``#n``.
    """
    _check_by(by)
    agencies = agency_order(doc, by=by)
    column = {agency: position for position, agency in enumerate(agencies)}
    rank = {role: order for order, role in enumerate(_ROLE_ORDER)}
    cells: list[list[str]] = [[""] * len(agencies) for _ in doc.measures]
    for row, measure in zip(cells, doc.measures, strict=True):
        for unit in measure.units:
            at = column[getattr(unit, by) or unit.name]
            if not row[at] or rank[unit.role] < rank[Role(row[at])]:
                row[at] = unit.role.value
    index = unique_labels([measure_label(m) for m in doc.measures])
    return pd.DataFrame(cells, index=pd.Index(index, name="measure"), columns=agencies, dtype=object)


def unique_labels(labels: Sequence[str], numbers: Sequence[int] | None = None, sep: str = " ") -> list[str]:
    """``labels`` with ``#n`` added to every label that is not unique.

    ``n`` is the item's number in ``numbers`` (by default its 1-based position).  Matrices are
    indexed by such labels; a repeated one would make a cell lookup return a whole row instead
    of a value and merge two items in a chart.  Labels that are unique stay as they are.
    """
    counts = Counter(labels)
    used: set[str] = set()
    out = []
    for position, text in enumerate(labels):
        number = numbers[position] if numbers is not None else position + 1
        candidate = text if counts[text] == 1 else f"{text}{sep}#{number}"
        while candidate in used:  # only when a label already reads like "X #3"
            candidate = f"{candidate}{sep}#{number}"
        used.add(candidate)
        out.append(candidate)
    return out


def agency_load(doc: PolicyDocument, by: str = "name") -> pd.DataFrame:
    """A row per agency: how many measures it leads, supports or is named in without a role."""
    _check_by(by)
    counts: dict[str, dict[str, set[int]]] = {}
    for index, measure in enumerate(doc.measures):
        for unit in measure.units:
            agency = getattr(unit, by) or unit.name
            roles = counts.setdefault(agency, {role.value: set() for role in _ROLE_ORDER})
            roles[unit.role.value].add(index)
    rows = []
    for first_seen, (agency, roles) in enumerate(counts.items()):
        measures = set().union(*roles.values())
        rows.append(
            {
                "agency": agency,
                "lead": len(roles["lead"]),
                "support": len(roles["support"]),
                "unspecified": len(roles["unspecified"]),
                "measures": len(measures),
                "_first": first_seen,
            }
        )
    frame = pd.DataFrame(rows, columns=["agency", "lead", "support", "unspecified", "measures", "_first"])
    frame = frame.sort_values(["lead", "measures", "_first"], ascending=[False, False, True], kind="stable")
    return frame.drop(columns="_first").reset_index(drop=True)


def _check_by(by: str) -> None:
    if by not in ("name", "canonical"):
        raise InputError(f"agency names by {by!r}: use 'name' or 'canonical'")


# -- keywords ----------------------------------------------------------------------------------


def keyword_tables(doc: PolicyDocument, top: int = 20, method: str = "tfidf") -> dict[str, pd.DataFrame]:
    """Keywords of the whole document and of each section, from :func:`policytext.keywords.keywords`."""
    from policytext.keywords import keywords

    whole = keywords(doc, top=top, method=method, by="document")
    by_section = keywords(doc, top=max(5, top // 2), method=method, by="section")
    return {"keywords": _keyword_frame(whole), "keywords_by_section": _keyword_frame(by_section)}


def _keyword_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep the columns a reader needs, in a stable order, with rounded scores."""
    columns = [
        c for c in ("section", "measure", "title", "rank", "term", "score", "count") if c in frame.columns
    ]
    out = frame.loc[:, columns].copy()
    if "score" in out:
        out["score"] = out["score"].astype(float).round(4)
    return out.reset_index(drop=True)


# -- policy instruments ------------------------------------------------------------------------


def instrument_tables(
    doc: PolicyDocument, scheme: str = "rothwell"
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Policy instruments (政策工具) of each measure, their spread over sections, and the PMC index.

    From :mod:`policytext.instruments`: ``instruments`` has a row per measure × sub-type,
    ``instruments_by_section`` counts measures per instrument type and section (with 合计),
    ``pmc`` the PMC index variables with their scores.  The second value sums the PMC index up
    (``pmc``, ``grade``, ``grade_zh``, ``scheme``).
    """
    from policytext.instruments import classify, crosstab, pmc_score

    result = classify(doc, scheme=scheme)
    by_section = crosstab(result, by="section", level="type")
    by_section = by_section.reset_index().rename(columns={by_section.index.name or "index": "type"})
    by_section.columns = [str(c) for c in by_section.columns]
    pmc = pmc_score(doc, instruments=result)
    row = pmc.row()
    summary = {
        "pmc": row.get("PMC"),
        "grade": row.get("grade"),
        "grade_zh": row.get("grade_zh"),
        "scheme": scheme,
    }
    tables = {"instruments": result.to_frame(), "instruments_by_section": by_section, "pmc": pmc.to_frame()}
    return tables, summary


# -- alignment ---------------------------------------------------------------------------------


def alignment_tables(alignment: Alignment) -> dict[str, pd.DataFrame]:
    """Coverage, aligned pairs, omitted upper tasks and local additions of an alignment."""
    omitted = [
        {
            "upper_doc": unit.doc_name,
            "upper_level": unit.level,
            "upper_section": unit.section,
            "upper_path": unit.label,
            "upper_text": unit.text,
            "upper_start": unit.span.start,
            "upper_end": unit.span.end,
        }
        for unit in alignment.omitted
    ]
    local = [
        {
            "lower_path": unit.label,
            "lower_title": unit.title,
            "section": unit.section,
            "lower_start": unit.span.start,
            "lower_end": unit.span.end,
        }
        for unit in alignment.local_additions
    ]
    return {
        "coverage": alignment.coverage_frame(),
        "alignment_pairs": alignment.pairs_frame(),
        "omitted": pd.DataFrame(omitted, columns=_OMITTED_COLUMNS),
        "local_additions": pd.DataFrame(local, columns=_LOCAL_COLUMNS),
    }


@dataclass(frozen=True)
class UpperColumn:
    """A column of the alignment matrix: one upper unit, named uniquely for readers.

    ``doc`` and ``index`` identify the unit (:attr:`UnitRef.doc` is the upper document's
    position in the ``uppers`` given to :func:`policytext.align`); ``doc_name`` is unique among
    the documents (``#n`` added when two share a title) and ``label`` within its document
    (``#n``, the unit's number, added when a numbering label repeats, e.g. five ``（一）``).
    """

    doc: int
    index: int
    doc_name: str
    label: str

    @property
    def name(self) -> str:
        return f"{self.doc_name} · {self.label}"


def alignment_columns(alignment: Alignment) -> list[UpperColumn]:
    """Every upper unit the alignment knows (matched or omitted), in document order."""
    units: dict[tuple[int, int], UnitRef] = {}
    for unit in [*(m.upper for m in alignment.matches), *alignment.omitted]:
        units.setdefault((unit.doc, unit.index), unit)
    by_doc: dict[int, list[UnitRef]] = {}
    for key in sorted(units):
        by_doc.setdefault(key[0], []).append(units[key])
    titles = [in_doc[0].doc_name for in_doc in by_doc.values()]
    doc_names = dict(zip(by_doc, unique_labels(titles, [doc + 1 for doc in by_doc]), strict=True))
    columns = []
    for doc, in_doc in by_doc.items():
        labels = unique_labels([u.label for u in in_doc], [u.index + 1 for u in in_doc], sep="")
        columns += [
            UpperColumn(doc, u.index, doc_names[doc], text) for u, text in zip(in_doc, labels, strict=True)
        ]
    return columns


def alignment_matrix(alignment: Alignment) -> pd.DataFrame:
    """Lower units × upper units, each cell the best score of a match (0 when none).

    Columns are :func:`alignment_columns`, labelled ``document · path``; rows the lower units in
    order.  Cells are filled by position, so repeated labels can never mix two units up.
    """
    columns = alignment_columns(alignment)
    column_of = {(c.doc, c.index): position for position, c in enumerate(columns)}
    lower = alignment.lower_units
    row_of = {unit.index: position for position, unit in enumerate(lower)}
    scores = np.zeros((len(lower), len(columns)))
    for match in alignment.matches:
        row = row_of.get(match.lower.index)
        column = column_of.get((match.upper.doc, match.upper.index))
        if row is not None and column is not None:
            scores[row, column] = max(scores[row, column], match.score)
    rows = unique_labels([f"{u.label} {u.title or ''}".strip() for u in lower], [u.index + 1 for u in lower])
    names = unique_labels([c.name for c in columns])  # a safety net: document titles with " · "
    return pd.DataFrame(scores, index=pd.Index(rows, name="lower"), columns=names)


_OMITTED_COLUMNS = [
    "upper_doc", "upper_level", "upper_section", "upper_path", "upper_text", "upper_start", "upper_end",
]  # fmt: skip
_LOCAL_COLUMNS = ["lower_path", "lower_title", "section", "lower_start", "lower_end"]


# -- all tables and exports --------------------------------------------------------------------


def build_tables(
    doc: PolicyDocument,
    alignment: Alignment | None = None,
    *,
    keyword_frames: Mapping[str, pd.DataFrame] | None = None,
    by: str = "name",
) -> dict[str, pd.DataFrame]:
    """Every table of the report, keyed by a short machine name (also the sheet / file name)."""
    tables: dict[str, pd.DataFrame] = {
        "document": document_card(doc),
        "measures": measures_table(doc, by=by),
        "responsibility": responsibility_matrix(doc, by=by).reset_index(),
        "agency_load": agency_load(doc, by=by),
    }
    if keyword_frames:
        tables.update(keyword_frames)
    if alignment is not None:
        tables.update(alignment_tables(alignment))
        tables["alignment_matrix"] = alignment_matrix(alignment).reset_index()
    return tables


def write_csv(tables: Mapping[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """One UTF-8 (with BOM, so Excel shows Chinese correctly) CSV per table; returns the paths."""
    return save_csv(tables, check_folder_target(folder, "CSV output"))


def save_csv(tables: Mapping[str, pd.DataFrame], target: Path) -> list[Path]:
    """:func:`write_csv` into a folder already checked (by :func:`check_folder_target`)."""
    written = []
    with writing(target, "CSV output"):
        for name, frame in tables.items():
            text = frame.to_csv(index=False, lineterminator="\n")
            written.append(atomic_write_text(target / f"{name}.csv", "\ufeff" + text))
    return written


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """One sheet per table, bilingual headers, frozen header row; document text never becomes a formula."""
    return save_xlsx(tables, check_file_target(path, "xlsx output", "tables.xlsx"))


def save_xlsx(tables: Mapping[str, pd.DataFrame], target: Path) -> Path:
    """:func:`write_xlsx` to a file already checked (by :func:`check_file_target`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    for name, frame in tables.items():
        sheet = workbook.create_sheet(_sheet_name(name))
        sheet.append([label(str(column)) for column in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in frame.itertuples(index=False):
            sheet.append([_xlsx_value(value) for value in values])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"  # text that starts with '=' stays text
        sheet.freeze_panes = "A2"
        for column_cells in sheet.columns:
            longest = max((len(str(c.value)) for c in column_cells if c.value is not None), default=8)
            sheet.column_dimensions[column_cells[0].column_letter].width = min(60, max(8, longest * 1.6))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with writing(target, "xlsx output"):
        return atomic_write_bytes(target, buffer.getvalue())


def _sheet_name(name: str) -> str:
    return _SHEET_NAME_BAD.sub("_", name)[:31]


def _xlsx_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return _ILLEGAL_XLSX.sub("", value)
    if hasattr(value, "item"):
        return value.item()
    return value
