"""Normalisation: canonical forms, idempotence, and property tests of the parser built on it."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policytext
from policytext.normalize import normalize

CASES = [
    ("(一)加强学科建设:支持 １０ 所学校 。", "（一）加强学科建设：支持10所学校。"),
    ("（责任单位:市委组织部(市人才办)、市教育局)", "（责任单位：市委组织部（市人才办）、市教育局）"),
    ("鲁政发[2023]5号", "鲁政发〔2023〕5号"),
    ("国办发（2019）3号", "国办发〔2019〕3号"),
    ("１．支持企业。分别给予 １０００ 万 元", "1.支持企业。分别给予1000万元"),
    ("\u3000\u30001\ue010突破关键技术", "1.突破关键技术"),
    ("各管理区,镇人民政府,市直有关单位:", "各管理区，镇人民政府，市直有关单位："),
    ("下载 打印 全屏 收藏 【字号：加大 还原 减小】\n正文", "正文"),
    ("AI Lab 与 MoE 模型", "AI Lab与MoE模型"),
    ("见 http://www.gov.cn 网站，时间10:30，金额1,000元", "见http://www.gov.cn网站，时间10:30，金额1,000元"),
    ("## 第一章  总则\n\n第一条　为了规范", "第一章总则\n第一条为了规范"),
    ("\ufeff正文\r\n第二行\r\n", "正文\n第二行"),
]


@pytest.mark.parametrize("raw,expected", CASES)
def test_canonical_forms(raw, expected):
    assert normalize(raw) == expected


def test_related_links_footer_is_dropped(plan):
    assert not plan.text.endswith("相关链接：")
    assert "相关解读" not in plan.text


def test_broken_heading_line_is_joined():
    text = "一、深入实施科教兴国战略，强化高质量发展的\n基础支撑\n（一）加快建设。具体内容。"
    assert normalize(text).split("\n")[0] == "一、深入实施科教兴国战略，强化高质量发展的基础支撑"


def test_a_short_heading_is_not_joined_with_its_paragraph():
    text = "一、总体要求\n坚持创新。"
    assert normalize(text) == text


POLICY_ALPHABET = st.sampled_from(
    list("一二三四五六七八九十（）()【】[]〔〕、，,；;：:。.市省局委厅牵头责任单位配合参加负责年月日底前第章条号 \n\t\u3000１２３0123456789%/")
)
policy_like = st.lists(st.one_of(POLICY_ALPHABET, st.characters()), max_size=400).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_like)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policy_like)
def test_parse_spans_are_valid_and_parsing_is_idempotent(text):
    doc = policytext.parse_text(text)
    n = len(doc.text)
    for node in doc.outline_nodes():
        assert 0 <= node.span.start <= node.span.end <= n
        assert node.span.of(doc.text).startswith(node.label) or node.style == "arabic"
    for measure in doc.measures:
        assert measure.span.of(doc.text) == measure.text
        for unit in measure.units:
            assert unit.span.of(doc.text) == unit.name
        for item in (*measure.deadlines, *measure.targets, *measure.citations):
            assert 0 <= item.span.start <= item.span.end <= n
    again = policytext.parse_text(doc.text)
    assert again.text == doc.text
    assert [m.path for m in again.measures] == [m.path for m in doc.measures]
    assert [[u.name for u in m.units] for m in again.measures] == [[u.name for u in m.units] for m in doc.measures]


ADVERSARIAL = [
    "（" * 20000,
    "（责任单位：" + "市教育局、" * 5000,
    "1." * 20000,
    "第" * 20000 + "条",
    "一、" + "（一）" * 5000,
    "2025年" * 10000,
    "《" * 10000 + "》" * 10000,
    ("市教育局牵头，" * 3000) + "）",
    "不低于" * 10000 + "1",
    "a " * 50000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_no_catastrophic_backtracking(text):
    start = time.perf_counter()
    policytext.parse_text(text)
    assert time.perf_counter() - start < 10


def test_one_million_character_single_line():
    text = ("推进产教融合，支持企业与高校共建产业学院（责任单位：市教育局）。" * 32000)[:1_000_000]
    doc = policytext.parse_text(text)
    assert len(doc.text) > 900_000


def test_bracket_completed_by_a_joined_heading_line_is_made_full_width():
    # found by hypothesis: U+0085 (a line break) split "（…)" over two lines; the broken-heading
    # join put ")" back on the line after brackets had been paired, so a second pass changed it
    text = "一、（牵头单位：ＡＡ\x85)\n"
    once = normalize(text)
    assert once == "一、（牵头单位：AA）"
    assert normalize(once) == once
