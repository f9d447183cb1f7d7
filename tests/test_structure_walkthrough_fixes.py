"""Walkthrough fixes in structure: the level and issuer of government work reports, each unit's own
role in （A牵头、B配合）, and a document's own title not counted as a citation.

Fixture texts are invented (places such as 江川省 and 清河市 do not exist); the shared tests read
the real reports from the shared corpora.
"""

from __future__ import annotations

import json

import pytest

from policytext import parse_text, read
from policytext.model import Level, Role
from tests.conftest import PLAN_PATH, SHARED

# -- government work reports: issuer and level ------------------------------------------------

# The review of the year speaks of 全国 more often than of 全省: the wording alone says national.
_REVIEW = (
    "一、2025年工作回顾\n"
    "过去一年，全国经济回升向好，全国物价总体稳定，我们的增速高于全国平均水平，"
    "多项指标位居全国前列。\n"
    "二、2026年工作安排\n"
    "（一）扩大有效投资。推进重大项目建设。\n"
)


def _report(title: str, congress: str, reports_for: str, body: str = _REVIEW) -> str:
    return f"{title}\n——2026年1月20日在{congress}人民代表大会第四次会议上\n各位代表：\n现在，我代表{reports_for}，向大会报告工作，请予审议。\n{body}"


def test_provincial_report_takes_the_province_from_its_title() -> None:
    doc = parse_text(_report("2026年江川省人民政府工作报告", "江川省第十四届", "省人民政府"))
    assert doc.header.issuer == "江川省人民政府"
    assert doc.header.level is Level.PROVINCIAL


def test_report_without_a_place_in_its_title_takes_it_from_the_congress_line() -> None:
    # the subtitle broken over two lines, as web pages print it
    text = _report("政府工作报告", "广西壮族自治区第十四届\n", "自治区人民政府")
    doc = parse_text(text)
    assert doc.header.issuer == "广西壮族自治区人民政府"
    assert doc.header.level is Level.PROVINCIAL


def test_report_of_a_municipality_directly_under_the_centre_is_provincial() -> None:
    body = "一、2025年工作回顾\n全市经济稳中有进，全市居民收入增长，我市创新能力提升。\n二、2026年工作安排\n（一）扩大有效投资。推进重大项目建设。\n"
    doc = parse_text(_report("2026年上海市政府工作报告", "上海市第十六届", "上海市人民政府", body))
    assert doc.header.issuer == "上海市人民政府"
    assert doc.header.level is Level.PROVINCIAL


def test_short_form_of_the_government_is_the_full_name() -> None:
    doc = parse_text(_report("2026年江川省政府工作报告", "江川省第十四届", "省政府"))
    assert doc.header.issuer == "江川省人民政府"


def test_report_of_a_prefecture_level_city_stays_municipal() -> None:
    body = (
        "一、2025年工作回顾\n全市经济稳中有进。\n二、2026年工作安排\n（一）扩大有效投资。推进重大项目建设。\n"
    )
    doc = parse_text(_report("2026年清河市政府工作报告", "清河市第九届", "市人民政府", body))
    assert doc.header.issuer == "清河市人民政府"
    assert doc.header.level is Level.MUNICIPAL


def test_place_of_another_kind_is_not_taken() -> None:
    # 我代表省人民政府 with a city in the title: the body stays as printed, still provincial
    doc = parse_text(_report("2026年清河市政府工作报告", "清河市第九届", "省人民政府"))
    assert doc.header.issuer == "省人民政府"
    assert doc.header.level is Level.PROVINCIAL


def test_national_report_is_issued_by_the_state_council() -> None:
    text = "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n" + _REVIEW
    doc = parse_text(text)
    assert doc.header.issuer == "国务院"
    assert doc.header.level is Level.NATIONAL


@pytest.mark.parametrize(
    "opening",
    [
        "我代表市委、市政府，向各位企业家表示衷心感谢。",  # a speech: not a body alone
        "我代表市政府向各位来宾表示热烈欢迎。",  # no report to a congress
        "我代表市委和市政府，向大会报告工作。",  # the party committee too: not the government alone
    ],
)
def test_a_speech_is_not_a_report(opening: str) -> None:
    text = f"在清河市招商大会上的讲话\n各位来宾：\n{opening}\n一、抓招商\n（一）优化营商环境。全市上下要行动起来。\n"
    assert parse_text(text).header.issuer is None


# -- roles: each unit takes the verb printed after its own group ---------------------------------

_CLAUSES = (
    "一、重点任务\n"
    "（一）建设实训基地。建成一批公共实训基地。（市教育局牵头、市人社局配合）\n"
    "（二）完善评价机制。健全分类评价体系。（市教育局、市科技局牵头，市人社局配合）\n"
    "（三）强化资金保障。统筹各类专项资金。（市科技局牵头，市财政局、市人社局参与）\n"
    "（四）加强宣传引导。营造良好舆论氛围。（市教育局负责、市人社局协助）\n"
    "（五）优化服务流程。推行一站式服务。（责任单位：市教育局牵头、市人社局配合）\n"
    "（六）推进数据共享。打通部门数据壁垒。（市教育局、市科技局牵头、市人社局、市财政局配合）\n"
)


def _roles(number: int) -> list[tuple[str, Role]]:
    doc = parse_text(_CLAUSES)
    return [(unit.name, unit.role) for unit in doc.measures[number].units]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, [("市教育局", Role.LEAD), ("市人社局", Role.SUPPORT)]),
        (1, [("市教育局", Role.LEAD), ("市科技局", Role.LEAD), ("市人社局", Role.SUPPORT)]),
        (2, [("市科技局", Role.LEAD), ("市财政局", Role.SUPPORT), ("市人社局", Role.SUPPORT)]),
        # 负责 gives no role of its own (as in （A负责，B协助））; 协助 supports
        (3, [("市教育局", Role.UNSPECIFIED), ("市人社局", Role.SUPPORT)]),
        (4, [("市教育局", Role.LEAD), ("市人社局", Role.SUPPORT)]),
        (
            5,
            [
                ("市教育局", Role.LEAD),
                ("市科技局", Role.LEAD),
                ("市人社局", Role.SUPPORT),
                ("市财政局", Role.SUPPORT),
            ],
        ),
    ],
)
def test_each_unit_takes_the_role_of_its_own_verb(number: int, expected: list[tuple[str, Role]]) -> None:
    assert _roles(number) == expected


def test_unit_spans_still_point_at_the_names() -> None:
    doc = parse_text(_CLAUSES)
    for measure in doc.measures:
        for unit in measure.units:
            assert doc.text[unit.span.start : unit.span.end] == unit.name


# -- citations: the document's own title is not a cited document --------------------------------

_TRANSMITTAL = (
    "清河市人民政府办公室关于印发清河市数字乡村建设行动方案的通知\n"
    "清政办发〔2025〕3号\n"
    "各镇人民政府，市直各单位：\n"
    "现将《清河市数字乡村建设行动方案》印发给你们，请认真贯彻落实。\n"
    "清河市人民政府办公室\n"
    "2025年3月1日\n"
    "清河市数字乡村建设行动方案\n"
    "一、总体要求\n"
    "（一）指导思想。深入落实《数字乡村发展战略纲要》，加快乡村数字化。（市委网信办牵头，市农业农村局配合）\n"
    "二、保障措施\n"
    "（一）动态评估。适时修订《清河市数字乡村建设行动方案》。（市农业农村局牵头，市财政局配合）\n"
)


def test_own_title_is_dropped_from_document_and_measure_citations() -> None:
    doc = parse_text(_TRANSMITTAL)
    assert doc.header.title == "清河市数字乡村建设行动方案"
    assert [c.title for c in doc.citations] == ["数字乡村发展战略纲要"]
    assert [[c.title for c in m.citations] for m in doc.measures] == [["数字乡村发展战略纲要"], []]


def test_own_title_inside_a_transmittal_wrapper_is_dropped() -> None:
    # only the notice's own title in the header: the plan's title is inside 关于印发…的通知
    text = (
        "关于印发《清河市“十四五”人才发展规划》的通知\n"
        "各镇人民政府：\n"
        '现将《清河市"十四五"人才发展规划》印发给你们，请结合《江川省人才发展条例》认真执行。\n'
        "一、总体要求\n（一）加强统筹。建立工作机制。\n"
    )
    doc = parse_text(text)
    assert doc.header.title == "关于印发《清河市“十四五”人才发展规划》的通知"
    assert [c.title for c in doc.citations] == ["江川省人才发展条例"]


def test_own_title_with_inner_title_marks_is_dropped() -> None:
    text = (
        "江川省实施《中华人民共和国教育法》办法\n"
        "《江川省实施〈中华人民共和国教育法〉办法》已由江川省人民代表大会常务委员会通过，现予公布。\n"
        "第一条 为了实施《中华人民共和国教育法》，结合本省实际，制定本办法。\n"
        "第二条 本省行政区域内的教育活动，适用本办法。\n"
    )
    doc = parse_text(text)
    # the law named in the title line and in 第一条 is cited; the 公布 line's own title is not
    assert [c.title for c in doc.citations] == ["中华人民共和国教育法", "中华人民共和国教育法"]


def test_own_title_without_its_issuer_is_dropped() -> None:
    text = (
        "江川省高级人民法院关于审理科技成果转化纠纷案件若干问题的解释\n"
        "为正确审理科技成果转化纠纷案件，根据《中华人民共和国促进科技成果转化法》，制定本解释。\n"
        "第一条 本院《关于审理科技成果转化纠纷案件若干问题的解释》适用于全省各级人民法院。\n"
        "第二条 本解释自公布之日起施行。\n"
    )
    doc = parse_text(text)
    assert [c.title for c in doc.citations] == ["中华人民共和国促进科技成果转化法"]


def test_a_document_citing_other_titles_keeps_them_all() -> None:
    text = "关于加快数字乡村建设的意见\n一、总体要求\n（一）落实《数字乡村发展战略纲要》和《数字乡村发展行动计划》。\n"
    doc = parse_text(text)
    assert [c.title for c in doc.citations] == ["数字乡村发展战略纲要", "数字乡村发展行动计划"]


def test_bundled_plan_does_not_cite_itself() -> None:
    doc = read(PLAN_PATH)
    titles = [c.title for c in doc.citations]
    assert doc.header.title not in titles
    assert titles == ["湖北省“青年拔尖人才培养计划”实施方案"]
    assert doc.header.level is Level.MUNICIPAL


# -- the real reports ---------------------------------------------------------------------------

_PROVINCIAL = SHARED / "provincial_gwr_2026" / "provincial_gov_work_reports_2026.jsonl"


@pytest.mark.shared
def test_all_31_provincial_reports_are_provincial_with_their_government_as_issuer() -> None:
    provinces = [json.loads(line)["province"] for line in _PROVINCIAL.open(encoding="utf-8")]
    assert len(provinces) == 31
    found = []
    for index in range(len(provinces)):
        header = read(_PROVINCIAL, record=index).header
        found.append((header.level, header.issuer))
    assert found == [(Level.PROVINCIAL, f"{province}人民政府") for province in provinces]


@pytest.mark.shared
@pytest.mark.parametrize(
    ("record", "issuer"), [(0, "上海市人民政府"), (5, "四川省人民政府"), (12, "广西壮族自治区人民政府")]
)
def test_walkthrough_reports(record: int, issuer: str) -> None:
    header = read(_PROVINCIAL, record=record).header
    assert (header.level, header.issuer) == (Level.PROVINCIAL, issuer)


@pytest.mark.shared
def test_national_reports_stay_national() -> None:
    from policytext.pipeline import read_records

    path = SHARED / "national" / "government_work_reports.jsonl"
    docs = [doc for doc in read_records(path) if not isinstance(doc, Exception)]
    reports = [doc for doc in docs if doc.metadata.get("year") and doc.metadata["year"] != "1954"]
    assert len(reports) >= 50
    assert {doc.header.level for doc in reports} == {Level.NATIONAL}
    issuers = {doc.header.issuer for doc in reports}
    assert issuers <= {"国务院", "中华人民共和国国务院", None}
    assert sum(doc.header.issuer == "国务院" for doc in reports) >= 40


# Found in review: 牵头负责 is a lead, and a forwarded document (转发/批转) is cited.


def test_lead_and_take_charge_is_a_lead() -> None:
    doc = parse_text(
        "一、总体要求\n（一）加强建设。完善体系。（市发改委牵头负责、市财政局配合）\n"
        "（二）推进改革。（市教育局牵头负责，市人社局配合）\n"
    )
    roles = [[(unit.name, unit.role.value) for unit in measure.units] for measure in doc.measures]
    assert roles == [[("市发改委", "lead"), ("市财政局", "support")], [("市教育局", "lead"), ("市人社局", "support")]]


def test_a_forwarded_document_stays_cited() -> None:
    doc = parse_text(
        "某市人民政府办公室关于转发省政府关于加强安全生产工作的意见的通知\n各区：\n"
        "现将《省政府关于加强安全生产工作的意见》转发给你们，请认真贯彻执行。\n一、加强领导。\n二、落实责任。\n"
    )
    assert [citation.title for citation in doc.citations] == ["省政府关于加强安全生产工作的意见"]
