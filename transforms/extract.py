"""Main text and metadata of a news page: a small ensemble of JSON-LD, meta tags, trafilatura,
readability and htmldate, with one tiny rule per field (the news-please "comparer" idea).

Text: trafilatura in its fast mode (no fallback extractors) finds the main text on most pages,
faster than its default mode and with a better score on the extraction benchmark. Its output
is then checked for the ways it fails (`text_suspicions`: a menu instead of an article, the
whole page flattened into one paragraph, far less text than the page's own `<p>` paragraphs,
almost nothing); only then (about one page in ten) is readability-lxml asked, and its text
taken when it is a clear improvement (`prefer_fallback`). JSON-LD `articleBody` replaces the
result when it is the same article with its paragraphs (`pick_text`). A page rendered by
JavaScript, with no text in its markup, is read from the app state in its scripts.

Metadata: publishers describe their own articles in JSON-LD and OpenGraph/meta tags; those
come first. The title is chosen from all the places a page states it (transforms.title); authors
come from JSON-LD, meta tags, labelled fields, byline markup and finally byline lines in the
text (`split_authors` cleans them); dates from JSON-LD and meta tags, then labelled fields,
then htmldate. Language: transforms.language. Pages that are not articles (consent walls,
paywall teasers, too little text) are refused with a reason: transforms.page_kind.

Hostile input is bounded: pages above MAX_HTML_CHARS are refused (`too_large`), huge inline
scripts are dropped before parsing, libxml2 caps nesting depth (content below it is lost;
`too_deep` when that leaves no text), and failures inside the third-party extractors become
`extractor_error`. Only ExtractionError leaves `extract_article`.

Pure and deterministic: no network, no clock (htmldate gets a fixed upper bound instead of
"today"), the same HTML gives the same `ExtractedPage`. Markup is parsed once with lxml (the
parser bs4 would use underneath, without bs4's tree-building cost) and the tree is shared by
every step.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from readability import Document as ReadabilityDocument

from transforms.contracts import ExtractedPage
from transforms.language import normalise_language, pick_language
from transforms.page_kind import MIN_WORDS, classify_page
from transforms.title import pick_title, squash, strip_site_suffix

logger = logging.getLogger(__name__)

__all__ = [
    "EXTRACTOR_VERSION",
    "MAX_HTML_CHARS",
    "MAX_MARKUP_CHARS",
    "MIN_WORDS",
    "ExtractionError",
    "drop_leading_title",
    "extract_article",
    "normalise_language",
    "parse_datetime",
    "pick_canonical_url",
    "pick_text",
    "pick_title",
    "prefer_fallback",
    "split_authors",
    "strip_site_suffix",
    "text_suspicions",
    "word_count",
]

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}/newsetl-3"

# Pages beyond this many characters are refused outright (the fetch stage caps bodies at
# 10 MB; the biggest real article pages seen are ~1.5 MB).
MAX_HTML_CHARS = 20_000_000
# Above this, inline scripts, styles, SVG and comments are cut before parsing; if the markup
# is still bigger, the page is refused. Keeps one page's extraction within a few CPU-seconds.
MAX_MARKUP_CHARS = 4_000_000

# schema.org types that describe an article (CreativeWork > Article and its news subtypes).
ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle",
        "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting", "SocialMediaPosting",
        "Report", "SatiricalArticle", "ScholarlyArticle", "TechArticle", "AdvertiserContentArticle",
    }
)
_PAGE_TYPES = frozenset({"WebPage", "ItemPage", "CollectionPage"})
_JSONLD_MAX_OBJECTS = 500
_JSONLD_MAX_DEPTH = 20

# htmldate bounds its search with "today" unless told otherwise: a constant keeps it pure.
_HTMLDATE_MAX = "2100-01-01"
_DATE_MIN_YEAR = 1990
_DATE_MAX_YEAR = 2100

_NOT_HTML_START = re.compile(r"^\s*(?:\{|\[|%PDF|<\?xml[^>]*>\s*<(?:rss|feed|rdf:RDF)\b)", re.I)
_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article|main|section)\b", re.I)
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HEAVY_MARKUP = re.compile(
    r"<script\b(?![^>]*ld\+json)[^>]*>.*?</script\s*>|<style\b[^>]*>.*?</style\s*>|<svg\b[^>]*>.*?</svg\s*>|<!--.*?-->",
    re.I | re.DOTALL,
)
_BLOCK_TAG = re.compile(r"<(?:br|/?p|/?div|/h[1-6]|/li|/blockquote|/tr)\b[^>]*>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# Thai, Lao, Myanmar, Khmer, kana and Han: written without spaces between words.
_NO_SPACE_SCRIPTS = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_TOKEN = re.compile(r"\w+")

_AUTHOR_LIST_SPLIT = re.compile(r"\s*(?:[,;|\n、]|\s/\s|(?<=\w)/(?=\w))\s*")
_AUTHOR_AND_SPLIT = re.compile(r"\s*(?:&|\band\b|\bund\b|\bet\b|\by\b|\be\b)\s*", re.I)
_AUTHOR_BY = re.compile(
    r"^\s*(?:(?:written|words|reporting|text|story)\s+)?(?:by|von|par|por|di|door|av|af)\s*:?\s+", re.I
)
_EMAIL = re.compile(r"[<(\[]?\S+@\S+\.\w+[>)\]]?")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_ROLE_WORDS = (
    r"senior|chief|deputy|staff|news|political|politics|foreign|national|international|business|"
    r"sports?|science|health|tech(?:nology)?|investigative|contributing|managing|associate|special|"
    r"digital|weather|entertainment|economics?|diplomatic|legal|security|defen[cs]e|environment(?:al)?|"
    r"education|crime|washington|white\s+house|europe|asia|africa|middle\s+east|global|video|data"
)
_AUTHOR_ROLE_SUFFIX = re.compile(
    rf"(?:\s*[-–—,|]\s*|\s+)(?:(?:{_ROLE_WORDS})\s+)*"
    r"(?:writer|reporter|correspondent|editor|columnist|contributor|producer|journalist|analyst)s?\b.*$",
    re.I,
)
# Korean, Japanese and Chinese bylines put the role after the name: "신현주 기자", "山田太郎記者".
_CJK_ROLE_SUFFIX = re.compile(r"\s*(?:기자|특파원|선임기자|논설위원|객원기자|記者|记者|特派員|特派员|編集委員|编辑|責任編集)$")
_AGENCY_SUFFIX = re.compile(r"^(.+?\S\s+\S.*?)\s+(Associated Press|Reuters|AFP|Agence France-Presse|Bloomberg|dpa)$")
_MONTH_SUFFIX = re.compile(
    r"\s+(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?(?:\s+\d.*)?$",
    re.I,
)
_NOT_NAME_WORDS = frozenset(
    "username account logged login log-in signin sign-in submitted subscribe subscriber follow share "
    "comments comment admin administrator undefined null none anonymous updated published posted "
    "minutes email print advertisement".split()
)
_ORG_WITH_DOMAIN = re.compile(r"^(.+?)\s*\((?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?\)$")
_CORPORATE = re.compile(r"\b(?:GmbH|Inc\.?|Ltd\.?|LLC|PLC|plc|AG|Corp\.?|Co\. KG)(?=$|[\s,;])")
# Byline lines in the text (see _looks_like_person).
_NAME_PARTICLES = frozenset("van von de da del der di du la le bin al el dos das ten ter".split())
_NOT_NAME_LINE_WORDS = frozenset(
    "more read related stories story news comments comment share follow advertisement also like top latest "
    "video videos photos photo subscribe newsletter contact about us the and of in on for to with our your "
    "new breaking live update updates home menu search login sign".split()
)

# Meta names/properties, most specific first.
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "publishdate", "publish-date", "publish_date", "pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dc.date", "dcterms.created", "date", "og:published_time",
)
_META_MODIFIED = (
    "article:modified_time", "og:article:modified_time", "datemodified", "og:updated_time", "dcterms.modified",
)
_META_AUTHOR = (
    "author", "article:author", "og:article:author", "byl", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "citation_author", "authors",
)
_META_LANGUAGE = ("content-language", "og:locale", "dc.language", "language", "inlanguage")
_META_DESCRIPTION = ("og:description", "description", "twitter:description", "dc.description")
_META_SITE = ("og:site_name", "application-name", "publisher", "dc.publisher")

# "Author: Jane Roe", "<strong>Datum</strong> 28.04.2023": labels of metadata printed on the page.
_AUTHOR_LABELS = frozenset(
    ["author", "authors", "autor", "autoren", "autorin", "autorin/autor", "autor/autorin", "auteur",
     "auteurs", "autore", "autori", "autrice", "autores", "författare", "forfatter", "tekijä", "written by",
     "text by"]
)
_DATE_LABELS = frozenset(
    ["date", "datum", "published", "publication date", "veröffentlicht", "publié le", "fecha",
     "data", "date de publication", "publicado", "pubblicato", "gepubliceerd"]
)
_LABEL_TAGS = ("strong", "b", "dt", "th", "label", "span")

_BYLINE_XPATH = lxml.etree.XPath(
    "//*[self::a or self::div or self::span or self::p or self::address or self::li or self::strong or self::h3"
    " or self::h4][@rel='author' or @itemprop='author' or contains(@class, 'byline') or"
    " contains(@class, 'Byline') or contains(@class, 'author') or contains(@class, 'Author') or"
    " contains(@id, 'author') or contains(@data-testid, 'Author')]"
)
_NOT_BYLINE_CONTEXT = re.compile(r"comment|sidebar|related|footer|recirc|newsletter|promo|share", re.I)

# Main-text checks (see text_suspicions / prefer_fallback).
_FLAT_MIN_WORDS = 250
_FLAT_SHARE = 0.6
_NAV_MIN_LINES = 15
_NAV_SHORT_SHARE = 0.5
_SHORT_VS_PARAGRAPHS = 0.6
_FALLBACK_LONGER = 1.3
_FALLBACK_CONTAINS = 0.7

_T = TypeVar("_T")


class ExtractionError(ValueError):
    """The page has no usable article text. `reason` is a short code for the quarantine table:
    `not_html`, `too_large`, `too_deep`, `no_main_text`, `too_short`, `paywall`,
    `consent_wall` or `extractor_error`."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Markup:
    """What the page says about itself, gathered in one pass over the parsed tree."""

    html_lang: str | None
    jsonld: Mapping[str, Any] | None   # the article object, if any
    jsonld_page: Mapping[str, Any] | None  # a WebPage object, for dates when no article
    accessible_for_free: bool | None   # schema.org isAccessibleForFree, on any object
    meta: Mapping[str, tuple[str, ...]]
    canonical_href: str | None
    title_tag: str | None
    h1s: tuple[str, ...]
    labelled: Mapping[str, str]        # "author" / "date" -> value printed after a label


# --- public entry point -------------------------------------------------------------------------

def extract_article(html: str, url: str, *, feed_language: str | None = None) -> ExtractedPage:
    """Main text and metadata of one article page; raises ExtractionError when there is none."""
    html = _guard(html, url)
    tree, depth_capped = _parse(html, url)

    markup = _read_markup(tree)
    ld = markup.jsonld or {}
    meta = markup.meta
    site_name = _first(_ld_name(ld.get("publisher")), *_meta_values(meta, _META_SITE[:1]))
    site_name = site_name or _first(*_meta_values(meta, _META_SITE[1:]))
    og_title = _first(*_meta_values(meta, ("og:title",)))
    title = pick_title(
        jsonld_headline=_clean_inline(_ld_text(ld.get("headline")) or _ld_text(ld.get("name"))),
        og_title=_clean_inline(og_title),
        twitter_title=_clean_inline(_first(*_meta_values(meta, ("twitter:title",)))),
        title_tag=markup.title_tag,
        h1s=markup.h1s,
        site_name=site_name,
        url=url,
    )

    main, extractor = _main_text(tree, url)
    for headline in dict.fromkeys((title, *markup.h1s[:1], og_title)):
        main = drop_leading_title(main, headline)
    text, source = pick_text(main, _ld_body(ld))
    if source == "jsonld":
        extractor = "jsonld"
    words = word_count(text)
    if words < MIN_WORDS:
        scripted = _script_state_text(tree)
        if word_count(scripted) >= MIN_WORDS:
            text, extractor, words = scripted, "script-state", word_count(scripted)
    if words < MIN_WORDS:
        _refuse_non_article(tree, text, words, title, markup.accessible_for_free, depth_capped, url)
    kind = classify_page(text, words, title=title, accessible_for_free=markup.accessible_for_free)
    if not kind.is_article:
        raise ExtractionError(kind.kind, f"{url}: {kind.evidence}")

    authors_raw, authors = _authors(tree, ld, meta, site_name, markup.labelled, text)
    published_at, modified_at = _dates(tree, markup, url)
    language, language_source = pick_language(_declared_languages(markup, feed_language), text)
    canonical = pick_canonical_url(
        url,
        markup.canonical_href,
        _first(*_meta_values(meta, ("og:url",))),
        _ld_url(ld),
    )
    return ExtractedPage(
        url=url,
        canonical_url=canonical,
        title=title,
        authors=authors,
        authors_raw=authors_raw,
        published_at=published_at,
        modified_at=modified_at,
        language=language,
        language_source=language_source,
        description=_clean_inline(_first(*_meta_values(meta, _META_DESCRIPTION), _ld_text(ld.get("description")))),
        site_name=_clean_inline(site_name),
        text=text,
        extractor=extractor,
        extractor_version=EXTRACTOR_VERSION,
    )


def _refuse_non_article(
    tree: HtmlElement, text: str, words: int, title: str | None, accessible_for_free: bool | None,
    depth_capped: bool, url: str,
) -> None:
    """Raise the most specific reason for a page with (almost) no main text."""
    kind = classify_page(text, words, title=title, accessible_for_free=accessible_for_free)
    if kind.kind in ("consent_wall", "paywall"):
        raise ExtractionError(kind.kind, f"{url}: {kind.evidence}")
    visible = _visible_text(tree)
    wall = classify_page(visible, word_count(visible), title=title)
    if wall.kind == "consent_wall":
        raise ExtractionError("consent_wall", f"{url}: {wall.evidence}")
    if not text:
        if depth_capped:
            raise ExtractionError("too_deep", f"{url}: tags nested deeper than the parser allows, no main text above")
        raise ExtractionError("no_main_text", f"no main text found in {url}")
    raise ExtractionError("too_short", f"main text of {url} has {words} words (< {MIN_WORDS})")


# --- input guards and parsing ---------------------------------------------------------------------

def _looks_like_html(html: str) -> bool:
    head = html[:4096]
    if not head.strip() or _NOT_HTML_START.match(head):
        return False
    return _HTML_TAG.search(head) is not None or _HTML_TAG.search(html[:65536]) is not None


def _guard(html: str, url: str) -> str:
    """The markup to parse, or ExtractionError for input that is not HTML or too big."""
    if len(html) > MAX_HTML_CHARS:
        raise ExtractionError("too_large", f"{url}: {len(html):,} characters of markup (limit {MAX_HTML_CHARS:,})")
    if not _looks_like_html(html):
        raise ExtractionError("not_html", f"not an HTML page: {url} starts with {html.lstrip()[:40]!r}")
    # lxml refuses str input with an XML declaration (XHTML) or NUL characters, and control
    # characters (never meaningful in HTML) make trafilatura's XML output drop the text.
    html = _XML_DECLARATION.sub("", _CONTROL_CHARS.sub(" ", html), count=1)
    if len(html) > MAX_MARKUP_CHARS:
        before = len(html)
        html = _HEAVY_MARKUP.sub(" ", html)
        logger.debug("%s: %d characters of scripts/styles/comments cut before parsing", url, before - len(html))
        if len(html) > MAX_MARKUP_CHARS:
            raise ExtractionError(
                "too_large", f"{url}: {len(html):,} characters of markup without scripts (limit {MAX_MARKUP_CHARS:,})")
    return html


def _parse(html: str, url: str) -> tuple[HtmlElement, bool]:
    """(tree, depth_capped). Parsed as trafilatura parses (comments and PIs dropped), so the
    tree can be handed to it; depth_capped says libxml2 cut the document at its depth limit."""
    parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError("not_html", f"HTML does not parse: {url}: {exc}") from exc
    depth_capped = any("depth" in entry.message.lower() for entry in parser.error_log.filter_from_fatals())
    return tree, depth_capped


def _guarded(what: str, url: str, call: Callable[[], _T]) -> _T:
    """Run a third-party extractor; its failures become ExtractionError("extractor_error")."""
    try:
        return call()
    except ExtractionError:
        raise
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, AssertionError, RecursionError,
            lxml.etree.LxmlError) as exc:
        raise ExtractionError("extractor_error", f"{what} failed on {url}: {type(exc).__name__}: {exc}") from exc


# --- markup ---------------------------------------------------------------------------------------

def _read_markup(tree: HtmlElement) -> _Markup:
    meta: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content.strip())
    canonical = None
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href"):
            canonical = el.get("href").strip()
            break
    objects = _jsonld_objects(tree)
    article, page = _pick_jsonld(objects)
    if article is not None:
        article = _resolve_references(article, objects)
    title_el = tree.find(".//title")
    h1s = []
    for h1 in tree.iter("h1"):
        text = _clean_inline(h1.text_content())
        if text:
            h1s.append(text)
        if len(h1s) == 5:
            break
    return _Markup(
        html_lang=tree.get("lang") or tree.get("xml:lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        jsonld=article,
        jsonld_page=page,
        accessible_for_free=_accessible_for_free(article, objects),
        meta={k: tuple(v) for k, v in meta.items()},
        canonical_href=canonical,
        title_tag=_clean_inline(title_el.text_content()) if title_el is not None else None,
        h1s=tuple(h1s),
        labelled=_labelled_fields(tree),
    )


def _jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, `@graph` lists and nested `mainEntity` flattened."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[contains(translate(@type, "JSONLD", "jsonld"), "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        data = _loads_lenient(raw)
        if data is None:
            logger.debug("unparseable JSON-LD block skipped: %.60r", raw)
            continue
        found.extend(_flatten_jsonld(data))
        if len(found) >= _JSONLD_MAX_OBJECTS:
            break
    return found[:_JSONLD_MAX_OBJECTS]


def _loads_lenient(raw: str) -> Any:
    """JSON as publishers write it: CDATA/comment wrappers, raw newlines in strings, trailing commas.
    None for anything else, including JSON nested too deeply for the decoder."""
    candidates = [raw]
    stripped = re.sub(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$", "", raw).strip()
    candidates.append(re.sub(r",\s*([}\]])", r"\1", stripped))
    for candidate in candidates:
        try:
            return json.loads(candidate, strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
    return None


def _flatten_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    """Objects in document order; iterative, and no deeper than _JSONLD_MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > _JSONLD_MAX_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in reversed(item))
        elif isinstance(item, dict):
            yield item
            nested = [item.get(key) for key in ("@graph", "mainEntity", "mainEntityOfPage")]
            stack.extend((child, depth + 1) for child in reversed(nested) if isinstance(child, (list, dict)))


def _types(obj: Mapping[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def _pick_jsonld(objs: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The article object (the most complete one if several) and the first WebPage object."""
    articles = [o for o in objs if _types(o) & ARTICLE_TYPES]
    page = next((o for o in objs if _types(o) & _PAGE_TYPES), None)
    if not articles:
        return None, page
    fields = ("headline", "datePublished", "author", "articleBody", "dateModified")
    best = max(articles, key=lambda o: sum(1 for f in fields if o.get(f)))  # max keeps the first on ties
    return best, page


def _resolve_references(article: dict[str, Any], objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The article with `{"@id": ...}` references in author/creator/publisher replaced by the
    objects they name elsewhere on the page (Yoast-style `@graph`s point to a Person node)."""
    by_id = {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and len(o) > 1}
    if not by_id:
        return article

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(v) for v in value[:50]]
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
            return by_id[value["@id"]]
        return value

    resolved = dict(article)
    for key in ("author", "creator", "publisher"):
        if key in resolved:
            resolved[key] = resolve(resolved[key])
    return resolved


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _accessible_for_free(article: Mapping[str, Any] | None, objects: list[dict[str, Any]]) -> bool | None:
    """schema.org isAccessibleForFree of the article, else of any object that states it."""
    for obj in ([article] if article else []) + objects:
        flag = _as_bool(obj.get("isAccessibleForFree"))
        if flag is not None:
            return flag
    return None


def _labelled_fields(tree: HtmlElement) -> dict[str, str]:
    """Values printed after a label: `<li><strong>Autorin/Autor</strong> Roman Goncharenko</li>`."""
    found: dict[str, str] = {}
    for el in tree.iter(*_LABEL_TAGS):
        label = (el.text or "").strip().rstrip(":").strip().casefold()
        if not label or len(label) > 30 or len(el) > 0:
            continue
        key = "author" if label in _AUTHOR_LABELS else "date" if label in _DATE_LABELS else None
        if key is None or key in found:
            continue
        value = (el.tail or "").strip(" \n\t:|")
        if not value:
            sibling = el.getnext()
            value = sibling.text_content().strip() if sibling is not None else ""
        value = " ".join(value.split())
        if 2 < len(value) <= 80:
            found[key] = value
        if len(found) == 2:
            break
    return found


def _meta_values(meta: Mapping[str, tuple[str, ...]], names: Iterable[str]) -> list[str]:
    return [v for name in names for v in meta.get(name, ())]


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


def _clean_inline(text: str | None) -> str | None:
    """One line of display text: tags, comments and entities gone, whitespace collapsed."""
    if text is None:
        return None
    if "<" in text or "&" in text:
        text = _markup_to_text(text)
    text = " ".join(text.split())
    return text or None


def _markup_to_text(fragment: str) -> str:
    """Text of an HTML fragment found in metadata, block ends kept as newlines. Regexes, not a
    parser: lxml's fragment parser asserts on fragments holding <html> or <body>."""
    fragment = _COMMENT.sub(" ", fragment)
    fragment = _BLOCK_TAG.sub("\n", fragment)
    return html_lib.unescape(_TAG.sub(" ", fragment))


def _ld_text(value: Any) -> str | None:
    if isinstance(value, str):
        return _clean_inline(value)
    if isinstance(value, list) and value and isinstance(value[0], str):
        return _clean_inline(value[0])
    if isinstance(value, dict):
        return _ld_text(value.get("@value") or value.get("name"))
    return None


def _ld_name(value: Any) -> str | None:
    """`{"@type": "Organization", "name": "X"}`, `"X"` or a list of those -> "X"."""
    if isinstance(value, list):
        return next((n for n in (_ld_name(v) for v in value[:20]) if n), None)
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    if isinstance(value, str):
        return _clean_inline(value)
    return None


def _ld_url(ld: Mapping[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        value = ld.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _ld_body(ld: Mapping[str, Any]) -> str | None:
    body = ld.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(b for b in body if isinstance(b, str))
    if not isinstance(body, str) or not body.strip():
        return None
    if "<" in body or "&" in body:
        body = _markup_to_text(body)
    return _normalise_paragraphs(body)


def _normalise_paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


# --- text -----------------------------------------------------------------------------------------

def _main_text(tree: HtmlElement, url: str) -> tuple[str, str]:
    """(text, extractor): trafilatura (fast), checked, with readability as the fallback."""
    text = _guarded("trafilatura", url, lambda: _trafilatura_text(tree, url, fast=True))
    suspicions = text_suspicions(text, _paragraph_words(tree))
    if not suspicions:
        return text, "trafilatura"
    fallback = _fallback("readability", url, lambda: _readability_text(tree))
    if prefer_fallback(text, fallback, suspicions):
        logger.debug("%s: readability text preferred (%s)", url, ", ".join(sorted(suspicions)))
        return fallback, "readability"
    if suspicions & {"navigation", "flat", "tiny"} and not _plausible_text(fallback):
        full = _fallback("trafilatura", url, lambda: _trafilatura_text(tree, url, fast=False))
        if _plausible_text(full) and full != text:
            logger.debug("%s: trafilatura with fallbacks preferred (%s)", url, ", ".join(sorted(suspicions)))
            return full, "trafilatura"
    return text, "trafilatura"


def _fallback(what: str, url: str, call: Callable[[], str]) -> str:
    """A second opinion: when the fallback extractor fails, there is no second opinion ("")."""
    try:
        return _guarded(what, url, call)
    except ExtractionError as exc:
        logger.debug("fallback extractor failed, first text kept: %s", exc)
        return ""


def _trafilatura_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    """trafilatura's main text, one paragraph per line; tables in, comments and images out.
    trafilatura copies a tree it is given, so `tree` is left as it was."""
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
        deduplicate=False,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    return _normalise_paragraphs(text or "")


def _readability_text(tree: HtmlElement) -> str:
    """readability-lxml's article, one block per line (it mutates its input: a copy goes in)."""
    summary = ReadabilityDocument(copy.deepcopy(tree)).summary(html_partial=True)
    if not summary.strip():
        return ""
    return _blocks_text(lxml.html.fragment_fromstring(summary, create_parent="div"))


_BLOCK_TAGS = frozenset(
    "p div li h1 h2 h3 h4 h5 h6 blockquote pre tr section article figure figcaption ul ol table br header "
    "footer dd dt aside main".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


def _blocks_text(root: HtmlElement) -> str:
    """Text of an element, a line per block element; iterative (no recursion limit)."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join(" ".join(current).split())
        if line:
            lines.append(line)
        current.clear()

    # (element, entering) events, so the tail of an element comes after its children.
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        el, entering = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if entering:
            if tag in _SKIP_TAGS:
                if el is not root and el.tail:
                    current.append(el.tail)
                continue
            if tag in _BLOCK_TAGS:
                flush()
            if el.text:
                current.append(el.text)
            stack.append((el, False))
            stack.extend((child, True) for child in reversed(el))
        else:
            if tag in _BLOCK_TAGS:
                flush()
            if el is not root and el.tail:
                current.append(el.tail)
    flush()
    return "\n".join(lines)


# A JSON string literal of 300+ characters inside an inline script (escapes kept).
_JSON_STRING = re.compile(r'"((?:[^"\\\n]|\\.){300,}?)"')
_SCRIPT_SCAN_CHARS = 5_000_000


def _script_state_text(tree: HtmlElement) -> str:
    """The article of a page rendered by JavaScript (Next.js, Nuxt and similar app states): the
    HTML string in an inline script that holds the most paragraph text. A last resort, used only
    when the markup itself has no main text. JSON encoded inside a JSON string is opened up
    (Next.js streams its state that way), three levels at most."""
    best, best_words = "", 0
    scanned = 0
    for script in tree.iter("script"):
        if script.get("src") or "ld+json" in (script.get("type") or "").lower():
            continue
        code = script.text or ""
        if len(code) < 300:
            continue
        scanned += len(code)
        if scanned > _SCRIPT_SCAN_CHARS:
            break
        for fragment in _html_strings(code):
            try:
                text = _blocks_text(lxml.html.fragment_fromstring(fragment, create_parent="div"))
            except (lxml.etree.LxmlError, ValueError):
                continue
            words = word_count(text)
            if words > best_words and not text_suspicions(text, 0) & {"navigation"}:
                best, best_words = text, words
    return best


def _html_strings(code: str) -> Iterator[str]:
    """Decoded JSON string literals of `code` that hold HTML paragraphs."""
    pending = [(code, 0)]
    while pending:
        source, depth = pending.pop()
        for match in _JSON_STRING.finditer(source):
            literal = match.group(1)
            if "u003cp" not in literal and "<p" not in literal:
                continue
            try:
                decoded = json.loads(f'"{literal}"')
            except (json.JSONDecodeError, RecursionError):
                continue
            if '":' in decoded and depth < 3:  # JSON (or a JS payload) inside the string: look inside
                pending.append((decoded, depth + 1))
            elif decoded.count("<p") >= 2:
                yield decoded


def _paragraph_words(tree: HtmlElement) -> int:
    """Words in the page's `<p>` elements: a yardstick for how much article text there is."""
    return sum(word_count(p.text_content()) for p in tree.iter("p"))


def _visible_text(tree: HtmlElement, limit: int = 20_000) -> str:
    """Body text without scripts and styles (for classifying pages with no main text)."""
    body = tree.find("body")
    if body is None:
        return ""
    parts: list[str] = []
    size = 0
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        for chunk in (el.text if el.tag not in _SKIP_TAGS else None, el.tail if el is not body else None):
            if chunk and chunk.strip():
                parts.append(chunk.strip())
                size += len(chunk)
        if size > limit:
            break
    return "\n".join(parts)


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def text_suspicions(text: str, paragraph_words: int) -> frozenset[str]:
    """Ways a main text may have gone wrong, each a cheap check:
    `navigation` (mostly short lines without sentence punctuation: a menu), `flat` (one line
    holds most of a long text: the whole page flattened), `short` (less than 60% of the words
    the page has in `<p>` elements), `tiny` (fewer than MIN_WORDS words)."""
    words = word_count(text)
    lines = _lines(text)
    found = set()
    if len(lines) >= _NAV_MIN_LINES:
        short = sum(1 for line in lines if word_count(line) <= 4 and not line.rstrip().endswith(
            (".", "!", "?", "”", '"', "。", ":")))
        if short > _NAV_SHORT_SHARE * len(lines):
            found.add("navigation")
    if words > _FLAT_MIN_WORDS and max(word_count(line) for line in lines) > _FLAT_SHARE * words:
        found.add("flat")
    if words < _SHORT_VS_PARAGRAPHS * paragraph_words:
        found.add("short")
    if words < MIN_WORDS:
        found.add("tiny")
    return frozenset(found)


def _plausible_text(text: str) -> bool:
    return word_count(text) >= MIN_WORDS and not text_suspicions(text, 0) & {"navigation", "flat"}


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = [t.casefold() for t in _TOKEN.findall(text)]
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _containment(part: str, whole: str) -> float:
    """Share of `part`'s word 4-grams that `whole` also has."""
    a, b = _shingles(part), _shingles(whole)
    total = sum(a.values())
    return sum((a & b).values()) / total if total else 0.0


def prefer_fallback(text: str, fallback: str, suspicions: frozenset[str]) -> bool:
    """Take the fallback extractor's text when the first one looks like a menu or a flattened
    page and the fallback looks like prose, or when the fallback is clearly longer (30%) and
    holds most (70%) of the first text: the first extractor stopped early."""
    if not _plausible_text(fallback):
        return False
    if suspicions & {"navigation", "flat"}:
        return True
    return (
        word_count(fallback) > _FALLBACK_LONGER * word_count(text)
        and _containment(text, fallback) >= _FALLBACK_CONTAINS
    )


def pick_text(main_text: str | None, jsonld_body: str | None) -> tuple[str, str]:
    """(text, source). JSON-LD articleBody is the publisher's own text but often truncated,
    flattened into one line or padded with embeds: take it only when its length is close to
    the extracted text's (80%-120%) and it keeps paragraphs, or when extraction found too little."""
    traf = main_text or ""
    body = jsonld_body or ""
    body_ok = word_count(body) >= MIN_WORDS and not body.rstrip().endswith(("...", "\u2026"))
    if body_ok and word_count(traf) < MIN_WORDS:
        return body, "jsonld"
    similar_length = 0.8 * len(traf) <= len(body) <= 1.2 * len(traf)
    if body_ok and similar_length and ("\n" in body or "\n" not in traf):
        return body, "jsonld"
    if traf:
        return traf, "trafilatura"
    return body, "jsonld" if body else "none"


def drop_leading_title(text: str, title: str | None) -> str:
    """Extractors sometimes start the text with the headline: the body starts after it."""
    if not title or not text:
        return text
    first, _, rest = text.partition("\n")
    if rest and squash(first) == squash(title):
        return rest
    return text


def word_count(text: str) -> int:
    """Words for the length gate; scripts written without spaces count two characters a word."""
    if not text:
        return 0
    no_space = len(_NO_SPACE_SCRIPTS.findall(text))
    spaced = len(_NO_SPACE_SCRIPTS.sub(" ", text).split())
    return spaced + no_space // 2


def _split_url(url: str) -> SplitResult | None:
    """urlsplit, or None for strings it refuses (bad IPv6 brackets, bad ports)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return None
    return parts


# --- canonical URL -----------------------------------------------------------------------------

def pick_canonical_url(url: str, *candidates: str | None) -> str:
    """The first candidate (link rel=canonical, og:url, JSON-LD url) that is a real article URL,
    resolved against `url`; else `url`. Junk: non-http, a bare number ("8003098"), a numeric-only
    path, or the home page when the page itself is deeper."""
    page = _split_url(url or "")
    page_path = page.path.strip("/") if page else ""
    for candidate in candidates:
        raw = (candidate or "").strip()
        if not raw:
            continue
        if re.fullmatch(r"[\d\W]+", raw) and "/" not in raw.strip("/"):
            logger.debug("ignoring junk canonical %r for %s", raw, url)
            continue
        try:
            resolved = urljoin(url, raw)
        except ValueError:  # "http://[::1": not a URL at all
            continue
        parts = _split_url(resolved)
        if parts is None or parts.scheme not in ("http", "https") or "." not in (parts.hostname or ""):
            continue
        path = parts.path.strip("/")
        if path != page_path and (re.fullmatch(r"[\d/]*", path) is not None):
            logger.debug("ignoring junk canonical %r for %s", raw, url)
            continue
        return resolved.split("#", 1)[0]
    return url


# --- authors ---------------------------------------------------------------------------------------

def _authors(
    tree: HtmlElement,
    ld: Mapping[str, Any],
    meta: Mapping[str, tuple[str, ...]],
    site_name: str | None,
    labelled: Mapping[str, str],
    text: str,
) -> tuple[str | None, tuple[str, ...]]:
    """(raw byline, names): JSON-LD author, meta author tags, a labelled "Author:" field, byline
    markup, then byline lines in the text. A source that names only the site or publisher does
    not stop the search for a person."""
    orgs = [m.group(1) for m in map(_ORG_WITH_DOMAIN.match, _meta_values(meta, _META_AUTHOR)) if m]
    drop = (site_name, _ld_name(ld.get("publisher")), *_ld_org_names(ld), *orgs)
    fallback: tuple[str | None, tuple[str, ...]] = (None, ())
    for raw, values in _author_sources(tree, ld, meta, labelled, text):
        names = split_authors(values, drop=drop)
        if not names:
            continue
        if not _only_site(names, drop):
            return raw, names
        if not fallback[1]:
            fallback = (raw, names)
    return fallback


def _author_sources(
    tree: HtmlElement,
    ld: Mapping[str, Any],
    meta: Mapping[str, tuple[str, ...]],
    labelled: Mapping[str, str],
    text: str,
) -> Iterator[tuple[str, list[str]]]:
    """Candidate bylines, most trustworthy first; the costly ones are only reached if needed."""
    ld_names = _ld_author_names(ld.get("author") or ld.get("creator"))
    if ld_names:
        yield ", ".join(ld_names), ld_names
    for value in _meta_values(meta, _META_AUTHOR):
        if not _URL.fullmatch(value.strip()):  # article:author is often a profile URL
            yield value, [value]
    if labelled.get("author"):
        yield labelled["author"], [labelled["author"]]
    byline = _byline_markup(tree)
    if byline:
        yield byline, [byline]
    for line in _text_bylines(text):
        yield line, [line]


def _byline_markup(tree: HtmlElement) -> str | None:
    """Text of the first rel=author / itemprop=author / class*=byline|author element that is not
    in a comment section, sidebar or promo box and is short enough to be a byline."""
    for el in _BYLINE_XPATH(tree):
        text = " ".join(el.text_content().split())
        if not 3 <= len(text) <= 120:
            continue
        context = " ".join(f"{a.get('class', '')} {a.get('id', '')}" for a in el.iterancestors())
        if _NOT_BYLINE_CONTEXT.search(context):
            continue
        return text
    return None


def _looks_like_person(text: str) -> bool:
    """'Jane Roe', 'Lê Phương', 'Ludwig van Beethoven': 2-4 capitalised words (scripts with case
    only), name particles allowed; no digits, no words of page furniture ("Related Stories")."""
    words = text.split()
    if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in text):
        return False
    for word in words:
        if word.casefold() in _NOT_NAME_LINE_WORDS:
            return False
        if word.casefold() in _NAME_PARTICLES:
            continue
        if not (word[0].isupper() and re.fullmatch(r"[^\W\d_][\w'’.\-]*", word)):
            return False
    return True


def _text_bylines(text: str) -> Iterator[str]:
    """Byline lines printed in the body: near the top, "By Jane Roe" or names joined by "/",
    "and" or "&" ("Jane Roe/John Doe"); or one name alone as the last line (a signature)."""
    lines = _lines(text)
    for line in lines[:3]:
        if len(line.split()) > 10:
            continue
        body = _AUTHOR_BY.sub("", line, count=1)
        parts = [p.strip() for p in re.split(r"\s*(?:(?<=\w)/(?=\w)|\s/\s|\band\b|&)\s*", body) if p.strip()]
        if parts and all(_looks_like_person(p) for p in parts) and (body != line or len(parts) > 1):
            yield line
    if len(lines) > 3 and _looks_like_person(lines[-1].strip()) and len(lines[-1].split()) <= 3:
        yield lines[-1]


def _ld_org_names(ld: Mapping[str, Any]) -> list[str]:
    """Names of the JSON-LD authors typed Organization or NewsMediaOrganization: an
    organization byline counts as the site's own name (a person elsewhere on the page wins)."""
    author = ld.get("author")
    authors = author if isinstance(author, list) else [author]
    return [name for a in authors[:50] if isinstance(a, dict) and _types(a) & {"Organization", "NewsMediaOrganization"}
            for name in [_ld_text(a.get("name"))] if name]


def _only_site(names: tuple[str, ...], drop: Iterable[str | None]) -> bool:
    sites = [squash(d) for d in drop if d]
    return all(_names_site(n, sites) for n in names)


def _ld_author_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for v in value[:50] for n in _ld_author_names(v)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, list):
            return [n for n in (_ld_text(x) for x in name) if n]
        text = _ld_text(name)
        if not text and (value.get("givenName") or value.get("familyName")):
            text = _clean_inline(f"{value.get('givenName') or ''} {value.get('familyName') or ''}")
        return [text] if text else []
    if isinstance(value, str):
        text = _clean_inline(value)
        return [text] if text else []
    return []


def split_authors(raw: Iterable[str], *, drop: Iterable[str | None] = ()) -> tuple[str, ...]:
    """Author names from bylines: split on "," / "/" / "and" / "&", without "By", e-mails, URLs,
    job titles; the site/publisher name goes when real people are named too. Order kept, no
    repeats ("Chuck Ross" and "Chuck-Ross" are one). A company imprint names nobody."""
    names: list[str] = []
    for value in raw:
        value = " ".join(_URL.sub(" ", _EMAIL.sub(" ", value)).split())
        if _CORPORATE.search(value):
            continue
        value = _AUTHOR_BY.sub("", value)
        for chunk in _AUTHOR_LIST_SPLIT.split(value):
            for part in _split_and(_AUTHOR_BY.sub("", chunk)):
                names.extend(_clean_author(part))
    unique: list[str] = []
    seen: set[str] = set()
    for name in names:
        key = squash(name)
        if key not in seen:
            seen.add(key)
            unique.append(name)
    dropped = [squash(d) for d in drop if d]
    people = [n for n in unique if not _names_site(n, dropped)]
    return tuple(people if people else unique)


def _split_and(chunk: str) -> list[str]:
    """'Jane Roe and John Doe' -> two names; 'Mac & i' or 'Smith and Jones' stay one byline."""
    parts = [p for p in _AUTHOR_AND_SPLIT.split(chunk) if p.strip()]
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return parts
    if len(parts) == 1:
        return parts
    return [chunk]


def _clean_author(part: str) -> list[str]:
    name = part.strip(" .:-–—\"'()[]<>")
    name = _CJK_ROLE_SUFFIX.sub("", name).strip() or name
    without_role = _AUTHOR_ROLE_SUFFIX.sub("", name).strip(" ,-–—")
    if len(without_role.split()) >= 2:  # "Guardian staff reporter" stays a (generic) byline
        name = without_role
    if len(name.split()) > 2:
        name = _MONTH_SUFFIX.sub("", name).strip()
    names = [name]
    agency = _AGENCY_SUFFIX.match(name)
    if agency:
        names = [agency.group(1).strip(), agency.group(2)]
    out = []
    for candidate in names:
        if candidate.isupper() and len(candidate.split()) >= 2:
            candidate = candidate.title()  # "LISA MASCARO" -> "Lisa Mascaro"
        if _plausible_name(candidate):
            out.append(candidate)
    return out


def _names_site(name: str, sites: list[str]) -> bool:
    key = squash(name)
    return any(key == s or (len(key) >= 3 and len(s) >= 3 and (key in s or s in key)) for s in sites)


def _plausible_name(name: str) -> bool:
    if not name or len(name) > 80 or not any(ch.isalpha() for ch in name):
        return False
    words = name.casefold().split()
    if len(words) > 6 or name.casefold() in {"by", "and", "staff", "editor", "admin"}:
        return False
    return not any(w.strip(".,'’") in _NOT_NAME_WORDS for w in words)


# --- dates ----------------------------------------------------------------------------------------

def _dates(tree: HtmlElement, markup: _Markup, url: str) -> tuple[datetime | None, datetime | None]:
    """(published, modified): JSON-LD, meta tags, a labelled "Date:" field, then htmldate."""
    ld = markup.jsonld or {}
    page = markup.jsonld_page or {}
    published = _first_datetime(
        [_ld_text(ld.get("datePublished")), _ld_text(ld.get("dateCreated"))]
        + _meta_values(markup.meta, _META_PUBLISHED)
        + [_ld_text(page.get("datePublished")), markup.labelled.get("date")]
    )
    modified = _first_datetime(
        [_ld_text(ld.get("dateModified"))]
        + _meta_values(markup.meta, _META_MODIFIED)
        + [_ld_text(page.get("dateModified"))]
    )
    if published is None:
        published = _htmldate(tree, url)
    return published, modified


def _first_datetime(values: Iterable[str | None]) -> datetime | None:
    for value in values:
        parsed = parse_datetime(value)
        if parsed is not None:
            return parsed
    return None


def _htmldate(tree: HtmlElement, url: str) -> datetime | None:
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S",
            url=url,
            max_date=_HTMLDATE_MAX,
        )
    except (ValueError, TypeError, RecursionError) as exc:  # htmldate validates with ValueError
        logger.debug("htmldate failed on %s: %s", url, exc)
        return None
    return parse_datetime(found)


_EXTRA_FORMATS = (
    "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M%z", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y%m%d%H%M%S", "%Y%m%d", "%B %d, %Y %I:%M %p", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def parse_datetime(value: str | None) -> datetime | None:
    """A tz-aware UTC datetime from ISO 8601, RFC 822 or a few common forms; naive means UTC.
    None for anything unparseable or outside 1990-2100."""
    if not value:
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    parsed = _parse_iso(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None and re.fullmatch(r"\d{10}(?:\d{3})?", text):
        seconds = int(text[:10])
        parsed = datetime.fromtimestamp(seconds, UTC)
    if parsed is None:
        compact = re.sub(r"\s+(?:UTC|GMT)$", "+0000", text.replace("Z", "+0000") if text.endswith("Z") else text)
        for fmt in _EXTRA_FORMATS:
            try:
                parsed = datetime.strptime(compact, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:
        return None
    if not _DATE_MIN_YEAR <= parsed.year < _DATE_MAX_YEAR:
        return None
    return parsed


def _parse_iso(text: str) -> datetime | None:
    candidate = text
    # 2023-04-28T17:40:08.000+0000 / 2023-04-28T17:40:08 +02:00 / trailing "Z" handled by 3.11+
    candidate = re.sub(r"\s+([+-]\d{2}:?\d{2})$", r"\1", candidate)
    candidate = re.sub(r"(\.\d{1,6})\d*", r"\1", candidate)  # fromisoformat allows at most 6 digits
    if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:[+-]\d{2}:?\d{2}|Z)?", candidate):
        candidate = candidate.replace(" ", "T", 1)
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


# --- language -------------------------------------------------------------------------------------

def _declared_languages(markup: _Markup, feed_language: str | None) -> list[tuple[str | None, str]]:
    """What the page and the feed say, most trusted first, each with its source name."""
    ld_lang = (markup.jsonld or {}).get("inLanguage")
    if isinstance(ld_lang, dict):
        ld_lang = ld_lang.get("alternateName") or ld_lang.get("name")
    declared: list[tuple[str | None, str]] = [
        (markup.html_lang, "html-lang"),
        (ld_lang if isinstance(ld_lang, str) else None, "json-ld"),
    ]
    declared += [(value.split(",")[0], "meta") for value in _meta_values(markup.meta, _META_LANGUAGE)]
    declared.append((feed_language, "feed"))
    return declared
