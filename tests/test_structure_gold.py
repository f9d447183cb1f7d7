"""The structure parser against the hand-labelled gold set (tests/eval/data/structure_gold.jsonl).

Three groups:
* the gold file itself: schema, size, variety, and every label occurring in its document;
* the scorer of tests/eval/eval_structure.py, fed with model objects built from the gold;
* the parser: overall measure / unit F1 ≥ 0.95, the bundled plan exactly, the fixtures'
  deadlines, targets and citations.  These may fail while the parser is being written.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from policytext.model import (
    Citation,
    Deadline,
    Header,
    Measure,
    OutlineNode,
    PolicyDocument,
    Role,
    Span,
    Target,
    Unit,
)

EVAL_PATH = Path(__file__).resolve().parent / "eval" / "eval_structure.py"
_spec = importlib.util.spec_from_file_location("eval_structure", EVAL_PATH)
assert _spec is not None and _spec.loader is not None
ev = importlib.util.module_from_spec(_spec)
sys.modules["eval_structure"] = ev
_spec.loader.exec_module(ev)

GOLD = ev.load_gold()
LOCAL = [r for r in GOLD if r["doc"]["corpus"] in ("fixture", "bundled")]
MEASURE_F1_MIN = 0.95
UNIT_F1_MIN = 0.95


def _name(record: dict[str, Any]) -> str:
    return ev.doc_name(record["doc"])


# -- the gold file ----------------------------------------------------------------------------
def test_gold_schema_is_valid() -> None:
    problems = [p for record in GOLD for p in ev.validate_gold(record)]
    assert problems == []
    assert len({_name(r) for r in GOLD}) == len(GOLD), "duplicate documents"


def test_gold_is_large_and_varied() -> None:
    real = [r for r in GOLD if r["doc"]["corpus"] != "fixture"]
    assert len(real) >= 10
    assert sum(len(r["measures"]) for r in real) >= 250
    depths = {len(m["path"]) for r in real for m in r["measures"]}
    assert {1, 2, 3, 4} <= depths
    roles = Counter(u["role"] for r in GOLD for m in r["measures"] for u in m["units"])
    assert all(roles[role] >= 20 for role in ev.ROLES), roles
    corpora = {r["doc"]["corpus"].split("/")[0] for r in GOLD}
    assert {"central_shandong_ai", "state_council_2019", "laws", "bundled", "fixture"} <= corpora
    fixtures_with_extras = [
        m for r in GOLD for m in r["measures"] if m.get("deadlines") or m.get("targets") or m.get("citations")
    ]
    assert len(fixtures_with_extras) >= 10


@pytest.mark.parametrize("record", LOCAL, ids=_name)
def test_local_gold_labels_occur_in_their_text(record: dict[str, Any]) -> None:
    text = ev.load_texts([record])[_name(record)]
    assert ev.validate_gold(record, text) == []


@pytest.mark.shared
def test_shared_gold_labels_occur_in_their_text(shared: Path) -> None:
    records = [r for r in GOLD if r not in LOCAL]
    texts = ev.load_texts(records, shared)
    problems = [p for r in records for p in ev.validate_gold(r, texts[_name(r)])]
    assert problems == []


# -- the scorer ------------------------------------------------------------------------------
def _doc_from_gold(record: dict[str, Any], drop_measure: int | None = None) -> PolicyDocument:
    """A PolicyDocument that says exactly what the gold says (spans are placeholders)."""
    span = Span(0, 0)
    measures = []
    for index, m in enumerate(record["measures"]):
        if index == drop_measure:
            continue
        units = tuple(Unit(u["name"], Role(u["role"]), span, u["name"]) for u in m["units"])
        measures.append(
            Measure(
                path=tuple(m["path"]),
                title=m["title"],
                text="",
                span=span,
                units=units,
                deadlines=tuple(Deadline(d, span) for d in m.get("deadlines", [])),
                targets=tuple(Target(t, span, None, "") for t in m.get("targets", [])),
                citations=tuple(
                    Citation(c["title"], span, c.get("doc_number")) for c in m.get("citations", [])
                ),
            )
        )
    top = tuple(OutlineNode(f"{i}、", i, "cn", 0, None, span, span) for i in range(record["n_sections"] or 0))
    header = Header(title=record["title"], doc_number=record["doc_number"], date=record["date"])
    return PolicyDocument(text="", header=header, outline=top, measures=tuple(measures))


def test_scorer_gives_full_marks_to_the_gold_itself() -> None:
    results = [ev.score_document(r, _doc_from_gold(r)) for r in GOLD]
    total = ev.summarise(results)
    assert total.measures.f1 == total.units.f1 == total.relaxed.f1 == 1.0
    assert total.roles.hit == total.roles.total > 0
    assert total.deadlines.hit == total.deadlines.total > 0
    assert total.citation_numbers.hit == total.citation_numbers.total > 0
    assert all(r.mismatches == [] for r in results)
    assert f"OVERALL ({len(GOLD)} docs)" in ev.format_report(results)


def test_scorer_counts_a_missing_measure_and_a_wrong_role() -> None:
    record = next(r for r in GOLD if _name(r) == "fixture:qinghe_talent_plan")
    result = ev.score_document(record, _doc_from_gold(record, drop_measure=0))
    assert (result.measures.tp, result.measures.fn, result.measures.fp) == (5, 1, 0)
    assert result.units.fn == 3 and result.deadlines.hit == result.deadlines.total - 1
    assert any("missing measure 二、/（一）" in m for m in result.mismatches)

    swapped = {**record, "measures": [dict(m) for m in record["measures"]]}
    first = swapped["measures"][0]
    first["units"] = [{**u, "role": "lead" if u["role"] == "support" else u["role"]} for u in first["units"]]
    result = ev.score_document(record, _doc_from_gold(swapped))
    assert result.units.f1 == 1.0
    assert (result.roles.hit, result.roles.total) == (9, 11)


# -- the parser ------------------------------------------------------------------------------
def _fail_message(results: list[Any]) -> str:
    return "\n" + ev.format_report(results, show=5)


@pytest.mark.shared
def test_parser_meets_the_gold_thresholds() -> None:
    results = ev.evaluate()
    total = ev.summarise(results)
    assert total.errors == 0, _fail_message(results)
    assert total.measures.f1 >= MEASURE_F1_MIN, _fail_message(results)
    assert total.units.f1 >= UNIT_F1_MIN, _fail_message(results)


def test_parser_reads_the_bundled_plan_exactly() -> None:
    import policytext

    record = next(r for r in GOLD if _name(r) == "qianjiang_2025")
    doc = policytext.parse_text(ev.load_texts([record])["qianjiang_2025"])
    assert len(doc.sections) == 5
    assert [tuple(m.path) for m in doc.measures] == [tuple(m["path"]) for m in record["measures"]]
    assert len(doc.measures) == 20
    for got, want in zip(doc.measures, record["measures"], strict=True):
        assert got.title == want["title"]
        assert [(u.name, u.role.value) for u in got.units] == [(u["name"], u["role"]) for u in want["units"]]


def test_parser_finds_fixture_deadlines_targets_and_citations() -> None:
    results = ev.evaluate(only="fixture:")
    total = ev.summarise(results)
    for name in ("deadlines", "targets", "citations", "citation_numbers"):
        ratio = getattr(total, name)
        assert ratio.hit >= 0.8 * ratio.total, f"{name} {ratio}" + _fail_message(results)
