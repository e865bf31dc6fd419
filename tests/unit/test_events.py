"""The event coder: verb patterns, actors from the parse, attribution, dates and de-duplication."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from transforms import nlp
from transforms.annotate import annotate_text
from transforms.contracts import Event
from transforms.entities import extract_entities
from transforms.events import DATA, candidate_sentences, get_lexicon

PUB = date(2022, 7, 14)  # a Thursday


def events(text: str, published: date | None = PUB) -> tuple[Event, ...]:
    ann = annotate_text(text, published=published)
    for e in ann.events:
        assert text[e.start_char:e.end_char] == e.evidence
    return ann.events


def dyads(text: str, published: date | None = PUB) -> set[tuple[str | None, str, str | None]]:
    return {(e.actor1_country, e.cameo_code, e.actor2_country) for e in events(text, published)}


# --- data ------------------------------------------------------------------------------------

def test_cameo_codes_cover_the_codebook() -> None:
    lex = get_lexicon()
    assert len(lex.cameo) >= 300
    assert lex.cameo["054"].goldstein == 6.0 and lex.cameo["054"].quad_class == 1
    assert lex.cameo["161"].plover_type == "SANCTION" and lex.cameo["190"].root == "19"
    assert lex.cameo["010"].plover_type is None  # PLOVER dropped public statements


def test_cameo_codes_are_the_reference_facts(shared_dir: Path) -> None:
    with open(shared_dir / "reference" / "cameo_event_codes.csv", newline="", encoding="utf-8") as fh:
        ref = {r["code"]: r for r in csv.DictReader(fh)}
    lex = get_lexicon()
    assert set(lex.cameo) == set(ref)
    for code, c in lex.cameo.items():
        assert c.goldstein == float(ref[code]["goldstein"]) and c.quad_class == int(ref[code]["gdelt_quad_class"])


def test_every_pattern_names_a_known_code() -> None:
    with open(DATA / "verb_patterns.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 60
    assert all(r["code"] in get_lexicon().cameo for r in rows)


# --- patterns --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Syria recognized the independence of Abkhazia on Tuesday.", ("SYR", "054", "GEO")),
    ("Bhutan recognised Kosovo in 2012.", ("BTN", "054", "XKX")),
    ("Syria became the second country to establish diplomatic relations with Abkhazia.", ("SYR", "054", "GEO")),
    ("Ukraine severed diplomatic ties with North Korea on Wednesday.", ("UKR", "161", "PRK")),
    ("Morocco cut diplomatic ties with Iran.", ("MAR", "161", "IRN")),
    ("Germany criticized Hungary over the new law.", ("DEU", "111", "HUN")),
    ("France condemned the Russian attack.", ("FRA", "111", "RUS")),
    ("Iran accused Israel of sabotage.", ("IRN", "112", "ISR")),
    ("North Korea blamed NATO expansion for the crisis.", ("PRK", "112", None)),
    ("Russia vetoed a U.N. Security Council resolution in May.", ("RUS", "129", None)),
    ("North Korea has expressed its support for the Russian invasion.", ("PRK", "051", "RUS")),
    ("Belarus endorsed Russia's plan.", ("BLR", "051", "RUS")),
    ("Russia's invasion of Ukraine began in February.", ("RUS", "192", "UKR")),
    ("The European Union imposed sanctions on Belarus on Monday.", (None, "163", "BLR")),
    ("U.S. President Joe Biden met with Ukrainian President Volodymyr Zelensky on Tuesday.", ("USA", "040", "UKR")),
    ("Japan signed a trade agreement with India.", ("JPN", "057", "IND")),
    ("Iran threatened Israel on Sunday.", ("IRN", "130", "ISR")),
    ("Russian forces attacked Ukrainian troops near Kharkiv.", ("RUS", "190", "UKR")),
    ("France urged Iran to release the prisoners.", ("FRA", "020", "IRN")),
    ("The United Nations called on Russia to withdraw its troops.", (None, "020", "RUS")),
    ("Students protested against the Iranian government.", (None, "140", "IRN")),
    ("Indian police arrested Pakistani fishermen.", ("IND", "173", "PAK")),
    # one or more per CAMEO root beyond the first dictionary
    ("Hamas claimed responsibility for the attack on Israel.", ("PSE", "015", None)),
    ("Ukraine appealed to Germany for more weapons.", ("UKR", "020", "DEU")),
    ("Russia offered to negotiate with Ukraine.", ("RUS", "036", "UKR")),
    ("Qatar launched a mediation effort between Israel and Hamas.", ("QAT", "045", "ISR")),
    ("French and Egyptian warships launched ten days of war games in the Mediterranean Sea.", ("FRA", "062", "EGY")),
    ("Peru granted asylum to five Panamanian officers.", ("PER", "075", "PAN")),
    ("Sudan lifted a state of emergency in Darfur.", ("SDN", "0814", None)),
    ("The IAEA dispatched inspectors to Iran.", (None, "090", "IRN")),
    ("Germany rejected the Polish proposal.", ("DEU", "120", "POL")),
    ("Thousands of Serbian workers went on strike against the government.", ("SRB", "143", None)),
    ("Britain mobilized army reservists for a possible war against Iraq.", ("GBR", "154", None)),
    ("Italy announced a suspension of air links with Serbia.", ("ITA", "160", "SRB")),
    ("Palestinian police confiscated weapons from Palestinian armed groups.", ("PSE", "1711", "PSE")),
    ("Afghan rebels kidnapped 16 Russian civilian advisers.", ("AFG", "181", "RUS")),
    ("Burmese troops captured part of a Karen guerrilla stronghold.", ("MMR", "190", None)),
])
def test_pattern(text: str, expected: tuple) -> None:
    assert expected in dyads(text)


def test_fighting_between_is_reciprocal_and_rebels_are_domestic() -> None:
    evs = events("Fighting between Russian-backed rebels and Ukrainian government forces sparked up in 2014.")
    pairs = {(e.actor1_role, e.actor1_country, e.actor2_role, e.actor2_country) for e in evs}
    assert pairs == {("REB", "UKR", "MIL", "UKR"), ("MIL", "UKR", "REB", "UKR")}
    assert all(e.cameo_code == "190" and e.event_date == date(2014, 1, 1) for e in evs)


def test_compound_actors_make_one_event_each() -> None:
    evs = events("Russia, meanwhile, joined China in vetoing a U.S.-led U.N. Security Council resolution.")
    assert {(e.actor1_country, e.cameo_code, e.actor2_entity_id) for e in evs} == {
        ("RUS", "129", "org:unsc"), ("CHN", "129", "org:unsc")}
    evs = events("Syria and Nicaragua recognized Abkhazia.")
    assert {e.actor1_country for e in evs} == {"SYR", "NIC"}


def test_symmetric_events_pair_the_coordinated_actors() -> None:
    evs = events("Libyan leader Muammar Gaddafi and Bulgarian President Todor Zhivkov signed a treaty.")
    assert {(e.actor1_country, e.actor2_country) for e in evs} == {("LBY", "BGR"), ("BGR", "LBY")}


def test_roles_and_metonymy() -> None:
    evs = events("Kiev announced that it was severing diplomatic ties with Pyongyang.")
    assert [(e.actor1_entity_id, e.actor1_role, e.actor2_entity_id) for e in evs] == [
        ("country:UKR", "GOV", "country:PRK")]
    ev = events("Pyongyang's Foreign Minister Choe Son-hui criticized Seoul.")[0]
    assert (ev.actor1_entity_id, ev.actor1_country, ev.actor1_role) == ("person:choe-son-hui", "PRK", "GOV")


def test_passive_agent_is_actor1() -> None:
    assert ("RUS", "190", "UKR") in dyads("Ukrainian troops were attacked by Russian forces on Monday.")
    # no agent named: the victims are known, the attacker is not invented
    evs = events("Ukrainian troops were attacked on Monday.")
    assert [(e.actor1_entity_id, e.actor1_country, e.cameo_code, e.actor2_country) for e in evs] == [
        (None, None, "190", "UKR")]
    assert not events("Ukraine was criticized on Monday.")  # only violence is coded without an agent


# --- what is not an event --------------------------------------------------------------------

def test_reporting_verbs_are_attribution() -> None:
    evs = events("North Korea recognized the Donetsk People's Republic, KCNA said.")
    assert [(e.actor1_country, e.cameo_code) for e in evs] == [("PRK", "054")]
    assert evs[0].factuality == "reported"
    assert not events("KCNA said the talks were useful, Yonhap reported on Monday.")
    claimed = events("Russia claimed that Ukraine attacked Belgorod's Russian residents.")
    assert claimed and all(e.factuality == "claimed" for e in claimed)


def test_negation_modality_and_conditions() -> None:
    evs = events("China did not condemn Russia.")
    assert [(e.cameo_code, e.factuality) for e in evs] == [("111", "negated")]
    assert not events("Russia would invade Ukraine, analysts warned.")
    assert not events("If Russia invades Ukraine, NATO will respond.")


def test_adjectival_participles_and_purpose_clauses_make_no_event() -> None:
    assert not [e for e in events("Russian-backed rebels took the town from Ukraine.") if e.cameo_code == "051"]
    codes = {e.cameo_code for e in events("Russia vetoed a resolution to impose sanctions on North Korea.")}
    assert "163" not in codes and "129" in codes


# --- dates, evidence, de-duplication ------------------------------------------------------------

def test_dates_come_from_the_sentence_never_from_publication() -> None:
    ev = events("Ukraine severed diplomatic ties with North Korea on Wednesday.")[0]
    assert (ev.event_date, ev.date_precision, ev.temporal) == (date(2022, 7, 13), "day", "current")
    ev = events("Ukraine severed diplomatic ties with North Korea.")[0]
    assert (ev.event_date, ev.date_precision) == (None, "unstated")
    ev = events("Last month, Syria established diplomatic relations with Abkhazia.")[0]
    assert (ev.event_date, ev.date_precision, ev.temporal) == (date(2022, 6, 1), "month", "background")
    ev = events("Ukraine severed ties with North Korea on Wednesday.", published=None)[0]
    assert ev.date_precision == "unstated"


def test_repeated_event_is_emitted_once() -> None:
    text = ("North Korea recognized the Donetsk People's Republic, state media said.\n"
            "On Wednesday, North Korea recognized the Donetsk People's Republic, KCNA reported.")
    evs = events(text)
    assert len(evs) == 1
    ev = evs[0]
    assert ev.sentence_idx == 0 and ev.evidence.startswith("North Korea recognized")
    assert ev.event_date == date(2022, 7, 13)  # the later, dated retelling lends its date


def test_location_is_a_place_in_the_clause() -> None:
    ev = [e for e in events("Russian forces shelled Ukrainian positions in Kharkiv on Friday.")
          if e.cameo_code == "194"][0]
    assert ev.location_entity_id and ev.location_entity_id.startswith("place:geonames:")
    assert ev.lat and ev.lon


def test_only_sentences_with_a_trigger_and_two_actors_are_parsed() -> None:
    text = ("Russia vetoed the resolution on China's behalf.\n"
            "The weather in Moscow was fine.\n"
            "Russia vetoed it.")
    article = extract_entities(next(nlp.recognize([text])))
    assert candidate_sentences(article) == [0]
