"""Structure: from canonical text to a :class:`~policytext.model.PolicyDocument`.

The outline is parsed once; responsibility clauses are looked for in each item's own text (the
part before its first child), and the measures are chosen from the items that carry clauses:

* an item with a clause is a measure, unless items below it carry clauses of their own (then
  those are the measures);
* a document without any clause has as measures its articles (第X条) when it has them, else its
  lowest-level numbered items.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import repeat
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
# The cue words, one scan per first character (全, 国, 各, 我, 省, 市, 县).  Each match is a cue's
# first character (the rest in a look-ahead), so that a scan resumes at the next character and
# finds overlapping cues ("全省委") as separate counts would; no cue is a prefix of another, so
# one alternative at most fits a position.  Seven literal-first scans, each jumping between
# occurrences of its character, cost less than one scan of all the cues, which tests every
# character against the set of first characters.
_CUE_FIRST_CHARS = dict.fromkeys(word[0] for words in _LEVEL_CUES.values() for word in words)
# A 市委/省政府/县政府 after 城/各/辖 is not the issuer's own body (城市政府, 各市政府, 辖区县政府):
# those cues are not counted (the look-behind runs only at the cue's first character).
_NOT_OWN_BODY = "城各辖"
_CUE_SCANS = tuple(
    (
        first,
        re.compile(
            re.escape(first)
            # (after the literal, so that the scan still jumps from one occurrence of it to the next)
            + (f"(?<![{_NOT_OWN_BODY}]{re.escape(first)})" if first in "省市县" else "")
            + "(?="
            + "|".join(re.escape(w[1:]) for ws in _LEVEL_CUES.values() for w in ws if w[0] == first)
            + ")"
        ),
    )
    for first in _CUE_FIRST_CHARS
)
#: the level of a cue, by its first two characters (which tell the cues apart)
_CUE_LEVEL = {word[:2]: level for level, words in _LEVEL_CUES.items() for word in words}
_STATED_SAMPLE = 3000  # the wording of the first 3,000 characters decides


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
    # level: the issuer's, or for a law the enacting congress's; else the responsible units'
    # (省工业和信息化厅 …); else the wording's
    level = issuer_level(fields.issuer) if fields.issuer else _enacted_level(text, first_item)
    citations = _not_own_title(tuple(find_citations(text, 0, len(text))), fields.title)
    measures, with_units = _measures(text, flat, level, citations)
    if level is Level.UNKNOWN and with_units:
        level = _level_of_units(measures)
    if level is Level.UNKNOWN and _addressed_to_provinces(fields.addressees):
        level = Level.NATIONAL  # 各省、自治区、直辖市人民政府： only the centre writes to them
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
        first_is_lead: bool | None = None  # looked up at the first clause: most texts have none
        for clause in find_clauses(text, nodes[0].span.start, len(text), looks_like_agency):
            if first_is_lead is None:
                # (the literal test first: a scan for 第一位 is far cheaper than one for the pattern)
                first_is_lead = "第一位" in text and FIRST_IS_LEAD.search(text) is not None
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
    chosen_nodes = [nodes[index] for index in chosen]
    spans = [node.span for node in chosen_nodes]
    starts = [span[0] for span in spans]
    ends = [span[1] for span in spans]
    deadlines = _bucket(starts, ends, find_deadlines(text, 0, len(text)))
    targets = _bucket(starts, ends, find_targets(text, 0, len(text)))
    cited = _bucket(starts, ends, citations)
    paths, sections = _paths_and_sections(flat, chosen, chosen_nodes)
    if clauses:  # then every chosen item carries clauses (see _choose_with_clauses)
        default_level = None if level is Level.UNKNOWN else level
        measures = tuple(
            _make_measure(text, node, path, section, found, in_deadlines, in_targets, in_cited, default_level)
            for node, path, section, found, in_deadlines, in_targets, in_cited in zip(
                chosen_nodes,
                paths,
                sections,
                map(clauses.__getitem__, chosen),
                deadlines,
                targets,
                cited,
                strict=True,
            )
        )
    else:
        # items without clauses (every law): built in bulk, as a per-measure loop costs more than
        # the Measure objects themselves
        texts = [text[start:end] for start, end in spans]
        titles = [node.title for node in chosen_nodes]
        measures = tuple(
            map(
                Measure,
                paths,
                titles,
                texts,
                spans,
                repeat(()),
                deadlines,
                targets,
                cited,
                repeat(None),
                sections,
            )
        )
    return measures, bool(clauses)


def _paths_and_sections(
    flat: FlatOutline, chosen: list[int], chosen_nodes: list[OutlineNode]
) -> tuple[list[tuple[str, ...]], list[str | None]]:
    """Numbering paths (("一、", "（一）")) and section names of the chosen nodes; a root has no section."""
    # the parent's (path, section), looked up by C-level map calls: one Python call per parent
    above = list(map(_Paths(flat).__getitem__, map(flat.parents.__getitem__, chosen)))
    labels = [node.label for node in chosen_nodes]
    return [(*up[0], label) for up, label in zip(above, labels, strict=True)], [up[1] for up in above]


class _Paths(dict[int, tuple[tuple[str, ...], str | None]]):
    """``(path, section)`` of nodes by index, each computed on its first lookup, once.

    The section is named by the node's top ancestor (root); index -1 (a root's parent) maps to
    ``((), None)``, so that a root's path is its label alone and it has no section.
    """

    __slots__ = ("flat",)

    def __init__(self, flat: FlatOutline) -> None:
        super().__init__()
        self.flat = flat
        self[-1] = ((), None)

    def __missing__(self, index: int) -> tuple[tuple[str, ...], str | None]:
        nodes, parents = self.flat.nodes, self.flat.parents
        chain = [index]  # from ``index`` up to the nearest ancestor already known (or a root)
        known = None
        parent = parents[index]
        while parent >= 0:
            known = self.get(parent)
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
            self[node_index] = known
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


# A title printed to transmit or forward another one: (X)关于印发《Y》的通知 carries Y.
# (转发/批转 forward another body's document: that one is cited, not the document's own)
_TRANSMITTAL = re.compile(r"关于(?:印发|发布|公布|颁布)(?P<inner>.+)的(?:通知|决定|通告|公告|命令)$")
# What two printings of one title may differ in: spaces, quotation and title marks, widths.
_TITLE_NOISE = re.compile(r"[\s《》〈〉“”‘’\"'「」『』]")


def _not_own_title(citations: tuple[Citation, ...], title: str | None) -> tuple[Citation, ...]:
    """The citations without those of the document's own title: a 印发通知 names the plan it sends
    (现将《…》印发给你们), which cites nothing.

    The own title is compared normalised, and also without its issuer (关于… from 关于 on), without
    关于, and without a 关于印发…的通知 wrapper (the plan's title inside it).
    """
    if not citations or not title:
        return citations
    own = _title_keys(title)
    kept = tuple(citation for citation in citations if _title_key(citation.title) not in own)
    return kept if len(kept) < len(citations) else citations


def _title_keys(title: str) -> set[str]:
    key = _title_key(title)
    keys = {key}
    about = key.find("关于")
    if about >= 0:
        keys.update((key[about:], key[about + 2 :]))
        inner = _TRANSMITTAL.search(key)
        if inner:
            keys.add(inner.group("inner"))
    keys.discard("")
    return keys


def _title_key(title: str) -> str:
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title))


# The enactment line of a law or regulation: "2011年11月17日上海市第十三届人民代表大会常务委员会第三十次
# 会议通过", "（经第十三届全国人民代表大会常务委员会第十次会议通过）".  The first one printed is the
# enacting congress (a city's regulation is 通过 by the city, then 批准 by the province).  Only a
# session that passes, approves or revises counts: a plan that 贯彻落实…全国人民代表大会…精神 is not enacted.
_ENACTED_BY = re.compile(
    r"(?:\d{1,2}日\s*)?[（(]?(?:经|由|在|于)?(?:(?P<place>[\u4e00-\u9fff]{2,15}?)\s*第[一二三四五六七八九十]+届"
    r"|第[一二三四五六七八九十]+届\s*(?P<national>全国))\s*人民代表大会(?:常务委?员?会)?"
    r"\s*第[一二三四五六七八九十\d]+次(?:全体)?会议[^\n。]{0,12}?(?:通过|批准|修订|修正)"
)
_ENACTMENT_WINDOW = 1000  # the enactment history comes right under the title


def _enacted_level(text: str, first_item: int) -> Level:
    """The level of the congress that enacted a law, from its enactment line above the articles.

    Laws and local regulations print no issuer; their enacting congress (上海市人民代表大会常务委员会)
    is what places a 上海市…条例 at the provincial level and a 杭州市…条例 at the municipal one.
    """
    window = min(first_item, _ENACTMENT_WINDOW)
    if text.find("人民代表大会", 0, window) < 0:
        return Level.UNKNOWN
    enacted = _ENACTED_BY.search(text, 0, window)
    if enacted is None:
        return Level.UNKNOWN
    if enacted.group("national"):
        return Level.NATIONAL
    # (named as the body: a bare place is ambiguous to the resolver, 新乡市 could read 新+乡+市)
    return issuer_level(enacted.group("place") + "人民代表大会")


def _stated_level(text: str) -> Level:
    """The level the document's wording implies (全市, 我省, 全国 …), for documents without issuer or units.

    A literal-first regex scan of the sample per cue first character counts every cue (this runs
    for every law: they have no issuer), where a ``str.count`` per cue word took 16 passes.
    """
    counts = dict.fromkeys(_LEVEL_CUES, 0)
    for first, scan in _CUE_SCANS:
        # each scan starts at its character's first occurrence, found by str.find (a memchr, faster
        # than the regex engine's scan); a character absent from the sample (often 我, 各) costs no scan
        at = text.find(first, 0, _STATED_SAMPLE)
        if at < 0:
            continue
        for cue in scan.finditer(text, at, _STATED_SAMPLE):
            at = cue.start()
            counts[_CUE_LEVEL[text[at : at + 2]]] += 1
    # max() keeps the first of equal counts, as Counter.most_common did
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else Level.UNKNOWN


def _addressed_to_provinces(addressees: tuple[str, ...]) -> bool:
    """主送 各省、自治区、直辖市… (split on 、 into 各省 / 自治区 / 直辖市…)."""
    return len(addressees) >= 3 and addressees[0] == "各省" and addressees[1].startswith("自治区")


def _level_of_units(measures: tuple[Measure, ...]) -> Level:
    """Fallback: the most common level among the responsible units."""
    levels = Counter(u.level for m in measures for u in m.units if u.level is not Level.UNKNOWN)
    return levels.most_common(1)[0][0] if levels else Level.UNKNOWN
