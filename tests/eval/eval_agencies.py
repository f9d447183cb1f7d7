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


#: 教育行政部门 / 科学技术主管部门 in laws: functional mentions rather than named bodies
FUNCTIONAL = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:行政主管部门|主管部门|行政部门))")
FUNCTIONAL_LEAD = re.compile(r"^.*?(?:人民政府|国务院|有关|负责|的|和|及|、|会同|由|同级)")
#: mentions that name no field at all (主管部门, 上级主管部门, 行业主管部门 …)
FUNCTIONAL_GENERIC = re.compile(
    r"^(?:其|其他|所在|上级|上一级|行业|业务|项目|相关|有关|政府|各)*(?:行政主管|主管|行政)部门$"
)


def functional_mentions(texts: list[str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        for match in FUNCTIONAL.finditer(text):
            mention = FUNCTIONAL_LEAD.sub("", match.group(1))
            if len(mention) >= 4 and not FUNCTIONAL_GENERIC.match(mention):
                counts[mention] += 1
    return counts


def report_functional(label: str, counts: collections.Counter[str]) -> None:
    hits = [n for n in counts if resolve(n).function]
    occurrences = sum(counts.values())
    occ_hits = sum(counts[n] for n in hits)
    print(f"== {label}")
    print(
        f"with a function: {len(hits)}/{len(counts)} distinct = {len(hits) / max(len(counts), 1):.1%}; "
        f"{occ_hits}/{occurrences} occurrences = {occ_hits / max(occurrences, 1):.1%}"
    )
    misses = sorted((n for n in counts if n not in set(hits)), key=lambda n: -counts[n])
    print("top misses:", "、".join(f"{n}×{counts[n]}" for n in misses[:25]))


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
    laws = shared / "laws" / "lawrefbook_laws.jsonl.gz"
    if laws.is_file():
        import gzip

        with gzip.open(laws, "rt", encoding="utf-8") as handle:
            law_texts = [json.loads(line)["text"] for line in handle]
        report_functional(
            "laws: functional mentions (…行政主管部门), generic ones excluded", functional_mentions(law_texts)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
