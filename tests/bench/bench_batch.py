"""Benchmark corpus analysis on the laws corpus: local engine vs Dask vs plain jieba.lcut.

Prints, from one run on the same texts:

* ``baseline``: plain ``jieba.lcut`` over every text in one process (texts preloaded);
* ``local``:    ``Corpus.analyse`` (read → structure → segment → keywords → MinHash) with the
  local engine, ``--workers`` processes, no cache;
* ``dask``:     the same on a Dask ``LocalCluster`` with as many workers (start-up included);
* peak memory (RSS of this process plus all its children, sampled every 0.1 s);
* where the time goes: per-stage CPU time on a sample of documents, in this process;
* the cost of streaming the record file once (what each worker would pay to read records itself).

Run (about 10 minutes on 2 cores)::

    python tests/bench/bench_batch.py                  # full laws corpus, 2 workers
    python tests/bench/bench_batch.py --sample 10      # every 10th document, quick look
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from policytext._util import shared_corpora_dir

LAWS = shared_corpora_dir() / "laws" / "lawrefbook_laws.jsonl.gz"


class PeakMemory:
    """Peak RSS of this process and all its descendants, and the descendants' CPU, sampled in a thread.

    ``children_cpu`` is the last seen user + system time of every descendant (workers, Dask
    nannies and workers, the forkserver): it includes their pickling and communication, which
    the per-document CPU times of the summary leave out.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            try:
                total = me.memory_info().rss
                for child in me.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                        times = child.cpu_times()
                        self._cpu[child.pid] = times.user + times.system
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    @property
    def children_cpu(self) -> float:
        return sum(self._cpu.values())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def subset_file(sample: int, folder: Path) -> Path:
    """Every ``sample``-th record of the laws corpus as a temporary JSONL (the full file when 1)."""
    if sample == 1:
        return LAWS
    target = folder / f"laws_every_{sample}.jsonl"
    with gzip.open(LAWS, "rt", encoding="utf-8") as source, open(target, "w", encoding="utf-8") as out:
        for index, line in enumerate(source):
            if index % sample == 0:
                out.write(line)
    return target


def load_texts(path: Path) -> list[str]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def baseline_jieba(texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of plain ``jieba.lcut`` over ``texts`` in this process."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热")  # dictionary load is not part of the measure
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu


def run_engine(path: Path, engine: str, workers: int, **options: Any) -> tuple[float, float, int, Any]:
    """Wall seconds, CPU seconds (this process + all worker processes), peak RSS and the result."""
    from policytext.corpus import Corpus

    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        result = Corpus(path).analyse(workers=workers, engine=engine, cache=False, **options)
        elapsed, parent_cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, parent_cpu + memory.children_cpu, memory.peak, result


def stage_profile(path: Path, n: int) -> dict[str, float]:
    """CPU seconds per stage for ``n`` documents spread over the corpus, in this process.

    The keyword rows are what a worker runs (``keyword_rows`` through the worker's own code, no
    DataFrame); ``keywords()`` (the public function, a DataFrame per call) is timed for reference.
    Each stage has its own segmenter, so that each sees every document for the first time, as a
    worker does (the segmenter remembers per-word classifications across documents).
    """
    from policytext.corpus import _minhash
    from policytext.corpus._work import (
        AnalysisOptions,
        _keywords,
        measure_columns,
        unit_columns,
        worker_segmenter,
    )
    from policytext.keywords import keyword_rows, keywords
    from policytext.pipeline import parse_text

    texts = load_texts(path)
    step = max(1, len(texts) // n)
    sample = texts[::step][:n]
    options = AnalysisOptions()
    worker_segmenter(options).cut("预热")  # the segmenter _keywords uses, dictionary loaded
    own = {name: worker_segmenter(options).with_options() for name in (SEGMENT, TOKENS, MMR, FRAME)}
    for segmenter in own.values():
        segmenter.cut("预热")
    timings: dict[str, float] = {}

    def timed(name: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        value = work(*args, **kwargs)
        timings[name] = timings.get(name, 0.0) + time.process_time() - started
        return value

    for text in sample:
        doc = timed(PARSE, parse_text, text)
        timed(KEYWORDS, _keywords, doc, "x", options)
        timed(SEGMENT, own[SEGMENT].content_tuples, doc, pos=True)
        timed(TOKENS, own[TOKENS].content_tokens, doc)
        timed(MMR, keyword_rows, doc, top=20, segmenter=own[MMR], adapt=False, mmr=0.8)
        timed(FRAME, keywords, doc, top=20, segmenter=own[FRAME], adapt=False, mmr=None)
        timed(MINHASH, _minhash.signature, doc.text)
        timed(ROWS, lambda doc: (measure_columns(doc, "x"), unit_columns(doc, "x")), doc)
    timings["documents"] = len(sample)
    timings["characters"] = sum(map(len, sample))
    return timings


PARSE = "parse (normalise + structure)"
KEYWORDS = "keyword rows, mmr=None (worker)"
SEGMENT = "segment (content_tuples, pos)"
TOKENS = "content_tokens (Token objects)"
MMR = "keyword rows, mmr=0.8"
FRAME = "keywords() DataFrame, mmr=None"
MINHASH = "minhash"
ROWS = "rows"
#: The stages a worker runs for one document (the segmentation is inside the keyword rows).
WORKER_STAGES = (PARSE, KEYWORDS, MINHASH, ROWS)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=1, help="use every N-th document (default: all)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--keyword-mmr", type=float, default=None, help="keyword MMR weight (default: None)")
    parser.add_argument("--profile-docs", type=int, default=150)
    args = parser.parse_args()

    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = subset_file(args.sample, Path(tmp))
        texts = load_texts(path)
        chars = sum(map(len, texts))
        print(f"corpus: {path.name}: {len(texts)} documents, {chars / 1e6:.1f} M characters")

        started = time.perf_counter()
        streamed = len(load_texts(path))
        stream_seconds = time.perf_counter() - started
        print(f"stream the record file once (gunzip + json): {stream_seconds:.2f} s for {streamed} records")

        baseline = baseline_cpu = None
        if not args.skip_baseline:
            baseline, baseline_cpu = baseline_jieba(texts)
            print(
                f"baseline jieba.lcut, 1 process: {baseline:.1f} s wall, {baseline_cpu:.1f} s CPU "
                f"({chars / baseline_cpu / 1e3:.0f} k chars per CPU-second)"
            )
        del texts

        local, local_cpu, local_peak, result = run_engine(
            path, "local", args.workers, keyword_mmr=args.keyword_mmr
        )
        summary = result.summary
        print(
            f"local engine, {args.workers} workers: {local:.1f} s wall, {local_cpu:.1f} s CPU, "
            f"peak RSS {local_peak / 2**20:.0f} MiB; {summary['analysed']} documents, {summary['errors']} errors, "
            f"{summary['measures']} measures, {len(result.keywords)} keywords"
        )
        del result
        if baseline and baseline_cpu:
            print(f"speed-up over plain jieba.lcut, wall clock: {baseline / local:.2f}x (target >= 3x)")
            print(
                f"speed-up, CPU (baseline CPU / (analysis CPU / {args.workers} workers)): "
                f"{baseline_cpu / (local_cpu / args.workers):.2f}x"
            )

        if not args.skip_dask:
            dask, dask_cpu, dask_peak, _ = run_engine(
                path, "dask", args.workers, keyword_mmr=args.keyword_mmr
            )
            print(
                f"dask engine (LocalCluster, start-up included), {args.workers} workers: {dask:.1f} s wall, "
                f"{dask_cpu:.1f} s CPU, peak RSS {dask_peak / 2**20:.0f} MiB"
            )
            print(f"dask / local, wall clock: {dask / local:.2f} (target <= 1.5)")

        timings = stage_profile(path, args.profile_docs)
        n_docs, n_chars = timings.pop("documents"), timings.pop("characters")
        print(f"stage CPU time on {n_docs:.0f} documents ({n_chars / 1e3:.0f} k chars), one process:")
        total = sum(timings[name] for name in WORKER_STAGES)
        for name, seconds in timings.items():
            print(f"  {name:<36} {seconds:6.2f} s  {seconds / n_docs * 1e3:6.1f} ms/doc")
        print(
            f"  per-document total (parse + keyword rows mmr=None + minhash + rows): "
            f"{total / n_docs * 1e3:.1f} ms"
        )
        print(
            f"load average: {', '.join(f'{x:.1f}' for x in psutil.getloadavg())} on {psutil.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
