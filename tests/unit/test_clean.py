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
