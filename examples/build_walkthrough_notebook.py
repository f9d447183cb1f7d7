"""Regenerate ``walkthrough.ipynb`` from ``walkthrough.py`` (the script is the source of truth).

Run ``python examples/build_walkthrough_notebook.py`` after editing the script;
``tests/test_notebook.py`` checks that both hold the same code.  Cells are split at ``# %%``
markers (``# %% [markdown]`` cells are comment lines); cell ids are stable so that the notebook
only changes when the script does.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent


def build(script: Path = HERE / "walkthrough.py", notebook: Path = HERE / "walkthrough.ipynb") -> None:
    source = script.read_text(encoding="utf-8")
    cells = []
    for number, block in enumerate(re.split(r"^# %%", source, flags=re.M)[1:]):
        header, _, body = block.partition("\n")
        body = body.strip("\n")
        if header.strip() == "[markdown]":
            text = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines()
            )
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell(body)
        cell["id"] = f"cell-{number:02d}"
        cells.append(cell)
    book = nbformat.v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    nbformat.validate(book)
    nbformat.write(book, notebook)


if __name__ == "__main__":
    build()
