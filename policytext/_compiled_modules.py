"""The modules that ``setup.py`` compiles with mypyc: the front of the pipeline.

Kept in a file of its own, with no imports, because the build reads it before the package can
be imported.  Paths are relative to the project root, in the order mypyc is given them.
"""

#: Written by the build beside the compiled modules: the SHA-256 of each source it compiled.
MANIFEST = "policytext/_compiled_build.json"

COMPILED_SOURCES = (
    "policytext/normalize.py",
    "policytext/structure/__init__.py",
    "policytext/structure/clauses.py",
    "policytext/structure/extract.py",
    "policytext/structure/header.py",
    "policytext/structure/numbers.py",
    "policytext/structure/outline.py",
    "policytext/structure/toc.py",
)
