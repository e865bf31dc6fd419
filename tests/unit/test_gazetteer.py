"""The alias tables and the place index: well-formed data, and the lookups the linker relies on."""

from __future__ import annotations

import csv
import re

import pycountry
import pytest

from transforms.gazetteer import DATA, get_gazetteer, name_slug

ISO3 = {c.alpha_3 for c in pycountry.countries} | {"XKX"}
ORG_KINDS = {"igo", "ngo", "media", "gov", "mil", "leg", "org", "group"}


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- organisations -------------------------------------------------------------------------------

def test_org_table_is_a_few_hundred_well_formed_rows() -> None:
    orgs = rows("org_aliases.csv")
    assert len(orgs) >= 300
    ids = [r["entity_id"] for r in orgs]
    assert len(ids) == len(set(ids))
    for r in orgs:
        assert re.fullmatch(r"(org|group):[a-z0-9-]+", r["entity_id"]), r
        assert r["kind"] in ORG_KINDS, r
        assert not r["country"] or r["country"] in ISO3, r
        assert r["entity_id"].startswith("group:") == (r["kind"] == "group") or r["kind"] == "group", r


def test_an_alias_names_one_organisation() -> None:
    owner: dict[str, str] = {}
    for r in rows("org_aliases.csv"):
        for alias in [r["canonical_name"], *r["aliases"].split("|"), *r["ner_aliases"].split("|")]:
            alias = alias.strip()
            if alias:
                assert owner.setdefault(alias, r["entity_id"]) == r["entity_id"], (alias, owner[alias], r["entity_id"])


@pytest.mark.parametrize("alias, entity_id", [
    ("UN", "org:un"), ("U.N. Security Council", "org:unsc"), ("NATO", "org:nato"), ("EU", "org:eu"),
    ("KCNA", "org:kcna"), ("UPI", "org:upi"), ("Reuters", "org:reuters"), ("Associated Press", "org:ap"),
    ("EPA-EFE", "org:epa-efe"), ("Xinhua", "org:xinhua"), ("International Criminal Court", "org:icc"),
    ("FIFA", "org:fifa"), ("Greenpeace", "org:greenpeace"), ("Pentagon", "org:pentagon"),
    ("Israel Defense Forces", "org:idf"), ("Korean People's Army", "org:kpa"), ("Boeing", "org:boeing"),
    ("Bank of England", "org:bank-of-england"), ("European Court of Human Rights", "org:echr"),
])
def test_frequent_news_organisations(alias: str, entity_id: str) -> None:
    rec = get_gazetteer().org_lookup(alias, ner=False)
    assert rec is not None and rec.entity_id == entity_id


def test_short_acronyms_need_the_model() -> None:
    """"WHO", "ICC", "AU" are also ordinary capitalised words: only a span the model tags counts."""
    gaz = get_gazetteer()
    for alias in ("WHO", "ICC", "AU"):
        assert gaz.org_lookup(alias, ner=False) is None
        assert gaz.org_lookup(alias, ner=True) is not None


# --- places --------------------------------------------------------------------------------------

def test_place_table_is_well_formed() -> None:
    places = rows("entity_places.csv")
    ids = [r["entity_id"] for r in places]
    assert len(ids) == len(set(ids)) and len(places) >= 400
    for r in places:
        assert re.fullmatch(r"place:(geonames:\d+|[a-z0-9-]+)", r["entity_id"]), r
        assert not r["country"] or r["country"] in ISO3, r
        assert bool(r["admin1"]) == r["entity_id"].startswith("place:geonames:"), r
        assert r["admin1"] or (r["lat"] and r["lon"]), r


def test_regions_have_coordinates_inside_their_country() -> None:
    gaz = get_gazetteer()
    for name, country in (("Tuscany", "ITA"), ("Crimea", "UKR"), ("Ontario", "CAN"), ("Gaza Strip", "PSE"),
                          ("Donetsk Oblast", "UKR"), ("Tigray", "ETH"), ("Donbas", "UKR")):
        place = gaz.place_entity(name, "GPE")
        assert place is not None and place.country_code == country, name
        assert place.lat is not None and -90 <= place.lat <= 90 and -180 <= place.lon <= 180, name
    tuscany = gaz.place_entity("Tuscany", "GPE")
    assert 42 < tuscany.lat < 45 and 9 < tuscany.lon < 13  # population-weighted centre of its towns


def test_spelling_variants_are_one_geonames_place() -> None:
    gaz = get_gazetteer()
    assert gaz.place_entity("Kiev", "GPE") == gaz.place_entity("Kyiv", "GPE")
    assert gaz.place_entity("Lugansk", "GPE").entity_id == gaz.place_entity("Luhansk", "GPE").entity_id \
        == "place:geonames:702658"
    assert gaz.place_entity("Herat", "GPE") is not None  # "Herāt" in GeoNames
    kyiv = gaz.city_entity(703448)
    assert (kyiv.country_code, round(kyiv.lat), round(kyiv.lon)) == ("UKR", 50, 31)


def test_a_big_city_wins_over_a_state_of_the_same_name() -> None:
    gaz = get_gazetteer()
    assert gaz.place_entity("New York", "GPE").entity_id == "place:geonames:5128581"  # the city
    assert gaz.place_entity("Texas", "GPE").entity_id == "place:geonames:4736286"     # the state


def test_the_articles_countries_break_ties() -> None:
    gaz = get_gazetteer()
    assert gaz.place_entity("Punjab", "GPE").country_code == "IND"
    assert gaz.place_entity("Punjab", "GPE", context={"PAK"}).country_code == "PAK"
    assert gaz.place_entity("Victoria", "GPE", context={"AUS"}).entity_id == "place:geonames:2145234"
    # a tiny namesake in a named country never beats a world city
    assert gaz.place_entity("Paris", "GPE", context={"USA", "FRA"}).country_code == "FRA"
    assert gaz.place_entity("Paris", "GPE", context={"USA"}).country_code == "FRA"


def test_continents_and_unknown_places() -> None:
    gaz = get_gazetteer()
    assert gaz.place_entity("Europe", "LOC").entity_id.startswith("place:geonames:")
    assert gaz.place_entity("Nowhereville Flats", "LOC") is None


def test_capitals_that_stand_for_their_government() -> None:
    gaz = get_gazetteer()
    for name, iso in (("Pyongyang", "PRK"), ("Moscow", "RUS"), ("Kiev", "UKR"), ("Kyiv", "UKR"),
                      ("Washington", "USA"), ("Beijing", "CHN")):
        cap = gaz.capital_lookup(name)
        assert cap is not None and cap.iso3 == iso and cap.metonym, name


# --- countries -----------------------------------------------------------------------------------

@pytest.mark.parametrize("surface, iso", [
    ("DPRK", "PRK"), ("D.P.R.K.", "PRK"), ("Democratic People's Republic of Korea", "PRK"),
    ("democratic people's republic of korea", "PRK"), ("Hong Kong", "HKG"), ("Türkiye", "TUR"),
    ("Czechia", "CZE"), ("Emirati", "ARE"), ("ROK", "KOR"), ("PRC", "CHN"),
])
def test_country_variants(surface: str, iso: str) -> None:
    alias = get_gazetteer().country_lookup(surface)
    assert alias is not None and alias.iso3 == iso


# --- persons, titles, institutions -----------------------------------------------------------------

def test_person_table_ids_are_slugs_of_their_names() -> None:
    persons = rows("entity_persons.csv")
    assert len(persons) >= 200
    for r in persons:
        assert r["entity_id"] == f"person:{name_slug(r['canonical_name'])}", r
        assert not r["country"] or r["country"] in ISO3, r
        assert r["surname_only"] in ("yes", "no"), r


def test_known_persons_by_surname_and_by_given_name_with_context() -> None:
    gaz = get_gazetteer()
    assert gaz.person_by_surname("Putin").entity_id == "person:vladimir-putin"
    assert gaz.person_by_surname("Erdogan").entity_id == "person:recep-tayyip-erdogan"
    assert gaz.person_by_surname("Johnson") is None  # several Johnsons: a bare surname is not enough
    assert gaz.person_by_given_name("Vladimir", "RUS", "president").entity_id == "person:vladimir-putin"
    assert gaz.person_by_given_name("Vladimir", None, "president") is None
    assert gaz.person_lookup("joseph r. biden jr.").entity_id == "person:joe-biden"


def test_titles_and_institutions() -> None:
    gaz = get_gazetteer()
    for term in ("foreign minister", "President", "secretary-general", "Dr.", "striker", "Pope"):
        assert gaz.is_title(term), term
    assert not gaz.is_title("Smith")
    forms = [f for r in rows("entity_institutions.csv") for f in r["forms"].split("|")]
    assert len(forms) == len(set(forms))
    inst = gaz.institutions["Foreign Ministry"]
    ent = gaz.institution_entity("RUS", inst)
    assert (ent.entity_id, ent.kind, ent.country_code) == ("org:rus-foreign-ministry", "org", "RUS")
    assert ent.canonical_name == "Ministry of Foreign Affairs of Russia"


def test_slugs_of_accented_and_plain_spellings_agree() -> None:
    assert name_slug("Jonas Gahr Støre") == name_slug("Jonas Gahr Store") == "jonas-gahr-store"
    assert name_slug("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert name_slug("Lech Wałęsa") == "lech-walesa"
