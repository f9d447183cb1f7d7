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
from dataclasses import dataclass

__all__ = ["NormalizeOptions", "normalize"]

# Full-width ASCII variants (！ to ～) map to ASCII; the Chinese forms of the punctuation marks
# below are kept, and half-width ones are turned into them where the context is Chinese.
_WIDTH: dict[str, str] = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
for _keep in "（），：；！？【】〔〕《》":
    _WIDTH.pop(_keep, None)
_WIDTH.update(
    {
        "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\t": " ",
        "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
        "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n",
        "\uff5f": "（", "\uff60": "）", "\ufe59": "（", "\ufe5a": "）",
    }
)  # fmt: skip
# Control characters other than newline carry nothing in a policy text.
for _code in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F):
    _WIDTH[chr(_code)] = ""
# A regex finds the few characters to map: much faster than str.translate over long CJK text.
_WIDTH_CHARS = re.compile("[" + "".join(re.escape(c) for c in sorted(_WIDTH)) + "]")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕…—"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJKP_CHAR = re.compile(f"[{_CJK}{_CJK_PUNCT}]")

# A private-use character right after a leading number is a dot drawn with a symbol font
# (seen in Qingdao documents: "1\ue010突破…"); other private-use characters are dropped.
_PUA = re.compile(r"[\ue000-\uf8ff]")
_PUA_DOT = re.compile(r"(?m)^(\s*\d{1,3})[\ue000-\uf8ff]")

# Runs of spaces; whether one is kept depends on its neighbours (see _space).
_SPACES = re.compile(r" +")
# Half-width punctuation that becomes Chinese when a neighbour is Chinese.
_HALF_PUNCT = re.compile(r" ?[:,;?!]")
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
_CLUTTER_LINE = re.compile(rf"^(?:\s*(?:{_CLUTTER_WORDS})\s*){{2,}}$")
_CLUTTER_HINT = re.compile(r"打印|字号|收藏|分享|关闭|字体")
# At the top of a scraped page, a toolbar may come one word per line, and a breadcrumb line.
_TOP_CLUTTER_LINE = re.compile(
    rf"^(?:(?:{_CLUTTER_WORDS}|字体|加大|减小|还原|【字号：?|】)|(?:当前位置|您当前的位置|您的位置|首页\s*[>＞»]).*"
    r"|.*(?:扫一扫在手机打开当前页|浏览次数[：:]?\s*\d*).*)$"
)
_TOP_LINES = 20
# Residue of HTML markup in scraped text: line-breaking tags and the common entities.
_HTML_HINT = re.compile(r"<(?:br|p|div|/p|/div|html|body|span|/span|td|tr)\b", re.I)
_HTML_BREAK = re.compile(r"<(?:br|p|/p|div|/div|tr|/tr|li|/li|h[1-6]|/h[1-6])\b[^<>]{0,200}>", re.I)
_HTML_INLINE = re.compile(r"</?(?:html|head|body|span|font|strong|b|i|em|td|th|table|tbody|thead|title|meta|u)\b[^<>]{0,200}>", re.I)
_ENTITIES = {"&nbsp;": " ", "&gt;": ">", "&lt;": "<", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&ensp;": " ", "&emsp;": " "}
_ENTITY = re.compile("|".join(_ENTITIES))
# Footers after which nothing belongs to the document.
_FOOTER = re.compile(
    r"(?:相关(?:链接|解读|报道|文件|阅读|新闻|政策|附件)|扫一扫在手机打开当前页|"
    r"本作品是中华人民共和国的|【(?:打印|关闭)(?:本页|窗口)?】|打印本页|关闭窗口)"
)

_FOOTER_FIRST = frozenset("相扫本【打关")
_LABEL_LINE = re.compile(
    r"(?:第[一二三四五六七八九十百零〇两\d]+[章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
)
_TERMINAL = set("。！？；：，、」”")


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    """Switches for the normalisation steps; the defaults are what every stage expects."""

    strip_clutter: bool = True
    join_broken_headings: bool = True
    drop_markdown: bool = True


def normalize(text: str, options: NormalizeOptions | None = None) -> str:
    """Return the canonical form of ``text`` (idempotent).

    >>> normalize("(一)加强学科建设:支持 １０ 所学校 。")
    '（一）加强学科建设：支持10所学校。'
    """
    opts = options or NormalizeOptions()
    if "<" in text and _HTML_HINT.search(text):
        text = _strip_html_residue(text)
    text = _WIDTH_CHARS.sub(_map_width, text)
    if _PUA.search(text):
        text = _PUA.sub("", _PUA_DOT.sub(r"\1.", text))
    if opts.drop_markdown and "<!--" in text:
        text = _HTML_COMMENT.sub("", text)
    if opts.drop_markdown and "#" in text:
        text = "\n".join(_strip_markdown_heading(line) if line[:1] in "# " else line for line in text.split("\n"))
    if " " in text:
        text = _SPACES.sub(_space, text)
    text = _punctuation(text)
    if "号" in text:
        text = _DOC_NUMBER.sub(r"〔\1〕\2号", text)
    lines = [line for line in text.split("\n") if line]
    if opts.strip_clutter:
        lines = _drop_clutter(lines)
    if opts.join_broken_headings:
        lines = _join_broken_title(_join_broken_headings(lines))
    return "\n".join(lines)


def _strip_html_residue(text: str) -> str:
    """Scraped text that kept some markup: line-breaking tags become line breaks, layout tags go.

    Only formatting tags are touched; anything else (a ``<script>`` quoted in a document) stays
    text, so that reports show it as text.
    """
    text = _HTML_BREAK.sub("\n", text)
    text = _HTML_INLINE.sub("", text)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group()], text)


def _map_width(match: re.Match[str]) -> str:
    return _WIDTH[match.group()]


def _strip_markdown_heading(line: str) -> str:
    line = line.lstrip(" ")
    stripped = line.lstrip("#")
    if len(line) - len(stripped) <= 6 and (not stripped or stripped[0] == " "):
        return stripped.strip(" ")
    return line


def _punctuation(text: str) -> str:
    if "(" in text or ")" in text:
        for _ in range(3):  # innermost pairs first, up to three levels of nesting
            text, count = _PAREN_PAIR.subn(_full_paren, text)
            if not count:
                break
        text = text.replace("\x00", "（").replace("\x01", "）")
    if _HALF_PUNCT.search(text):
        # a converted mark makes its neighbour Chinese context too ("一,," → "一，，"): repeat to the fixed point
        for _ in range(8):
            converted = _HALF_PUNCT.sub(_half_punct, text)
            if converted == text:
                break
            text = converted
    if "." in text:
        text = _LINE_END_DOT.sub(_line_end_dot, text)
    return text


def _full_paren(match: re.Match[str]) -> str:
    # Converted pairs are marked with control characters (removed earlier, so free to use)
    # that the next round treats as ordinary content, letting it reach the outer pair.
    return "\x00" + match.group(1) + "\x01"


def _half_punct(match: re.Match[str]) -> str:
    """":" after or before Chinese becomes "：" (never in "http://" or "10:30")."""
    text = match.string
    mark = match.group()[-1]
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    if mark == ":" and text.startswith("//", match.end()):
        return match.group()
    if mark in "?!":
        chinese = bool(before and _CJK_CHAR.match(before))
    else:
        chinese = bool((before and _CJKP_CHAR.match(before)) or (after and _CJK_CHAR.match(after)))
    if mark == "," and before.isdigit() and after.isdigit():
        chinese = False  # 1,000
    return _HALF_TO_FULL[mark] if chinese else match.group()


def _line_end_dot(match: re.Match[str]) -> str:
    start = match.start()
    before = match.string[start - 1] if start else ""
    return "。" if before and _CJK_CHAR.match(before) else "."


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


def _drop_clutter(lines: list[str]) -> list[str]:
    kept = [line for line in lines if len(line) > 80 or not _CLUTTER_HINT.search(line) or not _CLUTTER_LINE.match(line)]
    top = [line for line in kept[:_TOP_LINES] if len(line) > 60 or not _TOP_CLUTTER_LINE.match(line)]
    kept = top + kept[_TOP_LINES:]
    # A footer only ends the document in its last part: 相关 at the start of a body line early
    # in the text is ordinary prose.
    start = max(0, len(kept) - max(8, len(kept) // 5))
    for index in range(start, len(kept)):
        if kept[index][:1] in _FOOTER_FIRST and _FOOTER.match(kept[index]):
            return kept[:index]
    return kept


_TITLE_SUFFIX = re.compile(
    r"(?:通知|意见|方案|规划|办法|条例|规定|细则|计划|措施|决定|纲要|报告|批复|通告|公告|要点|清单|指南)(?:（[^（）]{1,16}）)?》?(?:的通知)?$"
)
_DATE_LIKE = re.compile(r"^\d|[\d〇○零一二三四五六七八九]年[\d一二三四五六七八九十]{1,3}月")
_NO_PUNCT = re.compile(r"^[^。，、；：！？,.;:!?\s]+$")


def _join_broken_title(lines: list[str]) -> list[str]:
    """Join a document title cut over two lines near the top ("…关于印发《X" + "Y方案》的通知")."""
    for index in range(min(len(lines) - 1, 10)):
        first, second = lines[index], lines[index + 1]
        if (
            6 <= len(first) <= 60
            and len(second) <= 40
            and _NO_PUNCT.match(first)
            and not _TITLE_SUFFIX.search(first)
            and _TITLE_SUFFIX.search(second)
            and "。" not in second
            and not _LABEL_LINE.match(first)
            and not _LABEL_LINE.match(second)
            and not _DATE_LIKE.search(first)
        ):
            return [*lines[:index], first + second, *lines[index + 2 :]]
    return lines


def _join_broken_headings(lines: list[str]) -> list[str]:
    """Join a heading line cut in two by a hard line break ("…职业教育改革" + "实施方案").

    Only a long numbered heading without punctuation, followed by a short unpunctuated
    fragment that does not start a new item, is joined: this keeps real one-line headings
    followed by short paragraphs apart.
    """
    lines = list(lines)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if (
            index + 1 < len(lines)
            and len(line) >= 10
            and _LABEL_LINE.match(line)
            and line[-1] not in _TERMINAL
            and "。" not in line
        ):
            following = lines[index + 1]
            if (
                len(following) <= 12
                and len(line) + len(following) <= 60
                and not _LABEL_LINE.match(following)
                and not any(ch in _TERMINAL for ch in following[:-1])
                and not following[:1].isdigit()
            ):
                # join and look at the joined line again, so one pass reaches the fixed point
                lines[index + 1] = line + following
                index += 1
                continue
        out.append(line)
        index += 1
    return out
