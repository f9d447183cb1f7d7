"""Same-process A/B of the front pipeline: a baseline copy of the package against the current one.

    cp -r policytext /tmp/ab/policytext_old          # before the change
    grep -rl policytext /tmp/ab/policytext_old --include=*.py | xargs sed -i -E \\
        's/\\bpolicytext\\./policytext_old./g; s/from policytext import/from policytext_old import/g; s/import policytext\\b/import policytext_old/g'
    python tests/bench/bench_parse_ab.py --baseline /tmp/ab [--repeat 3]

Both versions run JSON decoding + ``parse_text`` over the laws corpus, alternating every 40
records (the order flips at each chunk), so that the load of a shared machine hits both alike;
then ``normalize`` and ``build_document`` on their own the same way.  Prints the CPU seconds of
each version (median of ``--repeat`` passes) and the ratio, which is the figure to quote.
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
sys.path.insert(0, str(ROOT))

from policytext._util import shared_corpora_dir  # noqa: E402

CHUNK = 40


def interleaved(
    old: Callable[[Any], Any], new: Callable[[Any], Any], items: list[Any], repeat: int
) -> tuple[float, float]:
    """Median CPU seconds of ``old`` and ``new`` over ``items``, alternating per chunk."""
    totals: dict[str, list[float]] = {"old": [], "new": []}
    clock = time.process_time
    for rep in range(repeat):
        spent = {"old": 0.0, "new": 0.0}
        for index in range(0, len(items), CHUNK):
            part = items[index : index + CHUNK]
            pair = [("old", old), ("new", new)]
            if (index // CHUNK + rep) % 2:
                pair.reverse()
            for name, function in pair:
                start = clock()
                for item in part:
                    function(item)
                spent[name] += clock() - start
        for name in totals:
            totals[name].append(spent[name])
    return statistics.median(totals["old"]), statistics.median(totals["new"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", required=True, help="folder holding the renamed copy policytext_old/")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    args = parser.parse_args()
    sys.path.insert(0, args.baseline)
    old, new = (
        {
            part: importlib.import_module(f"{package}.{part}")
            for part in ("pipeline", "normalize", "structure")
        }
        for package in ("policytext_old", "policytext")
    )
    path = shared_corpora_dir() / "laws" / "lawrefbook_laws.jsonl.gz"
    with gzip.open(path, "rb") as handle:
        lines = handle.read().splitlines()[: args.limit]
    raw = [json.loads(line)["text"] for line in lines]
    chars = sum(map(len, raw))
    canonical = [new["normalize"].normalize(text) for text in raw]
    print(f"documents: {len(lines)}  characters: {chars:,}  (CPU s, median of {args.repeat}, old → new)")
    stages: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any], list[Any]]] = [
        ("decode+parse_text", lambda line: old["pipeline"].parse_text(json.loads(line)["text"]),
         lambda line: new["pipeline"].parse_text(json.loads(line)["text"]), lines),
        ("normalize", old["normalize"].normalize, new["normalize"].normalize, raw),
        ("build_document", old["structure"].build_document, new["structure"].build_document, canonical),
    ]  # fmt: skip
    for name, old_function, new_function, items in stages:
        before, after = interleaved(old_function, new_function, items, args.repeat)
        rate = (
            f"  ({chars / before / 1e6:.2f} → {chars / after / 1e6:.2f} M chars/s)"
            if name.startswith("decode")
            else ""
        )
        print(f"{name:18s} {before:6.2f} → {after:6.2f}  ratio {before / after:.2f}×{rate}")


if __name__ == "__main__":
    main()
