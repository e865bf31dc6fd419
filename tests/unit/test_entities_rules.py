"""News rules the model misses: titles, datelines, agencies, institutions, rebels, coordinated names."""

from __future__ import annotations

from transforms import nlp
from transforms.entities import extract_entities
from transforms.linking import ArticleEntities, mention_country, mention_role


def ents(text: str) -> ArticleEntities:
    article = extract_entities(next(nlp.recognize([text])))
    for m in article.mentions:
        assert text[m.start:m.end] == m.surface
        assert "\n" not in m.surface
    return article


def found(article: ArticleEntities) -> dict[str, str]:
    return {m.surface: m.entity_id for m in article.mentions}


# --- titles ----------------------------------------------------------------------------------------

def test_a_title_before_capitalised_words_makes_a_person() -> None:
    art = ents("Foreign Minister Sergei Lavrov met Prime Minister Narendra Modi's envoy, said spokeswoman "
               "Jane Wirtanen and striker Harry Kane.")
    people = {m.surface for m in art.mentions if m.kind == "person"}
    assert {"Sergei Lavrov", "Narendra Modi", "Jane Wirtanen", "Harry Kane"} <= people
    assert not any(p.startswith(("Foreign", "Prime", "spokeswoman")) for p in people)


def test_titles_inside_other_names_make_no_person() -> None:
    art = ents("General Motors and Major League Baseball sponsored the Premier League final. "
               "Captain America was on screen. The Justice Ministry agreed.")
    assert not [m for m in art.mentions if m.kind == "person"]
    assert found(art).get("Major League Baseball") == "org:mlb"


def test_the_title_gives_role_and_country() -> None:
    art = ents("Ukrainian Foreign Minister Dmytro Kuleba said so. U.S. Ambassador to Russia John Sullivan agreed.")
    assert art.person_facts["person:dmytro-kuleba"] == ("UKR", "GOV")
    assert art.person_facts["person:john-sullivan"][0] == "USA"


# --- datelines and agencies ------------------------------------------------------------------------

def test_all_caps_datelines_give_the_place_and_the_agency() -> None:
    art = ents("KYIV, Ukraine (AP) \u2014 Russian forces shelled the city overnight.\n"
               "WASHINGTON (Reuters) - The Senate voted on Tuesday.\n"
               "UNITED NATIONS -- The council met.")
    ids = found(art)
    assert ids["KYIV"] == "place:geonames:703448"  # a dateline place is a place, never the government
    assert ids["Ukraine"] == "country:UKR"
    assert ids["AP"] == "org:ap" and ids["Reuters"] == "org:reuters"
    assert ids["WASHINGTON"] == "place:geonames:4140963"
    assert ids["UNITED NATIONS"] == "org:un"


def test_a_shouted_word_at_a_line_start_is_no_dateline() -> None:
    art = ents("BREAKING: Markets fell sharply on Monday.")
    assert not [m for m in art.mentions if m.surface == "BREAKING"]


def test_agencies_and_credits() -> None:
    art = ents("Photo by Jane Doe/AFP via Getty Images. Xinhua and TASS reported the talks, citing Yonhap.")
    ids = found(art)
    assert ids["AFP"] == "org:afp" and ids["Getty Images"] == "org:getty-images"
    assert ids["Xinhua"] == "org:xinhua" and ids["TASS"] == "org:tass" and ids["Yonhap"] == "org:yonhap"


# --- spans -----------------------------------------------------------------------------------------

def test_spans_never_cross_a_line_break_and_headings_are_not_names() -> None:
    art = ents("Barack Obama tweeted to student Ahmed Mohamed\nImage: Twitter.\nElection Results\n"
               "Eddie Chu received the largest vote.")
    surfaces = {m.surface for m in art.mentions}
    assert "Ahmed Mohamed" in surfaces and "Eddie Chu" in surfaces
    assert not surfaces & {"Image", "Election Results"}


def test_an_acronym_in_parentheses_is_not_part_of_the_name() -> None:
    art = ents("The World Health Organisation (WHO) recommends iodised salt. WHO staff agreed.")
    ids = [m.entity_id for m in art.mentions if m.surface in ("World Health Organisation", "WHO")]
    assert ids == ["org:who", "org:who", "org:who"]


def test_coordinated_names_share_their_head() -> None:
    art = ents("North and South Korea exchanged artillery fire.")
    assert [(m.surface, m.entity_id) for m in art.mentions] == [("North", "country:PRK"),
                                                               ("South Korea", "country:KOR")]


def test_state_of_x_is_the_state() -> None:
    art = ents("The State of Texas will receive a shuttle.")
    assert "place:geonames:4736286" in {m.entity_id for m in art.mentions}


# --- institutions of a named country ----------------------------------------------------------------

def test_ministries_and_forces_of_a_named_country() -> None:
    art = ents("The Russian Foreign Ministry, Ukraine's defence ministry and the Ministry of Foreign Affairs "
               "of China commented as Ukrainian government forces and U.S. troops withdrew.")
    ids = found(art)
    assert ids["Russian Foreign Ministry"] == "org:rus-foreign-ministry"
    assert ids["Ukraine's defence ministry"] == "org:ukr-defence-ministry"
    assert ids["Ministry of Foreign Affairs of China"] == "org:chn-foreign-ministry"
    assert ids["Ukrainian government forces"] == "org:ukr-armed-forces"
    assert ids["U.S. troops"] == "org:usa-armed-forces"
    assert art.registry["org:ukr-armed-forces"].canonical_name == "Armed Forces of Ukraine"
    forces = next(m for m in art.mentions if m.surface == "Ukrainian government forces")
    assert (mention_country(forces), mention_role(forces)) == ("UKR", "MIL")
    # the country inside stays a mention of the country
    assert ids["Ukrainian"] == "country:UKR"


def test_backed_forces_and_named_groups_are_not_the_state() -> None:
    art = ents("Russian-backed forces and pro-Iranian militias clashed with the Free Syrian Army.")
    ids = found(art)
    assert "org:rus-armed-forces" not in ids.values()
    assert ids["Free Syrian Army"] == "group:free-syrian-army"


# --- rebels ----------------------------------------------------------------------------------------

def test_rebels_belong_to_the_country_they_fight_in() -> None:
    art = ents("Fighting between Russian-backed rebels and Ukrainian government forces flared, with "
               "separatists holding the towns.")
    rebels = [m for m in art.mentions if m.kind == "group"]
    assert [(m.surface, m.entity_id, m.role) for m in rebels] == [
        ("Russian-backed rebels", "group:ukr-rebels", "REB"), ("separatists", "group:ukr-rebels", "SEP")]
    assert art.registry["group:ukr-rebels"].country_code == "UKR"
    russian = next(m for m in art.mentions if m.surface == "Russian")
    assert russian.stance and russian.entity_id == "country:RUS"  # the sponsor stays a stance mention


def test_rebels_named_by_adjective_or_group() -> None:
    art = ents("Syrian rebels shelled the town while Houthi rebels fired missiles.")
    ids = [(m.surface, m.entity_id) for m in art.mentions if m.kind == "group"]
    assert ("Syrian rebels", "group:syr-rebels") in ids
    assert ("Houthi", "group:houthis") in ids
    assert not any(s == "Houthi rebels" and e != "group:houthis" for s, e in ids)


def test_rebels_without_a_country_are_not_guessed() -> None:
    assert not [m for m in ents("The rebels said they would fight on.").mentions if m.kind == "group"]
