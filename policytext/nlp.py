"""spaCy integration: a blank Chinese pipeline on our segmenter, with policy entities.

``policytext.nlp()`` returns a ``spacy.Language`` (``spacy.blank("zh")``, no model download, no
pkuseg) whose tokenizer is the policy-aware :class:`~policytext.segment.Segmenter` and whose
``policytext_entities`` component marks agencies (``ORG``), policy terms (``POLICY_TERM``),
cited documents (``LAW`` / ``WORK_OF_ART``), deadlines and dates (``DATE``) and quantitative
targets (``TARGET``).  Entities come from the parsed :class:`~policytext.model.PolicyDocument`
(units, targets, deadlines, citations of each measure), so spaCy shows exactly what the
pipeline extracted; policy terms and agencies elsewhere come from the lexicon.

>>> import policytext
>>> sdoc = policytext.corpora.load("qianjiang_2025").to_spacy()
>>> from spacy import displacy
>>> displacy.render(sdoc, style="span", spans_key="policytext")  # doctest: +SKIP

spaCy's ``doc.ents`` cannot overlap, so the full set is in ``doc.spans["policytext"]`` and a
non-overlapping subset (longest first) in ``doc.ents``.
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from policytext.errors import DependencyError, PolicyTextError
from policytext.segment import Segmenter, bundled_boilerplate, bundled_stopwords, policy_lexicon

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    from policytext.model import Measure, PolicyDocument

SPANS_KEY = "policytext"
COMPONENT = "policytext_entities"
USER_DATA_KEY = "policytext_document"
LABELS = ("ORG", "POLICY_TERM", "LAW", "WORK_OF_ART", "DATE", "TARGET")
#: Colours for displacy: ``displacy.render(doc, style="ent", options=DISPLACY_OPTIONS)``.
DISPLACY_OPTIONS: dict[str, Any] = {
    "colors": {
        "ORG": "#aec7e8",
        "POLICY_TERM": "#ffbb78",
        "LAW": "#c5b0d5",
        "WORK_OF_ART": "#c5b0d5",
        "DATE": "#98df8a",
        "TARGET": "#ff9896",
    }
}
_LAW_SUFFIXES = ("法", "条例", "规定", "办法", "细则", "规则", "决定", "解释")
#: Priority when spans overlap for doc.ents (higher wins at equal length).
_PRIORITY = {"ORG": 5, "LAW": 5, "WORK_OF_ART": 5, "TARGET": 4, "DATE": 4, "POLICY_TERM": 1}


def _spacy() -> Any:
    try:
        import spacy
    except ImportError as error:  # pragma: no cover - spacy is a dependency
        raise DependencyError("policytext.nlp needs spaCy (pip install spacy)") from error
    return spacy


class PolicyTokenizer:
    """A spaCy tokenizer built on :class:`Segmenter`; white space other than one space becomes a token."""

    def __init__(self, vocab: Vocab, segmenter: Segmenter | None = None) -> None:
        self.vocab = vocab
        self.segmenter = segmenter or Segmenter(pos=True)

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words: list[str] = []
        spaces: list[bool] = []
        tags: list[str] = []
        position = 0
        for token in self.segmenter.tokenize(text):
            if token.start > position:
                gap = text[position : token.start]
                if gap == " " and words and not spaces[-1]:
                    spaces[-1] = True
                else:
                    words.append(gap)
                    spaces.append(False)
                    tags.append("_SP")
            words.append(token.text)
            spaces.append(False)
            tags.append(token.pos or "")
            position = token.end
        if position < len(text):
            words.append(text[position:])
            spaces.append(False)
            tags.append("_SP")
        doc = Doc(self.vocab, words=words, spaces=spaces)
        if self.segmenter.pos:
            for spacy_token, tag in zip(doc, tags, strict=False):
                if tag:
                    spacy_token.tag_ = tag
        return doc

    # spaCy calls these when the pipeline is saved; the segmenter is rebuilt from options
    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **__: Any) -> PolicyTokenizer:
        return self

    def to_disk(self, _path: Any, **__: Any) -> None:
        return None

    def from_disk(self, _path: Any, **__: Any) -> PolicyTokenizer:
        return self


class PolicyEntities:
    """The ``policytext_entities`` component: measures' units, targets, deadlines, citations, terms."""

    def __init__(self, nlp: Language, name: str = COMPONENT) -> None:
        self.name = name
        lexicon = policy_lexicon()
        self.agencies = frozenset(w for w, _, pos in lexicon if pos == "nt")
        generic = bundled_stopwords() | bundled_boilerplate()
        self.terms = frozenset(w for w, _, pos in lexicon if pos != "nt" and len(w) > 1 and w not in generic)

    def __call__(self, doc: Doc) -> Doc:
        policy_doc = doc.user_data.pop(USER_DATA_KEY, None)
        if policy_doc is None:
            policy_doc = _parse_quietly(doc.text)
        spans: list[Span] = []
        if policy_doc is not None:
            spans.extend(_document_spans(doc, policy_doc))
        spans.extend(self._lexicon_spans(doc, spans))
        unique = _dedupe(spans)
        doc.spans[SPANS_KEY] = unique
        doc.ents = _non_overlapping(unique)
        return doc

    def _lexicon_spans(self, doc: Doc, existing: list[Span]) -> list[Span]:
        """Agencies and policy terms the lexicon knows, wherever they stand."""
        from spacy.tokens import Span

        taken = {(s.start, s.end) for s in existing}
        found = []
        for token in doc:
            text = token.text
            label = "ORG" if text in self.agencies else "POLICY_TERM" if text in self.terms else None
            if label and (token.i, token.i + 1) not in taken:
                found.append(Span(doc, token.i, token.i + 1, label=label))
        return found


def _parse_quietly(text: str) -> PolicyDocument | None:
    """Parse raw text handed to ``nlp(text)``; a fragment that is no document yields no measures."""
    try:
        from policytext import parse_text

        return parse_text(text)
    except (PolicyTextError, ValueError):
        return None


def _document_spans(doc: Doc, policy_doc: PolicyDocument) -> list[Span]:
    spans: list[Span] = []

    def add(start: int, end: int, label: str) -> None:
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)

    for measure in policy_doc.measures:
        for unit in measure.units:
            add(unit.span.start, unit.span.end, "ORG")
        for target in measure.targets:
            add(target.span.start, target.span.end, "TARGET")
        for deadline in measure.deadlines:
            add(deadline.span.start, deadline.span.end, "DATE")
    for citation in policy_doc.citations or tuple(c for m in policy_doc.measures for c in m.citations):
        label = "LAW" if citation.title.rstrip("》").endswith(_LAW_SUFFIXES) else "WORK_OF_ART"
        add(citation.span.start, citation.span.end, label)
    header = policy_doc.header
    if header.date_span is not None:
        add(header.date_span.start, header.date_span.end, "DATE")
    return spans


def _dedupe(spans: list[Span]) -> list[Span]:
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label_)):
        key = (span.start, span.end, span.label_)
        if key not in seen:
            seen.add(key)
            unique.append(span)
    return unique


def _non_overlapping(spans: list[Span]) -> list[Span]:
    """Longest first, then by label priority; a token belongs to one entity at most."""
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), -_PRIORITY.get(s.label_, 0), s.start))
    used: set[int] = set()
    chosen = []
    for span in ordered:
        if not used.intersection(range(span.start, span.end)):
            chosen.append(span)
            used.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _register_factory() -> None:
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT)(PolicyEntities)


def nlp(segmenter: Segmenter | None = None) -> Language:
    """A blank Chinese spaCy pipeline with our tokenizer and the ``policytext_entities`` component."""
    spacy = _spacy()
    _register_factory()
    language = spacy.blank("zh")
    language.tokenizer = PolicyTokenizer(language.vocab, segmenter or Segmenter(pos=True))
    language.add_pipe(COMPONENT)
    return language


@lru_cache(maxsize=1)
def _default_nlp() -> Language:
    return nlp()


def doc_to_spacy(doc: PolicyDocument, nlp: Language | None = None) -> Doc:
    """The document as a spaCy ``Doc``; entities from its measures (not re-parsed) and the lexicon.

    Without ``nlp`` the tokenizer is adapted to the document first, so that its unit names and
    quoted terms (江汉艺术职业学院, “科技副总”) are single tokens.
    """
    if nlp is None:
        language = _default_nlp()
        base = (
            language.tokenizer.segmenter
            if isinstance(language.tokenizer, PolicyTokenizer)
            else Segmenter(pos=True)
        )
        sdoc = PolicyTokenizer(language.vocab, base.adapted(doc, discover=False))(doc.text)
    else:
        language = nlp
        sdoc = language.make_doc(doc.text)
    sdoc.user_data[USER_DATA_KEY] = doc
    for _, component in language.pipeline:
        sdoc = component(sdoc)
    sdoc.user_data.pop(USER_DATA_KEY, None)
    return sdoc


def measure_to_spacy(doc: PolicyDocument, measure: Measure | int, nlp: Language | None = None) -> Doc:
    """One measure as its own spaCy ``Doc`` (entities kept), handy for ``displacy`` in a notebook."""
    if isinstance(measure, int):
        measure = doc.measures[measure]
    from spacy.tokens import Span

    sdoc = doc_to_spacy(doc, nlp)
    span = sdoc.char_span(measure.span.start, measure.span.end, alignment_mode="expand")
    if span is None:  # pragma: no cover - expand always finds a span inside the text
        raise PolicyTextError("measure span does not align with tokens")
    part = span.as_doc()
    part.spans[SPANS_KEY] = [
        Span(part, s.start - span.start, s.end - span.start, label=s.label_)
        for s in sdoc.spans[SPANS_KEY]
        if span.start <= s.start and s.end <= span.end
    ]
    return part


class _CallableModule(types.ModuleType):
    """``policytext.nlp`` is both this module and the function: importing the submodule rebinds
    the package attribute to the module, so the module itself answers ``policytext.nlp()``."""

    def __call__(self, segmenter: Segmenter | None = None) -> Language:
        return nlp(segmenter)


sys.modules[__name__].__class__ = _CallableModule
