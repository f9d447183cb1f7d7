"""Traditional → simplified Chinese with OpenCC, and a cheap test for traditional text.

Older national documents (the 1954 government work report) and texts from Taiwan or Hong
Kong are in traditional characters; every later stage (dictionaries of units, keyword
lists) is simplified, so the reader converts on request.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from policytext.errors import DependencyError

#: The warning given when a text looks traditional and ``t2s`` was not asked for.
TRADITIONAL_HINT = "text looks like traditional Chinese: pass t2s=True to convert it to simplified"
_SAMPLE_CHARS = 600
_NOT_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")
#: Share of CJK characters that OpenCC changes above which a text counts as traditional.
_TRADITIONAL_SHARE = 0.05
_MIN_CJK = 20
# Very frequent characters that exist only in traditional script: a text without any of them
# in its sample is not traditional, and OpenCC need not run at all (the common case).
_TRADITIONAL_MARKERS = re.compile(
    "[們國會這來時個說對於與為爲過還後開關當發經進動實現體點從無將業產長區問學東專車門書見萬並務員]"
)


@lru_cache(maxsize=1)
def _converter() -> Any:
    """The OpenCC t2s converter, built once per process on first use (loading takes a few ms)."""
    try:
        import opencc
    except ImportError as error:  # pragma: no cover - opencc is a hard dependency
        raise DependencyError("converting traditional Chinese needs the 'opencc' package") from error
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` with traditional characters converted to simplified (OpenCC ``t2s``)."""
    if not text:
        return text
    return str(_converter().convert(text))


def looks_traditional(text: str) -> bool:
    """True when a sample of ``text`` is mostly traditional characters.

    Converts the first few thousand CJK characters with t2s and counts how many change:
    simplified text barely changes, traditional text changes by a fifth or more.
    """
    head = text[: _SAMPLE_CHARS * 3]
    if not _TRADITIONAL_MARKERS.search(head):  # the common case, decided without OpenCC
        return False
    sample = _NOT_CJK.sub("", head)[:_SAMPLE_CHARS]
    if len(sample) < _MIN_CJK:
        return False
    converted = to_simplified(sample)
    # Phrase conversions may change the length; a positional comparison is close enough.
    changed = sum(map(str.__ne__, sample, converted))
    return changed / len(sample) > _TRADITIONAL_SHARE
