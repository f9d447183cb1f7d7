"""Notebook plots: they return Axes, draw the right data, and render Chinese without glyph warnings."""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import policytext
from policytext import fonts, plot
from policytext.report import tables as T

EXTRACTS = "national/extracts"


@contextmanager
def no_font_trouble() -> Iterator[list[str]]:
    """Collect every warning and matplotlib log record; the caller asserts none is about fonts."""
    messages: list[str] = []
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("matplotlib")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # font_manager reports "findfont: Font family … not found" here
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield messages
        messages.extend(str(w.message) for w in caught)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        messages.extend(stream.getvalue().splitlines())


def font_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from" in m or "Glyph" in m or "findfont" in m]


def render(ax) -> bytes:
    """Draw to PNG and to SVG (outside any policytext context), as a user would."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=50)
    ax.figure.savefig(io.BytesIO(), format="svg")
    plt.close(ax.figure)
    return buffer.getvalue()


def test_bundled_font_is_found_and_registered_once() -> None:
    from matplotlib import font_manager

    font = fonts.cjk_font()
    assert font is not None and font.bundled and font.family == "Noto Sans SC"
    assert font.path is not None and font.path.suffix == ".otf"
    fonts.cjk_font.cache_clear()
    again = fonts.cjk_font()
    assert again == font
    registered = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == font.path]
    assert len(registered) == 1


def test_plot_context_does_not_touch_global_rcparams() -> None:
    before = dict(matplotlib.rcParams)
    with fonts.plot_context():
        assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans SC"
        assert matplotlib.rcParams["svg.fonttype"] == "none"
    assert dict(matplotlib.rcParams) == before


def test_font_subset_covers_the_text_and_is_small() -> None:
    import base64

    from fontTools.ttLib import TTFont

    encoded = fonts.subset_font_base64("责任矩阵措施一览 Report 2025")
    assert encoded is not None
    data = base64.b64decode(encoded)
    assert len(data) < 200_000
    cmap = TTFont(io.BytesIO(data)).getBestCmap()
    assert all(ord(c) in cmap for c in "责任矩阵措施一览R2")
    assert ord("国") not in cmap


def test_chinese_labels_render_without_glyph_warnings(plan) -> None:
    with no_font_trouble() as messages:
        ax = plot.responsibility_heatmap(plan)
        render(ax)
    assert font_problems(messages) == []
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "市科技局" in labels
    assert all("Noto Sans SC" in t.get_fontfamily() for t in ax.get_xticklabels())


def test_default_matplotlib_would_warn_so_the_check_can_fail() -> None:
    """Without our font, DejaVu Sans lacks CJK glyphs: the detector sees the warning."""
    with no_font_trouble() as messages:
        with matplotlib.rc_context({"font.family": "DejaVu Sans"}):
            fig, ax = plt.subplots()
            ax.set_title("责任矩阵")
            fig.canvas.draw()
        plt.close(fig)
    assert font_problems(messages), "expected a missing-glyph warning from DejaVu Sans"


def test_responsibility_heatmap_encodes_roles(plan) -> None:
    ax = plot.responsibility_heatmap(plan)
    image = ax.images[0].get_array()
    matrix = T.responsibility_matrix(plan)
    assert image.shape == matrix.shape
    assert int((np.asarray(image) > 0).sum()) == int((matrix != "").to_numpy().sum())
    plt.close(ax.figure)


def test_agency_load_bars_sum_to_measures(plan) -> None:
    with no_font_trouble() as messages:
        ax = plot.agency_load(plan, top=8)
        render(ax)
    assert font_problems(messages) == []
    load = T.agency_load(plan).head(8)
    widths = np.zeros(8)
    for patch in ax.patches:
        row = round(patch.get_y() + patch.get_height() / 2)
        widths[row] += patch.get_width()
    assert list(widths) == list(load[["lead", "support", "unspecified"]].sum(axis=1).astype(float))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(load["agency"])


def test_keyword_bars_from_a_frame_and_existing_axes() -> None:
    frame = pd.DataFrame({"term": ["产教融合", "科技成果转化", "人才"], "score": [0.2, 0.5, 0.1]})
    _, existing = plt.subplots()
    with no_font_trouble() as messages:
        ax = plot.keyword_bars(frame, ax=existing, top=2)
        render(ax)
    assert ax is existing
    assert [t.get_text() for t in ax.get_yticklabels()] == ["科技成果转化", "产教融合"]
    assert font_problems(messages) == []


@pytest.mark.slow
def test_keyword_bars_from_the_plan(plan) -> None:
    ax = plot.keyword_bars(plan, top=10)
    assert len(ax.patches) == 10
    plt.close(ax.figure)


@pytest.fixture(scope="module")
def alignment(shared: Path):
    from policytext.align import align

    plan = policytext.corpora.load("qianjiang_2025")
    return align(plan, [policytext.read(p) for p in sorted((shared / EXTRACTS).glob("*.txt"))])


@pytest.mark.shared
@pytest.mark.slow
def test_coverage_and_alignment_plots(alignment) -> None:
    with no_font_trouble() as messages:
        ax = plot.coverage_bars(alignment)
        render(ax)
        heat = plot.alignment_heatmap(alignment)
        render(heat)
    assert font_problems(messages) == []
    frame = alignment.coverage_frame()
    assert [round(p.get_width(), 6) for p in ax.patches] == [round(v * 100, 6) for v in frame["coverage"]]
    assert heat.images[0].get_array().shape == T.alignment_matrix(alignment).shape


def test_alignment_heatmap_with_repeated_upper_labels() -> None:
    """An upper document numbering several items （一）: one column per unit, scores in place."""
    fixtures = Path(__file__).resolve().parent / "fixtures" / "report"
    plan = policytext.read(fixtures / "repeated_labels_plan.txt")
    upper = policytext.read(fixtures / "repeated_labels_upper.txt")
    alignment = policytext.align(plan, upper)
    heat = plot.alignment_heatmap(alignment)
    values = np.asarray(heat.images[0].get_array())
    columns = T.alignment_columns(alignment)
    assert values.shape == (len(alignment.lower_units), len(columns))
    ticks = [t.get_text() for t in heat.get_xticklabels()]
    assert len(set(ticks)) == len(ticks)
    position = {(c.doc, c.index): i for i, c in enumerate(columns)}
    for row, match in enumerate(alignment.matches):
        assert alignment.lower_units[row].index == match.lower.index  # one match per lower measure
        assert values[row, position[(match.upper.doc, match.upper.index)]] == pytest.approx(match.score)
    plt.close("all")


def test_responsibility_heatmap_with_a_repeated_measure_heading() -> None:
    """An annex repeating a measure heading: a row per measure, each with its own roles."""
    doc = policytext.read(
        Path(__file__).resolve().parent / "fixtures" / "report" / "repeated_measure_plan.txt"
    )
    ax = plot.responsibility_heatmap(doc)
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert len(rows) == len(set(rows)) == len(doc.measures)
    codes = np.asarray(ax.images[0].get_array())
    roles = list(plot.ROLE_COLORS)
    agencies = [t.get_text() for t in ax.get_xticklabels()]
    lead, support = roles.index("lead") + 1, roles.index("support") + 1
    assert codes[2, agencies.index("区教育局")] == lead and codes[2, agencies.index("区财政局")] == support
    assert codes[0, agencies.index("区财政局")] == 0
    plt.close("all")
