"""A table of contents (目录) is not the outline: its entries must not become measures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext.structure.toc import table_of_contents

BODY = """一、总体要求
坚持需求牵引，统筹推进智能工厂建设。
二、重点任务
（一）建设示范工厂。推动重点企业开展数字化改造，形成一批标杆。
（二）培育服务机构。支持服务机构提供诊断咨询服务。
三、保障措施
（一）加强组织领导。建立协调机制，定期调度进展。
"""

TOC = """目 录
一、总体要求{leader}1
二、重点任务{leader}2
（一）建设示范工厂{leader}2
（二）培育服务机构{leader}3
三、保障措施{leader}4
（一）加强组织领导{leader}4
"""


@pytest.mark.parametrize("leader", ["........................", "……………", "··········", "．．．．．．"])
def test_table_of_contents_entries_are_not_measures(leader):
    with_toc = policytext.parse_text("某市智能制造行动方案\n" + TOC.format(leader=leader) + BODY)
    plain = policytext.parse_text("某市智能制造行动方案\n" + BODY)
    assert [m.path for m in with_toc.measures] == [m.path for m in plain.measures]
    assert [m.text for m in with_toc.measures] == [m.text for m in plain.measures]
    assert [s.title for s in with_toc.sections] == ["总体要求", "重点任务", "保障措施"]
    assert with_toc.title == "某市智能制造行动方案"
    toc = table_of_contents(with_toc.text)
    assert toc is not None and with_toc.text[toc.start :].startswith("目")
    assert with_toc.text[toc.end :].startswith("一、总体要求\n坚持")


def test_a_heading_wrapped_inside_the_table_of_contents_is_part_of_it():
    toc = "目录\n一、总体要求........1\n二、加快系统创新，增强融合发展新动能，\n推动重点任务落地........2\n三、保障措施........4\n"
    doc = policytext.parse_text(toc + BODY)
    assert [s.title for s in doc.sections] == ["总体要求", "重点任务", "保障措施"]


def test_two_leader_lines_are_not_a_table_of_contents():
    text = "一、说明........1\n二、附则........2\n" + BODY
    assert table_of_contents(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("目录一二、（）.…·．\n 12345重点任务")), max_size=300))
def test_table_of_contents_span_is_whole_lines_inside_the_text(text):
    found = table_of_contents(text)
    if found is not None:
        assert 0 <= found.start < found.end <= len(text)
        assert found.start == 0 or text[found.start - 1] == "\n"
        assert found.end == len(text) or text[found.end - 1] == "\n"
    if text.strip():  # and the parser takes it as it takes any text
        doc = policytext.parse_text(text)
        assert all(m.span.start >= (found.end if found else 0) for m in doc.measures)
