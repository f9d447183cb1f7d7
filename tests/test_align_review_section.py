"""The review part of an upper work report (工作回顾) is no task: not matched, covered or omitted.

Fixture texts are invented, in the style of a provincial 政府工作报告.
"""

from __future__ import annotations

import json

import pytest

import policytext
from policytext.align import AlignIndex, align, split_units
from policytext.align.review import review_headings, review_spans

OPENING = (
    "2026年江南省政府工作报告\n"
    "各位代表：\n"
    "现在，我代表省人民政府向大会报告工作，请予审议，并请省政协委员提出意见。\n"
)
REVIEW = (
    "一、2025年工作回顾\n"
    "过去一年，全省上下砥砺奋进，经济社会发展主要目标任务顺利完成。\n"
    "科技创新能力持续增强。新建省实验室三家，技术合同成交额增长百分之二十，职业教育产教融合试点城市建设取得积极进展。\n"
    "民生保障更加有力。新增城镇就业六十万人，新建改扩建普通高中学校二十所。\n"
    "我们也清醒认识到，发展中还存在不少困难和问题，我们将高度重视，切实加以解决。\n"
)
FORWARD = (
    "二、2026年重点工作\n"
    "今年是“十五五”开局之年。经济增长目标为百分之五左右，城镇新增就业五十万人以上。\n"
    "（一）加快建设科技强省。深化职业教育产教融合，建设市域产教联合体，推进高校学科专业动态调整。\n"
    "（二）着力保障和改善民生。扩大普通高中优质学位供给，健全县域普通高中帮扶机制。\n"
    "三、全面加强政府自身建设\n"
    "我们将坚持依法行政，持续改进作风，努力建设人民满意的服务型政府。\n"
)
REPORT = OPENING + REVIEW + FORWARD

#: A local plan: one measure resembles a review sentence, one a task.
PLAN = (
    "江南市职业教育提质行动方案\n"
    "一、重点任务\n"
    "（一）推进产教融合。建设市域产教联合体，深化职业教育产教融合，推动学科专业动态调整。"
    "（责任单位：市教育局、市人社局）\n"
    "（二）扩大普通高中学位。新建改扩建普通高中学校，扩大优质学位供给。（责任单位：市教育局）\n"
)


def review_texts(text: str) -> list[str]:
    return [u.text for u in split_units(policytext.parse_text(text)) if u.review]


def task_texts(text: str) -> list[str]:
    return [u.text for u in split_units(policytext.parse_text(text)) if not u.review]


# -- recognising the review part -------------------------------------------------------------------
def test_review_section_and_opening_are_review_the_tasks_are_not():
    review = review_texts(REPORT)
    assert any(t.startswith("现在，我代表") for t in review)  # the opening states no task
    assert any(t.startswith("科技创新能力持续增强") for t in review)
    assert any(t.startswith("我们也清醒认识到") for t in review)
    tasks = task_texts(REPORT)
    assert tasks[0].startswith("今年是“十五五”开局之年")  # 主要预期目标 count as tasks
    assert any("深化职业教育产教融合" in t for t in tasks)
    assert any(t.startswith("我们将坚持依法行政") for t in tasks)  # 政府自身建设 is forward
    assert review_headings(policytext.parse_text(REPORT)) == ["2025年工作回顾"]


def test_a_heading_naming_past_and_coming_periods_ends_the_review_inside_it():
    text = OPENING + (
        "一、2025年工作回顾\n"
        "过去一年，全省经济运行稳中有进，各项工作取得新成效。\n"
        "二、“十四五”时期发展成就和“十五五”时期主要目标任务\n"
        "这五年，我们锐意改革，科技创新引领作用更加凸显，研发投入强度达到百分之二点五。\n"
        "这五年，我们以人为本，民生福祉持续增进，累计新增城镇就业三百万人。\n"
        "“十五五”时期是基本实现社会主义现代化夯实基础的关键时期，要加快建设现代化产业体系。\n"
        "根据省委建议，我们编制了规划纲要草案，提出了今后五年的主要目标和重大任务。\n"
        "三、2026年重点工作\n"
        "今年要扎实推进科技创新和产业创新深度融合，建设一批概念验证中心。\n"
    )
    review = review_texts(text)
    assert [t[:4] for t in review[-2:]] == ["这五年，", "这五年，"]
    tasks = task_texts(text)
    assert tasks[0].startswith("“十五五”时期是基本实现")
    assert any(t.startswith("根据省委建议") for t in tasks)


def test_a_single_year_with_its_main_work_is_still_a_review():
    text = OPENING + (
        "一、2025年主要工作和“十四五”发展成就\n"
        "2025年是极不平凡的一年，我们坚持稳中求进，全省生产总值增长百分之五点五。\n"
        "五年来，我们一体推进教育科技人才发展，新建高水平大学两所。\n"
        "二、“十五五”时期的主要目标任务\n"
        "“十五五”时期，要加快建设教育强省、科技强省、人才强省，建设高水平创新平台。\n"
    )
    assert [t[:5] for t in review_texts(text)[1:]] == ["2025年", "五年来，我"]
    assert task_texts(text)[0].startswith("“十五五”时期，要加快")


def test_unnumbered_part_headings_over_numbered_tasks():
    """Parts headed by plain lines, numbered items (（一）…) only inside the task part."""
    text = OPENING + (
        "“十四五”时期工作回顾\n"
        "五年来，全省地区生产总值迈上新台阶，科技创新能力显著增强，新建国家重点实验室两家。\n"
        "五年来，我们持续改善民生，城乡居民收入年均增长百分之六。\n"
        "2026年重点工作\n"
        "重点抓好以下几个方面工作：\n"
        "（一）加快建设现代化产业体系。实施重点产业链提升行动，培育先进制造业集群。\n"
        "（二）加大保障和改善民生力度。实施就业优先战略，办好人民满意的教育。\n"
    )
    assert [t[:4] for t in review_texts(text)[1:]] == ["五年来，", "五年来，"]
    assert task_texts(text)[0].startswith("（一）加快建设现代化产业体系")


def test_a_rhetorical_review_title_with_achievement_words():
    text = OPENING + (
        "一、一年接着一年干，全省建设持续取得新进展新成效\n"
        "2025年是“十四五”收官之年。一年来，我们坚持高质量发展，全省经济总量迈上新台阶。\n"
        "二、一鼓作气勇争先，全力推动“十五五”开好局、起好步\n"
        "2026年是“十五五”开局之年，要加快建设现代化产业体系，扎实推进共同富裕。\n"
    )
    assert review_texts(text)[-1].startswith("2025年是“十四五”收官之年")
    assert task_texts(text) == ["2026年是“十五五”开局之年，要加快建设现代化产业体系，扎实推进共同富裕。"]


def test_an_older_report_with_an_unheaded_review_opening():
    past = "".join(
        f"去年第{n}项工作取得明显成效，各项指标全面完成，人民生活继续改善。\n" for n in range(1, 6)
    )
    text = (
        "现在，我代表国务院向大会作政府工作报告，请予审议。\n"
        + past
        + "一、扩大和培育内需，促进经济较快增长\n"
        "今年要继续实施积极的财政政策，扩大国内需求，保持经济较快增长。\n"
    )
    assert len(review_texts(text)) == 6
    assert task_texts(text) == ["今年要继续实施积极的财政政策，扩大国内需求，保持经济较快增长。"]


@pytest.mark.parametrize(
    "text",
    [
        PLAN,
        # a plan that opens on its general requirements
        "关于推进产教融合的实施方案\n一、总体要求\n以习近平新时代中国特色社会主义思想为指导，深化产教融合。\n"
        "二、重点任务\n（一）建设产教联合体。推动校企共建实训基地，培养高技能人才。\n",
        # a notice whose last part is called 总结: the review must open the document
        "关于开展质量提升行动的通知\n一、工作内容\n各地要组织开展质量提升行动，加强标准引领和质量监管。\n"
        "二、总结评估\n各地要及时总结行动进展成效，年底前报送工作总结。\n",
        # a law: 总则 first
        "某某条例\n第一章 总则\n第一条 为了促进科学技术进步，制定本条例。\n第二条 本条例适用于本省行政区域。\n"
        "第三条 县级以上人民政府应当加强领导。\n",
    ],
)
def test_documents_that_do_not_open_with_a_review_have_none(text):
    doc = policytext.parse_text(text)
    assert review_spans(doc) == []
    assert not any(u.review for u in split_units(doc))


def test_a_line_broken_inside_a_sentence_is_no_heading():
    """A fragment such as «“十五五”规划和远景目标» wrapped out of a review sentence does not end
    the review (it would, read as a forward-looking heading)."""
    text = OPENING + (
        "一、过去五年的工作\n"
        "五年来，我们召开多次全会，分别就制定\n"
        "“十四五”规划和远景目标\n"
        "，全面总结重大成就等问题作出决定，各项事业取得历史性成就。\n"
        "二、今后五年的主要任务\n"
        "今后五年要加快建设现代化经济体系，推动高质量发展。\n"
    )
    assert task_texts(text) == ["今后五年要加快建设现代化经济体系，推动高质量发展。"]


# -- alignment -----------------------------------------------------------------------------------
def test_review_units_are_neither_matched_nor_covered_nor_omitted():
    report = policytext.parse_text(REPORT)
    result = align(policytext.parse_text(PLAN), [report], levels=["provincial"])
    units = split_units(report)
    tasks = [u for u in units if not u.review]
    assert len(tasks) < len(units)
    whole = next(c for c in result.coverage if c.section is None)
    assert whole.n_units == len(tasks)
    assert all("回顾" not in (c.section or "") for c in result.coverage)
    assert {u.index for u in result.omitted} <= {u.index for u in tasks}
    assert all(not units[m.upper.index].review for m in result.matches)
    # the 普通高中 measure resembles the review's 新建改扩建普通高中学校 and takes up the task
    high_school = [m for m in result.matches if m.lower.label.endswith("（二）")]
    assert high_school and high_school[0].upper.text.startswith("（二）着力保障和改善民生")
    assert result.parameters["upper_review_units"] == len(units) - len(tasks)


def test_a_saved_index_keeps_the_review_flags(tmp_path):
    index = AlignIndex.build([policytext.parse_text(REPORT)])
    loaded = AlignIndex.load(index.save(tmp_path / "report.index"))
    assert [u.review for u in loaded.units] == [u.review for u in index.units]
    assert any(u.review for u in loaded.units)


# -- real reports ----------------------------------------------------------------------------------
PROVINCIAL = "provincial_gwr_2026/provincial_gov_work_reports_2026.jsonl"


@pytest.fixture(scope="module")
def provincial_reports(shared):
    with (shared / PROVINCIAL).open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return {r["province"]: policytext.parse_text(r["full_text"]) for r in records}


@pytest.mark.shared
def test_every_provincial_report_has_a_review_before_its_tasks(provincial_reports):
    assert len(provincial_reports) == 31
    for province, doc in provincial_reports.items():
        spans = review_spans(doc)
        assert len(spans) == 1 and spans[0].start == 0, province
        units = split_units(doc, "paragraph")
        assert sum(u.review for u in units) >= 10, province
        for unit in units:
            section = unit.section or ""
            if "回顾" in section or "工作总结" in section:
                assert unit.review, (province, section, unit.text[:20])
            if "2026年" in section or ("十五五" in section and "十四五" not in section):
                assert not unit.review, (province, section, unit.text[:20])


@pytest.mark.shared
def test_hubei_review_is_left_out_of_the_plan_coverage(provincial_reports, plan):
    hubei = provincial_reports["湖北省"]
    result = align(plan, [hubei], levels=["provincial"])
    units = split_units(hubei)
    review = [u for u in units if u.review]
    assert {u.section for u in review} == {None, "一、“十四五”时期和2025年工作回顾"}
    whole = next(c for c in result.coverage if c.section is None)
    assert whole.n_units == len(units) - len(review)
    assert all("工作回顾" not in (u.section or "") for u in result.omitted)
    assert all("工作回顾" not in (m.upper.section or "") for m in result.matches)
