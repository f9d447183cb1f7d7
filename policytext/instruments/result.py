"""Results of instrument classification: labels with their evidence, per sentence and per measure.

Every label keeps the cue terms that triggered it, with spans into the document's canonical text,
so that a researcher can check each coding decision against the text (the whole point of moving
hand coding into code is that the coding stays inspectable).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policytext.model import Span

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from policytext.model import Measure, PolicyDocument


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cue occurrence that supports a label: the matched text, the cue and its weight.

    ``span`` points into the text that was classified (the document text for :func:`classify`).
    For a learned classifier ``cue`` is the token feature and ``weight`` its contribution.
    """

    text: str
    span: Span
    cue: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "span": self.span.to_list(),
            "cue": self.cue,
            "weight": round(self.weight, 4),
        }


@dataclass(frozen=True, slots=True)
class InstrumentLabel:
    """A policy-instrument label: type (supply / environment / demand …), sub-type, confidence, evidence.

    ``subtype`` is ``None`` when a learned classifier was trained on types only.
    """

    type: str
    subtype: str | None
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    @property
    def terms(self) -> list[str]:
        """Distinct evidence texts, in order of first occurrence."""
        return list(dict.fromkeys(e.text for e in self.evidence))

    def shifted(self, offset: int) -> InstrumentLabel:
        """The same label with evidence spans moved by ``offset`` (text → document coordinates)."""
        moved = tuple(Evidence(e.text, e.span.shift(offset), e.cue, e.weight) for e in self.evidence)
        return InstrumentLabel(self.type, self.subtype, self.confidence, moved)

    def to_dict(self, *, spans: bool = True) -> dict[str, Any]:
        evidence: list[Any]
        evidence = [e.to_dict() for e in self.evidence] if spans else self.terms
        return {
            "type": self.type,
            "subtype": self.subtype,
            "confidence": round(self.confidence, 4),
            "evidence": evidence,
        }


@dataclass(frozen=True, slots=True)
class SentenceInstruments:
    """Labels of one sentence of a measure (``span`` into the document text)."""

    span: Span
    text: str
    labels: tuple[InstrumentLabel, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "span": self.span.to_list(),
            "text": self.text,
            "labels": [label.to_dict() for label in self.labels],
        }


@dataclass(frozen=True)
class MeasureInstruments:
    """The labels of one measure; ``sentences`` is filled when classifying at sentence level."""

    index: int
    measure: Measure
    labels: tuple[InstrumentLabel, ...]
    sentences: tuple[SentenceInstruments, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        return self.measure.path

    @property
    def title(self) -> str | None:
        return self.measure.title

    @property
    def types(self) -> list[str]:
        return list(dict.fromkeys(label.type for label in self.labels))

    @property
    def subtypes(self) -> list[str]:
        return [label.subtype for label in self.labels if label.subtype is not None]

    def to_dict(self, *, spans: bool = True, sentences: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": list(self.path),
            "title": self.title,
            "labels": [label.to_dict(spans=spans) for label in self.labels],
        }
        if sentences and self.sentences:
            data["sentences"] = [s.to_dict() for s in self.sentences]
        return data


@dataclass(frozen=True)
class InstrumentResult:
    """Instrument labels of every measure of one document, under one scheme."""

    document: PolicyDocument
    scheme: str
    measures: tuple[MeasureInstruments, ...]
    classifier: str = "lexicon"
    type_names: dict[str, str] = field(default_factory=dict)
    #: (type, sub-type) pairs of the scheme in its order, so that tables show empty rows too
    taxonomy: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.measures)

    def __iter__(self) -> Iterator[MeasureInstruments]:
        return iter(self.measures)

    def to_records(self, *, spans: bool = True, sentences: bool = False) -> list[dict[str, Any]]:
        """One JSON-ready object per measure: ``path``, ``title``, ``labels`` (type, subtype, confidence, evidence)."""
        return [m.to_dict(spans=spans, sentences=sentences) for m in self.measures]

    def to_json(self, *, spans: bool = True, indent: int | None = 2) -> str:
        return json.dumps(self.to_records(spans=spans), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per measure × label (a measure without labels keeps one row with empty label)."""
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for m in self.measures:
            base = {
                "document": self.document.name,
                "measure": m.index,
                "path": "/".join(m.path),
                "section": m.measure.section,
                "title": m.title,
            }
            if not m.labels:
                rows.append(
                    {
                        **base,
                        "type": None,
                        "type_zh": None,
                        "subtype": None,
                        "confidence": None,
                        "evidence": "",
                    }
                )
            for label in m.labels:
                rows.append(
                    {
                        **base,
                        "type": label.type,
                        "type_zh": self.type_names.get(label.type, label.type),
                        "subtype": label.subtype,
                        "confidence": round(label.confidence, 4),
                        "evidence": "、".join(label.terms),
                    }
                )
        return pd.DataFrame(rows, columns=_FRAME_COLUMNS)

    def counts(self, level: str = "subtype") -> dict[str, int]:
        """Number of measures carrying each type or sub-type."""
        counter: dict[str, int] = {}
        for m in self.measures:
            keys = m.types if level == "type" else list(dict.fromkeys(m.subtypes))
            for key in keys:
                counter[key] = counter.get(key, 0) + 1
        return counter


_FRAME_COLUMNS = [
    "document", "measure", "path", "section", "title", "type", "type_zh", "subtype", "confidence", "evidence",
]  # fmt: skip
