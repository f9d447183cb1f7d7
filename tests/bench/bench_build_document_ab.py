"""CPU time of ``build_document`` alone, this checkout against another one, in one process.

    python tests/bench/bench_build_document_ab.py --base /path/to/old/checkout [--rounds 7] [--limit N]

The laws corpus is normalised once, by the *base* checkout's normaliser, so that both versions
of the structure code get the same input and changes to ``normalize.py`` made at the same time
do not count.  The two ``policytext`` packages are imported one after the other under the same
name (the functions keep their own module globals); rounds alternate their order.  Prints the
median CPU seconds of each and the ratio this/base.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def load(root: str, module: str) -> Any:
    """Import ``module`` from the checkout at ``root`` (any policytext imported before is dropped)."""
    for name in [m for m in sys.modules if m == "policytext" or m.startswith("policytext.")]:
        del sys.modules[name]
    sys.path.insert(0, root)
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(root)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="root of the checkout to compare against")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    util = load(args.base, "policytext._util")
    normalize = load(args.base, "policytext.normalize").normalize
    with gzip.open(util.shared_corpora_dir() / "laws" / "lawrefbook_laws.jsonl.gz", "rb") as handle:
        lines = handle.read().splitlines()[: args.limit]
    texts = [normalize(json.loads(line)["text"]) for line in lines]
    chars = sum(map(len, texts))
    versions: dict[str, Callable[[str], Any]] = {
        "base": load(args.base, "policytext.structure").build_document,
        "this": load(str(ROOT), "policytext.structure").build_document,
    }
    for build in versions.values():  # warm the caches
        for text in texts[:300]:
            build(text)
    times: dict[str, list[float]] = {name: [] for name in versions}
    for round_ in range(args.rounds):
        for name in list(versions)[:: 1 if round_ % 2 == 0 else -1]:
            build = versions[name]
            start = time.process_time()
            for text in texts:
                build(text)
            times[name].append(time.process_time() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"documents: {len(texts)}  characters: {chars:,}  rounds: {args.rounds}")
    for name, median in medians.items():
        print(f"{name}: median CPU {median:.2f} s → {chars / median / 1e6:.2f} M chars/s")
    print(f"ratio this/base: {medians['this'] / medians['base']:.3f}")


if __name__ == "__main__":
    main()
