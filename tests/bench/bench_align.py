"""Speed of alignment at corpus scale: the bundled plan against every law of the laws corpus.

Prints parse time (the pipeline, not the aligner), index build time, the median time of
aligning the plan's 20 measures against the index, the same for a plain TF-IDF lookup (the
floor: one sparse product) and memory.  Run from the repository root::

    python tests/bench/bench_align.py              # all 3,423 laws
    python tests/bench/bench_align.py --limit 500  # a quick look
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import policytext  # noqa: E402
from policytext._util import shared_corpora_dir  # noqa: E402
from policytext.align import AlignIndex, align  # noqa: E402

LAWS = "laws/lawrefbook_laws.jsonl.gz"


def _parse(texts: list[str]) -> list[policytext.PolicyDocument]:
    return [policytext.parse_text(t) for t in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N laws")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for parsing")
    args = parser.parse_args()

    with gzip.open(shared_corpora_dir() / LAWS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    records = records[: args.limit]
    texts = [r["text"] for r in records]
    n_chars = sum(len(t) for t in texts)

    started = time.perf_counter()
    chunks = [texts[i : i + 100] for i in range(0, len(texts), 100)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        docs = [d for part in pool.map(_parse, chunks) for d in part]
    parse_s = time.perf_counter() - started

    started, cpu = time.perf_counter(), time.process_time()
    index = AlignIndex.build(docs)
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    del docs

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "laws.index"
        started = time.perf_counter()
        index.save(path)
        save_s = time.perf_counter() - started
        started = time.perf_counter()
        index = AlignIndex.load(path)
        load_s = time.perf_counter() - started
        index_mb = path.stat().st_size / 1e6

    plan = policytext.corpora.load("qianjiang_2025")
    queries = [m.body for m in plan.measures]
    align(plan, index)  # warm-up: loads word vectors and the tokenizer dictionary
    align_times, align_cpu, tfidf_times = [], [], []
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = align(plan, index)
        align_times.append(time.perf_counter() - started)
        align_cpu.append(time.process_time() - cpu)
        started = time.perf_counter()
        index.candidates(queries, top_k=10)
        tfidf_times.append(time.perf_counter() - started)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    matrix_mb = (
        index.postings.data.nbytes + index.postings.indices.nbytes + index.postings.indptr.nbytes
    ) / 1e6
    median_align = statistics.median(align_times)
    median_tfidf = statistics.median(tfidf_times)
    print(f"laws: {len(records)} documents, {n_chars / 1e6:.1f} M chars, {len(index)} units")
    print(f"parse (pipeline, {args.jobs} processes): {parse_s:.1f} s")
    print(
        f"index build: {build_s:.1f} s, CPU {build_cpu:.1f} s  "
        f"(save {save_s:.1f} s, load {load_s:.1f} s, file {index_mb:.0f} MB)"
    )
    print(
        f"align 20 measures: median {median_align:.3f} s over {args.runs} runs "
        f"(min {min(align_times):.3f}, max {max(align_times):.3f}; CPU median {statistics.median(align_cpu):.3f} s)"
    )
    print(
        f"plain TF-IDF top-10 lookup: median {median_tfidf:.3f} s  (align/TF-IDF = {median_align / median_tfidf:.1f}x)"
    )
    print(f"memory: peak RSS {rss_mb:.0f} MB, index matrix {matrix_mb:.0f} MB")
    print(f"matches: {len(result.matches)}, local additions: {len(result.local_additions)}")
    pickle.dumps(result)  # results must cross process boundaries
    return 0


if __name__ == "__main__":
    sys.exit(main())
