"""``policytext.report(...)``: analyse a plan (and its upper-level documents) and write the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from policytext._util import atomic_write_text
from policytext.errors import InputError
from policytext.model import PolicyDocument
from policytext.report import tables as T
from policytext.report.build import DocumentLike, Progress, ReportData, build_report_data
from policytext.report.outputs import check_distinct, check_file_target, check_folder_target, writing

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align import Alignment

FORMATS = ("html", "md")


def report(
    plan: DocumentLike | None = None,
    against: Sequence[DocumentLike] | DocumentLike = (),
    output: str | Path | None = None,
    *,
    format: str | None = None,
    xlsx: str | Path | None = None,
    csv_dir: str | Path | None = None,
    top_keywords: int = 20,
    keyword_method: str = "tfidf",
    agencies_by: str = "name",
    instruments: bool = True,
    alignment: Alignment | None = None,
    embed_font: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Write a report on ``plan`` and return the path of the written file.

    ``plan`` is a file path, a :class:`~policytext.model.PolicyDocument` or ``None`` for the
    bundled 潜江 plan.  ``against`` lists upper-level documents (paths or documents); when given,
    the report adds coverage, the alignment matrix, omitted upper tasks, local additions and a
    side-by-side view of each aligned pair.  A precomputed ``alignment`` can be passed instead.

    ``format`` is ``html`` (default; one self-contained file) or ``md``; when omitted it follows
    the suffix of ``output`` (``report.md`` → Markdown).  ``xlsx`` and ``csv_dir`` also export
    every table.  ``embed_font`` embeds the bundled Noto Sans SC, cut down to the characters the
    page uses, so that the HTML shows Chinese even where no CJK font is installed.
    ``instruments`` adds policy instruments (政策工具) and the PMC index (:mod:`policytext.instruments`).

    ``progress`` receives short messages on long steps (the library itself never prints).

    >>> import policytext, tempfile, pathlib
    >>> out = policytext.report(output=pathlib.Path(tempfile.mkdtemp()) / "r.html", embed_font=False)
    >>> out.name
    'r.html'
    """
    fmt = resolve_format(format, output)
    target = Path(output) if output is not None else Path(f"report.{fmt}")
    check_outputs(target, xlsx, csv_dir, fmt=fmt)  # before minutes of analysis, not after
    uppers = _as_list(against)
    options = {
        "format": fmt,
        "against": len(uppers),
        "top_keywords": top_keywords,
        "keyword_method": keyword_method,
        "agencies_by": agencies_by,
        "instruments": instruments,
        "embed_font": embed_font if fmt == "html" else False,
    }
    data = build_report_data(
        plan,
        uppers,
        alignment=alignment,
        top_keywords=top_keywords,
        keyword_method=keyword_method,
        agencies_by=agencies_by,
        instruments=instruments,
        progress=progress,
        options=options,
    )
    write_report(data, target, fmt=fmt, embed_font=embed_font, progress=progress)
    if xlsx is not None:
        T.write_xlsx(data.tables, xlsx)
    if csv_dir is not None:
        T.write_csv(data.tables, csv_dir)
    return target


def check_outputs(
    target: str | Path,
    xlsx: str | Path | None = None,
    csv_dir: str | Path | None = None,
    *,
    fmt: str = "html",
) -> None:
    """Refuse, before any work, outputs that cannot be written or that collide with each other."""
    check_file_target(target, "report output", f"report.{fmt}")
    if xlsx is not None:
        check_file_target(xlsx, "xlsx output", "tables.xlsx")
    if csv_dir is not None:
        check_folder_target(csv_dir, "CSV output")
    check_distinct({"report output": target, "xlsx output": xlsx, "CSV output": csv_dir})


def write_report(
    data: ReportData,
    target: Path,
    *,
    fmt: str = "html",
    embed_font: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Render ``data`` as ``fmt`` and write it atomically to ``target``."""
    if progress:
        progress(f"writing {target}")
    if fmt == "html":
        from policytext.report.html import render_html

        text = render_html(data, embed_font=embed_font)
    else:
        from policytext.report.markdown import render_markdown

        text = render_markdown(data)
    check_file_target(target, "report output", f"report.{fmt}")
    with writing(target, "report output"):
        return atomic_write_text(target, text)


def resolve_format(fmt: str | None, output: str | Path | None) -> str:
    """``fmt`` checked, or when ``None`` the format the suffix of ``output`` names (default html)."""
    if fmt is None:
        suffix = Path(output).suffix.lower() if output is not None else ""
        return "md" if suffix in (".md", ".markdown") else "html"
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt


def _as_list(against: Sequence[DocumentLike] | DocumentLike | None) -> list[DocumentLike]:
    if against is None:
        return []
    if isinstance(against, (str, Path, PolicyDocument)):
        return [against]
    return list(against)
