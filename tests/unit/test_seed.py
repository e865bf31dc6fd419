"""Seed acceptance: the UPI article newsetl was specified from, against its hand-coded gold.

Input is the seed text after news clean-up: the caption+credit line removed and the dateline
"SEOUL, July 14 (UPI) -- " cut from the first body line, with the dateline passed separately.

Scoring follows gold.json's scoring_notes (`bench.events.score_seed`): core events match on
(actor1 country, actor2 country, CAMEO root or PLOVER type), alternative codes accepted at root
level, and count as found only with their date at the gold's precision. Decision: the Donetsk/Luhansk
republics are `group:` entities whose country_code is UKR, so our events carry actor2_country
UKR, which is how the gold's PLOVER coding scores them. A gold event with k recipients (DPR+LPR)
or a reciprocal pair absorbs up to k (or 2) of our dyads; anything else unmatched is a false
positive. Floors are pinned a little below what the coder reaches; do not lower them silently.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bench.events import score_seed
from transforms.annotate import annotate_text
from transforms.contracts import Annotation, Dateline

PUBLISHED = date(2022, 7, 14)
DATELINE = Dateline(place="SEOUL", date_text="July 14", agency="UPI", raw="SEOUL, July 14 (UPI) --")

# Measured on the seed: 11/11 core events with their dates at the gold's precision (E5, Kuleba's
# criticism of Russia, comes from his quote), precision 18/18 (E1, E8, E10 and E11 as two dyads
# each; E6 and E9 are optional/secondary hits), none of the 7 listed non-events; the same on the
# raw text with caption and dateline left in. Gold entities covered 14/21 on the cleaned text
# (SEOUL, UPI, EPA-EFE and Bui Lam Khanh are not in it) and 18/21 on the raw text.
# Scoring is bench/events.py's (gold.json's scoring notes), so the bench and this gate agree.
CORE_FLOOR = 10             # was 9 (core found without dates); now dates must match too
PRECISION_FLOOR = 0.9       # was 0.85
ENTITY_COVERAGE_FLOOR = 13
RAW_ENTITY_COVERAGE_FLOOR = 17


def clean_seed(raw: str) -> str:
    lines = raw.split("\n")[1:]  # caption + photo credit
    lines[0] = lines[0].replace("SEOUL, July 14 (UPI) -- ", "", 1)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def gold(shared_dir: Path) -> dict:
    return json.loads((shared_dir / "seed" / "gold.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def text(seed_text: str) -> str:
    return clean_seed(seed_text)


@pytest.fixture(scope="module")
def ann(text: str) -> Annotation:
    return annotate_text(text, published=PUBLISHED, dateline=DATELINE)


def _sentence_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    end = text.find("\n", start)
    return start, (len(text) if end < 0 else end)


# --- entities ----------------------------------------------------------------------------------

def test_countries_with_iso_codes(ann: Annotation) -> None:
    ents = {e.entity_id: e for e in ann.entities}
    for iso in ("PRK", "UKR", "RUS", "SYR", "CHN"):
        assert f"country:{iso}" in ents, iso
        assert ents[f"country:{iso}"].country_code == iso
        assert ents[f"country:{iso}"].kind == "country"


def test_choe_is_one_person_however_written(ann: Annotation, text: str) -> None:
    persons = [e for e in ann.entities if e.kind == "person" and "choe" in e.entity_id]
    assert [p.entity_id for p in persons] == ["person:choe-son-hui"]
    assert persons[0].canonical_name == "Choe Son-hui"
    bare = text.index("Choe wrote")
    linked = [m for m in ann.mentions if m.start_char == bare]
    assert linked and linked[0].entity_id == "person:choe-son-hui" and linked[0].surface == "Choe"


def test_choe_case_variants_merge_with_caption(seed_text: str) -> None:
    """With the caption kept, "Choe Son-Hui" and "Choe Son-hui" are still one entity."""
    raw = seed_text.split("\n", 1)[0] + "\n" + clean_seed(seed_text)
    ann = annotate_text(raw, published=PUBLISHED, dateline=DATELINE)
    choe = [e for e in ann.entities if e.entity_id.startswith("person:choe")]
    assert len(choe) == 1
    assert {"Choe Son-Hui", "Choe Son-hui", "Choe"} <= set(choe[0].aliases)
    assert not any(e.entity_id == "org:file-photo" for e in ann.entities)


def test_capitals_used_as_actors_are_their_countries(ann: Annotation, text: str) -> None:
    kiev = text.index("Kiev announced")
    pyongyang_agent = text.index("Pyongyang to undermine")
    pyongyang_poss = text.index("Pyongyang's Foreign")
    by_start = {m.start_char: m for m in ann.mentions}
    assert by_start[kiev].entity_id == "country:UKR"
    assert by_start[pyongyang_agent].entity_id == "country:PRK"
    assert by_start[pyongyang_poss].entity_id == "country:PRK"


def test_breakaway_republics_are_groups_in_ukraine(ann: Annotation) -> None:
    ents = {e.entity_id: e for e in ann.entities}
    for eid in ("group:donetsk-peoples-republic", "group:luhansk-peoples-republic"):
        assert ents[eid].kind == "group" and ents[eid].country_code == "UKR"
    assert {"Lugansk", "LNR"} <= set(ents["group:luhansk-peoples-republic"].aliases)


def test_mention_offsets_match_surfaces(ann: Annotation, text: str) -> None:
    for m in ann.mentions:
        assert text[m.start_char:m.end_char] == m.surface


def test_entity_coverage_of_gold(ann: Annotation, gold: dict) -> None:
    covered = _covered_gold_entities(ann, gold)
    assert len(covered) >= ENTITY_COVERAGE_FLOOR, sorted(covered)


def test_entity_coverage_of_gold_on_raw_text(seed_text: str, gold: dict) -> None:
    """Caption, credit and dateline left in: the photographer and agencies are found too."""
    ann = annotate_text(seed_text, published=PUBLISHED)
    covered = _covered_gold_entities(ann, gold)
    assert len(covered) >= RAW_ENTITY_COVERAGE_FLOOR, sorted(covered)


def _covered_gold_entities(ann: Annotation, gold: dict) -> set[str]:
    """Gold entities we have: countries by ISO code, others by a shared surface form."""
    ours_surfaces = {s.lower() for e in ann.entities for s in (*e.aliases, e.canonical_name)}
    ours_countries = {e.country_code for e in ann.entities if e.kind == "country"}
    covered = set()
    for g in gold["entities"]:
        if g["type"] == "COUNTRY" and g["iso3"] in ours_countries:
            covered.add(g["id"])
        elif any(m.lower() in ours_surfaces for m in g["mentions"]) or g["canonical"].lower() in ours_surfaces:
            covered.add(g["id"])
    return covered


# --- events ------------------------------------------------------------------------------------

def test_north_korea_recognizes_the_republics(ann: Annotation, text: str) -> None:
    hits = [e for e in ann.events if e.actor1_country == "PRK" and e.cameo_code == "054"]
    targets = {e.actor2_entity_id for e in hits}
    assert targets == {"group:donetsk-peoples-republic", "group:luhansk-peoples-republic"}
    for e in hits:
        # "state media announced Thursday" dates the report; the letters went out on Wednesday
        assert e.event_date == date(2022, 7, 13)
        assert e.date_precision == "day"
        assert e.actor2_country == "UKR"
        assert text[e.start_char:e.end_char] == e.evidence
        assert e.evidence.startswith("North Korea formally recognized")
    assert len(hits) == 2, "E1 is one event (two dyads), not one per sentence that retells it"


def test_kcna_said_is_attribution_not_an_event(ann: Annotation) -> None:
    assert not [e for e in ann.events if e.cameo_root == "01"]
    assert not [e for e in ann.events if e.actor1_entity_id == "org:kcna"]
    reported = [e for e in ann.events if e.actor1_country == "PRK" and e.cameo_code == "054"]
    assert all(e.factuality == "reported" for e in reported)


def test_gloss_sentence_makes_no_event(ann: Annotation, text: str) -> None:
    start, end = _sentence_of(text, "The Democratic People's Republic of Korea is the official name")
    assert not [e for e in ann.events if start <= e.start_char < end]


def test_undated_sentence_stays_unstated(ann: Annotation) -> None:
    support = [e for e in ann.events if e.cameo_code == "051" and e.actor1_country == "PRK"]
    assert support
    for e in support:
        assert e.event_date is None and e.date_precision == "unstated"
        assert e.temporal == "background"  # "has publicly expressed"


def test_background_dates_are_not_the_publication_date(ann: Annotation) -> None:
    by_code = {(e.actor1_country, e.cameo_code): e for e in ann.events}
    assert by_code[("RUS", "054")].event_date == date(2022, 2, 1)
    assert by_code[("RUS", "054")].date_precision == "month"
    assert by_code[("SYR", "054")].event_date == date(2022, 6, 1)
    assert by_code[("RUS", "129")].event_date == date(2022, 5, 1)
    assert by_code[("UKR", "161")].event_date == date(2022, 7, 13)
    fighting = [e for e in ann.events if e.cameo_code == "190"]
    assert fighting and all(e.event_date == date(2014, 1, 1) and e.date_precision == "year" for e in fighting)
    assert all(e.temporal == "background" for e in fighting)


def test_vetoed_sanctions_are_not_imposed(ann: Annotation) -> None:
    """E17: the resolution "to impose additional sanctions" was vetoed: no 163."""
    assert not [e for e in ann.events if e.cameo_code == "163"]
    vetoes = {e.actor1_country for e in ann.events if e.cameo_code == "129"}
    assert vetoes == {"RUS", "CHN"}


def test_gold_score_floors(ann: Annotation, gold: dict) -> None:
    result = score_seed(ann.events, gold)
    assert result["core_found"] >= CORE_FLOOR, result["core_missed"]
    assert result["precision"] >= PRECISION_FLOOR, result["false_positives"]
    assert result["matched"].get("E1", 0) <= 2
    assert not result["non_events_emitted"]


def test_gold_score_floors_on_raw_text(seed_text: str, gold: dict) -> None:
    """Caption, credit and dateline left in: E1 is told four times and still counts once (two dyads)."""
    events = annotate_text(seed_text, published=PUBLISHED, dateline=DATELINE).events
    result = score_seed(events, gold)
    assert result["core_found"] >= CORE_FLOOR, result["core_missed"]
    assert result["precision"] >= PRECISION_FLOOR, result["false_positives"]
    e1 = [e for e in events if e.cameo_code == "054" and e.actor1_country == "PRK"]
    assert len(e1) == 2 and all(e.event_date == date(2022, 7, 13) for e in e1)
    assert e1[0].evidence.startswith("1 of 3 | North Korean Foreign Minister")   # the first telling
    assert all(e.confidence > 0.85 for e in e1)                                   # told again and again


def test_kuleba_criticises_russia_once(ann: Annotation) -> None:
    """E5: the criticism is in his quotes (two sentences); one event, reported, undated."""
    hits = [e for e in ann.events if e.cameo_root == "11" and e.actor1_entity_id == "person:dmytro-kuleba"]
    assert [(e.actor1_country, e.actor2_country, e.factuality, e.event_date) for e in hits] == [
        ("UKR", "RUS", "reported", None)]


def test_repeated_event_is_emitted_once_per_dyad(ann: Annotation) -> None:
    keys = [(e.actor1_entity_id, e.cameo_code, e.actor2_entity_id) for e in ann.events]
    assert len(keys) == len(set(keys))
