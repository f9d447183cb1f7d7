"""Build hook: compile the front of the pipeline (normalise + structure) with mypyc when possible.

The metadata lives in ``pyproject.toml``; this file only adds the optional compiled modules.
They are the same sources, compiled to C by mypyc (about 1.15-1.2x faster, see
docs/bench/parse.md), and every one of them stays importable as pure Python:

* ``POLICYTEXT_PURE_PYTHON=1`` at install time skips the compilation (and removes the compiled
  modules an earlier build left in the source tree);
* a failed compilation (no C compiler, a mypy that rejects the code) falls back to the pure
  modules with a warning instead of failing the install;
* beside the compiled modules the build writes a manifest with the SHA-256 of each source as it
  was read; at run time ``policytext._compiled`` imports the sources instead of compiled
  modules that do not match it (an edit in an editable install), and honours
  ``POLICYTEXT_PURE_PYTHON=1``.
"""

from __future__ import annotations

import hashlib
import json
import os
import runpy
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
# (read as a file: the package cannot be imported before it is built)
_LISTS = runpy.run_path(str(ROOT / "policytext" / "_compiled_modules.py"))
COMPILED_SOURCES: tuple[str, ...] = _LISTS["COMPILED_SOURCES"]
MANIFEST: str = _LISTS["MANIFEST"]
# The commands that build modules; for the others (egg_info, dist_info: metadata only) the
# compilation, a minute or two, would be wasted.
_BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "develop", "install"}


def _warn(message: str) -> None:
    print(f"policytext: {message}; the pure-Python modules are used", file=sys.stderr)


def _digests() -> dict[str, str]:
    """The sources' SHA-256, taken before mypyc reads them: a source edited during the build then
    no longer matches the manifest, and its stale compiled module is not used."""
    return {source: hashlib.sha256((ROOT / source).read_bytes()).hexdigest() for source in COMPILED_SOURCES}


def _remove_compiled_modules() -> None:
    """The compiled modules and manifest an earlier build left in the source tree."""
    for path in [*ROOT.joinpath("policytext").rglob("*.so"), *ROOT.joinpath("policytext").rglob("*.pyd")]:
        path.unlink()
    for path in ROOT.glob("*__mypyc*"):
        path.unlink()
    ROOT.joinpath(MANIFEST).unlink(missing_ok=True)


DIGESTS: dict[str, str] = {}
LIBRARY: list[str] = []


def _compiled_extensions() -> list:
    if not _BUILD_COMMANDS.intersection(sys.argv[1:]):
        return []
    if os.environ.get("POLICYTEXT_PURE_PYTHON") == "1":
        _remove_compiled_modules()
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        _warn("mypyc is not available")
        return []
    DIGESTS.update(_digests())
    # The build environment holds only the build requirements: the package's dependencies
    # (pandas, matplotlib …) are missing there, so mypy sees them as Any.  Only the compiled
    # modules must type-check here (CI's mypy run checks everything against the real packages).
    options = ["--follow-imports=silent", "--no-warn-unused-ignores"]
    try:
        extensions = mypycify([*options, *COMPILED_SOURCES], opt_level="3")
    except (Exception, SystemExit) as error:  # mypyc exits on a type error
        _warn(f"mypyc could not compile the modules ({error})")
        return []
    # the shared runtime library the compiled modules import by its top-level name
    LIBRARY.extend(ext.name for ext in extensions if ext.name.endswith("__mypyc"))
    return extensions


class OptionalBuildExt(build_ext):
    """A build_ext whose failure (no C compiler …) leaves the pure-Python package installable.

    The compiled modules share one mypyc runtime library: all of them are built or none is (a
    module whose runtime library is missing would fail to import), so a failure removes what
    was built already.  A success writes the manifest beside the compiled modules.
    """

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:
            for output in self.get_outputs():
                Path(output).unlink(missing_ok=True)
            if self.inplace:
                for ext in self.extensions:
                    Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            _warn(f"the compiled modules could not be built ({error})")
            return
        if self.extensions and DIGESTS:
            self._write_manifest()

    def _write_manifest(self) -> None:
        manifest = json.dumps({"sources": DIGESTS, "library": LIBRARY[0] if LIBRARY else None}, indent=1, sort_keys=True) + "\n"
        folders = [Path(self.build_lib)]
        if self.inplace:
            folders.append(ROOT)
        for folder in folders:
            target = folder / MANIFEST
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(manifest, encoding="utf-8")


setup(ext_modules=_compiled_extensions(), cmdclass={"build_ext": OptionalBuildExt})
