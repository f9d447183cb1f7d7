"""Main text of an HTML policy page: the document body without the site around it.

Government pages wrap a policy in navigation, breadcrumbs, 下载/打印/字号 toolbars,
share buttons and 相关链接 footers.  We drop the obvious clutter, pick the container that
holds most of the Chinese text (preferring the usual ``TRS_Editor``/``zoom``/``content``
containers), turn block elements into line breaks and table rows into tab-separated
lines, then remove toolbar lines and cut the related-links tail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from policytext.errors import CorruptFileError, EmptyDocumentError

_ALWAYS_DROP = frozenset(
    {"script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed",
     "button", "input", "select", "textarea", "video", "audio", "map", "head"}
)  # fmt: skip
# Site furniture whatever it holds.
_FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
# Dropped unless they hold much of the page's text (ASP.NET sites wrap the whole page in a <form>).
_CLUTTER_TAGS = frozenset({"header", "form", "menu"})
_CLUTTER_WORDS = frozenset(
    {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "footer",
     "sidebar", "share", "bshare", "toolbar", "print", "download", "related", "relevant", "comment",
     "comments", "copyright", "banner", "advert", "ads", "login", "search", "topbar", "header",
     "fenxiang", "dayin", "xglj", "xgwz", "xgxx", "pagination", "pager"}
)  # fmt: skip
_CONTENT_NAME = re.compile(
    r"trs_editor|zoom|ucap-content|pages_content|article|content|detail|zhengwen|^zw$|^text$|main", re.I
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table", "ul",
     "ol", "blockquote", "pre", "dd", "dt", "dl", "center", "main", "address", "figure", "figcaption",
     "caption", "tbody", "thead", "tfoot", "hr", "body", "html"}
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
#: Cells with more Chinese characters than this are layout cells, not data cells.
_MAX_DATA_CELL_CJK = 300
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*\?>", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

_TOOLBAR_KEY = re.compile(r"下载|打印|字号|分享|收藏|关闭|全屏|加大|减小|护眼|朗读|纠错|扫一扫")
_TOOLBAR_TOKENS = re.compile(
    r"下载|打印(?:本页|此页|文章)?|字号|字体|加大|还原|减小|默认|分享(?:到)?|收藏|关闭(?:窗口|本页)?|全屏|"
    r"扫一扫|在手机打开|微信|微博|QQ空间|视力保护色|护眼模式?|朗读|语音播报|纠错|返回顶部|无障碍|繁体|简体|"
    r"[大中小]|【|】|\[|\]|[:：|｜/·•\-]|\s|\d+|(?:浏览|点击|阅读)(?:次数|量)?"
)
_FOOTER_START = re.compile(
    r"^\s*【?(?:相关(?:链接|解读|报道|文件|阅读|新闻|稿件|政策|附件)|责任编辑|纠错|上一篇|下一篇|扫一扫在手机打开)"
)
_TITLE_SEPARATORS = re.compile(r"\s*[_|｜—–]+\s*|\s+-\s+")
_TITLE_WORDS = frozenset(
    {"title", "bt", "biaoti", "tit", "headline", "article-title", "arttitle", "news_title"}
)
_TITLE_HOLDERS = frozenset({"td", "div", "p", "span", "strong", "b", "font", "center", "h4"})
_NOT_TITLES = frozenset({"title", "meta", "head", "html", "body", "a", "li", "option"})
# Labels of the 信息公开 table that policy pages (gov.cn 政策文件库 and its provincial copies) show
# above the text; their values (发文机关, 发文字号, 成文日期) help the header parser.
_FIELD_LABELS = (
    "索引号", "主题分类", "体裁分类", "组配分类", "发文机关", "发布机构", "成文日期", "发布日期", "发布时间",
    "发文字号", "文号", "标题", "主题词", "有效性", "生效日期", "失效日期", "废止日期", "信息来源", "来源",
)  # fmt: skip
_FIELD_SET = frozenset(_FIELD_LABELS)
_FIELD_PAIR = re.compile(
    r"^(" + "|".join(sorted(_FIELD_LABELS, key=len, reverse=True)) + r")\s*[：:]\s*(.+)$"
)
# A label spelled with spaces between its characters at the start of a snippet (标 题：).
_SPACED_LABEL = re.compile(r"^(?:\S[ \u3000]+){1,3}\S(?=\s*[：:])")
_FIELD_SPLIT = re.compile(r"[\u3000\xa0]+|\s{2,}")
_FIELD_HOLDERS = frozenset(
    {"td", "th", "span", "li", "p", "div", "dt", "dd", "b", "strong", "label", "font", "em"}
)
_META_KEYS = {"articletitle", "pubdate", "contentsource", "keywords", "description", "author"}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in ``<meta charset>`` within its first 4 KB."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def extract_html(markup: str, path: Any = None) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """Return ``(main text, metadata, warnings)`` of an HTML page given as decoded text."""
    import lxml.html
    from lxml import etree

    markup = _XML_DECL.sub("", markup, count=1)
    if not markup.strip():
        raise EmptyDocumentError("HTML page is empty", path)
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as error:
        raise CorruptFileError(f"cannot parse HTML ({error})", path) from None
    metadata = _page_metadata(root)
    fields = _labelled_fields(root)
    if fields:
        metadata["html_fields"] = fields
    title_heading = _title_heading(
        root, metadata.get("html_title"), metadata.get("html_meta", {}).get("ArticleTitle")
    )
    for element in list(root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity)):
        _drop(element)
    for element in [e for e in root.iter() if isinstance(e.tag, str) and e.tag.lower() in _ALWAYS_DROP]:
        _drop(element)
    body = root.find("body")
    if body is None:
        body = root
    counts = _text_counts(body)
    _drop_clutter(body, counts)
    counts = _text_counts(body)
    container = _main_container(body, counts)
    lines = _clean_lines(_render(container, counts).split("\n"))
    warnings: list[str] = []
    metadata["html_container"] = f"{container.tag}{_describe(container)}"
    if not lines:
        warnings.append("HTML: no text left after removing navigation and toolbars")
    if title_heading and lines and _compact(title_heading) not in _compact("".join(lines[:5])):
        lines.insert(0, title_heading)
    return "\n".join(lines), metadata, tuple(warnings)


def _drop(element: Any) -> None:
    """Remove ``element`` but keep its tail text (the text that follows it in the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _page_metadata(root: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    title = root.find(".//title")
    if title is not None:
        text = _SPACES.sub(" ", title.text_content()).strip()
        if text:
            metadata["html_title"] = text
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        name = (element.get("name") or "").strip()
        content = (element.get("content") or "").strip()
        if name.lower() in _META_KEYS and content:
            meta[name] = content
    if meta:
        metadata["html_meta"] = meta
    return metadata


def _labelled_fields(root: Any) -> dict[str, str]:
    """``{label: value}`` from 索引号/发文机关/成文日期… cells or ``label：value`` snippets on the page."""
    fields: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.lower() not in _FIELD_HOLDERS or len(element) > 3:
            continue
        text = _SPACES.sub(" ", element.text_content().replace("\u3000", "  ")).strip()
        if not text or len(text) > 300:
            continue
        label = _compact(text).rstrip("：:")  # "标　　题：" and "索 引 号" are spaced out on pages
        if label in _FIELD_SET and label not in fields:
            following = element.getnext()
            if following is not None and isinstance(following.tag, str):
                value = _SPACES.sub(" ", following.text_content()).strip()
                if value and len(value) <= 200 and _compact(value).rstrip("：:") not in _FIELD_SET:
                    fields[label] = value
            continue
        raw = element.text_content()
        for segment in _FIELD_SPLIT.split(raw):
            match = _FIELD_PAIR.match(_SPACED_LABEL.sub(_join_label, segment.strip()))
            if match and match.group(1) not in fields and len(match.group(2)) <= 200:
                fields[match.group(1)] = match.group(2).strip()
    return fields


def _join_label(match: re.Match[str]) -> str:
    return _compact(match.group(0))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title_heading(root: Any, page_title: str | None, meta_title: str | None) -> str | None:
    """The document title shown on the page, found before cleaning.

    Pages often put it outside the content container (an ``<h1>``, a ``td.bt``, a
    ``div.article-title``); we put it back on top of the text.  Only a heading whose text is
    part of the page ``<title>`` (or the ``ArticleTitle`` meta tag) counts, so a site logo in an
    ``<h1>`` is not mistaken for it.
    """
    references = [
        _compact(part)
        for title in (meta_title, page_title)
        if title
        for part in _TITLE_SEPARATORS.split(title)
        if len(_CJK.findall(part)) >= 4
    ]
    best: str | None = None
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _NOT_TITLES or len(element) > 3:
            continue
        if (
            tag not in ("h1", "h2", "h3")
            and not _name_words(element) & _TITLE_WORDS
            and tag not in _TITLE_HOLDERS
        ):
            continue
        text = _SPACES.sub(" ", element.text_content()).strip()
        if len(_CJK.findall(text)) < 4 or len(text) > 150:
            continue
        compact = _compact(text)
        # the heading must be most of one part of the <title>: a site name in a logo is not enough
        matches = any(compact in ref and len(compact) >= 0.6 * len(ref) for ref in references)
        if matches and (best is None or len(text) > len(best)):
            best = text
    return best


def _cjk_count(text: str | None) -> int:
    return len(_CJK.findall(text)) if text else 0


def _text_counts(body: Any) -> dict[Any, tuple[int, int]]:
    """For every element: (CJK characters in it, CJK characters outside links), in one pass."""
    from lxml import etree

    counts: dict[Any, tuple[int, int]] = {}
    for event, element in etree.iterwalk(body, events=("end",)):
        del event
        own = _cjk_count(element.text)
        total, plain = own, own
        for child in element:
            tail = _cjk_count(child.tail)
            child_total, child_plain = counts.get(child, (0, 0))
            total += child_total + tail
            plain += child_plain + tail
        if isinstance(element.tag, str) and element.tag.lower() == "a":
            plain = 0
        counts[element] = (total, plain)
    return counts


def _name_words(element: Any) -> set[str]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {word for word in _WORD_SPLIT.split(raw) if word}


def _drop_clutter(body: Any, counts: dict[Any, tuple[int, int]]) -> None:
    total = counts.get(body, (0, 0))[1]
    doomed = []
    for element in body.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        cluttered = tag in _CLUTTER_TAGS or bool(_name_words(element) & _CLUTTER_WORDS)
        if tag in _FURNITURE_TAGS or (
            cluttered and (counts.get(element, (0, 0))[1] < 0.3 * total or total == 0)
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:  # an ancestor may already be gone
            _drop(element)


def _depth(element: Any) -> int:
    return sum(1 for _ in element.iterancestors())


def _main_container(body: Any, counts: dict[Any, tuple[int, int]]) -> Any:
    total = counts.get(body, (0, 0))[1]
    if total < 20:  # hardly any Chinese text: keep the whole body
        return body
    holding = [e for e in body.iter() if isinstance(e.tag, str) and counts.get(e, (0, 0))[1] >= 0.8 * total]
    chosen = max(holding, key=_depth, default=body)
    named = [
        e
        for e in chosen.iter()
        if isinstance(e.tag, str)
        and counts.get(e, (0, 0))[1] >= 0.5 * total
        and _CONTENT_NAME.search(f"{e.get('class') or ''} {e.get('id') or ''}")
    ]
    return max(named, key=_depth, default=chosen)


def _describe(element: Any) -> str:
    """``#id`` or ``.class`` of an element, to tell the user where the text came from."""
    if element.get("id"):
        return f"#{element.get('id')}"
    if element.get("class"):
        return "." + ".".join(element.get("class").split())
    return ""


def _render(container: Any, counts: dict[Any, tuple[int, int]]) -> str:
    """Text of ``container`` with block elements as line breaks and table cells tab-separated.

    A cell with much text (or a nested table) is a layout cell, as on old table-based sites:
    its paragraphs stay lines instead of being squeezed into one tab-separated row.
    """
    from lxml import etree

    def data_cell(element: Any) -> bool:
        return (
            element is not container
            and counts.get(element, (0, 0))[0] <= _MAX_DATA_CELL_CJK
            and element.find(".//table") is None
        )

    parts: list[str] = []
    in_cell = 0
    in_pre = 0

    def add(text: str | None) -> None:
        if text:
            parts.append(text if in_pre else _SPACES.sub(" ", text))

    for event, element in etree.iterwalk(container, events=("start", "end")):
        if not isinstance(element.tag, str):
            if event == "end" and element is not container:
                add(element.tail)
            continue
        tag = element.tag.lower()
        if event == "start":
            if tag in _CELL_TAGS and data_cell(element):
                if element.getprevious() is not None:
                    parts.append("\t")
                in_cell += 1
            elif tag in _CELL_TAGS:
                parts.append("\n")
            elif tag == "br":
                parts.append(" " if in_cell else "\n")
            elif tag in _BLOCK_TAGS:
                parts.append(" " if in_cell and tag != "tr" else "\n")
            if tag == "pre":
                in_pre += 1
            add(element.text)
        else:
            if tag in _CELL_TAGS and data_cell(element):
                in_cell -= 1
            elif tag in _CELL_TAGS:
                parts.append("\n")
            elif tag in _BLOCK_TAGS:
                parts.append(" " if in_cell and tag != "tr" else "\n")
            if tag == "pre":
                in_pre -= 1
            if element is not container:
                add(element.tail)
    return "".join(parts)


def _is_toolbar(line: str) -> bool:
    return bool(_TOOLBAR_KEY.search(line)) and len(_TOOLBAR_TOKENS.sub("", line)) <= 2


def _clean_lines(lines: Iterable[str]) -> list[str]:
    """Drop empty and toolbar lines; cut the 相关链接/责任编辑 tail in the second half of the page."""
    kept = ["\t".join(cell.strip(" ") for cell in line.split("\t")) for line in lines]
    kept = [line for line in kept if line.strip(" \t") and not _is_toolbar(line)]
    for index in range(len(kept) // 2, len(kept)):
        line = kept[index].rstrip()
        # a footer is a short label line; a sentence that starts like one (相关政策与本办法不一致的，
        # 以本办法为准。) is text of the document
        if len(line) <= 40 and not line.endswith("。") and _FOOTER_START.match(line):
            return kept[:index]
    return kept
