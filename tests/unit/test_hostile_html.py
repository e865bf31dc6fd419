"""Hostile or odd input to the extract stage: a reason code, never a crash, within a time bound.

Every input here is generated (no files): pages without a body, a 50 MB page, a page whose
inline script alone is 8 MB, 100,000 nested tags, JSON-LD bombs, invalid bytes, script-only
pages. Each goes through transforms.article.read_article, the call the pipeline makes, and
must either return an article or raise DecodeError / ExtractionError (whose `reason` becomes
the quarantine reason), within PAGE_CPU_BOUND_S of CPU time. The bound is a hang guard, set
far above the ~0.05 CPU-s an ordinary page takes, not a speed test.
"""

from __future__ import annotations

import gzip
import random
import time
from collections.abc import Callable

import pytest

from transforms.article import ReadArticle, read_article
from transforms.encoding import DecodeError
from transforms.extract import MAX_HTML_CHARS, MAX_MARKUP_CHARS, ExtractionError

PAGE_CPU_BOUND_S = 15.0
URL = "https://example.com/news/2024/05/02/council-budget"

SENTENCE = (
    "The council met on Tuesday to discuss the budget for the coming year, and members agreed that "
    "spending on roads, schools and clinics would rise while administrative costs would fall. "
)
ARTICLE = "".join(f"<p>{SENTENCE * 2}</p>" for _ in range(3))
REASONS = {"not_html", "too_large", "too_deep", "no_main_text", "too_short", "paywall", "consent_wall",
           "extractor_error"}


def _doc(body: str, head: str = "<title>Council budget</title>") -> str:
    return f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _read(data: bytes | str) -> tuple[ReadArticle | None, str | None, float]:
    """(article, refusal reason, CPU seconds) of one input through the pipeline's call."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    start = time.process_time()
    try:
        article = read_article(raw, URL, content_type="text/html")
    except ExtractionError as exc:
        return None, exc.reason, time.process_time() - start
    except DecodeError:
        return None, "decode_error", time.process_time() - start
    return article, None, time.process_time() - start


CASES: dict[str, tuple[Callable[[], str | bytes], set[str | None]]] = {
    # (input factory, acceptable outcomes: None = an article was extracted)
    "empty": (lambda: "", {"not_html"}),
    "head_only": (lambda: "<html><head><title>Only a head</title></head></html>", {"no_main_text"}),
    "empty_body": (lambda: _doc(""), {"no_main_text"}),
    "no_html_element": (lambda: ARTICLE, {None}),
    "script_only": (lambda: _doc("<script>document.write('hello')</script>",
                                 head="<script>" + "var x = 1;\n" * 50_000 + "</script>"), {"no_main_text"}),
    "noscript_only": (lambda: _doc("<noscript>Please enable JavaScript to read this site.</noscript>"),
                      {"no_main_text", "too_short"}),
    "page_of_50_mb": (lambda: _doc(ARTICLE + "<div>" + "word " * 10_000_000 + "</div>"), {"too_large"}),
    "markup_of_5_mb": (lambda: _doc(ARTICLE + "<p>word</p>" * (MAX_MARKUP_CHARS // 11 + 1)), {"too_large"}),
    "script_of_8_mb": (lambda: _doc(ARTICLE, head="<script>" + "x=1;" * 2_000_000 + "</script>"), {None}),
    "divs_nested_100k_text_below": (lambda: _doc("<div>" * 100_000 + ARTICLE + "</div>" * 100_000), {"too_deep"}),
    "divs_nested_100k_text_above": (lambda: _doc(ARTICLE + "<div>" * 100_000 + "x" + "</div>" * 100_000), {None}),
    "divs_unclosed_100k": (lambda: _doc(ARTICLE + "<div>" * 100_000), {None}),
    "inline_nested_50k": (lambda: _doc(ARTICLE + "<b>" * 50_000 + "x" + "</b>" * 50_000), {None}),
    "tables_nested_20k": (lambda: _doc("<table><tr><td>" * 20_000 + ARTICLE), {"too_deep"}),
    "jsonld_nested_100k": (lambda: _doc(ARTICLE, head='<script type="application/ld+json">' + "[" * 100_000
                                        + "]" * 100_000 + "</script>"), {None}),
    "jsonld_graph_40k": (lambda: _doc(ARTICLE, head='<script type="application/ld+json">{"@graph": ['
                                      + ",".join(['{"@type": "NewsArticle", "author": {"@id": "#a"}}'] * 40_000)
                                      + "]}</script>"), {None}),
    "jsonld_graph_100k": (lambda: _doc(ARTICLE, head='<script type="application/ld+json">{"@graph": ['
                                       + ",".join(['{"@type": "NewsArticle", "author": {"@id": "#a"}}'] * 100_000)
                                       + "]}</script>"), {"too_large"}),
    "attribute_of_1_mb": (lambda: _doc(f'<div class="{"a " * 500_000}">{ARTICLE}</div>'), {None}),
    "unclosed_comment": (lambda: _doc("<!-- " + ARTICLE), {"no_main_text"}),
    "control_chars": (lambda: _doc(ARTICLE.replace(" ", " \x01\x0b\x1f", 50) + "\x00" * 10), {None}),
    "nul_bytes_up_front": (lambda: "\x00" * 100 + _doc(ARTICLE), {"decode_error"}),
    "lone_surrogate_escapes": (lambda: _doc(ARTICLE + "<p>&#xD800; &#0; &#x110000;</p>"), {None}),
    "json_not_html": (lambda: '{"headline": "' + "x" * 1_000_000 + '"}', {"not_html"}),
    "feed_not_page": (lambda: '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
                      {"not_html"}),
    "gzip_bytes": (lambda: gzip.compress(_doc(ARTICLE).encode()), {"decode_error"}),
    "utf16_without_bom": (lambda: _doc(ARTICLE).encode("utf-16-le"), {"decode_error"}),
    "random_bytes": (lambda: random.Random(4).randbytes(200_000), {"decode_error", "not_html"}),
    "random_high_bytes_after_tag": (lambda: b"<html><body><p>" + bytes(random.Random(5).randrange(128, 256)
                                                                          for _ in range(200_000)) + b"</p></body></html>",
                                    REASONS | {None}),
    "invalid_utf8_in_article": (lambda: _doc(ARTICLE).encode("utf-8").replace(b"council", b"co\xff\xfeuncil"), {None}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_gives_a_reason_not_a_crash(name: str) -> None:
    factory, expected = CASES[name]
    article, reason, cpu = _read(factory())
    assert reason in expected, f"{name}: got {reason or 'an article'}, expected one of {expected}"
    assert cpu < PAGE_CPU_BOUND_S, f"{name}: {cpu:.1f} CPU-s (bound {PAGE_CPU_BOUND_S})"
    if article is not None:
        assert "The council met on Tuesday" in article.cleaned.text or reason is None


def test_size_caps_are_ordered() -> None:
    assert 1_500_000 < MAX_MARKUP_CHARS < MAX_HTML_CHARS  # the biggest real pages seen are ~1.5 MB


def test_article_survives_an_8_mb_script() -> None:
    article, reason, _cpu = _read(_doc(ARTICLE, head="<script>" + "x=1;" * 2_000_000 + "</script>"))
    assert reason is None and article is not None
    assert article.cleaned.text.count("The council met on Tuesday") == 6


def test_jsonld_survives_script_stripping() -> None:
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Kept headline", ' \
         '"datePublished": "2024-05-02T10:00:00Z"}</script>'
    article, reason, _cpu = _read(_doc(ARTICLE, head=ld + "<script>" + "x=1;" * 2_000_000 + "</script>"))
    assert reason is None and article is not None
    assert article.page.title == "Kept headline"
    assert article.page.published_at is not None and article.page.published_at.year == 2024
