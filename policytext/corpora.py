"""Documents bundled with policytext, by name.

The bundled corpus holds the 潜江 2025 plan (统筹推进教育科技人才一体化发展的工作方案), the
example every quick start and test uses.  ``corpora/manifest.json`` gives each document's title,
issuer, level, date and official source.

>>> from policytext import corpora
>>> corpora.names()
['qianjiang_2025']
>>> corpora.load("qianjiang_2025").header.date
'2025-02-08'
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from policytext._util import shared_corpora_dir
from policytext.errors import InputError
from policytext.model import PolicyDocument

__all__ = ["BundledDocument", "entries", "load", "names", "path", "resolve_path", "shared_dir"]

DEFAULT = "qianjiang_2025"


@dataclass(frozen=True, slots=True)
class BundledDocument:
    name: str
    file: Path
    title: str
    issuer: str
    level: str
    date: str
    source_url: str
    metadata: dict[str, Any]


def corpora_dir() -> Path:
    """Folder of the bundled documents: ``$POLICYTEXT_CORPORA``, the checkout's ``corpora/`` or
    the copy installed under ``<prefix>/share/policytext/corpora``."""
    candidates = []
    if os.environ.get("POLICYTEXT_CORPORA"):
        candidates.append(Path(os.environ["POLICYTEXT_CORPORA"]))
    candidates.append(Path(__file__).resolve().parent.parent / "corpora")
    candidates.append(Path(sys.prefix) / "share" / "policytext" / "corpora")
    for candidate in candidates:
        if (candidate / "manifest.json").is_file():
            return candidate
    raise InputError("bundled corpora not found (set POLICYTEXT_CORPORA to the corpora/ folder)")


def shared_dir() -> Path:
    """Folder of the public reference corpora the examples and benchmarks use (national,
    provincial and State Council documents, laws), which policytext does not ship:
    ``$POLICYTEXT_SHARED_CORPORA`` if set, else ``../shared/corpora`` beside the checkout."""
    return shared_corpora_dir()


@cache
def _manifest(folder: Path) -> tuple[BundledDocument, ...]:
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return tuple(
        BundledDocument(
            name=entry["name"],
            file=folder / entry["file"],
            title=entry["title"],
            issuer=entry["issuer"],
            level=entry["level"],
            date=entry["date"],
            source_url=entry["source_url"],
            metadata=dict(entry),
        )
        for entry in data["documents"]
    )


def entries() -> tuple[BundledDocument, ...]:
    """Every bundled document's manifest entry."""
    return _manifest(corpora_dir())


def names() -> list[str]:
    return [entry.name for entry in entries()]


def path(name: str = DEFAULT) -> Path:
    """File path of a bundled document."""
    for entry in entries():
        if entry.name == name:
            return entry.file
    raise InputError(f"no bundled document named {name!r}; available: {', '.join(names())}")


def resolve_path(name_or_path: str | Path) -> Path:
    """A bundled document's path when given its name, else the argument as a path."""
    text = str(name_or_path)
    if not Path(text).exists() and text in names():
        return path(text)
    return Path(text)


def load(name: str = DEFAULT) -> PolicyDocument:
    """Read and parse a bundled document; its manifest entry becomes ``doc.metadata``."""
    from policytext.pipeline import read

    entry = next((e for e in entries() if e.name == name), None)
    if entry is None:
        raise InputError(f"no bundled document named {name!r}; available: {', '.join(names())}")
    doc = read(entry.file)
    doc.metadata.update({k: v for k, v in entry.metadata.items() if k not in ("file",)})
    return doc
