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
from policytext.structure.header import ISSUER_LINE, closing_date
from policytext.structure.numbers import circled_to_int, cn_to_int

_CN = "一二三四五六七八九十百零〇两"
_LEGAL_LABEL = (
    rf"(?P<legal>第(?P<legal_num>[{_CN}\d]{{1,6}})(?P<legal_kind>编|部分|章|节|条)(?!例|件|款|项|规定|之))"
)
_OTHER_LABELS = r"""
    (?P<cn>(?P<cn_num>[一二三四五六七八九十]{1,3})、)
    |(?P<paren_cn>（(?P<paren_cn_num>[一二三四五六七八九十]{1,3})）)
    |(?P<arabic>(?P<arabic_num>\d{1,3})[.、](?![\d.]))
    |(?P<paren_arabic>（(?P<paren_arabic_num>\d{1,3})）)
    |(?P<circled>[①-⑳])
"""
_LABEL = re.compile(_LEGAL_LABEL + "|" + _OTHER_LABELS, re.X)
# The scans below only need the label's text (its meaning is looked up once per distinct label,
# see _candidate_info): the same alternatives without their named groups, which spares the
# regex engine a dozen group marks at every candidate.
_LABEL_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _LABEL.pattern)
_OTHER_LABELS_PLAIN = re.sub(r"\(\?P<\w+>", "(?:", _OTHER_LABELS)
# Where an item may start: a label at a line start, or right after a clause or a sentence on the
# same line ("…）（二）创新…").  The label is captured inside a lookahead (group 1), so that the
# "）" closing one inline label can precede the next.  One scan per start character: with a
# literal first character the regex engine jumps between candidates, while a character class
# makes it test every position (about twice as slow over long texts).
# Each scan first tests the character after its start against the labels' first characters: one
# set test rejects most positions before the alternation is tried.
_LINE_ITEM = re.compile(r"\n(?=[第一二三四五六七八九十（\d①-⑳])(?=(" + _LABEL_PLAIN + "))", re.X)
_FIRST_ITEM = re.compile(r"(?=(" + _LABEL_PLAIN + "))", re.X)
# Mid-line, legal labels (第X条) never start an item, so these scans leave them out.
_INLINE_ITEMS = tuple(
    (
        char,
        re.compile(
            re.escape(char) + r"(?=[一二三四五六七八九十（\d①-⑳])(?=(" + _OTHER_LABELS_PLAIN + "))", re.X
        ),
    )
    for char in "。）]】"
)
_LEGAL_STYLE = {"编": "part", "部分": "part", "章": "chapter", "节": "section", "条": "article"}
_LEGAL_RANK = {"part": 0, "chapter": 1, "section": 2, "article": 3}
_BARE_STYLES = frozenset({"chapter", "part", "section"})  # may stand alone on a line
_TITLE_MAX = 40  # a heading sentence ending in 。 is at most this long
_BARE_MAX = 60  # a bare heading line (no sentence end) is at most this long
_SENTENCE_ENDS = "。；！？"
# The spaces after a label, then the heading's characters up to a line or sentence end (at most
# _BARE_MAX + 1 of them: see _heading).
_HEADING_RUN = re.compile(f" *+([^\n{_SENTENCE_ENDS}]{{0,{_BARE_MAX + 1}}}+)")


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
    per numbered item (some 250,000 times over the laws corpus), so it is written for speed:
    the item found last lives in local variables (``cur_*``) and most items (87 % in laws) end
    there, childless, without ever being stored in the list of open items.
    """
    flat = FlatOutline()
    roots, nodes, parents, styles = flat.roots, flat.nodes, flat.parents, flat.styles
    text_end = len(text)
    candidate_info = _CANDIDATES
    new_span = tuple.__new__  # Span(a, b) without the named tuple's Python-level __new__
    last_number: dict[str, int] = {}
    style_depth: dict[str, int] = {}  # the depth each style last opened at (see _open_style)
    stack: tuple[str, ...] = ()  # open styles, outermost first (see _open_style)
    # the open items that have children, outermost first: [index, start, label end, line end (-1:
    # not looked up yet, most items never need it), label, number, style, depth, children]
    open_items: list[list[Any]] = []
    # the innermost of them, as the loop needs it for every item: its index (-1: none), where its
    # children go, and its depth (-2: none, below every depth)
    parent_index, add_node, open_depth = -1, roots.append, -2
    top_style, top_depth = "", -1  # the innermost open style (stack[-1]) and its depth
    # the item found last (still open; no child yet), if any (cur_index >= 0)
    cur_index, cur_start, cur_end, cur_limit, cur_depth = -1, 0, 0, -1, -1
    cur_label, cur_style, cur_number = "", "", 0
    label, style, number, end = "", "", 0, 0
    candidates, mid_line = _candidates(text, body_start)
    for match in candidates:
        if match is None:  # the end of the text (or a closing block after the last item) ends every open item
            pos = text_end
            # (laws end with their last article: a text with articles is not cut)
            stop = _closing_start(text, cur_start) if cur_index >= 0 and "article" not in styles else text_end
            depth = -1
        else:
            info = candidate_info[match[1]]
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
            elif last_number.get(style) != number - 1 or cur_index < 0:
                continue  # mid-line: only the next number of an open style starts an item
            else:  # the item found last is cut short at its first line
                if cur_limit < 0:
                    cur_limit = _line_end(text, cur_start)
                if pos < cur_limit:
                    cur_limit = pos
                stop = pos
            # the common case, an item of the innermost open style, keeps the stack as it is
            if style == top_style:
                depth = top_depth
            else:
                # an item that does not start its list may go back to its style's last depth
                stack = _open_style(stack, style, None if number == 1 else style_depth.get(style))
                depth = top_depth = len(stack) - 1
                top_style = style
                style_depth[style] = depth
        if cur_index >= 0:
            if depth > cur_depth:  # the item found last gets its first child: it stays open
                nodes.append(None)  # type: ignore[arg-type]  # its place, before its children's; see _close
                open_items.append(
                    [
                        cur_index,
                        cur_start,
                        cur_end,
                        cur_limit,
                        cur_label,
                        cur_number,
                        cur_style,
                        cur_depth,
                        [],
                    ]
                )
                parent_index, add_node, open_depth = cur_index, open_items[-1][8].append, cur_depth
            else:  # it ends, childless (the common case)
                while stop > cur_start and text[stop - 1] in "\n ":
                    stop -= 1
                if cur_style != "article":  # (what _title does, one call less)
                    title, heading_end = _heading(text, cur_end, cur_limit if cur_limit >= 0 else text_end)
                elif cur_end == text_end or text[cur_end] not in " （":
                    title, heading_end = None, cur_end  # the common case: no caption (see _caption)
                else:
                    title, heading_end = _title(text, cur_style, cur_start, cur_end, cur_limit, text_end)
                node = OutlineNode(
                    cur_label,
                    cur_number,
                    cur_style,
                    cur_depth,
                    title,
                    new_span(Span, (cur_start, stop)),
                    new_span(Span, (cur_start, heading_end)),
                    (),
                )
                nodes.append(node)  # (no node was added since this one started: it had no child)
                add_node(node)
                if open_depth >= depth:
                    while open_items and open_items[-1][7] >= depth:
                        _close(text, open_items, stop, nodes, roots)
                    parent_index, add_node, open_depth = _innermost(open_items, roots)
        if match is None:
            break
        cur_index = len(nodes)  # where its node will go (added when it ends or gets a child)
        parents.append(parent_index)
        styles.append(style)
        cur_start, cur_end, cur_limit, cur_depth = pos, end, -1, depth
        cur_label, cur_style, cur_number = label, style, number
        if mid_line:
            last_number[style] = number
    return flat


def _innermost(open_items: list[list[Any]], roots: list[OutlineNode]) -> tuple[int, Any, int]:
    """Index, ``append`` of the children and depth of the innermost open item (-1, roots, -2 if none)."""
    if not open_items:
        return -1, roots.append, -2
    item = open_items[-1]
    return item[0], item[8].append, item[7]


def _close(
    text: str, open_items: list[list[Any]], stop: int, nodes: list[OutlineNode], roots: list[OutlineNode]
) -> None:
    """End the innermost open item that has children, at ``stop`` (trailing blanks dropped)."""
    index, start, label_end, limit, label, number, style, depth, kids = open_items.pop()
    while stop > start and text[stop - 1] in "\n ":
        stop -= 1
    if style == "article" and (label_end == len(text) or text[label_end] not in " （"):
        title, heading_end = None, label_end
    else:
        title, heading_end = _title(text, style, start, label_end, limit, kids[0].span.start)
    node = OutlineNode(
        label,
        number,
        style,
        depth,
        title,
        _new_span(Span, (start, stop)),
        _new_span(Span, (start, heading_end)),
        tuple(kids),
    )
    nodes[index] = node
    if open_items:
        open_items[-1][8].append(node)
    else:
        roots.append(node)


def _title(
    text: str, style: str, start: int, label_end: int, limit: int, first_child: int
) -> tuple[str | None, int]:
    """Title and heading end of an item: an article's caption, else its heading sentence.

    The heading ends at the end of the item's first line, at ``limit`` if that is set (>= 0: the
    start of an item found later on the line), and at ``first_child`` (the first child's start,
    or the text's end) at the latest.
    """
    if style == "article":
        line_end = limit if limit >= 0 else _line_end(text, start)
        return _caption(text, label_end, min(line_end, first_child))
    # (the heading stops at the line end by itself: no need to look it up)
    return _heading(text, label_end, min(limit, first_child) if limit >= 0 else first_child)


# Span(a, b) without the named tuple's Python-level __new__.
_new_span = tuple.__new__


_CandidateInfo = tuple[str, str, int, int, bool, bool] | None


def _candidate_info(raw: str) -> _CandidateInfo:
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


class _CandidateCache(dict[str, _CandidateInfo]):
    """:func:`_candidate_info` by label, computed on a label's first lookup.

    The outline loop looks a label up for every candidate (256,000 times over the laws): a hit
    here is one dict lookup, about half the cost of an ``lru_cache`` call.  Labels repeat across
    documents, but their number is not bounded (第N条): the cache is emptied when it is full.
    """

    __slots__ = ()

    def __missing__(self, raw: str) -> _CandidateInfo:
        if len(self) >= _CACHE_SIZE:
            self.clear()
        info = self[raw] = _candidate_info(raw)
        return info


_CACHE_SIZE = 4096
_CANDIDATES = _CandidateCache()


def _closing_start(text: str, last_start: int) -> int:
    """Where the closing block after the last item begins (else the text's end): a 附件： line, the
    落款 (short agency lines above a date line), 抄送： or a 版记 line (…2025年3月2日印发).

    Only the lines after the last item's first line are looked at; texts with articles (laws,
    which end with their last article) are not looked at (the caller skips them).
    """
    text_end = len(text)
    first_line_end = text.find("\n", last_start)
    if first_line_end < 0:
        return text_end
    cut = text_end
    for word in ("\n附件", "\n抄送"):
        at = text.find(word, first_line_end, cut)
        while at >= 0:
            after = at + len(word)
            if after == text_end or text[after] in _CLOSING_AFTER_WORD:
                cut = at + 1
                break
            at = text.find(word, after, cut)
    _, date_span = closing_date(text, 0)  # (no region before a first item: the tail only)
    if date_span is not None and date_span.start > first_line_end:
        line_start = text.rfind("\n", 0, date_span.start) + 1
        # the agency lines just above the date (joint issuers print one per line)
        for _ in range(_CLOSING_AGENCY_LINES):
            above = text.rfind("\n", 0, line_start - 1) + 1
            if line_start <= first_line_end + 1 or not _is_agency_line(text[above : line_start - 1]):
                break
            line_start = above
        if line_start > first_line_end:
            cut = min(cut, line_start)
    return cut


_CLOSING_AFTER_WORD = "：: \n0123456789"
_CLOSING_AGENCY_LINES = 3


def _is_agency_line(line: str) -> bool:
    return 2 <= len(line) <= 40 and ISSUER_LINE.match(line) is not None


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
            if match.end() >= body_start
        ]
    lines: Iterable[re.Match[str]] = _LINE_ITEM.finditer(text, scan_from)
    if "\n附件" in text:
        listed = _attachment_list_lines(text)
        if listed:
            lines = [match for match in lines if match.start() not in listed]
    if not inline:
        return chain(first, lines, (None,)), False
    candidates = first + list(lines) + inline
    candidates.sort(key=_match_end)
    candidates.append(None)
    return candidates, True


def _attachment_list_lines(text: str) -> set[int]:
    """Newline positions before the lines that continue a list of attachments, which are not items.

    A 印发 notice or a plan's end lists its attachments: "附件：1.重点任务清单" then "2.责任分工表"
    on the next line, or "附件：" alone then "1." "2." lines.  Only short numbered lines without a
    sentence end, numbered on from the 附件 line, right below it, count: an attachment's own
    text (附件1 then its title and body) is left to the outline.
    """
    listed: set[int] = set()
    at = text.find("\n附件")
    while at >= 0:
        line_end = _line_end(text, at + 1)
        head = _ATTACHMENT_HEAD.match(text, at + 1, line_end)
        if head is not None:
            expected = int(head.group(1)) + 1 if head.group(1) else 1
            while line_end < len(text):
                next_end = _line_end(text, line_end + 1)
                entry = _ATTACHMENT_ENTRY.fullmatch(text, line_end + 1, next_end)
                if entry is None or int(entry.group(1)) != expected:
                    break
                listed.add(line_end)
                expected += 1
                line_end = next_end
        at = text.find("\n附件", line_end)
    return listed


# "附件：" alone, or with its first entry ("附件：1.重点任务清单"); the entries below it
_ATTACHMENT_HEAD = re.compile(r"附件 *[：:] *(?:(\d{1,2}) *[.、．] *[^\n。；]{1,60})?$")
_ATTACHMENT_ENTRY = re.compile(r" *(\d{1,2}) *[.、．] *[^\n。；]{1,60}")


def _match_end(match: re.Match[str] | None) -> int:
    return match.end() if match is not None else 0


@lru_cache(maxsize=1024)
def _open_style(stack: tuple[str, ...], style: str, known_depth: int | None = None) -> tuple[str, ...]:
    """The stack of open styles once an item of ``style`` opens; its depth is the new length - 1.

    Depth follows the order in which styles open, as a reader does; a chapter closes any open
    article/section, and a non-legal style never holds a legal one.  ``known_depth`` is the depth
    at which the style last opened, given for an item that does not start its list: a plan that
    lost its （一） prints 1. 2. 3. （二）, and （二） goes back to the depth of its style rather than
    becoming the first child of 3. (articles keep their own (一)(二) lists: no repair among legal
    styles).  Documents switch between a few stacks all the time (article → its sub-items → the
    next article): hence the cache.
    """
    if style in stack:
        return stack[: stack.index(style) + 1]
    rank = _LEGAL_RANK.get(style)
    if rank is not None:
        kept = list(stack)
        while kept and (_LEGAL_RANK.get(kept[-1], -1) >= rank or kept[-1] not in _LEGAL_RANK):
            kept.pop()
        stack = tuple(kept)
    elif known_depth is not None and known_depth < len(stack) and not any(s in _LEGAL_RANK for s in stack):
        stack = stack[:known_depth]
    return (*stack, style)


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


def _heading(text: str, label_end: int, limit: int) -> tuple[str | None, int]:
    """The heading sentence: a bare heading line, or a short first sentence ending in 。.

    The heading ends at the end of the item's first line, or at ``limit`` if earlier (its first
    child's start).  One regex match finds where: the run of characters after the label up to a
    line end or a sentence end, looked at for no more than 61 characters, beyond which the
    result cannot change.
    """
    if limit <= label_end:
        return None, label_end
    run = _HEADING_RUN.match(text, label_end, limit)
    begin, stop = run.span(1)  # type: ignore[union-attr]  # the pattern matches the empty string
    at_line_end = stop == limit or text[stop] == "\n"
    if begin == stop and at_line_end:
        return None, label_end  # nothing after the label
    if not at_line_end and text[stop] in _SENTENCE_ENDS:
        # a sentence end within the first _BARE_MAX + 1 characters
        return (text[begin:stop], stop + 1) if stop - begin <= _TITLE_MAX else (None, label_end)
    if at_line_end and stop - begin <= _BARE_MAX:
        # a bare heading line ("一、夯实教育基础支撑"), possibly ending with a colon
        return text[begin:stop].rstrip(" ：:，"), stop
    return None, label_end
