"""``policytext.report(...)``: analyse a plan (and its upper-level documents) and write the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policytext._util import (
    atomic_write_text,
    check_distinct,
    check_file_target,
    check_folder_target,
    writing,
)
from policytext.errors import InputError, OutputError
from policytext.model import PolicyDocument
from policytext.report import tables as T
from policytext.report.build import DocumentLike, Progress, ReportData, build_report_data

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align import Alignment

FORMATS = ("html", "md")
#: The suffixes of report files and the format each names.
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@dataclass(frozen=True)
class ReportOutputs:
    """Where a report and its exports go, checked by :func:`check_outputs` (format settled)."""

    target: Path
    format: str
    xlsx: Path | None = None
    csv_dir: Path | None = None


def report(
    plan: DocumentLike | None = None,
    against: Sequence[DocumentLike] | DocumentLike = (),
    output: str | Path | ReportOutputs | None = None,
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
    the suffix of ``output`` (``.html``/``.htm`` → HTML, ``.md`` → Markdown).  Another suffix
    (``r.pdf``), or one that contradicts ``format``, is an :class:`~policytext.errors.OutputError`
    before any work.  ``xlsx`` and ``csv_dir`` also export every table.  ``output`` may also be
    the :class:`ReportOutputs` of :func:`check_outputs` (the command line checks its outputs
    before reading any document); ``format``, ``xlsx`` and ``csv_dir`` are then left out.  ``embed_font`` embeds the bundled Noto Sans SC, cut down to the characters the
    page uses, so that the HTML shows Chinese even where no CJK font is installed.
    ``instruments`` adds policy instruments (政策工具) and the PMC index (:mod:`policytext.instruments`).

    ``progress`` receives short messages on long steps (the library itself never prints).

    >>> import policytext, tempfile, pathlib
    >>> out = policytext.report(output=pathlib.Path(tempfile.mkdtemp()) / "r.html", embed_font=False)
    >>> out.name
    'r.html'
    """
    if isinstance(output, ReportOutputs):
        if format is not None or xlsx is not None or csv_dir is not None:
            raise InputError("give format, xlsx and csv_dir to check_outputs, not beside its result")
        outputs = output
    else:
        outputs = check_outputs(output, xlsx, csv_dir, format=format)  # before minutes of analysis
    fmt, target = outputs.format, outputs.target
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
    if outputs.xlsx is not None:
        T.save_xlsx(data.tables, outputs.xlsx)
    if outputs.csv_dir is not None:
        T.save_csv(data.tables, outputs.csv_dir)
    return target


def check_outputs(
    output: str | Path | None,
    xlsx: str | Path | None = None,
    csv_dir: str | Path | None = None,
    *,
    format: str | None = None,
) -> ReportOutputs:
    """Settle the format and refuse, before any work, outputs that cannot be written or that
    collide with each other (``output`` ``None``: ``report.html`` or ``report.md``)."""
    fmt = resolve_format(format, output)
    target = check_file_target(
        output if output is not None else f"report.{fmt}", "report output", f"report.{fmt}"
    )
    xlsx_target = None
    if xlsx is not None:
        _check_xlsx_suffix(xlsx)
        xlsx_target = check_file_target(xlsx, "xlsx output", "tables.xlsx")
    csv_target = check_folder_target(csv_dir, "CSV output") if csv_dir is not None else None
    check_distinct({"report output": target, "xlsx output": xlsx_target, "CSV output": csv_target})
    return ReportOutputs(target, fmt, xlsx_target, csv_target)


def write_report(
    data: ReportData,
    target: Path,
    *,
    fmt: str = "html",
    embed_font: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Render ``data`` as ``fmt`` and write it atomically to ``target`` (checked by :func:`check_outputs`)."""
    if progress:
        progress(f"writing {target}")
    if fmt == "html":
        from policytext.report.html import render_html

        text = render_html(data, embed_font=embed_font)
    else:
        from policytext.report.markdown import render_markdown

        text = render_markdown(data)
    with writing(target, "report output"):
        return atomic_write_text(target, text)


def resolve_format(fmt: str | None, output: str | Path | None) -> str:
    """``fmt`` checked, or when ``None`` the format the suffix of ``output`` names (default html).

    A suffix that names no report format (``r.pdf`` would get HTML inside) or another format
    than ``fmt`` is refused: the reader's program opens the file by its suffix.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
    suffix = _file_type(output)
    if not suffix:
        return fmt or "html"
    named = SUFFIX_FORMATS.get(suffix)
    if named is None:
        raise OutputError(
            f"a {suffix} file is not a report format: name it .html/.htm (HTML) or .md (Markdown)",
            output,
        )
    if fmt is not None and fmt != named:
        raise OutputError(f"the {suffix} suffix names the {named} format, not {fmt}", output)
    return named


def _file_type(path: str | Path | None) -> str:
    """The suffix of ``path`` when it names a file type (letters: ``.pdf``, ``.md``), else ``""``:
    ``report_1.0`` or ``plan.v2`` carry a version, not a type, and get the default format."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    return suffix if suffix[1:].isascii() and suffix[1:].isalpha() else ""


def _check_xlsx_suffix(xlsx: str | Path) -> None:
    """``--xlsx tables.csv`` would write a workbook that a reader's program opens as text."""
    suffix = _file_type(xlsx)
    if suffix and suffix != ".xlsx":
        raise OutputError(f"a {suffix} file is not a workbook: name it .xlsx", xlsx)


def _as_list(against: Sequence[DocumentLike] | DocumentLike | None) -> list[DocumentLike]:
    if against is None:
        return []
    if isinstance(against, (str, Path, PolicyDocument)):
        return [against]
    return list(against)
