"""spaCy: blank Chinese pipeline on our segmenter, entities from the parsed document."""

from __future__ import annotations

import itertools

import pytest

spacy = pytest.importorskip("spacy")

from policytext.nlp import (  # noqa: E402
    COMPONENT,
    DISPLACY_OPTIONS,
    SPANS_KEY,
    doc_to_spacy,
    measure_to_spacy,
    nlp,
)


@pytest.fixture(scope="module")
def language():
    return nlp()


@pytest.fixture(scope="module")
def plan_doc(plan):
    return plan.to_spacy()


def test_nlp_is_a_blank_chinese_language_with_our_component(language):
    from spacy.language import Language

    assert isinstance(language, Language)
    assert language.lang == "zh"
    assert language.pipe_names == [COMPONENT]


def test_callable_as_package_attribute():
    import policytext

    assert isinstance(policytext.nlp(), spacy.language.Language)


def test_tokens_are_policy_aware_and_cover_the_text(language):
    text = "市人社局牵头，实施“揭榜挂帅”项目。 2025年底前建成10个产教融合平台\n完成"
    doc = language(text)
    assert doc.text == text
    words = [t.text for t in doc]
    assert {"市人社局", "揭榜挂帅", "产教融合"} <= set(words)
    assert "市人" not in words
    labels = {(e.text, e.label_) for e in doc.ents}
    assert ("市人社局", "ORG") in labels
    assert ("揭榜挂帅", "POLICY_TERM") in labels or ("产教融合", "POLICY_TERM") in labels
    assert doc[0].tag_ == "nt"


def test_plan_entities_come_from_the_measures(plan, plan_doc):
    assert plan_doc.text == plan.text
    spans = plan_doc.spans[SPANS_KEY]
    orgs = {(s.start_char, s.end_char) for s in spans if s.label_ == "ORG"}
    for measure in plan.measures:
        for unit in measure.units:
            assert any(start <= unit.span.start and unit.span.end <= end for start, end in orgs), unit.name
    labels = {s.label_ for s in spans}
    assert {"ORG", "POLICY_TERM"} <= labels
    if any(m.targets for m in plan.measures):
        assert "TARGET" in labels
    if plan.header.date_span is not None or any(m.deadlines for m in plan.measures):
        assert "DATE" in labels


def test_ents_do_not_overlap_and_are_a_subset(plan_doc):
    ents = list(plan_doc.ents)
    assert ents
    for left, right in itertools.pairwise(ents):
        assert left.end <= right.start
    everything = {(s.start, s.end, s.label_) for s in plan_doc.spans[SPANS_KEY]}
    assert {(e.start, e.end, e.label_) for e in ents} <= everything


def test_stopwords_are_not_policy_terms(plan_doc):
    terms = {s.text for s in plan_doc.spans[SPANS_KEY] if s.label_ == "POLICY_TERM"}
    assert "责任单位" not in terms and "产教融合" in terms


def test_displacy_renders_a_measure(plan):
    from spacy import displacy

    measure = next(m for m in plan.measures if m.units)
    sdoc = measure_to_spacy(plan, measure)
    html = displacy.render(sdoc, style="ent", options=DISPLACY_OPTIONS, jupyter=False)
    assert measure.units[0].name in html and "ORG" in html
    span_html = displacy.render(sdoc, style="span", options={"spans_key": SPANS_KEY}, jupyter=False)
    assert "POLICY_TERM" in span_html or "ORG" in span_html


def test_doc_to_spacy_with_given_pipeline(plan, language):
    sdoc = doc_to_spacy(plan, language)
    assert len(sdoc.ents) > 20
    assert "policytext_document" not in sdoc.user_data  # the Doc stays serialisable
    assert sdoc.to_bytes()
