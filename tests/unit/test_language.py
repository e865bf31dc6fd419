"""transforms.language: declarations checked against the text, the source of the decision kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.encoding import decode_bytes
from transforms.extract import extract_article
from transforms.language import DETECT_MIN_CHARS, detect_language, normalise_language, pick_language

ENGLISH = (
    "The council met on Tuesday to discuss the budget for the coming year, and members agreed that "
    "spending on roads, schools and clinics would rise while administrative costs would fall. Opposition "
    "members said the plan relied on optimistic forecasts of tax revenue."
)
SWAHILI = (
    "Watu kumi na wanane wamekamatwa kwa makosa mbalimbali katika mkoa wa Shinyanga baada ya msako wa "
    "polisi uliofanyika wiki hii. Kamanda wa polisi wa mkoa huo alisema watuhumiwa watafikishwa mahakamani "
    "mara baada ya uchunguzi kukamilika, na akawaomba wananchi kuendelea kutoa taarifa za uhalifu."
)
DANISH = (
    "Byrådet mødtes tirsdag for at drøfte budgettet for det kommende år, og medlemmerne var enige om, at "
    "udgifterne til veje, skoler og klinikker skulle stige, mens de administrative omkostninger skulle falde. "
    "Oppositionen mente, at planen byggede på optimistiske skøn over skatteindtægterne."
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en-US", "en"), ("EN_gb", "en"), ("pt", "pt"), ("iw", "he"), ("fil", "fil"), ("utf-8", None),
     ("x-default", None), ("und", None), ("", None), (None, None), (" de ", "de")],
)
def test_normalise_language(tag: str | None, expected: str | None) -> None:
    assert normalise_language(tag) == expected


def test_detector_knows_english_and_swahili() -> None:
    assert detect_language(ENGLISH)[0] == "en"
    lang, prob = detect_language(SWAHILI)
    assert lang == "sw" and prob > 0.95
    assert detect_language("") == (None, 0.0)
    assert detect_language("12 345 — !!") == (None, 0.0)


def test_declaration_agreeing_with_the_text_wins() -> None:
    assert pick_language([("en-GB", "html-lang"), ("fr", "meta")], ENGLISH) == ("en", "html-lang")


def test_wrong_html_lang_is_overridden() -> None:
    """A Swahili page on an English theme: the detector is sure, the declaration is not kept."""
    assert pick_language([("en", "html-lang")], SWAHILI) == ("sw", "detected")


def test_a_later_declaration_that_agrees_is_the_source() -> None:
    assert pick_language([("en", "html-lang"), (None, "json-ld"), ("sw", "feed")], SWAHILI) == ("sw", "feed")


def test_short_text_never_overrides() -> None:
    short = SWAHILI[: DETECT_MIN_CHARS - 1]
    assert pick_language([("en", "html-lang")], short) == ("en", "html-lang")


def test_close_languages_keep_the_declaration() -> None:
    """Danish, Norwegian Bokmål and Nynorsk look alike to n-gram models: "no" stays "no"."""
    assert pick_language([("no", "html-lang")], DANISH) == ("no", "html-lang")


def test_nothing_declared() -> None:
    assert pick_language([(None, "html-lang"), ("utf-8", "meta")], ENGLISH) == ("en", "detected")
    assert pick_language([], "") == (None, None)


@pytest.mark.parametrize(
    ("path", "language"),
    [("pages/habarileo.co.tz/fundus-habarileo_2025_01_23.html", "sw"),
     ("pages/isolezwe.co.za/fundus-isolezwe_2025_11_09.html", "zu")],
)
def test_real_pages_declaring_english_wrongly(shared_dir: Path, path: str, language: str) -> None:
    root = shared_dir / "newsroom"
    entry = next(e for e in json.loads((root / "manifest.json").read_text("utf-8"))["entries"] if e["path"] == path)
    assert (entry["language"] or "").startswith("en")  # what the page's <html lang> says
    page = extract_article(decode_bytes((root / path).read_bytes()).text, entry["url"])
    assert (page.language, page.language_source) == (language, "detected")


def test_real_english_pages_keep_their_declaration(shared_dir: Path) -> None:
    root = shared_dir / "newsroom"
    path = "pages/apnews.com/fundus-apnews_2023_04_28.html"
    entry = next(e for e in json.loads((root / "manifest.json").read_text("utf-8"))["entries"] if e["path"] == path)
    page = extract_article(decode_bytes((root / path).read_bytes()).text, entry["url"])
    assert (page.language, page.language_source) == ("en", "html-lang")
