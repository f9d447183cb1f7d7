"""policytext.align on real documents of the shared corpora, and its CLI."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

import policytext
from policytext.align import align
from policytext.cli import main
from policytext.model import Source
from tests.test_align import PAIR_KEYS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "align"
EXTRACTS = "national/extracts"
SCI_LAW = "行政法/科学技术进步法(2021-12-24).md"
SCI_SHANGHAI = "DLC/上海地方法规/地方性法规/上海/上海市科学技术进步条例(2024-05-10).md"


@pytest.fixture(scope="module")
def extracts(shared):
    return [policytext.read(p) for p in sorted((shared / EXTRACTS).glob("*.txt"))]


@pytest.fixture(scope="module")
def plan_alignment(plan, extracts):
    return align(plan, extracts, levels=["national"] * len(extracts))


@pytest.fixture(scope="module")
def laws(shared):
    wanted = {SCI_LAW, SCI_SHANGHAI}
    found = {}
    with gzip.open(shared / "laws/lawrefbook_laws.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["path"] in wanted:
                found[record["path"]] = policytext.parse_text(
                    record["text"], source=Source(path=record["path"])
                )
    return found


def _matches(result, label):
    return [m for m in result.matches if m.lower.path[-1] == label]


@pytest.mark.shared
def test_plan_copies_the_talent_evaluation_clause(plan_alignment):
    best = _matches(plan_alignment, "（十六）")[0]
    assert best.upper.doc_name.startswith("gwr2025")
    assert best.relation == "copied"
    assert any("人才评价体系" in e.text and len(e.text) >= 20 for e in best.evidence)


@pytest.mark.shared
def test_plan_takes_up_the_ideology_course_reform(plan_alignment, plan, extracts):
    found = [m for m in _matches(plan_alignment, "（二十）") if m.upper.doc_name.startswith("gwr2025")]
    assert found and found[0].relation in ("copied", "adapted")
    evidence = [e for e in found[0].evidence if "思政课一体化" in e.text]
    assert evidence
    upper = next(d for d in extracts if d.name.startswith("gwr2025"))
    e = evidence[0]
    assert plan.text[e.lower_span.start : e.lower_span.end] == e.text
    assert upper.text[e.upper_span.start : e.upper_span.end] == e.text


@pytest.mark.shared
def test_plan_document_figures(plan_alignment):
    per_doc = [c for c in plan_alignment.coverage if c.section is None]
    assert len(per_doc) == 3
    assert all(0 < c.share <= 1 for c in per_doc)
    assert 0 < plan_alignment.reuse_ratio < 0.5  # a local plan mostly writes its own text
    assert len(plan_alignment.local_additions) < 20


@pytest.mark.shared
@pytest.mark.slow
def test_regulation_article_finds_the_law_article_it_implements(laws):
    result = align(laws[SCI_SHANGHAI], [laws[SCI_LAW]], levels=["national"])
    best = _matches(result, "第二十一条")[0]  # 实验室体系 ↔ 第四十八条 (labelled copied)
    assert best.upper.path[-1] == "第四十八条"
    assert best.relation in ("copied", "adapted")
    assert any(m.upper_functions for m in result.matches)  # laws name 科学技术行政部门 …


@pytest.mark.shared
@pytest.mark.slow
def test_accuracy_on_the_labelled_pairs_beats_tfidf():
    """The shipped configuration on the hand-labelled pairs (tests/eval/data/align_gold.jsonl)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "eval"))
    import eval_align as ev

    groups = ev.load_groups(ev.GOLD, ev.Corpora(ev.shared_corpora_dir()))
    ev.compute_signals(groups)
    ours = ev.evaluate_config(groups, ev.DEFAULT_CONFIG)
    _, baseline = ev.tuned_baseline(groups, ev.baseline_scores(groups))
    assert ours.top1 >= 0.78
    assert ours.f1 >= 0.6
    assert ours.top1 > baseline.top1 and ours.f1 > baseline.f1


@pytest.mark.shared
def test_evaluation_reads_any_gold_file_of_the_same_format(shared, tmp_path):
    """``eval_align.py --gold PATH``: records named by key object or ``corpus#value`` are one
    document, unresolved labels are reported (not dropped silently), formal clauses are left out."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "eval"))
    import eval_align as ev

    laws_file = "laws/lawrefbook_laws.jsonl.gz"
    lower = {"corpus": laws_file, "key": {"path": SCI_SHANGHAI}}
    upper = {"corpus": laws_file, "key": {"path": SCI_LAW}}
    lines = [
        {
            "set": "mini",
            "uppers": [f"{laws_file}#{SCI_LAW}"],
            "lower": {**lower, "unit": ["第二十一条"]},
            "links": [
                {"upper": {**upper, "unit": ["第四十八条"]}, "relation": "copied", "note": "实验室体系"},
                {"upper": {**upper, "anchor": "没有这样一句话的锚点"}, "relation": "related"},
            ],
        },
        {
            "set": "mini",
            "uppers": [f"{laws_file}#{SCI_LAW}"],
            "lower": {**lower, "unit": ["第四十七条"]},
            "links": [],
        },
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    groups = ev.load_groups(gold, ev.Corpora(shared))
    assert len(groups) == 1 and len(groups[0].index.docs) == 1  # both spellings: one document
    assert groups[0].unresolved == 1 and "没有这样一句话的锚点" in groups[0].problems[0]
    ev.compute_signals(groups)
    metrics = ev.evaluate_config(groups, ev.DEFAULT_CONFIG, exact=True)
    assert (metrics.top1_hits, metrics.top1_total, metrics.fp) == (1, 1, 0)  # 施行日期 gets no link


@pytest.mark.shared
@pytest.mark.slow
def test_leave_one_set_out_over_several_gold_files(shared, tmp_path):
    """``eval_align.py --gold-files A B --loso-only``: the sets of both files are pooled, each set
    is one fold, and the TF-IDF baseline's threshold is fitted on the other sets too."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "eval"))
    import eval_align as ev

    lines = [json.loads(line) for line in ev.GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    science = [line for line in lines if line["set"].startswith("sci_tech")][:16]
    files = []
    for number, part in enumerate((science[:8], science[8:])):
        gold = tmp_path / f"gold{number}.jsonl"
        rows = [{**line, "set": f"half{number}"} for line in part]
        gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        files.append(gold)
    corpora = ev.Corpora(shared)
    groups = [group for path in files for group in ev.load_groups(path, corpora)]
    assert [g.name for g in groups] == ["half0", "half1"]
    ev.compute_signals(groups)
    figures: dict = {}
    ev.report_loso(groups, ev.baseline_scores(groups), figures)
    assert {"loso/half0", "loso/half1", "loso/ALL", "loso_baseline/half0", "loso_baseline/ALL"} <= set(
        figures
    )
    assert 0.5 <= figures["loso/ALL"]["top1"] <= 1.0
    for key in ("top1", "f1"):  # pooled lies between the two folds
        low, high = sorted(figures[f"loso/half{n}"][key] for n in (0, 1))
        assert low - 1e-9 <= figures["loso/ALL"][key] <= high + 1e-9


# -- CLI -----------------------------------------------------------------------------------
def test_cli_json(capsys):
    code = main(
        [
            "align",
            str(FIXTURES / "city_plan.txt"),
            "--against",
            str(FIXTURES / "national.txt"),
            "--format",
            "json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pairs"] and set(data["pairs"][0]) >= PAIR_KEYS
    assert [u["path"][-1] for u in data["local_additions"]] == ["（四）"]


def test_cli_csv_table_and_output_file(tmp_path, capsys):
    out = tmp_path / "pairs.csv"
    args = [
        "align",
        str(FIXTURES / "city_plan.txt"),
        "--against",
        str(FIXTURES / "national.txt"),
        str(FIXTURES / "provincial.txt"),
    ]
    assert main([*args, "--levels", "national", "provincial", "--format", "csv", "-o", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("lower_path,lower_title,upper_doc")
    assert main([*args, "--format", "table", "--top", "1"]) == 0
    table = capsys.readouterr().out
    assert "coverage:" in table and "local additions" in table


def test_cli_errors_are_one_line(tmp_path, capsys):
    code = main(["align", str(FIXTURES / "city_plan.txt"), "--against", str(tmp_path / "missing.txt")])
    assert code == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err and len(err.strip().splitlines()) == 1
    code = main(
        [
            "align",
            str(FIXTURES / "city_plan.txt"),
            "--against",
            str(FIXTURES / "national.txt"),
            "--levels",
            "a",
            "b",
        ]
    )
    assert code == 2
    code = main(
        [
            "align",
            str(FIXTURES / "city_plan.txt"),
            "--against",
            str(FIXTURES / "national.txt"),
            "--levels",
            "galactic",
        ]
    )
    assert code == 2
    assert "galactic" in capsys.readouterr().err


def test_cli_accepts_the_bundled_name(capsys):
    assert (
        main(["align", "qianjiang_2025", "--against", str(FIXTURES / "national.txt"), "--format", "json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["lower_units"] == 20
