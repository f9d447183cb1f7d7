"""Two-dimensional instrument tables as policy-instrument papers print them, and their heatmap.

The usual table crosses instrument sub-type (rows, grouped by type) with a second axis: the
document's sections, the innovation-chain stage of each measure (基础研究 → 技术开发 → 成果转化
→ 产业化应用), the lead units, or any column of ``doc.measures_frame()``.  Cells count measures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from policytext.errors import ConfigurationError
from policytext.instruments.lexicon import LexiconClassifier, data_path
from policytext.instruments.result import InstrumentResult, MeasureInstruments
from policytext.model import Measure

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.axes import Axes

TOTAL = "合计"
OTHER_STAGE = "其他"
NO_SECTION = "（无章节）"

Axis = str | Callable[[Measure], Any]


@functools.lru_cache(maxsize=1)
def _stage_classifier() -> LexiconClassifier:
    import json

    data = json.loads(data_path("innovation_chain.json").read_text(encoding="utf-8"))
    lexicon = {
        "scheme": "innovation_chain",
        "threshold": 0.0,
        "types": [{"id": "stage", "subtypes": data["stages"]}],
    }
    return LexiconClassifier(lexicon)


def innovation_stages() -> list[str]:
    """The stages of the innovation chain, in order (from ``data/innovation_chain.json``)."""
    return [*_stage_classifier().lexicon.subtype_ids(), OTHER_STAGE]


def innovation_stage(measure: Measure | str) -> str:
    """The innovation-chain stage a measure mainly addresses (highest cue score; ``其他`` when none)."""
    from policytext.instruments.classify import heading_span, measure_body

    if isinstance(measure, str):
        text, heading = measure, None
    else:
        text = measure_body(measure)
        heading = heading_span(measure, text)
    best, best_score = OTHER_STAGE, 0.0
    for sub, score, _ in _stage_classifier().scores(text, heading):
        if score > best_score:
            best, best_score = sub.id, score
    return best


def _axis_values(
    coded: MeasureInstruments, by: Axis, document: str, frame_row: dict[str, Any] | None
) -> list[str]:
    measure = coded.measure
    if callable(by):
        value = by(measure)
        values = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
    elif by == "section":
        values = [measure.section or NO_SECTION]
    elif by == "stage":
        values = [innovation_stage(measure)]
    elif by == "document":
        values = [document]
    elif by == "lead_unit":
        units = measure.lead_units or measure.units
        values = [u.name for u in units] or ["（无单位）"]
    elif by == "unit_function":
        values = list(dict.fromkeys(u.function or "unknown" for u in measure.units)) or ["（无单位）"]
    elif frame_row is not None and by in frame_row:
        values = [frame_row[by]]
    else:
        raise ConfigurationError(
            f"unknown crosstab axis {by!r}: use section, stage, document, lead_unit, unit_function, "
            "a column of measures_frame(), or a function of the measure"
        )
    return [str(v) if v is not None and v == v else "—" for v in values]


def _row_keys(coded: MeasureInstruments, level: str, names: dict[str, str]) -> list[tuple[str, str]]:
    keys = []
    for label in coded.labels:
        type_name = names.get(label.type, label.type)
        if level == "type":
            keys.append((type_name, type_name))
        else:
            keys.append((type_name, label.subtype or type_name))
    return list(dict.fromkeys(keys))


def crosstab(
    results: InstrumentResult | Sequence[InstrumentResult],
    by: Axis = "section",
    *,
    level: str = "subtype",
    normalize: str | None = None,
    margins: bool = True,
    empty_rows: bool = True,
) -> pd.DataFrame:
    """Instrument (sub-)type × second axis: the number of measures in each cell.

    ``by``: ``"section"`` (top-level headings), ``"stage"`` (innovation chain), ``"document"``
    (several results side by side), ``"lead_unit"``, ``"unit_function"``, any column of
    ``doc.measures_frame()``, or a function ``measure -> value(s)``.  ``level``: ``"subtype"``
    (rows indexed by (type, sub-type)) or ``"type"``.  ``normalize``: ``None`` (counts),
    ``"all"``, ``"index"`` (row shares) or ``"columns"`` (column shares).  ``margins`` adds
    合计 (totals: distinct measures per column / row).  ``empty_rows`` keeps every sub-type of
    the scheme, as papers print the full typology.

    >>> import policytext
    >>> from policytext.instruments import classify, crosstab
    >>> table = crosstab(classify(policytext.corpora.load("qianjiang_2025")), by="section")
    >>> table.index.names
    FrozenList(['type', 'subtype'])
    """
    import pandas as pd

    if level not in ("subtype", "type"):
        raise ConfigurationError(f"level must be 'subtype' or 'type', got {level!r}")
    if normalize not in (None, "all", "index", "columns"):
        raise ConfigurationError(f"normalize must be None, 'all', 'index' or 'columns', got {normalize!r}")
    items = [results] if isinstance(results, InstrumentResult) else list(results)
    if not items:
        raise ConfigurationError("crosstab needs at least one instrument result")
    names: dict[str, str] = {}
    order: list[tuple[str, str]] = []
    for result in items:
        names.update(result.type_names)
        for type_id, subtype in result.taxonomy:
            type_name = result.type_names.get(type_id, type_id)
            order.append((type_name, type_name) if level == "type" else (type_name, subtype))
    records: list[tuple[tuple[str, str], str, tuple[str, int]]] = []
    columns: list[str] = []
    for result in items:
        use_frame = isinstance(by, str) and by not in (
            "section",
            "stage",
            "document",
            "lead_unit",
            "unit_function",
        )
        frame_rows = result.document.measures_frame().to_dict(orient="records") if use_frame else None
        for coded in result.measures:
            row = frame_rows[coded.index] if frame_rows and coded.index < len(frame_rows) else None
            values = _axis_values(coded, by, result.document.name, row if use_frame else None)
            columns.extend(values)
            for key in _row_keys(coded, level, names):
                for value in values:
                    records.append((key, value, (result.document.name, coded.index)))
    columns = list(dict.fromkeys(columns))
    if by == "stage":
        columns = [c for c in innovation_stages() if c in columns]
    rows = list(dict.fromkeys([*(order if empty_rows else []), *(key for key, _, _ in records)]))
    counts = pd.DataFrame(
        0, index=pd.MultiIndex.from_tuples(rows, names=["type", "subtype"]), columns=columns
    )
    for key, value, _ in records:
        counts.loc[key, value] += 1
    if level == "type":
        counts = counts.droplevel("subtype")
        counts.index.name = "type"
    if margins:
        counts[TOTAL] = _row_totals(records, counts.index, level)
        column_totals = {c: len({m for _, v, m in records if v == c}) for c in columns}
        column_totals[TOTAL] = len({m for _, _, m in records})
        total_key: Any = TOTAL if level == "type" else (TOTAL, "")
        counts.loc[total_key, :] = pd.Series(column_totals)
        counts = counts.astype(int)
    if normalize is not None:
        counts = _normalized(counts, normalize, margins)
    counts.columns.name = by if isinstance(by, str) else "axis"
    return counts


def _row_totals(records: list[Any], index: Any, level: str) -> list[int]:
    """Distinct measures per row (a measure in two columns counts once in 合计)."""
    totals = []
    for key in index:
        wanted = key if level == "subtype" else None
        measures = {m for k, _, m in records if (k == wanted if wanted is not None else k[0] == key)}
        totals.append(len(measures))
    return totals


def _normalized(counts: pd.DataFrame, how: str, margins: bool) -> pd.DataFrame:
    body = counts
    if margins:
        total_row = counts.index[-1]
        body = counts.drop(index=total_row).drop(columns=TOTAL)
    if how == "all":
        total = body.to_numpy().sum()
        return body / total if total else body.astype(float)
    if how == "index":
        sums = body.sum(axis=1).replace(0, 1)
        return body.div(sums, axis=0)
    sums = body.sum(axis=0).replace(0, 1)
    return body.div(sums, axis=1)


def _flat_labels(index: Any) -> list[str]:
    labels = []
    for key in index:
        if isinstance(key, tuple):
            type_name, subtype = key
            labels.append(str(type_name) if subtype in ("", type_name) else f"{type_name} · {subtype}")
        else:
            labels.append(str(key))
    return labels


def plot_crosstab(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    cmap: str = "Blues",
    annotate: bool = True,
    title: str | None = "政策工具 × 维度 Instruments",
) -> Axes:
    """Heatmap of a :func:`crosstab` table (合计 row and column are left out); returns the Axes."""
    import numpy as np

    from policytext.fonts import font_families, plot_context

    body = table
    if TOTAL in body.columns:
        body = body.drop(columns=TOTAL)
    totals = [key for key in body.index if key == TOTAL or (isinstance(key, tuple) and key[0] == TOTAL)]
    if totals:
        body = body.drop(index=totals)
    values = body.to_numpy(dtype=float) if body.size else np.zeros((1, 1))
    with plot_context():
        if ax is None:
            import matplotlib.pyplot as plt

            size = (
                min(24.0, 3.5 + 0.9 * max(1, body.shape[1])),
                min(30.0, 1.5 + 0.38 * max(1, body.shape[0])),
            )
            _, ax = plt.subplots(figsize=size, layout="constrained")
        image = ax.imshow(values, cmap=cmap, aspect="auto", vmin=0)
        ax.set_xticks(range(body.shape[1]), [_short(str(c)) for c in body.columns], rotation=40, ha="right")
        ax.set_yticks(range(body.shape[0]), _flat_labels(body.index))
        if annotate and body.size:
            peak = values.max() or 1.0
            integer = bool(np.all(np.mod(values, 1) == 0))
            for (row, column), value in np.ndenumerate(values):
                text = f"{int(value)}" if integer else f"{value:.2f}"
                color = "white" if value > 0.6 * peak else "black"
                ax.text(column, row, text, ha="center", va="center", fontsize=8, color=color)
        if title:
            ax.set_title(title)
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
        families = font_families()
        for artist in [ax.title, *ax.get_xticklabels(), *ax.get_yticklabels(), *ax.texts]:
            artist.set_fontfamily(families)
    return ax


def _short(label: str, width: int = 14) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"
