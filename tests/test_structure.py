"""Structure extraction on the bundled plan, on our own fixtures and on real shared documents."""

from __future__ import annotations

import json

import pytest

import policytext
from policytext.model import Level, Role
from tests.conftest import shared_records

PLAN_UNITS = {
    ("一、", "（六）"): ["市科技局", "市财政局", "市经信局"],
    ("四、", "（十五）"): ["市政府办金融科", "市财政局", "人行潜江营管部", "市城发集团", "市农发集团", "市高新投公司", "市江汉投集团"],
    ("五、", "（二十）"): ["市委组织部", "市教育局", "市科技局", "市人社局"],
}


def test_plan_header(plan):
    header = plan.header
    assert header.title == "统筹推进教育科技人才一体化发展的工作方案"
    assert header.issuer == "市人民政府办公室"
    assert header.date == "2025-02-08"
    assert header.level is Level.MUNICIPAL
    assert header.addressees == ("各管理区", "镇人民政府", "街道办事处", "市直有关单位")


def test_plan_sections_and_measures(plan):
    assert [s.number for s in plan.sections] == ["一、", "二、", "三、", "四、", "五、"]
    assert plan.sections[0].title == "夯实教育基础支撑"
    assert len(plan.measures) == 20
    labels = [m.label for m in plan.measures]
    assert labels[0] == "（一）" and labels[-1] == "（二十）"
    assert plan.measures[0].title == "加强学科专业建设"
    assert plan.measures[13].path == ("四、", "（十四）")
    assert plan.measures[13].section == "四、畅通教育科技人才良性循环"


@pytest.mark.parametrize("path,units", sorted(PLAN_UNITS.items()))
def test_plan_units_exactly_as_printed(plan, path, units):
    measure = next(m for m in plan.measures if m.path[-1] == path[-1])
    assert [u.name for u in measure.units] == units
    assert all(u.role is Role.UNSPECIFIED for u in measure.units)


def test_every_span_points_at_what_it_labels(plan):
    text = plan.text
    for measure in plan.measures:
        assert measure.span.of(text) == measure.text
        assert measure.text.startswith(measure.label)
        for unit in measure.units:
            assert unit.span.of(text) == unit.name
            assert measure.span.contains(unit.span)
        for item in (*measure.deadlines, *measure.targets):
            assert item.span.of(text) == item.text
        assert measure.clause_span is not None and text[measure.clause_span.start] == "（"


def test_plan_targets_citations_and_agencies(plan):
    eight = plan.measures[7]
    assert [t.text for t in eight.targets] == ["不低于10年"]
    assert eight.targets[0].value == 10 and eight.targets[0].relation == ">="
    twenty = plan.measures[19]
    assert twenty.targets[0].text == "不少于4/5" and twenty.targets[0].value == pytest.approx(0.8)
    twelve = plan.measures[11]
    assert [c.title for c in twelve.citations] == ["湖北省“青年拔尖人才培养计划”实施方案"]
    rsj = next(u for u in plan.measures[1].units if u.name == "市人社局")
    assert rsj.canonical == "市人力资源和社会保障局" and rsj.function == "human_resources"


def test_lead_and_support_clause_forms():
    text = (
        "一、总体要求\n"
        "（一）建立机制。定期会商。（牵头单位：市教育局；配合单位：市财政局、市科技局）\n"
        "（二）完善制度。（牵头单位：市发展改革委，责任单位：市经信局及市商务局）\n"
        "（三）强化保障。（市委组织部牵头，市人社局、市财政局参加）\n"
        "（四）加强督导。（市教育局、市科技局负责）\n"
        "（五）营造氛围。（各县市区按职责分工负责）\n"
        "（六）推进改革。[责任单位:市司法局]\n"
        "（七）优化服务。【责任单位：市政务服务中心】\n"
    )
    doc = policytext.parse_text(text)
    got = [[(u.name, u.role.value) for u in m.units] for m in doc.measures]
    assert got == [
        [("市教育局", "lead"), ("市财政局", "support"), ("市科技局", "support")],
        [("市发展改革委", "lead"), ("市经信局", "support"), ("市商务局", "support")],
        [("市委组织部", "lead"), ("市人社局", "support"), ("市财政局", "support")],
        [("市教育局", "unspecified"), ("市科技局", "unspecified")],
        [("各县市区", "unspecified")],
        [("市司法局", "unspecified")],
        [("市政务服务中心", "unspecified")],
    ]


def test_clause_on_parent_covers_children_and_inline_items():
    text = (
        "一、重点任务\n"
        "（一）实施人才专项。（市委组织部牵头，市科技局参加）\n"
        "1.设立首席科学家岗位。\n"
        "2.实行年薪制。\n"
        "（二）建设平台。（责任单位：市科技局）（三）培育主体。（责任单位：市经信局）\n"
    )
    doc = policytext.parse_text(text)
    assert [m.path for m in doc.measures] == [("一、", "（一）"), ("一、", "（二）"), ("一、", "（三）")]
    assert "2.实行年薪制。" in doc.measures[0].text
    assert [u.name for u in doc.measures[2].units] == ["市经信局"]


def test_deadlines():
    text = "一、任务\n（一）建设平台。2025年底前建成。（责任单位：市科技局；完成时限：2026年6月底）\n（二）长效机制。（市教育局负责，长期坚持）\n"
    doc = policytext.parse_text(text)
    first = [(d.text, d.date) for d in doc.measures[0].deadlines]
    assert ("2025年底前", "2025-12-31") in first and ("2026年6月底", "2026-06-30") in first
    assert [d.kind for d in doc.measures[1].deadlines] == ["ongoing"]


def test_document_without_structure_warns_and_has_no_measures():
    doc = policytext.parse_text("这是一段没有编号的普通文字。它不是一份政策文件。")
    assert doc.measures == ()
    assert any("no numbered outline" in w for w in doc.warnings)


def test_law_articles_are_measures_without_units():
    text = "某某条例\n第一章 总则\n第一条 为了规范管理，制定本条例。\n第二条 本条例适用于本市。\n第二章 附则\n第三条 本条例自公布之日起施行。\n"
    doc = policytext.parse_text(text)
    assert [m.path for m in doc.measures] == [("第一章", "第一条"), ("第一章", "第二条"), ("第二章", "第三条")]
    assert [s.number for s in doc.sections] == ["第一章", "第二章"]
    assert doc.header.title == "某某条例"


def test_header_of_a_transmittal_with_doc_number_and_chinese_date():
    text = (
        "某某市人民政府关于印发某某行动方案的通知\n某政发[2024]3号\n各区人民政府，市政府各部门：\n"
        "现将《某某行动方案》印发给你们，请认真贯彻执行。\n二〇二四年三月五日\n"
        "一、目标\n（一）建设平台。（责任单位：市科技局）\n"
    )
    doc = policytext.parse_text(text)
    assert doc.header.doc_number == "某政发〔2024〕3号"
    assert doc.header.date == "2024-03-05"
    assert doc.header.issuer == "某某市人民政府"
    assert doc.header.addressees == ("各区人民政府", "市政府各部门")


def test_json_has_the_documented_keys(plan):
    data = json.loads(plan.to_json())
    for key in ("title", "issuer", "doc_number", "date", "addressees", "level", "sections", "measures", "citations"):
        assert key in data
    measure = data["measures"][0]
    assert measure["path"] == ["一、", "（一）"]
    for key in ("title", "text", "span", "units", "deadlines", "targets", "citations"):
        assert key in measure
    assert set(measure["units"][0]) >= {"name", "role", "canonical", "function"}


def test_frames(plan):
    measures = plan.measures_frame()
    units = plan.units_frame()
    assert len(measures) == 20 and measures["n_units"].sum() == len(units) == 130
    assert set(units["role"]) == {"unspecified"}
    assert units.loc[units["name"] == "市科协", "function"].iloc[0] == "science_association"


@pytest.mark.shared
def test_shandong_lead_support_document():
    record = next(r for r in shared_records("central_shandong_ai/policies_central_shandong.jsonl") if (r["table"], r["no"]) == ("shandong", 46))
    doc = policytext.parse_text(record["content"])
    assert doc.header.level is Level.PROVINCIAL
    first = doc.measures[0]
    assert [(u.name, u.role.value) for u in first.units] == [
        ("省工业和信息化厅", "lead"),
        ("省发展改革委", "support"),
        ("省科技厅", "support"),
    ]
    assert {u.function for u in first.units} >= {"industry_it", "development_reform", "science_technology"}


@pytest.mark.shared
def test_state_council_title_broken_over_lines():
    records = shared_records("state_council_2019/state_council_docs_2019snapshot.jsonl")
    record = next(r for r in records if "国家职业教育改革实施方案" in r["title"])
    doc = policytext.parse_text(record["text"])
    assert doc.header.level is Level.NATIONAL
    assert doc.header.title is not None and "职业教育改革" in doc.header.title
    assert len(doc.measures) >= 20
