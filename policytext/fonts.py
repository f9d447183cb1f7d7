"""Chinese fonts for charts: find one, register it with matplotlib once, and subset it for HTML.

A fresh machine (a CI runner, a Docker image) often has no CJK font at all, and matplotlib then
draws every Chinese label as an empty box with a "Glyph … missing from font(s)" warning.  The
``pylopdf-fonts-zh-cn`` wheel, a dependency, ships Noto Sans SC under the SIL Open Font License,
so policytext always has a Simplified-Chinese font to hand.  When that wheel is absent we fall
back to an installed Noto Sans CJK SC, Source Han Sans SC or WenQuanYi.

Registration with matplotlib's font manager is process-level (that is how matplotlib works) but
idempotent; plots never mutate global ``rcParams``: they draw inside :func:`plot_context`.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Installed families tried, in order, when the bundled font is unavailable.
FALLBACK_FAMILIES: tuple[str, ...] = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

#: CSS font stack for HTML reports: text stays text, the reader's own CJK font is used.
CSS_FONT_STACK = (
    "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'PingFang SC', 'WenQuanYi Micro Hei', 'Hiragino Sans GB', sans-serif"
)

#: Family name under which a subset font is embedded in HTML (distinct from any installed font).
EMBEDDED_FAMILY = "policytext CJK"


@dataclass(frozen=True)
class CJKFont:
    """A usable Chinese font: its matplotlib family name and, when known, the file it lives in."""

    family: str
    path: Path | None
    bundled: bool


def bundled_font_path() -> Path | None:
    """Path of Noto Sans SC inside the ``pylopdf_fonts_zh_cn`` wheel, or ``None`` when not installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


@functools.lru_cache(maxsize=1)
def cjk_font() -> CJKFont | None:
    """The Chinese font plots use: the bundled Noto Sans SC (registered once), else an installed one.

    Returns ``None`` only when no CJK font exists at all; callers then still draw (Latin text is
    fine) and :func:`plot_context` keeps matplotlib's default family.
    """
    from matplotlib import font_manager

    path = bundled_font_path()
    if path is not None:
        known = {Path(entry.fname) for entry in font_manager.fontManager.ttflist}
        if path not in known:
            font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
        return CJKFont(family=family, path=path, bundled=True)
    installed = {entry.name: Path(entry.fname) for entry in font_manager.fontManager.ttflist}
    for family in FALLBACK_FAMILIES:
        if family in installed:
            return CJKFont(family=family, path=installed[family], bundled=False)
    return None


def font_families() -> list[str]:
    """Family list for matplotlib: the CJK font first, DejaVu Sans for any glyph it lacks."""
    font = cjk_font()
    families = [font.family] if font else []
    return [*families, "DejaVu Sans"]


def rc_params() -> dict[str, Any]:
    """rcParams that make Chinese labels render and keep SVG text as text."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": font_families(),
        "axes.unicode_minus": False,  # U+2212 is not in every CJK font
        "svg.fonttype": "none",
    }


@contextmanager
def plot_context() -> Iterator[None]:
    """Draw inside this block to get Chinese-capable fonts without touching global rcParams."""
    import matplotlib

    with matplotlib.rc_context(rc_params()):  # type: ignore[arg-type]
        yield


def subset_font_base64(text: str) -> str | None:
    """The bundled font cut down to the characters of ``text``, as base64 OpenType (for ``@font-face``).

    A report embeds only the glyphs it uses (a few hundred KB instead of 8 MB), so it renders
    Chinese correctly on a machine without any CJK font and still needs no network.  Returns
    ``None`` when the bundled font or fontTools is unavailable; the CSS stack then applies.
    """
    return _subset(str(bundled_font_path() or ""), "".join(sorted(set(text))))


@functools.lru_cache(maxsize=8)
def _subset(path: str, characters: str) -> str | None:
    """Cached by character set: a notebook or test session writing several reports subsets once."""
    if not path:
        return None
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:  # pragma: no cover - fontTools ships with matplotlib
        return None
    options = subset.Options()
    options.layout_features = []  # Chinese needs no shaping features; keeps the subset small and fast
    options.hinting = False  # browsers render CFF outlines without the hints
    options.notdef_outline = True
    font = TTFont(path, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    font.close()
    return base64.b64encode(buffer.getvalue()).decode("ascii")
