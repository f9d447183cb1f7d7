"""Reports on documents whose labels repeat: matrices, charts and the side-by-side view.

A document may number five items ``（一）`` (one per part, the parts not being outline nodes), an
annex may repeat a measure heading, two upper documents may both be titled 政府工作报告.  Labels
are for readers; every table and view must still be keyed by position or index.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

import policytext
from policytext.report import tables as T
from policytext.report.alignment_view import alignment_view, pair_view
from policytext.report.build import build_report_data

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"
REPEATED_UPPER = FIXTURES / "repeated_labels_upper.txt"
REPEATED_PLAN = FIXTURES / "repeated_labels_plan.txt"
REPEATED_MEASURE = FIXTURES / "repeated_measure_plan.txt"
AI_POLICIES = "central_shandong_ai/policies_central_shandong.jsonl"


@pytest.fixture(scope="module")
def repeated() -> tuple[policytext.PolicyDocument, policytext.PolicyDocument, policytext.Alignment]:
    plan, upper = policytext.read(REPEATED_PLAN), policytext.read(REPEATED_UPPER)
    return plan, upper, policytext.align(plan, upper)


def _check_matrix(alignment: policytext.Alignment) -> None:
    """One column per upper unit, uniquely named, each match's score in its own cell."""
    matrix = T.alignment_matrix(alignment)
    columns = T.alignment_columns(alignment)
    uppers = {(u.doc, u.index) for u in [*(m.upper for m in alignment.matches), *alignment.omitted]}
    assert matrix.columns.is_unique and matrix.index.is_unique
    assert len(columns) == len(matrix.columns) == len(uppers)
    assert [c.name for c in columns] == list(matrix.columns)
    position = {(c.doc, c.index): i for i, c in enumerate(columns)}
    rows = {u.index: i for i, u in enumerate(alignment.lower_units)}
    expected = np.zeros(matrix.shape)
    for match in alignment.matches:
        at = rows[match.lower.index], position[(match.upper.doc, match.upper.index)]
        expected[at] = max(expected[at], match.score)
    assert np.allclose(matrix.to_numpy(dtype=float), expected)


def test_upper_units_with_the_same_label_get_their_own_columns(repeated) -> None:
    _, _, alignment = repeated
    labels = [m.upper.label for m in alignment.matches]
    assert len(set(labels)) < len({m.upper.index for m in alignment.matches})  # the fixture repeats （一）
    _check_matrix(alignment)
    names = list(T.alignment_matrix(alignment).columns)
    # only repeated labels are numbered (by unit, #n = index + 1); the unique ¶1 stays as it is
    assert [n.split(" · ")[1] for n in names] == [
        "¶1",
        "（一）#2",
        "（二）#3",
        "（一）#4",
        "（二）#5",
        "（一）#6",
        "（二）#7",
    ]


def test_report_with_repeated_upper_labels_is_written(repeated, tmp_path: Path) -> None:
    plan, upper, alignment = repeated
    out = policytext.report(
        plan, against=[upper], output=tmp_path / "r.html", csv_dir=tmp_path / "csv", embed_font=False
    )
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    chart = soup.select_one("#chart-alignment svg")
    assert chart is not None
    shown = chart.get_text()
    for column in ("U1 （一）#2", "U1 （一）#4", "U1 （一）#6"):
        assert column in shown
    exported = pd.read_csv(tmp_path / "csv" / "alignment_matrix.csv", encoding="utf-8-sig")
    assert list(exported.columns[1:]) == list(T.alignment_matrix(alignment).columns)


def test_measures_with_the_same_label_keep_their_own_roles() -> None:
    doc = policytext.read(REPEATED_MEASURE)
    assert T.measure_label(doc.measures[0]) == T.measure_label(doc.measures[2])
    matrix = T.responsibility_matrix(doc)
    assert matrix.index.is_unique and len(matrix) == len(doc.measures)
    assert list(matrix.index) == [
        "（一） 加强教师队伍建设 #1",
        "（二） 推进产教融合发展",
        "（一） 加强教师队伍建设 #3",
    ]
    assert matrix.iloc[0].to_dict() == {"区教育局": "unspecified", "区人社局": "", "区财政局": ""}
    assert matrix.iloc[2].to_dict() == {"区教育局": "lead", "区人社局": "", "区财政局": "support"}


def test_report_on_a_plan_with_repeated_measures(tmp_path: Path) -> None:
    out = policytext.report(REPEATED_MEASURE, output=tmp_path / "m.html", embed_font=False)
    assert "加强教师队伍建设 #3" in out.read_text(encoding="utf-8")


def test_unique_labels_numbers_only_repeats() -> None:
    assert T.unique_labels(["a", "b", "a"]) == ["a #1", "b", "a #3"]
    assert T.unique_labels(["x", "x"], [5, 9], sep="") == ["x#5", "x#9"]
    # a label that already reads like a numbered one never collides
    labels = T.unique_labels(["a #2", "a", "a"])
    assert len(set(labels)) == 3 and labels[0] == "a #2"


# -- two upper documents with the same title -------------------------------------------------------

_UPPER_A = """政府工作报告
一、办好人民满意的教育
（一）新建改扩建一批公办幼儿园，城乡普惠性学前教育覆盖率稳定在九成以上，缓解入园难问题。（责任单位：省教育厅）
"""
_UPPER_B = """政府工作报告
一、织密社会保障网络
（一）扩大社区嵌入式养老服务覆盖面，为高龄独居老人提供助餐助浴和上门照护，培育养老护理员队伍。（责任单位：省民政厅）
"""
_LOWER = """某市民生实事工作方案
一、重点任务
（一）扩大普惠学前教育。新建改扩建一批公办幼儿园，普惠性学前教育覆盖率稳定在九成以上。（责任单位：市教育局）
（二）发展社区养老服务。扩大社区嵌入式养老服务覆盖面，为高龄独居老人提供助餐助浴和上门照护。（责任单位：市民政局）
"""


def test_side_by_side_shows_the_upper_document_by_index_not_by_title(tmp_path: Path) -> None:
    uppers = [policytext.parse_text(_UPPER_A), policytext.parse_text(_UPPER_B)]
    assert uppers[0].name == uppers[1].name
    lower = policytext.parse_text(_LOWER)
    alignment = policytext.align(lower, uppers)
    assert {m.upper.doc for m in alignment.matches} == {0, 1}
    for match in alignment.matches:
        view = pair_view(match, lower, uppers)
        upper_doc = uppers[match.upper.doc]
        # the passage as printed in its own document (numbering and clause included), not another's
        assert "".join(s.text for s in view.upper_segments) == match.upper.span.of(upper_doc.text)
        assert "".join(s.text for s in view.lower_segments) == match.lower.span.of(lower.text)
    html = policytext.report(lower, against=uppers, output=tmp_path / "two.html", embed_font=False)
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    pairs = [d.get_text() for d in soup.find_all("details")]
    assert any("养老" in p and "省民政厅" in p for p in pairs)
    assert not any("养老" in p and "省教育厅" in p for p in pairs)
    _check_matrix(alignment)


def test_a_given_alignment_without_uppers_shows_unit_texts(repeated) -> None:
    plan, _, alignment = repeated
    data = build_report_data(plan, alignment=alignment, instruments=False)
    assert data.uppers == [] and [i.role for i in data.inputs] == ["plan"]
    view = alignment_view(data)
    assert len(view.pairs) == len(alignment.matches)
    for match, pair in zip(alignment.matches, view.pairs, strict=True):
        # no document at hand: the unit text, with the shared passages found by their text
        assert "".join(s.text for s in pair.upper_segments) == match.upper.text
        assert any(s.mark for s in pair.upper_segments)


# -- a real document that repeats （一） ------------------------------------------------------------


@pytest.mark.shared
def test_report_against_a_real_document_with_repeated_labels(shared: Path, plan, tmp_path: Path) -> None:
    upper = policytext.read(shared / AI_POLICIES, record=20)
    alignment = policytext.align(plan, upper)
    labels = [u.label for u in [*(m.upper for m in alignment.matches), *alignment.omitted]]
    assert len(labels) > len(set(labels))  # the record numbers several items alike
    _check_matrix(alignment)
    out = policytext.report(
        plan, against=[upper], alignment=alignment, output=tmp_path / "r.html", embed_font=False
    )
    assert out.is_file()
