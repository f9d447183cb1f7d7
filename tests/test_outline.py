"""Outline repairs on plans with broken numbering (texts written for these tests)."""

import policytext


def test_a_list_item_whose_first_sibling_is_missing_is_not_nested_under_the_item_before():
    # （一） is missing in 二、: （二） and （三） keep the depth their style had under 一、, so the
    # numbered items around them stay siblings instead of becoming their parents
    text = (
        "一、总体要求\n（一）指导思想。坚持创新驱动。\n（二）工作目标。到2025年建成体系。\n"
        "二、重点任务\n1.培育领军企业。支持企业建设创新中心。\n2.引进创新团队。吸引人才落户。\n"
        "（二）实施场景赋能工程。推动应用示范。\n3.推动产品研发。培育创新产品。\n"
        "（三）实施平台提升工程。建设公共平台。\n4.加强协同创新。共建研发平台。\n"
    )
    doc = policytext.parse_text(text)
    paths = [m.path for m in doc.measures]
    assert ("二、", "（二）") in paths and ("二、", "（三）") in paths
    assert [p for p in paths if p[0] == "二、"] == [
        ("二、", "1."),
        ("二、", "2."),
        ("二、", "（二）"),
        ("二、", "3."),
        ("二、", "（三）"),
        ("二、", "4."),
    ]


def test_a_nested_list_that_starts_at_one_still_nests():
    text = "一、任务\n（一）建设平台。\n1.建设实验室。\n2.建设中心。\n（二）培养人才。\n1.引进人才。\n"
    paths = [m.path for m in policytext.parse_text(text).measures]
    assert paths == [("一、", "（一）", "1."), ("一、", "（一）", "2."), ("一、", "（二）", "1.")]
