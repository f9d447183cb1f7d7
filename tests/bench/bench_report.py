"""Time and size of reports on the bundled plan (run: python tests/bench/bench_report.py [--repeat N]).

Prints the median CPU time (``time.process_time``: shared machines are noisy, CPU time much
less so) of each step, with one keyword extraction as the baseline the report is compared to,
and the size of the HTML with and without the embedded font subset.  With the shared corpora
present it also times a report against the three national extracts.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import policytext
from policytext._util import shared_corpora_dir
from policytext.fonts import _subset
from policytext.keywords import keywords
from policytext.report.build import build_report_data
from policytext.report.html import render_html
from policytext.report.markdown import render_markdown


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = function()
        times.append(time.process_time() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repeat = args.repeat

    plan = policytext.corpora.load()  # warm-up: imports, lexicons
    parse_s, _ = timed(lambda: policytext.read(policytext.corpora.path()), repeat)
    keywords_s, _ = timed(lambda: keywords(plan, top=20), repeat)
    build_s, data = timed(lambda: build_report_data(plan), repeat)
    html_s, html = timed(lambda: render_html(data, embed_font=False), repeat)

    def with_font() -> str:
        _subset.cache_clear()
        return render_html(data, embed_font=True)

    font_s, html_font = timed(with_font, repeat)
    md_s, markdown = timed(lambda: render_markdown(data), repeat)
    print(
        f"bundled plan: {len(plan.text)} chars, {len(plan.measures)} measures (median CPU time of {repeat})"
    )
    print(f"  parse                     {parse_s * 1000:8.0f} ms")
    print(f"  keywords (baseline)       {keywords_s * 1000:8.0f} ms")
    print(f"  build tables + keywords   {build_s * 1000:8.0f} ms  ({build_s / keywords_s:.1f}x keywords)")
    print(f"  render HTML, no font      {html_s * 1000:8.0f} ms  {len(html.encode()) / 1024:7.0f} KB")
    print(
        f"  render HTML + font subset {font_s * 1000:8.0f} ms  {len(html_font.encode()) / 1024:7.0f} KB  ({font_s / keywords_s:.1f}x keywords)"
    )
    print(f"  render Markdown           {md_s * 1000:8.0f} ms  {len(markdown.encode()) / 1024:7.0f} KB")

    extracts = sorted((shared_corpora_dir() / "national" / "extracts").glob("*.txt"))
    if extracts:
        with tempfile.TemporaryDirectory() as folder:
            uppers = [policytext.read(p) for p in extracts]
            aligned_s, path = timed(
                lambda: policytext.report(plan, uppers, output=Path(folder) / "a.html", embed_font=False),
                repeat,
            )
            size = Path(path).stat().st_size / 1024
        print(
            f"  full report vs {len(uppers)} national extracts, no font {aligned_s * 1000:8.0f} ms  {size:7.0f} KB"
            f"  ({aligned_s / keywords_s:.1f}x keywords)"
        )


if __name__ == "__main__":
    main()
