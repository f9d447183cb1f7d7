"""PMC index: automatic 0/1 sub-variables with evidence, overrides, grades, surface, table and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext.cli import main
from policytext.errors import ConfigurationError, PolicyTextError
from policytext.instruments import PMCScheme, classify, plot_pmc_surface, pmc_score, pmc_table

#: A fictional provincial plan written for these tests (云岭省 does not exist).
YUNLING_TEXT = """云岭省人民政府办公厅
关于推进智能制造发展的实施方案（2024—2030年）
云政办发〔2024〕9号
各市人民政府，省政府各部门：
现将《关于推进智能制造发展的实施方案（2024—2030年）》印发给你们，请认真贯彻落实。
2024年5月6日
为贯彻落实《中国制造2025》，制定本方案。到2026年，培育智能工厂50家；到2030年，全省智能制造水平显著提升。
一、重点任务
（一）加大财政奖补。对认定的智能工厂给予最高300万元奖补，落实研发费用加计扣除等税收优惠。（责任单位：省财政厅、省工业和信息化厅；2025年底前）
（二）强化金融服务。设立智能制造产业基金，鼓励银行开展设备融资租赁和信用贷款。（责任单位：省地方金融管理局）
（三）严格考核问责。将智能制造纳入年度考核，对弄虚作假的企业追回奖补资金并通报。（责任单位：省工业和信息化厅）
"""


@pytest.fixture(scope="module")
def yunling():
    return policytext.parse_text(YUNLING_TEXT)


@pytest.fixture(scope="module")
def plan_pmc(plan):
    return pmc_score(plan)


def _sub(result, sid):
    return next(s for s in result.subscores if s.id == sid)


def test_arithmetic_of_the_index(plan_pmc):
    scheme = plan_pmc.scheme
    assert [v.id for v in scheme.variables] == [f"X{i}" for i in range(1, 11)]
    for variable in scheme.variables:
        subs = [s.score for s in plan_pmc.subscores if s.variable == variable.id]
        assert len(subs) == len(variable.subvariables)
        assert plan_pmc.variables[variable.id] == pytest.approx(sum(subs) / len(subs))
    assert plan_pmc.pmc == pytest.approx(sum(plan_pmc.variables.values()))
    assert 0 <= plan_pmc.pmc <= 10
    band = next(g for g in scheme.grades if plan_pmc.pmc >= g.min)
    assert (plan_pmc.grade, plan_pmc.grade_zh) == (band.grade, band.grade_zh)


def test_plan_scores_follow_the_parsed_document(plan, plan_pmc):
    # 潜江 is a municipal plan issued by 市人民政府办公室, dated, with a clause on every measure
    assert _sub(plan_pmc, "X3:3").score == 1 and _sub(plan_pmc, "X3:1").score == 0
    assert _sub(plan_pmc, "X3:4").score == 1
    assert _sub(plan_pmc, "X10:1").score == 1
    assert _sub(plan_pmc, "X5:3").evidence[0].text == "20/20 measures name responsible units"
    # X8 agrees with the instrument coding of the same document
    types = {t for m in classify(plan).measures for t in m.types}
    for sid, type_id in (("X8:1", "supply"), ("X8:2", "environment"), ("X8:3", "demand")):
        assert _sub(plan_pmc, sid).score == (1 if type_id in types else 0)
    # a 印发通知 names the plan itself in 《》: that is not a citation of an upper document
    assert all(plan.header.title not in hit.text for hit in _sub(plan_pmc, "X5:1").evidence)


def test_evidence_spans_point_into_the_text(plan, plan_pmc):
    n_with_span = 0
    for sub in plan_pmc.subscores:
        assert (sub.auto == 1) == bool(sub.evidence)
        for hit in sub.evidence:
            if hit.span is not None and sub.variable not in ("X8", "X6"):
                assert plan.text[hit.span.start : hit.span.end] == hit.text
                n_with_span += 1
    assert n_with_span > 10


def test_fixture_document(yunling):
    result = pmc_score(yunling)
    assert yunling.header.level.value == "provincial"
    assert _sub(result, "X3:2").score == 1
    # base year 2024 (header date): 2025年底前 is short term, 到2026年 short, 到2030年 long term
    assert _sub(result, "X2:1").score == 1
    assert _sub(result, "X2:3").score == 1
    assert any("2030" in h.text for h in _sub(result, "X2:1").evidence)
    assert _sub(result, "X6:2").score == 1  # 加计扣除
    assert _sub(result, "X6:3").score == 1  # 产业基金, 贷款
    assert _sub(result, "X6:5").score == 1  # 追回, 通报
    assert _sub(result, "X1:2").score == 1  # 考核, 问责
    assert _sub(result, "X5:1").score == 1
    assert any("中国制造2025" in h.text for h in _sub(result, "X5:1").evidence)


def test_overrides(plan, plan_pmc):
    before = _sub(plan_pmc, "X6:2")
    assert before.auto == 0
    after = pmc_score(plan, overrides={"X6:2": 1, "X4:1": 0})
    changed = _sub(after, "X6:2")
    assert (changed.auto, changed.score, changed.overridden) == (0, 1.0, True)
    n6 = len(plan_pmc.scheme.variables[5].subvariables)
    expected = plan_pmc.variables["X6"] + 1 / n6
    assert after.variables["X6"] == pytest.approx(expected)
    assert after.pmc == pytest.approx(plan_pmc.pmc + 1 / n6 - 1 / 6)
    with pytest.raises(ConfigurationError, match="unknown PMC sub-variable"):
        pmc_score(plan, overrides={"X6": 1})
    with pytest.raises(ConfigurationError, match=r"\[0, 1\]"):
        pmc_score(plan, overrides={"X6:2": 2})


def test_grade_bands_are_configurable(plan, plan_pmc):
    strict = PMCScheme.load().with_grades([(9.9, "perfect"), (0, "poor", "不良")])
    result = pmc_score(plan, strict)
    assert result.pmc == pytest.approx(plan_pmc.pmc)
    assert result.grade == "poor" and result.grade_zh == "不良"


def test_custom_scheme_from_dict(plan):
    scheme = PMCScheme.from_dict(
        {
            "variables": [
                {"id": "A", "subvariables": [
                    {"id": "A:1", "rules": [{"rule": "terms", "patterns": ["人才"], "min": 3}]},
                    {"id": "A:2", "rules": [{"rule": "terms", "patterns": ["re:区块链\\d"]}]},
                ]},
                {"id": "B", "subvariables": [
                    {"id": "B:1", "all": True, "rules": [{"rule": "level", "levels": ["municipal"]}, {"rule": "targets", "min": 1}]},
                ]},
            ],
            "grades": [{"min": 1.5, "grade": "good"}, {"min": 0, "grade": "weak"}],
            "surface": [["A", "B"]],
        }
    )  # fmt: skip
    result = pmc_score(plan, scheme)
    assert result.variables == {"A": 0.5, "B": 1.0}
    assert result.grade == "good"
    assert result.matrix().tolist() == [[0.5, 1.0]]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"variables": []}, "non-empty 'variables'"),
        (
            {"variables": [{"id": "A", "subvariables": [{"id": "A:1", "rules": [{"rule": "magic"}]}]}]},
            "unknown rule",
        ),
        (
            {
                "variables": [
                    {
                        "id": "A",
                        "subvariables": [{"id": "A:1", "rules": [{"rule": "terms", "patterns": ["re:("]}]}],
                    }
                ]
            },
            "bad regular",
        ),
        ({"variables": [{"id": "A", "subvariables": [{"id": "A:1"}, {"id": "A:1"}]}]}, "repeated"),
        (
            {"variables": [{"id": "A", "subvariables": [{"id": "A:1"}]}], "surface": [["Z"]]},
            "unknown variables",
        ),
    ],
)
def test_bad_schemes(data, message):
    with pytest.raises(ConfigurationError, match=message):
        PMCScheme.from_dict(data)


def test_scheme_file_errors(tmp_path):
    with pytest.raises(ConfigurationError, match="not found"):
        PMCScheme.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot read PMC scheme"):
        PMCScheme.load(bad)


def test_matrix_table_and_frames(plan, yunling, plan_pmc):
    matrix = plan_pmc.matrix()
    assert matrix.shape == (3, 3)
    assert matrix[2, 1] == plan_pmc.variables["X8"]
    table = pmc_table([plan, yunling], overrides={plan.name: {"X6:2": 1}})
    assert list(table.columns[:3]) == ["document", "X1", "X2"] and len(table) == 2
    assert table.loc[0, "X6"] == pytest.approx(pmc_score(plan, overrides={"X6:2": 1}).variables["X6"])
    frame = plan_pmc.to_frame()
    assert len(frame) == len(plan_pmc.scheme.subvariable_ids())
    data = json.loads(json.dumps(plan_pmc.to_dict(), ensure_ascii=False))
    assert data["PMC"] == pytest.approx(round(plan_pmc.pmc, 4))


def test_plot_surface(plan_pmc):
    import matplotlib.pyplot as plt

    ax = plot_pmc_surface(plan_pmc)
    assert ax.name == "3d"
    assert len(ax.texts) == 9
    plt.close(ax.figure)
    ax = plot_pmc_surface(plan_pmc, kind="heatmap")
    assert [t.get_text().split("\n")[0] for t in ax.texts] == [f"X{i}" for i in range(1, 10)]
    plt.close(ax.figure)
    _, flat = plt.subplots()
    with pytest.raises(ConfigurationError, match="3D axes"):
        plot_pmc_surface(plan_pmc, flat)
    plt.close(flat.figure)


def test_cli(plan_path, capsys):
    assert main(["pmc", str(plan_path), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert set(row) >= {"document", "X1", "X10", "PMC", "grade"}
    assert main(["pmc", str(plan_path), str(plan_path), "--override", "X6:2=1", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("document,X1,") and len(lines) == 3
    assert main(["pmc", str(plan_path), "--details"]) == 0
    assert "X10:1" in capsys.readouterr().out
    assert main(["pmc", str(plan_path), "--override", "X6:2"]) == 2
    assert "ID=SCORE" in capsys.readouterr().err


PMC_CODED = Path(__file__).resolve().parent / "eval" / "data" / "pmc_coded.jsonl"


def test_pmc_coded_set_schema():
    records = [
        json.loads(line) for line in PMC_CODED.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    ids = PMCScheme.load().subvariable_ids()
    assert len(records) >= 3
    for record in records:
        assert set(record) == {"doc", "scores", "note"}
        assert list(record["scores"]) == ids
        assert set(record["scores"].values()) <= {0, 1}


@pytest.mark.shared
def test_pmc_agreement_with_hand_scores():
    """Regression floor for the automatic sub-variable scores (docs/bench/instruments.md)."""
    import sys

    sys.path.insert(0, str(PMC_CODED.parent.parent))
    from eval_instruments import load_documents

    records = [
        json.loads(line) for line in PMC_CODED.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    docs = load_documents({r["doc"] for r in records})
    agree = total = 0
    for record in records:
        auto = {s.id: s.auto for s in pmc_score(docs[record["doc"]]).subscores}
        agree += sum(auto[k] == v for k, v in record["scores"].items())
        total += len(record["scores"])
    assert agree / total >= 0.85


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("一二、（）1.。；\n到2030年底前市人民政府考核补贴税收企业高校鼓励监管（责任单位：市科技局）")
        ),
        min_size=1,
        max_size=120,
    )
)
def test_any_parsed_text_gets_a_valid_index(text):
    try:
        doc = policytext.parse_text(text)
    except PolicyTextError:
        return  # empty or unusable input is the parser's business
    coded = classify(doc, level="sentence")
    for measure in coded.measures:
        for label in measure.labels:
            assert all(doc.text[e.span.start : e.span.end] == e.text for e in label.evidence)
    result = pmc_score(doc)
    assert 0.0 <= result.pmc <= 10.0
    assert all(0.0 <= v <= 1.0 for v in result.variables.values())
    for sub in result.subscores:
        for hit in sub.evidence:
            if hit.span is not None:
                assert 0 <= hit.span.start <= hit.span.end <= len(doc.text)
