"""transforms.clean: captions, credits, promos and the dateline go; the story stays."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.clean import clean_text, parse_dateline
from transforms.contracts import Dateline

SEED_CAPTION = "1 of 3 | North Korean Foreign Minister Choe Son-Hui (L)"
SEED_CREDIT = "File Photo by Bui Lam Khanh/EPA-EFE"


# --- the seed article ---------------------------------------------------------------------------------

def test_seed_caption_and_credit_are_removed(seed_text: str) -> None:
    cleaned = clean_text(seed_text)
    assert SEED_CAPTION not in cleaned.text
    assert SEED_CREDIT not in cleaned.text
    caption = [r for r in cleaned.removed if r.kind == "caption"]
    assert len(caption) == 1 and caption[0].text.startswith("1 of 3 |") and SEED_CREDIT in caption[0].text


def test_seed_dateline_is_parsed_and_stripped(seed_text: str) -> None:
    cleaned = clean_text(seed_text)
    assert cleaned.dateline == Dateline(place="SEOUL", date_text="July 14", agency="UPI", raw="SEOUL, July 14 (UPI) --")
    assert cleaned.text.startswith("North Korea formally recognized two pro-Russian separatist regions")
    assert ("dateline", "SEOUL, July 14 (UPI) --") in {(r.kind, r.text) for r in cleaned.removed}


def test_seed_keeps_every_story_paragraph(seed_text: str) -> None:
    cleaned = clean_text(seed_text)
    paragraphs = cleaned.text.split("\n")
    assert len(paragraphs) == len([line for line in seed_text.splitlines() if line.strip()]) - 1
    assert paragraphs[-1].startswith("Russia, meanwhile, joined China in vetoing")
    assert {r.kind for r in cleaned.removed} == {"caption", "dateline"}


def test_cleaning_the_seed_twice_changes_nothing(seed_text: str) -> None:
    once = clean_text(seed_text)
    twice = clean_text(once.text)
    assert twice.text == once.text and twice.removed == ()


# --- datelines ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("paragraph", "place", "date_text", "agency", "raw", "rest"),
    [
        ("SEOUL, July 14 (UPI) -- North Korea said.", "SEOUL", "July 14", "UPI", "SEOUL, July 14 (UPI) --", "North Korea said."),
        ("WASHINGTON (AP) — The Senate voted.", "WASHINGTON", None, "AP", "WASHINGTON (AP) —", "The Senate voted."),
        ("LONDON, Reuters - Britain said.", "LONDON", None, "Reuters", "LONDON, Reuters -", "Britain said."),
        ("NEW YORK (Reuters) - Stocks fell.", "NEW YORK", None, "Reuters", "NEW YORK (Reuters) -", "Stocks fell."),
        ("BEIRUT, Lebanon (AP) — Strikes hit.", "BEIRUT, Lebanon", None, "AP", "BEIRUT, Lebanon (AP) —", "Strikes hit."),
        ("KYIV, Ukraine, March 3 (Reuters) - Russian forces.", "KYIV, Ukraine", "March 3", "Reuters",
         "KYIV, Ukraine, March 3 (Reuters) -", "Russian forces."),
        ("PARIS — The French government.", "PARIS", None, None, "PARIS —", "The French government."),
        ("Paris (AFP) - La France.", "Paris", None, "AFP", "Paris (AFP) -", "La France."),
        ("BEIJING, Sept. 3 (Xinhua) -- China will.", "BEIJING", "Sept. 3", "Xinhua", "BEIJING, Sept. 3 (Xinhua) --", "China will."),
        ("SÃO PAULO, Brazil (AP) – Brazil said.", "SÃO PAULO, Brazil", None, "AP", "SÃO PAULO, Brazil (AP) –", "Brazil said."),
        ("WILKES-BARRE, Pa. (AP) — A man.", "WILKES-BARRE, Pa.", None, "AP", "WILKES-BARRE, Pa. (AP) —", "A man."),
        ("WASHINGTON—The Senate voted.", "WASHINGTON", None, None, "WASHINGTON—", "The Senate voted."),
        ("(CNN) — A man was arrested.", None, None, "CNN", "(CNN) —", "A man was arrested."),
        ("PUTRAJAYA, Nov 22 — Ministers paid.", "PUTRAJAYA", "Nov 22", None, "PUTRAJAYA, Nov 22 —", "Ministers paid."),
    ],
)
def test_dateline_forms(paragraph: str, place: str | None, date_text: str | None, agency: str | None,
                        raw: str, rest: str) -> None:
    parsed = parse_dateline(paragraph)
    assert parsed == (Dateline(place=place, date_text=date_text, agency=agency, raw=raw), rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "The UN - which was founded in 1945 - said it would act.",
        "NATO — the alliance said on Monday.",
        "Mr Smith (AP) - said nothing.",
        "Covid-19 - a disease that changed the world.",
        "US - China talks resumed on Monday.",
        "It was a good day - he said.",
        "BREAKING: Something happened.",
        "FBI agents - who raided the house - left.",
        "Reuters - The company said.",
        "LONDON (Reuters) -Stocks",
        "North Korea formally recognized two regions.",
        "In February, Russian President Vladimir recognized the republics -- also known as the DNR.",
        "",
    ],
)
def test_ordinary_sentences_are_not_datelines(paragraph: str) -> None:
    assert parse_dateline(paragraph) is None


def test_dateline_only_near_the_start() -> None:
    body = "\n".join(["First paragraph here.", "Second one.", "Third one.", "PARIS — Late dateline-like text."])
    assert clean_text(body).dateline is None
    assert clean_text("A standfirst without a dateline.\nWASHINGTON (AP) — The story.").dateline is not None


def test_caption_before_the_dateline_does_not_hide_it() -> None:
    cleaned = clean_text("Smoke rises over the city. Jane Doe/Reuters\nKYIV, Ukraine (AP) — Russia attacked.")
    assert cleaned.dateline is not None and cleaned.dateline.place == "KYIV, Ukraine"
    assert cleaned.text == "Russia attacked."


# --- removals -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        ("1 of 3 | A caption. File Photo by Bui Lam Khanh/EPA-EFE", "caption"),
        ("2/5 - Protesters march in the capital.", "caption"),
        ("Protesters gather outside parliament on Monday. (AP Photo/Evan Vucci)", "caption"),
        ("Protesters gather outside parliament. Photo by John Smith/Reuters", "caption"),
        ("A man walks past a mural in Kyiv. Jane Doe/Getty Images", "caption"),
        ("Smoke rises over the city. Anadolu Agency via Getty Images", "caption"),
        ("Photo: The minister arrives at the summit in Brussels.", "caption"),
        ("File Photo by Bui Lam Khanh/EPA-EFE", "credit"),
        ("Photo by John Smith/Reuters", "credit"),
        ("(Photo: Jane Doe)", "credit"),
        ("Photograph: Alex Brandon/AP", "credit"),
        ("Image: Getty", "credit"),
        ("Credit: NASA", "credit"),
        ("Getty Images", "credit"),
        ("AP Photo/Evan Vucci", "credit"),
        ("Advertisement", "advert"),
        ("ADVERTISEMENT", "advert"),
        ("Story continues below advertisement", "advert"),
        ("Continue reading the main story", "advert"),
        ("Sign up for our free daily newsletter", "promo"),
        ("Subscribe to The Morning newsletter for the latest news.", "promo"),
        ("Get the latest updates right in your inbox. Subscribe to our newsletters.", "promo"),
        ("Share this article", "share"),
        ("Share on Facebook", "share"),
        ("Read more: Russia says something", "promo"),
        ("READ MORE: Another story", "promo"),
        ("Related: Something else", "promo"),
        ("Click here to read more.", "promo"),
        ("Copyright 2024 The Associated Press. All rights reserved.", "boilerplate"),
        ("copyright Inexhibit 2019 - ISSN: 2283-5474", "boilerplate"),
        ("- Advertisement 1Story continues below", "advert"),
        ("Related post: Pickled Brussels Sprouts Recipe", "promo"),
        ("SEE MORE: Hong Kong protests: 800 students under siege in university", "promo"),
        ("Also: See Black Friday coverage at CNET", "promo"),
        ("Also on rt.com Journalists and politicians threatened with arrest", "promo"),
        ("China furious at Macron for Hong Kong protest jibe [INSIGHT]|", "promo"),
        ("Pick Six Newsletter", "promo"),
        ("[Related: Salesforce Dreamforce Keynote: AI, Integration, Alicia Keys And Protestors]", "promo"),
        ("(Leggi anche su: I Cavalieri dello Zodiaco: ecco gli attori –FOTO)", "promo"),
        ("Get the latest news from example.com in your inbox.", "promo"),
        ("Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter.",
         "promo"),
        ("Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99.", "promo"),
        ("If you enjoyed this article, we have a proposition for you: Join NRPLUS.", "promo"),
        ("___", "boilerplate"),
        ("|---|---|---|", "boilerplate"),
        ("* * *", "boilerplate"),
        ("Comments", "boilerplate"),
        ("Tell us what YOU think...", "boilerplate"),
        ("Thanks for signing up!", "boilerplate"),
        ("There was an error processing your subscription.", "boilerplate"),
        ("Order Reprints", "boilerplate"),
        ("Article content", "boilerplate"),
        ("Tempo de leitura: 2 minutos", "boilerplate"),
        ("5 min read", "boilerplate"),
        ("Filed under: Politics, Elections", "boilerplate"),
        ("ATENÇÃO: Comentários com textos ininteligíveis não serão aprovados pelo moderador.", "boilerplate"),
        ("If you buy something through this post, IGN may get a share of the sale.", "boilerplate"),
        ("Reviews and recommendations are unbiased and products are independently selected. Postmedia may earn "
         "an affiliate commission from purchases made through links on this page.", "boilerplate"),
        ("This copy is for your personal, non-commercial use only.", "boilerplate"),
        ("Like this story? Share it with a friend!", "share"),
        ("[button link=\"http://example.com/submit\"] Send us YOUR review[/button]", "boilerplate"),
        ("(credit: NASA/Jude Guidry)", "credit"),
        ("© Reuters", "credit"),
        ("[사진=JTBC, 이매진아시아]", "credit"),
        ("Pictured right, is reader Nicole Bresler speaking to romance novelist Shameez Patel Papathanasiou.",
         "caption"),
        ("Jewels after Jewels, installation views, photos © Inexhibit, 2018", "caption"),
    ],
)
def test_removal_rules(paragraph: str, kind: str) -> None:
    body = "The minister said the talks would resume on Monday in Geneva."
    cleaned = clean_text(f"{body}\n{paragraph}\n{body}")
    assert cleaned.text == f"{body}\n{body}"
    assert [(r.kind, r.text) for r in cleaned.removed] == [(kind, paragraph)]
    assert cleaned.removed[0].reason


@pytest.mark.parametrize(
    "paragraph",
    [
        "The photographer sent pictures by the dozen to the agency.",
        "The source: a leaked memo from the ministry, officials said.",
        "Share prices fell sharply on Monday after the announcement.",
        "Related to this, the minister said the talks would resume on Monday.",
        "Click-through rates fell, the company said in its annual report.",
        "Getty Images, the photo agency, reported higher revenue this year.",
        "Subscribers to the service will pay more from next month, the company said in a statement "
        "that also announced job cuts across its European operations and a new chief executive.",
        "Advertisement spending rose 5% last year, according to the industry group.",
        "He said the plan was subscribe-only.",
        "Comments from the minister angered the opposition, which called for a vote.",
        "The company may earn a commission of 5% on each sale, its filing showed.",
        "More than 100 people were killed, the ministry said.",
        "In 2019, Trump won the support of the party.",
        "Pictures of the flood spread quickly on social media.",
        "Tags on the bottles showed they came from a factory in Ohio.",
        "The reporter is a former soldier, and covers defence.",
        "Also, the council approved a new park.",
    ],
)
def test_ordinary_paragraphs_stay(paragraph: str) -> None:
    cleaned = clean_text(paragraph)
    assert cleaned.text == paragraph and cleaned.removed == ()


def test_author_bio_at_the_end_only() -> None:
    bio = "Jane Doe is a senior reporter for Example News covering Asia."
    story = "The talks resumed on Monday.\nOfficials were hopeful."
    assert clean_text(f"{story}\n{bio}").text == story
    assert clean_text(f"{bio}\n{story}\nMore text.\nAnd more.").text.startswith(bio)


STORY = [
    "The council met on Tuesday to discuss the budget for the coming year.",
    "Members agreed that spending on roads, schools and clinics would rise.",
    "Opposition members said the plan relied on optimistic forecasts of tax revenue.",
    "The mayor said the first new clinic would open in the spring.",
    "Road repairs would start as soon as the weather allowed, she said.",
]


@pytest.mark.parametrize(
    ("line", "kind", "reason"),
    [
        ("By Jane Roe", "credit", "byline"),
        ("by Jeff Foust", "credit", "byline"),
        ("By Jane Roe and John Doe, CNN", "credit", "byline"),
        ("Mathatisi Sebusi/Mohalenyane Phakela", "credit", "byline"),
        ("Monday, November 18, 2019", "boilerplate", "timestamp"),
        ("UPDATED: Tue., Nov. 19, 2019", "boilerplate", "timestamp"),
        ("17:41 JST, October 13, 2024", "boilerplate", "timestamp"),
        ("5:45 AM PST 11/19/2019 by Patrick Shanley", "boilerplate", "timestamp"),
        ("segunda-feira, 22 de janeiro de 2018 às 0:13", "boilerplate", "timestamp"),
    ],
)
def test_head_lines(line: str, kind: str, reason: str) -> None:
    cleaned = clean_text("\n".join([line, *STORY]))
    assert cleaned.text == "\n".join(STORY)
    assert [(r.kind, r.text, r.reason) for r in cleaned.removed] == [(kind, line, reason)]
    # The same line deep inside the story is left alone (except timestamps, also kept at the end).
    middle = "\n".join([*STORY[:3], line, *STORY[3:], *STORY])
    assert line in clean_text(middle).text


@pytest.mark.parametrize(
    ("line", "kind", "reason"),
    [
        ("(Reporting by Greg Roumeliotis; editing by Martin Howell.)", "credit", "reporting_credit"),
        ("Reporting by Rodrigo Campos; Editing by Nick Zieminski and Dan Grebler", "credit", "reporting_credit"),
        ("Associated Press writers Alan Fram and Zeke Miller contributed to this report.", "credit",
         "reporting_credit"),
        ("Keith Bradsher contributed reporting from Hong Kong.", "credit", "reporting_credit"),
        ("Contributing: Kristine Phillips", "credit", "reporting_credit"),
        ("With Post wires", "credit", "reporting_credit"),
        ("Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik.", "bio", "contact_line"),
        ("Have a tip? Amy Kuperinsky may be reached at akuperinsky@example.com.", "bio", "contact_line"),
        ("Write to Al Root at allen.root@example.com", "bio", "contact_line"),
        ("paul.takahashi@example.com", "bio", "contact_line"),
        ("twitter.com/paultakahashi", "bio", "contact_line"),
        ("Steph Bazzle covers politics and theocracy. Follow Steph on Twitter @imjustasteph.", "bio", "author_bio"),
        ("Eric Song is IGN's deal curator and spends 25% of his pay on stuff he posts.", "bio", "author_bio"),
        ("Jeff Foust (jeff@example.com) is the editor and publisher of The Space Review.", "bio", "author_bio"),
    ],
)
def test_tail_lines(line: str, kind: str, reason: str) -> None:
    cleaned = clean_text("\n".join([*STORY, line]))
    assert cleaned.text == "\n".join(STORY)
    assert [(r.kind, r.text, r.reason) for r in cleaned.removed] == [(kind, line, reason)]
    assert line in clean_text("\n".join([*STORY, line, *STORY])).text  # not at the end: kept


def test_related_block_goes_with_its_heading() -> None:
    links = ["Who will make the Rock Hall in 2020?", "Dave Matthews Band takes over Rock Hall Fan Vote"]
    cleaned = clean_text("\n".join([*STORY, "You may also like...", *links]))
    assert cleaned.text == "\n".join(STORY)
    assert [r.reason for r in cleaned.removed] == ["related_heading", "related_block", "related_block"]


def test_related_box_inside_the_story_stops_at_prose() -> None:
    links = ["Plague fears: Holidaymakers die after eating marmot", "Plane passengers quarantined"]
    cleaned = clean_text("\n".join([*STORY[:2], "DON'T MISS", *links, *STORY[2:]]))
    assert cleaned.text == "\n".join(STORY)
    assert [r.reason for r in cleaned.removed] == ["related_heading", "related_block", "related_block"]


def test_a_heading_word_at_the_start_is_not_a_related_block() -> None:
    text = "\n".join(["Latest", *STORY])
    assert clean_text(text).text.startswith("The council met")  # "Latest" alone goes (read_more) ...
    assert len(clean_text(text).text.split("\n")) == len(STORY)  # ... but the story stays whole


def test_phrase_rules_file_loads() -> None:
    from transforms.clean import _PHRASES
    assert len(_PHRASES) >= 15
    assert {p.kind for p in _PHRASES} <= {"caption", "credit", "dateline", "promo", "share", "advert", "bio",
                                           "boilerplate"}


def test_inline_credit_is_cut_from_a_body_paragraph() -> None:
    cleaned = clean_text("Officials said the attack, which killed 10 (Photo: Reuters), was the worst in years.")
    assert cleaned.text == "Officials said the attack, which killed 10, was the worst in years."
    assert [(r.kind, r.text) for r in cleaned.removed] == [("credit", "(Photo: Reuters)")]


def test_whitespace_is_normalised_and_paragraphs_kept() -> None:
    cleaned = clean_text("  First   paragraph.\r\n\r\n\tSecond\u00a0paragraph. \n\n")
    assert cleaned.text == "First paragraph.\nSecond paragraph."
    assert cleaned.dateline is None and cleaned.removed == ()


def test_empty_text() -> None:
    assert clean_text("") == clean_text("\n \n")
    assert clean_text("").text == ""


# --- properties ---------------------------------------------------------------------------------------

_news_lines = st.sampled_from([
    "SEOUL, July 14 (UPI) -- North Korea said.", "1 of 3 | A caption.", "Advertisement",
    "Read more: elsewhere", "Photo by A B/Reuters", "WASHINGTON (AP) — Text.", "Share this article",
    "Plain sentence here.", "(Photo: X)", "PARIS —", "—", "(", "Sign up for our newsletter",
])
_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_news_lines, st.text(max_size=40)), max_size=12).map("\n".join),
)


def _non_space(text: str) -> Counter[str]:
    return Counter(ch for ch in text if not ch.isspace())


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_clean_text_never_raises_and_never_adds_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned.text) <= len(text)
    assert not _non_space(cleaned.text) - _non_space(text)
    assert all(line and line == line.strip() for line in cleaned.text.split("\n")) or cleaned.text == ""
    for span in cleaned.removed:
        assert not _non_space(span.text) - _non_space(text)
