"""Structure fixes of the review round: closing block after the last item, roles inside 责任单位
lists, broken clauses, time notes with 完成, the wording's level, targets and effective dates.

Every text here is written for these tests (agency names are labels).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext.model import Level, PolicyDocument, Role
from policytext.structure.extract import _TARGET, _TARGET_SCAN, _TARGET_SCAN_BMP, find_deadlines, find_targets

PLAN_HEAD = "某市人民政府办公室关于印发某市行动方案的通知\n一、重点任务\n（一）建设算力。推进建设。（责任单位：市科技局）\n"
LAST_ITEM = "（二）培育企业。到2027年培育企业100家。（责任单位：市工业和信息化局）"


def roles(doc: PolicyDocument, index: int = 0) -> list[tuple[str, str]]:
    return [(unit.name, unit.role.value) for unit in doc.measures[index].units]


def item_with(clause: str) -> PolicyDocument:
    return policytext.parse_text(
        "一、任务\n（一）建设平台。推进平台建设。" + clause + "\n（二）培育人才。加强培养。（市人社局负责）"
    )


def assert_spans_print_names(doc: PolicyDocument) -> None:
    for measure in doc.measures:
        for unit in measure.units:
            assert doc.text[unit.span.start : unit.span.end] == unit.name


# -- 3: the last measure ends before the closing block ---------------------------------------------


def test_last_measure_stops_before_attachment_signature_and_print_lines() -> None:
    closing = "\n附件：1.重点项目清单\n某市人民政府办公室\n2025年3月1日\n抄送：市委各部门。\n某市人民政府办公室2025年3月2日印发"
    doc = policytext.parse_text(PLAN_HEAD + LAST_ITEM + closing)
    last = doc.measures[-1]
    assert last.text == LAST_ITEM
    assert [(d.text, d.date) for d in last.deadlines] == [("到2027年", "2027-12-31")]
    # the ancestor ends with its last child
    assert doc.outline[-1].span.end == last.span.end
    assert doc.header.date == "2025-03-01"  # the 落款 date is still the document's date


def test_joint_signature_lines_above_the_date_are_cut_with_it() -> None:
    closing = "\n本方案自印发之日起施行。\n某市科学技术局\n某市财政局\n2025年3月1日\n（此件公开发布）"
    doc = policytext.parse_text(PLAN_HEAD + LAST_ITEM + closing)
    assert doc.measures[-1].text == LAST_ITEM + "\n本方案自印发之日起施行。"
    assert [d.text for d in doc.measures[-1].deadlines] == ["到2027年"]


def test_print_line_alone_ends_the_last_item_but_articles_are_never_cut() -> None:
    doc = policytext.parse_text(PLAN_HEAD + LAST_ITEM + "\n抄送：市委各部门。")
    assert doc.measures[-1].text == LAST_ITEM
    # a text with articles ends with its last article, attachments included (conservative)
    law = "某市促进条例\n第一条 为了促进发展，制定本条例。\n第二条 本条例由市科技局负责解释。\n附件：申报表\n2025年3月1日"
    articles = policytext.parse_text(law).measures
    assert articles[-1].text.endswith("附件：申报表\n2025年3月1日")
    # …and a plan item's text is not cut by a date inside a sentence or by 附件 mid-line
    kept = "（二）培育企业。见附件：清单。\n截至2025年3月1日，已完成。（责任单位：市工业和信息化局）"
    doc = policytext.parse_text(PLAN_HEAD + kept + "\n某市人民政府办公室\n2025年3月1日")
    assert doc.measures[-1].text == kept


# -- 5, 6, 7, 8: roles and clause forms ---------------------------------------------------------------


def test_verbs_inside_a_responsibility_list_give_the_roles() -> None:
    doc = item_with("（责任单位：市发展改革委牵头，市科技局配合）")
    assert roles(doc) == [("市发展改革委", "lead"), ("市科技局", "support")]
    doc = item_with("（责任单位：市发展改革委牵头，市科技局、市财政局）")
    assert roles(doc) == [("市发展改革委", "lead"), ("市科技局", "support"), ("市财政局", "support")]
    assert_spans_print_names(doc)


def test_bracketed_lead_mark_leaves_the_name_and_the_others_support() -> None:
    doc = item_with("（责任单位：市科技局（牵头）、市财政局）")
    assert roles(doc) == [("市科技局", "lead"), ("市财政局", "support")]
    assert_spans_print_names(doc)
    doc = item_with("（责任单位：市财政局、市科技局（牵头））")
    assert roles(doc) == [("市财政局", "support"), ("市科技局", "lead")]
    doc = item_with("（市科技局（牵头）、市财政局负责）")
    assert roles(doc) == [("市科技局", "lead"), ("市财政局", "support")]
    # a bracketed part of a name is not a mark
    doc = item_with("（责任单位：市委组织部（市人才办）、市财政局）")
    assert roles(doc) == [("市委组织部（市人才办）", "unspecified"), ("市财政局", "unspecified")]


def test_clause_broken_by_a_line_break_keeps_both_labels() -> None:
    doc = item_with("（牵头单位：市科技局；\n配合单位：市财政局）")
    assert [m.path for m in doc.measures] == [("一、", "（一）"), ("一、", "（二）")]
    assert roles(doc) == [("市科技局", "lead"), ("市财政局", "support")]
    assert doc.measures[0].body == "（一）建设平台。推进平台建设。"
    assert_spans_print_names(doc)


def test_label_lines_in_a_row_are_one_clause() -> None:
    doc = item_with("\n牵头单位：市科技局\n责任单位：市财政局")
    assert roles(doc) == [("市科技局", "lead"), ("市财政局", "support")]
    assert doc.measures[0].body == "（一）建设平台。推进平台建设。"


def test_time_note_with_wancheng_keeps_the_clause_and_the_deadline() -> None:
    doc = item_with("（市科技局牵头；2025年底前完成）")
    assert [m.path for m in doc.measures] == [("一、", "（一）"), ("一、", "（二）")]
    assert roles(doc) == [("市科技局", "lead")]
    assert [d.text for d in doc.measures[0].deadlines] == ["2025年底前"]
    doc = item_with("（责任单位：市科技局；2025年底前完成）")  # (the note was taken for a unit)
    assert roles(doc) == [("市科技局", "unspecified")]


_AGENCIES = ["市科技局", "市财政局", "市教育局", "市发展改革委", "市人社局", "市委组织部（市人才办）"]


@st.composite
def clause_cases(draw: st.DrawFn) -> tuple[str, list[tuple[str, Role]]]:
    """A clause in one of the fixed forms, with the roles it means."""
    names = draw(st.lists(st.sampled_from(_AGENCIES), min_size=2, max_size=4, unique=True))
    lead, others = names[0], names[1:]
    form = draw(st.sampled_from(["mark", "verbs", "two_lines", "labels"]))
    if form == "mark":
        body = f"责任单位：{lead}（牵头）、" + "、".join(others)
    elif form == "verbs":
        body = f"责任单位：{lead}牵头，" + "、".join(others) + "配合"
    elif form == "two_lines":
        body = f"牵头单位：{lead}；\n配合单位：" + "、".join(others)
    else:
        body = f"牵头单位：{lead}；责任单位：" + "、".join(others)
    body += draw(st.sampled_from(["", "；2025年底前完成", "；2026年6月底前"]))
    return f"（{body}）", [(lead, Role.LEAD)] + [(name, Role.SUPPORT) for name in others]


@settings(max_examples=150, deadline=None)
@given(clause_cases())
def test_clause_forms_give_lead_and_support(case: tuple[str, list[tuple[str, Role]]]) -> None:
    clause, expected = case
    doc = item_with(clause)
    assert doc.measures[0].path == ("一、", "（一）")
    assert [(unit.name, unit.role) for unit in doc.measures[0].units] == expected
    assert_spans_print_names(doc)


_PIECES = ["（", "）", "责任单位：", "牵头单位：", "配合单位：", "市科技局", "市财政局", "（牵头）", "牵头", "配合", "、",
           "，", "；", "\n", "2025年底前", "完成", "负责"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_unit_names_are_their_spans_and_hold_balanced_brackets(clause: str) -> None:
    doc = item_with(clause)
    for measure in doc.measures:
        for unit in measure.units:
            assert doc.text[unit.span.start : unit.span.end] == unit.name
            assert unit.name.count("（") == unit.name.count("）")
            assert "\n" not in unit.name


# -- 11: the level the wording states ----------------------------------------------------------------


def test_city_governments_addressed_by_the_centre_do_not_make_it_municipal() -> None:
    text = "关于推进工作的通知\n各省、自治区、直辖市人民政府：\n各地城市政府要加强领导，市政府负责落实。\n一、任务\n（一）推进建设。"
    assert policytext.parse_text(text).header.level is Level.NATIONAL
    # without the addressees: 城市政府 / 各市政府 are not the issuer's own body, 全省 decides
    text = "全省推进工作。各市政府、城市政府、各市政府要落实。\n一、任务\n（一）推进建设。"
    assert policytext.parse_text(text).header.level is Level.PROVINCIAL


# -- 12, 20: targets -----------------------------------------------------------------------------------


def targets(text: str) -> list[tuple[str, float | None, str, str]]:
    return [(t.text, t.value, t.unit, t.relation) for t in find_targets(text, 0, len(text))]


def test_thousands_separators_and_counted_units_in_targets() -> None:
    assert targets("安排资金1,000万元") == [("1,000万元", 1000.0, "万元", "=")]
    assert targets("投入12,345,678元") == [("12,345,678元", 12345678.0, "元", "=")]
    assert targets("建设1万个站点") == [("1万个", 1.0, "万个", "=")]
    assert targets("培育10万家企业") == [("10万家", 10.0, "万家", "=")]
    assert targets("引进100余家机构") == [("100余家", 100.0, "家", ">")]
    assert targets("新增3万人次，资金1万元") == [("3万人次", 3.0, "万人次", "="), ("1万元", 1.0, "万元", "=")]
    doc = policytext.parse_text("一、目标\n（一）扩大投入。安排资金1,000万元。（责任单位：市财政局）")
    assert [(t.text, t.value) for t in doc.measures[0].targets] == [("1,000万元", 1000.0)]


# -- 16: dates of effect are not deadlines ------------------------------------------------------------


def deadlines(text: str) -> list[str]:
    return [d.text for d in find_deadlines(text, 0, len(text))]


def test_dates_of_effect_are_not_deadlines() -> None:
    assert deadlines("本办法自2025年1月1日起施行。") == []
    assert deadlines("对2018年1月1日后完工的项目给予奖励。") == []
    assert deadlines("于2025年1月1日起实施。") == []
    # deadlines stay: a date with 前, a month, a year end
    assert deadlines("2025年3月1日前完成，对2013年1月1日前发生的") == ["2025年3月1日前", "2013年1月1日前"]
    assert deadlines("自2025年1月起，2025年底前完成") == ["2025年1月", "2025年底前"]


# -- the target scan (fast path) still equals the plain pattern with the new number forms -------------

_TARGET_PIECES = [
    "1",
    "0",
    "5",
    ",",
    ".",
    "/",
    "余",
    "多",
    "万",
    "亿",
    "个",
    "家",
    "元",
    "年",
    "项",
    "以上",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TARGET_PIECES), max_size=30).map("".join))
def test_target_scan_equals_the_pattern_with_separators_and_counted_units(text: str) -> None:
    def kept(pattern: re.Pattern[str]) -> list[tuple[int, int, str, str | None]]:
        return [
            (m.start(), m.end(), m.group("unit"), m.group("more"))
            for m in pattern.finditer(text)
            if not (m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] in "./"))
        ]

    assert kept(_TARGET_SCAN) == kept(_TARGET) == kept(_TARGET_SCAN_BMP)
