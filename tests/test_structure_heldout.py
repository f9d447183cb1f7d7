"""The structure parser against the HELD-OUT hand-labelled set (tests/eval/data/structure_heldout.jsonl).

The held-out set was labelled by reading documents that the first gold set does not use, after
the parser was written, so it measures how the parser generalises rather than how well it fits
the documents it was tuned on.  Same schema and labelling rules as structure_gold.jsonl.

* the held-out file itself: schema, size, disjointness from the first set, labels occurring in text;
* the parser: measure F1 ≥ 0.95 and unit F1 ≥ 0.95 (may fail: that is information for the lead).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

EVAL_PATH = Path(__file__).resolve().parent / "eval" / "eval_structure.py"
HELDOUT_PATH = EVAL_PATH.parent / "data" / "structure_heldout.jsonl"


def _load_scorer() -> Any:
    """tests/eval/eval_structure.py as a module (shared with test_structure_gold.py when loaded)."""
    if "eval_structure" in sys.modules:
        return sys.modules["eval_structure"]
    spec = importlib.util.spec_from_file_location("eval_structure", EVAL_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_structure"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


ev = _load_scorer()
HELDOUT = ev.load_gold(HELDOUT_PATH)
FIRST_SET = ev.load_gold()
LOCAL = [r for r in HELDOUT if r["doc"]["corpus"] in ("fixture", "bundled")]
MEASURE_F1_MIN = 0.95
UNIT_F1_MIN = 0.95


def _name(record: dict[str, Any]) -> str:
    return str(ev.doc_name(record["doc"]))


def _identity(record: dict[str, Any]) -> tuple[str, str]:
    """What makes two gold records the same document: corpus plus key (or fixture path)."""
    ref = record["doc"]
    return ref["corpus"], repr(ref.get("key", ref.get("path")))


# -- the held-out file ------------------------------------------------------------------------
def test_heldout_schema_is_valid() -> None:
    problems = [p for record in HELDOUT for p in ev.validate_gold(record)]
    assert problems == []
    assert len({_identity(r) for r in HELDOUT}) == len(HELDOUT), "duplicate documents"


def test_heldout_is_disjoint_from_the_first_set() -> None:
    first = {_identity(r) for r in FIRST_SET}
    assert [_name(r) for r in HELDOUT if _identity(r) in first] == []
    assert not any(r["doc"]["corpus"] == "bundled" for r in HELDOUT)


def test_heldout_is_large_and_varied() -> None:
    assert len(HELDOUT) >= 10
    assert sum(len(r["measures"]) for r in HELDOUT) >= 200
    corpora = {r["doc"]["corpus"].split("/")[0] for r in HELDOUT}
    assert {"central_shandong_ai", "state_council_2019", "laws", "provincial_gwr_2026", "fixture"} <= corpora
    roles = {u["role"] for r in HELDOUT for m in r["measures"] for u in m["units"]}
    assert roles == set(ev.ROLES)
    depths = {len(m["path"]) for r in HELDOUT for m in r["measures"]}
    assert {1, 2, 3} <= depths


@pytest.mark.parametrize("record", LOCAL, ids=_name)
def test_heldout_fixture_labels_occur_in_their_text(record: dict[str, Any]) -> None:
    text = ev.load_texts([record])[_name(record)]
    assert ev.validate_gold(record, text) == []


@pytest.mark.shared
def test_heldout_shared_labels_occur_in_their_text(shared: Path) -> None:
    records = [r for r in HELDOUT if r not in LOCAL]
    texts = ev.load_texts(records, shared)
    problems = [p for r in records for p in ev.validate_gold(r, texts[_name(r)])]
    assert problems == []


# -- the parser --------------------------------------------------------------------------------
@pytest.mark.shared
def test_parser_meets_the_heldout_thresholds() -> None:
    results = ev.evaluate(HELDOUT_PATH)
    total = ev.summarise(results)
    report = "\n" + ev.format_report(results, show=10)
    assert total.errors == 0, report
    assert total.measures.f1 >= MEASURE_F1_MIN, report
    assert total.units.f1 >= UNIT_F1_MIN, report
