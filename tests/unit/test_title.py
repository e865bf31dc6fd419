"""Title rules (transforms.title): one small test per rule, then golden examples shaped like
real pages (the statements are those of the named page kinds; no publisher is special-cased)."""

from __future__ import annotations

import time

import pytest

from transforms.title import (
    condensed_og,
    confirmed_headline,
    is_condensed,
    pick_title,
    squash,
    strip_site_suffix,
    strip_tight_site_suffix,
    vote,
)

HANKOOK = "장동혁, 한동훈 제명했지만…\xa0'윤 어게인' 절연 ·외연 확장 부담 커졌다"


# --- rule 1: site names off the ends ---------------------------------------------------------------

def test_squash() -> None:
    assert squash("It’s here!") == squash("its HERE") == "itshere"
    assert squash("Ｆｕｌｌ　width") == "fullwidth"


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        (HANKOOK + "-정치ㅣ한국일보", ["한국일보"], HANKOOK),               # section and site glued on
        ("Budget agreed by the council|Example Times", ["exampletimes"], "Budget agreed by the council"),
        ("Spider-Man", ["man"], "Spider-Man"),                              # too short to have a section
        ("Vaccines against COVID-19", ["exampletimes"], "Vaccines against COVID-19"),
        ("Budget talks-Politics|Other Site", ["exampletimes"], "Budget talks-Politics|Other Site"),
        ("Budget - Example Times", ["exampletimes"], "Budget - Example Times"),  # spaced: the main rule's job
        ("Budget talks-Politics|Example Times", ["exampletimes"], "Budget talks-Politics"),  # head too short
    ],
)
def test_strip_tight_site_suffix(title: str, sites: list[str], expected: str) -> None:
    assert strip_tight_site_suffix(title, sites) == expected


def test_strip_site_suffix_with_glued_site() -> None:
    assert strip_site_suffix(HANKOOK + "-정치ㅣ한국일보", "한국일보") == HANKOOK
    assert strip_site_suffix("Council agrees new budget-News|Example Times", None,
                             url="https://www.exampletimes.com/a") == "Council agrees new budget"


# --- rule 3: a condensed og:title -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        ("Police probe leaks to gangs", "Police probe information leaks to gangs", True),   # a word left out
        ("Chelsea win at Cobham", "Chelsea win at Cobham in battling win over Spurs", True),  # tail cut
        ("Chelsea win at Cobham", "Chelsea win at Cobham", False),                          # the same
        ("Cobham win for Chelsea", "Chelsea win at Cobham for Chelsea", False),             # order differs
        ("Chelsea win at home", "Chelsea win at Cobham", False),                            # a new word
        ("", "Chelsea win", False),
    ],
)
def test_is_condensed(short: str, long: str, expected: bool) -> None:
    assert is_condensed(short, long) is expected


def test_condensed_og() -> None:
    long = "Your bill could be worth thousands - here's how to check if you have the rare one"
    short = "Your bill could be worth thousands - here's how to check"
    assert condensed_og([("og", short), ("jsonld", long), ("h1", long)]) == short
    assert condensed_og([("og", short), ("h1", long)]) == short
    assert condensed_og([("og", short), ("title", long)]) is None          # only the headline statements count
    assert condensed_og([("og", "Your bill could be worth…"), ("h1", long)]) is None  # cut off, not condensed
    assert condensed_og([("og", "Your bill"), ("h1", long)]) is None       # too short to be a headline
    assert condensed_og([("jsonld", short), ("h1", long)]) is None


# --- rule 4: JSON-LD headline confirmed by the <h1> -------------------------------------------------

def test_confirmed_headline() -> None:
    seo = "Spiced Honey Pear Jam Recipe"
    shown = "Homemade Spiced Honey Pear Jam for the Holidays"
    statements = [("og", seo), ("jsonld", shown), ("title", seo), ("twitter", seo), ("h1", shown)]
    assert confirmed_headline(statements) == shown
    assert vote(statements) == seo  # what the vote alone would say
    assert confirmed_headline([("og", seo), ("jsonld", shown), ("h1", "Another headline")]) is None
    assert confirmed_headline([("og", seo), ("h1", shown)]) is None
    # the spelling most statements use: curly quotes twice, straight once
    assert confirmed_headline([("og", "It's here"), ("jsonld", "It’s here"), ("h1", "It’s here")]) == "It’s here"


# --- rule 5: the vote --------------------------------------------------------------------------------

def test_vote() -> None:
    assert vote([("og", "A b c"), ("jsonld", "D e f"), ("title", "D e f")]) == "D e f"
    assert vote([("og", "A b c"), ("jsonld", "D e f")]) == "A b c"                  # tie: og:title first
    assert vote([("og", "A b c"), ("twitter", "D e f")]) == "A b c"                 # twitter counts half
    assert vote([]) is None


# --- pick_title on page-shaped examples --------------------------------------------------------------

def test_kicker_and_suffix_lose_to_the_confirmed_headline() -> None:
    headline = "Newborns left in dustbins: state tops country in infant abandonment cases"
    shared = f"Infant Abandonment Cases: {headline} | City News - The Daily Example"
    assert pick_title(jsonld_headline=headline, og_title=shared, twitter_title=shared, title_tag=shared,
                      h1s=[headline], site_name="The Daily Example") == headline


def test_rewritten_sharing_title_loses_to_the_confirmed_headline() -> None:
    shown = "Meloni meets Trump: «A fine evening, ready to work together». NYT: «She pressed hard»"
    social = "Meloni flies to meet Trump. NYT: «She pressed hard»"
    assert pick_title(jsonld_headline=shown, og_title=social, twitter_title=social,
                      title_tag=f"{social} | Example.it", h1s=[shown], site_name="Example della Sera") == shown


def test_condensed_sharing_title_wins() -> None:
    long = "Swedish police to investigate reports of information leaks to violent gangs"
    short = "Swedish police to investigate reports of leaks to violent gangs"
    assert pick_title(jsonld_headline=long, og_title=short, twitter_title=short, title_tag=f"{long} | Euro Example",
                      h1s=[long], site_name="Euro Example") == short


def test_glued_site_suffix_on_every_statement() -> None:
    glued = HANKOOK + "-정치ㅣ한국일보"
    assert pick_title(jsonld_headline=None, og_title=glued, twitter_title=glued, title_tag=glued,
                      site_name="한국일보") == " ".join(HANKOOK.split())  # whitespace normalised


def test_no_rule_fires_without_statements() -> None:
    assert pick_title(jsonld_headline=None, og_title=None, title_tag=None) is None
    assert pick_title(jsonld_headline=None, og_title="  ", title_tag=None, h1s=["Log In"]) is None


def test_hostile_titles_are_bounded() -> None:
    huge = "word - " * 100_000
    start = time.process_time()
    got = pick_title(jsonld_headline=huge, og_title="a|" * 100_000, title_tag="-" * 400,
                     h1s=[huge] * 5, twitter_title="ㅣ" * 399, site_name="word")
    assert time.process_time() - start < 0.5
    assert got == "-" * 400  # the only statement short enough to be a title
