"""A learned instrument classifier: one-vs-rest logistic regression on TF-IDF of policy-aware tokens.

For a research team that has already coded part of its corpus by hand: train on those measures
(``fit(texts, labels)``), then code the rest (``predict`` / :func:`~policytext.instruments.classify`
with ``classifier=``).  Evidence stays inspectable: for each label, the tokens of the text with the
largest positive contribution (TF-IDF value × coefficient) are reported with their spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext.errors import ConfigurationError
from policytext.instruments.lexicon import (
    Lexicon,
    LexiconBacked,
    LexiconClassifier,
    confidence_of,
    load_lexicon,
)
from policytext.instruments.result import Evidence, InstrumentLabel
from policytext.model import Span

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from policytext.segment import Segmenter, Token


class _Analyzer:
    """TF-IDF analyzer: content tokens of the policy segmenter (picklable, unlike a lambda)."""

    def __init__(self, segmenter: Segmenter) -> None:
        self.segmenter = segmenter

    def tokens(self, text: str) -> list[Token]:
        from policytext.segment import is_content

        return [t for t in self.segmenter.tokenize(text) if is_content(t)]

    def __call__(self, text: str) -> list[str]:
        return [t.text for t in self.tokens(text)]


class InstrumentClassifier(LexiconBacked):
    """Train on your own coded measures, then code new ones: ``fit(texts, labels)`` / ``predict(texts)``.

    ``labels`` holds, per text, the sub-types (or types) it was coded with — any strings; those
    that are sub-types of ``scheme`` are reported with their type, those that are types of the
    scheme with ``subtype=None``.  ``threshold`` is the probability above which a label is kept
    (the most probable label is always kept when ``at_least_one``).

    ``lexicon_features=True`` adds the lexicon's confidence for every sub-type of ``scheme`` as
    extra features: with a small coded set the model then starts from the lexicon and learns how
    your coding manual departs from it (evidence then includes the lexicon cues it relied on).
    """

    kind = "sklearn"

    def __init__(
        self,
        scheme: str | Path | Mapping[str, Any] | Lexicon = "rothwell",
        *,
        segmenter: Segmenter | None = None,
        C: float = 4.0,
        threshold: float = 0.5,
        at_least_one: bool = False,
        max_evidence: int = 5,
        min_df: int = 1,
        lexicon_features: bool = False,
    ) -> None:
        from policytext.segment import Segmenter

        if not 0.0 < threshold < 1.0:
            raise ConfigurationError(f"threshold must be in (0, 1), got {threshold}")
        self.lexicon = load_lexicon(scheme)
        # boilerplate verbs (鼓励, 支持, 引导 …) carry instrument signal here, so keep them
        self.segmenter = segmenter if segmenter is not None else Segmenter(boilerplate=False)
        self.C = C
        self.threshold = threshold
        self.at_least_one = at_least_one
        self.max_evidence = max_evidence
        self.min_df = min_df
        self.lexicon_features = lexicon_features
        self._lexicon_classifier = LexiconClassifier(self.lexicon) if lexicon_features else None
        self.classes_: list[str] = []
        self._analyzer = _Analyzer(self.segmenter)
        self._vectorizer: Any = None
        self._model: Any = None

    def __repr__(self) -> str:
        state = f"{len(self.classes_)} classes" if self.classes_ else "not fitted"
        return f"InstrumentClassifier({self.scheme!r}, {state})"

    # -- training ---------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[Iterable[str]]) -> InstrumentClassifier:
        """Learn from coded texts; every label needs at least one positive and one negative example."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer

        label_sets = [sorted(set(row)) for row in labels]
        if len(texts) != len(label_sets):
            raise ConfigurationError(f"{len(texts)} texts but {len(label_sets)} label rows")
        if len(texts) < 2:
            raise ConfigurationError("need at least two coded texts to train")
        binarizer = MultiLabelBinarizer()
        y = binarizer.fit_transform(label_sets)
        trivial = [
            c for c, column in zip(binarizer.classes_, y.T, strict=True) if column.min() == column.max()
        ]
        if trivial:
            raise ConfigurationError(
                "every label needs positive and negative examples; not so for: "
                + ", ".join(map(str, trivial))
            )
        self._vectorizer = TfidfVectorizer(analyzer=self._analyzer, sublinear_tf=True, min_df=self.min_df)
        x = self._features(texts, fit=True)
        base = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        self._model = OneVsRestClassifier(base).fit(x, y)
        self.classes_ = [str(c) for c in binarizer.classes_]
        return self

    def _features(self, texts: Sequence[str], *, fit: bool = False) -> Any:
        """TF-IDF of the tokens, plus one lexicon-confidence column per sub-type when asked."""
        x = self._vectorizer.fit_transform(list(texts)) if fit else self._vectorizer.transform(list(texts))
        if self._lexicon_classifier is None:
            return x
        from scipy.sparse import csr_matrix, hstack

        rows = [[confidence_of(score) for _, score, _ in self._lexicon_classifier.scores(t)] for t in texts]
        return hstack([x, csr_matrix(rows)], format="csr")

    def _check_fitted(self) -> None:
        if self._model is None:
            raise ConfigurationError("InstrumentClassifier is not fitted: call fit(texts, labels) first")

    # -- prediction -------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of each class (columns in ``classes_`` order) for each text."""
        self._check_fitted()
        return self._model.predict_proba(self._features(texts))

    def _chosen(self, row: np.ndarray) -> list[int]:
        chosen = [i for i, p in enumerate(row) if p >= self.threshold]
        if not chosen and self.at_least_one and len(row):
            chosen = [int(row.argmax())]
        return sorted(chosen, key=lambda i: -row[i])

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """The labels of each text (classes whose probability reaches ``threshold``)."""
        return [[self.classes_[i] for i in self._chosen(row)] for row in self.predict_proba(texts)]

    def _type_and_subtype(self, label: str) -> tuple[str, str | None]:
        if label in self.lexicon.types:
            return label, None
        parent = self.lexicon.type_of(label)
        return (parent, label) if parent is not None else (label, None)

    def label_text(self, text: str, heading: Span | None = None) -> list[InstrumentLabel]:
        """Labels of ``text`` with evidence (spans relative to ``text``); ``heading`` is unused.

        Evidence: the tokens (and, with ``lexicon_features``, the lexicon sub-types' cues) with the
        largest positive contribution (feature value × coefficient) to the label.
        """
        self._check_fitted()
        row_x = self._features([text])
        probabilities = self._model.predict_proba(row_x)[0]
        vocabulary = self._vectorizer.vocabulary_
        tokens = self._analyzer.tokens(text)
        lexicon_scores = self._lexicon_classifier.scores(text) if self._lexicon_classifier is not None else []
        offset = len(vocabulary)
        labels = []
        for index in self._chosen(probabilities):
            coefficients = self._model.estimators_[index].coef_[0]
            contributions: dict[str, float] = {}
            for token in tokens:
                column = vocabulary.get(token.text)
                if column is not None:
                    contributions[token.text] = float(coefficients[column] * row_x[0, column])
            for j, (sub, _, _) in enumerate(lexicon_scores):
                contributions[f"lexicon:{sub.id}"] = float(coefficients[offset + j] * row_x[0, offset + j])
            best = sorted((w, t) for t, w in contributions.items() if w > 0)[::-1][: self.max_evidence]
            weights = {t: w for w, t in best}
            evidence = [
                Evidence(t.text, Span(t.start, t.end), t.text, weights[t.text])
                for t in tokens
                if t.text in weights
            ]
            for sub, _, cues in lexicon_scores:
                key = f"lexicon:{sub.id}"
                if key in weights:
                    evidence.extend(Evidence(e.text, e.span, f"{key}:{e.cue}", weights[key]) for e in cues)
            evidence.sort(key=lambda e: e.span.start)
            type_id, subtype = self._type_and_subtype(self.classes_[index])
            labels.append(InstrumentLabel(type_id, subtype, float(probabilities[index]), tuple(evidence)))
        return labels
