"""The header parser: 主送 addressees, the issuer of forwarding and reply titles, and the titles
of the shared State Council documents (many broken over two or three lines)."""

from __future__ import annotations

import pytest

import policytext
from tests.conftest import shared_records


def header(text: str):
    return policytext.parse_text(text).header


def test_a_preamble_sentence_is_not_taken_for_addressees() -> None:
    text = (
        "某市人民政府关于加强科技创新工作的意见\n"
        "为进一步发挥科研单位和企业创新主体作用，经市政府同意，现提出如下意见：\n"
        "一、任务\n（一）建设平台。内容。（市科技局负责）"
    )
    assert header(text).addressees == ()


def test_a_short_line_of_agency_names_is_the_addressee() -> None:
    text = (
        "某省人民政府关于同意某部后勤机关迁址新建的批复\n某政函〔2025〕9号\n省军区保障部、省机关事务管理局：\n"
        "关于后勤机关及部分直属单位迁址新建的请示（〔2025〕12号）收悉，现批复如下：\n"
        "同意迁址新建，所需资金自筹解决。\n某省人民政府\n2025年11月5日"
    )
    assert header(text).addressees == ("省军区保障部", "省机关事务管理局")


def test_a_reply_sentence_is_not_taken_for_addressees() -> None:
    text = "某省人民政府关于某事项的批复\n你单位《关于某事项的请示》收悉，现批复如下：\n同意。"
    assert header(text).addressees == ()


@pytest.mark.parametrize(
    "title,issuer",
    [
        ("某省人民政府办公厅转发省地震局关于加强防震减灾工作意见的通知", "某省人民政府办公厅"),
        ("某市人民政府批转市发展改革委关于深化改革意见的通知", "某市人民政府"),
        ("某市人民政府办公室转发市教育局科学教育实施方案的通知", "某市人民政府办公室"),
        ("某省人民政府办公厅对省政协十二届三次会议第105号提案的答复", "某省人民政府办公厅"),
    ],
)
def test_the_issuer_of_a_forwarding_or_reply_title(title: str, issuer: str) -> None:
    found = header(title + "\n正文。")
    assert (found.title, found.issuer) == (title, issuer)


def test_a_title_over_three_lines_gives_title_and_issuer() -> None:
    text = "某省人民政府办公厅关于有效发挥政府性\n融资担保基金作用切实支持小微企业和\n“三农”发展的指导意见\n某政办发〔2025〕6号\n正文。"
    found = header(text)
    assert (
        found.title
        == "某省人民政府办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见"
    )
    assert found.issuer == "某省人民政府办公厅"


#: State Council records (0-based) whose header is not a 公文 header: two decrees (国务院令), whose
#: title comes after the promulgation text.
DECREES = {32, 57}


@pytest.mark.shared
def test_state_council_headers_give_the_full_title_and_an_issuer() -> None:
    wrong = []
    for index, record in enumerate(
        shared_records("state_council_2019/state_council_docs_2019snapshot.jsonl")
    ):
        if index in DECREES:
            continue
        found = policytext.parse_text(record["text"]).header
        expected = record["title"].replace(" ", "")
        # a transmittal (关于印发…的通知) gives the title of the plan it carries, by design
        full = found.title is not None and (
            expected in found.title or ("印发" in expected and found.title in expected)
        )
        if not full or found.issuer != record["issuer"]:
            wrong.append((index, found.title, found.issuer))
    assert wrong == []
