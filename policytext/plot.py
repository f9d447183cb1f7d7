"""Matplotlib charts for notebooks: responsibilities, agency load, keywords, coverage, alignment.

Every function draws on ``ax`` (or a new figure) and returns the ``Axes`` so that it can be
styled further.  Drawing happens inside :func:`policytext.fonts.plot_context`, which selects a
Chinese-capable font (the bundled Noto Sans SC) without changing global ``rcParams``; the
chosen family is also set on every label, so the figure renders the same when it is saved or
redrawn later outside that context.

>>> import policytext
>>> doc = policytext.corpora.load("qianjiang_2025")
>>> ax = policytext.plot.agency_load(doc, top=10)
>>> ax.get_title()
'单位任务量 Agency load'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext.fonts import font_families, plot_context
from policytext.model import PolicyDocument
from policytext.report import tables as T
from policytext.report.svg import ROLE_COLORS, ROLE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from policytext.align import Alignment

__all__ = ["agency_load", "alignment_heatmap", "coverage_bars", "keyword_bars", "responsibility_heatmap"]


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _fix_fonts(ax: Axes) -> None:
    """Pin the CJK family on every text of the axes (survives drawing outside the context)."""
    families = font_families()
    texts = [
        ax.title,
        ax.xaxis.label,
        ax.yaxis.label,
        *ax.get_xticklabels(),
        *ax.get_yticklabels(),
        *ax.texts,
    ]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    for text in texts:
        text.set_fontfamily(families)


def _size(
    rows: int, columns: int = 1, *, cell: float = 0.28, base: tuple[float, float] = (4.0, 2.0)
) -> tuple[float, float]:
    return (min(24.0, base[0] + columns * cell), min(30.0, base[1] + rows * cell))


def responsibility_heatmap(doc: PolicyDocument, *, by: str = "name", ax: Axes | None = None) -> Axes:
    """Measures × agencies, coloured by role: 牵头 lead, 配合 support, or named without a role."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    matrix = T.responsibility_matrix(doc, by=by)
    roles = list(ROLE_COLORS)
    codes = matrix.apply(lambda column: column.map(lambda v: roles.index(v) + 1 if v else 0)).to_numpy(
        dtype=float
    )
    with plot_context():
        ax = _axes(ax, _size(len(matrix.index), len(matrix.columns), base=(5.0, 2.5)))
        cmap = ListedColormap(["#f7f7f7", *ROLE_COLORS.values()])
        ax.imshow(
            codes if codes.size else np.zeros((1, 1)), cmap=cmap, vmin=0, vmax=len(roles), aspect="auto"
        )
        ax.set_xticks(range(len(matrix.columns)), [str(c) for c in matrix.columns], rotation=60, ha="right")
        ax.set_yticks(range(len(matrix.index)), list(matrix.index))
        ax.set_xticks(np.arange(-0.5, len(matrix.columns), 1), minor=True)
        ax.set_yticks(np.arange(-0.5, len(matrix.index), 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="minor", length=0)
        present = [r for r in roles if (matrix == r).to_numpy().any()]
        handles = [Patch(color=ROLE_COLORS[r], label=ROLE_LABELS[r]) for r in present]
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        ax.set_title("责任矩阵 Responsibility matrix")
        _fix_fonts(ax)
    return ax


def agency_load(
    doc: PolicyDocument, *, by: str = "name", top: int | None = None, ax: Axes | None = None
) -> Axes:
    """Horizontal stacked bars: for each agency, measures it leads, supports or is named in."""
    load = T.agency_load(doc, by=by)
    if top:
        load = load.head(top)
    with plot_context():
        ax = _axes(ax, _size(len(load), base=(7.0, 1.5)))
        positions = np.arange(len(load))
        left = np.zeros(len(load))
        for role, color in ROLE_COLORS.items():
            values = load[role].to_numpy(dtype=float)
            if values.sum() == 0:
                continue
            ax.barh(positions, values, left=left, color=color, label=ROLE_LABELS[role])
            left += values
        ax.set_yticks(positions, list(load["agency"]))
        ax.invert_yaxis()
        ax.set_xlabel("措施数 measures")
        ax.legend(loc="lower right", frameon=False)
        ax.set_title("单位任务量 Agency load")
        _fix_fonts(ax)
    return ax


def keyword_bars(
    data: PolicyDocument | pd.DataFrame,
    *,
    top: int = 20,
    method: str = "tfidf",
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Bars of keyword scores: from a document (computed here) or a frame from ``policytext.keywords``."""
    if isinstance(data, PolicyDocument):
        from policytext.keywords import keywords

        frame = keywords(data, top=top, method=method, by="document")
    else:
        frame = data
    frame = frame.sort_values("score", ascending=False, kind="stable").head(top)
    with plot_context():
        ax = _axes(ax, _size(len(frame), base=(6.0, 1.2)))
        positions = np.arange(len(frame))
        ax.barh(positions, frame["score"].to_numpy(dtype=float), color="#3b6ea5")
        ax.set_yticks(positions, [str(t) for t in frame["term"]])
        ax.invert_yaxis()
        ax.set_xlabel("权重 score")
        ax.set_title(title or "关键词 Keywords")
        _fix_fonts(ax)
    return ax


def coverage_bars(alignment: Alignment, *, sections: bool = True, ax: Axes | None = None) -> Axes:
    """Share of each upper document (and, with ``sections``, of each section) taken up locally."""
    frame = alignment.coverage_frame()
    if not sections:
        frame = frame[frame["section"].isna()]
    labels = [
        str(row.upper_doc) if not isinstance(row.section, str) or not row.section else f"  {row.section}"
        for row in frame.itertuples(index=False)
    ]
    with plot_context():
        ax = _axes(ax, _size(len(frame), base=(7.0, 1.2)))
        positions = np.arange(len(frame))
        colors = [
            "#1f3b5c" if label == str(doc) else "#7da3c8"
            for label, doc in zip(labels, frame["upper_doc"], strict=True)
        ]
        ax.barh(positions, frame["coverage"].to_numpy(dtype=float) * 100, color=colors)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("覆盖率 coverage (%)")
        ax.set_title("上级任务覆盖 Coverage of upper-level tasks")
        _fix_fonts(ax)
    return ax


def alignment_heatmap(alignment: Alignment, *, ax: Axes | None = None, cmap: str = "Blues") -> Axes:
    """Lower measures × upper units, shaded by the best match score.

    Upper documents are abbreviated U1, U2 … in the column labels and named under the axis, so
    that the numbering path (``（一）#4`` when a label repeats) stays readable.
    """
    matrix = T.alignment_matrix(alignment)
    columns = T.alignment_columns(alignment)
    keys: dict[int, str] = {}
    names: dict[str, str] = {}
    for column in columns:
        key = keys.setdefault(column.doc, f"U{len(keys) + 1}")
        names.setdefault(key, column.doc_name)
    with plot_context():
        ax = _axes(ax, _size(len(matrix.index), len(matrix.columns), cell=0.3, base=(6.0, 3.0)))
        values = matrix.to_numpy(dtype=float) if matrix.size else np.zeros((1, 1))
        image = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
        ticks = [f"{keys[c.doc]} {c.label}" for c in columns]
        ax.set_xticks(range(len(columns)), _short(ticks), rotation=60, ha="right")
        ax.set_yticks(range(len(matrix.index)), _short(matrix.index))
        ax.set_xlabel("; ".join(f"{key} = {_short([name], 30)[0]}" for key, name in names.items()))
        colorbar = ax.figure.colorbar(image, ax=ax, shrink=0.6)
        colorbar.set_label("相似度 score", fontfamily=font_families())
        ax.set_title("对照矩阵 Alignment matrix")
        _fix_fonts(ax)
    return ax


#: A trailing ``#n`` that makes a repeated label unique: kept when a label is shortened.
_NUMBER_SUFFIX = re.compile(r"\s?#\d+$")


def _short(labels: Sequence[Any], width: int = 22) -> list[str]:
    """Labels cut to ``width`` characters, keeping a trailing ``#n`` (labels stay distinct)."""
    out = []
    for label in map(str, labels):
        if len(label) <= width:
            out.append(label)
            continue
        found = _NUMBER_SUFFIX.search(label)
        suffix = found.group(0) if found else ""
        out.append(label[: max(1, width - 1 - len(suffix))] + "…" + suffix)
    return out
