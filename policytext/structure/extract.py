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
# A labelled deadline, (完成|办结)(时限|时间)[：:] and its value, found from its 时 (a literal first
# character: the scan jumps from 时 to 时, where an alternation of the labels would test every
# character); the label starts two characters before the match (see _labelled_deadlines).
_LABELLED_DEADLINE_AT_SHI = re.compile(r"时(?<=完成时|办结时)[限间][：:]\s*(?P<value>[^）)；;。，\n]{1,30})")
_ONGOING = re.compile(r"(?:长期坚持|长期推进|持续推进|持续实施|常态化推进)(?=[）)；;。，\n]|$)")
# _ONGOING split by first word: a literal first word lets the regex engine jump to it.  The matches cannot overlap, so together they are _ONGOING's.
_ONGOING_SCANS = tuple(
    (word, re.compile(word + rest + r"(?=[）)；;。，\n]|$)"))
    for word, rest in (("长期", "(?:坚持|推进)"), ("持续", "(?:推进|实施)"), ("常态化", "推进"))
)
_DATED = re.compile(
    r"(?P<year>(?:19|20)\d{2})年"
    r"(?:(?P<half>上半年|下半年)|(?P<q>第?[一二三四1-4]季度)|(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|(?P<mend>底|末|中旬|上旬|下旬))?"
    r"|(?P<yend>底|年底|末|年末|内|年内))?"
    r"(?P<before>前|之前|以前|前后)?"
)
# Where a dated deadline may start: a 年 right after a year.  The scan jumps from 年 to 年 (a
# literal first character); _DATED.search would test every "1" and "2" of the text instead.  A
# _DATED match starts exactly four characters before its first 年, and no match's tail holds a
# year, so matching _DATED at each such 年 gives the matches of _DATED.finditer.
_YEAR_END = re.compile(r"年(?<=(?:19|20)\d{2}年)")
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
# Measure words also counted in 万/亿 (1万个, 10万家); they come after the units above, so that
# 万元/万人 keep their own unit.
_COUNTED = "个|家|项|所|件|台|套|座|户|张|篇|种|场|辆|床|名|条|批|支|次"
_UNITS_ALL = _UNITS.replace("|年|", "|") + f"|(?:万|亿)(?:{_COUNTED})"
# A four-digit number before 年 is a year, never a target: the pattern does not even match it.
# "[\d]\d*" rather than "\d+": a character class first lets the regex engine skip to digits
# instead of trying the whole pattern at every position (three times faster on long texts).
# Thousands separators (1,000万元) and 余/多 after the number (100余家: more than 100) are allowed.
_TARGET = re.compile(
    r"(?P<num>[\d](?:\d{0,2}(?:,\d{3})+(?![\d,])|\d*)(?:\.\d+)?(?:/\d+)?)(?P<more>[余多])?"
    rf"(?P<unit>{_UNITS_ALL}|(?<![\d.]\d{{3}})年)"
    r"(?P<after>及以上|以上|以下|以内|左右|之内)?"
)
# The scan for targets: _TARGET's matches, less those Python would drop anyway because they start
# inside a number (after a digit, "." or "/"; dropping such a match exposes no other, as no digit
# inside it starts a match either).  Possessive quantifiers and the look-ahead at the unit's
# first character are pure speed: no unit starts with a digit, "." or "/", so giving back part
# of the number never helps.
_TARGET_SCAN_REST = (
    r"(?<![\d./][\d])(?:\d{0,2}+(?:,\d{3})++(?![\d,])|\d*+)(?:\.\d++)?+(?:/\d++)?+)(?P<more>[余多])?+"
    rf"(?=[{re.escape(''.join(sorted({unit[0] for unit in _UNITS.split('|')})))}])"
    rf"(?P<unit>{_UNITS_ALL}|(?<![\d.]\d{{3}})年)"
    r"(?P<after>及以上|以上|以下|以内|左右|之内)?"
)
_TARGET_SCAN = re.compile(r"(?P<num>[\d]" + _TARGET_SCAN_REST)
# The same for texts without characters beyond U+FFFF (nearly all): the first digit as the
# explicit set of decimal digits of the BMP (what \d matches there), which the regex engine tests
# with a bitmap, about twice as fast as the Unicode category test of \d at every character.
_BMP_DIGITS = "".join(re.escape(chr(code)) for code in range(0x10000) if chr(code).isdecimal())
_TARGET_SCAN_BMP = re.compile(rf"(?P<num>[{_BMP_DIGITS}]" + _TARGET_SCAN_REST)
_CN_NUMERALS = "一二三四五六七八九十"
_CN_FRACTION = re.compile(r"(?P<den>[一二三四五六七八九十]{1,2})分之(?P<nom>[一二三四五六七八九十]{1,2})")
# Where a _CN_FRACTION match may be: a 分之 between numerals (the scan jumps from 分之 to 分之).
_FRACTION_MARK = re.compile(r"分之(?<=[一二三四五六七八九十]分之)(?=[一二三四五六七八九十])")
_SLASH_FRACTION = re.compile(r"(?<![\d/.])(\d{1,3})/(\d{1,3})(?![\d/])")
_CITATION = re.compile(
    r"《(?P<title>[^《》\n]{2,100})》(?:（(?P<number>[^（）\n]{1,20}〔\d{4}〕\d{1,4}号)）)?"
)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,4}号")


def find_deadlines(text: str, start: int, end: int) -> Iterator[Deadline]:
    """Deadlines in ``text[start:end]``: 完成时限：…, 2025年底前, 到2027年, 长期坚持."""
    region = text[start:end]
    labelled_spans: list[Span] = []
    for begin, match in _labelled_deadlines(text, start, end, region):
        value = match.group("value").strip()
        value_start = match.start("value")
        labelled_spans.append(Span(begin, match.end()))
        inner = _DATED.search(value)
        date = _date_of(inner) if inner else None
        if _ONGOING.match(value):
            kind = "ongoing"
        elif value.startswith("每"):
            kind = "recurring"
        else:
            kind = "date" if date else "period"
        yield Deadline(value, Span(value_start, value_start + len(value)), date, kind)
    ongoing = [
        match for word, scan in _ONGOING_SCANS for match in _matches_from(text, word[0], scan, start, end)
    ]
    if len(ongoing) > 1:
        ongoing.sort(key=_match_start)
    for match in ongoing:
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
    for year in _YEAR_END.finditer(text, start + 4, end):
        dated = _DATED.match(text, year.start() - 4, end)
        if dated is None:  # pragma: no cover - the year is there
            continue
        begin = dated.start()
        if labelled_spans and _inside(begin, labelled_spans):
            continue
        year_, half, quarter, month, day, year_end, before = dated.group(
            "year", "half", "q", "month", "day", "yend", "before"
        )
        if day and not before and _is_effective_date(text, begin, dated.end(), start, end):
            continue  # 自2025年1月1日起施行, 对2018年1月1日后完工的: a date of effect, not a deadline
        has_period = bool(half or quarter or month or year_end)
        lead = begin > start and text[begin - 1] in _LEAD_WORDS
        if not (has_period or before or lead):
            continue  # a bare year ("2025年") is a date of reference, not a deadline
        if lead:
            begin -= 1
        kind = "date" if (has_period or before) else "period"
        finish = dated.end()
        date = _iso_date(year_, month, day, half, quarter)
        yield Deadline(text[begin:finish], _new_span(Span, (begin, finish)), date, kind)


def _is_effective_date(text: str, begin: int, finish: int, start: int, end: int) -> bool:
    """A day-precision date after 自/对 or before 起/后 marks when something applies from."""
    return (begin > start and text[begin - 1] in "自对") or (finish < end and text[finish] in "起后")


def _matches_from(text: str, first: str, scan: re.Pattern[str], start: int, end: int) -> list[re.Match[str]]:
    """``scan.finditer(text, start, end)`` for a pattern whose matches start with ``first``.

    The occurrences of ``first`` are found by ``str.find`` (a ``memchr``, several times faster than
    the regex engine's scan for a literal) and the pattern is tried at each; after a match the
    search resumes at its end, as ``finditer`` does.  Worth it for words whose first character
    is not common (长期, 持续, 常态化, 《: a few per document).
    """
    found = []
    at = text.find(first, start, end)
    while at >= 0:
        match = scan.match(text, at, end)
        if match is not None:
            found.append(match)
            at = text.find(first, match.end(), end)
        else:
            at = text.find(first, at + 1, end)
    return found


def _labelled_deadlines(text: str, start: int, end: int, region: str) -> list[tuple[int, re.Match[str]]]:
    """``(label start, match)`` of the labelled deadlines (完成时限：…) in ``text[start:end]``, as a
    left-to-right scan of the whole labels finds them; none unless ``region`` (``text[start:end]``)
    holds 时限 or 时间：.

    Found from their 时 by ``_LABELLED_DEADLINE_AT_SHI``; a match whose 完成/办结 would lie before
    ``start`` or inside the previous match is not one a scan of the labels finds.  The substring
    tests run only when a match is found.
    """
    found = []
    floor = start  # where the original scan resumes
    position = start + 2
    while (match := _LABELLED_DEADLINE_AT_SHI.search(text, position, end)) is not None:
        begin = match.start() - 2
        if begin >= floor:
            floor = position = match.end()
            found.append((begin, match))
        else:  # not a match of the label scan: it must not hide a later 时 (finditer would skip it)
            position = match.start() + 1
    if found and "时限" not in region and "时间：" not in region:
        return []
    return found


def _match_start(match: re.Match[str]) -> int:
    return match.start()


def _inside(position: int, spans: list[Span]) -> bool:
    return any(span.start <= position < span.end for span in spans)


def _date_of(match: re.Match[str]) -> str | None:
    """The ISO date a ``_DATED`` match resolves to (the end of the period it names), or None."""
    return _iso_date(*match.group("year", "month", "day", "half", "q"))


def _iso_date(
    year_text: str, month_text: str | None, day_text: str | None, half: str | None, quarter_text: str | None
) -> str | None:
    """:func:`_date_of` from the match's groups (fetched by one ``group`` call: this runs for every
    dated deadline of a corpus)."""
    year = int(year_text)
    if day_text and month_text:
        month, day = int(month_text), int(day_text)
    elif month_text:
        month = int(month_text)
        if not 1 <= month <= 12:
            return None
        day = _MONTH_END[month]
    elif half == "上半年":
        month, day = 6, 30
    elif quarter_text:
        quarter = cn_to_int(quarter_text.strip("第季度")) or 4
        month = min(quarter, 4) * 3
        day = _MONTH_END[month]
    else:
        month, day = 12, 31
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# Span(a, b) without the named tuple's Python-level __new__ (measurably cheaper per deadline).
_new_span = tuple.__new__


def find_targets(text: str, start: int, end: int) -> Iterator[Target]:
    """Quantitative targets in ``text[start:end]``: 不低于10年, 200项以上, 8%左右, 4/5, 三分之一."""
    # a text with characters beyond the BMP (rare) needs the \\d pattern
    scan = _TARGET_SCAN_BMP if _narrow(text) else _TARGET_SCAN
    for match in scan.finditer(text, start, end):
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
        relation = (
            _RELATION_AFTER.get(after or "")
            or _RELATION_BEFORE.get(before or "")
            or (">" if match.group("more") else "=")
        )
        begin -= len(before or "")
        yield Target(
            text[begin : match.end()], Span(begin, match.end()), _number(match.group("num")), unit, relation
        )
    region = text[start:end]
    if "分之" in region:
        for match in _cn_fractions(text, start, end):
            den = cn_to_int(match.group("den")) or 0
            nom = cn_to_int(match.group("nom")) or 0
            yield Target(
                match.group(0), Span(match.start(), match.end()), nom / den if den else None, "fraction", "="
            )
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


# CPython (PEP 393) stores a str with 1, 2 or 4 bytes per character, 4 only when one of them lies
# beyond U+FFFF; these are the object sizes of the narrow forms less their characters.
_NARROW_BASES = tuple(
    sample.__sizeof__() - len(sample) * width for sample, width in (("a", 1), ("é", 1), ("中", 2))
)


def _narrow(text: str) -> bool:
    """True only if ``text`` has no character beyond U+FFFF, told from its size in O(1).

    Encoding the text to UTF-16 to find out cost a tenth of the target search.  A string stored
    otherwise (4 bytes per character, a cached UTF-8 copy, another Python) is never taken for
    narrow: its size matches none of the narrow forms, and the caller falls back to ``\\d``.
    """
    size, length = text.__sizeof__(), len(text)
    ascii_base, latin_base, ucs2_base = _NARROW_BASES
    return size in (ascii_base + length, latin_base + length, ucs2_base + 2 * length)


def _cn_fractions(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of ``_CN_FRACTION.finditer(text, start, end)``, found from their 分之.

    A match is one or two numerals, 分之, one or two numerals; the leftmost-first scan starts it
    two numerals before 分之 when it can (not before ``start`` or the previous match's end).
    """
    floor = start
    for mark in _FRACTION_MARK.finditer(text, start + 1, end):
        at = mark.start()
        if at - 2 >= floor and text[at - 2] in _CN_NUMERALS:
            begin = at - 2
        elif at - 1 >= floor:
            begin = at - 1
        else:
            continue  # its numeral belongs to the previous fraction (三分之二分之一)
        match = _CN_FRACTION.match(text, begin, end)
        if match is not None:  # always: numerals on both sides
            floor = match.end()
            yield match


def _word_before(text: str, position: int, floor: int) -> str | None:
    """The relation word (不低于, 超过 …) ending right before ``position``, if any."""
    window = text[max(floor, position - 5) : position]
    if not window.endswith(_BEFORE_WORDS):
        return None
    return next(word for word in _BEFORE_WORDS if window.endswith(word))


def _is_date_part(text: str, match: re.Match[str]) -> bool:
    """ "2025年6月" would otherwise yield the target "6月": skip numbers directly after 年/月."""
    before = text[max(0, match.start() - 1) : match.start()]
    return match.group("unit") in ("天", "年") and before in ("年", "月")


def _number(text: str) -> float | None:
    if "," in text:
        text = text.replace(",", "")
    if "/" in text:
        num, den = text.split("/", 1)
        return float(num) / float(den) if float(den) else None
    return float(text)


def find_citations(text: str, start: int, end: int) -> Iterator[Citation]:
    """Documents cited by title (《…》), with their 文号 when given; found from each 《."""
    for match in _matches_from(text, "《", _CITATION, start, end):
        yield Citation(match.group("title"), Span(match.start(), match.end()), match.group("number"))
