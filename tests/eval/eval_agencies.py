"""Coverage of the agency lexicon on unit names found in the shared public corpora.

Prints, per corpus, how many distinct unit names were extracted from responsibility clauses,
how many resolve with a function, and the misses.  Run:

    python tests/eval/eval_agencies.py
"""

from __future__ import annotations

import collections
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

from policytext._util import shared_corpora_dir
from policytext.agencies import is_generic_group, looks_like_agency, resolve

ROOT = Path(__file__).resolve().parents[2]
#: （责任单位：A、B） / （牵头单位：A；配合单位：B）
LABELLED_CLAUSE = re.compile(r"[（(]((?:牵头|责任|配合|参与|协办)单位[:：][^（）()]{1,400})[）)]")
#: （教育部、财政部等按职责分工负责） — the national style
TRAILING_CLAUSE = re.compile(r"[（(]([^（）()]{2,300}?)(?:等)?(?:按职责分工)?负责[）)]")
LABEL = re.compile(r"(?:牵头|责任|配合|参与|协办)单位[:：]")


def split_units(clause: str) -> list[str]:
    units = []
    for part in LABEL.split(clause):
        for name in re.split(r"[、,，;；]", part):
            name = name.strip()
            if name:
                units.append(name)
    return units


def labelled_units(texts: list[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        for clause in LABELLED_CLAUSE.finditer(unicodedata.normalize("NFKC", text)):
            counts.update(split_units(clause.group(1)))
    return counts


def trailing_units(texts: list[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        for clause in TRAILING_CLAUSE.finditer(unicodedata.normalize("NFKC", text)):
            body = re.sub(r"(?:会同|牵头|分别|指导).*$", "", clause.group(1))
            counts.update(u for u in re.split(r"[、,，]|等和|和各|及各", body) if u)
    return counts


def report(label: str, counts: collections.Counter[str]) -> float:
    names = [n for n in counts if looks_like_agency(n)]
    specific = [n for n in names if not is_generic_group(n)]
    hits = [n for n in specific if resolve(n).function]
    misses = sorted(set(specific) - set(hits))
    coverage = len(hits) / len(specific) if specific else 1.0
    occurrences = sum(counts[n] for n in specific)
    occ_hits = sum(counts[n] for n in hits)
    print(f"== {label}")
    print(
        f"distinct names: {len(counts)}; agency-like: {len(names)}; generic groups: {len(names) - len(specific)}"
    )
    print(
        f"with a function: {len(hits)}/{len(specific)} distinct = {coverage:.1%}; "
        f"{occ_hits}/{occurrences} occurrences = {occ_hits / max(occurrences, 1):.1%}"
    )
    rejected = sorted(set(counts) - set(names))
    if rejected:
        print("rejected by looks_like_agency:", "、".join(rejected))
    if misses:
        print("misses:", "、".join(misses))
    return coverage


def main() -> int:
    shared = shared_corpora_dir()
    path = shared / "central_shandong_ai" / "policies_central_shandong.jsonl"
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    shandong = [r["content"] for r in records if r["admin_level_guess"] != "national"]
    central = [r["content"] for r in records if r["admin_level_guess"] == "national"]
    state_council = [
        json.loads(line)["text"]
        for line in (shared / "state_council_2019" / "state_council_docs_2019snapshot.jsonl").open(
            encoding="utf-8"
        )
    ]
    plan = (ROOT / "corpora" / "qianjiang_2025_education_science_talent_plan.txt").read_text(encoding="utf-8")
    started = time.perf_counter()
    report("qianjiang plan (责任单位)", labelled_units([plan]))
    report("Shandong/Jinan/Qingdao labelled clauses (责任单位/牵头单位)", labelled_units(shandong + central))
    report(
        "central + State Council trailing clauses (…负责)", trailing_units(central + state_council + shandong)
    )
    print(f"elapsed {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
