"""News clean-up of extracted text: photo captions and credits, adverts, promos, share lines,
and the dateline (`SEOUL, July 14 (UPI) --`) parsed off the first paragraph.

Extraction keeps whatever the page shows between paragraphs; entity and event coding must not
read "File Photo by Bui Lam Khanh/EPA-EFE" as a sentence. Every removal is returned as a
`RemovedSpan` (kind, text, rule), so nothing disappears silently and each rule can be audited.
Rules are general (wire-service and CMS conventions), never per publisher. The text keeps its
paragraphs, one per line; whitespace inside a paragraph is collapsed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from transforms.contracts import CleanedText, Dateline, RemovedSpan

logger = logging.getLogger(__name__)

__all__ = ["clean_text", "parse_dateline", "KNOWN_AGENCIES"]

# News agencies and wire services seen in datelines, by the names they sign with.
KNOWN_AGENCIES = frozenset(
    {
        "AP", "Associated Press", "Reuters", "AFP", "UPI", "dpa", "DPA", "EFE", "ANSA", "Xinhua",
        "Yonhap", "Kyodo", "TASS", "Interfax", "IANS", "PTI", "ANI", "Bernama", "Anadolu", "AA",
        "CNA", "KCNA", "NAN", "APA", "Bloomberg", "CNN", "BBC", "Sputnik", "RIA Novosti", "Jiji",
        "KUNA", "WAM", "SPA", "IRNA", "Petra", "MENA", "Antara", "PAP", "CTK", "BTA", "Ukrinform",
        "UNIAN", "Prensa Latina", "Notimex", "Télam", "AAP", "CP", "The Canadian Press", "Belga",
        "ANP", "Lusa", "HINA", "Tanjug", "MTI", "Agerpres", "KNA", "NNA", "SANA", "WAFA", "QNA",
        "Europa Press", "Agencia EFE", "RTRS", "VNA", "PNA",
    }
)
_AGENCY_KEYS = frozenset(a.casefold() for a in KNOWN_AGENCIES)

# --- dateline ---------------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?|"
    r"Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|{_WEEKDAY})"
_WORD = r"[^\W\d_][^\s,()]*"
_DATELINE = re.compile(
    rf"""^(?P<raw>
        (?P<place>{_WORD}(?:\ {_WORD}){{0,3}})
        (?:,\ ?(?P<region>{_WORD}(?:\ {_WORD}){{0,2}}))?
        (?:,\ ?(?P<date>{_DATE}))?
        (?:,?\ ?\((?P<agency>[^()\d]{{1,40}})\))?
        \ ?(?P<dash>--|—|–|-)
    )(?P<rest>\s*\S.*)$""",
    re.VERBOSE | re.DOTALL,
)
_AGENCY_ONLY = re.compile(
    r"^(?P<raw>\((?P<agency>[^()\d]{1,40})\)\s?(?:--|—|–|-)?)(?P<rest>\s*\S.*)$", re.DOTALL
)


def parse_dateline(paragraph: str) -> tuple[Dateline, str] | None:
    """(Dateline, rest of the paragraph) when the paragraph opens with a wire-style dateline.

    Fires only on an ALL-CAPS place, or any place with a known agency in parentheses, followed
    by a dash: `SEOUL, July 14 (UPI) --`, `BEIRUT, Lebanon (AP) —`, `LONDON, Reuters -`,
    `Paris (AFP) -`, `PARIS —`; or a bare `(CNN) —`. Ordinary sentences never match."""
    match = _DATELINE.match(paragraph)
    if match:
        return _dateline_from(match)
    match = _AGENCY_ONLY.match(paragraph)
    if match and _is_agency(match.group("agency")) and _starts_sentence(match.group("rest")):
        raw = match.group("raw").strip()
        dateline = Dateline(place=None, date_text=None, agency=match.group("agency").strip(), raw=raw)
        return dateline, match.group("rest").strip()
    return None


def _dateline_from(match: re.Match[str]) -> tuple[Dateline, str] | None:
    place, region, date, agency = (match.group(g) for g in ("place", "region", "date", "agency"))
    dash, rest = match.group("dash"), match.group("rest")
    if dash == "-" and not rest[:1].isspace():
        return None  # "NEW-YORK", "X-ray": a hyphen inside a word, not a dateline dash
    if not _starts_sentence(rest):
        return None
    if region and not agency and not date and _is_agency(region):
        region, agency = None, region  # LONDON, Reuters -
    if region and not (region.isupper() or region[0].isupper()):
        return None
    caps_place = place.isupper() and sum(ch.isalpha() for ch in place) >= 2
    known_agency = agency is not None and _is_agency(agency)
    if agency is not None and not (caps_place or known_agency):
        return None
    if agency is None and not (caps_place and sum(ch.isalpha() for ch in place) >= 3):
        return None
    if agency is not None and (len(agency.split()) > 4 or not agency.strip()[:1].isupper()):
        return None
    full_place = f"{place}, {region}" if region else place
    dateline = Dateline(
        place=full_place.strip(),
        date_text=date.strip() if date else None,
        agency=agency.strip() if agency else None,
        raw=match.group("raw").strip(),
    )
    return dateline, rest.strip()


def _is_agency(name: str) -> bool:
    parts = [p.strip() for p in re.split(r"[/,&]| and ", name) if p.strip()]
    return bool(parts) and all(p.casefold() in _AGENCY_KEYS for p in parts)


def _starts_sentence(rest: str) -> bool:
    first = rest.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "\"'“‘«„(")


# --- paragraph rules -------------------------------------------------------------------------------

_CREDIT_SOURCES = (  # case-sensitive: "Pool" is a credit, "pool" is a word
    r"Getty\s+Images|AP(?:\s+Photo)?|AFP|Reuters|REUTERS|EPA(?:-EFE)?|EFE|Shutterstock|Alamy|Bloomberg|"
    r"Sipa(?:\s+USA)?|Xinhua|Yonhap|UPI|PA(?:\s+Wire)?|Anadolu(?:\s+Agency)?|dpa|ANSA|NurPhoto|"
    r"SOPA\s+Images|ZUMA\s+Wire|Pool|POOL|Handout|HANDOUT|iStock(?:photo)?|Courtesy"
)
# Label words, any case but starting with a capital ("Photo", "PHOTO", not "photo").
_PHOTO = r"(?=[A-Z])(?i:photo(?:graph)?s?|images?|pictures?|pic|foto|video|illustration|graphic)\b"
_LABEL = (
    r"(?=[A-Z])(?i:photo(?:graph)?s?|images?|pictures?|pic|foto|video|illustration|graphic|credits?|source|caption)"
)
# "(AP Photo/Evan Vucci)", "(Photo: Jane Doe)": safe after any word.
_CREDIT_PAREN = rf"\((?:(?:AP|AFP|Reuters|EPA|File|Getty|Pool)\s+)?{_PHOTO}[^()\n]{{0,120}}\)"
# A photographer's name: capitalised words, with the usual lower-case particles.
_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|van|von|de|da|del|der|di|du|la|le|bin|al|el)){0,5}"
# "File Photo by X/EPA-EFE", "Photograph: X/Guardian", "Jane Doe/Reuters", "X via Getty Images":
# only at the start of a sentence, so "sent pictures by the dozen" is left alone.
_CREDIT_PHRASE = (
    r"(?:"
    rf"(?:(?i:file)\s+)?{_PHOTO}\s+(?i:by|courtesy\s+of)\s*:?\s*[A-Z][^\n]{{1,120}}"
    rf"|{_LABEL}\s*:\s*\S[^\n]{{1,120}}"
    rf"|(?:AP|AFP|EPA|UPI|PA|Reuters|REUTERS|Getty|Pool|POOL)\s+{_PHOTO}\s*/\s*[A-Z][^\n]{{1,80}}"
    rf"|{_NAME}\s*/\s*(?:{_CREDIT_SOURCES})(?:\s+via\s+Getty\s+Images)?"
    rf"|{_NAME}\s+via\s+Getty\s+Images"
    r")"
)
_CREDIT_LINE = re.compile(rf"^(?:{_CREDIT_PAREN}|{_CREDIT_PHRASE}|(?:{_CREDIT_SOURCES}|Getty Images))\.?$")
_CREDIT_TAIL = re.compile(
    rf"(?:(?<=\s){_CREDIT_PAREN}|(?:(?<=[.!?|:;]\s)|(?<=[.!?|]))\s*{_CREDIT_PHRASE})\.?$"
)
_INLINE_CREDIT = re.compile(rf"\s*{_CREDIT_PAREN}")
_GALLERY = re.compile(r"^\d{1,3}\s*(?:of|/)\s*\d{1,3}\s*[|:•·\-–—]", re.I)
_CAPTION_LEAD = re.compile(rf"^(?:{_PHOTO}|(?i:caption|pictured|above|top|main\s+image))\s*[:|]\s*\S")

_ADVERT = re.compile(
    r"^(?:advertisement|advert|ad|sponsored(?:\s+content)?|paid\s+content|"
    r"(?:story|article|text)\s+continues\s+(?:below|after)(?:\s+(?:this\s+)?(?:advertisement|ad))?|"
    r"continue\s+reading\s+(?:below|the\s+main\s+story)|"
    r"advertisement\s*[-–—:]?\s*(?:scroll|continue)[\w\s]{0,30})[.:]?$",
    re.I,
)
_NETWORKS = r"(?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|reddit|telegram|pinterest)"
_SHARE = re.compile(
    r"^(?:share(?:\s+(?:this|the)\s+(?:article|story|page|post))?(?:\s+(?:on|via|to)\s+[\w ]{2,30})?|"
    r"tweet(?:\s+this)?|email(?:\s+this)?|print(?:\s+this)?(?:\s+article)?|"
    r"copy\s+(?:the\s+)?link|save(?:\s+article)?|follow\s+us(?:\s+on\s+[\w ]{2,30})?|"
    rf"(?:(?:share|follow\s+us)\s*[:|]?\s*)?{_NETWORKS}(?:[\s,|]+{_NETWORKS})*)[.:]?$",
    re.I,
)
_READ_MORE = re.compile(
    r"^(?:read\s+more|more\s+reading|read\s+also|also\s+read|see\s+also|"
    r"related(?:\s+(?:articles?|stories|coverage|content|links?))?|"
    r"more\s+on\s+this(?:\s+story)?|read\s+next|recommended(?:\s+reading)?|watch(?:\s+now)?|listen|"
    r"more\s+from\s+[\w .]{1,40}|you\s+may\s+also\s+like|don'?t\s+miss|trending|latest|most\s+read)"
    r"\s*(?:[:：|»>›]|\s[-–—]\s|$)",
    re.I,
)
_CLICK_HERE = re.compile(r"^click\s+here\b", re.I)
_PROMO = re.compile(
    r"^(?:(?:want\s+more\??|like\s+this\s+story\??|get\s+the\s+latest[^.!?]{0,80}?)\s*)?"
    r"(?:sign\s*up|subscribe|register|join)\b[^\n]{0,250}$",
    re.I,
)
_PROMO_WORDS = re.compile(
    r"\b(?:newsletter|inbox|e-?mail|alerts?|subscri\w+|sign\s*up|free|daily|weekly|briefing|podcast|updates)\b", re.I
)
_NEWSLETTER = re.compile(r"\bnewsletters?\b", re.I)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?\d{4}\b.{0,200}$|"
    r"^.{0,80}\ball\s+rights\s+reserved\.?$|"
    r"^this\s+material\s+may\s+not\s+be\s+published,\s+broadcast,\s+rewritten\s+or\s+redistributed\.?$",
    re.I,
)
_BIO = re.compile(
    r"^[A-Z][\w.'’\- ]{2,60}\s+(?:is|was)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}"
    r"(?:reporter|correspondent|writer|editor|columnist|journalist|contributor|producer)\b",
)

_CAPTION_MAX_WORDS = 80
_PROMO_MAX_WORDS = 40


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    reason: str
    test: Callable[[str, int, int], bool]  # (paragraph, index, paragraph count)


def _words(text: str) -> int:
    return len(text.split())


def _ends_with_credit(p: str, _i: int, _n: int) -> bool:
    """A short paragraph that ends with a photo credit is a caption (credit and all)."""
    if _words(p) > _CAPTION_MAX_WORDS:
        return False
    match = _CREDIT_TAIL.search(p)
    return match is not None and match.start() > 0 and any(ch.isalpha() for ch in p[: match.start()])


def _is_promo(p: str, _i: int, _n: int) -> bool:
    if _words(p) > _PROMO_MAX_WORDS:
        return False
    if _PROMO.match(p):
        return _PROMO_WORDS.search(p) is not None
    # "Get our free daily newsletter: sign up here" and friends, anywhere in a short line.
    return _NEWSLETTER.search(p) is not None and re.search(r"\b(?:sign\s*up|subscribe)\b", p, re.I) is not None


_RULES: tuple[_Rule, ...] = (
    _Rule("caption", "gallery_counter", lambda p, i, n: _GALLERY.match(p) is not None),
    # "Photo: The minister arrives in Brussels." describes; "Photo: Jane Doe/AFP" credits.
    _Rule("caption", "caption_label",
          lambda p, i, n: 6 <= _words(p) <= _CAPTION_MAX_WORDS and _CAPTION_LEAD.match(p) is not None),
    _Rule("credit", "credit_line", lambda p, i, n: _words(p) <= 25 and _CREDIT_LINE.match(p) is not None),
    _Rule("caption", "ends_with_credit", _ends_with_credit),
    _Rule("advert", "advert_marker", lambda p, i, n: _words(p) <= 8 and _ADVERT.match(p) is not None),
    _Rule("share", "share_line", lambda p, i, n: _words(p) <= 12 and _SHARE.match(p) is not None),
    _Rule("promo", "read_more", lambda p, i, n: _words(p) <= _PROMO_MAX_WORDS and _READ_MORE.match(p) is not None),
    _Rule("promo", "click_here",
          lambda p, i, n: _words(p) <= _PROMO_MAX_WORDS and _CLICK_HERE.match(p) is not None),
    _Rule("promo", "newsletter", _is_promo),
    _Rule("boilerplate", "copyright", lambda p, i, n: _words(p) <= 40 and _COPYRIGHT.match(p) is not None),
    _Rule("bio", "author_bio", lambda p, i, n: i >= n - 2 and _words(p) <= 60 and _BIO.match(p) is not None),
)

_DATELINE_SEARCH_PARAGRAPHS = 3


def clean_text(text: str) -> CleanedText:
    """Paragraphs of `text` without captions, credits, adverts, promos and share lines, and
    with the dateline parsed off the first body paragraph."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    removed: list[RemovedSpan] = []
    kept: list[str] = []
    count = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        rule = next((r for r in _RULES if r.test(paragraph, index, count)), None)
        if rule is not None:
            removed.append(RemovedSpan(rule.kind, paragraph, rule.reason))
            continue
        paragraph = _strip_inline_credits(paragraph, removed)
        if paragraph:
            kept.append(paragraph)

    dateline = None
    for index, paragraph in enumerate(kept[:_DATELINE_SEARCH_PARAGRAPHS]):
        parsed = parse_dateline(paragraph)
        if parsed is not None:
            dateline, rest = parsed
            kept[index] = rest
            removed.append(RemovedSpan("dateline", dateline.raw, "dateline"))
            break

    if removed:
        logger.debug("clean_text removed %d spans: %s", len(removed), sorted({r.reason for r in removed}))
    return CleanedText(text="\n".join(kept), dateline=dateline, removed=tuple(removed))


def _strip_inline_credits(paragraph: str, removed: list[RemovedSpan]) -> str:
    """'(Photo: Jane Doe/AP)' inside a body paragraph goes; the paragraph stays."""
    if "(" not in paragraph:
        return paragraph
    for match in _INLINE_CREDIT.finditer(paragraph):
        removed.append(RemovedSpan("credit", match.group().strip(), "inline_credit"))
    return " ".join(_INLINE_CREDIT.sub("", paragraph).split())
