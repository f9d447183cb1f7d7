"""Speed of the reading layer, each figure next to a baseline measured in the same run.

Run:  python tests/bench/bench_io.py            (needs ../shared/corpora for the laws figure)

Prints medians of several repeats; ratios against the plain-Python baseline are what to quote,
because machines are noisy.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from policytext._util import shared_corpora_dir
from policytext.io import decode_bytes, iter_records, load_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "io"


def median_seconds(function: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float | None = None, what: str = "") -> None:
    ratio = f"  ratio {ours / baseline:5.2f}x vs baseline {baseline * 1000:9.2f} ms" if baseline else ""
    print(f"{name:<44} {ours * 1000:9.2f} ms{ratio}  {what}")


def bench_decode() -> None:
    notice = (FIXTURES / "notice.txt").read_text(encoding="utf-8")
    traditional = (FIXTURES / "notice_traditional.txt").read_text(encoding="utf-8")
    text = notice * 2000  # about 0.8 M characters
    old = traditional * 2000
    for label, data, codec in (
        ("decode_bytes utf-8 (2.3 MB)", text.encode("utf-8"), "utf-8"),
        ("decode_bytes gbk (1.6 MB)", text.encode("gbk"), "gb18030"),
        ("decode_bytes big5 (1.6 MB)", old.encode("big5"), "big5"),
    ):
        ours = median_seconds(lambda data=data: decode_bytes(data))
        base = median_seconds(lambda data=data, codec=codec: data.decode(codec))
        report(label, ours, base, "baseline: bytes.decode with the right codec")


def bench_laws() -> None:
    path = shared_corpora_dir() / "laws" / "lawrefbook_laws.jsonl.gz"
    if not path.exists():
        print("laws corpus not found: skipped")
        return

    def ours() -> None:
        count = sum(1 for _ in iter_records(path, text_column="text"))
        assert count == 3423

    def baseline() -> None:
        with gzip.open(path, "rb") as handle:
            count = sum(1 for line in handle if json.loads(line)["text"])
        assert count == 3423

    report("iter_records laws.jsonl.gz (3,423 records)", median_seconds(ours, 3), median_seconds(baseline, 3),
           "baseline: gzip + json.loads per line")  # fmt: skip


def bench_documents() -> None:
    import docx

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notice.docx"
        document = docx.Document()
        for line in (FIXTURES / "notice.txt").read_text(encoding="utf-8").split("\n") * 20:
            document.add_paragraph(line)
        document.save(str(path))
        report("load_text docx (240 paragraphs)", median_seconds(lambda: load_text(path)))
    report("load_text html fixture", median_seconds(lambda: load_text(FIXTURES / "notice.html")))
    report("load_text txt fixture", median_seconds(lambda: load_text(FIXTURES / "notice.txt")))


if __name__ == "__main__":
    bench_decode()
    bench_documents()
    bench_laws()
