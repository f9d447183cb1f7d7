"""Gather everything a report shows into one :class:`ReportData`, whatever the output format.

The HTML and Markdown writers only lay out what is here; they compute nothing themselves, so
the two formats and the spreadsheet exports can never disagree.
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import pandas as pd

from policytext._util import plural, sha256_bytes
from policytext.errors import InputError
from policytext.model import PolicyDocument
from policytext.report import tables as T

if TYPE_CHECKING:  # pragma: no cover
    from policytext.align import Alignment

#: What ``plan`` / ``against`` accept: a file path or an already parsed document.
DocumentLike = Union[str, Path, PolicyDocument]  # noqa: UP007 - a runtime alias on Python 3.10
#: A progress callback: the library never prints, the CLI passes one that writes to stderr.
Progress = Callable[[str], None]

BUNDLED_PLAN = "qianjiang_2025"


@dataclass(frozen=True)
class InputFile:
    """One input of the report, for the provenance footer."""

    role: str  # "plan" or "upper"
    name: str
    path: str
    sha256: str


@dataclass
class ReportData:
    """Everything a report shows, computed once."""

    doc: PolicyDocument
    uppers: list[PolicyDocument]
    alignment: Alignment | None
    tables: dict[str, pd.DataFrame]
    inputs: list[InputFile]
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    overview: list[str] = field(default_factory=list)
    pmc: dict[str, Any] = field(default_factory=dict)
    generated: str = ""
    version: str = ""
    python: str = ""


def load_document(item: DocumentLike | None) -> PolicyDocument:
    """A path is read with :func:`policytext.read`; ``None`` is the bundled 潜江 plan."""
    if isinstance(item, PolicyDocument):
        return item
    if item is None:
        from policytext import corpora

        return corpora.load(BUNDLED_PLAN)
    if isinstance(item, (str, Path)):
        from policytext import read

        return read(item)
    raise InputError(f"cannot report on a {type(item).__name__}: give a file path or a PolicyDocument")


def bundled_uppers() -> list[DocumentLike]:
    """Bundled documents of a higher level than the bundled plan (national, provincial).

    The default ``policytext report`` aligns the bundled plan with these; today the bundled
    corpus holds only the plan, so the default report has no alignment section.
    """
    from policytext import corpora

    return [
        entry.file
        for entry in corpora.entries()
        if entry.name != BUNDLED_PLAN and entry.level in _UPPER_LEVELS
    ]


_UPPER_LEVELS = ("national", "provincial")


def input_file(doc: PolicyDocument, role: str) -> InputFile:
    """Provenance of one input: its path and SHA-256 (of the text itself when there is no file)."""
    path = doc.source.path or "(in memory)"
    if doc.source.record is not None:
        path = f"{path}#{doc.source.record}"
    digest = doc.source.sha256 or sha256_bytes(doc.text.encode("utf-8"))
    return InputFile(role=role, name=doc.name, path=path, sha256=digest)


def build_report_data(
    plan: DocumentLike | None = None,
    against: Sequence[DocumentLike] = (),
    *,
    alignment: Alignment | None = None,
    top_keywords: int = 20,
    keyword_method: str = "tfidf",
    agencies_by: str = "name",
    instruments: bool = True,
    progress: Progress | None = None,
    options: dict[str, Any] | None = None,
) -> ReportData:
    """Read the inputs, run keywords and alignment, and build every table."""
    from policytext import __version__

    say = progress or (lambda message: None)
    if top_keywords < 1:
        raise InputError(f"top_keywords must be at least 1, not {top_keywords}")
    if not isinstance(plan, PolicyDocument):
        say("reading the plan" if plan is None else f"reading {plan}")
    doc = load_document(plan)
    if plan is None and not against and alignment is None:
        against = bundled_uppers()
    uppers = []
    for item in against:
        say(f"reading {item if not isinstance(item, PolicyDocument) else item.name}")
        uppers.append(load_document(item))
    notes: list[str] = []
    if not doc.measures:
        notes.append("No measures were found in the plan: the measure and responsibility sections are empty.")
    say("extracting keywords")
    keyword_frames = _keywords(doc, top_keywords, keyword_method, notes)
    if alignment is None and uppers:
        say(f"aligning against {plural(len(uppers), 'upper-level document')}")
        from policytext.align import align

        alignment = align(doc, uppers)
    if alignment is None:
        notes.append(
            "No upper-level documents were given, so coverage and alignment are omitted. "
            "Add them with `policytext report PLAN --against UPPER.txt …` "
            "or `policytext.report(plan, against=[...])`."
        )
    say("building tables")
    tables = T.build_tables(doc, alignment, keyword_frames=keyword_frames, by=agencies_by)
    pmc: dict[str, Any] = {}
    if instruments and doc.measures:
        say("coding policy instruments")
        instrument_frames, pmc = _instruments(doc, notes)
        tables.update(instrument_frames)
    inputs = [input_file(doc, "plan"), *(input_file(u, "upper") for u in uppers)]
    return ReportData(
        doc=doc,
        uppers=uppers,
        alignment=alignment,
        tables=tables,
        inputs=inputs,
        options=dict(options or {}),
        notes=notes,
        overview=T.overview(doc, by=agencies_by) if doc.measures else [],
        pmc=pmc,
        generated=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        version=__version__,
        python=platform.python_version(),
    )


def _keywords(doc: PolicyDocument, top: int, method: str, notes: list[str]) -> dict[str, pd.DataFrame]:
    try:
        return T.keyword_tables(doc, top=top, method=method)
    except ModuleNotFoundError as error:  # the keywords stage is optional in a minimal install
        if error.name != "policytext.keywords":
            raise
        notes.append("Keywords are unavailable in this installation (policytext.keywords is missing).")
        return {}


def _instruments(doc: PolicyDocument, notes: list[str]) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    try:
        return T.instrument_tables(doc)
    except ModuleNotFoundError as error:  # optional stage in a minimal install
        if error.name != "policytext.instruments":
            raise
        notes.append("Policy instruments are unavailable in this installation.")
        return {}, {}
