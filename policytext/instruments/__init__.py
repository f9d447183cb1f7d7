"""Policy-instrument coding (政策工具) and PMC-index scoring (PMC指数) of policy documents.

Hand-coding each measure by instrument type and scoring documents with the PMC index takes
weeks per corpus; these built-ins do both transparently (every label and every 0/1 score comes
with the text that triggered it) and reproducibly (the lexicons and the PMC scheme are data
files that ship with the library and can be edited or replaced).

>>> import policytext
>>> from policytext.instruments import classify, crosstab, pmc_score
>>> doc = policytext.corpora.load("qianjiang_2025")
>>> result = classify(doc, scheme="rothwell")
>>> table = crosstab(result, by="section")
>>> pmc_score(doc).grade in {"perfect", "excellent", "acceptable", "poor"}
True
"""

from __future__ import annotations

from policytext.instruments.classify import classify, code_measure, measure_body
from policytext.instruments.learn import InstrumentClassifier
from policytext.instruments.lexicon import (
    SCHEMES,
    Lexicon,
    LexiconClassifier,
    load_lexicon,
    split_sentences,
)
from policytext.instruments.pmc import PMCResult, PMCScheme, plot_pmc_surface, pmc_score, pmc_table
from policytext.instruments.result import (
    Evidence,
    InstrumentLabel,
    InstrumentResult,
    MeasureInstruments,
    SentenceInstruments,
)
from policytext.instruments.tables import crosstab, innovation_stage, plot_crosstab

__all__ = [
    "SCHEMES",
    "Evidence",
    "InstrumentClassifier",
    "InstrumentLabel",
    "InstrumentResult",
    "Lexicon",
    "LexiconClassifier",
    "MeasureInstruments",
    "PMCResult",
    "PMCScheme",
    "SentenceInstruments",
    "classify",
    "code_measure",
    "crosstab",
    "innovation_stage",
    "load_lexicon",
    "measure_body",
    "plot_crosstab",
    "plot_pmc_surface",
    "pmc_score",
    "pmc_table",
    "split_sentences",
]
