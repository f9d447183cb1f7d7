#!/usr/bin/env python
"""Segmentation speed and backend agreement, measured on the public law corpus.

    python tests/bench/bench_segment.py                   # speed on 3 M chars of laws + agreement
    python tests/bench/bench_segment.py --chars 0         # speed on all 20 M chars of laws
    python tests/bench/bench_segment.py --skip-agreement  # speed only

Prints:
* throughput (chars/s, median of ``--repeat`` runs) of ``Segmenter().cut`` (default backend) and
  of plain ``jieba.Tokenizer().lcut`` with the same policy lexicon added, on the same texts in the
  same run, and their ratio;
* the first-call time of a new ``Segmenter`` (dictionary load) with a warm cache, in a fresh
  process, for each backend;
* agreement of the rjieba and jieba backends over every document of the public corpora: the share
  of documents with identical tokens, and of token boundaries in common.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policytext._util import shared_corpora_dir  # noqa: E402
from policytext.segment import Segmenter, policy_lexicon  # noqa: E402


def law_texts(root: Path, max_chars: int) -> list[str]:
    texts: list[str] = []
    total = 0
    with gzip.open(root / "laws" / "lawrefbook_laws.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            texts.append(text)
            total += len(text)
            if max_chars and total >= max_chars:
                break
    return texts


def all_texts(root: Path) -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_idf import iter_corpus

    return [text for _, _, text in iter_corpus(root)]


def timed(cut, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        cut(text)
    return time.perf_counter() - started


def throughput(cut, texts: list[str], repeat: int) -> float:
    chars = sum(map(len, texts))
    return chars / statistics.median(timed(cut, texts) for _ in range(repeat))


def paired(fast_cut, slow_cut, texts: list[str], repeat: int) -> tuple[float, float, float]:
    """Interleaved runs (fast, slow, fast, slow …): machine noise hits both alike.

    Returns the median throughput of each (chars/s) and the median of the per-pair ratios.
    """
    chars = sum(map(len, texts))
    fast_times, slow_times = [], []
    for _ in range(repeat):
        fast_times.append(timed(fast_cut, texts))
        slow_times.append(timed(slow_cut, texts))
    ratios = [slow / fast for fast, slow in zip(fast_times, slow_times, strict=True)]
    return (
        chars / statistics.median(fast_times),
        chars / statistics.median(slow_times),
        statistics.median(ratios),
    )


def plain_jieba():
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(Segmenter()._cache_folder())
    tokenizer.initialize()
    for word, freq, pos in policy_lexicon():
        tokenizer.add_word(word, freq, pos)
    return tokenizer


FIRST_CALL = """
import time
from policytext.segment import Segmenter
started = time.perf_counter()
Segmenter({backend!r}).cut("市人社局推进产教融合")
first = time.perf_counter() - started
import rjieba
started = time.perf_counter()
rjieba.Jieba()
print(first, time.perf_counter() - started)
"""


def first_call(backend: str) -> tuple[float, float]:
    """Seconds for the first ``Segmenter(backend).cut(...)`` in a fresh process (warm cache), and
    for a bare ``rjieba.Jieba()`` afterwards in the same process, a yardstick of the machine's speed."""
    command = [sys.executable, "-c", FIRST_CALL.format(backend=backend)]
    subprocess.run(command, check=True, capture_output=True)  # warm the caches
    runs = []
    for _ in range(3):
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        first, bare = out.stdout.split()
        runs.append((float(first), float(bare)))
    runs.sort()
    return runs[1]


def boundaries(tokens: list[str]) -> set[int]:
    ends, position = set(), 0
    for token in tokens:
        position += len(token)
        ends.add(position)
    return ends


def agreement(texts: list[str]) -> tuple[int, int, float]:
    fast, reference = Segmenter("rjieba"), Segmenter("jieba")
    identical = 0
    common = union = 0
    for text in texts:
        a, b = fast.cut(text), reference.cut(text)
        if a == b:
            identical += 1
            common += len(a)
            union += len(a)
        else:
            ba, bb = boundaries(a), boundaries(b)
            common += len(ba & bb)
            union += len(ba | bb)
    return identical, len(texts), common / union


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, default=shared_corpora_dir())
    parser.add_argument("--chars", type=int, default=3_000_000, help="law characters to time (0 = all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-agreement", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args(argv)

    if not args.skip_speed:
        speed(args)
    if not args.skip_agreement:
        corpus = all_texts(args.corpora)
        same, total, boundary_share = agreement(corpus)
        print(
            f"backend agreement over {total} documents ({sum(map(len, corpus)):,} chars): "
            f"{same}/{total} identical ({same / total:.2%}), token boundaries in common {boundary_share:.4%}"
        )
    return 0


def speed(args: argparse.Namespace) -> None:
    texts = law_texts(args.corpora, args.chars)
    chars = sum(map(len, texts))
    default = Segmenter()
    default.cut("预热")
    reference = plain_jieba()
    fast, slow, ratio = paired(default.cut, reference.lcut, texts, args.repeat)
    print(f"texts: {len(texts)} laws, {chars:,} chars; median of {args.repeat} interleaved runs")
    print(f"Segmenter().cut (backend {default.backend_name}): {fast / 1e6:.2f} M chars/s")
    print(f"jieba.Tokenizer().lcut + policy lexicon:   {slow / 1e6:.2f} M chars/s")
    print(f"speed-up: {ratio:.1f}x (median of per-run ratios)")
    tokenize = throughput(default.tokenize, texts, 1)
    print(f"Segmenter().tokenize (Token objects with spans): {tokenize / 1e6:.2f} M chars/s")
    for backend in ("rjieba", "jieba"):
        seconds, bare = first_call(backend)
        print(
            f"first call, warm cache, backend {backend}: {seconds:.2f} s (median of 3; a bare "
            f"rjieba.Jieba() took {bare:.2f} s in the same process)"
        )


if __name__ == "__main__":
    sys.exit(main())
