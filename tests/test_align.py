"""policytext.align on small documents written for these tests (tests/fixtures/align/)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
from policytext.align import AlignIndex, align, split_units
from policytext.align.evidence import seed_grams, shared_passages, shared_passages_grams
from policytext.align.functions import named_functions
from policytext.align.retrieve import ngram_counts
from policytext.align.score import DEFAULT_CONFIG, split_sentences
from policytext.align.semantic import WordVectors
from policytext.align.units import is_formal_clause
from policytext.errors import ConfigurationError, InputError
from policytext.model import Level

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "align"


@pytest.fixture(scope="module")
def national():
    return policytext.read(FIXTURES / "national.txt")


@pytest.fixture(scope="module")
def provincial():
    return policytext.read(FIXTURES / "provincial.txt")


@pytest.fixture(scope="module")
def city():
    return policytext.read(FIXTURES / "city_plan.txt")


@pytest.fixture(scope="module")
def result(city, national):
    return align(city, [national], levels=["national"])


def _by_path(result, label):
    return [m for m in result.matches if m.lower.path[-1] == label]


# -- units -------------------------------------------------------------------------------
def test_measure_units_leave_out_label_and_clause(city):
    units = split_units(city)
    assert [u.kind for u in units] == ["measure"] * 4
    first = units[0]
    assert first.path == ("一、", "（一）")
    assert first.text.startswith("推进产教融合")
    assert "责任单位" not in first.text and "市教育局" not in first.text
    assert first.functions == ("education", "human_resources")
    # every character of the unit text maps back to the same character of doc.text
    for offset in (0, len(first.text) // 2, len(first.text) - 1):
        assert city.text[first.to_doc(offset)] == first.text[offset]


def test_report_like_document_splits_into_paragraphs():
    doc = policytext.parse_text(
        "一、总体要求\n坚持教育优先发展，加快建设教育强国。推进职普融通、产教融合。\n"
        "二、重点任务\n加快建设高质量教育体系，健全学科专业动态调整机制。\n2025年1月1日\n"
    )
    units = split_units(doc)
    assert [u.kind for u in units] == ["paragraph", "paragraph"]
    assert units[0].path == ("¶1",) and units[1].text.startswith("加快建设高质量教育体系")
    assert all(doc.text[u.span.start : u.span.end].strip() == u.text for u in units)


WRAPPED_PARAGRAPHS = [
    "加快建设智能制造示范工厂，推动生产设备联网和数据互通，提升车间的柔性生产能力和管理水平。",
    "培育一批系统解决方案供应商，面向重点行业开展诊断服务，形成可复制推广的典型场景和应用案例。",
    "完善标准体系，组织开展“智能制造能力成熟度”评估，引导企业对标提升，持续优化生产组织方式。",
    "加强人才培养，支持高校与企业共建实训基地，壮大复合型工程技术人才队伍，营造良好的发展环境。",
]


def _hard_wrap(paragraphs: list[str], width: int) -> str:
    lines = ["二、重点任务"]
    for number, paragraph in enumerate(paragraphs):
        pieces = [paragraph[i : i + width] for i in range(0, len(paragraph), width)]
        if number == 1:
            pieces.insert(2, "12")  # a page number between two wrapped lines of one paragraph
        lines.extend(pieces)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("width", [16, 20, 27])
def test_hard_wrapped_lines_are_joined_into_paragraphs(width):
    """Text wrapped at a fixed width (a PDF text layer saved as text) gives one unit per paragraph."""
    doc = policytext.parse_text(_hard_wrap(WRAPPED_PARAGRAPHS * 2, width))
    units = split_units(doc, kind="paragraph")
    assert [u.text for u in units] == WRAPPED_PARAGRAPHS * 2
    for unit in units:  # the text still maps back, character by character, across the joins
        assert "".join(doc.text[unit.to_doc(i)] for i in range(len(unit.text))) == unit.text


def test_lines_of_varied_length_stay_paragraphs():
    text = "\n".join(p[: 20 + 3 * i] + "。" for i, p in enumerate(WRAPPED_PARAGRAPHS * 3))
    units = split_units(policytext.parse_text(text), kind="paragraph")
    assert len(units) == len(WRAPPED_PARAGRAPHS) * 3


def test_law_articles_are_units():
    doc = policytext.parse_text(
        "# 某某促进条例\n第一条 为了促进科学技术进步，制定本条例。\n"
        "第二条 县级以上人民政府科学技术行政部门负责本行政区域的科学技术进步工作。\n"
        "第三条 本条例自公布之日起施行。\n"
    )
    units = split_units(doc)
    assert [u.path for u in units] == [("第一条",), ("第二条",), ("第三条",)]
    assert units[1].text.startswith("县级以上人民政府")
    assert named_functions(units[1].text) == ("science_technology",)


@pytest.mark.parametrize(
    ("text", "formal"),
    [
        ("本条例自2025年3月1日起施行。", True),
        ("本办法自发布之日起施行，有效期五年。", True),
        ("本规定自公布之日起施行。2010年的规定同时废止。", True),
        ("民办职业学校参照本条例的有关规定执行。", True),
        ("全市自2025年起全面实施课后服务。", False),  # a task that starts on a date
        ("各区应当参照本方案制定实施细则。", False),  # 参照 … 制定: a task
        ("本方案自印发之日起实施，各地要结合实际制定配套措施。", False),  # a task follows the date
        ("本办法由市教育局负责解释。", False),
        ("本条例自2025年3月1日起施行。" * 10, False),  # too long to be only a formal clause
    ],
)
def test_formal_clauses(text, formal):
    assert is_formal_clause(text) is formal


def test_formal_clauses_are_neither_matched_nor_matched_to():
    """Effective-date articles resemble each other across levels but take up nothing."""
    upper = policytext.parse_text(
        "# 某某促进法\n第一条 国家建立职业学校教育与职业培训并重的职业教育体系。\n"
        "第二条 县级以上人民政府应当加强职业教育实习实训基地建设。\n第三条 本法自2022年5月1日起施行。\n"
    )
    lower = policytext.parse_text(
        "# 某市职业教育条例\n第一条 本市建立职业学校教育与职业培训并重的职业教育体系。\n"
        "第二条 市和区人民政府应当加强职业教育实习实训基地建设，支持企业参与。\n"
        "第三条 本条例自2024年6月1日起施行。\n"
    )
    result = align(lower, [upper], levels=["national"])
    assert {m.lower.path[-1] for m in result.matches} == {"第一条", "第二条"}
    assert all(m.upper.path[-1] != "第三条" for m in result.matches)
    assert [u.path[-1] for u in result.local_additions] == ["第三条"]
    assert 0 < result.reuse_ratio <= 1


def test_unknown_unit_kind_is_refused(city):
    with pytest.raises(ConfigurationError, match="unknown unit kind 'chapter'; expected auto or one of"):
        split_units(city, "chapter")


# -- evidence ----------------------------------------------------------------------------
def test_shared_passages_are_maximal_runs():
    lower = "支持企业牵头组建创新联合体，争取承担重大科技项目。"
    upper = "我们要支持企业牵头组建创新联合体，承担国家重大科技项目。"
    passages = shared_passages(lower, upper)
    assert [p.text for p in passages] == ["支持企业牵头组建创新联合体", "重大科技项目"]
    for p in passages:
        assert lower[p.lower_start : p.lower_end] == upper[p.upper_start : p.upper_end] == p.text


def test_keyed_search_finds_the_same_passages():
    lower = "深化职务科技成果赋权改革，建设专业化技术转移机构。"
    upper = "赋予科研人员职务科技成果所有权，建设专业化技术转移机构，深化职务科技成果赋权改革。"
    plain = shared_passages(lower, upper)
    keyed = shared_passages_grams(lower, upper, seed_grams(lower), seed_grams(upper))
    assert plain == keyed and len(plain) == 2


_HAN = st.text(alphabet="教育科技人才创新改革发展建设推进，。", min_size=0, max_size=80)


@settings(max_examples=150, deadline=None)
@given(lower=_HAN, upper=_HAN)
def test_passages_are_shared_and_disjoint(lower, upper):
    passages = shared_passages_grams(lower, upper, seed_grams(lower), seed_grams(upper))
    end = 0
    for p in passages:
        assert len(p) >= 6
        assert p.lower_start >= end  # disjoint and ordered in the lower text
        end = p.lower_end
        assert lower[p.lower_start : p.lower_end] == p.text == upper[p.upper_start : p.upper_end]


# -- retrieval ---------------------------------------------------------------------------
def test_ngram_counts_count_han_bigrams_and_trigrams_only():
    matrix = ngram_counts(["教育教育，12 ab", "", "科"])
    assert matrix.shape[0] == 3
    # 教育教育ab -> 5 bigrams (教育 twice) + 4 trigrams, punctuation and digits dropped
    assert matrix[0].sum() == 9
    assert sorted(matrix[0].data.tolist()).count(2.0) >= 1
    assert matrix[1].nnz == 0 and matrix[2].nnz == 0


def test_index_ranks_the_copied_unit_first_and_round_trips(tmp_path, national, provincial):
    index = AlignIndex.build([national, provincial], levels=["national", "provincial"])
    assert [d.level for d in index.docs] == [Level.NATIONAL, Level.PROVINCIAL]
    query = "推行现场工程师培养计划，共建产业学院"
    found = index.candidates([query], top_k=3)[0]
    assert len(found) == 3 and found[0][1] >= found[1][1] >= found[2][1]
    assert "现场工程师" in index.units[found[0][0]].text
    path = index.save(tmp_path / "x.index")
    again = AlignIndex.load(path)
    assert again.candidates([query], top_k=3) == [found]
    assert len(pickle.loads(pickle.dumps(again))) == len(index)


def test_loading_a_non_index_names_the_file(tmp_path):
    bad = tmp_path / "bad.index"
    bad.write_bytes(b"not a pickle")
    with pytest.raises(InputError, match=r"bad\.index"):
        AlignIndex.load(bad)
    with pytest.raises(InputError, match="no such index"):
        AlignIndex.load(tmp_path / "missing.index")


# -- scoring and semantic signal ---------------------------------------------------------
def test_sentences_merge_short_fragments():
    assert split_sentences("一、总则。支持企业牵头组建创新联合体。加强。") == [
        "一、总则。支持企业牵头组建创新联合体。加强。"
    ]
    assert split_sentences("建设产业学院和实训基地；推行现场工程师培养计划。") == [
        "建设产业学院和实训基地；",
        "推行现场工程师培养计划。",
    ]


def test_word_vectors_place_related_words_together():
    vectors = WordVectors.load_default()
    near = dict(vectors.neighbours("课程", k=30))
    assert "教材" in near or "教学" in near
    a, b, c = vectors.embed(["编写课程纲要，开设相关课程", "设置人工智能相关课程和教材", "规范远洋渔船管理"])
    assert float(a @ b) > float(a @ c)


def test_relations_follow_thresholds():
    config = DEFAULT_CONFIG
    assert config.relation(config.related - 1e-6, 40, 1.0) is None
    assert config.relation(config.adapted, config.copied_longest, 0.0) == "copied"
    assert config.relation(config.adapted, 3, 0.0) == "adapted"
    # a long shared run alone (boilerplate subject list) is not enough for copied
    assert config.relation(config.related, 40, 1.0) == "related"


# -- align -------------------------------------------------------------------------------
def test_copied_measure_is_found_with_evidence_in_both_texts(result, city, national):
    matches = _by_path(result, "（一）")
    assert matches and matches[0].upper.label == "一、/（一）"
    best = matches[0]
    assert best.relation == "copied"
    assert any("现场工程师培养计划" in e.text for e in best.evidence)
    for e in best.evidence:
        assert city.text[e.lower_span.start : e.lower_span.end] == e.text
        assert national.text[e.upper_span.start : e.upper_span.end] == e.text


def test_paraphrase_is_ranked_first(result):
    matches = _by_path(result, "（二）")
    assert matches and matches[0].upper.label == "一、/（二）"  # 课程纲要 ↔ 设置人工智能相关课程


def test_local_addition_and_omission(result):
    assert [u.path[-1] for u in result.local_additions] == ["（四）"]
    omitted = {u.label for u in result.omitted}
    assert "三、/（六）" in omitted  # 海洋渔业 is not the city's business
    assert not _by_path(result, "（四）")


def test_document_figures(result):
    rows = [c for c in result.coverage if c.section is None]
    assert len(rows) == 1 and rows[0].n_units == 6
    assert 0 < rows[0].share < 1
    assert 0 < result.reuse_ratio < 1
    assert set(result.reuse_by_doc) == {rows[0].doc_name}
    frame = result.coverage_frame()
    assert {"upper_doc", "section", "units", "taken_up", "coverage"} <= set(frame.columns)
    assert len(frame) == len(result.coverage)


def test_function_match_against_a_named_function(national):
    lower = policytext.parse_text(
        "一、组织保障\n（一）建立协调机制。市教育局会同有关部门建立职业教育和科技创新协调机制，统筹推进各项任务落实。"
        "（责任单位：市教育局）\n（二）强化督促检查。建立协调机制，统筹推进各项任务落实，定期通报落实情况。"
        "（责任单位：市财政局）"
    )
    result = align(lower, [national])
    by_lower = {m.lower.path[-1]: m for m in result.matches if m.upper.label == "三、/（五）"}
    assert set(by_lower) == {"（一）", "（二）"}
    assert by_lower["（一）"].upper_functions == ("education", "science_technology")
    assert by_lower["（一）"].function_match is True  # 市教育局 serves 教育行政部门's function
    assert by_lower["（二）"].function_match is False  # 市财政局 does not
    checks = {tuple(c["lower_path"]): c["function_match"] for c in result.function_checks()}
    assert checks[("一、", "（一）")] is True


#: The keys issue 3 requires of every pair in the JSON.
PAIR_KEYS = frozenset(
    (
        "lower_path",
        "lower_title",
        "upper_doc",
        "upper_path",
        "upper_text",
        "upper_span",
        "score",
        "relation",
        "evidence",
    )
)


def test_json_has_the_documented_fields(result):
    data = json.loads(result.to_json())
    assert {"pairs", "coverage", "omitted", "local_additions", "reuse_ratio"} <= set(data)
    pair = data["pairs"][0]
    assert set(pair) >= PAIR_KEYS
    assert pair["relation"] in ("copied", "adapted", "related")
    assert all(len(e["lower_span"]) == 2 for e in pair["evidence"])


def test_pairs_frame_and_html(result):
    frame = result.pairs_frame()
    assert len(frame) == len(result.matches)
    assert {"lower_path", "upper_doc", "upper_path", "score", "relation", "route", "evidence"} <= set(
        frame.columns
    )
    html = result._repr_html_()
    assert html.count("<tr>") == len(result.matches) + 1  # header row
    assert "<script" not in html


def test_html_escapes_document_text():
    upper = policytext.parse_text(
        "一、任务\n（一）建设<script>alert(1)</script>创新联合体，支持企业牵头组建创新联合体。"
    )
    lower = policytext.parse_text(
        "一、任务\n（一）联合体。支持企业牵头组建创新联合体<script>。（责任单位：市科技局）"
    )
    html = align(lower, [upper])._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_results_are_deterministic(city, national, provincial):
    first = align(city, [national, provincial], levels=["national", "provincial"]).to_json()
    second = align(city, [national, provincial], levels=["national", "provincial"]).to_json()
    assert first == second


def test_routes_through_the_province(city, national, provincial):
    result = align(city, [national, provincial], levels=["national", "provincial"])
    routes = {(m.lower.path[-1], m.upper.doc_name, m.upper.label): m.route for m in result.matches}
    prov = provincial.name
    nat = national.name
    # 产业学院 reached the city through the province (the provincial unit relays the national one)
    assert routes.get(("（一）", prov, "一、/（一）")) == "via_provincial"
    assert routes.get(("（一）", nat, "一、/（一）")) == "via_provincial"
    # 课程 reached the city directly: the province says nothing about it
    assert routes.get(("（二）", nat, "一、/（二）")) == "direct"
    assert any(r.upper.doc_name == nat and r.lower.doc_name == prov for r in result.relays)
    summary = result.routes_frame().set_index("route")
    assert summary.loc["via_provincial", "matches"] == sum(
        m.route == "via_provincial" for m in result.matches
    )
    assert "direct" in summary.index


def test_semantic_switch_changes_signals(city, national):
    without = align(city, [national], semantic=False)
    assert all(m.signals["semantic"] == 0.0 for m in without.matches)
    assert without.parameters["semantic"] is False


def test_prebuilt_index_gives_the_same_result(city, national):
    index = AlignIndex.build([national])
    assert align(city, index).to_json() == align(city, [national]).to_json()


def test_empty_upper_list_is_refused(city):
    with pytest.raises(InputError, match="at least one upper document"):
        align(city, [])


def test_scores_are_probabilities(result):
    scores = np.array([m.score for m in result.matches])
    assert ((scores > 0) & (scores < 1)).all()
    ranks = [m.rank for m in result.matches if m.lower.index == result.matches[0].lower.index]
    assert ranks == list(range(1, len(ranks) + 1))


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(alphabet="教育科技人才ab，1 。", max_size=30), max_size=5))
def test_ngram_counts_match_a_direct_count(texts):
    matrix = ngram_counts(texts)
    for row, text in enumerate(texts):
        kept = [c for c in text if "\u4e00" <= c <= "\u9fff" or (c.isascii() and c.isalpha())]
        expected = max(0, len(kept) - 1) + max(0, len(kept) - 2)
        assert matrix[row].sum() == expected


def test_documents_without_units(city):
    headings = policytext.parse_text("一、总体要求\n二、重点任务")
    assert split_units(headings) == []
    against_nothing = align(city, [headings])
    assert not against_nothing.matches and len(against_nothing.local_additions) == 4
    nothing_to_align = align(headings, [city])
    assert not nothing_to_align.matches and nothing_to_align.reuse_ratio == 0.0
    assert AlignIndex.build([headings]).candidates(["产教融合"], 5) == [[]]


# -- reciprocal signal and the two-model selection -------------------------------------------
def test_reciprocal_signal_marks_the_weaker_of_two_lower_units(city, national):
    """Two city measures against the same national unit: the one that copies it is that unit's
    best lower unit (upper_rel 1), the one about something else comes lower."""
    from policytext.align.score import SIGNALS, PairScorer, feature_matrix, upper_best

    lower = split_units(city)
    upper = split_units(national)
    target = next(u for u in upper if u.path[-1] == "（一）" and u.path[0] == "一、")
    copy = next(u for u in lower if u.path[-1] == "（一）")
    other = next(u for u in lower if u.path[-1] == "（四）")
    scorer = PairScorer(WordVectors.load_default())
    rows = [([0], [scorer.signals(unit, target, 0.0)]) for unit in (copy, other)]
    best = upper_best(rows)
    column = SIGNALS.index("upper_rel")
    strong = feature_matrix(rows[0][1], [0], [best[0]])[0, column]
    weak = feature_matrix(rows[1][1], [0], [best[0]])[0, column]
    assert strong == pytest.approx(1.0)
    assert 0.0 <= weak < 0.8
    # without the other lower units a candidate is its upper unit's best
    assert feature_matrix(rows[1][1], [0])[0, column] == 1.0


def test_top_match_follows_the_rank_model(city, national):
    """With a link model that prefers other candidates, the rank model's best still comes first."""
    from dataclasses import replace

    from policytext.align.score import SIGNALS

    # link model: every candidate gets the same high link score, so the order is the rank model's
    link = dict.fromkeys(SIGNALS, 0.0)
    config = replace(DEFAULT_CONFIG, link_weights=link, link_bias=5.0, max_matches=2)
    flat = align(city, [national], config=config, routes=False)
    plain = align(city, [national], routes=False)
    first_flat = {m.lower.path[-1]: m.upper.label for m in flat.matches if m.rank == 1}
    first_plain = {m.lower.path[-1]: m.upper.label for m in plain.matches if m.rank == 1}
    assert first_plain["（一）"] == "一、/（一）" and len(set(first_plain.values())) > 1
    assert {k: first_flat[k] for k in first_plain} == first_plain
    assert all(len([m for m in flat.matches if m.lower.index == u.index]) == 2 for u in flat.lower_units)
    assert flat.parameters["config"]["link_bias"] == 5.0


@pytest.fixture(scope="module")
def first_measure_signals(city, national):
    """The city plan's measure （一）, the national units, and the signals of each pair."""
    from policytext.align.score import PairScorer

    lower = next(u for u in split_units(city) if u.path[-1] == "（一）")
    upper = split_units(national)
    scorer = PairScorer(WordVectors.load_default())
    return lower, upper, [scorer.signals(lower, u, 0.0) for u in upper]


def test_base_z_normalises_each_lower_unit_among_its_candidates(first_measure_signals):
    """``base_z``: the z-score of a candidate's base similarity among the candidates of its
    lower unit, so a unit whose candidates all score high (a regulation copying a law) and one
    whose candidates all score low (a plan against report paragraphs) are on one scale."""
    from policytext.align.score import SIGNALS, base_similarity, feature_matrix

    _, upper, signals = first_measure_signals
    column = SIGNALS.index("base_z")
    z = feature_matrix(signals, [0] * len(upper))[:, column]
    base = base_similarity(signals)
    assert z.mean() == pytest.approx(0.0, abs=1e-9) and z.std() == pytest.approx(1.0)
    assert int(np.argmax(z)) == int(np.argmax(base))  # a monotone rescaling of the base similarity
    assert feature_matrix(signals[:1], [0])[0, column] == 0.0  # one candidate: no spread, 0


def test_relative_positions_run_from_first_to_last_unit(national, provincial, tmp_path):
    """``position``: where a unit sits in its document, 0 for the first and 1 for the last unit
    of each document; the index keeps them, also after a round trip through a file."""
    from policytext.align.units import relative_positions

    units = split_units(national)
    positions = relative_positions(units)
    assert positions[0] == 0.0 and positions[-1] == 1.0
    assert positions == sorted(positions) and len(set(positions)) == len(units)
    index = AlignIndex.build([national, provincial])
    for doc in range(2):
        own = index.positions[index.unit_docs == doc]
        assert own[0] == 0.0 and own[-1] == 1.0
    index.save(tmp_path / "both.index")
    assert np.array_equal(AlignIndex.load(tmp_path / "both.index").positions, index.positions)
    assert relative_positions(units[:1]) == [0.5]  # a one-unit document sits in the middle


def test_position_signal_is_the_distance_between_positions(first_measure_signals):
    """The ``position`` column holds the given distances; without them, the neutral 1/3; the
    shipped rank model prefers, other things equal, the candidate at the same place."""
    from policytext.align.score import SIGNALS, UNKNOWN_DISTANCE, feature_matrix

    _, upper, signals = first_measure_signals
    column = SIGNALS.index("position")
    distances = np.linspace(0.0, 1.0, len(upper))
    assert np.array_equal(feature_matrix(signals, [0] * len(upper), None, distances)[:, column], distances)
    assert set(feature_matrix(signals, [0] * len(upper))[:, column]) == {UNKNOWN_DISTANCE}
    assert DEFAULT_CONFIG.weights["position"] < 0 and DEFAULT_CONFIG.link_weights["position"] < 0
    # one pair's link score from a dict of its signals agrees with the matrix form; a dict
    # without ``position`` is scored as an unknown position, not as the same place
    row = feature_matrix(signals, [0] * len(upper), None, distances)[-1]
    named = dict(zip(SIGNALS, row.tolist(), strict=True))
    assert DEFAULT_CONFIG.score(named) == pytest.approx(float(DEFAULT_CONFIG.scores(row[None, :])[0]))
    named.pop("position")
    unknown = {**named, "position": UNKNOWN_DISTANCE}
    assert DEFAULT_CONFIG.score(named) == pytest.approx(DEFAULT_CONFIG.score(unknown))


def test_length_signal_raises_link_scores_of_long_units_without_reordering(first_measure_signals):
    """``length`` is log10 of the lower unit's characters (at least 100), the same for all its
    candidates: the shipped link model scores the candidates of a long unit (a report paragraph,
    which takes up several upper tasks) higher, and the rank model, which only orders candidates,
    ignores it.  A dict of signals without ``length`` is scored as a short unit."""
    from policytext.align.score import SIGNALS, feature_matrix, lower_length

    assert lower_length(40) == lower_length(100) == 2.0 and lower_length(1000) == 3.0  # short: alike
    lower, upper, signals = first_measure_signals
    features = feature_matrix(signals, [0] * len(upper))
    column = SIGNALS.index("length")
    assert features[:, column].tolist() == pytest.approx([np.log10(max(100, len(lower.text)))] * len(upper))
    assert DEFAULT_CONFIG.weights["length"] == 0.0 and DEFAULT_CONFIG.link_weights["length"] > 0
    longer = features.copy()
    longer[:, column] += 1  # the same pairs, from a lower unit ten times as long
    assert np.all(DEFAULT_CONFIG.scores(longer) > DEFAULT_CONFIG.scores(features))
    assert np.array_equal(DEFAULT_CONFIG.rank_scores(longer), DEFAULT_CONFIG.rank_scores(features))
    named = dict(zip(SIGNALS, features[0].tolist(), strict=True))
    short = {**named, "length": 2.0}
    named.pop("length")
    assert DEFAULT_CONFIG.score(named) == pytest.approx(DEFAULT_CONFIG.score(short))
