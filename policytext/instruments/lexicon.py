"""Lexicon-based instrument coding: weighted cue terms per sub-type, read from a JSON data file.

A lexicon file (``policytext/data/instruments_rothwell.json``, ``instruments_howlett.json``, or a
user's own) lists types, their sub-types and, per sub-type, cue terms with weights.  A key
starting with ``re:`` is a regular expression, any other key a literal term.  Scoring a text:

1. find every cue of a sub-type; a match lying inside a longer match of the same sub-type is
   dropped (专项资金 does not also count 资金);
2. each distinct cue adds its weight once, times ``title_boost`` when it occurs in the heading;
3. ``confidence = 1 - exp(-score)``; the label is kept when ``confidence >= threshold``.

So one strong cue (weight ≥ 0.8) suffices, while weak cues (人才 0.5, 技术 0.3) need company.
The rule is deliberately simple so that every label can be explained by its evidence.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policytext.errors import ConfigurationError
from policytext.instruments.result import Evidence, InstrumentLabel
from policytext.model import Span

#: Bundled schemes and their data files.
SCHEMES: dict[str, str] = {
    "rothwell": "instruments_rothwell.json",
    "howlett": "instruments_howlett.json",
}
DEFAULT_THRESHOLD = 0.55
DEFAULT_TITLE_BOOST = 1.5

_SENTENCE_END = "。；！？;!?"
_SENTENCE_RE = re.compile(rf"[^{_SENTENCE_END}\n]+[{_SENTENCE_END}]*|[{_SENTENCE_END}]+")


def data_path(name: str) -> Path:
    return Path(str(importlib.resources.files("policytext") / "data" / name))


def split_sentences(text: str) -> list[Span]:
    """Spans of the sentences of ``text``, cut after 。；！？ (and line breaks), blanks trimmed."""
    spans: list[Span] = []
    for match in _SENTENCE_RE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append(Span(start, end))
    return spans


@dataclass(frozen=True)
class Cue:
    """One cue: a literal term or a compiled pattern, and its weight."""

    key: str
    weight: float
    pattern: re.Pattern[str]
    literal: str | None = None  # for a literal cue: a cheap `in` test before running the pattern

    @classmethod
    def parse(cls, key: str, weight: Any, where: str) -> Cue:
        try:
            value = float(weight)
        except (TypeError, ValueError):
            raise ConfigurationError(f"{where}: weight of cue {key!r} is not a number: {weight!r}") from None
        if key.startswith("re:"):
            try:
                pattern = re.compile(key[3:])
            except re.error as error:
                raise ConfigurationError(f"{where}: bad regular expression {key!r}: {error}") from None
        else:
            if not key:
                raise ConfigurationError(f"{where}: empty cue")
            pattern = re.compile(re.escape(key))
            return cls(key, value, pattern, key)
        return cls(key, value, pattern)


@dataclass(frozen=True)
class SubtypeCues:
    """The cues of one sub-type and the type it belongs to."""

    id: str
    type: str
    cues: tuple[Cue, ...]
    en: str | None = None


@dataclass(frozen=True)
class Lexicon:
    """A parsed instrument lexicon (a scheme): types, sub-types with cues, threshold and title boost."""

    scheme: str
    subtypes: tuple[SubtypeCues, ...]
    type_names: dict[str, str] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD
    title_boost: float = DEFAULT_TITLE_BOOST
    title: str = ""
    source: str | None = None

    @property
    def types(self) -> list[str]:
        return list(dict.fromkeys(s.type for s in self.subtypes))

    def subtype_ids(self) -> list[str]:
        return [s.id for s in self.subtypes]

    def type_of(self, subtype: str) -> str | None:
        return next((s.type for s in self.subtypes if s.id == subtype), None)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> Lexicon:
        where = source or "lexicon"
        if not isinstance(data, Mapping) or not isinstance(data.get("types"), list):
            raise ConfigurationError("a lexicon needs a 'types' list", source)
        subtypes: list[SubtypeCues] = []
        names: dict[str, str] = {}
        for type_entry in data["types"]:
            type_id = type_entry.get("id") if isinstance(type_entry, Mapping) else None
            if not type_id:
                raise ConfigurationError("every type needs an 'id'", source)
            names[type_id] = type_entry.get("name_zh", type_id)
            for sub in type_entry.get("subtypes", []):
                if not isinstance(sub, Mapping) or not sub.get("id"):
                    raise ConfigurationError(f"type {type_id!r}: every sub-type needs an 'id'", source)
                cues_data = sub.get("cues", {})
                if not isinstance(cues_data, Mapping):
                    raise ConfigurationError(f"sub-type {sub['id']!r}: 'cues' must map cue → weight", source)
                cues = tuple(Cue.parse(k, v, f"{where}: {sub['id']}") for k, v in cues_data.items())
                subtypes.append(SubtypeCues(sub["id"], type_id, cues, sub.get("en")))
        ids = [s.id for s in subtypes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ConfigurationError(f"duplicate sub-types: {', '.join(duplicates)}", source)
        return cls(
            scheme=str(data.get("scheme", "custom")),
            subtypes=tuple(subtypes),
            type_names=names,
            threshold=float(data.get("threshold", DEFAULT_THRESHOLD)),
            title_boost=float(data.get("title_boost", DEFAULT_TITLE_BOOST)),
            title=str(data.get("title", "")),
            source=source,
        )

    def extended(self, cues: Mapping[str, Mapping[str, float]], *, replace: bool = False) -> Lexicon:
        """A copy with extra (or, with ``replace``, only these) cues for the named sub-types.

        A sub-type not in the lexicon is an error: add new sub-types through a data file, where
        their type must be given.
        """
        known = {s.id for s in self.subtypes}
        unknown = sorted(set(cues) - known)
        if unknown:
            raise ConfigurationError(f"unknown sub-types for scheme {self.scheme!r}: {', '.join(unknown)}")
        new: list[SubtypeCues] = []
        for sub in self.subtypes:
            extra = tuple(Cue.parse(k, v, sub.id) for k, v in cues.get(sub.id, {}).items())
            if replace and sub.id in cues:
                kept: tuple[Cue, ...] = extra
            else:
                overridden = {c.key for c in extra}
                kept = tuple(c for c in sub.cues if c.key not in overridden) + extra
            new.append(SubtypeCues(sub.id, sub.type, kept, sub.en))
        return Lexicon(
            self.scheme,
            tuple(new),
            dict(self.type_names),
            self.threshold,
            self.title_boost,
            self.title,
            self.source,
        )


def load_lexicon(scheme: str | Path | Mapping[str, Any] | Lexicon = "rothwell") -> Lexicon:
    """A lexicon from a bundled scheme name (``rothwell``, ``howlett``), a JSON file, or a dict."""
    if isinstance(scheme, Lexicon):
        return scheme
    if isinstance(scheme, Mapping):
        return Lexicon.from_dict(scheme)
    if str(scheme) in SCHEMES:
        return _bundled_lexicon(str(scheme))
    return _read_lexicon(str(scheme))


@functools.lru_cache(maxsize=len(SCHEMES))
def _bundled_lexicon(name: str) -> Lexicon:
    """Bundled lexicons are parsed once per process (a Lexicon is immutable)."""
    return _read_lexicon(name)


def _read_lexicon(name: str) -> Lexicon:
    path = data_path(SCHEMES[name]) if name in SCHEMES else Path(name)
    if name not in SCHEMES and path.suffix.lower() != ".json":
        raise ConfigurationError(
            f"unknown instrument scheme {name!r}; use one of {', '.join(SCHEMES)} or a .json file"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigurationError("lexicon file not found", path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigurationError(f"cannot read lexicon: {error}", path) from None
    return Lexicon.from_dict(data, str(path))


def _matches(cues: Sequence[Cue], text: str) -> list[tuple[int, int, Cue]]:
    """Cue matches of one sub-type, longest first, without matches nested in a kept longer one."""
    found = [
        (m.start(), m.end(), cue)
        for cue in cues
        if cue.literal is None or cue.literal in text
        for m in cue.pattern.finditer(text)
        if m.end() > m.start()
    ]
    found.sort(key=lambda item: (-(item[1] - item[0]), item[0]))
    kept: list[tuple[int, int, Cue]] = []
    for start, end, cue in found:
        if any(s <= start and end <= e for s, e, _ in kept):
            continue
        kept.append((start, end, cue))
    kept.sort(key=lambda item: item[0])
    return kept


def confidence_of(score: float) -> float:
    """Map a summed cue weight to (0, 1): ``1 - exp(-score)`` (0 for a non-positive score)."""
    return 1.0 - math.exp(-score) if score > 0 else 0.0


class LexiconBacked:
    """Base of the classifiers: scheme and type names come from the lexicon they are built on."""

    lexicon: Lexicon

    @property
    def scheme(self) -> str:
        return self.lexicon.scheme

    @property
    def type_names(self) -> dict[str, str]:
        return self.lexicon.type_names


class LexiconClassifier(LexiconBacked):
    """Code texts by policy instrument with a weighted cue lexicon (transparent, no training).

    >>> clf = LexiconClassifier("rothwell")
    >>> [label.subtype for label in clf.label_text("对符合条件的企业给予最高100万元奖补。")]
    ['资金投入']
    """

    kind = "lexicon"

    def __init__(
        self,
        scheme: str | Path | Mapping[str, Any] | Lexicon = "rothwell",
        *,
        threshold: float | None = None,
        title_boost: float | None = None,
        extra_cues: Mapping[str, Mapping[str, float]] | None = None,
    ) -> None:
        lexicon = load_lexicon(scheme)
        if extra_cues:
            lexicon = lexicon.extended(extra_cues)
        self.lexicon = lexicon
        self.threshold = lexicon.threshold if threshold is None else float(threshold)
        self.title_boost = lexicon.title_boost if title_boost is None else float(title_boost)
        if not 0.0 <= self.threshold < 1.0:
            raise ConfigurationError(f"threshold must be in [0, 1), got {self.threshold}")

    def __repr__(self) -> str:
        return f"LexiconClassifier({self.scheme!r}, threshold={self.threshold})"

    def scores(
        self, text: str, heading: Span | None = None
    ) -> list[tuple[SubtypeCues, float, list[Evidence]]]:
        """Every sub-type's raw score and evidence for ``text`` (spans relative to ``text``)."""
        results = []
        for sub in self.lexicon.subtypes:
            evidence: list[Evidence] = []
            weights: dict[str, float] = {}
            for start, end, cue in _matches(sub.cues, text):
                boost = (
                    self.title_boost if heading is not None and heading.contains(Span(start, end)) else 1.0
                )
                weights[cue.key] = max(weights.get(cue.key, cue.weight), cue.weight * boost)
                evidence.append(Evidence(text[start:end], Span(start, end), cue.key, cue.weight * boost))
            results.append((sub, sum(weights.values()), evidence))
        return results

    def label_text(self, text: str, heading: Span | None = None) -> list[InstrumentLabel]:
        """Labels of ``text`` above the threshold, strongest first (``heading``: span of the title sentence)."""
        labels = []
        for sub, score, evidence in self.scores(text, heading):
            confidence = confidence_of(score)
            if evidence and confidence >= self.threshold:
                labels.append(InstrumentLabel(sub.type, sub.id, confidence, tuple(evidence)))
        labels.sort(key=lambda label: -label.confidence)
        return labels

    def predict(self, texts: Iterable[str]) -> list[list[str]]:
        """Sub-types of each text (the same interface as :class:`InstrumentClassifier`)."""
        return [[label.subtype or label.type for label in self.label_text(text)] for text in texts]

    def predict_types(self, texts: Iterable[str]) -> list[list[str]]:
        return [list(dict.fromkeys(label.type for label in self.label_text(text))) for text in texts]
