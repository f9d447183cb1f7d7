"""Policy-instrument coding: lexicon labels with evidence, learned classifier, two-way tables, CLI."""

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
from policytext.instruments import (
    InstrumentClassifier,
    LexiconClassifier,
    classify,
    crosstab,
    innovation_stage,
    load_lexicon,
    measure_body,
    plot_crosstab,
    split_sentences,
)
from policytext.instruments.tables import TOTAL, innovation_stages

CODED = Path(__file__).resolve().parent / "eval" / "data" / "instruments_coded.jsonl"

#: A short fictional plan written for these tests (青禾市 does not exist); each measure is built
#: to carry one clear instrument so that the labels can be asserted exactly.
QINGHE_TEXT = """青禾市人民政府办公室
关于支持人工智能产业发展的若干措施
各区人民政府，市政府各部门：
现将有关措施印发给你们，请认真贯彻落实。
2024年3月1日
一、加大财政支持
（一）设立专项资金。市财政每年安排人工智能产业专项资金，对认定的重点项目给予最高200万元奖补。（责任单位：市财政局、市工信局）
（二）落实税收优惠。全面落实研发费用加计扣除、高新技术企业所得税减免等政策。（责任单位：市税务局）
二、拓展市场应用
（三）实施政府采购。将符合条件的人工智能产品纳入政府采购目录，落实首台套首购政策。（责任单位：市财政局）
（四）建设示范工程。每年遴选10个应用场景开展示范应用，推广应用优秀解决方案。（责任单位：市工信局）
（五）拓展海外市场。支持企业在境外设立研发中心，开展国际合作，积极开拓海外市场。（责任单位：市商务局）
三、强化要素保障
（六）加强金融支持。设立人工智能产业投资基金，鼓励银行开展知识产权质押贷款，完善融资担保体系。（责任单位：市金融局）
（七）加快人才培养。支持高校开设人工智能专业，开展职业技能培训，引进高层次人才。（责任单位：市人社局、市教育局）
（八）严格安全监管。建立人工智能产品安全审查制度，依法查处违法行为，强化伦理监管。到2030年，建成完善的监管体系。（责任单位：市网信办）
"""


@pytest.fixture(scope="module")
def qinghe():
    return policytext.parse_text(QINGHE_TEXT)


@pytest.fixture(scope="module")
def plan_result(plan):
    return classify(plan)


def _subtypes_by_label(result):
    return {m.path[-1]: set(m.subtypes) for m in result.measures}


# -- lexicon ------------------------------------------------------------------------------
def test_fixture_measures_get_their_instrument(qinghe):
    result = classify(qinghe)
    assert len(result) == 8
    labels = _subtypes_by_label(result)
    assert "资金投入" in labels["（一）"]
    assert "税收优惠" in labels["（二）"]
    assert "政府采购" in labels["（三）"]
    assert "示范工程/应用补贴" in labels["（四）"]
    assert "海外机构" in labels["（五）"]
    assert "金融支持" in labels["（六）"]
    assert "人才培养" in labels["（七）"]
    assert "法规管制" in labels["（八）"]
    # the types follow from the sub-types
    coded = {m.path[-1]: m for m in result.measures}
    assert "demand" in coded["（三）"].types and "environment" in coded["（二）"].types


def test_evidence_points_back_into_the_document(qinghe):
    result = classify(qinghe)
    for coded in result.measures:
        clause = coded.measure.clause_span
        for label in coded.labels:
            assert 0.0 < label.confidence < 1.0
            assert label.evidence
            for evidence in label.evidence:
                assert qinghe.text[evidence.span.start : evidence.span.end] == evidence.text
                assert coded.measure.span.contains(evidence.span)
                # unit names in the responsibility clause (市财政局 …) are never evidence
                assert clause is None or not clause.contains(evidence.span)


def test_regex_cue_and_weighted_confidence():
    clf = LexiconClassifier("rothwell")
    text = "对认定的企业给予最高100万元奖补。"
    (label,) = [lab for lab in clf.label_text(text) if lab.subtype == "资金投入"]
    cues = {e.cue for e in label.evidence}
    assert "re:给予.{0,20}万元" in cues and "奖补" in cues
    # a cue nested in a longer match of the same sub-type is not counted twice
    nested = LexiconClassifier("rothwell").scores("安排专项资金")
    funding = next(score for sub, score, _ in nested if sub.id == "资金投入")
    assert funding == pytest.approx(1.5)


def test_threshold_is_monotone(plan):
    counts = [
        sum(len(m.labels) for m in classify(plan, threshold=t).measures) for t in (0.3, 0.55, 0.8, 0.95)
    ]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]


def test_title_cues_weigh_more():
    clf = LexiconClassifier("rothwell")
    body = "（一）加强人才工作。推进相关工作。"
    heading = body.find("加强人才工作")
    plain = {s.id: score for s, score, _ in clf.scores(body)}
    boosted = {s.id: score for s, score, _ in clf.scores(body, heading=policytext.Span(heading, heading + 6))}
    assert boosted["人才培养"] == pytest.approx(plain["人才培养"] * clf.title_boost)


def test_plan_codes_every_measure(plan, plan_result):
    assert len(plan_result) == len(plan.measures) == 20
    labels = _subtypes_by_label(plan_result)
    assert "技术/信息支持" in labels["（七）"]  # 加快关键核心技术攻关
    assert "人才培养" in labels["（十一）"]  # 加快打造高技能人才队伍
    assert "策略性措施" in labels["（十四）"]  # 建立统筹协调机制 (联席会议)
    assert "法规管制" in labels["（十九）"]  # 加强诚信建设
    known = set(load_lexicon("rothwell").subtype_ids())
    assert all(set(m.subtypes) <= known for m in plan_result.measures)


def test_records_have_the_cli_schema(plan_result):
    records = json.loads(plan_result.to_json())
    assert len(records) == 20
    for record in records:
        assert set(record) == {"path", "title", "labels"}
        for label in record["labels"]:
            assert set(label) == {"type", "subtype", "confidence", "evidence"}
            assert label["type"] in {"supply", "environment", "demand"}
            assert all(set(e) == {"text", "span", "cue", "weight"} for e in label["evidence"])


def test_sentence_level_is_the_union_of_sentences(plan):
    result = classify(plan, level="sentence")
    for coded in result.measures:
        assert coded.sentences
        union = {lab.subtype for s in coded.sentences for lab in s.labels}
        assert set(coded.subtypes) == union
        for sentence in coded.sentences:
            assert plan.text[sentence.span.start : sentence.span.end] == sentence.text
            assert "\n" not in sentence.text and sentence.text.count("。") <= 1


def test_howlett_scheme(qinghe):
    result = classify(qinghe, "howlett")
    types = {m.path[-1]: set(m.types) for m in result.measures}
    assert "compulsory" in types["（八）"]  # 依法查处, 审查, 监管
    assert "mixed" in types["（一）"]  # 奖补
    assert result.type_names["voluntary"] == "自愿型"


def test_document_without_measures_is_one_pseudo_measure():
    doc = policytext.parse_text("鼓励银行开展知识产权质押贷款，完善融资担保体系。")
    result = classify(doc)
    assert len(result) == 1 and result.measures[0].path == ()
    assert "金融支持" in result.measures[0].subtypes


# -- user lexicons ------------------------------------------------------------------------
def test_user_lexicon_dict_file_and_extension(tmp_path):
    data = {
        "scheme": "mine",
        "threshold": 0.5,
        "types": [
            {
                "id": "green",
                "name_zh": "绿色型",
                "subtypes": [{"id": "节能", "cues": {"节能": 1.0, "re:减排\\d+%": 1.0}}],
            }
        ],
    }
    assert LexiconClassifier(data).predict(["推动节能改造", "无关内容"]) == [["节能"], []]
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    doc = policytext.parse_text("一、重点任务\n（一）推进节能。实现减排10%。（责任单位：市发改委）\n")
    result = classify(doc, str(path))
    assert result.scheme == "mine" and result.measures[0].subtypes == ["节能"]
    extended = LexiconClassifier("rothwell", extra_cues={"贸易管制": {"跨境电商": 1.5}})
    assert extended.predict(["发展跨境电商"]) == [["贸易管制"]]
    assert LexiconClassifier("rothwell").predict(["发展跨境电商"]) != [["贸易管制"]]


@pytest.mark.parametrize(
    "scheme, message",
    [
        ("nonesuch", "unknown instrument scheme"),
        ("/nonexistent/lexicon.json", "not found"),
        ({"types": [{"id": "x", "subtypes": [{"id": "y", "cues": {"re:(": 1}}]}]}, "bad regular expression"),
        ({"types": [{"id": "x", "subtypes": [{"id": "y", "cues": {"a": "heavy"}}]}]}, "not a number"),
        ({"types": "nope"}, "'types' list"),
    ],
)
def test_bad_lexicons_are_configuration_errors(scheme, message):
    with pytest.raises(ConfigurationError, match=message):
        LexiconClassifier(scheme)


def test_unknown_subtype_in_extension_is_an_error():
    with pytest.raises(ConfigurationError, match="unknown sub-types"):
        LexiconClassifier("rothwell", extra_cues={"不存在": {"x": 1}})


# -- sentences and arbitrary text -----------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("资金税收贷款人才培养监管示范。；！？ \n，ab1")), max_size=80))
def test_sentences_and_evidence_on_arbitrary_text(text):
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()
        previous_end = span.end
    covered = {i for s in spans for i in range(s.start, s.end)}
    assert all(text[i].isspace() or i in covered for i in range(len(text)))
    for label in LexiconClassifier("rothwell").label_text(text):
        assert 0.0 <= label.confidence < 1.0
        assert all(text[e.span.start : e.span.end] == e.text for e in label.evidence)


# -- learned classifier ------------------------------------------------------------------
def _plan_coded(plan):
    coded = [json.loads(line) for line in CODED.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = {tuple(r["path"]): r for r in coded if r["doc"] == "qianjiang_2025"}
    measures = [m for m in plan.measures if m.path in gold]
    return measures, [gold[m.path]["rothwell"] for m in measures]


@pytest.mark.slow  # importing scikit-learn alone takes seconds on a cold machine
def test_learned_classifier_fits_and_explains(plan):
    measures, labels = _plan_coded(plan)
    assert len(measures) == 20
    texts = [measure_body(m) for m in measures]
    clf = InstrumentClassifier("rothwell", at_least_one=True).fit(texts, labels)
    predicted = clf.predict(texts)
    # on its own training data the model must recover the most frequent sub-type
    talent = [i for i, row in enumerate(labels) if "人才培养" in row]
    assert sum("人才培养" in predicted[i] for i in talent) >= 0.8 * len(talent)
    result = classify(plan, classifier=clf)
    assert result.classifier == "sklearn"
    for coded in result.measures:
        for label in coded.labels:
            assert label.type in {"supply", "environment", "demand"}
            assert label.subtype in clf.classes_
            for evidence in label.evidence:
                assert plan.text[evidence.span.start : evidence.span.end] == evidence.text
                assert evidence.weight > 0


def test_learned_classifier_errors():
    clf = InstrumentClassifier("howlett")
    with pytest.raises(ConfigurationError, match="not fitted"):
        clf.predict(["鼓励企业"])
    with pytest.raises(ConfigurationError, match="positive and negative"):
        clf.fit(["甲", "乙"], [["mixed"], ["mixed"]])
    with pytest.raises(ConfigurationError, match="label rows"):
        clf.fit(["甲", "乙"], [["mixed"]])
    clf.fit(
        ["依法严禁违规", "给予资金奖补", "依法处罚", "奖补资金"],
        [["compulsory"], ["mixed"], ["compulsory"], ["mixed"]],
    )
    (label,) = clf.label_text("依法严禁")
    assert (label.type, label.subtype) == ("compulsory", None)


# -- tables -----------------------------------------------------------------------------------
def test_crosstab_by_section_counts_measures(plan, plan_result):
    table = crosstab(plan_result, by="section")
    assert table.index.names == ["type", "subtype"]
    body = table.drop(index=(TOTAL, "")).drop(columns=TOTAL)
    assert list(body.columns) == [f"{s.number}{s.title}" for s in plan.sections]
    assert len(body) == 15  # every Rothwell sub-type, also the empty ones
    counts = plan_result.counts()
    for (type_name, subtype), row in body.iterrows():
        assert row.sum() == counts.get(subtype, 0)
        assert table.loc[(type_name, subtype), TOTAL] == counts.get(subtype, 0)
    per_section = {}
    for coded in plan_result.measures:
        if coded.labels:
            per_section[coded.measure.section] = per_section.get(coded.measure.section, 0) + 1
    assert table.loc[(TOTAL, "")].drop(TOTAL).to_dict() == per_section


def test_crosstab_other_axes(plan_result, qinghe):
    stages = crosstab(plan_result, by="stage", level="type", margins=False)
    assert list(stages.index) == ["供给型", "环境型", "需求型"]
    assert set(stages.columns) <= set(innovation_stages())
    shares = crosstab(plan_result, by="section", normalize="index", margins=False)
    sums = shares.sum(axis=1)
    assert all(abs(v - 1) < 1e-9 or v == 0 for v in sums)
    by_unit = crosstab(classify(qinghe), by="lead_unit", empty_rows=False)
    assert "市财政局" in by_unit.columns
    both = crosstab([plan_result, classify(qinghe)], by="document")
    assert len(both.columns) == 3
    custom = crosstab(plan_result, by=lambda m: "long" if len(m.text) > 300 else "short", margins=False)
    assert set(custom.columns) <= {"long", "short"}
    by_column = crosstab(plan_result, by="n_units", margins=False)
    assert len(by_column.columns) >= 2
    with pytest.raises(ConfigurationError, match="unknown crosstab axis"):
        crosstab(plan_result, by="colour")


def test_innovation_stage():
    assert innovation_stage("加强基础研究和原始创新") == "基础研究"
    assert innovation_stage("打通科技成果转化和技术转移通道") == "成果转化"
    assert innovation_stage("优化营商环境") == "其他"


def test_plot_crosstab(plan_result):
    import matplotlib.pyplot as plt

    table = crosstab(plan_result, by="section")
    ax = plot_crosstab(table)
    assert len(ax.get_yticklabels()) == 15
    assert len(ax.get_xticklabels()) == len(table.columns) - 1
    assert "供给型 · 人才培养" in [t.get_text() for t in ax.get_yticklabels()]
    assert len(ax.texts) == 15 * (len(table.columns) - 1)
    plt.close(ax.figure)


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_json(plan_path, capsys):
    assert main(["instruments", str(plan_path), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 20
    assert records[6]["path"] == ["二、", "（七）"]
    assert any(label["subtype"] == "技术/信息支持" for label in records[6]["labels"])


def test_cli_csv_table_and_crosstab(plan_path, capsys):
    assert main(["instruments", str(plan_path), "--scheme", "howlett", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("document,measure,path,section,title,type")
    assert main(["instruments", str(plan_path), "--by", "section"]) == 0
    out = capsys.readouterr().out
    assert "人才培养" in out and TOTAL in out
    assert main(["instruments", str(plan_path), "--by", "stage", "--types-only", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["type"] for r in rows] == ["供给型", "环境型", "需求型", TOTAL]


def test_cli_errors(plan_path, capsys):
    assert main(["instruments", str(plan_path), "--scheme", "nonesuch"]) == 2
    assert "unknown instrument scheme" in capsys.readouterr().err
    assert main(["instruments", "/nonexistent/plan.txt"]) == 2


# -- the hand-coded evaluation set ----------------------------------------------------------
def _coded_records():
    return [json.loads(line) for line in CODED.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_coded_set_schema():
    records = _coded_records()
    rothwell = set(load_lexicon("rothwell").subtype_ids())
    howlett = set(load_lexicon("howlett").types)
    assert len(records) >= 80
    assert len({r["doc"] for r in records}) >= 5
    seen = set()
    for record in records:
        assert set(record) == {"doc", "path", "rothwell", "howlett", "note"}
        assert record["rothwell"] and set(record["rothwell"]) <= rothwell
        assert record["howlett"] and set(record["howlett"]) <= howlett
        assert len(record["note"]) <= 80  # labels and short notes, no quoted passages
        key = (record["doc"], tuple(record["path"]))
        assert key not in seen
        seen.add(key)


@pytest.mark.shared
@pytest.mark.slow
def test_lexicon_quality_on_coded_measures():
    """Regression floor: the bundled lexicon on all hand-coded measures (docs/bench/instruments.md)."""
    import sys

    sys.path.insert(0, str(CODED.parent.parent))
    from eval_instruments import attach_measures, lexicon_predictions, load_documents, micro

    records = _coded_records()
    pairs = attach_measures(records, load_documents({r["doc"] for r in records}))
    predicted = lexicon_predictions(pairs, "rothwell", "measure")
    lexicon = load_lexicon("rothwell")
    gold_sub = [set(r["rothwell"]) for r in records]
    gold_type = [{lexicon.type_of(s) for s in row} for row in gold_sub]
    assert micro(gold_sub, [s for s, _ in predicted])["f1"] >= 0.70
    assert micro(gold_type, [t for _, t in predicted])["f1"] >= 0.78


def test_policytext_error_is_the_base(plan):
    with pytest.raises(PolicyTextError):
        classify(plan, level="paragraph")


@pytest.mark.slow  # scikit-learn import
def test_learned_classifier_survives_pickling(tmp_path):
    import pickle

    texts = [
        "依法严禁违规排放",
        "给予资金奖补",
        "依法处罚违法行为",
        "安排奖补资金",
        "鼓励企业自愿参与",
        "引导社会组织自愿参与",
    ]
    labels = [["compulsory"], ["mixed"], ["compulsory"], ["mixed"], ["voluntary"], ["voluntary"]]
    clf = InstrumentClassifier("howlett", at_least_one=True).fit(texts, labels)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(clf))
    restored = pickle.loads(path.read_bytes())
    probe = ["依法处罚", "发放奖补资金", "鼓励社会组织参与"]
    assert restored.predict(probe) == clf.predict(probe)
    assert restored.predict(probe)[0] == ["compulsory"]


@pytest.mark.slow  # scikit-learn import
def test_learned_classifier_with_lexicon_features(plan, qinghe):
    measures, labels = _plan_coded(plan)
    clf = InstrumentClassifier("rothwell", lexicon_features=True).fit(
        [measure_body(m) for m in measures], labels
    )
    # trained on the 潜江 plan only, it codes another document's funding, talent and regulation;
    # sub-types absent from the training codes (税收优惠, 政府采购) cannot be predicted
    result = classify(qinghe, classifier=clf)
    coded = {m.path[-1]: m for m in result.measures}
    assert "资金投入" in coded["（一）"].subtypes
    assert "人才培养" in coded["（七）"].subtypes
    assert "法规管制" in coded["（八）"].subtypes
    assert not any({"税收优惠", "政府采购"} & set(m.subtypes) for m in result.measures)
    cues = [e.cue for m in result.measures for label in m.labels for e in label.evidence]
    assert any(c.startswith("lexicon:") for c in cues)
    for m in result.measures:
        for label in m.labels:
            assert all(qinghe.text[e.span.start : e.span.end] == e.text for e in label.evidence)
