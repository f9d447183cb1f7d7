"""Code every measure of a document by policy instrument (政策工具), at measure or sentence level."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from policytext.errors import ConfigurationError
from policytext.instruments.lexicon import Lexicon, LexiconClassifier, split_sentences
from policytext.instruments.result import (
    InstrumentLabel,
    InstrumentResult,
    MeasureInstruments,
    SentenceInstruments,
)
from policytext.model import Measure, PolicyDocument, Span

LEVELS = ("measure", "sentence")


class TextLabeller(Protocol):
    """What :func:`classify` needs from a classifier (both bundled classifiers provide it)."""

    kind: str

    @property
    def scheme(self) -> str: ...

    @property
    def type_names(self) -> dict[str, str]: ...

    def label_text(self, text: str, heading: Span | None = None) -> list[InstrumentLabel]: ...


def measure_body(measure: Measure) -> str:
    """The measure's text with its responsibility clause blanked out (same length, so offsets hold)."""
    text = measure.text
    if measure.clause_span is None:
        return text
    start = max(0, measure.clause_span.start - measure.span.start)
    end = min(len(text), measure.clause_span.end - measure.span.start)
    return text[:start] + " " * (end - start) + text[end:]


def heading_span(measure: Measure, body: str) -> Span | None:
    """Where the heading sentence sits in the measure text (cues there weigh more)."""
    if not measure.title:
        return None
    at = body.find(measure.title)
    return Span(at, at + len(measure.title)) if at >= 0 else None


def _whole_document(doc: PolicyDocument) -> tuple[Measure, ...]:
    """A document without measures is coded as one pseudo-measure, so nothing is silently lost."""
    return (Measure(path=(), title=doc.header.title, text=doc.text, span=Span(0, len(doc.text))),)


def _merge(labels: list[InstrumentLabel]) -> list[InstrumentLabel]:
    """Measure labels from sentence labels: one per sub-type, highest confidence, all evidence."""
    merged: dict[tuple[str, str | None], InstrumentLabel] = {}
    for label in labels:
        key = (label.type, label.subtype)
        old = merged.get(key)
        if old is None:
            merged[key] = label
        else:
            merged[key] = InstrumentLabel(
                label.type,
                label.subtype,
                max(old.confidence, label.confidence),
                old.evidence + label.evidence,
            )
    return sorted(merged.values(), key=lambda label: -label.confidence)


def code_measure(
    measure: Measure, index: int, labeller: TextLabeller, level: str = "measure"
) -> MeasureInstruments:
    """Labels of one measure (evidence spans in document coordinates)."""
    body = measure_body(measure)
    offset = measure.span.start
    heading = heading_span(measure, body)
    if level == "measure":
        labels = [label.shifted(offset) for label in labeller.label_text(body, heading)]
        return MeasureInstruments(index, measure, tuple(labels))
    sentences = []
    collected: list[InstrumentLabel] = []
    for span in split_sentences(body):
        text = span.of(body)
        local_heading = None
        if heading is not None and span.contains(heading):
            local_heading = heading.shift(-span.start)
        labels = [label.shifted(offset + span.start) for label in labeller.label_text(text, local_heading)]
        collected.extend(labels)
        sentences.append(SentenceInstruments(span.shift(offset), text, tuple(labels)))
    return MeasureInstruments(index, measure, tuple(_merge(collected)), tuple(sentences))


def classify(
    doc: PolicyDocument,
    scheme: str | Path | Mapping[str, Any] | Lexicon = "rothwell",
    *,
    level: str = "measure",
    classifier: TextLabeller | None = None,
    threshold: float | None = None,
) -> InstrumentResult:
    """Code each measure of ``doc`` with policy-instrument sub-types, confidences and evidence.

    ``scheme``: ``"rothwell"`` (supply / environment / demand, the default), ``"howlett"``
    (compulsory / mixed / voluntary), a lexicon JSON file, or a dict in that format.
    ``level="sentence"`` codes each sentence (split on 。；！？) and gives the measure the union
    of its sentence labels.  ``classifier``: a fitted :class:`InstrumentClassifier` (or any
    object with ``label_text``) used instead of the lexicon.  ``threshold`` overrides the
    lexicon's confidence threshold.

    >>> import policytext
    >>> from policytext.instruments import classify
    >>> result = classify(policytext.corpora.load("qianjiang_2025"))
    >>> result.measures[1].subtypes[0]
    '人才培养'
    """
    if level not in LEVELS:
        raise ConfigurationError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    labeller: TextLabeller = (
        classifier if classifier is not None else LexiconClassifier(scheme, threshold=threshold)
    )
    measures = doc.measures or _whole_document(doc)
    coded = tuple(code_measure(m, i, labeller, level) for i, m in enumerate(measures))
    lexicon = getattr(labeller, "lexicon", None)
    taxonomy = tuple((s.type, s.id) for s in lexicon.subtypes) if isinstance(lexicon, Lexicon) else ()
    return InstrumentResult(doc, labeller.scheme, coded, labeller.kind, dict(labeller.type_names), taxonomy)
