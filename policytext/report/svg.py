"""Small hand-built SVG charts for the HTML report: bars, stacked bars and heatmaps.

Hand-built rather than matplotlib because the report needs text kept as text (selectable,
searchable, rendered in the reader's CJK font through CSS), hover titles on every cell, and
no dependency on a font being installed where the report is written.  Every piece of text is
XML-escaped here; the functions return :class:`markupsafe.Markup` so that the autoescaping
templates insert the SVG as is.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

#: Colours of the three roles (lead / support / unspecified), also used by policytext.plot.
ROLE_COLORS: dict[str, str] = {"lead": "#c0392b", "support": "#e59866", "unspecified": "#5d8aa8"}
ROLE_LABELS: dict[str, str] = {"lead": "牵头 lead", "support": "配合 support", "unspecified": "责任 named"}
BAR_COLOR = "#3b6ea5"
FONT_SIZE = 12


def esc(text: object) -> str:
    """XML-escape any value for use in SVG text or attributes."""
    return html.escape(str(text), quote=True)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: wide (CJK) characters take 1 em, others about 0.6 em."""
    width = 0.0
    for char in text:
        width += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.6
    return width * size


def _svg(width: float, height: float, body: list[str], title: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-size="{FONT_SIZE}">'
        f"<title>{esc(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_format: str = "{:.3g}",
    color: str = BAR_COLOR,
    bar_width: float = 260,
) -> Markup:
    """Horizontal bars, one per label, largest first as given."""
    return stacked_bars(
        labels,
        {"value": list(values)},
        colors={"value": color},
        title=title,
        value_format=value_format,
        legend=False,
        bar_width=bar_width,
    )


def stacked_bars(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    colors: Mapping[str, str],
    title: str,
    names: Mapping[str, str] | None = None,
    value_format: str = "{:g}",
    legend: bool = True,
    bar_width: float = 260,
) -> Markup:
    """Horizontal stacked bars: one row per label, one segment per series, the total at the end."""
    names = names or {}
    row_height, gap = 18, 4
    label_width = max((text_width(label) for label in labels), default=40) + 10
    legend_height = 22 if legend else 0
    totals = [sum(float(series[key][i]) for key in series) for i in range(len(labels))]
    largest = max(totals, default=0) or 1.0
    scale = bar_width / largest
    width = label_width + bar_width + 60
    height = legend_height + len(labels) * (row_height + gap) + gap
    body: list[str] = []
    if legend:
        x = 0.0
        for key in series:
            name = names.get(key, key)
            body.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{esc(colors[key])}"/>')
            body.append(f'<text x="{x + 16:.1f}" y="14">{esc(name)}</text>')
            x += 16 + text_width(name) + 18
    for i, row_label in enumerate(labels):
        y = legend_height + gap + i * (row_height + gap)
        body.append(
            f'<text x="{label_width - 6:.1f}" y="{y + row_height * 0.72:.1f}" text-anchor="end">{esc(row_label)}</text>'
        )
        x = label_width
        for key, values in series.items():
            value = float(values[i])
            if value <= 0:
                continue
            w = value * scale
            tip = f"{row_label} · {names.get(key, key)}: {value_format.format(value)}"
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{row_height}" '
                f'fill="{esc(colors[key])}"><title>{esc(tip)}</title></rect>'
            )
            x += w
        body.append(
            f'<text x="{x + 4:.1f}" y="{y + row_height * 0.72:.1f}" class="value">'
            f"{esc(value_format.format(totals[i]))}</text>"
        )
    return _svg(width, height, body, title)


def category_heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[str]],
    *,
    colors: Mapping[str, str],
    names: Mapping[str, str],
    title: str,
    cell: float = 18,
) -> Markup:
    """A grid whose cells are coloured by category (``""`` = empty), with a legend."""

    def paint(i: int, j: int) -> tuple[str, str] | None:
        value = cells[i][j]
        if not value:
            return None
        return colors.get(value, "#999999"), names.get(value, value)

    legend = [(names.get(key, key), color) for key, color in colors.items()]
    return _grid(rows, columns, paint, legend=legend, title=title, cell=cell)


def value_heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    *,
    title: str,
    vmax: float = 1.0,
    cell: float = 16,
    value_format: str = "{:.2f}",
) -> Markup:
    """A grid whose cells are shaded by a value in ``[0, vmax]`` (white to dark blue)."""

    def paint(i: int, j: int) -> tuple[str, str] | None:
        value = float(values[i][j])
        if value <= 0:
            return None
        return _blue(min(1.0, value / vmax if vmax else 0.0)), value_format.format(value)

    legend = [(f"{value_format.format(vmax * f)}", _blue(f)) for f in (0.25, 0.5, 0.75, 1.0)]
    return _grid(rows, columns, paint, legend=legend, title=title, cell=cell)


def _blue(fraction: float) -> str:
    """Interpolate from a pale to a dark blue."""
    low, high = (232, 240, 250), (16, 60, 120)
    r, g, b = (round(lo + (hi - lo) * fraction) for lo, hi in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _grid(
    rows: Sequence[str],
    columns: Sequence[str],
    paint: Callable[[int, int], tuple[str, str] | None],
    *,
    legend: Sequence[tuple[str, str]],
    title: str,
    cell: float,
) -> Markup:
    """Shared layout of both heatmaps: row labels left, column labels rotated on top."""
    row_label_width = max((text_width(r) for r in rows), default=40) + 10
    column_label_height = max((text_width(c) for c in columns), default=40) * 0.82 + 14
    legend_height = 24
    top = legend_height + column_label_height
    width = row_label_width + len(columns) * cell + column_label_height * 0.6 + 10
    width = max(width, sum(text_width(name) + 40 for name, _ in legend))
    height = top + len(rows) * cell + 6
    body: list[str] = []
    x = 0.0
    for name, color in legend:
        body.append(f'<rect x="{x:.1f}" y="4" width="12" height="12" fill="{esc(color)}" stroke="#ccc"/>')
        body.append(f'<text x="{x + 16:.1f}" y="14">{esc(name)}</text>')
        x += 16 + text_width(name) + 18
    for j, column in enumerate(columns):
        cx = row_label_width + j * cell + cell * 0.65
        body.append(
            f'<text x="{cx:.1f}" y="{top - 4:.1f}" transform="rotate(-55 {cx:.1f} {top - 4:.1f})">{esc(column)}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * cell
        body.append(
            f'<text x="{row_label_width - 6:.1f}" y="{y + cell * 0.72:.1f}" text-anchor="end">{esc(row)}</text>'
        )
        for j, column in enumerate(columns):
            x = row_label_width + j * cell
            painted = paint(i, j)
            if painted is None:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell}" height="{cell}" fill="#fafafa" stroke="#e4e4e4"/>'
                )
                continue
            color, note = painted
            tip = f"{row} × {column}: {note}"
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell}" height="{cell}" fill="{esc(color)}" '
                f'stroke="#ffffff"><title>{esc(tip)}</title></rect>'
            )
    return _svg(width, height, body, title)
