"""The per-document work that runs inside a worker process (local pool or Dask worker).

A worker reads a document itself (or receives its text), parses it, extracts keywords and a
MinHash signature, and returns small plain dicts: never a jieba object, never a
PolicyDocument.  Any error becomes an error row and the next document is processed.

The segmenter is cached per process in ``_SEGMENTERS``.  This is the one piece of
module-level mutable state in the corpus package, and it is deliberate: building a
:class:`~policytext.segment.Segmenter` loads a dictionary (hundreds of milliseconds) and a
jieba tokenizer cannot be pickled cheaply, so each worker process builds its own once and
reuses it for every chunk it runs.  The cache is keyed by the segmenter options, so two runs
with different options in one process never share a tokenizer; the parent process never
fills it unless it runs documents in-process (``workers=0``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from policytext.corpus.sources import WorkItem, metadata_json, standard_metadata
from policytext.errors import EmptyDocumentError, PolicyTextError
from policytext.model import MEASURE_COLUMNS, UNIT_COLUMNS, Source

#: Bump when the rows a worker produces change shape, so that old cache entries are ignored.
RESULT_SCHEMA = 1


@dataclass(frozen=True)
class AnalysisOptions:
    """Everything that changes a document's results; its fingerprint is part of the cache key."""

    top_keywords: int = 20
    keyword_mmr: float | None = None  # keywords()'s MMR weight (its default: 0.8); < 1 ms per document
    segmenter_backend: str = "auto"
    user_dict: str | None = None
    user_dict_sha256: str | None = None  # the dictionary's content, so an edited file invalidates the cache
    keywords: bool = True
    minhash: bool = True
    t2s: bool = False
    measure_text: bool = True  # False leaves measures.text empty: far smaller tables and memory
    num_perm: int = 64
    shingle: int = 5

    def fingerprint(self) -> str:
        from policytext import __version__

        payload = json.dumps(
            {**asdict(self), "schema": RESULT_SCHEMA, "version": __version__}, sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def segmenter_key(self) -> tuple[str, str | None]:
        return (self.segmenter_backend, self.user_dict)


def cache_key(item: WorkItem, options_fingerprint: str) -> str:
    """sha256 of content hash + metadata + options: equal keys mean equal results."""
    payload = "\0".join((item.content_hash, metadata_json(item.ref.metadata), options_fingerprint))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


# -- per-process segmenter cache (see module docstring) ---------------------------------------
_SEGMENTERS: dict[tuple[str, str | None], Any] = {}


def worker_segmenter(options: AnalysisOptions) -> Any:
    """This process's Segmenter for ``options``, built on first use and then reused."""
    key = options.segmenter_key()
    segmenter = _SEGMENTERS.get(key)
    if segmenter is None:
        from policytext.segment import Segmenter

        kwargs: dict[str, Any] = {"backend": options.segmenter_backend}
        if options.user_dict:
            kwargs["user_dict"] = options.user_dict
        segmenter = Segmenter(**kwargs)
        segmenter.cut("预热")  # build the backend (dictionary load) now, not inside the first document
        _SEGMENTERS[key] = segmenter
    return segmenter


def init_worker(options: AnalysisOptions) -> None:
    """Process-pool initializer: ignore Ctrl-C (the parent decides) and build the segmenter."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if options.keywords:
        worker_segmenter(options)


# -- the work ---------------------------------------------------------------------------------
def analyse_chunk(items: list[WorkItem], options: AnalysisOptions) -> list[dict[str, Any]]:
    """Analyse a chunk of documents; one result dict per item, in order."""
    return [analyse_item(item, options) for item in items]


def analyse_item(item: WorkItem, options: AnalysisOptions) -> dict[str, Any]:
    started = time.perf_counter()
    cpu_started = time.thread_time()  # this thread only: a Dask worker runs other threads too
    ref = item.ref
    result: dict[str, Any] = {"doc_id": ref.doc_id, "error": None}
    if item.problem is not None:  # found unusable while streaming (bad JSON line, empty record)
        result["error"] = _error_row(item, item.problem_class, item.problem)
        return result
    try:
        result.update(_analyse(item, options))
    except PolicyTextError as error:
        result["error"] = _error_row(item, type(error).__name__, error.reason)
    except Exception as error:  # a bug or a pathological input must not stop the run
        result["error"] = _error_row(item, type(error).__name__, f"unexpected error: {error}")
    result["seconds"] = round(time.perf_counter() - started, 6)
    result["cpu_seconds"] = round(time.thread_time() - cpu_started, 6)
    result["pid"] = os.getpid()
    return result


def _error_row(item: WorkItem, error_class: str, reason: str) -> dict[str, Any]:
    ref = item.ref
    return {
        "doc_id": ref.doc_id,
        "path": ref.path,
        "record": ref.record,
        "error_class": error_class,
        "reason": " ".join(str(reason).split())[:500],
    }


def _read(item: WorkItem) -> tuple[str, Source, dict[str, Any], tuple[str, ...]]:
    ref = item.ref
    if item.text is None:
        from policytext.io import load_text

        if ref.path is None:  # pragma: no cover - every source gives a path or a text
            raise EmptyDocumentError(f"document {ref.doc_id} has neither a path nor a text")
        raw = load_text(ref.path)
        metadata = {**raw.metadata, **ref.metadata}
        return raw.text, raw.source, metadata, tuple(raw.warnings)
    from policytext.io.base import require_text

    what = f"record {ref.record}" if ref.record is not None else f"document {ref.doc_id}"
    require_text(item.text, ref.path, what)
    source = item.source or Source(path=ref.path, sha256=item.content_hash, format="text", record=ref.record)
    return item.text, source, dict(ref.metadata), item.warnings


def _analyse(item: WorkItem, options: AnalysisOptions) -> dict[str, Any]:
    text, source, metadata, read_warnings = _read(item)
    from policytext.pipeline import parse_text

    doc = parse_text(text, source=source, metadata=metadata, warnings=read_warnings, t2s=options.t2s)
    if not doc.text.strip():
        raise EmptyDocumentError("no text left after normalisation", item.ref.path)
    doc_id = item.ref.doc_id
    keyword_rows = _keywords(doc, doc_id, options) if options.keywords else _columns(_KEYWORD_COLUMNS)
    signature = None
    if options.minhash:
        from policytext.corpus import _minhash

        signature = _minhash.to_hex(_minhash.signature(doc.text, options.num_perm, options.shingle))
    return {
        "document": _document_row(item, doc, metadata, signature),
        "measures": measure_columns(doc, doc_id, with_text=options.measure_text),
        "units": unit_columns(doc, doc_id),
        "keywords": keyword_rows,
        "citations": _citation_rows(doc, doc_id),
    }


def _document_row(
    item: WorkItem, doc: Any, metadata: dict[str, Any], signature: str | None
) -> dict[str, Any]:
    header = doc.header
    standard = standard_metadata(metadata)
    parsed_level = header.level.value if header.level is not None else "unknown"
    return {
        "doc_id": item.ref.doc_id,
        "path": item.ref.path,
        "record": item.ref.record,
        "title": _text(standard.get("title")) or header.title,
        "issuer": _text(standard.get("issuer")) or header.issuer,
        "doc_number": _text(standard.get("doc_number")) or header.doc_number,
        "date": _text(standard.get("date")) or header.date,
        "level": _text(standard.get("level")) or parsed_level,
        "parsed_level": parsed_level,
        "region": _text(standard.get("region")),
        "source": _text(standard.get("source")),
        "n_chars": len(doc.text),
        "n_sections": len(doc.sections),
        "n_measures": len(doc.measures),
        "n_units": len(doc.units),
        "n_citations": len(doc.citations),
        "warnings": "；".join(doc.warnings),
        "sha256": item.content_hash,
        "metadata": metadata_json(metadata),
        "minhash": signature,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


_KEYWORD_COLUMNS = ("doc_id", "rank", "term", "score", "count")
_CITATION_COLUMNS = ("doc_id", "title", "doc_number", "start", "end")


def _columns(names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [] for name in names}


def measure_columns(doc: Any, doc_id: str, *, with_text: bool = True) -> dict[str, list[Any]]:
    """The rows of ``doc.measures_frame()`` plus ``doc_id``, as columns of plain lists."""
    return _with_doc_id(doc_id, MEASURE_COLUMNS, doc.measure_rows(with_text=with_text))


def unit_columns(doc: Any, doc_id: str) -> dict[str, list[Any]]:
    """The rows of ``doc.units_frame()`` plus ``doc_id``, as columns of plain lists."""
    return _with_doc_id(doc_id, UNIT_COLUMNS, doc.unit_rows())


def _with_doc_id(doc_id: str, names: list[str], rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {"doc_id": [doc_id] * len(rows)}
    values = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    for name, column in zip(names, values, strict=True):
        columns[name] = list(column)
    return columns


def _keywords(doc: Any, doc_id: str, options: AnalysisOptions) -> dict[str, list[Any]]:
    from policytext.keywords import keyword_rows

    # adapt=False: adapting the segmenter to each document rebuilds its tokenizer (~0.6 s per
    # document); a corpus run keeps one tokenizer per worker instead.  keyword_rows: the rows of
    # keywords() without a DataFrame per document.
    found = keyword_rows(
        doc,
        top=options.top_keywords,
        segmenter=worker_segmenter(options),
        adapt=False,
        mmr=options.keyword_mmr,
    )
    rows = _columns(_KEYWORD_COLUMNS)
    for rank, row in enumerate(found, start=1):
        rows["doc_id"].append(doc_id)
        rows["rank"].append(rank)
        rows["term"].append(str(row["term"]))
        rows["score"].append(float(row["score"]))
        rows["count"].append(int(row["count"]))
    return rows


def _citation_rows(doc: Any, doc_id: str) -> dict[str, list[Any]]:
    rows = _columns(_CITATION_COLUMNS)
    for citation in doc.citations:
        rows["doc_id"].append(doc_id)
        rows["title"].append(citation.title)
        rows["doc_number"].append(citation.doc_number)
        rows["start"].append(citation.span.start)
        rows["end"].append(citation.span.end)
    return rows
