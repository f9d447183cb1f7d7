"""Rebuild ``docs/benchmarks.md`` from its summary and the per-topic pages in ``docs/bench/``.

    python scripts/build_benchmarks_page.py [--check]

The summary (everything before the first ``---`` line of ``docs/benchmarks.md``) is kept as it
is; each page of ``PAGES`` follows it, one heading level deeper (``#`` → ``##``; lines inside
code fences are left alone), separated by ``---``.  ``--check`` exits 1 if the page is out of
date instead of writing it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = (
    "parse",
    "structure-gold",
    "structure-review-fixes",
    "normalize-review",
    "io",
    "agencies",
    "segment_keywords",
    "align",
    "batch",
    "report",
    "instruments",
    "hardening",
)
SEPARATOR = "\n\n---\n\n"


def demote_headings(markdown: str) -> str:
    """One ``#`` more on every heading line outside code fences."""
    lines = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def build(docs: Path = DOCS) -> str:
    summary = (docs / "benchmarks.md").read_text(encoding="utf-8").split("\n---\n", 1)[0].rstrip("\n")
    sections = [demote_headings((docs / "bench" / f"{name}.md").read_text(encoding="utf-8").strip("\n")) for name in PAGES]
    return SEPARATOR.join([summary, *sections]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/benchmarks.md is out of date")
    args = parser.parse_args()
    page = build()
    target = DOCS / "benchmarks.md"
    if args.check:
        return 0 if target.read_text(encoding="utf-8") == page else 1
    target.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
