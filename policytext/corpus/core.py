"""The :class:`Corpus`: many policy documents analysed as one, on all cores or on Dask."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from policytext._util import sha256_file
from policytext.corpus._work import AnalysisOptions, cache_key
from policytext.corpus.cache import ResultCache, default_cache_dir, restamp
from policytext.corpus.engines import Chunk, make_engine
from policytext.corpus.result import AnalysisResult, Collector
from policytext.corpus.sources import DocumentRef, Source, WorkItem, open_sources, standard_metadata
from policytext.errors import ConfigurationError

#: Called after each document with (documents done, total or None).
ProgressCallback = Callable[[int, "int | None"], None]


class Corpus:
    """A set of policy documents: a folder, a JSONL/CSV/Parquet file, or a list.

    >>> Corpus("policies/")                          # doctest: +SKIP
    >>> Corpus("laws.jsonl.gz", text_column="text")  # doctest: +SKIP
    >>> corpus = Corpus(["一、加强领导\\n（一）建立机制。（牵头单位：市教育局）", {"text": "……", "region": "湖北"}])
    >>> [ref.doc_id for ref in corpus]
    ['doc0', 'doc1']
    >>> result = corpus.analyse(workers=0, cache=False, keywords=False)
    >>> result.documents["n_measures"].tolist(), result.units["name"].tolist()
    ([1, 0], ['市教育局'])

    The corpus holds references (path, record index, metadata), never all texts: documents
    are read by the workers (files) or streamed in chunks (records).  ``exclude``: folders
    not to read inside a folder corpus (e.g. an output folder).
    """

    def __init__(
        self,
        source: Any,
        *,
        text_column: str | None = None,
        id_column: str | None = None,
        exclude: Sequence[str | Path] = (),
    ) -> None:
        self.origin = source if isinstance(source, (str, Path)) else type(source).__name__
        self.sources: list[Source] = open_sources(
            source, text_column=text_column, id_column=id_column, exclude=[Path(p) for p in exclude]
        )
        self._length: int | None = None

    @classmethod
    def from_sources(cls, sources: list[Source]) -> Corpus:
        corpus = cls.__new__(cls)
        corpus.origin = "sources"
        corpus.sources = list(sources)
        corpus._length = None
        return corpus

    # -- the documents ----------------------------------------------------------------------
    def items(self) -> Iterator[WorkItem]:
        """Every document as a work item, with ids made unique (``id``, ``id~2``, …)."""
        seen: set[str] = set()
        for source in self.sources:
            for item in source.items():
                doc_id = item.ref.doc_id
                if doc_id in seen:
                    n = 2
                    while f"{doc_id}~{n}" in seen:
                        n += 1
                    doc_id = f"{doc_id}~{n}"
                    ref = DocumentRef(doc_id, item.ref.path, item.ref.record, item.ref.metadata)
                    item = WorkItem(ref, item.content_hash, item.text, item.problem)
                seen.add(doc_id)
                yield item

    def refs(self) -> Iterator[DocumentRef]:
        for item in self.items():
            yield item.ref

    def __iter__(self) -> Iterator[DocumentRef]:
        return self.refs()

    def __len__(self) -> int:
        if self._length is None:
            self._length = sum(source.count() for source in self.sources)
        return self._length

    def metadata(self) -> pd.DataFrame:
        """One row per document: doc_id, path, record and the standard metadata fields."""
        rows = []
        for ref in self.refs():
            rows.append(
                {
                    "doc_id": ref.doc_id,
                    "path": ref.path,
                    "record": ref.record,
                    **standard_metadata(ref.metadata),
                }
            )
        return pd.DataFrame(
            rows, columns=["doc_id", "path", "record", "title", "issuer", "level", "date", "region", "source"]
        )

    def __repr__(self) -> str:
        return f"<Corpus {self.origin}: {len(self.sources)} source(s)>"

    # -- analysis -----------------------------------------------------------------------------
    def analyse(
        self,
        *,
        workers: int | None = None,
        engine: str = "local",
        scheduler: str | None = None,
        cache: str | Path | bool | None = None,
        top_keywords: int = 20,
        keyword_mmr: float | None = None,
        segmenter_backend: str = "auto",
        user_dict: str | None = None,
        keywords: bool = True,
        minhash: bool = True,
        t2s: bool = False,
        measure_text: bool = True,
        chunk_size: int = 50,
        chunk_chars: int = 400_000,
        progress: ProgressCallback | None = None,
    ) -> AnalysisResult:
        """Read → structure → segment → keywords for every document; return the tables.

        ``workers``: processes (default: all cores; 0 runs in this process). ``engine``:
        ``"local"`` or ``"dask"`` (``scheduler`` = address of an existing Dask scheduler, else a
        LocalCluster). ``cache``: a folder, ``True``/``None`` for the user cache folder, ``False``
        for none; documents whose content, metadata and options are unchanged are taken from it.
        ``keyword_mmr``: de-duplicate keywords by maximal marginal relevance with this weight
        (``None``: plain top-k; 0.8 gives ``policytext.keywords``'s default ranking, < 1 ms more per
        document).
        ``t2s``: convert traditional characters to simplified first.  ``measure_text=False``
        leaves ``measures.text`` empty (spans remain): for very large corpora, where the texts of
        all measures would dominate memory and output size.  A document that cannot be analysed becomes a row of ``result.errors``; the run goes on.
        """
        _check_options(workers, top_keywords, keyword_mmr, chunk_size)
        options = AnalysisOptions(
            top_keywords=top_keywords,
            keyword_mmr=keyword_mmr,
            segmenter_backend=segmenter_backend,
            user_dict=user_dict,
            user_dict_sha256=_file_hash(user_dict) if user_dict else None,
            keywords=keywords,
            minhash=minhash,
            t2s=t2s,
            measure_text=measure_text,
        )
        store = _open_cache(cache)
        runner = make_engine(engine, workers, scheduler)
        run = _Run(options, store, progress)
        started = time.perf_counter()
        interrupted = False
        try:
            runner.run(_chunks(run.pending(self.items()), chunk_size, chunk_chars), options, run.finish)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            run.elapsed = time.perf_counter() - started
            run.interrupted = interrupted
        summary = run.summary(engine=runner.name, workers=runner.workers, options=options, cache=store)
        frames = run.collector.frames()
        return AnalysisResult(summary=summary, **frames)


class _Run:
    """State of one analysis: cache lookups before submission, cache writes after."""

    def __init__(
        self, options: AnalysisOptions, store: ResultCache | None, progress: ProgressCallback | None
    ):
        self.options = options
        self.fingerprint = options.fingerprint()
        self.store = store
        self.progress = progress
        self.collector = Collector()
        self.keys: dict[str, tuple[str, int]] = {}  # doc_id -> (cache key, seq) of documents in flight
        self.done = 0
        self.elapsed = 0.0
        self.interrupted = False

    def pending(self, items: Iterator[WorkItem]) -> Iterator[WorkItem]:
        """Items that need work; cached ones are collected on the way."""
        for seq, item in enumerate(items):
            key = cache_key(item, self.fingerprint)
            cached = self.store.get(key) if self.store is not None else None
            if cached is not None:
                ref = item.ref
                self.collector.add(restamp(cached, ref.doc_id, ref.path, ref.record), seq=seq, cached=True)
                self._tick()
                continue
            self.keys[item.ref.doc_id] = (key, seq)
            yield item

    def finish(self, chunk: Chunk, results: list[dict[str, Any]]) -> None:
        for item, result in zip(chunk, results, strict=True):
            key, seq = self.keys.pop(item.ref.doc_id)
            if self.store is not None and not result.get("error"):
                self.store.put(key, result)
            self.collector.add(result, seq=seq, cached=False)
            self._tick()

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, None)

    def summary(
        self, *, engine: str, workers: int, options: AnalysisOptions, cache: ResultCache | None
    ) -> dict[str, Any]:
        collector = self.collector
        return {
            "documents": collector.n_documents + collector.n_errors,
            "analysed": collector.n_documents,
            "errors": collector.n_errors,
            "measures": collector.n_measures,
            "from_cache": collector.n_cached,
            "computed": collector.n_computed,
            "seconds": round(self.elapsed, 3),
            "worker_seconds": round(collector.worker_seconds, 3),
            "worker_cpu_seconds": round(collector.worker_cpu_seconds, 3),
            "engine": engine,
            "workers": workers,
            "cache": str(cache.folder) if cache is not None else None,
            "options": {k: v for k, v in vars(options).items()},
            "interrupted": self.interrupted,
        }


def _check_options(workers: int | None, top: int, mmr: float | None, chunk_size: int) -> None:
    """Refuse bad options once, up front, rather than as one error row per document."""
    if workers is not None and workers < 0:
        raise ConfigurationError(f"workers must be 0 or more, not {workers}")
    if top < 1:
        raise ConfigurationError(f"top_keywords must be at least 1, not {top}")
    if mmr is not None and not 0 <= mmr <= 1:
        raise ConfigurationError(f"keyword_mmr must be between 0 and 1 (or None), not {mmr}")
    if chunk_size < 1:
        raise ConfigurationError(f"chunk_size must be at least 1, not {chunk_size}")


def _file_hash(path: str) -> str:
    try:
        return sha256_file(path)
    except OSError as error:
        raise ConfigurationError(
            f"cannot read the user dictionary ({error.strerror or error})", path
        ) from None


def _open_cache(cache: str | Path | bool | None) -> ResultCache | None:
    if cache is False:
        return None
    if cache is None or cache is True:
        return ResultCache(default_cache_dir())
    return ResultCache(cache)


def _chunks(items: Iterator[WorkItem], size: int, max_chars: int) -> Iterator[Chunk]:
    """Group items into chunks of at most ``size`` documents or about ``max_chars`` characters.

    Chunks amortise the per-task overhead (pickling, scheduling); the character budget keeps a
    chunk of long in-memory texts from dominating one worker while the other idles.
    """
    chunk: Chunk = []
    chars = 0
    for item in items:
        chunk.append(item)
        chars += len(item.text) if item.text is not None else 20_000  # a file: assume a typical size
        if len(chunk) >= size or chars >= max_chars:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk
