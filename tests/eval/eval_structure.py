"""Score policytext's structure parser against the hand-labelled gold set.

The gold set (``tests/eval/data/structure_gold.jsonl``) names real documents of the shared
corpora by key (plus the bundled plan and a few fixtures written for the tests), with the
measures, their numbering paths, titles and responsible units labelled by reading the text.
This script fetches each text, runs ``policytext.parse_text`` and prints per document and
overall: section count, measure P/R/F1 (exact path; relaxed = last label + title), unit
P/R/F1 over (path, unit name) pairs, role accuracy (gold lead/support units), recall of
deadlines / targets / citations where the gold labels them, header fields, and the first
mismatches of each document.

Usage::

    python tests/eval/eval_structure.py                 # table + first 3 mismatches per document
    python tests/eval/eval_structure.py --show 20 --only shandong#55
    python tests/eval/eval_structure.py --json results.json

The shared corpora are found through ``policytext._util.shared_corpora_dir()``
(``$POLICYTEXT_SHARED_CORPORA`` or ``../shared/corpora``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOLD_PATH = Path(__file__).resolve().parent / "data" / "structure_gold.jsonl"

ROLES = ("lead", "support", "unspecified")
#: Numbering labels as the gold writes them (normalised).
LABEL_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）|\d+\.|（\d+）|[①-⑳]"
    r"|第[一二三四五六七八九十百零〇]+[章节条编])$"
)
#: Full-width ASCII forms (０-９, Ａ-Ｚ, ＋, （, ： …) to ASCII: only for tolerant comparisons.
_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})
_SPACE_RE = re.compile(r"\s+")


# -- gold and texts -----------------------------------------------------------------------
def load_gold(path: Path = GOLD_PATH) -> list[dict[str, Any]]:
    """The gold records, one per document, in file order."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def doc_name(ref: dict[str, Any]) -> str:
    """A short, stable name for a gold document (used in tables and ``--only``)."""
    corpus = ref["corpus"]
    key = ref.get("key")
    if corpus == "fixture":
        return "fixture:" + Path(ref["path"]).stem
    if corpus == "bundled":
        return str(key)
    if isinstance(key, dict) and "table" in key:
        return f"{key['table']}#{key['no']}"
    if isinstance(key, dict) and "id" in key:
        return f"state_council#{key['id']}"
    if isinstance(key, dict) and "path" in key:
        return "law:" + Path(key["path"]).stem
    return json.dumps(key, ensure_ascii=False)


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_texts(gold: Iterable[dict[str, Any]], shared_dir: Path | None = None) -> dict[str, str]:
    """Text of every gold document by :func:`doc_name`; reads each corpus file once.

    Raises ``FileNotFoundError`` for a missing corpus and ``KeyError`` for a key not found.
    """
    if shared_dir is None:
        from policytext._util import shared_corpora_dir

        shared_dir = shared_corpora_dir()
    texts: dict[str, str] = {}
    wanted: dict[str, list[dict[str, Any]]] = {}
    for record in gold:
        ref = record["doc"]
        if ref["corpus"] in ("fixture", "bundled"):
            texts[doc_name(ref)] = (ROOT / ref["path"]).read_text(encoding="utf-8")
        else:
            wanted.setdefault(ref["corpus"], []).append(ref)
    for corpus, refs in wanted.items():
        pending = {doc_name(ref): ref for ref in refs}
        for row in _iter_jsonl(shared_dir / corpus):
            for name, ref in list(pending.items()):
                if all(row.get(k) == v for k, v in ref["key"].items()):
                    texts[name] = row[ref["text_field"]]
                    del pending[name]
            if not pending:
                break
        if pending:
            raise KeyError(f"{corpus}: records not found: {sorted(pending)}")
    return texts


# -- checking the gold itself ---------------------------------------------------------------
def squash(text: str | None) -> str:
    """Width-normalised text without whitespace, for tolerant comparisons (titles, spans, 文号)."""
    return _SPACE_RE.sub("", (text or "").translate(_FULLWIDTH).replace("\ue010", "."))


def canonical(text: str | None) -> str | None:
    """The canonical (normalised) form policytext reports names and 文号 in."""
    from policytext.normalize import normalize

    return None if text is None else normalize(text)


def validate_gold(record: dict[str, Any], text: str | None = None) -> list[str]:
    """Problems with one gold record (schema; with ``text``: every label must occur in it)."""
    name = doc_name(record["doc"])
    problems: list[str] = []
    seen: set[tuple[str, ...]] = set()
    body = squash(text) if text is not None else None
    for key in ("n_sections", "title", "doc_number", "date", "measures"):
        if key not in record:
            problems.append(f"{name}: missing key {key!r}")
    if record.get("date") and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", record["date"]):
        problems.append(f"{name}: date {record['date']!r} is not ISO")
    for measure in record.get("measures", []):
        path = tuple(measure["path"])
        where = f"{name} {'/'.join(path)}"
        if not path or path in seen:
            problems.append(f"{where}: empty or duplicate path")
        seen.add(path)
        problems += [f"{where}: bad label {label!r}" for label in path if not LABEL_RE.match(label)]
        for unit in measure["units"]:
            if unit["role"] not in ROLES:
                problems.append(f"{where}: bad role {unit['role']!r}")
            if body is not None and squash(unit["name"]) not in body:
                problems.append(f"{where}: unit {unit['name']!r} not in text")
        if body is None:
            continue
        strings = [measure.get("title"), *measure.get("deadlines", []), *measure.get("targets", [])]
        strings += [c["title"] for c in measure.get("citations", [])]
        strings += [c.get("doc_number") for c in measure.get("citations", [])]
        problems += [f"{where}: {s!r} not in text" for s in strings if s and squash(s) not in body]
    return problems


# -- scoring --------------------------------------------------------------------------------
@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, other: Ratio) -> None:
        self.hit += other.hit
        self.total += other.total

    def __str__(self) -> str:
        return f"{self.hit}/{self.total}"


@dataclass
class DocResult:
    name: str
    gold_sections: int | None = None
    pred_sections: int | None = None
    measures: Counts = field(default_factory=Counts)
    relaxed: Counts = field(default_factory=Counts)
    units: Counts = field(default_factory=Counts)
    roles: Ratio = field(default_factory=Ratio)
    deadlines: Ratio = field(default_factory=Ratio)
    targets: Ratio = field(default_factory=Ratio)
    citations: Ratio = field(default_factory=Ratio)
    citation_numbers: Ratio = field(default_factory=Ratio)
    header: dict[str, bool] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def sections_ok(self) -> bool | None:
        return None if self.gold_sections is None else self.gold_sections == self.pred_sections


def _pred_measures(doc: Any) -> list[dict[str, Any]]:
    """The parser's measures as plain dicts (the shape of the gold)."""
    return [
        {
            "path": tuple(m.path),
            "title": m.title,
            "units": [(u.name, getattr(u.role, "value", str(u.role))) for u in m.units],
            "deadlines": [d.text for d in m.deadlines],
            "targets": [t.text for t in m.targets],
            "citations": [(c.title, c.doc_number) for c in m.citations],
        }
        for m in doc.measures
    ]


def _loose_hit(gold: str, predicted: Iterable[str]) -> bool:
    """A gold span counts as found when a predicted one contains it, or covers most of it."""
    g = squash(gold)
    return any(g in p or (p and p in g and 2 * len(p) >= len(g)) for p in map(squash, predicted))


def _clean_title(title: str | None) -> str:
    return squash(title).strip("《》")


def score_document(record: dict[str, Any], doc: Any) -> DocResult:
    """Compare one parsed document with its gold record."""
    result = DocResult(doc_name(record["doc"]), gold_sections=record.get("n_sections"))
    result.pred_sections = len(doc.sections)
    gold = {tuple(m["path"]): m for m in record["measures"]}
    pred = {m["path"]: m for m in _pred_measures(doc)}
    show = result.mismatches
    if result.sections_ok is False:
        show.append(f"sections: gold {result.gold_sections}, predicted {result.pred_sections}")

    both = gold.keys() & pred.keys()
    result.measures = Counts(len(both), len(pred.keys() - gold.keys()), len(gold.keys() - pred.keys()))
    show += [f"missing measure {'/'.join(p)} {gold[p]['title'] or ''}" for p in gold if p not in pred]
    show += [f"extra measure {'/'.join(p)} {pred[p]['title'] or ''}" for p in pred if p not in gold]

    # relaxed: same last label and same title (any title when the gold has none), one-to-one
    free = list(pred.values())
    for wanted in gold.values():
        for candidate in free:
            same_label = candidate["path"][-1:] == tuple(wanted["path"][-1:])
            same_title = wanted["title"] is None or squash(candidate["title"]) == squash(wanted["title"])
            if same_label and same_title:
                result.relaxed.tp += 1
                free.remove(candidate)
                break
    result.relaxed.fn = len(gold) - result.relaxed.tp
    result.relaxed.fp = len(pred) - result.relaxed.tp

    # names are compared in canonical form: spans point into the normalised text, where
    # 各县(市、区) is printed 各县（市、区）
    for m in gold.values():
        for u in m["units"]:
            u["name"] = canonical(u["name"])
    gold_pairs = {(p, u["name"]) for p, m in gold.items() for u in m["units"]}
    pred_pairs = {(p, name) for p, m in pred.items() for name, _ in m["units"]}
    result.units = Counts(
        len(gold_pairs & pred_pairs), len(pred_pairs - gold_pairs), len(gold_pairs - pred_pairs)
    )
    missing_units = [(p, u["name"]) for p, m in gold.items() if p in pred for u in m["units"]]
    show += [
        f"missing unit {'/'.join(p)} {name}"
        for p, name in dict.fromkeys(missing_units)
        if (p, name) not in pred_pairs
    ]
    extra_units = [(p, name) for p, m in pred.items() if p in gold for name, _ in m["units"]]
    show += [
        f"extra unit {'/'.join(p)} {name}"
        for p, name in dict.fromkeys(extra_units)
        if (p, name) not in gold_pairs
    ]

    pred_triples = {(p, name, role) for p, m in pred.items() for name, role in m["units"]}
    for p, m in gold.items():
        for u in m["units"]:
            if u["role"] in ("lead", "support") and (p, u["name"]) in pred_pairs:
                result.roles.total += 1
                if (p, u["name"], u["role"]) in pred_triples:
                    result.roles.hit += 1
                else:
                    got = sorted(r for q, n, r in pred_triples if (q, n) == (p, u["name"]))
                    show.append(f"role {'/'.join(p)} {u['name']}: gold {u['role']}, predicted {got}")

    for p, g in gold.items():
        found = pred.get(p, {"deadlines": [], "targets": [], "citations": []})
        for key, ratio in (("deadlines", result.deadlines), ("targets", result.targets)):
            for item in g.get(key, []):
                ratio.total += 1
                if _loose_hit(item, found[key]):
                    ratio.hit += 1
                else:
                    show.append(f"missing {key[:-1]} {'/'.join(p)} {item} (predicted {found[key]})")
        for cite in g.get("citations", []):
            result.citations.total += 1
            result.citation_numbers.total += 1
            titles = {_clean_title(t): n for t, n in found["citations"]}
            if _clean_title(cite["title"]) in titles:
                result.citations.hit += 1
                if squash(titles[_clean_title(cite["title"])]) == squash(cite.get("doc_number")):
                    result.citation_numbers.hit += 1
                else:
                    show.append(f"citation number {'/'.join(p)} 《{cite['title']}》")
            else:
                show.append(f"missing citation {'/'.join(p)} 《{cite['title']}》")

    header = doc.header
    result.header = {
        "title": _title_matches(record.get("title"), header.title),
        # 文号 brackets are normalised to 〔〕 by design (鹿政发[2024]5号 → 鹿政发〔2024〕5号)
        "doc_number": squash(canonical(record.get("doc_number"))) == squash(header.doc_number),
        "date": record.get("date") == header.date,
    }
    for key, ok in result.header.items():
        if not ok:
            show.append(f"header {key}: gold {record.get(key)!r}, predicted {getattr(header, key)!r}")
    return result


def _title_matches(gold: str | None, predicted: str | None) -> bool:
    """Titles match when equal or when one contains the other (通知 title vs the plan's own title)."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    g, p = squash(gold), squash(predicted)
    return bool(p) and (g in p or p in g)


def evaluate(
    gold_path: Path = GOLD_PATH, only: str | None = None, shared_dir: Path | None = None
) -> list[DocResult]:
    """Parse every gold document with ``policytext.parse_text`` and score it."""
    import policytext
    from policytext.model import PolicyDocument

    gold = [r for r in load_gold(gold_path) if only is None or only in doc_name(r["doc"])]
    texts = load_texts(gold, shared_dir)
    results = []
    for record in gold:
        name = doc_name(record["doc"])
        start = time.perf_counter()
        error = None
        try:
            doc = policytext.parse_text(texts[name])
        except Exception as exc:  # report and score as an empty document rather than abort the run
            error = f"{type(exc).__name__}: {exc}"
            doc = PolicyDocument(text="")
        result = score_document(record, doc)
        result.error = error
        result.seconds = time.perf_counter() - start
        results.append(result)
    return results


@dataclass
class Overall:
    documents: int = 0
    sections_ok: Ratio = field(default_factory=Ratio)
    measures: Counts = field(default_factory=Counts)
    relaxed: Counts = field(default_factory=Counts)
    units: Counts = field(default_factory=Counts)
    roles: Ratio = field(default_factory=Ratio)
    deadlines: Ratio = field(default_factory=Ratio)
    targets: Ratio = field(default_factory=Ratio)
    citations: Ratio = field(default_factory=Ratio)
    citation_numbers: Ratio = field(default_factory=Ratio)
    header: dict[str, Ratio] = field(default_factory=dict)
    errors: int = 0


def summarise(results: list[DocResult]) -> Overall:
    """Micro-averaged totals over all documents."""
    total = Overall(documents=len(results))
    for r in results:
        if r.sections_ok is not None:
            total.sections_ok.add(Ratio(int(r.sections_ok), 1))
        for name in ("measures", "relaxed", "units"):
            getattr(total, name).add(getattr(r, name))
        for name in ("roles", "deadlines", "targets", "citations", "citation_numbers"):
            getattr(total, name).add(getattr(r, name))
        for key, ok in r.header.items():
            total.header.setdefault(key, Ratio()).add(Ratio(int(ok), 1))
        total.errors += r.error is not None
    return total


# -- output ---------------------------------------------------------------------------------
def _prf(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}"


def _pct(r: Ratio) -> str:
    return f"{r.hit / r.total:5.2f}" if r.total else "    -"


def _pad(text: str, width: int) -> str:
    """Cut or pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out, used = "", 0
    for char in text:
        w = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        if used + w > width:
            break
        out, used = out + char, used + w
    return out + " " * (width - used)


def format_report(results: list[DocResult], show: int = 3) -> str:
    """A compact table, the overall line and the first ``show`` mismatches per document."""
    lines = [
        f"{'document':<34} {'sections':>8}  {'measures P R F1':>17}  {'relax':>5}  {'units P R F1':>17}  {'role':>5}  {'s':>5}",
    ]
    for r in results:
        sec = f"{r.pred_sections}/{'-' if r.gold_sections is None else r.gold_sections}"
        mark = "" if r.sections_ok in (True, None) else "!"
        lines.append(
            f"{_pad(r.name, 34)} {sec + mark:>8}  {_prf(r.measures)}  {r.relaxed.f1:5.2f}  {_prf(r.units)}  "
            f"{_pct(r.roles)}  {r.seconds:5.2f}" + (f"  ERROR {r.error}" if r.error else "")
        )
    t = summarise(results)
    lines.append(
        f"{'OVERALL (' + str(t.documents) + ' docs)':<34} {t.sections_ok!s:>8}  {_prf(t.measures)}  "
        f"{t.relaxed.f1:5.2f}  {_prf(t.units)}  {_pct(t.roles)}"
    )
    lines.append(
        f"measures gold {t.measures.tp + t.measures.fn}, predicted {t.measures.tp + t.measures.fp}; "
        f"unit pairs gold {t.units.tp + t.units.fn}, predicted {t.units.tp + t.units.fp}; "
        f"roles {t.roles}; errors {t.errors}"
    )
    lines.append(
        f"recall: deadlines {t.deadlines}  targets {t.targets}  citations {t.citations} "
        f"(with 文号 {t.citation_numbers});  header: " + "  ".join(f"{k} {v}" for k, v in t.header.items())
    )
    if show:
        for r in results:
            if r.mismatches:
                extra = len(r.mismatches) - show
                lines.append(f"-- {r.name}: " + ("" if extra <= 0 else f"(+{extra} more)"))
                lines += [f"   {m}" for m in r.mismatches[:show]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH, help="gold JSONL file")
    parser.add_argument("--only", help="evaluate only documents whose name contains this")
    parser.add_argument("--show", type=int, default=3, help="mismatches listed per document (0: none)")
    parser.add_argument("--json", type=Path, help="also write the per-document results to this file")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = evaluate(args.gold, args.only)
    print(format_report(results, args.show))
    print(f"({time.perf_counter() - start:.1f} s)")
    if args.json:
        payload = {
            "overall": asdict(summarise(results)),
            "documents": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
