"""Deadlines, quantitative targets and cited documents inside a measure.

All three are found by regular expressions over the canonical text; each result keeps its span.
The expressions are written without nested quantifiers so that adversarial input cannot make
them backtrack catastrophically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policytext.model import Citation, Deadline, Span, Target
from policytext.structure.numbers import cn_to_int

_MONTH_END = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}

# Patterns start with a literal or a digit class so the regex engine can skip ahead quickly.
_LABELLED_DEADLINE = re.compile(r"(?:完成|办结)(?:时限|时间)[：:]\s*(?P<value>[^）)；;。，\n]{1,30})")
_ONGOING = re.compile(r"(?:长期坚持|长期推进|持续推进|持续实施|常态化推进)(?=[）)；;。，\n]|$)")
_DATED = re.compile(
    r"(?P<year>(?:19|20)\d{2})年"
    r"(?:(?P<half>上半年|下半年)|(?P<q>第?[一二三四1-4]季度)|(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|(?P<mend>底|末|中旬|上旬|下旬))?"
    r"|(?P<yend>底|年底|末|年末|内|年内))?"
    r"(?P<before>前|之前|以前|前后)?"
)
_LEAD_WORDS = "到至于在"
_RECURRING = re.compile(r"每(?:年|季度|半年|月)(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末)?(?:前)?")

_RELATION_BEFORE = {
    "达到或超过": ">=", "不低于": ">=", "不少于": ">=", "至少": ">=", "超过": ">", "突破": ">", "达到": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "控制在": "<=", "低于": "<", "提高到": ">=",
    "提升至": ">=", "提升到": ">=", "增长": "=", "增加": "=", "约": "~", "达": ">=",
}  # fmt: skip
_BEFORE_WORDS = tuple(sorted(_RELATION_BEFORE, key=len, reverse=True))
_RELATION_AFTER = {"以上": ">=", "及以上": ">=", "以下": "<=", "以内": "<=", "左右": "~", "之内": "<="}
_UNITS = (
    "个百分点|万亿元|亿元|万元|千元|元|万亩|亩|万平方米|平方米|平方公里|公里|千米|万吨|吨|万人次|人次|万人|"
    "课时|学时|学分|人|名|项|个|家|所|件|台|套|座|条|批|支|次|倍|年|天|小时|户|张|篇|门|种|场|辆|床|EFLOPS|PFLOPS|EB|PB|TB|GW|MW|kW|%|‰"
)
# A four-digit number before 年 is a year, never a target: the pattern does not even match it.
# "[\d]\d*" rather than "\d+": a character class first lets the regex engine skip to digits
# instead of trying the whole pattern at every position (three times faster on long texts).
_TARGET = re.compile(
    rf"(?P<num>[\d]\d*(?:\.\d+)?(?:/\d+)?)(?P<unit>{_UNITS.replace('|年|', '|')}|(?<![\d.]\d{{3}})年)"
    r"(?P<after>及以上|以上|以下|以内|左右|之内)?"
)
_CN_FRACTION = re.compile(r"(?P<den>[一二三四五六七八九十]{1,2})分之(?P<nom>[一二三四五六七八九十]{1,2})")
_SLASH_FRACTION = re.compile(r"(?<![\d/.])(\d{1,3})/(\d{1,3})(?![\d/])")
_CITATION = re.compile(r"《(?P<title>[^《》\n]{2,100})》(?:（(?P<number>[^（）\n]{1,20}〔\d{4}〕\d{1,4}号)）)?")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,4}号")


def find_deadlines(text: str, start: int, end: int) -> Iterator[Deadline]:
    """Deadlines in ``text[start:end]``: 完成时限：…, 2025年底前, 到2027年, 长期坚持."""
    region = text[start:end]
    labelled_spans: list[Span] = []
    if "时限" in region or "时间：" in region:
        for match in _LABELLED_DEADLINE.finditer(text, start, end):
            value = match.group("value").strip()
            value_start = match.start("value")
            labelled_spans.append(Span(match.start(), match.end()))
            inner = _DATED.search(value)
            date = _date_of(inner) if inner else None
            if _ONGOING.match(value):
                kind = "ongoing"
            elif value.startswith("每"):
                kind = "recurring"
            else:
                kind = "date" if date else "period"
            yield Deadline(value, Span(value_start, value_start + len(value)), date, kind)
    if "长期" in region or "持续" in region or "常态化" in region:
        for match in _ONGOING.finditer(text, start, end):
            if not _inside(match.start(), labelled_spans):
                yield Deadline(match.group(0), Span(match.start(), match.end()), None, "ongoing")
    if "每" in region:
        for match in _RECURRING.finditer(text, start, end):
            if (
                len(match.group(0)) > 2
                and (match.group(0)[-1] in "底末前日" or _inside(match.start(), labelled_spans))
                and not _inside(match.start(), labelled_spans)
            ):
                yield Deadline(match.group(0), Span(match.start(), match.end()), None, "recurring")
    if "年" not in region:
        return
    for match in _DATED.finditer(text, start, end):
        begin = match.start()
        if labelled_spans and _inside(begin, labelled_spans):
            continue
        half, quarter, month, year_end, before = match.group("half", "q", "month", "yend", "before")
        has_period = bool(half or quarter or month or year_end)
        lead = begin > start and text[begin - 1] in _LEAD_WORDS
        if not (has_period or before or lead):
            continue  # a bare year ("2025年") is a date of reference, not a deadline
        if lead:
            begin -= 1
        kind = "date" if (has_period or before) else "period"
        yield Deadline(text[begin : match.end()], Span(begin, match.end()), _date_of(match), kind)


def _inside(position: int, spans: list[Span]) -> bool:
    return any(span.start <= position < span.end for span in spans)


def _date_of(match: re.Match[str]) -> str | None:
    year = int(match.group("year"))
    if match.group("day") and match.group("month"):
        month, day = int(match.group("month")), int(match.group("day"))
    elif match.group("month"):
        month = int(match.group("month"))
        if not 1 <= month <= 12:
            return None
        day = _MONTH_END[month]
    elif match.group("half") == "上半年":
        month, day = 6, 30
    elif match.group("q"):
        quarter = cn_to_int(match.group("q").strip("第季度")) or 4
        month = min(quarter, 4) * 3
        day = _MONTH_END[month]
    else:
        month, day = 12, 31
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_targets(text: str, start: int, end: int) -> Iterator[Target]:
    """Quantitative targets in ``text[start:end]``: 不低于10年, 200项以上, 8%左右, 4/5, 三分之一."""
    for match in _TARGET.finditer(text, start, end):
        unit = match.group("unit")
        after = match.group("after")
        begin = match.start()
        if begin > 0 and (text[begin - 1].isdigit() or text[begin - 1] in "./"):
            continue  # inside a longer number
        before = _word_before(text, begin, start)
        if unit == "年" and not (before or after):
            continue  # "2025年" or "3年" alone: a date or a duration, not a target
        if _is_date_part(text, match):
            continue
        relation = _RELATION_AFTER.get(after or "") or _RELATION_BEFORE.get(before or "") or "="
        begin -= len(before or "")
        yield Target(text[begin : match.end()], Span(begin, match.end()), _number(match.group("num")), unit, relation)
    region = text[start:end]
    if "分之" in region:
        for match in _CN_FRACTION.finditer(text, start, end):
            den = cn_to_int(match.group("den")) or 0
            nom = cn_to_int(match.group("nom")) or 0
            yield Target(match.group(0), Span(match.start(), match.end()), nom / den if den else None, "fraction", "=")
    if "/" in region:
        # fractions written with a slash and no unit: 不少于4/5用于科研
        for match in _SLASH_FRACTION.finditer(text, start, end):
            num, den = int(match.group(1)), int(match.group(2))
            if not den or num > den or _TARGET.match(text, match.start()):
                continue
            before = _word_before(text, match.start(), start)
            begin = match.start() - len(before or "")
            relation = _RELATION_BEFORE.get(before or "", "=")
            yield Target(text[begin : match.end()], Span(begin, match.end()), num / den, "fraction", relation)


def _word_before(text: str, position: int, floor: int) -> str | None:
    """The relation word (不低于, 超过 …) ending right before ``position``, if any."""
    window = text[max(floor, position - 5) : position]
    if not window.endswith(_BEFORE_WORDS):
        return None
    return next(word for word in _BEFORE_WORDS if window.endswith(word))


def _is_date_part(text: str, match: re.Match[str]) -> bool:
    """"2025年6月" would otherwise yield the target "6月": skip numbers directly after 年/月."""
    before = text[max(0, match.start() - 1) : match.start()]
    return match.group("unit") in ("天", "年") and before in ("年", "月")


def _number(text: str) -> float | None:
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den) if float(den) else None
    return float(text)


def find_citations(text: str, start: int, end: int) -> Iterator[Citation]:
    for match in _CITATION.finditer(text, start, end):
        yield Citation(match.group("title"), Span(match.start(), match.end()), match.group("number"))
