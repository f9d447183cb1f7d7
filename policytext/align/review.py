"""The review part of a work report (工作回顾): what was done, not tasks to take up.

A 政府工作报告 opens with a review of the past year or five years (一、2025年工作回顾,
“十四五”时期发展成就 …) before it sets out what is to be done (“十五五”时期主要目标任务,
2026年重点工作, 政府自身建设).  As an upper document only the forward-looking part holds tasks
a local plan can take up; the review reports achievements.  :func:`review_spans` finds the
review part from the headings:

- the document's first heading names a review (回顾, 工作总结, 成就, 成绩, 成效, 进展, 过去…),
  with no forward-looking word (目标, 任务, 安排, 考虑, 要求, 举措, 部署, 建议, 今年 …);
- the review goes on over the following headings of the same kind (a numbered 一、 section, or
  an unnumbered heading line such as «“十四五”时期工作回顾» in a report whose numbered items
  are the sub-tasks) until the first heading that does not name a review;
- a heading that names both (“十四五”时期发展成就和“十五五”时期主要目标任务) ends it inside
  that section: at the first paragraph that opens on the coming period (今年, 今后, 未来,
  根据《…》, the later year or five-year plan named in the heading);
- the opening before the first heading (各位代表, 我代表…向大会报告工作, photo captions) goes
  with the review: it states no task either.

An older report whose review has no heading (the national reports up to 2002 open with several
unheaded paragraphs on the past year, then 一、 is a task) has its opening taken as the review
when it runs to :data:`MIN_OPENING_PARAGRAPHS` paragraphs and the text says it is a report to a
congress.  A document whose first heading is not a review (a plan, a law) has no review part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policytext._util import line_spans
from policytext.model import PolicyDocument, Span

#: Words of a heading that names a review of past work.
REVIEW_TITLE = re.compile(r"回顾|工作总结|成就|成绩|成效|进展|过去|一年来|五年来")
#: Words of a heading that names work to come; a heading with both is mixed.
FORWARD_TITLE = re.compile(
    r"目标|任务|安排|考虑|要求|举措|部署|思路|建议|打算|重点工作|主要工作|工作重点|今年|明年|展望|政策取向"
)
#: An unnumbered heading line: short, no sentence punctuation, not a dash line or a caption.
_PLAIN_HEADING = re.compile(r"[^\s——][^。！？；;：:，,!?]{3,39}")
_NUMBER_LABEL = re.compile(
    r"\s*(?:第[一二三四五六七八九十百千零〇两\d]+[条章节编]|[一二三四五六七八九十]+、|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|[①-⑳])"
)
#: A sentence broken over lines (a text line, then a short fragment that only looks like a
#: heading): the last character of a long line left open, an opening mark ending any line, and
#: the first character of a line that goes on with the sentence.
_OPEN_END = re.compile(r"[\u4e00-\u9fff，、]")
_OPEN_MARK = re.compile(r"[（(《“]$")
_GOES_ON = re.compile(r"[，,。、；;：:）)》”]")
#: The opening of a paragraph on the coming period (inside a mixed section).
_FORWARD_OPENING = r"(?:今年|今后|未来|明年|下一步|展望|根据《|按照《)"
_YEAR = re.compile(r"(?:19|20)\d\d")
_PLAN = re.compile(r"十[一二三四五六七八九]?五")
#: Text that says the document is a report to a congress (政府工作报告 and the like).
_REPORT_CUE = re.compile(r"向.{0,24}大会.{0,8}(?:报告|作)|报告政府工作|作政府工作报告")
#: An unheaded opening of at least this many paragraphs is an older report's review.
MIN_OPENING_PARAGRAPHS = 5
#: Longer lines are text, not headings.
_MAX_HEADING = 40
#: Paragraphs shorter than this are captions, dates and salutations, not text.
_MIN_PARAGRAPH = 12


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading line: a top-level outline item or an unnumbered heading line naming a part."""

    start: int
    end: int
    title: str
    numbered: bool

    @property
    def kind(self) -> str:
        """``review``, ``forward``, ``mixed`` or ``other`` (names neither)."""
        review = REVIEW_TITLE.search(self.title) is not None
        forward = FORWARD_TITLE.search(self.title) is not None
        if review and forward:
            return "mixed"
        return "review" if review else "forward" if forward else "other"


def review_spans(doc: PolicyDocument) -> list[Span]:
    """Spans of ``doc.text`` that review past work (empty when the document has no review part)."""
    headings = headings_of(doc)
    if not headings:
        return []
    first = headings[0]
    if first.kind not in ("review", "mixed"):
        return _unheaded_review(doc.text, first.start)
    for number, heading in enumerate(headings):
        if number and heading.numbered and not first.numbered:
            continue  # a numbered item inside a review under an unnumbered heading
        if heading.kind == "review":
            continue
        if heading.kind == "mixed":
            following = next((h.start for h in headings[number + 1 :] if h.numbered == first.numbered), None)
            end = _mixed_end(doc.text, heading, len(doc.text) if following is None else following)
            return [Span(0, end)] if end < len(doc.text) else []
        return [Span(0, heading.start)]
    return []  # nothing but review: no part with tasks follows, so the structure is not a report's


def review_headings(doc: PolicyDocument) -> list[str]:
    """Titles of the headings inside the review part (to check what :func:`review_spans` took)."""
    spans = review_spans(doc)
    return [h.title for h in headings_of(doc) if any(s.start <= h.start < s.end for s in spans)]


def headings_of(doc: PolicyDocument) -> list[Heading]:
    """Top-level outline items and unnumbered heading lines that name a part, in text order."""
    found = [
        Heading(node.heading_span.start, node.heading_span.end, node.title or "", True)
        for node in doc.outline
        if node.depth == 0
    ]
    numbered_lines = {h.start for h in found}
    lines = [(start, end, doc.text[start:end].strip()) for start, end in line_spans(doc.text)]
    lines = [line for line in lines if line[2]]
    for number, (start, end, line) in enumerate(lines):
        if start in numbered_lines or not _PLAIN_HEADING.fullmatch(line) or _NUMBER_LABEL.match(line):
            continue
        before = lines[number - 1][2] if number else "。"
        after = lines[number + 1][2] if number + 1 < len(lines) else ""
        broken = len(before) > _MAX_HEADING and _OPEN_END.match(before[-1:])
        if broken or _OPEN_MARK.search(before) or _GOES_ON.match(after):
            continue  # a fragment of a sentence broken over lines, not a heading
        heading = Heading(start, end, line, False)
        if heading.kind != "other":
            found.append(heading)
    return sorted(found, key=lambda h: h.start)


def _mixed_end(text: str, heading: Heading, end: int) -> int:
    """Where the review ends inside a section that names past and coming work: the first
    paragraph that opens on the coming period (the later year or plan the heading names)."""
    opening = re.compile(
        rf"{_NUMBER_LABEL.pattern}?\s*[“\"]?(?:{'|'.join([_FORWARD_OPENING, *_later(heading.title)])})"
    )
    for start, stop in line_spans(text[heading.end : end]):
        line = text[heading.end + start : heading.end + stop]
        if len(line.strip()) >= _MIN_PARAGRAPH and opening.match(line):
            return heading.end + start
    return end


def _later(title: str) -> list[str]:
    """The later year and five-year plan a heading names, when it names two (2025年…2026年,
    “十四五”…“十五五”): a paragraph that opens on one of them is about the coming period.  A single
    year (2025年主要工作和“十四五”发展成就) is the one under review."""
    found = []
    for pattern in (_YEAR, _PLAN):
        named = set(pattern.findall(title))
        if len(named) >= 2:
            found.append(re.escape(max(named, key=_plan_order)))
    return found


def _plan_order(value: str) -> int:
    """Order of a year (2026) or a five-year plan (十五五 after 十四五) named in a heading."""
    if value.isdigit():
        return int(value)
    return "一二三四五六七八九".find(value[1]) if len(value) == 3 else -1


def _unheaded_review(text: str, first_heading: int) -> list[Span]:
    """An older report's review: a long opening before the first heading, which is a task."""
    opening = text[:first_heading]
    paragraphs = sum(1 for line in opening.split("\n") if len(line.strip()) >= _MIN_PARAGRAPH)
    if paragraphs >= MIN_OPENING_PARAGRAPHS and _REPORT_CUE.search(opening):
        return [Span(0, first_heading)]
    return []
