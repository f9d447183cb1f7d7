"""Chinese numerals as they appear in outline labels, 文号 and dates."""

from __future__ import annotations

_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_NUMERAL_CHARS = "零〇一二三四五六七八九十百千两"


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral (一百二十三, 十五, 二十) or of ASCII digits; ``None`` if neither.

    >>> cn_to_int("二十三"), cn_to_int("十"), cn_to_int("一百零五"), cn_to_int("12")
    (23, 10, 105, 12)
    """
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    total = 0
    current = 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            return None
    return total + current


def cn_digits_to_int(text: str) -> int | None:
    """Digit-by-digit Chinese numerals as in dates: 二〇二五 → 2025."""
    if not text or any(c not in _DIGITS for c in text):
        return None
    value = 0
    for char in text:
        value = value * 10 + _DIGITS[char]
    return value


def circled_to_int(char: str) -> int | None:
    index = CIRCLED.find(char)
    return index + 1 if index >= 0 else None
