"""Word tokens for the term and semantic signals of the aligner.

The aligner owns one ``rjieba.Jieba`` instance (never jieba's global tokenizer): it is about
fifty times faster than pure-Python jieba, which matters when thousands of candidate units are
re-scored, and the shipped word vectors were trained with the very same tokenizer
(``scripts/train_align_vectors.py``), so vocabulary and tokens agree.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from policytext.segment import _without_surrogates

#: Function words and the boiler-plate verbs of policy prose that carry no task content.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "等",
        "在",
        "对",
        "为",
        "以",
        "把",
        "被",
        "将",
        "从",
        "向",
        "由",
        "于",
        "之",
        "其",
        "并",
        "或",
        "而",
        "也",
        "都",
        "就",
        "又",
        "要",
        "把",
        "按照",
        "根据",
        "通过",
        "进一步",
        "加强",
        "推进",
        "推动",
        "深入",
        "全面",
        "积极",
        "大力",
        "持续",
        "不断",
        "切实",
        "着力",
        "加快",
        "坚持",
        "完善",
        "健全",
        "提升",
        "提高",
        "强化",
        "深化",
        "实施",
        "开展",
        "建立",
        "建设",
        "支持",
        "鼓励",
        "促进",
        "落实",
        "发挥",
        "加大",
        "优化",
        "统筹",
        "有关",
        "相关",
        "一批",
        "各类",
        "各级",
        "重点",
        "工作",
        "方面",
        "体系",
        "机制",
        "水平",
        "能力",
        "作用",
        "我市",
        "本市",
        "全市",
        "我省",
        "本省",
        "全省",
        "全国",
        "国家",
        "县级",
        "以上",
        "人民政府",
        "部门",
        "应当",
        "可以",
        "不得",
        "规定",
        "本条例",
        "本法",
        "办法",
        "条例",
        "一个",
        "一些",
        "这个",
        "这些",
        "以及",
        "同时",
        "其中",
        "之间",
        "有效",
        "更加",
        "不断",
    ]
)

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


class _Tokenizer:
    """A lazily created, thread-safe wrapper around one private ``rjieba.Jieba``."""

    def __init__(self) -> None:
        self._jieba: Any = None
        self._lock = threading.Lock()

    def cut(self, text: str) -> list[str]:
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import rjieba

                    self._jieba = rjieba.Jieba()
        try:
            return list(self._jieba.cut(text))
        except UnicodeEncodeError:  # a lone surrogate (broken input) cannot go to the Rust side
            return list(self._jieba.cut(_without_surrogates(text)))


_TOKENIZER = _Tokenizer()


def content_words(text: str) -> list[str]:
    """Content words of ``text`` in order: two or more characters, not a stop word, not a number."""
    return [w for w in _TOKENIZER.cut(text) if len(w) >= 2 and w not in STOP_WORDS and _WORD.search(w)]
