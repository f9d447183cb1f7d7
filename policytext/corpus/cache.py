"""Per-document result cache: what makes a rerun cheap and an interrupted run resumable.

Each finished document's result is one JSON file named by its cache key (sha256 of the
content hash, the metadata and the options fingerprint), written atomically.  A run that is
interrupted (Ctrl-C, SIGTERM, a killed worker) leaves only complete files, so the next run
finds every finished document and processes only the rest.  File names are hashes, so
nothing taken from an input (a file name, a record id) can steer a write outside the folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from policytext._util import atomic_write_text, user_cache_dir

#: Results stored per document that are specific to where it was found, restamped on reuse.
_IDENTITY = ("doc_id", "path", "record")


def default_cache_dir() -> Path:
    return user_cache_dir() / "corpus-results"


class ResultCache:
    """A folder of ``<key[:2]>/<key>.json`` result files."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path_for(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not a sha256 hex key: {key!r}")
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored result, or ``None`` when missing or unreadable (it is then recomputed)."""
        path = self.path_for(key)
        try:
            with open(path, encoding="utf-8") as handle:
                result = json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None
        return result if isinstance(result, dict) else None

    def put(self, key: str, result: dict[str, Any]) -> None:
        text = json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=_jsonable)
        atomic_write_text(self.path_for(key), text)

    def __contains__(self, key: str) -> bool:
        return self.path_for(key).is_file()

    def __len__(self) -> int:
        if not self.folder.is_dir():
            return 0
        return sum(1 for _ in self.folder.glob("??/*.json"))

    def clear(self) -> int:
        """Delete every cached result; return how many were deleted."""
        removed = 0
        for path in self.folder.glob("??/*.json"):
            os.unlink(path)
            removed += 1
        return removed


def restamp(result: dict[str, Any], doc_id: str, path: str | None, record: int | None) -> dict[str, Any]:
    """A cached result moved to this run's identity (same content may sit at another path)."""
    identity = {"doc_id": doc_id, "path": path, "record": record}
    result = dict(result, doc_id=doc_id)
    if result.get("document"):
        result["document"] = {**result["document"], **identity}
    if result.get("error"):
        result["error"] = {**result["error"], **identity}
    for table in ("measures", "units", "keywords", "citations"):
        columns = result.get(table)
        if columns and "doc_id" in columns:
            columns = dict(columns)
            columns["doc_id"] = [doc_id] * len(columns["doc_id"])
            result[table] = columns
    return result


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)
