"""The spaCy model loads once per process; the two passes split and align as the coder expects."""

from __future__ import annotations

from transforms import nlp


def test_model_is_loaded_once() -> None:
    assert nlp.get_nlp() is nlp.get_nlp()
    assert "senter" in nlp.get_nlp().pipe_names


def test_recognize_runs_ner_and_sentences_only() -> None:
    doc = next(nlp.recognize(["North Korea recognized Donetsk. Kyiv objected."]))
    assert [e.text for e in doc.ents if e.label_ == "GPE"][:1] == ["North Korea"]
    assert len(list(doc.sents)) == 2
    assert not doc.has_annotation("DEP")


def test_a_line_break_always_ends_a_sentence() -> None:
    text = "File Photo by Bui Lam Khanh/EPA-EFE\nNorth Korea formally recognized two regions."
    doc = next(nlp.recognize([text]))
    starts = [s.start_char for s in doc.sents]
    assert text.index("North Korea") in starts


def test_parse_keeps_tokens_and_entities_aligned() -> None:
    doc = next(nlp.recognize(["On Wednesday, Kiev announced that it was severing ties with North Korea."]))
    span = next(iter(doc.sents))
    parsed = nlp.parse([span])[0]
    assert [t.text for t in parsed] == [t.text for t in span]
    assert [e.text for e in parsed.ents] == [e.text for e in span.ents]
    assert parsed.has_annotation("DEP") and any(t.dep_ == "nsubj" for t in parsed)
    assert nlp.parse([]) == []
