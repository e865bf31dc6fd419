"""The spaCy model loads once per process; the two passes split and align as the coder expects."""

from __future__ import annotations

from transforms import nlp


def test_model_is_loaded_once() -> None:
    assert nlp.get_nlp() is nlp.get_nlp()
    assert nlp.RECOGNIZE_PIPES == ("ner",)  # the recogniser embeds its own tok2vec


def test_recognize_runs_ner_and_sentences_only() -> None:
    doc = next(nlp.recognize(["North Korea recognized Donetsk. Kyiv objected."]))
    assert [e.text for e in doc.ents if e.label_ == "GPE"][:1] == ["North Korea"]
    assert len(list(doc.sents)) == 2
    assert not doc.has_annotation("DEP") and not doc.has_annotation("TAG")
    assert doc.user_data[nlp.STATUS_KEY] == "ok"


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


# --- sentences by rule ------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    return [s.text.strip() for s in next(nlp.recognize([text])).sents if s.text.strip()]


def test_sentences_end_at_terminal_punctuation_before_a_capital() -> None:
    text = ('He said "no." Then he left. \u201cWhy?\u201d he asked. Mr. Smith met George W. Bush at 5 p.m. '
            "The U.S. said no.")
    assert _sentences(text) == ['He said "no."', "Then he left.", "\u201cWhy?\u201d he asked.",
                                "Mr. Smith met George W. Bush at 5 p.m.", "The U.S. said no."]


def test_lowercase_after_a_period_continues_the_sentence() -> None:
    assert _sentences("Prices rose 3.5 percent. and then fell. 2024 was calm.") == [
        "Prices rose 3.5 percent. and then fell.", "2024 was calm."]


def test_sentence_starts_are_kept_for_the_entity_stage() -> None:
    doc = next(nlp.recognize(["One. Two.\nThree"]))
    starts = doc.user_data[nlp.SENT_STARTS_KEY]
    assert [doc[i].text for i in starts] == ["One", "Two", "Three"]
    assert [doc[s.start].i for s in doc.sents] == starts


# --- robustness ---------------------------------------------------------------------------------

def test_long_texts_are_recognised_in_pieces_and_rejoined_exactly() -> None:
    para = "NATO met in Brussels on Monday and Joe Biden flew to Kyiv.\n"
    text = para * 1200  # ~70k characters: several pieces
    assert len(nlp.cut_text(text)) > 1
    assert "".join(nlp.cut_text(text)) == text
    doc = next(nlp.recognize([text]))
    assert doc.text == text
    assert sum(1 for e in doc.ents if e.text == "NATO") >= 1100


def test_cut_text_without_line_breaks_cuts_after_a_sentence_or_space() -> None:
    text = "Word word word. " * 5000
    pieces = nlp.cut_text(text, limit=1000)
    assert "".join(pieces) == text and all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith(". ") for p in pieces[:-1])
    assert "".join(nlp.cut_text("x" * 2500, limit=1000)) == "x" * 2500


def test_text_status() -> None:
    assert nlp.text_status("") == nlp.text_status("  \n ") == "empty"
    assert nlp.text_status("North Korea recognized the two republics on Wednesday, state media said.") == "ok"
    assert nlp.text_status("Северная Корея признала независимость двух республик.") == "unsupported_language"
    assert nlp.text_status("朝鲜周三承认了两个分离主义地区的独立。") == "unsupported_language"
    spanish = ("El gobierno de Corea del Norte reconoció este miércoles la independencia de las dos "
               "repúblicas separatistas del este de Ucrania, según informaron los medios estatales del país, "
               "que citaron una carta enviada por la ministra de Exteriores a sus homólogos.")
    assert nlp.text_status(spanish) == "unsupported_language"
    assert nlp.text_status("12 345 678 -- 99%") == "ok"


def test_unsupported_and_empty_texts_are_tokenised_only() -> None:
    docs = list(nlp.recognize(["", "Северная Корея признала независимость.", "NATO met."]))
    assert [d.user_data[nlp.STATUS_KEY] for d in docs] == ["empty", "unsupported_language", "ok"]
    assert not docs[1].ents and docs[1].text == "Северная Корея признала независимость."
    assert [e.text for e in docs[2].ents] == ["NATO"]
