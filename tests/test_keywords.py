"""Keywords: policy-domain TF-IDF, TextRank, MMR, per measure/section, distinctive terms, CLI."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from policytext.errors import ConfigurationError
from policytext.keywords import (
    IDF,
    _redundancy,
    _select,
    _term_counts,
    _tfidf,
    _Unit,
    bundled_idf,
    distinctive_terms,
    keyword_rows,
    keywords,
    learn_idf,
)
from policytext.segment import Segmenter, quoted_terms

FRAGMENTS = {"市人", "社局", "信局", "市经", "产教", "融合", "揭榜", "挂帅"}


@pytest.fixture(scope="module")
def plan_keywords(plan) -> pd.DataFrame:
    return keywords(plan, top=20)


def test_plan_top20_is_clean(plan_keywords):
    terms = plan_keywords["term"].tolist()
    assert len(terms) == 20
    assert all(len(t) >= 2 for t in terms)
    assert not FRAGMENTS & set(terms)
    assert not {"责任", "单位", "责任单位", "牵头", "企业", "创新", "建设"} & set(terms)
    assert not any(re.fullmatch(r"\d+年?", t) for t in terms)
    # whole policy terms of the plan make it to the top
    assert {"产教融合", "高技能人才", "青年科技人才"} <= set(terms)


def test_frame_columns_and_types(plan_keywords):
    assert list(plan_keywords.columns) == ["document", "rank", "term", "score", "count"]
    assert plan_keywords["rank"].tolist() == list(range(1, 21))
    assert (plan_keywords["count"] >= 1).all() and (plan_keywords["score"] > 0).all()
    assert plan_keywords["document"].nunique() == 1


def test_counts_match_the_text(plan, plan_keywords):
    row = plan_keywords.set_index("term").loc["产教融合"]
    # 产教融合 occurs in the text; the count never exceeds its raw occurrences
    assert 1 <= row["count"] <= plan.text.count("产教融合")


def test_quoted_terms_are_single_tokens(plan):
    segmenter = Segmenter()
    tokens = {t.text for t in segmenter.tokenize(plan.text)}
    quoted = [t for t in quoted_terms(plan.text) if 2 <= len(t) <= 8]
    assert quoted and set(quoted) <= tokens


def test_segmenter_without_pos_gives_the_same_keywords(plan, plan_keywords):
    """A corpus worker shares one plain Segmenter; keywords still use POS tags from its backend."""
    plain = keywords(plan, top=20, segmenter=Segmenter())
    assert plain["term"].tolist() == plan_keywords["term"].tolist()


def test_textrank_and_mmr_options(plan):
    ranked = keywords(plan, top=10, method="textrank")
    assert len(ranked) == 10 and not FRAGMENTS & set(ranked["term"])
    # the IDF weighting keeps the hubs of every policy text out of the first places
    assert not {"机制", "人才", "科技", "发展"} & set(ranked["term"][:5])
    plain = keywords(plan, top=15, mmr=None)["term"].tolist()
    diverse = keywords(plan, top=15, mmr=0.3)["term"].tolist()
    assert plain != diverse
    # with strong MMR no selected term contains another one
    assert not any(a != b and a in b for a in diverse for b in diverse)


def _naive_mmr(scores, counts, top, mmr):
    """MMR as defined: each round, every candidate's penalty is its largest redundancy with all
    the terms chosen so far (the cached, incremental _select must pick the same terms)."""
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    pool = ranked[: max(top * 5, 50)]
    best = pool[0][1] or 1.0
    chosen = []
    while pool and len(chosen) < top:

        def gain(item):
            penalty = max((_redundancy(item[0], c, counts) for c, _ in chosen), default=0.0)
            return mmr * item[1] / best - (1 - mmr) * penalty

        pick = max(pool, key=gain)
        pool.remove(pick)
        chosen.append(pick)
    return chosen


@pytest.mark.parametrize("mmr", [0.0, 0.3, 0.7, 0.8, 1.0])
def test_mmr_selection_equals_the_definition(plan, mmr):
    segmenter = Segmenter(pos=True)
    tokens = segmenter.content_tuples(plan, pos=True)
    counts = _term_counts(_Unit("plan", tokens), segmenter, bundled_idf(), True)
    scores = _tfidf(counts, bundled_idf())
    assert len(scores) > 60
    for top in (1, 10, 20, 60):
        assert _select(scores, counts, top, mmr) == _naive_mmr(scores, counts, top, mmr)


def test_keyword_rows_are_the_frame_rows(plan):
    """Batch workers take keyword_rows (no pandas); keywords() is the same rows in a DataFrame."""
    for options in ({}, {"mmr": None, "adapt": False}, {"by": "measure", "top": 3}):
        rows = keyword_rows(plan, **options)
        frame = keywords(plan, **options)
        assert rows and frame.to_dict("records") == rows


def test_by_measure_and_section(plan):
    per_measure = keywords(plan, top=3, by="measure")
    assert {"document", "measure", "title", "rank", "term", "score", "count"} <= set(per_measure.columns)
    assert per_measure["measure"].nunique() == len(plan.measures) == 20
    assert (per_measure.groupby("measure").size() <= 3).all()
    first = per_measure[per_measure["measure"] == "一、/（三）"]["term"].tolist()
    assert "产教融合" in first
    per_section = keywords(plan, top=5, by="section")
    assert per_section["section"].nunique() == 5


def test_raw_text_and_several_documents(plan):
    text = "加快发展新质生产力，推进“揭榜挂帅”，支持集成电路和人工智能产业，集成电路产业链。"
    frame = keywords(text, top=5)
    assert "揭榜挂帅" in frame["term"].tolist() or "集成电路" in frame["term"].tolist()
    both = keywords([plan, text], top=5)
    assert both["document"].nunique() == 2


def test_bad_options_raise_configuration_errors(plan):
    with pytest.raises(ConfigurationError, match="unknown keyword method"):
        keywords(plan, method="lda")
    with pytest.raises(ConfigurationError, match="unknown by"):
        keywords(plan, by="paragraph")
    with pytest.raises(ConfigurationError, match="top"):
        keywords(plan, top=0)
    with pytest.raises(ConfigurationError, match="needs a PolicyDocument"):
        keywords("纯文本", by="measure")
    with pytest.raises(ConfigurationError, match="at least one document"):
        keywords([])


def test_bundled_idf_ranks_generic_below_specific():
    idf = bundled_idf()
    assert idf.documents > 3000
    assert idf["企业"] < idf["人工智能"] < idf["产教融合"]
    assert idf["从未出现过的词语"] == idf.default


def test_idf_from_user_corpus(plan):
    corpus = [plan, "人工智能产业发展。人工智能赋能制造业。", "人工智能与数字经济。"]
    learned = learn_idf(corpus)
    assert isinstance(learned, IDF) and learned.documents == 3
    assert learned["人工智能"] < learned["产教融合"]
    frame = keywords(plan, top=10, idf=corpus)
    assert len(frame) == 10
    mapping = keywords(plan, top=5, idf={"产教融合": 100.0, "高校": 0.01})
    assert mapping["term"].iloc[0] == "产教融合"


def test_corpus_as_documents_and_idf_source(plan):
    from policytext import Corpus

    corpus = Corpus(["人工智能产业发展。人工智能赋能制造业。", "产教融合与职业教育，职业教育改革。"])
    assert learn_idf(corpus).documents == 2
    frame = keywords(corpus, top=2)
    assert frame["document"].nunique() == 2
    assert {"人工智能", "产教融合"} <= set(frame["term"]) or {"人工智能", "职业教育"} <= set(frame["term"])
    assert len(keywords(plan, top=5, idf=corpus)) == 5


def test_distinctive_terms_log_odds(plan):
    ai = [
        "推进人工智能大模型和算力基础设施建设，发展人工智能产业，建设算力中心，支持大模型应用。",
        "人工智能赋能制造业，建设算力网络，培育大模型企业，人工智能场景开放。",
    ]
    frame = distinctive_terms([plan], ai, top=10)
    assert {"term", "score", "count_a", "count_b", "group"} <= set(frame.columns)
    side_a = frame[frame.group == "a"]
    side_b = frame[frame.group == "b"]
    assert (side_a.score > 0).all() and (side_b.score < 0).all()
    assert {"算力", "大模型"} & set(side_b.term)
    assert "高技能人才" in set(side_a.term) or "科研院所" in set(side_a.term)
    assert side_a.score.is_monotonic_decreasing


# -- CLI ---------------------------------------------------------------------------------


def test_cli_keywords_json(plan_path, capsys):
    from policytext.cli import main

    assert main(["keywords", str(plan_path), "--top", "10", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 10
    assert all({"term", "score"} <= set(r) for r in records)
    assert "产教融合" in [r["term"] for r in records] or "高技能人才" in [r["term"] for r in records]


def test_cli_keywords_csv_and_table(plan_path, capsys):
    from policytext.cli import main

    assert main(["keywords", str(plan_path), "--top", "5", "--format", "csv", "--method", "textrank"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "rank,term,score,count" and len(lines) == 6
    assert main(["keywords", "qianjiang_2025", "--top", "3", "--by", "section"]) == 0
    out = capsys.readouterr().out
    assert "section" in out.splitlines()[0]


def test_cli_keywords_errors(tmp_path, plan_path, capsys):
    from policytext.cli import main

    assert main(["keywords", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    assert main(["keywords", str(plan_path), "--top", "0"]) == 2


# -- judged keyword lists (shared corpora) -------------------------------------------------


@pytest.mark.shared
@pytest.mark.slow
def test_precision_at_10_on_judged_documents(shared):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "eval"))
    from eval_keywords import JUDGED, load_text

    import policytext

    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    assert len(data["documents"]) >= 10
    precisions = []
    for key in data["documents"]:
        doc = policytext.parse_text(load_text(key, shared))
        terms = keywords(doc, top=10)["term"].tolist()
        verdicts = data["judgments"][key]
        precisions.append(sum(bool(verdicts.get(t)) for t in terms) / 10)
    assert sum(precisions) / len(precisions) >= 0.6
    assert min(precisions) >= 0.4
