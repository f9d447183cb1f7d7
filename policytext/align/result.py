"""Result objects of an alignment: matches with evidence, coverage, omissions, local additions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policytext.align.score import PAIR_SIGNALS
from policytext.model import Span, escape

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage shared by both texts, located in each document's ``text``:
    ``lower_doc.text[lower_span] == text == upper_doc.text[upper_span]``.

    A passage that runs across a seam of either unit text (where the unit joins text that is apart
    in its document: a hard-wrapped line, a skipped page number, a responsibility clause) is
    reported as several items, each contiguous in both documents; ``continues`` marks an item
    that goes on from the previous one (same passage, next part).
    """

    text: str
    lower_span: Span
    upper_span: Span
    continues: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "lower_span": self.lower_span.to_list(),
            "upper_span": self.upper_span.to_list(),
            "continues": self.continues,
        }


@dataclass(frozen=True, slots=True)
class UnitRef:
    """An alignable unit named for output: its document, numbering path and place.

    ``doc`` is the document's 0-based position among the aligned documents: for an upper unit,
    its position in the ``uppers`` passed to :func:`~policytext.align.align` (= its number in
    ``AlignIndex.docs``), 0 for the lower document.  ``doc_name`` is for reading; it is unique
    among the uppers of one index (see :meth:`~policytext.align.AlignIndex.build`).
    """

    doc: int
    doc_name: str
    level: str
    kind: str
    index: int
    path: tuple[str, ...]
    title: str | None
    section: str | None
    span: Span
    text: str

    @property
    def label(self) -> str:
        return "/".join(self.path)

    def to_dict(self, *, include_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "doc": self.doc_name,
            "level": self.level,
            "kind": self.kind,
            "index": self.index,
            "path": list(self.path),
            "title": self.title,
            "section": self.section,
            "span": self.span.to_list(),
        }
        if include_text:
            data["text"] = self.text
        return data


@dataclass(frozen=True, slots=True)
class Match:
    """One lower unit matched to one upper unit."""

    lower: UnitRef
    upper: UnitRef
    score: float
    relation: str
    rank: int
    signals: dict[str, float]
    evidence: tuple[Evidence, ...]
    shared_terms: tuple[str, ...]
    route: str = "direct"
    #: does a responsible unit of the lower measure serve a function the upper text names?
    #: ``None`` when the upper text names no function or the lower measure names no unit.
    function_match: bool | None = None
    upper_functions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "lower_path": list(self.lower.path),
            "lower_title": self.lower.title,
            "lower_span": self.lower.span.to_list(),
            "upper_doc": self.upper.doc_name,
            "upper_doc_index": self.upper.doc,
            "upper_level": self.upper.level,
            "upper_kind": self.upper.kind,
            "upper_path": list(self.upper.path),
            "upper_index": self.upper.index,
            "upper_section": self.upper.section,
            "upper_text": self.upper.text,
            "upper_span": self.upper.span.to_list(),
            "score": round(self.score, 4),
            "relation": self.relation,
            "rank": self.rank,
            "route": self.route,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "shared_terms": list(self.shared_terms),
            "function_match": self.function_match,
            "upper_functions": list(self.upper_functions),
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of an upper document (or one of its sections) the lower document takes up."""

    doc_name: str
    level: str
    section: str | None
    n_units: int
    n_taken: int
    n_copied: int
    n_adapted: int
    n_related: int
    #: the upper document's 0-based position among the uppers (as ``UnitRef.doc``)
    doc: int | None = None

    @property
    def share(self) -> float:
        return self.n_taken / self.n_units if self.n_units else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "upper_doc": self.doc_name,
            "upper_doc_index": self.doc,
            "level": self.level,
            "section": self.section,
            "units": self.n_units,
            "taken_up": self.n_taken,
            "copied": self.n_copied,
            "adapted": self.n_adapted,
            "related": self.n_related,
            "coverage": round(self.share, 4),
        }


@dataclass(frozen=True, slots=True)
class Relay:
    """An upper-level unit taken up by an intermediate-level unit (national → provincial)."""

    lower: UnitRef
    upper: UnitRef
    score: float
    relation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_doc": self.upper.doc_name,
            "from_doc_index": self.upper.doc,
            "from_path": list(self.upper.path),
            "to_doc": self.lower.doc_name,
            "to_doc_index": self.lower.doc,
            "to_path": list(self.lower.path),
            "score": round(self.score, 4),
            "relation": self.relation,
        }


@dataclass(frozen=True)
class Alignment:
    """The result of :func:`policytext.align`: matches per lower unit plus document-level figures.

    ``matches`` are ordered by lower unit, then rank; ``coverage`` has one row per upper
    document (``section`` ``None``) followed by its sections; ``omitted`` are upper units no lower
    unit takes up; ``local_additions`` lower units with no match; ``reuse_ratio`` the share of the
    lower units' text inside passages shared with a matched upper unit.
    """

    lower_name: str
    lower_units: tuple[UnitRef, ...]
    matches: tuple[Match, ...]
    coverage: tuple[Coverage, ...]
    omitted: tuple[UnitRef, ...]
    local_additions: tuple[UnitRef, ...]
    reuse_ratio: float
    reuse_by_doc: dict[str, float] = field(default_factory=dict)
    relays: tuple[Relay, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)

    # -- views -----------------------------------------------------------------------------
    def matches_for(self, lower_index: int) -> list[Match]:
        return [m for m in self.matches if m.lower.index == lower_index]

    def best(self) -> dict[int, Match]:
        """The top-ranked match of every lower unit that has one."""
        found: dict[int, Match] = {}
        for match in self.matches:
            found.setdefault(match.lower.index, match)
        return found

    def function_checks(self) -> list[dict[str, Any]]:
        """Per lower measure: do its responsible units serve the function its upper matches name?"""
        rows = []
        for unit in self.lower_units:
            checked = [m for m in self.matches_for(unit.index) if m.function_match is not None]
            if not checked:
                continue
            rows.append(
                {
                    "lower_path": list(unit.path),
                    "lower_title": unit.title,
                    "upper_functions": sorted({f for m in checked for f in m.upper_functions}),
                    "function_match": any(m.function_match for m in checked),
                }
            )
        return rows

    # -- tables ----------------------------------------------------------------------------
    def pairs_frame(self) -> pd.DataFrame:
        """One row per match: lower unit, upper unit, score, relation, route and evidence."""
        import pandas as pd

        rows = []
        for m in self.matches:
            rows.append(
                {
                    "lower_path": m.lower.label,
                    "lower_title": m.lower.title,
                    "upper_doc": m.upper.doc_name,
                    "upper_doc_index": m.upper.doc,
                    "upper_level": m.upper.level,
                    "upper_path": m.upper.label,
                    "upper_section": m.upper.section,
                    "rank": m.rank,
                    "score": round(m.score, 4),
                    "relation": m.relation,
                    "route": m.route,
                    **{f"signal_{k}": round(v, 4) for k, v in m.signals.items()},
                    "shared_chars": sum(len(e.text) for e in m.evidence),
                    "evidence": evidence_text(m.evidence),
                    "shared_terms": "、".join(m.shared_terms[:12]),
                    "function_match": m.function_match,
                    "lower_start": m.lower.span.start,
                    "lower_end": m.lower.span.end,
                    "upper_start": m.upper.span.start,
                    "upper_end": m.upper.span.end,
                    "upper_text": m.upper.text,
                }
            )
        return pd.DataFrame(rows, columns=_PAIR_COLUMNS)

    def coverage_frame(self) -> pd.DataFrame:
        """One row per upper document and per section: units, units taken up, coverage."""
        import pandas as pd

        rows = [c.to_dict() for c in self.coverage]
        return pd.DataFrame(rows, columns=_COVERAGE_COLUMNS)

    def routes_frame(self) -> pd.DataFrame:
        """Per route (``direct``, ``via_provincial``, ``provincial_only`` …): matches, lower units
        and upper units — what reached the lower document directly and what through the level
        in between."""
        import pandas as pd

        rows = []
        for route in sorted({m.route for m in self.matches}):
            members = [m for m in self.matches if m.route == route]
            rows.append(
                {
                    "route": route,
                    "matches": len(members),
                    "lower_units": len({m.lower.index for m in members}),
                    "upper_units": len({(m.upper.doc, m.upper.index) for m in members}),
                }
            )
        return pd.DataFrame(rows, columns=["route", "matches", "lower_units", "upper_units"])

    # -- serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "lower": self.lower_name,
            "lower_units": len(self.lower_units),
            "pairs": [m.to_dict() for m in self.matches],
            "coverage": [c.to_dict() for c in self.coverage],
            "omitted": [u.to_dict() for u in self.omitted],
            "local_additions": [u.to_dict(include_text=False) for u in self.local_additions],
            "reuse_ratio": round(self.reuse_ratio, 4),
            "reuse_by_doc": {k: round(v, 4) for k, v in self.reuse_by_doc.items()},
            "function_checks": self.function_checks(),
            "relays": [r.to_dict() for r in self.relays],
            "parameters": self.parameters,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def summary(self) -> str:
        taken = len({m.lower.index for m in self.matches})
        docs = "; ".join(f"{c.doc_name} {c.share:.0%}" for c in self.coverage if c.section is None)
        return (
            f"{self.lower_name}: {taken}/{len(self.lower_units)} units matched, "
            f"{len(self.local_additions)} local additions, reuse {self.reuse_ratio:.0%}; coverage: {docs}"
        )

    def __repr__(self) -> str:
        return f"<Alignment {self.summary()}>"

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>" for h in ("lower", "upper", "relation", "score", "route", "shared passages")
        )
        body = []
        for m in self.matches:
            evidence = "<br>".join(escape(text) for text in passage_texts(m.evidence)[:4])
            body.append(
                "<tr>"
                f"<td>{escape(m.lower.label)} {escape(m.lower.title)}</td>"
                f"<td>{escape(m.upper.doc_name)} {escape(m.upper.label)}<br><small>{escape(m.upper.text[:120])}</small></td>"
                f"<td>{escape(m.relation)}</td><td>{m.score:.2f}</td><td>{escape(m.route)}</td>"
                f"<td>{evidence}</td></tr>"
            )
        return (
            f"<p>{escape(self.summary())}</p>"
            f"<table class='policytext-alignment'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )


def passage_texts(evidence: Sequence[Evidence]) -> list[str]:
    """The shared passages of a match, the parts of a passage split at a seam (see
    :class:`Evidence`) joined again."""
    texts: list[str] = []
    for e in evidence:
        if e.continues and texts:
            texts[-1] += e.text
        else:
            texts.append(e.text)
    return texts


def evidence_text(evidence: Sequence[Evidence]) -> str:
    """The shared passages of a match for a table cell."""
    return " | ".join(passage_texts(evidence))


#: Columns of :meth:`Alignment.pairs_frame`, empty or not (one ``signal_*`` per pair signal).
_PAIR_COLUMNS = [
    "lower_path", "lower_title", "upper_doc", "upper_doc_index", "upper_level", "upper_path",
    "upper_section", "rank", "score", "relation", "route", *(f"signal_{k}" for k in PAIR_SIGNALS),
    "shared_chars", "evidence", "shared_terms", "function_match", "lower_start", "lower_end",
    "upper_start", "upper_end", "upper_text",
]  # fmt: skip
_COVERAGE_COLUMNS = [
    "upper_doc", "upper_doc_index", "level", "section", "units", "taken_up", "copied", "adapted", "related", "coverage",
]  # fmt: skip
