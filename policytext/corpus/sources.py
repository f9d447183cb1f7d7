"""Where a corpus's documents come from: folders, record files and in-memory lists.

A corpus is a list of *sources*; each source yields lightweight :class:`WorkItem`\\ s.  A file
item carries only its path (the worker reads it), so the parent never holds all texts.  A
record file (JSONL/CSV/Parquet) is streamed once by the parent and its texts travel to the
workers in chunks: decompressing a 60 MB ``.jsonl.gz`` in every worker to pick out a few
records would cost far more than shipping the texts through a pipe (measured in
``docs/bench/batch.md``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from policytext._util import sha256_file
from policytext.errors import InputError, PolicyTextError
from policytext.model import PolicyDocument
from policytext.model import Source as ModelSource

#: Suffixes read as many documents, one per record (every other suffix policytext.io reads is
#: one document per file).
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".csv", ".tsv", ".parquet")

#: Metadata keys kept as first-class columns of the documents table (others stay in ``metadata``).
STANDARD_METADATA = ("title", "issuer", "level", "date", "region", "source", "doc_number")

# Common spellings of the standard metadata fields in public datasets.
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "name"),
    "issuer": ("issuer", "发文机关", "department", "release_department", "office"),
    "level": ("admin_level", "admin_level_guess", "level", "层级"),
    "date": ("date", "publish_date", "release_time", "version_date", "发布日期", "成文日期", "year"),
    "region": ("region", "province", "地区", "省份"),
    "source": ("source", "url", "source_url", "policy_source"),
    "doc_number": ("doc_number", "文号", "发文字号"),
}


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A pointer to one document: enough to read it again, never its text.

    ``doc_id`` is unique within the corpus and stable across runs (relative path for a folder,
    ``<file>#<record>`` or the id column for a record file, ``doc<N>`` for a list).
    """

    doc_id: str
    path: str | None = None
    record: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WorkItem:
    """What a worker receives for one document: the reference plus the text when it is in memory.

    ``content_hash`` is the sha256 of the bytes (file) or the text (record, list), computed by
    the parent so that finished documents are found in the cache without a worker round trip.
    """

    ref: DocumentRef
    content_hash: str
    text: str | None = None
    problem: str | None = None  # why the record is unusable (bad JSON line, missing text)
    problem_class: str = "RecordError"
    source: ModelSource | None = None  # where a streamed record came from (format, record index)
    warnings: tuple[str, ...] = ()


def standard_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The standard fields (title, issuer, level, date, region, source) found under common spellings."""
    found: dict[str, Any] = {}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            value = metadata.get(alias)
            if value is not None and value == value and str(value).strip():  # skip None/NaN/blank
                found[name] = value
                break
    return found


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _is_record_file(path: Path) -> bool:
    from policytext.io.sniff import suffix_of

    return suffix_of(path) in RECORD_SUFFIXES


#: Policy-document formats policytext cannot read: listed (as errors with a hint), not skipped.
_POLICY_FORMATS_REFUSED = frozenset({".doc", ".wps", ".ofd", ".rtf"})


def _is_document_file(path: Path) -> bool:
    from policytext.io.sniff import SUPPORTED_SUFFIXES, suffix_of

    suffix = suffix_of(path)
    return (suffix in SUPPORTED_SUFFIXES and suffix not in RECORD_SUFFIXES) or suffix in _POLICY_FORMATS_REFUSED


class Source:
    """A part of a corpus; subclasses stream :class:`WorkItem` objects."""

    def items(self) -> Iterator[WorkItem]:  # pragma: no cover - abstract
        raise NotImplementedError

    def refs(self) -> Iterator[DocumentRef]:
        for item in self.items():
            yield item.ref

    def count(self) -> int:
        """How many items :meth:`items` yields (subclasses count without reading texts)."""
        return sum(1 for _ in self.items())

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class FileSource(Source):
    """Document files (txt, md, docx, pdf, html); workers read them, the parent only hashes them.

    An unreadable file still yields an item (hash of its path) so that its reader's error
    lands in the errors table rather than stopping the run.
    """

    def __init__(self, files: Sequence[tuple[Path, str]], label: str) -> None:
        # absolute paths: a Dask worker (another process, maybe another folder) reads them
        self._files = [(Path(os.path.abspath(path)), doc_id) for path, doc_id in files]
        self._label = label

    def __len__(self) -> int:
        return len(self._files)

    def count(self) -> int:
        return len(self._files)

    def items(self) -> Iterator[WorkItem]:
        for path, doc_id in self._files:
            try:
                # never open a FIFO or a device to hash it (opening a FIFO blocks until a writer
                # comes): such an entry gets a name hash and the worker's read reports it
                digest = sha256_file(path) if Path(path).is_file() else text_hash(f"not-a-file:{path}")
            except OSError:
                digest = text_hash(f"unreadable:{path}")
            yield WorkItem(DocumentRef(doc_id, str(path)), digest)

    def describe(self) -> str:
        return self._label


class RecordSource(Source):
    """One JSONL/CSV/Parquet file whose records are documents; streamed by the parent.

    ``text_column`` names the text field (auto-detected among ``text``, ``content``,
    ``full_text``, ``body`` when ``None``); ``id_column`` an optional unique id; every other
    column is kept as metadata.
    """

    def __init__(
        self,
        path: Path,
        *,
        text_column: str | None = None,
        id_column: str | None = None,
        id_prefix: str | None = None,
    ) -> None:
        self.path = path
        self.text_column = text_column
        self.id_column = id_column
        self.id_prefix = id_prefix if id_prefix is not None else _record_stem(path)

    def items(self) -> Iterator[WorkItem]:
        from policytext.io import iter_records

        try:
            records = iter_records(self.path, text_column=self.text_column)
        except PolicyTextError as error:  # the file as a whole is unusable: one error row for it
            ref = DocumentRef(self.id_prefix, str(self.path))
            yield WorkItem(ref, text_hash(f"problem:{self.path}:{error.reason}"), problem=error.reason)
            return
        # iter_records yields one item per record, in order, so the position is the record index
        for index, raw in enumerate(records):
            if isinstance(raw, PolicyTextError):
                ref = DocumentRef(f"{self.id_prefix}#{index}", str(self.path), index)
                yield WorkItem(
                    ref,
                    text_hash(f"problem:{raw.reason}"),
                    problem=raw.reason,
                    problem_class=type(raw).__name__,
                )
                continue
            record = raw.source.record if raw.source.record is not None else index
            ref = DocumentRef(self._doc_id(record, raw.metadata), str(self.path), record, raw.metadata)
            yield WorkItem(ref, text_hash(raw.text), raw.text, source=raw.source, warnings=raw.warnings)

    def count(self) -> int:
        """Records in the file: non-blank lines of JSON Lines, rows of Parquet, else a full read."""
        from policytext.io.sniff import suffix_of

        suffix = suffix_of(self.path)
        try:
            if suffix in (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"):
                return _count_lines(self.path)
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                return int(pq.ParquetFile(self.path).metadata.num_rows) or 1
        except Exception:  # unreadable: items() yields one error item for the file
            return 1
        return super().count()

    def _doc_id(self, index: int, metadata: Mapping[str, Any]) -> str:
        if self.id_column and metadata.get(self.id_column) not in (None, ""):
            return f"{self.id_prefix}#{metadata[self.id_column]}"
        return f"{self.id_prefix}#{index}"

    def describe(self) -> str:
        return str(self.path)


class MemorySource(Source):
    """Documents given in memory: strings, dicts with a text field, PolicyDocuments or paths."""

    def __init__(self, documents: Iterable[Any], *, text_column: str = "text") -> None:
        self._items: list[WorkItem] = []
        self._files: list[tuple[Path, str]] = []
        for index, document in enumerate(documents):
            self._add(index, document, text_column)

    def _add(self, index: int, document: Any, text_column: str) -> None:
        doc_id = f"doc{index}"
        if isinstance(document, (str, PurePath)) and _looks_like_path(document):
            path = Path(document)
            self._items.append(FileSource([(path, path.name)], str(path)).items().__next__())
            return
        text: Any
        metadata: dict[str, Any]
        if isinstance(document, str):
            text, metadata = document, {}
        elif isinstance(document, PolicyDocument):
            text, metadata = document.text, dict(document.metadata)
            if document.header.title:
                metadata.setdefault("title", document.header.title)
        elif isinstance(document, Mapping):
            metadata = {k: v for k, v in document.items() if k != text_column}
            text = document.get(text_column)
            if document.get("id") not in (None, ""):
                doc_id = str(document["id"])
        else:
            raise InputError(
                f"document {index} is a {type(document).__name__}; give str, dict or PolicyDocument"
            )
        ref = DocumentRef(doc_id, None, None, metadata)
        if isinstance(text, str):
            self._items.append(WorkItem(ref, text_hash(text), text))
        else:
            problem = f"document {index} has no text (field {text_column!r} is {type(text).__name__})"
            self._items.append(WorkItem(ref, text_hash(f"problem:{problem}"), None, problem, "InputError"))

    def __len__(self) -> int:
        return len(self._items)

    def count(self) -> int:
        return len(self._items)

    def items(self) -> Iterator[WorkItem]:
        yield from self._items

    def describe(self) -> str:
        return f"{len(self._items)} documents in memory"


def _count_lines(path: Path) -> int:
    """Non-blank lines of a (possibly gzip-compressed) text file, without decoding them."""
    import gzip

    with open(path, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"
    opener: Any = gzip.open if compressed else open
    count = 0
    with opener(path, "rb") as handle:
        for line in handle:
            if line.strip():
                count += 1
    return count or 1  # an empty file is one error item


def _looks_like_path(value: str | PurePath) -> bool:
    if isinstance(value, PurePath):
        return True
    return "\n" not in value and len(value) < 1024 and Path(value).is_file()


def _record_stem(path: Path) -> str:
    name = path.name
    for suffix in sorted(RECORD_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def folder_sources(
    root: Path,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    exclude: Sequence[Path] = (),
) -> list[Source]:
    """Every supported file under ``root`` (recursively, sorted): document files and record files.

    Hidden files and folders (starting with ``.``) are skipped: they are editor backups, VCS
    data, or a previous run's output; so are the folders in ``exclude`` (e.g. the output folder
    of a batch run placed inside its input folder, whose tables must not become input).
    """
    excluded = [Path(os.path.abspath(folder)) for folder in exclude]
    documents: list[tuple[Path, str]] = []
    sources: list[Source] = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        if excluded and any(folder in Path(os.path.abspath(path)).parents for folder in excluded):
            continue
        # A FIFO, a dangling symlink or an unreadable entry with a document's name becomes an
        # error row (the worker's read names the problem) instead of vanishing from the run.
        if _is_record_file(path) and path.is_file():
            prefix = (relative.parent / _record_stem(path)).as_posix()  # e.g. county/records
            sources.append(RecordSource(path, text_column=text_column, id_column=id_column, id_prefix=prefix))
        elif _is_document_file(path):
            documents.append((path, relative.as_posix()))
    if documents:
        sources.insert(0, FileSource(documents, str(root)))
    return sources


def open_sources(
    source: Any,
    *,
    text_column: str | None = None,
    id_column: str | None = None,
    exclude: Sequence[Path] = (),
) -> list[Source]:
    """Turn what the user gave (folder, record file, document file, list) into sources."""
    if isinstance(source, (str, PurePath)) and not (isinstance(source, str) and "\n" in source):
        path = Path(source)
        if path.is_dir():
            return folder_sources(path, text_column=text_column, id_column=id_column, exclude=exclude)
        if path.is_file():
            if _is_record_file(path):
                return [RecordSource(path, text_column=text_column, id_column=id_column)]
            return [FileSource([(path, path.name)], str(path))]
        raise InputError("no such file or folder", path)
    if isinstance(source, (list, tuple)):
        return [MemorySource(source, text_column=text_column or "text")]
    if hasattr(source, "to_dict") and hasattr(source, "columns"):  # a pandas DataFrame
        column = text_column or "text"
        if column not in source.columns:
            raise InputError(f"the DataFrame has no text column {column!r} (columns: {list(source.columns)})")
        return [MemorySource(source.to_dict("records"), text_column=column)]
    if isinstance(source, str):
        raise InputError("a corpus is a folder, a record file or a list: wrap a single text in a list")
    raise InputError(f"cannot build a corpus from a {type(source).__name__}")


def metadata_json(metadata: Mapping[str, Any]) -> str:
    """Metadata as canonical JSON (sorted keys; NaN and numpy scalars made JSON-safe)."""
    from policytext.model import _jsonable

    return json.dumps(_jsonable(dict(metadata)), ensure_ascii=False, sort_keys=True, default=str)
