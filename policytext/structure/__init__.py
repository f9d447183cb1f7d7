"""Structure: from canonical text to a :class:`~policytext.model.PolicyDocument`.

The outline is parsed once; responsibility clauses are looked for in each item's own text (the
part before its first child), and the measures are chosen from the items that carry clauses:

* an item with a clause is a measure, unless items below it carry clauses of their own (then
  those are the measures);
* a document without any clause has as measures its articles (第X条) when it has them, else its
  lowest-level numbered items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from policytext.agencies import issuer_level, looks_like_agency, resolve
from policytext.model import (
    Citation,
    Header,
    Level,
    Measure,
    OutlineNode,
    PolicyDocument,
    Source,
    Span,
    Unit,
)
from policytext.structure.clauses import Clause, find_clauses
from policytext.structure.extract import find_citations, find_deadlines, find_targets
from policytext.structure.header import parse_header
from policytext.structure.outline import build_outline

__all__ = ["build_document", "build_outline", "parse_header"]

# Quick test before the clause search: a document without any of these has no clauses.
_CLAUSE_HINTS = ("牵头", "负责", "单位：", "部门：", "参加", "配合", "协办", "参与")
_LEVEL_CUES = {
    Level.NATIONAL: ("全国", "国务院", "各省、自治区、直辖市"),
    Level.PROVINCIAL: ("全省", "我省", "省委", "省政府", "全区"),
    Level.MUNICIPAL: ("全市", "我市", "市委", "市政府"),
    Level.COUNTY: ("全县", "我县", "县委", "县政府"),
}


def build_document(
    text: str,
    *,
    source: Source | None = None,
    metadata: Mapping[str, Any] | None = None,
    warnings: Iterable[str] = (),
) -> PolicyDocument:
    """Extract header, outline, measures and citations from canonical ``text``."""
    outline = build_outline(text)
    first_item = outline[0].span.start if outline else len(text)
    fields = parse_header(text, first_item)
    measures = _measures(text, outline)
    citations = tuple(find_citations(text, 0, len(text)))
    level = _document_level(text, fields.issuer, measures)
    header = Header(
        title=fields.title,
        issuer=fields.issuer,
        addressees=fields.addressees,
        doc_number=fields.doc_number,
        date=fields.date,
        level=level,
        title_span=fields.title_span,
        date_span=fields.date_span,
    )
    notes = list(warnings)
    if not outline:
        notes.append("no numbered outline found: the document parses to zero measures")
    elif not measures:
        notes.append("no measures found in the outline")
    return PolicyDocument(
        text=text,
        source=source or Source(),
        header=header,
        outline=outline,
        measures=measures,
        citations=citations,
        warnings=tuple(notes),
        metadata=dict(metadata or {}),
    )


def _measures(text: str, outline: tuple[OutlineNode, ...]) -> tuple[Measure, ...]:
    clauses: dict[int, list[Clause]] = {}
    if any(hint in text for hint in _CLAUSE_HINTS):
        for node in _walk(outline):
            own_end = node.children[0].span.start if node.children else node.span.end
            found = find_clauses(text, node.span.start, own_end, looks_like_agency)
            if found:
                clauses[id(node)] = found
        _lift_closing_clauses(text, outline, clauses)
    chosen: list[tuple[tuple[OutlineNode, ...], list[Clause]]] = []
    if clauses:
        _choose_with_clauses(outline, (), clauses, chosen)
    else:
        has_articles = any(node.style == "article" for node in _walk(outline))
        for path in _paths(outline):
            node = path[-1]
            if (has_articles and node.style == "article") or (not has_articles and not node.children):
                chosen.append((path, []))
    return tuple(_make_measure(text, path, found) for path, found in chosen)


def _lift_closing_clauses(text: str, nodes: tuple[OutlineNode, ...], clauses: dict[int, list[Clause]]) -> None:
    """A clause on a line of its own after a list of sub-items covers the whole list.

    "2.规范机构运行管理。\n（1）…\n（2）…\n（市科技局、市财政局负责）": the clause sits inside the last
    sub-item's text but belongs to "2.", provided no sub-item carries a clause of its own.
    """
    for parent in _walk(nodes):
        if not parent.children:
            continue
        last = parent.children[-1]
        found = clauses.get(id(last))
        if not found or any(id(child) in clauses for child in parent.children[:-1]):
            continue
        closing = found[-1]
        own_line = (closing.start == 0 or text[closing.start - 1] == "\n") and closing.start > last.heading_span.end
        line_end = text.find("\n", closing.end)
        if own_line and (line_end < 0 or text[closing.end : line_end].strip("。；") == ""):
            remaining = found[:-1]
            if remaining:
                clauses[id(last)] = remaining
            else:
                del clauses[id(last)]
            clauses.setdefault(id(parent), []).append(closing)


def _choose_with_clauses(
    nodes: tuple[OutlineNode, ...],
    parents: tuple[OutlineNode, ...],
    clauses: dict[int, list[Clause]],
    chosen: list[tuple[tuple[OutlineNode, ...], list[Clause]]],
) -> bool:
    """Depth-first: keep the deepest items with clauses; returns whether any was found below."""
    found_any = False
    for node in nodes:
        path = (*parents, node)
        mark = len(chosen)
        below = _choose_with_clauses(node.children, path, clauses, chosen)
        if id(node) in clauses and not below:
            chosen.insert(mark, (path, clauses[id(node)]))
            below = True
        found_any = found_any or below
    return found_any


def _make_measure(text: str, path: tuple[OutlineNode, ...], clauses: list[Clause]) -> Measure:
    node = path[-1]
    span = node.span
    units = tuple(
        _unit(text, parsed.name, parsed.role, parsed.start, parsed.end)
        for clause in clauses
        for parsed in clause.units
    )
    top = path[0]
    section = f"{top.label}{top.title or ''}" if len(path) > 1 else None
    title = node.title
    if title and clauses and clauses[0].start < node.heading_span.end:
        # a bare heading that ends with its clause: "（三）推进改革（市科技局负责）"
        cut = clauses[0].start - (node.heading_span.end - len(title))
        title = title[: max(0, cut)].rstrip("。；，") or None
    return Measure(
        path=tuple(n.label for n in path),
        title=title,
        text=span.of(text),
        span=span,
        units=units,
        deadlines=tuple(sorted(find_deadlines(text, span.start, span.end), key=_by_start)),
        targets=tuple(sorted(find_targets(text, span.start, span.end), key=_by_start)),
        citations=tuple(_citations_in(text, span)),
        clause_span=Span(clauses[-1].start, clauses[-1].end) if clauses else None,
        section=section,
    )


def _by_start(item: Any) -> int:
    return int(item.span.start)


def _unit(text: str, name: str, role: Any, start: int, end: int) -> Unit:
    info = resolve(name)
    return Unit(name=name, role=role, span=Span(start, end), canonical=info.canonical, level=info.level, function=info.function)


def _citations_in(text: str, span: Span) -> Iterator[Citation]:
    return find_citations(text, span.start, span.end)


def _document_level(text: str, issuer: str | None, measures: tuple[Measure, ...]) -> Level:
    if issuer:
        level = issuer_level(issuer)
        if level is not Level.UNKNOWN:
            return level
    unit_levels = Counter(u.level for m in measures for u in m.units if u.level is not Level.UNKNOWN)
    if unit_levels:
        return unit_levels.most_common(1)[0][0]
    sample = text[:5000]
    cues = Counter({level: sum(sample.count(cue) for cue in words) for level, words in _LEVEL_CUES.items()})
    best, count = cues.most_common(1)[0]
    return best if count else Level.UNKNOWN


def _walk(nodes: Iterable[OutlineNode]) -> Iterator[OutlineNode]:
    for node in nodes:
        yield from node.walk()


def _paths(nodes: Iterable[OutlineNode], parents: tuple[OutlineNode, ...] = ()) -> Iterator[tuple[OutlineNode, ...]]:
    for node in nodes:
        path = (*parents, node)
        yield path
        yield from _paths(node.children, path)
