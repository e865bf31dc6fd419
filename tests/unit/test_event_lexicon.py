"""The event dictionary as data: every CAMEO root covered, rows valid, the pre-filter exact."""

from __future__ import annotations

import csv

import pytest

from transforms.event_lexicon import DATA, get_lexicon, word_forms

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_patterns_cover_all_twenty_cameo_roots() -> None:
    roots = {get_lexicon().cameo[r["code"]].root for r in _rows("verb_patterns.csv")}
    assert roots == {f"{i:02d}" for i in range(1, 21)}


def test_multiword_patterns_are_data() -> None:
    lex = get_lexicon()
    call_off = [p for p in lex.patterns["call"] if p.particles == ("off",)]
    assert call_off and call_off[0].code == "080"
    hunger = [p for p in lex.patterns["strike"] if p.particles == ("hunger",)]
    assert hunger and hunger[0].code == "142" and hunger[0].pos == "NOUN"
    recognize = [p for p in lex.patterns["recognize"] if "independence" in p.objects]
    assert recognize and recognize[0].code == "054" and "of" in recognize[0].preps


def test_plover_overrides_and_modal_codes_are_valid() -> None:
    lex = get_lexicon()
    for rows in lex.patterns.values():
        for p in rows:
            assert p.plover_type is None or p.plover_type in PLOVER_TYPES, p
    for code in lex.modal_codes.values():
        assert code in lex.cameo
    assert lex.cameo[lex.modal_code("threat", "190")].plover_type == "THREATEN"
    assert lex.cameo[lex.modal_code("intent", "0841")].plover_type == "AGREE"
    assert lex.cameo[lex.modal_code("refuse", "040")].root == "12"


def test_appeals_are_plover_requests() -> None:
    """Our one departure from CAMEO2PLOVER: 02 APPEAL is REQUEST, as PLOVER 0.8 defines it."""
    lex = get_lexicon()
    assert lex.cameo["020"].plover_type == "REQUEST" and lex.cameo["026"].plover_mode == "meet"
    assert lex.cameo["010"].plover_type is None


def test_word_forms() -> None:
    assert {"bans", "banned", "banning"} <= word_forms("ban")
    assert {"recognized", "recognizing", "recognizes"} <= word_forms("recognize")
    assert {"allies", "allied"} <= word_forms("ally")


@pytest.mark.parametrize("text, hit", [
    ("North Korea formally recognized two regions.", True),
    ("Choe sent letters to her counterparts.", True),          # irregular form
    ("Ethnic Albanians have sworn to fight.", True),
    ("The group claimed responsibility for the attack.", True),  # multiword trigger
    ("The first flight left on time.", False),                 # not "fire"
    ("Several people live in the eastern district.", False),   # not "sever", not "ease"
    ("Her claims were false.", False),                         # "claim" only with "responsibility"
])
def test_prefilter_matches_whole_words(text: str, hit: bool) -> None:
    assert get_lexicon().has_trigger(text) is hit
