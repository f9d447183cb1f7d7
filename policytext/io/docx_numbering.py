"""Labels Word generates from numbering definitions (一、 （一） 1. ①), which are not in the text.

A docx built on Word's numbered lists holds only the item text; the label 一、 lives in
``numbering.xml``.  Structure parsing needs the labels, so we render them: per list
(abstract numbering), a counter per level, formatted with the level's ``numFmt`` and
``lvlText`` (``%1、``, ``（%2）``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{_W}val"
_DIGITS = "零一二三四五六七八九"
_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip
_NO_SPACE_AFTER = "、）)．.：:，,"
_MAX_LEVELS = 9


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    suffix: str


def chinese_number(n: int, digits: str = _DIGITS, ten: str = "十") -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 999; larger numbers stay Arabic)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20:
        return ten + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + ten + (digits[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    hundred = "佰" if digits is _CAPITAL_DIGITS else "百"
    if not rest:
        return digits[hundreds] + hundred
    if rest < 10:
        return digits[hundreds] + hundred + digits[0] + digits[rest]
    tens = chinese_number(rest, digits, ten)
    return digits[hundreds] + hundred + (digits[1] + tens if rest < 20 else tens)


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    """``n`` in Word's number format ``fmt`` (unknown formats fall back to Arabic digits)."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        return chinese_number(n)
    if fmt == "chineseLegalSimplified":
        return chinese_number(n, _CAPITAL_DIGITS, "拾")
    if fmt in ("ideographTraditional", "ideographZodiac"):
        cycle = _STEMS if fmt == "ideographTraditional" else _BRANCHES
        return cycle[(n - 1) % len(cycle)] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "ideographDigital":
        return "".join(_DIGITS[int(d)] for d in str(n))
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


def _int(element: Any, default: int) -> int:
    try:
        return int(element.get(_VAL))
    except (AttributeError, TypeError, ValueError):
        return default


class ListNumbering:
    """Renders the label of each numbered paragraph, in document order (counters are stateful)."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self._counters: dict[str, list[int]] = {}
        self._started: set[str] = set()
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, numbering: Any) -> None:
        for abstract in numbering.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for level in abstract.iterchildren(f"{_W}lvl"):
                try:
                    ilvl = int(level.get(f"{_W}ilvl", "0"))
                except ValueError:
                    continue
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                suffix = level.find(f"{_W}suff")
                levels[ilvl] = _Level(
                    start=_int(level.find(f"{_W}start"), 1),
                    fmt=fmt.get(_VAL, "decimal") if fmt is not None else "decimal",
                    text=text.get(_VAL, "") if text is not None else "",
                    suffix=suffix.get(_VAL, "tab") if suffix is not None else "tab",
                )
            self._abstract[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering.iterchildren(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            if abstract_id is None:
                continue
            overrides: dict[int, int] = {}
            for override in num.iterchildren(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{_W}ilvl", "0"))] = _int(start, 1)
            self._nums[num.get(f"{_W}numId", "")] = (abstract_id.get(_VAL, ""), overrides)

    def _read_styles(self, styles: Any) -> None:
        own: dict[str, tuple[str | None, int | None]] = {}
        based_on: dict[str, str] = {}
        for style in styles.iterchildren(f"{_W}style"):
            style_id = style.get(f"{_W}styleId", "")
            parent = style.find(f"{_W}basedOn")
            if parent is not None:
                based_on[style_id] = parent.get(_VAL, "")
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                own[style_id] = self._num_pr(num_pr)
        for style_id in set(own) | set(based_on):
            current: str | None = style_id
            for _ in range(20):  # basedOn chains are short; a cycle must not hang us
                if current is None or current in own:
                    break
                current = based_on.get(current)
            if current is not None and current in own:
                self._style_numbering[style_id] = own[current]

    @staticmethod
    def _num_pr(num_pr: Any) -> tuple[str | None, int | None]:
        num_id = num_pr.find(f"{_W}numId")
        ilvl = num_pr.find(f"{_W}ilvl")
        return (
            num_id.get(_VAL) if num_id is not None else None,
            _int(ilvl, 0) if ilvl is not None else None,
        )

    def label(self, paragraph: Any) -> str:
        """The generated label of ``paragraph`` (with its separator), or ``""`` when it has none."""
        num_id, ilvl = self._paragraph_numbering(paragraph)
        if not num_id or num_id == "0" or num_id not in self._nums:
            return ""
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abstract_id)
        if not levels:
            return ""
        ilvl = min(max(ilvl or 0, 0), _MAX_LEVELS - 1)
        level = levels.get(ilvl)
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self._counters.setdefault(abstract_id, [0] * _MAX_LEVELS)
        if num_id not in self._started:
            self._started.add(num_id)
            for index, start in overrides.items():
                if 0 <= index < _MAX_LEVELS:
                    counters[index] = start - 1
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else level.start
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            counters[deeper] = 0
        text = level.text
        for index in range(ilvl + 1):
            placeholder = f"%{index + 1}"
            if placeholder in text:
                upper = levels.get(index, level)
                value = counters[index] or upper.start
                text = text.replace(placeholder, format_number(value, upper.fmt))
        if not text:
            return ""
        if level.suffix == "nothing" or (level.suffix == "tab" and text[-1] in _NO_SPACE_AFTER):
            return text
        return text + " "

    def _paragraph_numbering(self, paragraph: Any) -> tuple[str | None, int | None]:
        properties = paragraph.find(f"{_W}pPr")
        if properties is None:
            return None, None
        num_id: str | None = None
        ilvl: int | None = None
        num_pr = properties.find(f"{_W}numPr")
        if num_pr is not None:
            num_id, ilvl = self._num_pr(num_pr)
        style = properties.find(f"{_W}pStyle")
        if style is not None and (num_id is None or ilvl is None):
            style_num, style_ilvl = self._style_numbering.get(style.get(_VAL, ""), (None, None))
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        return num_id, ilvl
