"""Split documents into alignable units: measures, articles (第X条) or paragraphs.

A plan is aligned measure by measure; a law article by article; a report (政府工作报告, 党代会报告)
has no responsibility clauses, so its paragraphs are the units.  Every unit keeps where its
text sits in ``doc.text`` (``pieces``) so that evidence found in the unit text can be reported
as spans of the original document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from policytext._util import line_spans
from policytext.align.review import review_spans
from policytext.errors import ConfigurationError
from policytext.model import Measure, OutlineNode, PolicyDocument, Span

#: Unit kinds, in the order ``auto`` prefers them.
KINDS = ("measure", "article", "paragraph")

_ARTICLE_LINE = re.compile(r"^第[一二三四五六七八九十百千零〇两\d]+条[ \u3000]*", re.M)
_SENTENCE_MARK = re.compile(r"[。；;！？!?]")
_LEADING_LABEL = re.compile(
    r"\s*(?:第[一二三四五六七八九十百千零〇两\d]+[条章节]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳])\s*"
)
#: Paragraphs shorter than this carry no task (dates, signatures, 相关链接 …).
MIN_PARAGRAPH_CHARS = 12
_INSTRUMENT = r"本(?:条例|办法|法|规定|细则|决定|方案|意见|通知|规划|计划|措施|准则|章程)"
#: Formal clauses that state no task: the effective date (本条例自…起施行) and "apply mutatis
#: mutandis" provisions (…参照本条例执行).  Every law and regulation has them, so they resemble
#: each other across levels without one taking up the other (labelling rules: local additions).
#: One such clause; a formal text is one or more of them back to back (see
#: :func:`is_formal_clause`, which does the repetition itself).
_FORMAL_PART = re.compile(
    rf"{_INSTRUMENT}[^。；，]{{0,40}}?(?:自|于)[^。；]{{2,40}}?(?:施行|实施|执行|生效)"
    r"(?:[，,](?:有效期|试行期|暂行)[^。；]{0,20})?[。；]?"
    rf"|[^。；]{{0,80}}?(?:参照|比照){_INSTRUMENT}(?:的?(?:有关|相关)?规定)?(?:执行|适用|办理)[。；]?"
    r"|[^。；]{0,60}?同时废止[。；]?"
)
#: Longer units are never treated as formal clauses, whatever they contain.
MAX_FORMAL_CHARS = 120


@dataclass(slots=True)  # not frozen: building 150k of them (a laws corpus) must be cheap
class AlignUnit:
    """One alignable piece of a document.

    ``path`` names it the way a reader would: the measure's numbering path, ``("第十条",)`` for
    an article, ``("¶12",)`` for the twelfth paragraph.  ``text`` is the text that is compared
    (a measure without its responsibility clause and numbering label); ``pieces`` maps it back to
    ``doc.text`` as ``(offset in text, offset in doc.text, length)`` runs.
    """

    doc: int
    index: int
    kind: str
    path: tuple[str, ...]
    title: str | None
    text: str
    span: Span
    section: str | None
    pieces: tuple[tuple[int, int, int], ...]
    functions: tuple[str, ...] = ()
    #: in the review part of a work report (工作回顾, see :mod:`policytext.align.review`):
    #: past work, not a task, so as an upper unit it is neither a candidate nor counted in
    #: coverage and omissions
    review: bool = False

    @property
    def label(self) -> str:
        return "/".join(self.path)

    @property
    def formal(self) -> bool:
        """A formal clause (effective date, 参照执行) that takes up and states no task: it is
        neither matched nor matched to (see :func:`is_formal_clause`)."""
        return is_formal_clause(self.text)

    @property
    def offered(self) -> bool:
        """Whether the unit is offered as an upper candidate: a task, not a formal clause or a
        paragraph of a work report's review (:attr:`review`)."""
        return not self.review and not self.formal

    def doc_span(self, start: int, end: int) -> Span:
        """The span of ``doc.text`` that covers ``text[start:end]`` (the same text only when no
        :meth:`seams` lie inside)."""
        return Span(self.to_doc(start), self.to_doc(max(start, end - 1)) + (1 if end > start else 0))

    def seams(self, start: int, end: int) -> list[int]:
        """Offsets strictly inside ``text[start:end]`` where two pieces meet that are apart in
        ``doc.text`` (a hard wrap, a skipped page number, a responsibility clause left out):
        a passage of the unit text is contiguous in ``doc.text`` only between seams."""
        found = []
        for (_, before, length), (local, absolute, _) in zip(self.pieces, self.pieces[1:], strict=False):
            if start < local < end and before + length != absolute:
                found.append(local)
        return found

    def to_doc(self, offset: int) -> int:
        """Offset in ``doc.text`` of character ``offset`` of the unit text."""
        for local, absolute, length in reversed(self.pieces):
            if offset >= local:
                return absolute + min(offset - local, length)
        return self.span.start


def is_formal_clause(text: str) -> bool:
    """Whether ``text`` is only effective-date, 参照执行 or 同时废止 sentences."""
    stripped = text.strip()
    return len(stripped) <= MAX_FORMAL_CHARS and _formal_parts(stripped)


def _formal_parts(text: str) -> bool:
    """Whether ``text`` is one or more :data:`_FORMAL_PART` clauses back to back.

    The same decision as ``(?:part)+`` under ``fullmatch``, but taken by dynamic programming over
    the offsets where a clause can end: a backtracking regex with that repetition tries every way
    to cut the text into clauses, which is exponential (``同时废止`` × 25 took 14 s).  Here each
    offset is a clause start at most once, so the work is polynomial in the (≤ 120) characters.
    """
    n = len(text)
    reachable = [False] * (n + 1)
    reachable[0] = True
    for start in range(n):
        if not reachable[start] or _FORMAL_PART.match(text, start) is None:
            continue  # nothing starts a clause here (one cheap check skips most offsets)
        for end in range(start + 1, n + 1):
            if not reachable[end] and _FORMAL_PART.fullmatch(text, start, end):
                reachable[end] = True
    return n > 0 and reachable[n]


def split_units(doc: PolicyDocument, kind: str = "auto", doc_index: int = 0) -> list[AlignUnit]:
    """The alignable units of ``doc``; ``kind`` is ``auto`` or one of :data:`KINDS`.

    ``auto`` takes the measures when some of them name responsible units (a plan), else the
    articles when the document has at least three (a law), else the paragraphs (a report,
    whose numbered items are too coarse: one 政府工作报告 task holds many paragraphs).
    """
    if kind == "auto":
        kind = choose_kind(doc)
    if kind == "measure":
        units = _measure_units(doc, doc_index)
    elif kind == "article":
        units = _article_units(doc, doc_index)
    elif kind == "paragraph":
        units = _paragraph_units(doc, doc_index)
    else:
        raise ConfigurationError(f"unknown unit kind {kind!r}; expected auto or one of {', '.join(KINDS)}")
    units = [u for u in units if u.text.strip()]
    _mark_review(units, review_spans(doc))
    return units


def _mark_review(units: list[AlignUnit], spans: list[Span]) -> None:
    """Flag the units that start inside the review part of a work report."""
    for unit in units:
        unit.review = any(span.start <= unit.span.start < span.end for span in spans)


def relative_positions(units: Sequence[AlignUnit]) -> list[float]:
    """Where each unit sits in its document: 0 for the first unit, 1 for the last (by ``index``).

    A text that implements another follows its order (a regulation the chapters of its law, a
    city plan the tasks of its province's plan), so the distance between two positions is a
    signal (:data:`policytext.align.score.CONTEXT_SIGNALS`).  A document of one unit is at 0.5.
    """
    last: dict[int, int] = {}
    for unit in units:
        last[unit.doc] = max(last.get(unit.doc, 0), unit.index)
    return [unit.index / last[unit.doc] if last[unit.doc] else 0.5 for unit in units]


def choose_kind(doc: PolicyDocument) -> str:
    if any(m.units for m in doc.measures):
        return "measure"
    if len(_article_nodes(doc)) >= 3 or len(_ARTICLE_LINE.findall(doc.text)) >= 3:
        return "article"
    return "paragraph"


# -- measures -----------------------------------------------------------------------------
def _measure_units(doc: PolicyDocument, doc_index: int) -> list[AlignUnit]:
    units = []
    for index, measure in enumerate(doc.measures):
        pieces = _measure_pieces(doc, measure)
        text = "".join(doc.text[a : a + n] for _, a, n in pieces)
        functions = tuple(sorted({u.function for u in measure.units if u.function}))
        units.append(
            AlignUnit(
                doc=doc_index,
                index=index,
                kind="measure",
                path=measure.path,
                title=measure.title,
                text=text,
                span=measure.span,
                section=measure.section or (measure.path[0] if measure.path else None),
                pieces=pieces,
                functions=functions,
            )
        )
    return units


def _measure_pieces(doc: PolicyDocument, measure: Measure) -> tuple[tuple[int, int, int], ...]:
    """The measure's body without its numbering label and responsibility clause, as runs."""
    start, end = measure.span.start, measure.span.end
    label = _LEADING_LABEL.match(doc.text, start, end)
    if label:
        start = label.end()
    ranges = [(start, end)]
    clause = measure.clause_span
    if clause is not None and start <= clause.start < end:
        ranges = [(start, clause.start), (min(clause.end, end), end)]
    return _to_pieces(doc.text, ranges)


# -- articles -----------------------------------------------------------------------------
def _article_nodes(doc: PolicyDocument) -> list[tuple[OutlineNode, str | None]]:
    """Article nodes with the label and title of the chapter that holds them."""
    found: list[tuple[OutlineNode, str | None]] = []

    def visit(node: OutlineNode, section: str | None) -> None:
        if node.style == "article":
            found.append((node, section))
            return
        if node.style in ("chapter", "part", "section") and section is None:
            section = f"{node.label} {node.title}" if node.title else node.label
        for child in node.children:
            visit(child, section)

    for top in doc.outline:
        visit(top, None)
    return found


def _article_units(doc: PolicyDocument, doc_index: int) -> list[AlignUnit]:
    nodes = _article_nodes(doc)
    spans: list[tuple[str, int, int, str | None]]
    if nodes:
        spans = [(node.label, node.span.start, node.span.end, section) for node, section in nodes]
    else:  # a document built without an outline: find the article lines directly
        starts = [m.start() for m in _ARTICLE_LINE.finditer(doc.text)]
        ends = [*starts[1:], len(doc.text)]
        spans = []
        for start, end in zip(starts, ends, strict=False):
            found = _ARTICLE_LINE.match(doc.text, start)
            spans.append((found.group(0).strip() if found else "", start, end, None))
    units = []
    for index, (label, start, end, section) in enumerate(spans):
        head = _LEADING_LABEL.match(doc.text, start, end)
        body_start = head.end() if head else start
        pieces = _to_pieces(doc.text, [(body_start, end)])
        text = "".join(doc.text[a : a + n] for _, a, n in pieces)
        units.append(
            AlignUnit(
                doc=doc_index,
                index=index,
                kind="article",
                path=(label,),
                title=None,
                text=text,
                span=Span(start, end),
                section=section,
                pieces=pieces,
            )
        )
    return units


# -- paragraphs ---------------------------------------------------------------------------
def _paragraph_units(doc: PolicyDocument, doc_index: int) -> list[AlignUnit]:
    sections = [
        (node.span, f"{node.label}{node.title}" if node.title else node.label)
        for node in doc.outline
        if node.depth == 0
    ]
    numbered = _numbered_paths(doc)
    units: list[AlignUnit] = []
    for lines in paragraph_lines(doc.text):
        start, end = lines[0][0], lines[-1][1]
        pieces = _to_pieces(doc.text, lines)
        text = "".join(doc.text[a : a + n] for _, a, n in pieces)
        if not _is_content_paragraph(text):
            continue
        section = next((name for span, name in sections if span.start <= start < span.end), None)
        units.append(
            AlignUnit(
                doc=doc_index,
                index=len(units),
                kind="paragraph",
                path=numbered.get(start, (f"¶{len(units) + 1}",)),
                title=_first_sentence(text),
                text=text,
                span=Span(start, end),
                section=section,
                pieces=pieces,
            )
        )
    return units


def paragraph_lines(text: str) -> list[list[tuple[int, int]]]:
    """The paragraphs of ``text`` as lists of ``(start, end)`` line ranges.

    A paragraph is a line, except in hard-wrapped text (a PDF text layer or a fixed-width
    export saved as plain text, e.g. a national plan whose lines all break at 26–27
    characters): there a line that reaches the wrap width without closing a sentence goes on
    in the next line, unless that line opens a numbered item.  Without this, each wrapped line
    is a fragment too short to be a unit and most of such a document cannot be aligned.
    """
    ranges = line_spans(text)
    lines = [text[start:end].strip() for start, end in ranges]
    width = _wrap_width(lines)
    paragraphs: list[list[tuple[int, int]]] = []
    wrapped = False
    for (start, end), line in zip(ranges, lines, strict=True):
        if wrapped and _PAGE_NUMBER.fullmatch(line):
            continue  # a page break inside a paragraph: the paragraph goes on after it
        if wrapped and line and not _LEADING_LABEL.match(line):
            paragraphs[-1].append((start, end))
        else:
            paragraphs.append([(start, end)])
        wrapped = width is not None and len(line) >= width - WRAP_SLACK and not _CLOSES.search(line)
    return paragraphs


#: A text is hard-wrapped when at least this share of its lines (of 15+ characters, at least
#: ``MIN_WRAPPED_LINES`` of them) is within ``WRAP_SLACK`` characters of the commonest length.
#: Measured on the central/Shandong AI policies: 21 of 212 texts are wrapped, with shares of
#: 0.45–0.92; texts kept one paragraph per line (work reports) score 0.03–0.11.
WRAPPED_SHARE = 0.3
MIN_WRAPPED_LINES = 8
WRAP_SLACK = 2
_CLOSES = re.compile(r"[。！？；：!?;:]$")  # a closing quote or bracket can fall at a wrap
_PAGE_NUMBER = re.compile(r"[-－—]?\s*\d{1,4}\s*[-－—]?")


def _wrap_width(lines: list[str]) -> int | None:
    """The wrap width of hard-wrapped text, or None when lines are paragraphs."""
    lengths = [len(line) for line in lines if len(line) >= 15]
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = Counter(lengths).most_common(1)[0][0]
    near = sum(1 for n in lengths if width - WRAP_SLACK <= n <= width + 1)
    if near < MIN_WRAPPED_LINES or near < WRAPPED_SHARE * len(lengths):
        return None
    return width


def _numbered_paths(doc: PolicyDocument) -> dict[int, tuple[str, ...]]:
    """Outline paths of numbered items by the offset where they start (a paragraph that opens
    with 一、/（三） is named by its numbering rather than by its position)."""
    paths: dict[int, tuple[str, ...]] = {}

    def visit(node: OutlineNode, above: tuple[str, ...]) -> None:
        path = (*above, node.label)
        paths.setdefault(node.span.start, path)
        for child in node.children:
            visit(child, path)

    for top in doc.outline:
        visit(top, ())
    return paths


def _is_content_paragraph(line: str) -> bool:
    """A paragraph that states something: long enough and more than a bare heading."""
    stripped = line.strip()
    if len(stripped) < MIN_PARAGRAPH_CHARS:
        return False
    label = _LEADING_LABEL.match(stripped)
    body = stripped[label.end() :] if label else stripped
    # a heading-only line: short and without any sentence punctuation
    return not (len(body) <= 40 and not _SENTENCE_MARK.search(body))


def _first_sentence(line: str) -> str | None:
    match = re.match(r"\s*(.{2,60}?)[。；：]", line)
    return match.group(1) if match else None


def _to_pieces(text: str, ranges: list[tuple[int, int]]) -> tuple[tuple[int, int, int], ...]:
    """Runs for the given ``[start, end)`` ranges, with white space trimmed at both ends."""
    pieces = []
    local = 0
    for start, end in ranges:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            pieces.append((local, start, end - start))
            local += end - start
    return tuple(pieces)
