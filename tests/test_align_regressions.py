"""Regression tests for confirmed bugs of policytext.align (review of the aligner).

Every document here is written for these tests.
"""

from __future__ import annotations

import pickle
import re
import time
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policytext
import policytext.align.semantic as semantic_module
from policytext.align import AlignIndex, ScoringConfig, align, passage_evidence, split_units
from policytext.align.evidence import Passage
from policytext.align.functions import named_functions
from policytext.align.result import passage_texts
from policytext.align.retrieve import ngram_counts, unique_names
from policytext.align.score import PAIR_SIGNALS, PairSignals, Scored
from policytext.align.semantic import WordVectors
from policytext.align.tokens import content_words
from policytext.align.units import _INSTRUMENT, MAX_FORMAL_CHARS, AlignUnit, _to_pieces, is_formal_clause
from policytext.errors import ConfigurationError, InputError, PolicyTextError
from policytext.model import Source, Span

# -- formal clauses: no catastrophic backtracking ---------------------------------------------
#: The pattern before the fix (``(?:…)+`` under ``fullmatch``), kept as the reference decision.
OLD_FORMAL_CLAUSE = re.compile(
    rf"(?:{_INSTRUMENT}[^。；，]{{0,40}}?(?:自|于)[^。；]{{2,40}}?(?:施行|实施|执行|生效)"
    r"(?:[，,](?:有效期|试行期|暂行)[^。；]{0,20})?[。；]?"
    rf"|[^。；]{{0,80}}?(?:参照|比照){_INSTRUMENT}(?:的?(?:有关|相关)?规定)?(?:执行|适用|办理)[。；]?"
    r"|[^。；]{0,60}?同时废止[。；]?)+"
)


def _old_is_formal(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) <= MAX_FORMAL_CHARS and OLD_FORMAL_CLAUSE.fullmatch(stripped) is not None


def test_repeated_repeal_clauses_are_decided_quickly():
    """``同时废止`` × 29 took minutes with the old pattern (× 25: 14 s)."""
    started = time.perf_counter()
    assert not is_formal_clause("同时废止" * 29 + "x")
    assert is_formal_clause("同时废止" * 29)
    assert not is_formal_clause("本办法自2025年1月1日起施行。" * 4 + "同时废止" * 20 + "x")
    assert time.perf_counter() - started < 1.0


#: Pieces that formal clauses are made of, plus characters that break them.
_FORMAL_TOKENS = [
    *"本办法条例规定自于起施行实执生效，,有期试暂参照比的关相适用理同时废止。；x年 ",
    "本办法",
    "本条例",
    "同时废止",
    "参照本办法执行",
    "自2025年1月1日起施行",
    "，有效期5年",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FORMAL_TOKENS), max_size=10).map("".join))
def test_formal_clause_decision_is_unchanged(text):
    assert is_formal_clause(text) == _old_is_formal(text)


@pytest.mark.parametrize(
    "text",
    [
        "本办法自2025年1月1日起施行，有效期5年。原办法同时废止。",
        "本条例自公布之日起施行同时废止",
        "其他学校参照本办法执行；本办法自2025年3月1日起实施。",
    ],
)
def test_formal_clause_sequences_still_count(text):
    assert is_formal_clause(text) and _old_is_formal(text)


# -- evidence spans across seams ---------------------------------------------------------------
#: Paragraphs of an upper text written for this test; hard-wrapped at WRAP characters below.
UPPER_PARAGRAPHS = [
    "建立乡村教师周转宿舍建设长效机制，统筹利用闲置校舍改建教师公寓，改善边远地区教师工作生活条件。",
    "推动县域普通高中与职业学校课程互选学分互认，支持有条件的学校开设人工智能和编程启蒙课程，培养学生创新意识。",
    "完善中小学课后服务经费保障办法，鼓励退休教师和社会专业人员参与课后服务，丰富文体活动和科普实践项目。",
    "设立青年科技人才专项资助计划，对首次承担市级项目的青年人员给予经费倾斜，探索长周期稳定支持方式。",
]
WRAP = 18


def _wrapped_upper() -> str:
    lines = ["关于加强基础教育和科技人才工作的若干意见", "一、重点任务"]
    for number, paragraph in enumerate(UPPER_PARAGRAPHS):
        pieces = [paragraph[i : i + WRAP] for i in range(0, len(paragraph), WRAP)]
        if number == 1:
            pieces.insert(2, "- 3 -")  # a page number between two lines of one paragraph
        lines.extend(pieces)
    return "\n".join(lines) + "\n"


LOWER_PLAN = (
    "某市基础教育和科技人才行动方案\n一、重点任务\n"
    "（一）改善乡村教师条件。建立乡村教师周转宿舍建设长效机制，统筹利用闲置校舍改建教师公寓，"
    "改善边远地区教师工作生活条件。（责任单位：市教育局）\n"
    "（二）推进课程互选。推动县域普通高中与职业学校课程互选学分互认，（责任单位：市教育局、市人社局）"
    "支持有条件的学校开设人工智能和编程启蒙课程，培养学生创新意识。\n"
    "（三）资助青年科技人才。设立青年科技人才专项资助计划，对首次承担市级项目的青年人员给予经费倾斜。"
    "（责任单位：市科技局）\n"
)


@pytest.fixture(scope="module")
def wrapped_alignment():
    upper = policytext.parse_text(_wrapped_upper())
    lower = policytext.parse_text(LOWER_PLAN)
    return lower, upper, align(lower, [upper])


def test_wrapped_fixture_has_seams_on_both_sides(wrapped_alignment):
    lower, upper, _ = wrapped_alignment
    upper_units = split_units(upper)
    assert [u.text for u in upper_units] == UPPER_PARAGRAPHS  # one unit per wrapped paragraph
    assert all(len(u.pieces) > 1 for u in upper_units)
    clause_inside = next(u for u in split_units(lower) if u.path[-1] == "（二）")
    assert "责任单位" not in clause_inside.text and clause_inside.seams(0, len(clause_inside.text))


def test_evidence_text_is_the_text_at_its_spans_in_both_documents(wrapped_alignment):
    lower, upper, result = wrapped_alignment
    evidence = [e for m in result.matches for e in m.evidence]
    assert evidence
    for e in evidence:
        assert lower.text[e.lower_span.start : e.lower_span.end] == e.text
        assert upper.text[e.upper_span.start : e.upper_span.end] == e.text
    assert any(e.continues for e in evidence)  # passages did cross seams
    best = result.best()
    # parts of one passage join again into the copied sentence, across wraps and page number
    copied = {m.lower.path[-1]: passage_texts(m.evidence) for m in best.values()}
    assert "统筹利用闲置校舍改建教师公寓，改善边远地区教师工作生活条件" in "".join(copied["（一）"])
    assert any(len(text) > 2 * WRAP for text in copied["（二）"])
    assert " | " not in result.pairs_frame().loc[0, "evidence"] or len(copied["（一）"]) > 1
    # the reuse ratio counts the same characters as before the split: still a share
    assert 0 < result.reuse_ratio <= 1


_GAPS = st.sampled_from(["", "\n", "\n- 12 -\n", "（责任单位：市教育局）", "\n\n"])


@st.composite
def _unit_over(draw, text: str):
    """An AlignUnit whose text is ``text``, cut into pieces that sit apart in a document."""
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=6)))
    cuts = [c for c in cuts if 0 < c < len(text)]
    doc, ranges = draw(st.sampled_from(["", "正文\n"])), []
    for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
        doc += draw(_GAPS) if ranges else ""
        ranges.append((len(doc), len(doc) + end - start))
        doc += text[start:end]
    pieces = _to_pieces(doc, ranges)
    unit = AlignUnit(0, 0, "paragraph", ("¶1",), None, text, Span(0, len(doc)), None, pieces)
    return doc, unit


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_passage_evidence_is_contiguous_in_both_documents(data):
    shared = data.draw(st.text(alphabet="教育科技人才改革发展，。", min_size=6, max_size=40))
    lower_head = data.draw(st.text(alphabet="市县乡", max_size=5))
    upper_head = data.draw(st.text(alphabet="国省", max_size=5))
    lower_doc, lower = data.draw(_unit_over(lower_head + shared))
    upper_doc, upper = data.draw(_unit_over(upper_head + shared))
    start = data.draw(st.integers(0, len(shared) - 1))
    end = data.draw(st.integers(start + 1, len(shared)))
    passage = Passage(
        len(lower_head) + start,
        len(lower_head) + end,
        len(upper_head) + start,
        len(upper_head) + end,
        shared[start:end],
    )
    items = passage_evidence(lower, upper, passage)
    assert "".join(e.text for e in items) == passage.text
    assert [e.continues for e in items] == [False] + [True] * (len(items) - 1)
    for e in items:
        assert e.text
        assert lower_doc[e.lower_span.start : e.lower_span.end] == e.text
        assert upper_doc[e.upper_span.start : e.upper_span.end] == e.text


# -- uppers with the same name ---------------------------------------------------------------
def _report(task: str, path: str | None = None) -> policytext.PolicyDocument:
    return policytext.parse_text(f"政府工作报告\n一、重点工作\n{task}\n", source=Source(path=path))


REPORT_TASKS = [
    "建立乡村教师周转宿舍建设长效机制，统筹利用闲置校舍改建教师公寓，改善边远地区教师工作生活条件。",
    "设立青年科技人才专项资助计划，对首次承担市级项目的青年人员给予经费倾斜，探索长周期稳定支持方式。",
]
TWO_TASK_PLAN = (
    "某市工作方案\n一、重点任务\n"
    f"（一）改善乡村教师条件。{REPORT_TASKS[0]}（责任单位：市教育局）\n"
    f"（二）资助青年科技人才。{REPORT_TASKS[1]}（责任单位：市科技局）\n"
)


def test_uppers_with_the_same_title_stay_apart():
    uppers = [_report(REPORT_TASKS[0]), _report(REPORT_TASKS[1])]
    assert uppers[0].name == uppers[1].name == "政府工作报告"
    result = align(policytext.parse_text(TWO_TASK_PLAN), uppers)
    names = [c.doc_name for c in result.coverage if c.section is None]
    assert names == ["政府工作报告", "政府工作报告 #2"]
    assert [c.doc for c in result.coverage if c.section is None] == [0, 1]
    assert set(result.reuse_by_doc) == set(names)
    assert all(0 < share < 0.7 for share in result.reuse_by_doc.values())  # not merged
    best = result.best()
    assert [best[i].upper.doc for i in (0, 1)] == [0, 1]
    pairs = result.to_dict()["pairs"]
    assert [p["upper_doc_index"] for p in pairs if p["rank"] == 1] == [0, 1]
    assert list(result.pairs_frame().drop_duplicates("lower_path")["upper_doc_index"]) == [0, 1]
    assert list(result.coverage_frame()["upper_doc_index"].drop_duplicates()) == [0, 1]


def test_same_titles_are_told_apart_by_file_name():
    uppers = [
        _report(REPORT_TASKS[0], "reports/2024/gwr.txt"),
        _report(REPORT_TASKS[1], "reports/gwr_2025.txt"),
        _report(REPORT_TASKS[1], "other/gwr_2025.txt"),
    ]
    index = AlignIndex.build(uppers)
    assert [d.name for d in index.docs] == [
        "政府工作报告 (gwr.txt)",
        "政府工作报告 (gwr_2025.txt)",
        "政府工作报告 (gwr_2025.txt) #2",
    ]


def test_unique_names_never_take_another_documents_name():
    title = "关于加强教师队伍建设的意见"
    doc = policytext.parse_text(f"{title}\n一、任务\n建立长效机制，改善教师工作条件。\n")
    docs = [replace(doc, header=replace(doc.header, title=name)) for name in (f"{title} #2", title, title)]
    assert [d.name for d in docs] == [f"{title} #2", title, title]
    assert unique_names(docs) == [f"{title} #2", title, f"{title} #3"]
    assert unique_names(docs[:2]) == [f"{title} #2", title]


# -- functions named by an upper text ---------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "functions"),
    [
        ("认真落实深化改革部署，扩大农村部分计划生育家庭奖励扶助范围", ()),
        ("加强科技部署", ()),
        ("开创教育局面", ()),
        ("科技部", ("science_technology",)),
        ("市教育局", ("education",)),
        ("教育部部署", ("education",)),
        ("农业农村部", ("agriculture",)),
    ],
)
def test_one_character_suffixes_do_not_open_common_words(text, functions):
    assert named_functions(text) == functions


# -- selection with a per-document limit ------------------------------------------------------
_NO_SIGNALS = PairSignals(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, (), ())


def _scored(unit_id: int, doc: int, score: float, rank: float, relation: str | None = "adapted") -> Scored:
    return Scored(unit_id, doc, score, relation, _NO_SIGNALS, rank)


def test_top_candidate_counts_against_the_per_document_limit():
    a = _scored(0, 0, 0.9, 0.1)
    b = _scored(1, 0, 0.5, 0.9)  # the rank model's best: put in front
    c = _scored(2, 1, 0.4, 0.2)
    kept = ScoringConfig(max_per_doc=1).select([a, b, c])
    assert [s.unit_id for s in kept] == [1, 2]
    assert ScoringConfig().select([a, b, c]) == [b, a, c]


def _old_select(config: ScoringConfig, scored: list[Scored]) -> list[Scored]:
    """The selection before the fix (right whenever there is no per-document limit)."""
    ranked = sorted(scored, key=lambda s: (-s.score, s.unit_id))
    if not ranked or ranked[0].relation is None:
        return []
    floor = ranked[0].score * config.relative
    kept: list[Scored] = []
    for s in ranked:
        if s.relation is None or s.score < floor or len(kept) >= config.max_matches:
            break
        kept.append(s)
    top = min(scored, key=lambda s: (-s.rank, s.unit_id))
    if top.relation is None:
        return kept
    if top in kept:
        return [top, *(s for s in kept if s is not top)]
    return [top, *kept[: config.max_matches - 1]]


_CANDIDATES = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9]),
        st.floats(0, 1),
        st.sampled_from(["adapted", "related", None]),
    ),
    min_size=1,
    max_size=8,
).map(lambda rows: [_scored(i, doc, score, rank, rel) for i, (doc, score, rank, rel) in enumerate(rows)])


@settings(max_examples=300, deadline=None)
@given(_CANDIDATES, st.integers(1, 4), st.sampled_from([0.0, 0.5]), st.sampled_from([None, 1, 2]))
def test_selection_respects_every_limit(scored, max_matches, relative, max_per_doc):
    config = ScoringConfig(max_matches=max_matches, relative=relative, max_per_doc=max_per_doc)
    kept = config.select(scored)
    assert len(kept) <= max_matches and len({s.unit_id for s in kept}) == len(kept)
    if max_per_doc is None:
        assert kept == _old_select(config, scored)
    else:
        assert all(sum(s.doc == k.doc for s in kept) <= max_per_doc for k in kept)
        top = min(scored, key=lambda s: (-s.rank, s.unit_id))
        if kept and top.relation is not None:
            assert kept[0] is top


# -- pairs frame columns ----------------------------------------------------------------------
def test_empty_pairs_frame_has_the_same_columns_as_a_full_one():
    plan = policytext.parse_text(TWO_TASK_PLAN)
    full = align(plan, [_report(REPORT_TASKS[0])]).pairs_frame()
    unrelated = policytext.parse_text(
        "关于水利工作的通知\n一、任务\n加固病险水库堤防，疏浚河道，完善防汛抗旱指挥调度体系。\n"
    )
    empty = align(plan, [unrelated]).pairs_frame()
    assert len(full) and empty.empty
    assert list(empty.columns) == list(full.columns)
    assert {f"signal_{k}" for k in PAIR_SIGNALS} <= set(empty.columns)


# -- user mistakes in align(...) ----------------------------------------------------------------
@pytest.fixture(scope="module")
def small_plan():
    return policytext.parse_text(TWO_TASK_PLAN)


@pytest.mark.parametrize(
    ("uppers", "options", "error", "message"),
    [
        ([], {}, InputError, r"at least one upper document \(uppers: a PolicyDocument"),
        (
            "gwr.txt",
            {},
            InputError,
            r"^gwr\.txt: align takes upper documents, not file paths.*policytext\.read",
        ),
        (["gwr.txt"], {}, InputError, r"^gwr\.txt: upper document 0 is a str, not a PolicyDocument"),
        (42, {}, InputError, r"uppers is a int; expected a PolicyDocument"),
        (
            None,
            {"levels": ["nation"]},
            ConfigurationError,
            r"unknown level 'nation'.*expected one of national",
        ),
        (
            None,
            {"levels": ["national", "provincial"]},
            ConfigurationError,
            r"levels gives 2 levels for 1 upper",
        ),
        (None, {"levels": "national"}, ConfigurationError, r"one level per upper document"),
        (
            None,
            {"upper_kind": "chapter"},
            ConfigurationError,
            r"unknown upper_kind 'chapter'; expected auto or one of measure",
        ),
        (None, {"lower_kind": "line"}, ConfigurationError, r"unknown lower_kind 'line'"),
        (
            None,
            {"coverage_docs": "none"},
            ConfigurationError,
            r"unknown coverage_docs 'none'; expected one of auto, all, matched",
        ),
    ],
)
def test_user_mistakes_raise_policytext_errors(small_plan, uppers, options, error, message):
    if uppers is None:
        uppers = [_report(REPORT_TASKS[0])]
    with pytest.raises(error, match=message) as raised:
        align(small_plan, uppers, **options)
    assert isinstance(raised.value, PolicyTextError)


def test_lower_path_is_refused(small_plan):
    with pytest.raises(InputError, match=r"^plan\.txt: align takes the lower document as a PolicyDocument"):
        align("plan.txt", [small_plan])


def test_options_a_prebuilt_index_cannot_take_are_refused(small_plan):
    index = AlignIndex.build([_report(REPORT_TASKS[0])])
    with pytest.raises(ConfigurationError, match=r"prebuilt AlignIndex already has them"):
        align(small_plan, index, levels=["national"])
    with pytest.raises(ConfigurationError, match=r"pass them to AlignIndex\.build"):
        align(small_plan, index, upper_kind="article")
    assert align(small_plan, index).matches  # the defaults are fine


# -- lone surrogates ----------------------------------------------------------------------------
def test_lone_surrogate_in_an_upper_document_is_aligned():
    upper = policytext.parse_text(
        f"关于教育工作的意见\n一、重点任务\n{REPORT_TASKS[0][:16]}\ud800{REPORT_TASKS[0][16:]}\n"
    )
    result = align(policytext.parse_text(TWO_TASK_PLAN), [upper])
    assert result.best()[0].relation == "copied"
    assert (ngram_counts(["制度\ud800改革"]) != ngram_counts(["制度，改革"])).nnz == 0
    assert content_words("培养制度\ud800，教师队伍") == content_words("培养制度\ufffd，教师队伍")


# -- loading an index -----------------------------------------------------------------------------
def test_loading_a_directory_or_a_foreign_pickle_names_the_file(tmp_path):
    with pytest.raises(InputError, match=rf"^{re.escape(str(tmp_path))}: is a directory"):
        AlignIndex.load(tmp_path)
    short = tmp_path / "short.index"
    short.write_bytes(pickle.dumps(("policytext-align-index-2",)))
    with pytest.raises(InputError, match=r"short\.index: a damaged alignment index"):
        AlignIndex.load(short)
    odd = tmp_path / "odd.index"
    odd.write_bytes(pickle.dumps(("policytext-align-index-2", "docs", [], None, None)))
    with pytest.raises(InputError, match=r"odd\.index: a damaged alignment index"):
        AlignIndex.load(odd)


# -- semantic module docstring ----------------------------------------------------------------------
def test_semantic_docstring_states_the_shipped_sizes():
    vectors = WordVectors.load_default()
    doc = " ".join((semantic_module.__doc__ or "").split())
    assert f"{vectors.dims} dimensions" in doc
    assert f"{len(vectors.index):,} words" in doc
