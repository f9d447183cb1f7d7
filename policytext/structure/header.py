"""The header of a 公文: title, issuing body, addressees (主送机关), 文号 and date.

Headers come in many shapes: a web page repeats the title above the issuer; a transmittal notice
(印发通知) carries its own title and then the attached plan's title; laws start with the title
and an enactment history; work reports have no header at all (their issuer is the government
the opening sentence reports for: 我代表省人民政府，向大会报告工作).  The parser looks only at the
lines before the first numbered item (and at the last lines for a 落款 date, at the first 3,000
characters for a report's opening sentence), and fills what it finds; anything it cannot find
stays ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policytext.model import Span
from policytext.normalize import TITLE_END_WORDS
from policytext.structure.extract import DOC_NUMBER
from policytext.structure.numbers import cn_digits_to_int, cn_to_int

#: A line that is only an issuing body's name: the issuer above a title, or the 落款 above the
#: closing date (the outline ends the last item before it).
ISSUER_LINE = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{0,20}(?:人民政府|人民政府办公厅|人民政府办公室|办公厅|办公室|委员会|"
    r"局|厅|部|委|院|政府|常务委员会|人民代表大会)(?:[、，\s](?:中共)?[\u4e00-\u9fff]{2,20})*$"
)
_ADDRESSEE = re.compile(r"^(?P<body>[^。；\n]{2,200})：$")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_DATE_CN = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_DATE_LINE = re.compile(
    r"[（(]?(?:(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日[）)]?$"
)
# The issuer named at the start of a full title: before 关于, or before 转发/批转 in a title
# forwarding another body's document ("国务院办公厅转发国家地震局关于…" is issued by 国务院办公厅).
_ISSUER_IN_TITLE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff、]{2,40}?)(?:关于|转发|批转)")
# A reply to a deputy's proposal names its issuer before 对: "国务院办公厅对…第2996号建议的答复".
_ISSUER_OF_REPLY = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff、]{2,20}?(?:办公厅|办公室|人民政府|委员会|院|部|委|局|厅))对"
)
_MAX_HEADER_LINES = 12


@dataclass(frozen=True, slots=True)
class HeaderFields:
    title: str | None = None
    title_span: Span | None = None
    issuer: str | None = None
    addressees: tuple[str, ...] = ()
    doc_number: str | None = None
    date: str | None = None
    date_span: Span | None = None


def parse_date(text: str) -> str | None:
    """ISO date of ``2025年2月8日`` or ``二〇二五年二月八日``; ``None`` if neither or invalid."""
    match = _DATE_ISO.search(text)
    if match:
        return _iso_date(match)
    match = _DATE_CN.search(text)
    if not match:
        return None
    year = cn_digits_to_int(match.group(1)) or 0
    month = cn_to_int(match.group(2)) or 0
    day = cn_to_int(match.group(3)) or 0
    return _valid_iso(year, month, day)


def _iso_date(match: re.Match[str]) -> str | None:
    """The ISO date of a ``_DATE_ISO`` match (None if invalid)."""
    year, month, day = match.groups()
    return _valid_iso(int(year), int(month), int(day))


def _valid_iso(year: int, month: int, day: int) -> str | None:
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_header(text: str, first_item: int) -> HeaderFields:
    """Read the header from the lines of ``text`` before ``first_item`` (the first numbered item)."""
    lines = _lines(text, first_item)
    title = issuer = doc_number = date = None
    title_span = date_span = None
    addressees: tuple[str, ...] = ()
    fallback: tuple[int, str, Span] | None = None  # (priority, date, span) of a labelled web date
    for index, (start, end) in enumerate(lines[:_MAX_HEADER_LINES]):
        line = text[start:end]
        if date is None and line.startswith("—") and _DATE_ISO.search(line):
            # a speech's subtitle: "——2026年1月26日在…会议上"
            found = _DATE_ISO.search(line)
            date, date_span = parse_date(found.group(0)), Span(start + found.start(), start + found.end())  # type: ignore[union-attr]
            continue
        labelled = _labelled_date(line, start)
        if labelled and (fallback is None or labelled[0] < fallback[0]):
            fallback = labelled
        if date is None and _DATE_LINE.match(line):
            date, date_span = parse_date(line), Span(start, end)
            continue
        if doc_number is None and "〔" in line and DOC_NUMBER.fullmatch(line.strip("（）")):
            doc_number = DOC_NUMBER.search(line).group(0)  # type: ignore[union-attr]
            continue
        if (
            not addressees
            and index < 8
            and line.endswith("：")
            and _ADDRESSEE.match(line)
            and _looks_like_addressees(line)
        ):
            addressees = _split_addressees(line[:-1])
            continue
        if _is_title(line):
            # the last title-like line before the body wins: in a transmittal it is the plan itself
            # the full official title, issuer included ("国务院关于印发…的通知"); the issuer is
            # also reported on its own
            title, title_span = line, Span(start, end)
            if issuer is None:
                issuer = _issuer_of_title(line)
            continue
        if issuer is None and len(line) <= 40 and ISSUER_LINE.match(line):
            issuer = line
            continue
        if index > 0 and (found := _DATE_ISO.match(line)) and _HISTORY.search(line):
            # a law's enactment history: "2018年1月23日…第三十五次会议修正"; the latest date wins
            date, date_span = _iso_date(found), Span(start, start + found.end())
            continue
        if index > 0 and len(line) > 60:
            break  # the preamble has begun
    if date is None:
        date, date_span = closing_date(text, first_item)
    if date is None and fallback is not None:
        _, date, date_span = fallback
    if issuer is None and text.find("我代表", 0, _REPORT_SAMPLE) >= 0:
        issuer = report_issuer(text, title)
    return HeaderFields(title, title_span, issuer, addressees, doc_number, date, date_span)


# A government work report has no header: its issuer is the government the speaker reports for,
# "我代表省人民政府，向大会报告工作" (or 国务院).  The sentence must speak of 报告 and 大会, so that a
# speech's "我代表市政府表示感谢" does not count.
_REPORT_SAMPLE = 3000  # the opening sentence comes after the title lines and a web page's clutter
_REPORTS_FOR = re.compile(
    r"我代表(?P<body>(?:中华人民共和国)?国务院|[\u4e00-\u9fff]{0,15}?政府)(?P<rest>[^。；\n]{0,80})"
)
_PLACE = r"[\u4e00-\u9fff]{2,12}?(?:自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗)"
# Where a report names its own place: the title (2026年四川省人民政府工作报告, 陕西省2026年政府工作报告)
# and the subtitle (——2026年1月26日在广东省第十四届人民代表大会第五次会议上, maybe broken over lines).
_PLACE_IN_TITLE = re.compile(rf"^(?:\d{{4}}年)?(?P<place>{_PLACE})(?:\d{{4}}年)?(?:人民)?政府工作报告")
_PLACE_OF_CONGRESS = re.compile(rf"在(?P<place>{_PLACE})第?[一二三四五六七八九十]+届\s*人民代表大会")
# A body named only by its kind: 我代表省人民政府 / 自治区政府 / 市人民政府.
_KIND_ONLY = re.compile(r"^(?P<kind>自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗)(?:人民)?政府$")


def report_issuer(text: str, title: str | None) -> str | None:
    """The government a work report speaks for: 四川省人民政府, 国务院; ``None`` if not a report.

    "我代表省人民政府" names the body by its kind only: the place comes from the title or the
    congress the report is given at, and must be of that kind (a 省 for 省人民政府); without one the
    body stays as printed (省人民政府), which still tells the level.
    """
    found = _REPORTS_FOR.search(text, 0, _REPORT_SAMPLE)
    if found is None or "报告" not in found.group("rest") or "大会" not in found.group("rest"):
        return None
    body = found.group("body")
    if "委" in body or "党" in body:
        return None  # 我代表省委和省政府: not the government alone
    if body.endswith("国务院"):
        return body
    if not body.endswith("人民政府"):
        body = body[: -len("政府")] + "人民政府"  # 省政府 is the short form of 省人民政府
    generic = _KIND_ONLY.match(body)
    if generic is None:
        return body  # 我代表上海市人民政府
    place = _report_place(text, title, _kind(generic.group("kind")))
    return f"{place}人民政府" if place else body


def _report_place(text: str, title: str | None, kind: str) -> str | None:
    """The place a report names in its title or its congress, if it is of ``kind``."""
    candidates: list[str] = []
    if title and (in_title := _PLACE_IN_TITLE.match(title)):
        candidates.append(in_title.group("place"))
    if congress := _PLACE_OF_CONGRESS.search(text, 0, _REPORT_SAMPLE):
        candidates.append(congress.group("place"))
    return next((place for place in candidates if _kind(place) == kind), None)


def _kind(place: str) -> str:
    """The kind of a place by its suffix; 自治州/自治县/自治旗 count as 州/县/旗, 自治区 apart from 区."""
    for suffix, kind in (
        ("自治区", "自治区"),
        ("自治州", "州"),
        ("自治县", "县"),
        ("自治旗", "旗"),
        ("地区", "地区"),
    ):
        if place.endswith(suffix):
            return kind
    return place[-1]


_LABELLED_DATE = re.compile(
    r"(?P<label>成文日期|印发日期|发文日期|发布日期|发布时间|日期|时间)[：:]\s*(?P<date>(?:19|20)\d{2}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日))"
)
_DATE_LABEL_PRIORITY = {
    "成文日期": 0,
    "印发日期": 0,
    "发文日期": 0,
    "日期": 1,
    "发布日期": 2,
    "发布时间": 2,
    "时间": 3,
}


def _labelled_date(line: str, offset: int) -> tuple[int, str, Span] | None:
    """A date printed on a web page's metadata line (成文日期：2024-10-09): a fallback only."""
    # every label holds 日期 or 时间: the literal tests spare most lines the regex scan
    match = _LABELLED_DATE.search(line) if "日期" in line or "时间" in line else None
    if not match:
        return None
    raw = match.group("date")
    if "-" in raw:
        year, month, day = (int(part) for part in raw.split("-"))
        iso = f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
    else:
        iso = parse_date(raw)
    if iso is None:
        return None
    span = Span(offset + match.start("date"), offset + match.end("date"))
    return _DATE_LABEL_PRIORITY[match.group("label")], iso, span


def _lines(text: str, stop: int) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    pos = 0
    while pos < stop and len(lines) < _MAX_HEADER_LINES + 2:
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        lines.append((pos, end))
        pos = end + 1
    return lines


_TRAILING_PAREN = re.compile(r"（[^（）]{1,20}）$")
_HISTORY = re.compile(r"(?:通过|修正|修订|公布|批准|发布|印发)")


_HISTORY_LINE = re.compile(r"会议(?:通过|修正|修订|批准)|(?:通过|公布|施行)的《")


def _is_title(line: str) -> bool:
    if len(line) > 80 or len(line) < 4 or "。" in line or _DATE_ISO.match(line) or _HISTORY_LINE.search(line):
        return False  # "1999年…会议通过的《…决定》" is a law's history, not its title
    stripped = _TRAILING_PAREN.sub("", line.strip("《》“”"))
    if stripped.startswith("《") or "已经" in line:
        return False
    # rstrip of a set of characters is meant: "（试行）", "（暂行）" and their remains
    return stripped.rstrip("（）试行暂行").endswith(TITLE_END_WORDS) or stripped.endswith(TITLE_END_WORDS)  # noqa: B005


def _issuer_of_title(title: str) -> str | None:
    """The issuing body a full title starts with ("国务院办公厅关于…的通知" → 国务院办公厅)."""
    found = _ISSUER_IN_TITLE.match(title)
    if found is None and title.endswith("答复"):
        found = _ISSUER_OF_REPLY.match(title)
    return found.group("issuer") if found else None


# A preamble sentence ending in a colon ("为…，经市政府同意，现提出如下意见：") is not a 主送 line.
_PREAMBLE_START = ("为", "现", "根据", "按照", "依据")
_PREAMBLE_WORDS = ("如下", "收悉", "现将", "特此")
_APPROVED = re.compile(r"经.{0,15}同意")
_ADDRESSEE_WORDS = ("人民政府", "单位", "部门", "委员会", "机构")
# Names of bodies: a short line made only of them ("武警总部：") is an address line too.
_AGENCY_END = (
    "人民政府", "政府", "办公厅", "办公室", "委员会", "总部", "部", "局", "委", "厅", "院", "署", "办", "会", "中心",
    "单位", "部门", "机构", "机关", "公司", "集团", "银行", "兵团", "党委", "党组", "大学", "学校", "学院",
)  # fmt: skip


def _looks_like_addressees(line: str) -> bool:
    """A 主送 line: bodies named one after another, not a sentence that ends in a colon."""
    body = line[:-1]
    if (
        body.startswith(_PREAMBLE_START)
        or any(word in body for word in _PREAMBLE_WORDS)
        or _APPROVED.search(body)
    ):
        return False
    if body.startswith("各") or any(word in body for word in _ADDRESSEE_WORDS):
        return True
    parts = _split_addressees(body)
    return len(body) <= 60 and bool(parts) and all(part.endswith(_AGENCY_END) for part in parts)


def _split_addressees(body: str) -> tuple[str, ...]:
    parts = re.split(r"[，、,；;]", body)
    return tuple(p.strip() for p in parts if p.strip())


def closing_date(text: str, first_item: int) -> tuple[str | None, Span | None]:
    """A 落款 date on a line of its own near the end, or before the attached plan."""
    tail_start = text.rfind("\n", 0, max(0, len(text) - 300)) + 1
    for region_start, region_end in ((tail_start, len(text)), (0, first_item)):
        pos = region_start
        while pos < region_end:
            end = text.find("\n", pos, region_end)
            if end < 0:
                end = region_end
            if end - pos <= 20 and _DATE_LINE.match(text, pos, end):
                return parse_date(text[pos:end]), Span(pos, end)
            if end - pos <= 60 and text.endswith("印发", pos, end):
                found = _DATE_ISO.search(text, pos, end)
                if found:  # 版记: "XX办公室 2019年1月3日印发"
                    return parse_date(found.group(0)), Span(found.start(), found.end())
            pos = end + 1
    return None, None
