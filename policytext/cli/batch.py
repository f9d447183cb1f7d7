"""``policytext batch``: analyse a whole corpus into Parquet/CSV tables, resumably."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any

from policytext._util import plural
from policytext.cli import INTERRUPTED
from policytext.errors import InputError

EXAMPLES = """examples:
  policytext batch policies/ -o out/                      every .txt/.md/.docx/.pdf/.html, recursively
  policytext batch laws.jsonl.gz -o out/ --workers 2      one document per JSONL record
  policytext batch reports.csv -o out/ --text-column 正文 --format csv
  policytext batch policies/ -o out/ --engine dask        a Dask LocalCluster on this machine
  policytext batch policies/ -o out/ --engine dask --scheduler tcp://10.0.0.5:8786

output: OUTDIR/{documents,measures,units,keywords,citations,errors}.parquet, summary.json, and
OUTDIR/cache/ with one result per finished document. After an interruption (Ctrl-C, kill),
run the same command again: finished documents are taken from the cache.
exit status: 0 when the run completed (failed documents are listed in errors.*), 1 when every
document failed, 2 on a usage error, 130 when interrupted.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="analyse a corpus (folder or JSONL/CSV/Parquet) into tables, on all cores or Dask",
        description="Analyse every document of a corpus: structure, measures, units, keywords. "
        "Writes one table per kind of result; resumes after an interruption.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", help="a folder, a JSONL(.gz)/CSV/Parquet file, or one document file")
    parser.add_argument("-o", "--outdir", required=True, help="output folder (created if missing)")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: all cores; 0: in this process)"
    )
    parser.add_argument(
        "--engine", choices=("local", "dask"), default="local", help="execution engine (default: local)"
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="address of a running Dask scheduler (with --engine dask)",
    )
    parser.add_argument(
        "--format", choices=("parquet", "csv"), default="parquet", help="table format (default: parquet)"
    )
    parser.add_argument(
        "--text-column",
        default=None,
        help="text field of record files (default: text/content/full_text/body/正文)",
    )
    parser.add_argument("--id-column", default=None, help="field of record files used as document id")
    parser.add_argument("--top", type=int, default=20, help="keywords per document (default: 20)")
    parser.add_argument(
        "--keyword-mmr",
        type=float,
        default=None,
        metavar="WEIGHT",
        help="de-duplicate keywords by MMR with this weight; 0.8 = the ranking of `policytext keywords` (default: plain top-k)",
    )
    parser.add_argument("--user-dict", default=None, help="jieba-format user dictionary for segmentation")
    parser.add_argument(
        "--no-measure-text",
        action="store_true",
        help="leave measures.text empty (spans kept): much smaller output for very large corpora",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="recompute every document (the cache is still refreshed)"
    )
    parser.add_argument("--chunk-size", type=int, default=50, help="documents per task (default: 50)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from policytext._util import check_folder_target, writing
    from policytext.corpus import Corpus
    from policytext.corpus.cache import ResultCache

    if args.workers is not None and args.workers < 0:
        raise InputError("--workers must be 0 or more")
    if args.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    outdir = check_folder_target(args.outdir, "output")
    # the output folder may sit inside the input folder: its tables must not be read as input
    corpus = Corpus(args.input, text_column=args.text_column, id_column=args.id_column, exclude=[outdir])
    total = len(corpus)
    if total == 0:
        raise InputError(
            "no supported documents found (txt, md, docx, pdf, html, jsonl, csv, parquet)", args.input
        )
    cache_dir = outdir / "cache"
    if args.no_cache:
        ResultCache(cache_dir).clear()
    show_bar = not args.quiet and sys.stderr.isatty()
    result = None
    # an interruption is reported below, once the progress bar is closed
    with _progress_bar(total, show_bar) as tick, _sigterm_as_interrupt(), suppress(KeyboardInterrupt):
        result = corpus.analyse(
            workers=args.workers,
            engine=args.engine,
            scheduler=args.scheduler,
            cache=cache_dir,
            top_keywords=args.top,
            keyword_mmr=args.keyword_mmr,
            user_dict=args.user_dict,
            chunk_size=args.chunk_size,
            measure_text=not args.no_measure_text,
            progress=tick,
        )
    if result is None:
        done = len(ResultCache(cache_dir))
        print(
            f"policytext: interrupted; {plural(done, 'finished document')} "
            f"{'is' if done == 1 else 'are'} kept in {cache_dir}. "
            "Run the same command again to resume.",
            file=sys.stderr,
        )
        return INTERRUPTED
    with writing(outdir, "output"):
        result.save(outdir, format=args.format)
    summary = result.summary
    print(
        f"{plural(summary['documents'], 'document')}: {summary['analysed']} analysed, "
        f"{plural(summary['errors'], 'error')} ({summary['from_cache']} from cache); "
        f"{plural(summary['measures'], 'measure')}; "
        f"{summary['seconds']:.1f} s with {plural(summary['workers'], summary['engine'] + ' worker')}"
    )
    print(f"tables written to {outdir}/ ({args.format})")
    if summary["errors"]:
        print(f"see {outdir / ('errors.' + args.format)} for the documents that failed")
    return 1 if summary["analysed"] == 0 else 0


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def tick(done: int, _total: int | None) -> None:
        bar.update(done - bar.n)

    try:
        yield tick
    finally:
        bar.close()


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so a killed run stops the same clean way (results kept)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
