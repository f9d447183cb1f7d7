"""``docs/benchmarks.md`` is the summary plus the pages of ``docs/bench/``: it must not drift from them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_benchmarks_page_is_rebuilt_from_the_bench_pages() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_benchmarks_page.py"), "--check"], capture_output=True
    )
    assert result.returncode == 0, "docs/benchmarks.md is out of date: run python scripts/build_benchmarks_page.py"
