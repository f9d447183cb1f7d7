"""Which build of the front of the pipeline runs: mypyc-compiled modules, or their sources.

``setup.py`` compiles normalise + structure (``COMPILED_SOURCES``) with mypyc when it can; the
compiled modules sit beside their sources and Python's import prefers them.  In an editable
install that would hide an edit to a source until the next build, so before any of these
modules is imported (``policytext/__init__`` imports this module first) the compiled ones are
checked: if any is missing or older than its source, or ``POLICYTEXT_PURE_PYTHON=1`` is set,
all of them are imported from their sources instead (all or none: compiled modules call each
other directly, so a mix would run stale code).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

from policytext._compiled_modules import COMPILED_SOURCES

_ROOT = Path(__file__).resolve().parent.parent


def module_name(source: str) -> str:
    """``policytext/structure/__init__.py`` → ``policytext.structure``."""
    parts = source.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _extension(source: Path) -> Path | None:
    """The compiled module built beside ``source``, if any."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_suffix(suffix)
        if candidate.is_file():
            return candidate
    return None


def compiled_state(root: Path = _ROOT) -> str:
    """``"compiled"``, ``"none"`` (no compiled module: a pure install) or ``"stale"`` (some
    compiled module is missing or, in a source checkout, older than its source).

    Ages are compared only in a source checkout (``pyproject.toml`` beside the package), where
    sources are edited: an installed wheel's files all get the time of their extraction, in no
    particular order.
    """
    checkout = (root / "pyproject.toml").is_file()
    found = 0
    stale = False
    for source in COMPILED_SOURCES:
        path = root / source
        extension = _extension(path)
        if extension is None:
            stale = True
            continue
        found += 1
        if checkout and path.stat().st_mtime > extension.stat().st_mtime:
            stale = True
    if not found:
        return "none"
    return "stale" if stale else "compiled"


class SourceFinder(importlib.abc.MetaPathFinder):
    """Imports the compiled modules' names from their ``.py`` sources."""

    def __init__(self, root: Path = _ROOT) -> None:
        self.sources = {module_name(source): root / source for source in COMPILED_SOURCES}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None:
            return None
        locations = [str(source.parent)] if source.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(fullname, source, submodule_search_locations=locations)


def _choose_build() -> str:
    """Decide once, at import, which build runs; returns a short description of it."""
    state = compiled_state()
    if state == "none":
        return "pure Python"
    if os.environ.get("POLICYTEXT_PURE_PYTHON") == "1":
        reason = "POLICYTEXT_PURE_PYTHON=1"
    elif state == "stale":
        reason = "compiled modules older than their sources: reinstall to rebuild them"
    else:
        return "compiled (mypyc)"
    if not any(isinstance(finder, SourceFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, SourceFinder())
    return f"pure Python ({reason})"


#: The build in use, e.g. ``"compiled (mypyc)"`` or ``"pure Python"``; printed by the benchmarks.
BUILD = _choose_build()
