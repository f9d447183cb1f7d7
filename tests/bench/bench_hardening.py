"""Run the hardening properties with a larger example budget and print how many inputs were tried.

    python tests/bench/bench_hardening.py            # 10x the CI budget
    python tests/bench/bench_hardening.py --scale 40

The properties live in ``tests/test_hardening_properties.py``; this script runs that module
under pytest with ``POLICYTEXT_HARDENING_SCALE`` set, collects the per-property counts it
writes to ``POLICYTEXT_HARDENING_FIGURES``, and prints them with the outcome and the time.
Known bugs are pinned by strict-xfail tests in the module; they count as expected failures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULE = "tests/test_hardening_properties.py"


def run(scale: float, seed: int | None) -> int:
    with tempfile.TemporaryDirectory() as folder:
        figures = Path(folder) / "figures.json"
        env = {
            **os.environ,
            "POLICYTEXT_HARDENING_SCALE": str(scale),
            "POLICYTEXT_HARDENING_FIGURES": str(figures),
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "pytest", MODULE, "-q", "-p", "no:cacheprovider", "-rfEX"]
        if seed is not None:
            command.append(f"--hypothesis-seed={seed}")
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        counts = json.loads(figures.read_text(encoding="utf-8")) if figures.is_file() else {}
    lines = completed.stdout.splitlines()
    failures = [line for line in lines if line.startswith(("E ", "FAILED", "XPASS")) or "Falsifying" in line]
    tail = [line for line in lines if line.strip() and "Warning" not in line][-3:]
    print(f"hardening properties, scale {scale:g} (seed {seed if seed is not None else 'random'})")
    for name, count in sorted(counts.items()):
        print(f"  {count:8d}  {name}")
    print(f"  {sum(counts.values()):8d}  total generated inputs")
    print(f"  {seconds:8.1f}  seconds")
    if failures:
        print("failures:", *failures[:60], sep="\n  ")
    print("pytest:", *tail, sep="\n  ")
    return completed.returncode


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=10.0, help="multiplier of every example budget (default 10)"
    )
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (default: random)")
    args = parser.parse_args()
    return run(args.scale, args.seed)


if __name__ == "__main__":
    sys.exit(main())
