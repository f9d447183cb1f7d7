"""Which build of the front of the pipeline runs: mypyc-compiled modules, or their sources.

``setup.py`` compiles normalise + structure (``COMPILED_SOURCES``) with mypyc when it can, and
writes beside them a manifest (:data:`MANIFEST`) with the SHA-256 of each source as it was read
for the build.  The compiled modules sit beside their sources and Python's import prefers them,
which in an editable install would hide an edit to a source until the next build.  So before
any of them is imported (``policytext/__init__`` imports this module first) they are checked:
they run only if the manifest matches the current sources and lists exactly the compiled
modules found.  Otherwise (a source edited, during or after the build; a module added to or
dropped from the list; an old checkout with newer build outputs), or with
``POLICYTEXT_PURE_PYTHON=1``, every module that has a compiled file is imported from its source
instead: all or none, since compiled modules call each other directly and a mix would run
stale code.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

from policytext._compiled_modules import COMPILED_SOURCES, MANIFEST
from policytext._util import sha256_file

_ROOT = Path(__file__).resolve().parent.parent


def module_name(source: str) -> str:
    """``policytext/structure/__init__.py`` → ``policytext.structure``."""
    parts = source.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_digests(root: Path = _ROOT) -> dict[str, str]:
    """SHA-256 of each compiled module's source, by its path relative to ``root``."""
    return {source: sha256_file(root / source) for source in COMPILED_SOURCES}


def compiled_modules(root: Path = _ROOT) -> dict[str, Path]:
    """The compiled module files found in the package (whatever the list says), by module name."""
    found: dict[str, Path] = {}
    suffixes = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)  # .cpython-311-….so before .so
    for path in (root / "policytext").rglob("*"):
        suffix = next((suffix for suffix in suffixes if path.name.endswith(suffix)), None)
        if suffix is not None and path.is_file():
            relative = path.relative_to(root).as_posix().removesuffix(suffix)
            found[module_name(relative + ".py")] = path
    return found


def compiled_state(root: Path = _ROOT) -> str:
    """``"compiled"``, ``"none"`` (no compiled module: a pure install) or ``"stale"`` (compiled
    modules that do not match the current sources and list, or whose runtime library cannot be
    found)."""
    found = compiled_modules(root)
    if not found:
        return "none"
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        recorded, library = manifest.get("sources"), manifest.get("library")
    except (OSError, ValueError, AttributeError):
        return "stale"
    if set(found) != {module_name(source) for source in COMPILED_SOURCES}:
        return "stale"
    try:
        if recorded != source_digests(root):
            return "stale"
    except OSError:
        return "stale"
    # the runtime library the compiled modules import by its top-level name: another install's
    # import hook may have taken this one's place (they would fail to import)
    if library is not None and importlib.util.find_spec(library) is None:
        return "stale"
    return "compiled"


class SourceFinder(importlib.abc.MetaPathFinder):
    """Imports the given modules from their ``.py`` sources, whatever compiled files lie beside them."""

    def __init__(self, root: Path = _ROOT, names: Sequence[str] | None = None) -> None:
        if names is None:
            names = [module_name(source) for source in COMPILED_SOURCES]
        self.sources: dict[str, Path] = {}
        for name in names:
            path = root.joinpath(*name.split("."))
            source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
            self.sources[name] = source

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        source = self.sources.get(fullname)
        if source is None or not source.is_file():
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
        reason = "the compiled modules do not match their sources or cannot load: reinstall to rebuild them"
    else:
        return "compiled (mypyc)"
    if not any(isinstance(finder, SourceFinder) for finder in sys.meta_path):
        names = {module_name(source) for source in COMPILED_SOURCES} | set(compiled_modules())
        sys.meta_path.insert(0, SourceFinder(names=sorted(names)))
    return f"pure Python ({reason})"


#: The build in use, e.g. ``"compiled (mypyc)"`` or ``"pure Python"``; printed by the benchmarks.
BUILD = _choose_build()
