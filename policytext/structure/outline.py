"""The outline: numbered items (一、/（一）/1./（1）/①, 第X编/章/节/条) and their nesting.

Depth is not fixed per numbering style: Chinese documents nest the styles in whatever order the
drafter chose, so depth follows the order in which styles open (a stack), as a reader does.
The legal styles (编 > 章 > 节 > 条) keep their fixed order among themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from policytext.model import OutlineNode, Span
from policytext.structure.numbers import circled_to_int, cn_to_int

_CN = "一二三四五六七八九十百零〇两"
_LABEL = re.compile(
    rf"""
    (?P<legal>第(?P<legal_num>[{_CN}\d]{{1,6}})(?P<legal_kind>编|部分|章|节|条)(?!例|件|款|项|规定|之))
    |(?P<cn>(?P<cn_num>[一二三四五六七八九十]{{1,3}})、)
    |(?P<paren_cn>（(?P<paren_cn_num>[一二三四五六七八九十]{{1,3}})）)
    |(?P<arabic>(?P<arabic_num>\d{{1,3}})[.、](?![\d.]))
    |(?P<paren_arabic>（(?P<paren_arabic_num>\d{{1,3}})）)
    |(?P<circled>[①-⑳])
    """,
    re.X,
)
_LABEL_START = r"(?=第|[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十\d]{1,3}）|\d{1,3}[.、](?![\d.])|[①-⑳])"
# A line that starts with something that may be a label (checked by _LABEL afterwards).
_LINE_START = re.compile(r"\n" + _LABEL_START)
# An item that starts on the same line right after a clause or a sentence: "…）（二）创新…".
_INLINE_START = re.compile(r"[。）\]】]" + _LABEL_START.replace("第|", ""))
_LEGAL_STYLE = {"编": "part", "部分": "part", "章": "chapter", "节": "section", "条": "article"}
_LEGAL_RANK = {"part": 0, "chapter": 1, "section": 2, "article": 3}
_TITLE_MAX = 40
_SENTENCE_END = re.compile("[。；！？]")


@dataclass(slots=True)
class _Item:
    start: int
    label_end: int
    line_end: int
    label: str
    number: int
    style: str
    depth: int = 0


def parse_label(text: str, pos: int = 0) -> tuple[str, str, int, int] | None:
    """Match a numbering label at ``pos``: ``(label, style, number, end)`` or ``None``."""
    match = _LABEL.match(text, pos)
    if match is None:
        return None
    info = _label_info(match.group(0))
    if info is None:
        return None
    return info[0], info[1], info[2], match.end()


@lru_cache(maxsize=4096)
def _label_info(raw: str) -> tuple[str, str, int] | None:
    """Style and number of a label as matched; labels repeat across documents, hence the cache."""
    match = _LABEL.fullmatch(raw)
    if match is None:  # pragma: no cover - raw always comes from _LABEL
        return None
    if match.group("legal"):
        style = _LEGAL_STYLE[match.group("legal_kind")]
        number = cn_to_int(match.group("legal_num"))
    elif match.group("cn"):
        style, number = "cn", cn_to_int(match.group("cn_num"))
    elif match.group("paren_cn"):
        style, number = "paren_cn", cn_to_int(match.group("paren_cn_num"))
    elif match.group("arabic"):
        style, number = "arabic", int(match.group("arabic_num"))
    elif match.group("paren_arabic"):
        style, number = "paren_arabic", int(match.group("paren_arabic_num"))
    else:
        style, number = "circled", circled_to_int(match.group("circled"))
    if number is None:
        return None
    label = f"{number}." if style == "arabic" else raw  # 1、 / 1． / 1. all print as "1."
    return label, style, number


def build_outline(text: str, body_start: int = 0) -> tuple[OutlineNode, ...]:
    """Parse the numbered items of ``text`` (from ``body_start``) into a tree of nodes."""
    items = _find_items(text, body_start)
    _assign_depths(items)
    return _to_tree(text, items)


def _find_items(text: str, body_start: int) -> list[_Item]:
    """Numbered items at line starts, plus items that start mid-line after a clause or sentence.

    Candidates come from two regex scans over the whole text (fast, in C); the Python loop only
    visits candidates, never every line.
    """
    starts = [m.start() + 1 for m in _LINE_START.finditer(text, max(0, body_start - 1))]
    if body_start == 0 and _LABEL.match(text):
        starts.insert(0, 0)
    inline = [m.start() + 1 for m in _INLINE_START.finditer(text, body_start)] if "）" in text or "。" in text else []
    items: list[_Item] = []
    last_number: dict[str, int] = {}
    for pos, at_line_start in _merge(starts, inline):
        found = parse_label(text, pos)
        if found is None:
            continue
        label, style, number, end = found
        line_end = text.find("\n", pos)
        if line_end < 0:
            line_end = len(text)
        if at_line_start:
            if not _plausible(text, found, line_end):
                continue
        elif last_number.get(style) != number - 1 or not items:
            continue  # mid-line: only the next number of an open style starts an item
        else:
            items[-1].line_end = min(items[-1].line_end, pos)
        items.append(_Item(pos, end, line_end, label, number, style))
        last_number[style] = number
    return items


def _merge(starts: list[int], inline: list[int]) -> list[tuple[int, bool]]:
    merged = [(pos, True) for pos in starts]
    if inline:
        merged.extend((pos, False) for pos in inline)
        merged.sort()
    return merged


def _plausible(text: str, found: tuple[str, str, int, int], line_end: int) -> bool:
    label, style, number, end = found
    if end >= line_end and style not in ("chapter", "part", "section"):
        return False  # a bare "1." or "一、" line with nothing after it is not an item
    if style == "arabic" and number > 200:
        return False
    return not (style == "article" and number > 2000)


def _assign_depths(items: list[_Item]) -> None:
    stack: list[str] = []
    for item in items:
        style = item.style
        if style in stack:
            del stack[stack.index(style) + 1 :]
        else:
            rank = _LEGAL_RANK.get(style)
            if rank is not None:
                # a chapter closes any open article/section; a non-legal style never holds a legal one
                while stack and (_LEGAL_RANK.get(stack[-1], -1) >= rank or stack[-1] not in _LEGAL_RANK):
                    stack.pop()
            stack.append(style)
        item.depth = len(stack) - 1


def _to_tree(text: str, items: list[_Item]) -> tuple[OutlineNode, ...]:
    end_of = _item_ends(items, len(text))

    def build(index: int) -> tuple[OutlineNode, int]:
        item = items[index]
        children: list[OutlineNode] = []
        nxt = index + 1
        while nxt < len(items) and items[nxt].depth > item.depth:
            child, nxt = build(nxt)
            children.append(child)
        end = _rstrip_end(text, item.start, end_of[index])
        title, heading_end = _heading(text, item, children)
        node = OutlineNode(
            label=item.label,
            number=item.number,
            style=item.style,
            depth=item.depth,
            title=title,
            span=Span(item.start, end),
            heading_span=Span(item.start, heading_end),
            children=tuple(children),
        )
        return node, nxt

    roots: list[OutlineNode] = []
    index = 0
    while index < len(items):
        node, index = build(index)
        roots.append(node)
    return tuple(roots)


def _item_ends(items: list[_Item], text_end: int) -> list[int]:
    """Each item ends where the next item of the same or a shallower depth begins."""
    ends = [text_end] * len(items)
    open_items: list[int] = []
    for index, item in enumerate(items):
        while open_items and items[open_items[-1]].depth >= item.depth:
            ends[open_items.pop()] = item.start
        open_items.append(index)
    return ends


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in "\n ":
        end -= 1
    return end


def _heading(text: str, item: _Item, children: list[OutlineNode]) -> tuple[str | None, int]:
    """The heading sentence: a bare heading line, or a short first sentence ending in 。."""
    line_end = item.line_end
    if children:
        line_end = min(line_end, children[0].span.start)
    begin = item.label_end
    while begin < line_end and text[begin] == " ":
        begin += 1
    if begin >= line_end:
        return None, item.label_end
    if item.style == "article":
        # articles have no heading sentence, only an optional bracketed caption: 第一条（目的）
        if text[begin] == "（":
            close = text.find("）", begin, min(line_end, begin + 20))
            if close > 0:
                return text[begin + 1 : close], close + 1
        return None, item.label_end
    end = _SENTENCE_END.search(text, begin, line_end)
    if end is None:
        # a bare heading line ("一、夯实教育基础支撑"), possibly ending with a colon
        if line_end - begin <= 60:
            return text[begin:line_end].rstrip(" ：:，"), line_end
        return None, item.label_end
    if end.start() - begin <= _TITLE_MAX:
        return text[begin : end.start()], end.end()
    return None, item.label_end
