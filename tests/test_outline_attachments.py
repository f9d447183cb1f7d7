"""A list of attachments (附件：1.… / 2.…) is not part of the outline.

Texts written for these tests, in the shape of a 印发 notice followed by its plan.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from policytext.pipeline import parse_text

PLAN = (
    "某某方案\n一、总体要求\n（一）加强师资队伍建设。完善教师培训体系。\n（二）推进产教融合。建设实训基地。\n"
    "二、保障措施\n（一）加强组织领导。\n"
)
NOTICE = (
    "关于印发某某方案的通知\n各区县人民政府：\n现将方案印发给你们，请认真贯彻执行。\n"
    "附件：1.重点任务清单\n2.责任分工表\n某某市人民政府\n2025年3月1日\n"
)
PATHS = [("一、", "（一）"), ("一、", "（二）"), ("二、", "（一）")]


def _paths(text: str) -> list[tuple[str, ...]]:
    return [measure.path for measure in parse_text(text).measures]


def test_a_notice_listing_its_attachments_does_not_swallow_the_plan() -> None:
    # "2.责任分工表" was the first item, and the whole plan became its children
    doc = parse_text(NOTICE + PLAN)
    assert [measure.path for measure in doc.measures] == PATHS
    assert doc.header.date == "2025-03-01"


def test_an_attachment_list_at_the_end_adds_no_items() -> None:
    doc = parse_text(PLAN + "附件：\n1.重点任务清单\n2.责任分工表\n")
    assert [measure.path for measure in doc.measures] == PATHS
    assert "附件" not in doc.measures[-1].text


def test_numbered_lines_that_do_not_continue_the_list_stay_items() -> None:
    # a sentence end, or a number out of sequence, is not an attachment entry
    text = "某某方案\n附件：1.重点任务清单\n3.推进改革。具体如下。\n一、总体要求\n（一）加强建设。\n"
    doc = parse_text(text)
    assert [measure.path[0] for measure in doc.measures][:1] == ["3."]
    text = "某某方案\n附件：重点任务清单\n1.完善制度\n2.强化考核\n"
    assert _paths(text) == [("1.",), ("2.",)]


@given(st.lists(st.text(alphabet="任务清单分工表明细汇总", min_size=1, max_size=20), min_size=1, max_size=6))
def test_any_attachment_list_leaves_the_measures_unchanged(names: list[str]) -> None:
    listing = "附件：" + "\n".join(f"{number}.{name}" for number, name in enumerate(names, start=1)) + "\n"
    assert _paths(NOTICE.replace("附件：1.重点任务清单\n2.责任分工表\n", listing) + PLAN) == PATHS
    assert _paths(PLAN.rstrip("\n") + "\n" + listing) == PATHS
