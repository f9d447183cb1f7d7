"""Corpus-scale analysis: hundreds to hundreds of thousands of policy documents.

>>> from policytext import Corpus
>>> result = Corpus("policies/").analyse(workers=2)          # doctest: +SKIP
>>> result.save("out/")                                       # doctest: +SKIP

See ``docs/batch.md`` for the engines, the cache and the output layout, and
:mod:`policytext.corpus.analytics` for networks, trends, similarity and citations.
"""

from __future__ import annotations

from policytext.corpus.core import Corpus
from policytext.corpus.result import AnalysisResult

__all__ = ["AnalysisResult", "Corpus"]
