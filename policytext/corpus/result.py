"""The tables a corpus analysis produces, and how they are written to and read from a folder.

Output folder layout (every file written atomically)::

    OUTDIR/documents.parquet   one row per document analysed (errors excluded)
    OUTDIR/measures.parquet    one row per measure  (doc_id + Measure columns)
    OUTDIR/units.parquet       one row per measure x responsible unit
    OUTDIR/keywords.parquet    top keywords per document (doc_id, rank, term, score, count)
    OUTDIR/citations.parquet   《title》 / 文号 citations per document
    OUTDIR/errors.parquet      one row per failed document (doc_id, path, record, error_class, reason)
    OUTDIR/summary.json        counts, timings, engine and options of the run
    OUTDIR/cache/              per-document results (see policytext.corpus.cache)

With ``format="csv"`` the tables are ``.csv`` files instead (UTF-8).  Empty text cells are
missing values (``pd.NA``) in every table, so both formats read back identically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from policytext._util import atomic_open, atomic_write_text
from policytext.errors import InputError
from policytext.model import _MEASURE_COLUMNS, _UNIT_COLUMNS

TABLES = ("documents", "measures", "units", "keywords", "citations", "errors")
DOCUMENT_COLUMNS = (
    "doc_id", "path", "record", "title", "issuer", "doc_number", "date", "level", "parsed_level",
    "region", "source", "n_chars", "n_sections", "n_measures", "n_units", "n_citations", "warnings",
    "sha256", "metadata", "minhash",
)  # fmt: skip
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": DOCUMENT_COLUMNS,
    "measures": ("doc_id", *_MEASURE_COLUMNS),
    "units": ("doc_id", *_UNIT_COLUMNS),
    "keywords": ("doc_id", "rank", "term", "score", "count"),
    "citations": ("doc_id", "title", "doc_number", "start", "end"),
    "errors": ("doc_id", "path", "record", "error_class", "reason"),
}
_INTEGER_COLUMNS = {"record", "measure", "order", "rank", "count", "start", "end", "n_chars", "n_units"}


@dataclass
class AnalysisResult:
    """Results of :meth:`policytext.Corpus.analyse`: pandas DataFrames plus a run summary."""

    documents: pd.DataFrame
    measures: pd.DataFrame
    units: pd.DataFrame
    keywords: pd.DataFrame
    errors: pd.DataFrame
    citations: pd.DataFrame = field(default_factory=lambda: empty_table("citations"))
    summary: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r} (tables: {', '.join(TABLES)})")
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def save(self, outdir: str | Path, format: str = "parquet") -> Path:
        """Write every table and ``summary.json`` into ``outdir`` (atomically, file by file)."""
        if format not in ("parquet", "csv"):
            raise InputError(f"unknown format {format!r} (parquet or csv)")
        folder = Path(outdir)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            frame = self.table(name)
            if format == "parquet":
                with atomic_open(folder / f"{name}.parquet", "wb") as handle:
                    frame.to_parquet(handle, index=False)
            else:
                with atomic_open(folder / f"{name}.csv", "w") as handle:
                    frame.to_csv(handle, index=False)
        atomic_write_text(
            folder / "summary.json", json.dumps(self.summary, ensure_ascii=False, indent=2) + "\n"
        )
        return folder

    @classmethod
    def load(cls, outdir: str | Path) -> AnalysisResult:
        """Read back what :meth:`save` wrote (Parquet preferred, CSV otherwise)."""
        folder = Path(outdir)
        tables: dict[str, pd.DataFrame] = {}
        for name in TABLES:
            parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
            if parquet.is_file():
                tables[name] = pd.read_parquet(parquet)
            elif csv.is_file():
                tables[name] = _typed(
                    name, pd.read_csv(csv, dtype=_csv_dtypes(name), keep_default_na=False, na_values=[""])
                )
            elif name == "citations":
                tables[name] = empty_table(name)
            else:
                raise InputError(f"no {name}.parquet or {name}.csv in the folder", folder)
        summary_path = folder / "summary.json"
        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
        return cls(summary=summary, **tables)

    def __repr__(self) -> str:
        return (
            f"<AnalysisResult: {len(self.documents)} documents, {len(self.measures)} measures, "
            f"{len(self.units)} units, {len(self.keywords)} keywords, {len(self.errors)} errors>"
        )


def empty_table(name: str) -> pd.DataFrame:
    return _typed(name, pd.DataFrame({column: [] for column in COLUMNS[name]}))


def _csv_dtypes(name: str) -> dict[str, Any]:
    return {
        c: "string"
        for c in COLUMNS[name]
        if c not in _INTEGER_COLUMNS and not c.startswith("n_") and c != "score"
    }


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Stable dtypes so that a table looks the same from any engine, cache or file."""
    for column in frame.columns:
        if column in _INTEGER_COLUMNS or column.startswith("n_"):
            frame[column] = pd.to_numeric(frame[column]).astype("Int64")
        elif column == "score":
            frame[column] = frame[column].astype("float64")
        else:
            # "" and missing are one thing (NA): CSV cannot tell them apart, and tables must
            # read back equal from either format
            frame[column] = frame[column].astype("string").replace("", pd.NA)
    return frame


class Collector:
    """Accumulates per-document results column by column, then builds the DataFrames once."""

    def __init__(self) -> None:
        self._columns: dict[str, dict[str, list[Any]]] = {name: self._empty(name) for name in TABLES}
        self.n_cached = 0
        self.n_computed = 0
        self.worker_seconds = 0.0
        self.worker_cpu_seconds = 0.0

    @staticmethod
    def _empty(name: str) -> dict[str, list[Any]]:
        # "_seq" is the document's position in the corpus: tables come out in input order
        return {"_seq": [], **{column: [] for column in COLUMNS[name]}}

    def add(self, result: dict[str, Any], *, seq: int, cached: bool) -> None:
        if cached:
            self.n_cached += 1
        else:
            self.n_computed += 1
            self.worker_seconds += float(result.get("seconds") or 0.0)
            self.worker_cpu_seconds += float(result.get("cpu_seconds") or 0.0)
        if result.get("error"):
            self._add_row("errors", result["error"], seq)
            return
        self._add_row("documents", result["document"], seq)
        for name in ("measures", "units", "keywords", "citations"):
            self._add_columns(name, result.get(name) or {}, seq)

    def _add_row(self, name: str, row: dict[str, Any], seq: int) -> None:
        for column, values in self._columns[name].items():
            values.append(seq if column == "_seq" else row.get(column))

    def _add_columns(self, name: str, columns: dict[str, list[Any]], seq: int) -> None:
        if not columns:
            return
        length = len(next(iter(columns.values())))
        for column, values in self._columns[name].items():
            if column == "_seq":
                values.extend([seq] * length)
            else:
                values.extend(columns.get(column) or [None] * length)

    @property
    def n_documents(self) -> int:
        return len(self._columns["documents"]["doc_id"])

    @property
    def n_errors(self) -> int:
        return len(self._columns["errors"]["doc_id"])

    @property
    def n_measures(self) -> int:
        return len(self._columns["measures"]["doc_id"])

    def frames(self) -> dict[str, pd.DataFrame]:
        frames = {}
        for name in TABLES:
            frame = pd.DataFrame(self._columns[name])
            self._columns[name] = self._empty(name)  # free memory early
            # stable sort: rows of one document keep the order the worker produced
            frame = frame.sort_values("_seq", kind="stable").drop(columns="_seq").reset_index(drop=True)
            frames[name] = _typed(name, frame)
        return frames
