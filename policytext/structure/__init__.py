"""Structure: from canonical text to a :class:`~policytext.model.PolicyDocument`.

The outline is parsed once; responsibility clauses are looked for in each item's own text (the
part before its first child), and the measures are chosen from the items that carry clauses:

* an item with a clause is a measure, unless items below it carry clauses of their own (then
  those are the measures);
* a document without any clause has as measures its articles (第X条) when it has them, else its
  lowest-level numbered items.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from policytext.agencies import issuer_level, looks_like_agency, resolve
from policytext.model import (
    Citation,
    Deadline,
    Header,
    Level,
    Measure,
    OutlineNode,
    PolicyDocument,
    Source,
    Span,
    Target,
    Unit,
)
from policytext.structure.clauses import FIRST_IS_LEAD, Clause, find_clauses
from policytext.structure.extract import find_citations, find_deadlines, find_targets
from policytext.structure.header import parse_header
from policytext.structure.outline import FlatOutline, build_outline, build_outline_flat
from policytext.structure.toc import table_of_contents

__all__ = ["build_document", "build_outline", "parse_header"]

# Quick test before the clause search: a document without any of these has no clauses.  Each test
# scans the text up to the first occurrence: the commonest words (in laws too) come first.
_CLAUSE_HINTS = ("负责", "参与", "参加", "配合", "落实", "牵头", "单位：", "部门：", "协办")
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
    contents = table_of_contents(text)  # its entries repeat the headings: not the outline
    flat = build_outline_flat(text, contents.end if contents else 0)
    outline = tuple(flat.roots)
    first_item = outline[0].span.start if outline else len(text)
    if contents is not None:
        first_item = min(first_item, contents.start)
    fields = parse_header(text, first_item)
    # level: the issuer's; else the responsible units' (省工业和信息化厅 …); else the wording's
    level = issuer_level(fields.issuer) if fields.issuer else Level.UNKNOWN
    citations = tuple(find_citations(text, 0, len(text)))
    measures, with_units = _measures(text, flat, level, citations)
    if level is Level.UNKNOWN and with_units:
        level = _level_of_units(measures)
    if level is Level.UNKNOWN:
        level = _stated_level(text)
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


def _owner(flat: FlatOutline, position: int) -> int:
    """Index of the node whose own region holds ``position``, or -1."""
    index = bisect_right(flat.starts, position) - 1
    return index if index >= 0 and position < flat.own_ends[index] else -1


def _measures(
    text: str, flat: FlatOutline, level: Level, citations: tuple[Citation, ...]
) -> tuple[tuple[Measure, ...], bool]:
    """The measures, and whether any of them names responsible units."""
    nodes = flat.nodes
    if not nodes:
        return (), False
    clauses: dict[int, list[Clause]] = {}
    if any(hint in text for hint in _CLAUSE_HINTS):
        # (the literal test first: a scan for 第一位 is far cheaper than one for the pattern)
        first_is_lead = "第一位" in text and FIRST_IS_LEAD.search(text) is not None
        for clause in find_clauses(text, flat.starts[0], len(text), looks_like_agency):
            if first_is_lead:
                clause = clause.with_first_as_lead()
            owner = _owner(flat, clause.start)
            if owner >= 0 and clause.end <= flat.own_ends[owner]:
                clauses.setdefault(owner, []).append(clause)
        _lift_closing_clauses(text, flat, clauses)
    if clauses:
        chosen = _choose_with_clauses(flat, clauses)
    elif "article" in flat.styles:
        chosen = [index for index, style in enumerate(flat.styles) if style == "article"]
    else:
        chosen = [index for index, node in enumerate(nodes) if not node.children]
    spans = [nodes[index].span for index in chosen]
    starts = [span[0] for span in spans]
    ends = [span[1] for span in spans]
    deadlines = _bucket(starts, ends, find_deadlines(text, 0, len(text)))
    targets = _bucket(starts, ends, find_targets(text, 0, len(text)))
    cited = _bucket(starts, ends, citations)
    default_level = None if level is Level.UNKNOWN else level
    paths = _Paths(flat)
    known_paths = paths.memo
    parents = flat.parents
    measures = []
    for k, index in enumerate(chosen):
        node = nodes[index]
        parent = parents[index]
        if parent < 0:
            path: tuple[str, ...] = (node.label,)
            section = None
        else:
            known = known_paths.get(parent) or paths.of(parent)
            path = (*known[0], node.label)
            section = known[1]
        found = clauses.get(index)
        if found:
            measure = _make_measure(
                text, node, path, section, found, deadlines[k], targets[k], cited[k], default_level
            )
        else:  # the common case, inlined: an item without a clause
            span = spans[k]
            measure = Measure(
                path,
                node.title,
                text[span[0] : span[1]],
                span,
                (),
                deadlines[k],
                targets[k],
                cited[k],
                None,
                section,
            )
        measures.append(measure)
    return tuple(measures), bool(clauses)


class _Paths:
    """Numbering paths (("一、", "（一）")) and section names of nodes, each ancestor's computed once."""

    __slots__ = ("flat", "memo")

    def __init__(self, flat: FlatOutline) -> None:
        self.flat = flat
        self.memo: dict[int, tuple[tuple[str, ...], str | None]] = {}

    def of(self, index: int) -> tuple[tuple[str, ...], str | None]:
        """``(path, section)`` of node ``index``; the section is named by its top ancestor (root)."""
        nodes, parents, memo = self.flat.nodes, self.flat.parents, self.memo
        chain = [index]  # from ``index`` up to the nearest ancestor already known (or a root)
        known = None
        parent = parents[index]
        while parent >= 0:
            known = memo.get(parent)
            if known is not None:
                break
            chain.append(parent)
            parent = parents[parent]
        for node_index in reversed(chain):
            node = nodes[node_index]
            if known is None:  # a root: the section is named by it
                known = ((node.label,), f"{node.label}{node.title or ''}")
            else:
                known = ((*known[0], node.label), known[1])
            memo[node_index] = known
        return known  # type: ignore[return-value]  # chain is never empty


def _bucket(starts: list[int], ends: list[int], items: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Assign items found in the whole text to the (disjoint, ordered) measure spans holding them.

    Most measures hold none: only the buckets that get items are built.
    """
    buckets: dict[int, list[Any]] = {}
    for item in items:
        span = item.span
        index = bisect_right(starts, span.start) - 1
        if index >= 0 and span.end <= ends[index]:
            buckets.setdefault(index, []).append(item)
    result: list[tuple[Any, ...]] = [()] * len(starts)
    for index, bucket in buckets.items():
        result[index] = tuple(sorted(bucket, key=_by_start)) if len(bucket) > 1 else tuple(bucket)
    return result


def _lift_closing_clauses(text: str, flat: FlatOutline, clauses: dict[int, list[Clause]]) -> None:
    """A clause on a line of its own after a list of sub-items covers the whole list.

    "2.规范机构运行管理。\n（1）…\n（2）…\n（市科技局、市财政局负责）": the clause sits inside the last
    sub-item's text but belongs to "2.", provided no sub-item carries a clause of its own.
    """
    for last in list(clauses):
        parent = flat.parents[last]
        if parent < 0 or flat.nodes[parent].children[-1] is not flat.nodes[last]:
            continue
        siblings = [i for i in range(parent + 1, last) if flat.parents[i] == parent]
        if any(i in clauses for i in siblings):
            continue
        found = clauses[last]
        closing = found[-1]
        own_line = (closing.start == 0 or text[closing.start - 1] == "\n") and closing.start > flat.nodes[
            last
        ].heading_span.end
        line_end = text.find("\n", closing.end)
        if own_line and (line_end < 0 or text[closing.end : line_end].strip("。；") == ""):
            if len(found) > 1:
                clauses[last] = found[:-1]
            else:
                del clauses[last]
            clauses.setdefault(parent, []).append(closing)


def _choose_with_clauses(flat: FlatOutline, clauses: dict[int, list[Clause]]) -> list[int]:
    """The deepest items with clauses: an item whose descendants carry clauses gives way to them."""
    has_clause_below = [False] * len(flat.nodes)
    for index in clauses:
        parent = flat.parents[index]
        while parent >= 0 and not has_clause_below[parent]:
            has_clause_below[parent] = True
            parent = flat.parents[parent]
    return sorted(index for index in clauses if not has_clause_below[index])


def _make_measure(
    text: str,
    node: OutlineNode,
    path: tuple[str, ...],
    section: str | None,
    clauses: list[Clause],
    deadlines: tuple[Deadline, ...],
    targets: tuple[Target, ...],
    citations: tuple[Citation, ...],
    default_level: Level | None,
) -> Measure:
    """A measure of an item that carries responsibility clauses."""
    span = node.span
    title = node.title
    units = tuple(
        _unit(parsed.name, parsed.role, parsed.start, parsed.end, default_level)
        for clause in clauses
        for parsed in clause.units
    )
    clause_span = _new_span(Span, (clauses[-1].start, clauses[-1].end))
    if title and clauses[0].start < node.heading_span.end:
        # a bare heading that ends with its clause: "（三）推进改革（市科技局负责）"
        cut = clauses[0].start - (node.heading_span.end - len(title))
        title = title[: max(0, cut)].rstrip("。；，") or None
    return Measure(
        path,
        title,
        text[span.start : span.end],
        span,
        units,
        deadlines,
        targets,
        citations,
        clause_span,
        section,
    )


# Span(a, b) without the named tuple's Python-level __new__ (measurably cheaper per measure).
_new_span = tuple.__new__


def _by_start(item: Any) -> int:
    return int(item.span.start)


def _unit(name: str, role: Any, start: int, end: int, default_level: Level | None) -> Unit:
    # units printed without a level prefix (江汉艺术职业学院) take the level of the document
    info = resolve(name, default_level=default_level)
    return Unit(
        name=name,
        role=role,
        span=Span(start, end),
        canonical=info.canonical,
        level=info.level,
        function=info.function,
    )


def _stated_level(text: str) -> Level:
    """The level the document's wording implies (全市, 我省, 全国 …), for documents without issuer or units."""
    sample = text[:3000]
    count = sample.count
    # max() keeps the first of equal counts, as Counter.most_common did
    best, hits = max(((level, sum(map(count, words))) for level, words in _LEVEL_CUES.items()), key=_second)
    return best if hits else Level.UNKNOWN


def _second(pair: tuple[Level, int]) -> int:
    return pair[1]


def _level_of_units(measures: tuple[Measure, ...]) -> Level:
    """Fallback: the most common level among the responsible units."""
    levels = Counter(u.level for m in measures for u in m.units if u.level is not Level.UNKNOWN)
    return levels.most_common(1)[0][0] if levels else Level.UNKNOWN
