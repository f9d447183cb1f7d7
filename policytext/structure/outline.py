"""The outline: numbered items (一、/（一）/1./（1）/①, 第X编/章/节/条) and their nesting.

Depth is not fixed per numbering style: Chinese documents nest the styles in whatever order the
drafter chose, so depth follows the order in which styles open (a stack), as a reader does.
The legal styles (编 > 章 > 节 > 条) keep their fixed order among themselves.
"""

from __future__ import annotations

import re
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
# Where an item may start: a label at a line start, or right after a clause or a sentence on the
# same line ("…）（二）创新…").  One scan finds both kinds; the label is captured inside a
# lookahead (group "raw"), so that the "）" closing one inline label can precede the next.
_ITEM_START = re.compile(r"[\n。）\]】](?=(?P<raw>" + _LABEL.pattern + "))", re.X)
_LEGAL_STYLE = {"编": "part", "部分": "part", "章": "chapter", "节": "section", "条": "article"}
_LEGAL_RANK = {"part": 0, "chapter": 1, "section": 2, "article": 3}
_TITLE_MAX = 40
_SENTENCE_END = re.compile("[。；！？]")


class _Items:
    """The numbered items found, as parallel lists (far cheaper than an object per item).

    ``parents`` and ``ends`` follow from the depths: an item ends where the next item of the same
    or a shallower depth begins, and its parent is the nearest earlier item still open then.
    """

    __slots__ = ("depths", "ends", "label_ends", "labels", "line_ends", "numbers", "parents", "starts", "styles")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.label_ends: list[int] = []
        self.line_ends: list[int] = []
        self.labels: list[str] = []
        self.numbers: list[int] = []
        self.styles: list[str] = []
        self.depths: list[int] = []
        self.parents: list[int] = []
        self.ends: list[int] = []


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
    return build_outline_flat(text, body_start)[0]


def build_outline_flat(text: str, body_start: int = 0) -> tuple[tuple[OutlineNode, ...], list[OutlineNode], list[int]]:
    """The outline, plus all its nodes in document (pre-)order and each one's parent index (-1).

    The structure stage needs the flat view too; building both at once avoids walking the tree.
    """
    items = _find_items(text, body_start)
    nodes = _to_nodes(text, items)
    roots = tuple(node for node, parent in zip(nodes, items.parents, strict=True) if parent < 0)
    return roots, nodes, items.parents


def _find_items(text: str, body_start: int) -> _Items:
    """Numbered items at line starts, plus items that start mid-line after a clause or sentence.

    Candidates come from one regex scan over the whole text (fast, in C); the Python loop only
    visits candidates, never every line.  Depths, parents and ends are assigned in the same loop.
    """
    candidates: list[tuple[int, str]] = []  # (start, label as matched); mid-line ones negated
    if body_start == 0:
        first = _LABEL.match(text)
        if first:
            candidates.append((0, first.group()))
    inline_ok = "）" in text or "。" in text
    for match in _ITEM_START.finditer(text, max(0, body_start - 1)):
        raw = match.group("raw")
        if match.group()[0] == "\n":
            candidates.append((match.end(), raw))
        elif inline_ok and raw[0] != "第" and match.end() >= body_start:
            candidates.append((-match.end(), raw))
    items = _Items()
    starts, label_ends, line_ends, labels = items.starts, items.label_ends, items.line_ends, items.labels
    numbers, styles, depths, parents, ends = items.numbers, items.styles, items.depths, items.parents, items.ends
    last_number: dict[str, int] = {}
    stack: list[str] = []  # open styles, outermost first (see _depth)
    open_items: list[int] = []  # items not yet ended, outermost first
    text_end = len(text)
    find = text.find
    for pos, raw in candidates:
        info = _label_info(raw)
        if info is None:
            continue
        at_line_start = pos >= 0
        if not at_line_start:
            pos = -pos
        label, style, number = info
        end = pos + len(raw)
        line_end = find("\n", pos)
        if line_end < 0:
            line_end = text_end
        if at_line_start:
            if not _plausible(style, number, end, line_end):
                continue
        elif last_number.get(style) != number - 1 or not starts:
            continue  # mid-line: only the next number of an open style starts an item
        elif pos < line_ends[-1]:
            line_ends[-1] = pos
        # the common case, an item of the innermost open style, keeps the stack as it is
        depth = len(stack) - 1 if stack and stack[-1] == style else _depth(stack, style)
        while open_items and depths[open_items[-1]] >= depth:
            ends[open_items.pop()] = pos
        parents.append(open_items[-1] if open_items else -1)
        open_items.append(len(starts))
        starts.append(pos)
        label_ends.append(end)
        line_ends.append(line_end)
        labels.append(label)
        numbers.append(number)
        styles.append(style)
        depths.append(depth)
        ends.append(text_end)
        last_number[style] = number
    return items


def _plausible(style: str, number: int, end: int, line_end: int) -> bool:
    if end >= line_end and style not in ("chapter", "part", "section"):
        return False  # a bare "1." or "一、" line with nothing after it is not an item
    if style == "arabic" and number > 200:
        return False
    return not (style == "article" and number > 2000)


def _depth(stack: list[str], style: str) -> int:
    """Depth of an item of ``style``, updating the stack of open styles.

    Depth follows the order in which styles open, as a reader does; a chapter closes any open
    article/section, and a non-legal style never holds a legal one.
    """
    if style in stack:
        del stack[stack.index(style) + 1 :]
    else:
        rank = _LEGAL_RANK.get(style)
        if rank is not None:
            while stack and (_LEGAL_RANK.get(stack[-1], -1) >= rank or stack[-1] not in _LEGAL_RANK):
                stack.pop()
        stack.append(style)
    return len(stack) - 1


def _to_nodes(text: str, items: _Items) -> list[OutlineNode]:
    """Build the nodes from the last item back, so that each node's children exist before it.

    Returns the nodes in document order.  (Iterative: no recursion limit, no reference cycle.)
    """
    count = len(items.starts)
    nodes: list[OutlineNode] = [None] * count  # type: ignore[list-item]
    children: list[list[OutlineNode]] = [[] for _ in range(count)] if count else []
    starts, ends, parents = items.starts, items.ends, items.parents
    line_ends, label_ends, styles = items.line_ends, items.label_ends, items.styles
    new_span = tuple.__new__  # Span(a, b) without the namedtuple's Python-level __new__
    for index in range(count - 1, -1, -1):
        start = starts[index]
        end = ends[index]
        while end > start and text[end - 1] in "\n ":
            end -= 1
        kids = children[index]
        kids.reverse()  # they were collected from the last one back
        line_end = line_ends[index]
        if kids and kids[0].span.start < line_end:
            line_end = kids[0].span.start
        title, heading_end = _heading(text, styles[index], label_ends[index], line_end)
        node = OutlineNode(
            items.labels[index],
            items.numbers[index],
            styles[index],
            items.depths[index],
            title,
            new_span(Span, (start, end)),
            new_span(Span, (start, heading_end)),
            tuple(kids),
        )
        nodes[index] = node
        parent = parents[index]
        if parent >= 0:
            children[parent].append(node)
    return nodes


def _heading(text: str, style: str, label_end: int, line_end: int) -> tuple[str | None, int]:
    """The heading sentence: a bare heading line, or a short first sentence ending in 。.

    ``line_end`` is the end of the item's first line, or its first child's start if earlier.
    """
    begin = label_end
    while begin < line_end and text[begin] == " ":
        begin += 1
    if begin >= line_end:
        return None, label_end
    if style == "article":
        # articles have no heading sentence, only an optional bracketed caption: 第一条（目的）
        if text[begin] == "（":
            close = text.find("）", begin, min(line_end, begin + 20))
            if close > 0:
                return text[begin + 1 : close], close + 1
        return None, label_end
    end = _SENTENCE_END.search(text, begin, line_end)
    if end is None:
        # a bare heading line ("一、夯实教育基础支撑"), possibly ending with a colon
        if line_end - begin <= 60:
            return text[begin:line_end].rstrip(" ：:，"), line_end
        return None, label_end
    if end.start() - begin <= _TITLE_MAX:
        return text[begin : end.start()], end.end()
    return None, label_end
