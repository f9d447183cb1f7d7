"""Speed of the agency resolver: table load, uncached and cached resolution.

Unit names are taken from the responsibility clauses of the shared corpora (plus the bundled
plan) and multiplied with level/place prefixes to get thousands of distinct strings.  The
baseline in the same run is ``unicodedata.normalize`` on the same strings (the cheapest thing
resolve() must do anyway), so the ratio is comparable across noisy machines.  Run:

    python tests/bench/bench_agencies.py
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from policytext._util import shared_corpora_dir
from policytext.agencies import AgencyResolver

ROOT = Path(__file__).resolve().parents[2]
CLAUSE = re.compile(r"[（(](?:牵头|责任|配合|参与|协办)单位[:：]([^（）()]{1,400})[）)]")


def unit_names() -> list[str]:
    texts = [
        (ROOT / "corpora" / "qianjiang_2025_education_science_talent_plan.txt").read_text(encoding="utf-8")
    ]
    path = shared_corpora_dir() / "central_shandong_ai" / "policies_central_shandong.jsonl"
    if path.is_file():
        texts += [json.loads(line)["content"] for line in path.open(encoding="utf-8")]
    names: set[str] = set()
    for text in texts:
        for clause in CLAUSE.finditer(unicodedata.normalize("NFKC", text)):
            body = re.sub(r"(?:牵头|责任|配合|参与|协办)单位[:：]", "、", clause.group(1))
            names.update(n.strip() for n in re.split(r"[、,，;；]", body) if n.strip())
    return sorted(names)


def timed(func, repeats: int = 5) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    base = unit_names()
    prefixes = ["", "潜江市", "济南市", "青岛市", "山东省", "湖北省", "某某县", "中共某某市委"]
    names = sorted({p + re.sub(r"^(?:省|市|县|区)", "", n) for p in prefixes for n in base} | set(base))
    print(f"{len(base)} distinct clause names, {len(names)} distinct test strings")

    load = timed(lambda: AgencyResolver(), repeats=5)
    print(f"AgencyResolver() build (table already parsed): median {statistics.median(load) * 1e3:.1f} ms")

    def cold() -> None:
        resolver = AgencyResolver()
        for name in names:
            resolver.resolve(name)

    def baseline() -> None:
        for name in names:
            unicodedata.normalize("NFKC", name)

    warm_resolver = AgencyResolver()
    for name in names:
        warm_resolver.resolve(name)

    def warm() -> None:
        for name in names:
            warm_resolver.resolve(name)

    cold_s = statistics.median(timed(cold)) - statistics.median(load)
    warm_s = statistics.median(timed(warm))
    base_s = statistics.median(timed(baseline))
    n = len(names)
    print(f"uncached resolve: median {cold_s / n * 1e6:.1f} µs/name ({n / cold_s:,.0f} names/s)")
    print(f"cached resolve:   median {warm_s / n * 1e6:.2f} µs/name ({n / warm_s:,.0f} names/s)")
    print(f"baseline NFKC:    median {base_s / n * 1e6:.2f} µs/name")
    print(f"ratio uncached/NFKC = {cold_s / base_s:.0f}x; cached/NFKC = {warm_s / base_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
