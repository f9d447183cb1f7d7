"""Policy-aware segmentation: lexicon, spans, quoted terms, backends, adaptation, CLI."""

from __future__ import annotations

import pickle
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policytext.errors import ConfigurationError
from policytext.segment import Segmenter, Token, is_content, is_numeric, quoted_terms

PLAN_TERMS = ["产教融合", "揭榜挂帅", "新质生产力", "科教融汇", "卓越工程师", "专精特新"]
PLAN_AGENCIES = ["市人社局", "市经信局", "市发改委", "市科协", "市科技局", "市教育局", "市委组织部"]
FRAGMENTS = {"市人", "社局", "信局", "市经", "产教", "揭榜", "挂帅", "新质"}


@pytest.fixture(scope="module")
def seg() -> Segmenter:
    return Segmenter()


@pytest.fixture(scope="module")
def seg_jieba() -> Segmenter:
    return Segmenter("jieba")


@pytest.fixture(scope="module")
def seg_pos() -> Segmenter:
    return Segmenter(pos=True)


@pytest.fixture(scope="module")
def plan_text(plan_path) -> str:
    return plan_path.read_text(encoding="utf-8")


def test_plan_terms_and_agencies_stay_whole(seg, plan_text):
    tokens = seg.cut(plan_text)
    for term in PLAN_TERMS + PLAN_AGENCIES:
        assert term in tokens, term
    assert not FRAGMENTS & set(tokens)


def test_plain_jieba_really_breaks_them():
    """The baseline the lexicon fixes: without it, 市人社局 and 产教融合 fall apart."""
    bare = Segmenter(lexicon=False)
    assert bare.cut("市人社局推进产教融合") == ["市人", "社局", "推进", "产教", "融合"]
    assert Segmenter().cut("市人社局推进产教融合") == ["市人社局", "推进", "产教融合"]


def test_tokens_carry_exact_spans(seg, plan_text):
    tokens = seg.tokenize(plan_text)
    assert tokens and all(isinstance(t, Token) for t in tokens)
    for token in tokens:
        assert plan_text[token.start : token.end] == token.text
    starts = [t.start for t in tokens]
    assert starts == sorted(starts)
    # nothing but white space falls between tokens: no text is lost
    covered = "".join(t.text for t in tokens)
    assert covered == re.sub(r"\s", "", plan_text)


def test_cut_equals_tokenize_texts(seg, plan_text):
    assert seg.cut(plan_text) == [t.text for t in seg.tokenize(plan_text)]


def test_backends_identical_on_plan(plan_text, seg_jieba):
    fast, reference = Segmenter("rjieba"), seg_jieba
    assert fast.cut(plan_text) == reference.cut(plan_text)
    assert [(t.start, t.end) for t in fast.tokenize(plan_text)] == [
        (t.start, t.end) for t in reference.tokenize(plan_text)
    ]


def test_joined_ascii_runs_are_one_token_in_both_backends(seg, seg_jieba):
    text = "推广LTE-V2X，执行GB/T 26790.1-2011，2026-02-09起，电话0532-88999976"
    tokens = seg.cut(text)
    assert {"LTE-V2X", "26790.1-2011", "2026-02-09", "0532-88999976"} <= set(tokens)
    assert seg_jieba.cut(text) == tokens


def test_auto_prefers_rust_backend():
    assert Segmenter().backend_name == "rjieba"


def test_unknown_backend_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="unknown segmentation backend"):
        Segmenter("pkuseg")


def test_no_global_tokenizer_state_touched(plan_text, seg_jieba):
    import jieba
    import rjieba

    seg_jieba.cut(plan_text)
    Segmenter("rjieba", extra_words=["某某新词组合"]).cut(plan_text)
    assert not rjieba._DEFAULT_JIEBA.has_word("某某新词组合")
    assert not rjieba._DEFAULT_JIEBA.has_word("市人社局")
    # our lexicon words went into our own tokenizer, not jieba's global one
    assert "市人社局" in seg_jieba.backend._tokenizer.FREQ  # type: ignore[attr-defined]
    assert not jieba.dt.initialized or "市人社局" not in jieba.dt.FREQ


def test_jieba_cache_goes_to_user_cache_dir(seg_jieba):
    from policytext._util import user_cache_dir

    folder = user_cache_dir() / "jieba"
    assert seg_jieba.backend._tokenizer.tmp_dir == str(folder)  # type: ignore[attr-defined]
    assert (folder / "jieba.cache").is_file()
    assert Segmenter(cache_dir="/somewhere/else")._cache_folder().as_posix() == "/somewhere/else"


def test_quoted_terms_found():
    text = "实施“揭榜挂帅”“双高”计划，开展“科技副总”“不求所在、不求所有”活动，“一”字"
    assert quoted_terms(text) == ["揭榜挂帅", "双高", "科技副总"]


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_TERM_CHAR = st.one_of(_HAN, st.sampled_from("、+-·1AB，"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    term=st.text(_HAN, min_size=2, max_size=8),
    before=st.text(_HAN, max_size=6),
    after=st.text(_HAN, max_size=6),
)
def test_any_quoted_term_is_one_token(seg, term, before, after):
    text = f"{before}实施“{term}”{after}"
    tokens = seg.tokenize(text)
    start = text.index("“") + 1
    assert any(t.text == term and t.start == start for t in tokens)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.one_of(_HAN, st.sampled_from("“”「」《》、，。 \n\t12AB+-")), max_size=40))
def test_tokens_cover_every_visible_character(seg_pos, text):
    tokens = seg_pos.tokenize(text)
    covered = set()
    previous_end = 0
    for token in tokens:
        assert text[token.start : token.end] == token.text
        assert token.start >= previous_end and token.end > token.start
        assert not token.text.isspace()
        previous_end = token.end
        covered.update(range(token.start, token.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    assert seg_pos.cut(text) == [t.text for t in tokens]


def test_pos_tags(seg_pos):
    tokens = {t.text: t.pos for t in seg_pos.tokenize("市人社局牵头推进产教融合，建设实训基地")}
    assert tokens["市人社局"] == "nt"
    assert tokens["产教融合"] == "nz"
    assert tokens["推进"].startswith("v")


def test_pos_tags_agree_across_backends():
    text = "市科技局实施揭榜挂帅项目，科技部支持"
    fast = [(t.text, t.pos) for t in Segmenter("rjieba", pos=True).tokenize(text)]
    assert ("科技部", "nt") in fast  # our tag wins over rjieba's own 'n'
    assert ("揭榜挂帅", "nz") in fast


def test_stopwords_and_boilerplate_flags():
    text = "进一步加强产教融合的工作"
    with_boiler = {t.text: t.is_stop for t in Segmenter().tokenize(text)}
    assert with_boiler["加强"] and with_boiler["的"] and not with_boiler["产教融合"]
    without = {t.text: t.is_stop for t in Segmenter(boilerplate=False).tokenize(text)}
    assert not without["加强"] and without["的"]
    none = {t.text: t.is_stop for t in Segmenter(stopwords=False, boilerplate=False).tokenize(text)}
    assert not none["的"]
    custom = {t.text: t.is_stop for t in Segmenter(stopwords=["产教融合"]).tokenize(text)}
    assert custom["产教融合"]


def test_extra_words_and_user_dict(tmp_path):
    text = "推进潜江虾稻产业园建设"
    assert "潜江虾稻产业园" not in Segmenter().cut(text)
    assert "潜江虾稻产业园" in Segmenter(extra_words=["潜江虾稻产业园"]).cut(text)
    path = tmp_path / "mine.txt"
    path.write_text("# my words\n潜江虾稻产业园 50000 nz\n", encoding="utf-8")
    assert "潜江虾稻产业园" in Segmenter(user_dict=path).cut(text)


def test_bad_user_dict_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("好词 12\n坏词 many\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"bad\.txt: line 2"):
        Segmenter(user_dict=path)
    with pytest.raises(ConfigurationError, match="cannot read dictionary"):
        Segmenter(user_dict=tmp_path / "missing.txt")


def test_picklable_before_and_after_use(plan_text):
    segmenter = Segmenter(extra_words=[("潜江虾稻产业园", 50000, "nz")], pos=True)
    fresh = pickle.loads(pickle.dumps(segmenter))
    segmenter.cut(plan_text)  # backend built
    used = pickle.loads(pickle.dumps(segmenter))
    assert fresh.cut(plan_text) == used.cut(plan_text) == segmenter.cut(plan_text)
    assert used.pos and used.extra_words == segmenter.extra_words


def test_pickle_carries_user_words_not_paths(tmp_path):
    words, stops = tmp_path / "words.txt", tmp_path / "stops.txt"
    words.write_text("潜江虾稻产业园 50000 nz\n", encoding="utf-8")
    stops.write_text("产教融合\n", encoding="utf-8")
    data = pickle.dumps(Segmenter(user_dict=words, stopwords=stops))
    words.unlink()
    stops.unlink()  # a worker on another machine has neither file
    clone = pickle.loads(data)
    assert "潜江虾稻产业园" in clone.cut("推进潜江虾稻产业园")
    assert clone.tokenize("产教融合")[0].is_stop


def test_numbers_are_numeric():
    for text in ("2025", "2025年", "10%", "200项", "三", "1万人", "5.6"):
        assert is_numeric(text), text
    for text in ("5G", "产教融合", "十四五"):
        assert not is_numeric(text), text


def test_lines_one_per_input_line(seg):
    text = "第一行产教融合\n\n第三行 市人社局"
    lines = list(seg.lines(text))
    assert len(lines) == 3 and lines[1] == []
    assert lines[0][-1] == "产教融合" and lines[2][-1] == "市人社局"


# -- documents ---------------------------------------------------------------------------


def test_content_tokens_skip_clauses_and_stopwords(plan, seg):
    tokens = seg.content_tokens(plan)
    clauses = [m.clause_span for m in plan.measures if m.clause_span]
    assert clauses, "the plan's measures carry responsibility clauses"
    for token in tokens:
        assert plan.text[token.start : token.end] == token.text
        assert not any(c.start <= token.start and token.end <= c.end for c in clauses)
        assert not token.is_stop and len(token.text) >= 2 and not is_numeric(token.text)
    texts = {t.text for t in tokens}
    assert not {"责任单位", "责任", "单位", "加强", "推进", "的"} & texts
    assert "产教融合" in texts
    # agencies survive outside clauses only: the plan names 市科技局 nowhere but in clauses
    assert "市科技局" not in texts


def _reference_content(segmenter: Segmenter, doc, pos: bool) -> list[tuple]:
    """content_tokens the slow way: every token of tokenize(), filtered by is_content, minus the
    tokens inside a responsibility clause."""
    text = doc if isinstance(doc, str) else doc.text
    clauses = [] if isinstance(doc, str) else [m.clause_span for m in doc.measures if m.clause_span]
    return [
        (t.text, t.start, t.end, t.pos)
        for t in segmenter.tokenize(text, pos=pos)
        if is_content(t) and not any(c.start <= t.start and t.end <= c.end for c in clauses)
    ]


MIXED_TEXT = (
    "市人社局会同市经信局推进“产教融合”和“揭榜挂帅”，落实《关于深化产教融合的若干意见》。\n"
    "  到2026年建成LTE-V2X测试场 3个，执行GB/T 26790.1-2011，电话0532-88999976。\n"
    "均居民收入增长6.5%；\t十四五期间新增高技能人才2000名！"
)


@pytest.mark.parametrize("backend", ["rjieba", "jieba"])
@pytest.mark.parametrize("pos", [True, False])
def test_content_tuples_are_tokenize_filtered(plan, backend, pos, seg, seg_jieba):
    """The fast path (per-word caches, cut + remembered tags) gives exactly the tokens, spans and
    tags of tokenize() filtered by is_content, with both backends, adapted or not, cold or warm."""
    base = seg if backend == "rjieba" else seg_jieba
    fresh = base.with_options()  # empty per-word caches
    fresh._backend = base.backend
    adapted = fresh.adapted(plan)  # forced words: unit names, quoted terms, titles
    for segmenter in (fresh, adapted):
        for doc in (plan, MIXED_TEXT, plan.text):
            expected = _reference_content(segmenter, doc, pos)
            assert expected
            for _ in range(2):  # the second call runs on warm caches
                assert segmenter.content_tuples(doc, pos=pos) == expected
                tokens = segmenter.content_tokens(doc, pos=pos)
                assert [(t.text, t.start, t.end, t.pos) for t in tokens] == expected
                assert not any(t.is_stop for t in tokens)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(
        alphabet=st.sampled_from(list("产教融合市人社局推进“”《》，。、 \n2026年AB-.%十四五的和科技人才")),
        max_size=60,
    )
)
def test_content_tuples_match_tokenize_on_any_text(seg, text):
    fresh = seg.with_options()
    fresh._backend = seg.backend
    assert fresh.content_tuples(text, pos=True) == _reference_content(fresh, text, True)
    assert fresh.content_tuples(text, pos=False) == _reference_content(fresh, text, False)


def test_adapted_adds_units_quoted_terms_and_titles(plan):
    base = Segmenter()
    adapted = base.adapted(plan)
    assert adapted is not base and adapted.backend_name == base.backend_name
    added = {w for w, _, _ in adapted.forced_words}
    assert adapted.backend is base.backend  # shared: adapting does not reload the dictionary
    assert "江汉艺术职业学院" in added and "江汉油田教育实业集团" in added  # unit names
    assert "科技副总" in added and "楚天英才计划" in added  # quoted terms
    assert "江汉艺术职业学院" in adapted.cut(plan.text)
    assert adapted.agency_names >= {"江汉艺术职业学院", "市科技局"}
    assert base.extra_words == ()  # the original is unchanged


def test_discover_finds_coined_terms():
    from policytext.discover import discover_terms

    filler = ["推进", "围绕", "加快", "支持", "完善", "落实", "深化", "鼓励", "开展", "强化"]
    texts = [
        f"{verb}虾稻共作模式，{filler[(i + 3) % 10]}光谷科创大走廊{filler[(i + 5) % 10]}的成果。"
        for i, verb in enumerate(filler)
    ]
    found = {c.term for c in discover_terms(texts, max_len=8, min_count=3, min_pmi=1.0, min_entropy=0.5)}
    assert {"虾稻共作模式", "光谷科创大走廊"} <= found
    # fragments that only ever occur inside a longer term are dropped
    assert not {"虾稻共作", "稻共作模式", "光谷科创"} & found
    assert not any(t.startswith("的") or t.endswith("的") for t in found)


# -- CLI ---------------------------------------------------------------------------------


def test_cli_segment_prints_one_line_per_input_line(plan_path, capsys):
    from policytext.cli import main

    assert main(["segment", str(plan_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = plan_path.read_text(encoding="utf-8").splitlines()
    assert len(out) == len(lines)
    assert "市人社局" in out[-5].split(" ") or any("市人社局" in line.split(" ") for line in out)
    for got, line in zip(out, lines, strict=False):
        assert "  " not in got
        assert got.replace(" ", "") == re.sub(r"\s", "", line)


@pytest.mark.slow
def test_cli_segment_backends_agree(plan_path, capsys):
    from policytext.cli import main

    main(["segment", str(plan_path), "--backend", "jieba"])
    slow = capsys.readouterr().out
    main(["segment", str(plan_path), "--backend", "rjieba"])
    assert capsys.readouterr().out == slow


def test_cli_segment_missing_file(tmp_path, capsys):
    from policytext.cli import main

    assert main(["segment", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


# -- shared corpora ----------------------------------------------------------------------


@pytest.mark.shared
def test_backends_agree_on_state_council_documents(seg_jieba):
    from tests.conftest import shared_records

    records = shared_records("state_council_2019/state_council_docs_2019snapshot.jsonl")[:20]
    fast, reference = Segmenter("rjieba"), seg_jieba
    same = sum(fast.cut(r["text"]) == reference.cut(r["text"]) for r in records)
    assert same >= 19
