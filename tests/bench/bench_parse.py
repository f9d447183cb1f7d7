"""Speed of read + normalise + structure (no segmentation) over the laws corpus, on one core.

    python tests/bench/bench_parse.py [--repeat 3] [--limit N]

Prints characters per second for the whole front of the pipeline (JSON record decoding,
normalisation, outline, clauses, header, measures), with a per-stage breakdown, as the median of
``--repeat`` runs.  CPU time of this process is reported beside wall time because the machines
are shared and noisy; the target (issue 2) is ≥ 5 M characters per second.

The normalise and structure modules run compiled (mypyc) when the install built them; the first
line printed says which build ran, and ``POLICYTEXT_PURE_PYTHON=1`` runs the sources instead, for
a same-session comparison of the two builds.

To compare two versions, run both in the same session (or interleave them) and quote ratios of
medians: on a loaded machine the absolute figures move by ±30 % from run to run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from policytext._compiled import BUILD  # noqa: E402
from policytext._util import shared_corpora_dir  # noqa: E402
from policytext.normalize import normalize  # noqa: E402
from policytext.pipeline import parse_text  # noqa: E402
from policytext.structure import build_document  # noqa: E402


def load_lines(limit: int | None) -> list[bytes]:
    path = shared_corpora_dir() / "laws" / "lawrefbook_laws.jsonl.gz"
    with gzip.open(path, "rb") as handle:
        lines = handle.read().splitlines()
    return lines[:limit] if limit else lines


def run_once(lines: list[bytes]) -> dict[str, float]:
    wall = time.perf_counter()
    cpu = time.process_time()
    chars = measures = 0
    for line in lines:
        record = json.loads(line)
        doc = parse_text(record["text"])
        chars += len(record["text"])
        measures += len(doc.measures)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "chars": chars,
        "measures": measures,
    }


def stages(lines: list[bytes]) -> dict[str, float]:
    """CPU seconds per stage over the whole set (one pass); documents are dropped as they come."""
    start = time.process_time()
    texts = [json.loads(line)["text"] for line in lines]
    decode = time.process_time() - start
    start = time.process_time()
    canonical = [normalize(text) for text in texts]
    norm = time.process_time() - start
    start = time.process_time()
    for text in canonical:
        build_document(text)
    structure = time.process_time() - start
    return {"decode": decode, "normalise": norm, "structure": structure}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    args = parser.parse_args()
    lines = load_lines(args.limit)
    runs = [run_once(lines) for _ in range(args.repeat)]
    chars = runs[0]["chars"]
    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    print(f"build: {BUILD}")
    print(f"documents: {len(lines)}  characters: {chars:,}  measures: {runs[0]['measures']:,}")
    print(f"read+normalise+structure: median wall {wall:.2f} s → {chars / wall / 1e6:.2f} M chars/s")
    print(
        f"                          median CPU  {cpu:.2f} s → {chars / cpu / 1e6:.2f} M chars/s (target ≥ 5)"
    )
    passes = [stages(lines) for _ in range(args.repeat)]
    parts = {key: statistics.median(p[key] for p in passes) for key in passes[0]}
    total = sum(parts.values())
    print(
        "stages (median CPU s): "
        + ", ".join(f"{k} {v:.2f} ({v / total:.0%}, {chars / v / 1e6:.1f} M chars/s)" for k, v in parts.items())
    )


if __name__ == "__main__":
    main()
