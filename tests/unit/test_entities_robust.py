"""Acceptance (issue 5): empty text, 1 MB text, other languages and scripts give clean results or a
clear "unsupported_language" status, never a crash."""

from __future__ import annotations

import time

import pytest

from transforms import nlp
from transforms.entities import extract_entities
from transforms.linking import ArticleEntities

PARAGRAPH = ("SEOUL, July 14 (UPI) -- North Korea formally recognized two pro-Russian separatist regions in "
             "Ukraine, state media announced Thursday. Foreign Minister Choe Son-hui sent letters to Donetsk "
             "and Lugansk, KCNA said. NATO and the U.N. Security Council met in New York.\n")


def run(*texts: str) -> list[ArticleEntities]:
    out = [extract_entities(doc) for doc in nlp.recognize(list(texts))]
    for text, art in zip(texts, out):
        for m in art.mentions:
            assert text[m.start:m.end] == m.surface
            assert m.entity_id in art.registry
        assert all(0 <= s <= e <= len(text) for s, e in art.sentence_bounds)
    return out


def test_empty_and_blank_texts() -> None:
    for art in run("", " ", "\n\n\t"):
        assert art.status == "empty" and art.mentions == [] and art.entities() == ()


@pytest.mark.parametrize("text", [
    "Северная Корея официально признала две сепаратистские республики на востоке Украины, сообщили "
    "государственные СМИ в четверг.",
    "朝鲜周四正式承认乌克兰东部的两个分离主义共和国，官方媒体报道。",
    "أعلنت كوريا الشمالية رسميا اعترافها بجمهوريتين انفصاليتين في شرق أوكرانيا.",
    "Nordkorea hat die beiden abtrünnigen Republiken im Osten der Ukraine offiziell anerkannt, wie die "
    "staatlichen Medien am Donnerstag berichteten. Die Außenministerin schrieb Briefe an ihre Amtskollegen "
    "in den Republiken und erklärte, man wolle die Beziehungen ausbauen.",
])
def test_other_languages_and_scripts_are_flagged_not_recognised(text: str) -> None:
    (art,) = run(text)
    assert art.status == "unsupported_language"
    assert art.mentions == []
    assert art.sentence_bounds  # still split, so offsets stay usable


def test_english_with_foreign_words_is_english() -> None:
    (art,) = run("President Volodymyr Zelensky said \u00abСлава Україні\u00bb in Kyiv on Monday, "
                 "and the crowd in Lviv answered.")
    assert art.status == "ok"
    assert "person:volodymyr-zelensky" in {m.entity_id for m in art.mentions}


@pytest.mark.parametrize("text", [
    "12 345 678 -- 99% ... !!! ???",
    "\u200b\u200e\u202e NATO \ufeff met \U0001F600 in Brussels.",
    "<p>Reuters</p> &amp; <b>AP</b>",
    "a" * 30_000,                              # one 30k-character "word"
    ("and the talks went on " * 5_000).strip(),  # one 110k-character line without a full stop
])
def test_odd_texts_give_clean_results(text: str) -> None:
    (art,) = run(text)
    assert art.status == "ok"


def test_a_batch_mixes_statuses_in_order() -> None:
    arts = run("", "NATO met in Brussels.", "Северная Корея признала независимость двух республик сегодня.")
    assert [a.status for a in arts] == ["empty", "ok", "unsupported_language"]
    assert [m.entity_id for m in arts[1].mentions] == ["org:nato", "place:geonames:2800866"]


def test_one_megabyte_of_other_script_is_quick() -> None:
    text = ("Северная Корея признала независимость двух республик. " * 20_000)[:1_000_000]
    start = time.process_time()
    (art,) = run(text)
    assert art.status == "unsupported_language" and art.mentions == []
    assert time.process_time() - start < 10


@pytest.mark.slow
def test_one_megabyte_of_english() -> None:
    """Recognised in pieces (spaCy alone refuses texts over 1,000,000 characters)."""
    text = PARAGRAPH * (1_000_000 // len(PARAGRAPH) + 1)
    assert len(text) > 1_000_000
    (art,) = run(text)
    assert art.status == "ok"
    copies = text.count(PARAGRAPH)
    nato = [m for m in art.mentions if m.entity_id == "org:nato"]
    assert len(nato) == copies
    choe = [m for m in art.mentions if m.entity_id == "person:choe-son-hui"]
    assert len(choe) >= copies * 0.95
