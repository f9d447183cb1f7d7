"""Normalisation: turn text as it arrives into the one canonical text every later stage uses.

Policy documents mix full- and half-width forms freely (``（一）`` and ``(一)``, ``１．`` and
``1.``, ``：`` and ``:``), carry web-page clutter (``下载 打印 【字号：大 中 小】``,
``相关链接`` footers), Markdown markers (laws from LawRefBook), indentation with ideographic
spaces and stray spaces inside numbers (``１０ 亿元``).  Every span policytext reports points
into the canonical text produced here, so this stage must be deterministic and idempotent:
``normalize(normalize(x)) == normalize(x)``.

The canonical form:

* ASCII digits and Latin letters; Chinese punctuation (``，：；（）``) in Chinese context;
* 文号 brackets as ``〔2024〕``;
* one paragraph per line, no blank lines, no leading indentation, no trailing spaces;
* no clutter lines and no trailing "related links" footer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["NormalizeOptions", "normalize"]

# Full-width ASCII variants (！ to ～) map to ASCII; the Chinese forms of the punctuation marks
# below are kept, and half-width ones are turned into them where the context is Chinese.
_WIDTH: dict[str, str] = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
for _keep in "（），：；！？【】〔〕《》":
    _WIDTH.pop(_keep, None)
_WIDTH.update(
    {
        "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
        "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
        "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
        "\uff5f": "（", "\uff60": "）", "\ufe59": "（", "\ufe5a": "）",
    }
)  # fmt: skip
# Control characters other than newline carry nothing in a policy text.
for _code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F):
    _WIDTH[chr(_code)] = ""
# A regex finds the few characters to map: much faster than str.translate over long CJK text.
# The same scan notes private-use characters (see _PUA), saving a second pass over the text.
_WIDTH_CHARS = re.compile("[" + "".join(re.escape(c) for c in sorted(_WIDTH)) + "\ue000-\uf8ff]")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕…—"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJKP_CHAR = re.compile(f"[{_CJK}{_CJK_PUNCT}]")

# A private-use character right after a leading number is a dot drawn with a symbol font
# (seen in Qingdao documents: "1\ue010突破…"); other private-use characters are dropped.
_PUA = re.compile(r"[\ue000-\uf8ff]")
_PUA_FIRST, _PUA_LAST = "\ue000", "\uf8ff"
_PUA_DOT = re.compile(r"(?m)^(\s*\d{1,3})[\ue000-\uf8ff]")

# Runs of spaces; whether one is kept depends on its neighbours (see _space).
_SPACES = re.compile(r" +")
# A 落款 line naming two or more bodies side by side ("国务院　中央军委") above the date: one space
# is kept between them, or they would read as one body.  Looked for near the text's end only.
_AGENCY = r"[\u4e00-\u9fff]{0,20}?(?:国务院|中央军委|中共中央|人民政府|办公厅|办公室|委员会|常委会|政协|军区|总部|部|局|委|厅|院|署)"
# (the names alone; the date line below them is found first, see _protect_agency_spaces)
_AGENCY_NAMES = re.compile(rf" *(?P<names>{_AGENCY}(?: +{_AGENCY})+) *")
# A newline before a date line (blank lines may come between): "\n 一九九六年…", "\n(2025年…".
_BEFORE_DATE_LINE = re.compile(r"\n(?=[ \n]*[（(]?(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4}) *年)")
_AGENCY_WINDOW = 300
# Stands for a kept space while the other spaces are dropped (control characters are gone by then).
_KEPT_SPACE = "\x02"
# The common case decided without a Python call: a run not followed by printable ASCII goes.
# Written " (?<!  ) *+" rather than " ++" so that the scan can jump to spaces (a literal first
# item) and only tries a run at its first space (linear time on long runs).
_SPACES_BEFORE_NON_ASCII = re.compile(r" (?<!  ) *+(?![!-~])")
# A Markdown heading marker ("## 第一章 总则") at a line start.
_MD_HEADING = re.compile(r" *#{1,6}(?: +|$)", re.M)
_TAB_RUN = re.compile(r" *\t[\t ]*")
_EDGE_TABS = re.compile(r"^[\t ]+|[\t ]+$", re.M)
# Half-width punctuation that becomes Chinese when a neighbour is Chinese.
_HALF_PUNCT = re.compile(r" ?[:,;?!]")
_HALF_MARKS = ":,;?!"
_HALF_TO_FULL = {":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}
_LINE_END_DOT = re.compile(r"\.(?=\n|$)")
# Any matched pair of round brackets, half-width, full-width or mixed, becomes （…）.
_PAREN_PAIR = re.compile(r"[（(]([^（）()\n]*)[）)]")

# 文号: 鲁政发[2023]5号, 国办发（2019）3号, 京政发［2020］10号 → 〔YYYY〕 (after a Chinese character).
_DOC_NUMBER = re.compile(rf"[\[（(【〔［](?<=[{_CJK}].)((?:19|20)\d{{2}})[\]）)】〕］] ?(\d{{1,4}}) ?号")

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)

# Web-page clutter lines: toolbars made only of these words and brackets.
_CLUTTER_WORDS = (
    "下载|打印|全屏|收藏|分享|关闭|字号|加大|还原|减小|默认|大|中|小|打印本页|关闭窗口|"
    "返回顶部|【|】|\\[|\\]|：|:|\\||/|浏览次数|保存|纠错|扫一扫|在手机打开|视力保护色"
)
# Two or more words with whitespace between, for every line of a text at once (whitespace other
# than the newline), written so that each space can be matched one way only
# (``(?:\s*W\s*){2,}`` backtracks exponentially on "打印 | | | … x").  The look-ahead
# at the words' first characters is pure speed: one set test rejects nearly every line, where the
# alternation tried each of its words.
_CLUTTER_FIRST_CHARS = "下打全收分关字加还减默大中小返【】[]：:|/浏保纠扫在视"
_CLUTTER_LINE_IN_TEXT = re.compile(
    rf"\n(?=[^\S\n]*[{re.escape(_CLUTTER_FIRST_CHARS)}])"
    rf"[^\S\n]*(?:{_CLUTTER_WORDS})(?:[^\S\n]*(?:{_CLUTTER_WORDS}))+[^\S\n]*(?=\n|\Z)"
)
_CLUTTER_HINT = re.compile(r"打印|字号|收藏|分享|关闭|字体")
# At the top of a scraped page, a toolbar may come one word per line, and a breadcrumb line.
_TOP_CLUTTER_LINE = re.compile(
    rf"^(?:(?:{_CLUTTER_WORDS}|字体|加大|减小|还原|【字号：?|】)|(?:当前位置|您当前的位置|您的位置|首页\s*[>＞»]).*"
    r"|.*(?:扫一扫在手机打开当前页|浏览次数[：:]?\s*\d*).*)$"
)
# The first two alternatives of _TOP_CLUTTER_LINE (see _is_top_clutter).
_TOP_CLUTTER_START = re.compile(
    rf"^(?:(?:{_CLUTTER_WORDS}|字体|加大|减小|还原|【字号：?|】)|(?:当前位置|您当前的位置|您的位置|首页\s*[>＞»]).*)$"
)
_TOP_LINES = 20
# Residue of HTML markup in scraped text: line-breaking tags and the common entities.
_HTML_HINT = re.compile(r"<(?:br|p|div|/p|/div|html|body|span|/span|td|tr)\b", re.I)
_HTML_BREAK = re.compile(r"<(?:br|p|/p|div|/div|tr|/tr|li|/li|h[1-6]|/h[1-6])\b[^<>]{0,200}>", re.I)
_HTML_INLINE = re.compile(
    r"</?(?:html|head|body|span|font|strong|b|i|em|td|th|table|tbody|thead|title|meta|u)\b[^<>]{0,200}>", re.I
)
_ENTITIES = {
    "&nbsp;": " ",
    "&gt;": ">",
    "&lt;": "<",
    "&amp;": "&",
    "&quot;": '"',
    "&#39;": "'",
    "&ensp;": " ",
    "&emsp;": " ",
}
_ENTITY = re.compile("|".join(_ENTITIES))
# Footers after which nothing belongs to the document.
_FOOTER = re.compile(
    r"(?:相关(?:链接|解读|报道|文件|阅读|新闻|政策|附件)|扫一扫在手机打开当前页|"
    r"本作品是中华人民共和国的|【(?:打印|关闭)(?:本页|窗口)?】|打印本页|关闭窗口)"
)

# The longest footer line (without a trailing colon); longer lines are sentences.
_FOOTER_MAX = 12
# The same footers at a line start, found by one scan from a newline (fast literal prefix).
_FOOTER_LINE = re.compile(r"\n" + _FOOTER.pattern)
_LABEL_LINE = re.compile(
    r"(?:第[一二三四五六七八九十百零〇两\d]+[章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
)
_TERMINAL = set("。！？；：，、」”")
# Rounds of clutter dropping and line joining (see _drop_and_join); each one that changes the
# text shortens it, and two are nearly always enough.
_MAX_ROUNDS = 6


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """Switches for the normalisation steps; the defaults are what every stage expects."""

    strip_clutter: bool = True
    join_broken_headings: bool = True
    drop_markdown: bool = True


def normalize(text: str, options: NormalizeOptions | None = None) -> str:
    """Return the canonical form of ``text`` (idempotent).

    Every step works on the whole text with a few regex passes, and is skipped when its trigger
    characters are absent: a Python loop over lines costs more than all the regex scans together.

    >>> normalize("(一)加强学科建设:支持 １０ 所学校 。")
    '（一）加强学科建设：支持10所学校。'
    """
    opts = options or NormalizeOptions()
    if "<" in text and _HTML_HINT.search(text):
        text = _strip_html_residue(text)
    text, has_pua = _map_widths(text)
    if has_pua:
        text = _PUA.sub("", _PUA_DOT.sub(r"\1.", text))
    if opts.drop_markdown and "<!--" in text:
        text = _HTML_COMMENT.sub("", text)
    if opts.drop_markdown and "#" in text:
        text = _strip_markdown_headings(text)
    if " " in text:
        text = _drop_spaces(text)
    if "号" in text:
        # before the brackets are paired: in a mistyped "(人社部发〔2021)73号)" the ")" closing the
        # year belongs to the 文号, and pairing first would take it as the partner of "("
        text = _bracket_doc_numbers(text)
    text = _punctuation(text)
    if " " in text:
        # a mark just made Chinese ("一! 1" → "一！ 1") leaves a space next to it: drop it too,
        # as a second normalisation would (idempotence)
        text = _drop_spaces(text)
    if "\t" in text:
        # a tab separates table cells (docx/html tables, TSV): keep one between cells
        text = _EDGE_TABS.sub("", _TAB_RUN.sub("\t", text))
    if "\n" in text:
        text = _drop_blank_lines(text)
    return _drop_and_join(text, opts)


def _drop_and_join(text: str, opts: NormalizeOptions) -> str:
    """Drop clutter and join broken lines, each repeated until it changes nothing.

    The steps change what the others see, and a second normalisation would take the next step,
    so this one does (idempotence): dropping or joining lines moves the first 20 lines searched
    for toolbars and the last fifth searched for a footer, and a joined title can make a line
    that starts like a heading.  A footer cut removes the last lines only, so it never brings
    in a new toolbar line or a new join.  On the usual text no step changes anything, and each
    runs once.
    """
    if opts.strip_clutter:
        text = _until_stable(_cut_footer, _until_stable(_drop_top_clutter, _drop_clutter_lines(text)))
    if not opts.join_broken_headings:
        return text
    for _ in range(_MAX_ROUNDS):
        headings = _join_broken_headings(text)
        joined = _join_broken_title(headings)
        if joined is text:
            return text
        if opts.strip_clutter:
            moved = _until_stable(_cut_footer, _until_stable(_drop_top_clutter, joined))
        else:
            moved = joined
        if joined is headings and moved is joined:
            return moved  # only headings joined and nothing moved: one heading pass is a fixed point
        text = moved
    return text


def _until_stable(step: Callable[[str], str], text: str) -> str:
    """Apply ``step`` until it returns its argument unchanged (each step only removes text)."""
    for _ in range(_MAX_ROUNDS):
        changed = step(text)
        if changed is text or changed == text:
            return changed
        text = changed
    return text


def _drop_blank_lines(text: str) -> str:
    """The non-empty lines, joined (blank-line runs become one newline, none at either end): a
    split and a join cost less than a regex substitution on texts with a blank line after every
    paragraph (the Markdown laws: 360,000 of them)."""
    return "\n".join(filter(None, text.split("\n")))


def _strip_html_residue(text: str) -> str:
    """Scraped text that kept some markup: line-breaking tags become line breaks, layout tags go.

    Only formatting tags are touched; anything else (a ``<script>`` quoted in a document) stays
    text, so that reports show it as text.
    """
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_INLINE.sub("", text)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], text)


def _map_widths(text: str) -> tuple[str, bool]:
    """Map widths and invisible characters; also tell whether private-use characters occur."""
    has_pua = False

    def replace(match: re.Match[str]) -> str:
        nonlocal has_pua
        char = match.group()
        mapped = _WIDTH.get(char)
        if mapped is None:  # a private-use character: left for the _PUA step
            has_pua = True
            return char
        return mapped

    return _WIDTH_CHARS.sub(replace, text), has_pua


def _strip_markdown_headings(text: str) -> str:
    """ "## 第一章 总则" → "第一章 总则" (up to six #, then a space or the line end).

    Only lines holding a "#" are looked at (found by ``str.find``), once each.
    """
    pieces: list[str] = []
    last = 0
    pos = text.find("#")
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        heading = _MD_HEADING.match(text, line_start)
        if heading:
            pieces.append(text[last:line_start])
            last = heading.end()
        line_end = text.find("\n", pos)
        if line_end < 0:
            break
        pos = text.find("#", line_end)
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _bracket_doc_numbers(text: str) -> str:
    """文号 brackets as 〔YYYY〕: the same as ``_DOC_NUMBER.sub`` over the text, but only looked
    for just before each 号 (rare), instead of scanning every character.

    A match ends at a 号 and is at most 13 characters long; matches cannot overlap (each starts
    with an opening bracket, which never occurs inside one), so the windows find them all.
    """
    pieces: list[str] = []
    last = 0
    pos = text.find("号")
    while pos >= 0:
        before = text[pos - 1] if pos else ""
        if before == " " or before.isdigit():  # "…5号" / "…5 号": else no 文号 can end here
            for match in _DOC_NUMBER.finditer(text, max(last, pos - 13), pos + 1):
                pieces.append(text[last : match.start()])
                pieces.append(f"〔{match.group(1)}〕{match.group(2)}号")
                last = match.end()
        pos = text.find("号", pos + 1)
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _punctuation(text: str) -> str:
    if "(" in text or ")" in text:
        text = _pair_parens(text)
    if any(mark in text for mark in _HALF_MARKS):
        # a converted mark makes its neighbour Chinese context too ("一,," → "一，，"): repeat to the fixed point
        for _ in range(8):
            converted = _half_punct_pass(text)
            if converted == text:
                break
            text = converted
    if "." in text:
        text = _LINE_END_DOT.sub(_line_end_dot, text)
    return text


def _pair_parens(text: str) -> str:
    """Brackets of matched pairs as （…）: innermost pairs first, up to three levels of nesting.

    Only lines holding a half-width bracket are rewritten: a pair never spans lines, and on the
    other lines every pair is already full-width and would map to itself.
    """
    pieces: list[str] = []
    last = 0  # end of the text already copied
    pos = _next_half_paren(text, 0)
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos)
        if line_end < 0:
            line_end = len(text)
        line = text[line_start:line_end]
        for _ in range(3):
            line, count = _PAREN_PAIR.subn(_full_paren, line)
            if not count or not _has_round_bracket(line):
                break  # (with no bracket left, the next round would find nothing)
        pieces.append(text[last:line_start])
        pieces.append(line.replace("\x00", "（").replace("\x01", "）"))
        last = line_end
        pos = _next_half_paren(text, line_end)
    pieces.append(text[last:])
    return "".join(pieces)


def _has_round_bracket(line: str) -> bool:
    return "(" in line or ")" in line or "（" in line or "）" in line


def _next_half_paren(text: str, start: int) -> int:
    opening = text.find("(", start)
    closing = text.find(")", start)
    if opening < 0 or 0 <= closing < opening:
        return closing
    return opening


def _full_paren(match: re.Match[str]) -> str:
    # Converted pairs are marked with control characters (removed earlier, so free to use)
    # that the next round treats as ordinary content, letting it reach the outer pair.
    return "\x00" + match.group(1) + "\x01"


def _half_punct_pass(text: str) -> str:
    """``_HALF_PUNCT.sub(_half_punct, text)``, with the marks found by ``str.find`` (much faster
    than the regex scan: the marks are rare) and the matches formed as the regex would."""
    positions = sorted(pos for mark in _HALF_MARKS if mark in text for pos in _find_all(text, mark))
    pieces: list[str] = []
    last = 0  # end of the previous match: the regex resumes its scan there
    for pos in positions:
        start = pos - 1 if pos > last and text[pos - 1] == " " else pos
        replacement = _half_punct(text, start, pos + 1)
        if replacement != text[start : pos + 1]:
            pieces.append(text[last:start])
            pieces.append(replacement)
        else:
            pieces.append(text[last : pos + 1])
        last = pos + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _find_all(text: str, char: str) -> list[int]:
    found = []
    pos = text.find(char)
    while pos >= 0:
        found.append(pos)
        pos = text.find(char, pos + 1)
    return found


def _half_punct(text: str, start: int, end: int) -> str:
    """ ":" after or before Chinese becomes "：" (never in "http://" or "10:30")."""
    group = text[start:end]
    mark = group[-1]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if mark == ":" and text.startswith("//", end):
        return group
    if mark in "?!":
        chinese = bool(before and _CJK_CHAR.match(before))
    else:
        chinese = bool((before and _CJKP_CHAR.match(before)) or (after and _CJK_CHAR.match(after)))
    if mark == "," and before.isdigit() and after.isdigit():
        chinese = False  # 1,000
    return _HALF_TO_FULL[mark] if chinese else group


def _line_end_dot(match: re.Match[str]) -> str:
    start = match.start()
    before = match.string[start - 1] if start else ""
    return "。" if before and _CJK_CHAR.match(before) else "."


def _drop_spaces(text: str) -> str:
    """Keep a space only between two printable ASCII characters (see _space), and between two
    bodies named side by side on a 落款 line near the end (see _protect_agency_spaces)."""
    protected = _protect_agency_spaces(text)
    kept = protected is not text
    text = _SPACES_BEFORE_NON_ASCII.sub("", protected)
    if " " in text:
        text = _SPACES.sub(_space, text)
    return text.replace(_KEPT_SPACE, " ") if kept else text


def _protect_agency_spaces(text: str) -> str:
    """``text`` with the spaces between the bodies of a 落款 line ("国务院　中央军委" above the date)
    turned into a placeholder; ``text`` itself if there is none (nearly always).

    Only the lines wholly within the last ``_AGENCY_WINDOW`` characters are looked at: every
    later step only shortens the text, so a second normalisation looks at the same lines
    (idempotence).  A header line "中共中央　国务院" above "关于…" is left to the title join.
    """
    start = max(0, len(text) - _AGENCY_WINDOW)
    pieces: list[str] = []
    last = 0
    # each date line near the end (a literal newline first: a fast scan), then the line above it
    for date in _BEFORE_DATE_LINE.finditer(text, start):
        line_start = text.rfind("\n", max(0, start - 1), date.start()) + 1
        if (line_start == 0 and start > 0) or line_start < last:
            continue  # the line begins before the window
        names = _AGENCY_NAMES.fullmatch(text, line_start, date.start())
        if names is None:
            continue
        pieces.append(text[last : names.start("names")])
        pieces.append(_SPACES.sub(_KEPT_SPACE, names.group("names")))
        last = names.end("names")
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _space(match: re.Match[str]) -> str:
    """Keep one space only between two Latin letters/digits ("AI Lab"); drop it next to Chinese.

    "１０ 亿元" → "10亿元", "给予 1000" → "给予1000", "AI Lab" stays.
    """
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if not before or not after or before == "\n" or after == "\n":
        return ""  # leading and trailing spaces of a line
    if before.isascii() and after.isascii():
        return " "
    return ""


def _drop_clutter_lines(text: str) -> str:
    """Remove the lines of at most 80 characters made only of toolbar words, with a hint among them.

    One scan tries each line start (a literal newline: fast); almost every line fails at its
    first character.
    """
    padded = "\n" + text  # the first line, too, starts after a newline
    pieces: list[str] = []
    last = 0
    for match in _CLUTTER_LINE_IN_TEXT.finditer(padded):
        if match.end() - match.start() - 1 <= 80 and _CLUTTER_HINT.search(padded, match.start(), match.end()):
            pieces.append(padded[last : match.start()])
            last = match.end()  # the newline before the line and the line go
    if not pieces:
        return text
    pieces.append(padded[last:])
    return "".join(pieces).lstrip("\n")


def _drop_top_clutter(text: str) -> str:
    """At the top of a scraped page: toolbar words one per line, breadcrumbs, view counters."""
    head = text.split("\n", _TOP_LINES)
    top = head[:_TOP_LINES]
    kept = [line for line in top if len(line) > 60 or not _is_top_clutter(line)]
    if len(kept) == len(top):
        return text
    return "\n".join(kept + head[_TOP_LINES:])


def _is_top_clutter(line: str) -> bool:
    """``_TOP_CLUTTER_LINE.match(line)``, with its last alternative (``.*(?:A|B…).*``: a line
    holding A or B, which the regex finds by backtracking from every position) as ``in`` tests."""
    return (
        _TOP_CLUTTER_START.match(line) is not None or "扫一扫在手机打开当前页" in line or "浏览次数" in line
    )


def _cut_footer(text: str) -> str:
    """A footer only ends the document in its last part: 相关 at the start of a body line early
    in the text is ordinary prose.  The last ``max(8, n // 5)`` lines are searched, and only a
    short line is a footer (see _is_footer_line)."""
    if not text or (_FOOTER_LINE.search(text) is None and _FOOTER.match(text) is None):
        # no footer line anywhere (nearly every text): one literal-first scan of the whole text
        # costs less than finding where its last fifth begins
        return text
    count = text.count("\n") + 1
    tail_lines = min(count, max(8, count // 5))
    # the newline before the last ``tail_lines`` lines (-1 if there are not that many newlines):
    # one split in C instead of a Python loop of rfind calls
    head = text.rsplit("\n", tail_lines)
    tail = len(head[0]) if len(head) > tail_lines else -1
    if tail < 0:  # the tail is the whole text: its first line has no newline before it
        if _FOOTER.match(text) and _is_footer_line(text, 0):
            return ""
        tail = 0
    for found in _FOOTER_LINE.finditer(text, tail):
        if _is_footer_line(text, found.start() + 1):
            return text[: found.start()]
    return text


def _is_footer_line(text: str, start: int) -> bool:
    """A footer is a short label ("相关文件：", "扫一扫在手机打开当前页"), not a sentence: in a 附则
    "相关政策与本政策不一致的，以本政策为准。" starts like one and is the document's own text."""
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)].rstrip("：:")
    return len(line) <= _FOOTER_MAX and not line.endswith("。")


#: Words an official title ends with; shared with the header parser, which takes a line ending in
#: one of them (after an optional "（试行）" or "》") for a title.
TITLE_END_WORDS = (
    "通知", "意见", "方案", "规划", "办法", "条例", "规定", "细则", "计划", "措施", "决定", "纲要", "报告", "批复", "通告",
    "公告", "函", "复函", "答复", "通报", "指南", "指导目录", "清单", "要点", "若干政策", "政策", "实施意见", "行动计划",
    "工作方案", "实施方案", "管理办法", "法", "修正案", "决议", "解释", "规则", "章程", "守则", "准则", "公约",
)  # fmt: skip
# The last line of a title: one of the words, then maybe "（试行）", a closing 》 and "的通知".
_TITLE_SUFFIX = re.compile("(?:" + "|".join(TITLE_END_WORDS) + r")(?:（[^（）]{1,16}）)?》?(?:的通知)?$")
# The characters such a line can end with: one set test spares most lines the regex.
_TITLE_LAST_CHARS = frozenset(word[-1] for word in TITLE_END_WORDS) | {"）", "》"}
_DATE_LIKE = re.compile(r"^\d|[\d〇○零一二三四五六七八九]年[\d一二三四五六七八九十]{1,3}月")
# A title fragment may hold 、 ("国务院、中央军委关于…"), never a sentence mark or a space.
_FRAGMENT_CHARS = re.compile(r"^[^。，；：！？,.;:!?\s]+$")
# A remark in brackets on a line of its own ("（此件公开发布）") is never part of a title.
_BRACKETED_LINE = re.compile(r"^[（(][^（）()]*[）)]$")
# A bare issuer line ("国务院办公厅") starts a title only if the next line reads "关于…".
_ISSUER_END = ("人民政府", "政府", "办公厅", "办公室", "委员会", "院", "部", "委", "局", "厅", "署", "会")
_TITLE_AFTER_ISSUER = ("关于", "对", "转发", "批转", "印发")
_TITLE_SCAN_LINES = 12  # output lines in which a title is looked for
_TITLE_INPUT_LINES = 3 * _TITLE_SCAN_LINES  # input lines they can take (a title has up to 3)
_TITLE_MAX_LENGTH = 100


def _join_broken_title(text: str) -> str:
    """Join a document title cut over two or three lines near the top ("…关于印发《X" + "Y方案》的通知").

    A title is one to two fragments (6–60 characters, no sentence mark, not a numbered, dated or
    bracketed line) followed by a line of at most 40 characters ending in a title word.  A block
    is joined only when the line before it is not a fragment too: a longer run is left alone, so
    that a second normalisation finds nothing more to join (idempotence).
    """
    # without a title-ending line among the first lines no block can be joined (nearly every text)
    first = text.split("\n", _TITLE_SCAN_LINES + 2)[1 : _TITLE_SCAN_LINES + 2]
    if not any(line[-1:] in _TITLE_LAST_CHARS and _is_title_end(line) for line in first):
        return text
    lines = text.split("\n", _TITLE_INPUT_LINES)
    # the lines that can be looked at: after the first _TITLE_INPUT_LINES, the rest is one piece
    usable = min(len(lines), _TITLE_INPUT_LINES)
    ends = [index < usable and _is_title_end(lines[index]) for index in range(_TITLE_INPUT_LINES + 1)]
    out: list[str] = []
    index = 0
    joined = False
    while index < usable and len(out) < _TITLE_SCAN_LINES:
        size = _title_block(lines, index, usable, ends, out[-1] if out else None)
        if size:
            out.append(_fix_joined_line("".join(lines[index : index + size])))
            index += size
            joined = True
        else:
            out.append(lines[index])
            index += 1
    if not joined:
        return text
    return "\n".join([*out, *lines[index:]])


def _title_block(lines: list[str], index: int, usable: int, ends: list[bool], previous: str | None) -> int:
    """How many lines from ``index`` form one broken title (2 or 3), or 0; ``ends[k]`` tells
    whether line ``k`` can end a title."""
    if not (ends[index + 1] or ends[index + 2]) or index + 1 >= usable:
        return 0  # (the cheap test first: no title ends on either of the next two lines)
    if not _is_title_fragment(lines[index], lines[index + 1]):
        return 0
    if previous is not None and _is_title_fragment(previous, lines[index]):
        return 0  # the block would be the tail of a longer run
    second = lines[index + 1]
    if ends[index + 1]:
        return 2 if len(lines[index]) + len(second) <= _TITLE_MAX_LENGTH else 0
    if index + 2 >= usable or not _is_title_fragment(second, lines[index + 2]):
        return 0
    third = lines[index + 2]
    if len(lines[index]) + len(second) + len(third) <= _TITLE_MAX_LENGTH:
        return 3
    return 0


def _is_title_end(line: str) -> bool:
    """The last line of a broken title: short, ending in a title word, not a numbered item."""
    return (
        0 < len(line) <= 40
        and line[-1] in _TITLE_LAST_CHARS
        and "。" not in line
        and _has_title_word(line)
        and not _LABEL_LINE.match(line)
    )


def _has_title_word(line: str) -> bool:
    """The line ends in a title word; "…《中华人民共和国刑法》" ends in a cited name, not in 法, and
    "…实施《中华人民共和国药品管理法" in the middle of one."""
    if _TITLE_SUFFIX.search(line) is None:
        return False
    return "《" not in line or not (line.endswith("》") or line.count("《") > line.count("》"))


def _is_title_fragment(line: str, following: str) -> bool:
    """A line that can be the first or middle part of a title broken before ``following``."""
    return (
        6 <= len(line) <= 60
        and _FRAGMENT_CHARS.match(line) is not None
        and not _has_title_word(line)
        and not _LABEL_LINE.match(line)
        and not _DATE_LIKE.search(line)
        and not _BRACKETED_LINE.match(line)
        and ("关于" in line or not line.endswith(_ISSUER_END) or following.startswith(_TITLE_AFTER_ISSUER))
    )


# A candidate for _join_broken_headings: a numbered line (第X章/节, X、, （X）) without 。 followed
# by a line of at most 12 characters; the remaining conditions are checked in Python.  For speed,
# one set test of the line's first character rejects most lines before the alternation is tried,
# and the numeral runs are possessive (no numeral can be the character that ends a run: 章/节, 、
# or ）), so an article line "第一条…" fails at once.
_BROKEN_HEADING_SCAN = re.compile(
    r"\n(?=[第一二三四五六七八九十（])"
    r"(?P<line>(?:第[一二三四五六七八九十百零〇两\d]++[章节]|[一二三四五六七八九十]++、|（[一二三四五六七八九十]++）)"
    r"[^\n。]{0,58}+)\n(?P<next>[^\n]{1,12}+)(?![^\n])"
)


def _join_broken_headings(text: str) -> str:
    """Join a heading line cut in two by a hard line break ("…职业教育改革" + "实施方案").

    Only a long numbered heading without punctuation, followed by a short unpunctuated
    fragment that does not start a new item, is joined: this keeps real one-line headings
    followed by short paragraphs apart.  A joined line is looked at again with the line after
    it, so one pass reaches the fixed point.  Candidates come from one regex scan.
    """
    padded = "\n" + text  # the first line, too, starts after a newline
    pieces: list[str] = []
    last = 1  # offset in ``padded`` of the text not yet copied
    pos = 0
    while (found := _BROKEN_HEADING_SCAN.search(padded, pos)) is not None:
        line_start, line_end = found.span("line")
        if not _heading_is_broken(padded[line_start:line_end], found.group("next")):
            pos = line_end
            continue
        line = padded[line_start:line_end]
        pieces.append(padded[last:line_start])
        while True:  # join, then look at the joined line with the one after it
            following_end = padded.find("\n", line_end + 1)
            if following_end < 0:
                following_end = len(padded)
            line += padded[line_end + 1 : following_end]
            line_end = following_end
            if not _joined_can_continue(line) or line_end >= len(padded):
                break
            next_end = padded.find("\n", line_end + 1)
            if next_end < 0:
                next_end = len(padded)
            if not _heading_is_broken(line, padded[line_end + 1 : next_end]):
                break
        pieces.append(_fix_joined_line(line))
        last = pos = line_end
    if not pieces:
        return text
    pieces.append(padded[last:])
    return "".join(pieces)


def _fix_joined_line(line: str) -> str:
    """The steps that look across characters, again on a line just joined: the join can complete
    a 文号 or a bracket pair split over two lines, and a bracket made full-width can leave a
    space beside it.  They work within a line, so the rest of the text needs no second look."""
    if "号" in line:
        line = _bracket_doc_numbers(line)
    line = _punctuation(line)
    return _drop_spaces(line) if " " in line else line


def _joined_can_continue(line: str) -> bool:
    """The first-line conditions, for a line that already starts with a label and is 10+ long."""
    return line[-1] not in _TERMINAL and "。" not in line


def _heading_is_broken(line: str, following: str) -> bool:
    return (
        len(line) >= 10
        and line[-1] not in _TERMINAL
        and "。" not in line
        and len(following) <= 12
        and len(line) + len(following) <= 60
        and not _LABEL_LINE.match(following)
        and not any(ch in _TERMINAL for ch in following[:-1])
        and not following[:1].isdigit()
        and (" " not in following or following.isascii())  # not a 落款 line "国务院 中央军委"
    )
