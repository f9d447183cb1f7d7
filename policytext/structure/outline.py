"""The outline: numbered items (一、/（一）/1./（1）/①, 第X编/章/节/条) and their nesting.

Depth is not fixed per numbering style: Chinese documents nest the styles in whatever order the
drafter chose, so depth follows the order in which styles open (a stack), as a reader does.
The legal styles (编 > 章 > 节 > 条) keep their fixed order among themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain
from typing import Any

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
# same line ("…）（二）创新…").  The label is captured inside a lookahead (group 1), so that the
# "）" closing one inline label can precede the next.  One scan per start character: with a
# literal first character the regex engine jumps between candidates, while a character class
# makes it test every position (about twice as slow over long texts).
_LINE_ITEM = re.compile(r"\n(?=(" + _LABEL.pattern + "))", re.X)
_FIRST_ITEM = re.compile(r"(?=(" + _LABEL.pattern + "))", re.X)
_INLINE_ITEMS = tuple(
    (char, re.compile(re.escape(char) + r"(?=(" + _LABEL.pattern + "))", re.X)) for char in "。）]】"
)
_LEGAL_STYLE = {"编": "part", "部分": "part", "章": "chapter", "节": "section", "条": "article"}
_LEGAL_RANK = {"part": 0, "chapter": 1, "section": 2, "article": 3}
_BARE_STYLES = frozenset({"chapter", "part", "section"})  # may stand alone on a line
_TITLE_MAX = 40  # a heading sentence ending in 。 is at most this long
_BARE_MAX = 60  # a bare heading line (no sentence end) is at most this long
_SENTENCE_END = re.compile("[。；！？]")


class FlatOutline:
    """The outline as a tree (``roots``) and as one pre-order list of nodes (= document order).

    Beside each node: its parent's index (-1 for a root) and style; on demand, the starts and the
    ends of the nodes' own regions (a node's own region runs to its first child's start, else to
    its end).  Own regions do not overlap, so anything found by one scan over the text can be
    assigned to its node by bisection.
    """

    __slots__ = ("_own_ends", "_starts", "nodes", "parents", "roots", "styles")

    def __init__(self) -> None:
        self.roots: list[OutlineNode] = []
        self.nodes: list[OutlineNode] = []
        self.parents: list[int] = []
        self.styles: list[str] = []
        self._starts: list[int] | None = None
        self._own_ends: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [node.span.start for node in self.nodes]
        return self._starts

    @property
    def own_ends(self) -> list[int]:
        if self._own_ends is None:
            self._own_ends = [
                node.children[0].span.start if node.children else node.span.end for node in self.nodes
            ]
        return self._own_ends


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
    return tuple(build_outline_flat(text, body_start).roots)


def build_outline_flat(text: str, body_start: int = 0) -> FlatOutline:
    """The outline as a tree and as a flat pre-order list (see :class:`FlatOutline`).

    One loop over the candidate labels in document order: an item ends where the next item of the
    same or a shallower depth begins, its parent is the nearest earlier item still open then, and
    its node is built as soon as it ends (its children are built by then).  The loop runs once
    per numbered item (some 250,000 times over the laws corpus), so it is written for speed.
    """
    flat = FlatOutline()
    roots, nodes, parents, styles = flat.roots, flat.nodes, flat.parents, flat.styles
    text_end = len(text)
    candidate_info = _candidate_info
    new_span = tuple.__new__  # Span(a, b) without the named tuple's Python-level __new__
    last_number: dict[str, int] = {}
    stack: list[str] = []  # open styles, outermost first (see _depth)
    # items not ended yet, outermost first: [index, start, label end, line end (-1: not looked up
    # yet, most articles never need it), label, number, style, depth, children or None]
    open_items: list[list[Any]] = []
    label, style, number, end = "", "", 0, 0
    candidates, mid_line = _candidates(text, body_start)
    for match in candidates:
        if match is None:  # the end of the text ends every open item
            pos = stop = text_end
            depth = -1
        else:
            info = candidate_info(match[1])
            if info is None:
                continue
            label, style, number, length, needs_text, implausible = info
            pos = match.end()
            end = pos + length
            if pos == 0:
                stop = 0
                if implausible or (needs_text and (end == text_end or text[end] == "\n")):
                    continue
            elif not mid_line or text[pos - 1] == "\n":
                stop = pos - 1  # an item ends before the newline that ends its last line
                if implausible or (needs_text and (end == text_end or text[end] == "\n")):
                    continue  # a bare "1." or "一、" line with nothing after it is not an item
            elif last_number.get(style) != number - 1 or not open_items:
                continue  # mid-line: only the next number of an open style starts an item
            else:
                last = open_items[-1]  # the item found last is still open
                if last[3] < 0:
                    last[3] = _line_end(text, last[1])
                if pos < last[3]:
                    last[3] = pos
                stop = pos
            # the common case, an item of the innermost open style, keeps the stack as it is
            depth = len(stack) - 1 if stack and stack[-1] == style else _depth(stack, style)
        while open_items and open_items[-1][7] >= depth:
            index, start, label_end, heading_limit, item_label, item_number, item_style, item_depth, kids = (
                open_items.pop()
            )
            while stop > start and text[stop - 1] in "\n ":
                stop -= 1
            if item_style == "article" and (label_end == text_end or text[label_end] not in " （"):
                title, heading_end = None, label_end  # the common case: no caption (see _caption)
            else:
                if heading_limit < 0:
                    heading_limit = _line_end(text, start)
                if kids is not None and kids[0].span.start < heading_limit:
                    heading_limit = kids[0].span.start
                if item_style == "article":
                    title, heading_end = _caption(text, label_end, heading_limit)
                else:
                    title, heading_end = _heading(text, label_end, heading_limit)
            node = OutlineNode(
                item_label,
                item_number,
                item_style,
                item_depth,
                title,
                new_span(Span, (start, stop)),
                new_span(Span, (start, heading_end)),
                () if kids is None else tuple(kids),
            )
            nodes[index] = node
            if not open_items:
                roots.append(node)
            elif open_items[-1][8] is None:
                open_items[-1][8] = [node]
            else:
                open_items[-1][8].append(node)
        if match is None:
            break
        index = len(nodes)
        parents.append(open_items[-1][0] if open_items else -1)
        open_items.append([index, pos, end, -1, label, number, style, depth, None])
        nodes.append(None)  # type: ignore[arg-type]  # the node is built when the item ends
        styles.append(style)
        if mid_line:
            last_number[style] = number
    return flat


@lru_cache(maxsize=4096)
def _candidate_info(raw: str) -> tuple[str, str, int, int, bool, bool] | None:
    """:func:`_label_info` plus what the outline loop checks at a line start, computed once per label.

    ``(label, style, number, length, needs_text, implausible)``: ``needs_text`` — a bare line
    with only this label is not an item (chapters may stand alone); ``implausible`` — a number
    too large for its style (no 201st item, no 2001st article).
    """
    info = _label_info(raw)
    if info is None:
        return None
    label, style, number = info
    implausible = (style == "arabic" and number > 200) or (style == "article" and number > 2000)
    return label, style, number, len(raw), style not in _BARE_STYLES, implausible


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return end if end >= 0 else len(text)


def _candidates(text: str, body_start: int) -> tuple[Iterable[re.Match[str] | None], bool]:
    """Label matches that may start an item, in document order, and ``None`` (the end) last;
    and whether any of them is mid-line.

    Line-start candidates come from one regex scan; mid-line ones (after 。/）/]/】) are rare and
    merged in only when there are any.  The Python loop visits candidates, never every line; in
    the usual case (no mid-line candidate) it takes the matches from the scan as they come
    rather than from a list, which keeps hundreds of thousands of match objects out of memory.
    """
    first: list[re.Match[str] | None] = []
    if body_start == 0:
        match = _FIRST_ITEM.match(text)
        if match:
            first.append(match)
    scan_from = max(0, body_start - 1)
    inline: list[re.Match[str] | None] = []
    if "）" in text or "。" in text:
        inline = [
            match
            for char, pattern in _INLINE_ITEMS
            if char in text
            for match in pattern.finditer(text, scan_from)
            if match.group(1)[0] != "第" and match.end() >= body_start
        ]
    if not inline:
        return chain(first, _LINE_ITEM.finditer(text, scan_from), (None,)), False
    candidates = first + list(_LINE_ITEM.finditer(text, scan_from)) + inline
    candidates.sort(key=_match_end)
    candidates.append(None)
    return candidates, True


def _match_end(match: re.Match[str] | None) -> int:
    return match.end() if match is not None else 0


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


def _caption(text: str, label_end: int, line_end: int) -> tuple[str | None, int]:
    """Articles have no heading sentence, only an optional bracketed caption: 第一条（目的）."""
    begin = label_end
    while begin < line_end and text[begin] == " ":
        begin += 1
    if begin < line_end and text[begin] == "（":
        close = text.find("）", begin, min(line_end, begin + 20))
        if close > 0:
            return text[begin + 1 : close], close + 1
    return None, label_end


def _heading(text: str, label_end: int, line_end: int) -> tuple[str | None, int]:
    """The heading sentence: a bare heading line, or a short first sentence ending in 。.

    ``line_end`` is the end of the item's first line, or its first child's start if earlier.
    """
    begin = label_end
    while begin < line_end and text[begin] == " ":
        begin += 1
    if begin >= line_end:
        return None, label_end
    # only the first _BARE_MAX + 1 characters can decide: a sentence end further on makes no title
    end = _SENTENCE_END.search(text, begin, min(line_end, begin + _BARE_MAX + 1))
    if end is None:
        # a bare heading line ("一、夯实教育基础支撑"), possibly ending with a colon
        if line_end - begin <= _BARE_MAX:
            return text[begin:line_end].rstrip(" ：:，"), line_end
        return None, label_end
    if end.start() - begin <= _TITLE_MAX:
        return text[begin : end.start()], end.end()
    return None, label_end
