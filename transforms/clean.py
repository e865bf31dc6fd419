"""News clean-up of extracted text: photo captions and credits, adverts, promos, share and
related-links lines, newsletter and subscription prompts, bylines and timestamps printed in
the body, reporting credits, trailing author bios and contact lines, and the dateline
(`SEOUL, July 14 (UPI) --`) parsed off the first paragraph.

Extraction keeps whatever the page shows between paragraphs; entity and event coding must not
read "File Photo by Bui Lam Khanh/EPA-EFE" as a sentence. Every removal is returned as a
`RemovedSpan` (kind, text, rule), so nothing disappears silently and each rule can be audited.
Rules are general (wire-service and CMS conventions), never per publisher; the plain phrase
rules (page furniture such as "Comments", "Thanks for signing up!") are data, in
`transforms/data/extract_boilerplate.csv`. Rules about the ends of an article (bios, contact
lines, reporting credits, related-links blocks) only fire near the end, byline and timestamp
rules only near the start. The text keeps its paragraphs, one per line; whitespace inside a
paragraph is collapsed.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
_CREDIT_PAREN = (
    rf"\((?:(?:(?:AP|AFP|Reuters|EPA|File|Getty|Pool)\s+)?{_PHOTO}[^()\n]{{0,120}}"
    r"|(?i:(?:photo\s+|image\s+)?credits?)\s*:[^()\n]{1,120})\)"
)
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
_CREDIT_LINE = re.compile(
    rf"^(?:{_CREDIT_PAREN}|{_CREDIT_PHRASE}|(?:©\s*)?(?:{_CREDIT_SOURCES}|Getty Images)"
    r"|\[(?:사진|写真|图片?|(?i:photo|foto|image|bild))\s*[=:：][^\]\n]{1,80}\])\.?$"
)
_CREDIT_TAIL = re.compile(
    rf"(?:(?<=\s){_CREDIT_PAREN}|(?:(?<=[.!?|:;]\s)|(?<=[.!?|]))\s*{_CREDIT_PHRASE})\.?$"
)
_INLINE_CREDIT = re.compile(rf"\s*{_CREDIT_PAREN}")
_GALLERY = re.compile(r"^\d{1,3}\s*(?:of|/)\s*\d{1,3}\s*[|:•·\-–—]", re.I)
_CAPTION_LEAD = re.compile(
    rf"^(?:(?:{_PHOTO}|(?i:caption|pictured|above|top|main\s+image))\s*[:|]\s*\S"
    r"|Pictured(?:\s*,|\s+(?:right|left|above|below|here|from|at|in|on|top|bottom|centre|center|inset|is|are)\b))"
)
_COPYRIGHT_TAIL = re.compile(r"(?:^|[\s,;(])©\s*[^\W\d_][^©\n]{0,60}$")

_ADVERT = re.compile(
    r"^[-–•]?\s*(?:advertisement\s*\d*\s*(?:(?:story|article|text)\s+continues\s+(?:below|after)"
    r"(?:\s+(?:this\s+)?(?:advertisement|ad))?)?|advert|ad|sponsored(?:\s+content)?|paid\s+content|"
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
    r"^(?:read\s+more|more\s+reading|read\s+also|also\s+read|see\s+also|see\s+more|more|also|"
    r"related(?:\s+(?:articles?|stories|coverage|content|links?|posts?|reading))?|"
    r"more\s+on\s+this(?:\s+story)?|read\s+next|recommended(?:\s+reading)?|watch(?:\s+now)?|listen|"
    r"more\s+from\s+[\w .]{1,40}|you\s+may\s+also\s+like|don'?t\s+miss|trending|latest|most\s+read)"
    r"\s*(?:[:：|»>›]|\s[-–—]\s|$)",
    re.I,
)
_CLICK_HERE = re.compile(r"^click\s+here\b", re.I)
_ALSO_ON = re.compile(r"^also\s+on\s+[\w-]+(?:\.[\w-]+)+\b", re.I)
# "Plague fears: Holidaymakers die after eating marmot [INSIGHT]": a tabloid's related link.
_TAGGED_LINK = re.compile(
    r"\[(?i:insight|video|pictures|pics|photos|reveal|latest|news|warning|reaction|analysis|poll|live|map|"
    r"report|update|comment|explained|opinion|trending|listen|watch)\]\s*\|?$"
)
_NEWSLETTER_NAME = re.compile(r"^[\w'’&+ ]{1,40}\s+newsletter$", re.I)
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
    r"^(?:©|\(c\)|copyright)\s+[^\W\d_][\w .&'’-]{0,60}\s+\d{4}\b.{0,100}$|"
    r"^.{0,80}\ball\s+rights\s+reserved\.?$|"
    r"^this\s+material\s+may\s+not\s+be\s+published,\s+broadcast,\s+rewritten\s+or\s+redistributed\.?$",
    re.I,
)
_BIO = re.compile(
    r"^[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}(?:\s*\([^()]{0,80}\))?\s+"
    r"(?:(?:is|was)\s+(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){0,5}"
    r"(?:reporter|correspondent|writer|editor|columnist|journalist|contributor|producer|curator|author|"
    r"freelancer|publisher|photographer|analyst)s?\b|covers\s|writes\s+(?:about|for|on)\s|reports\s+on\s|"
    r"has\s+(?:covered|written|reported)\s)",
)
# Contact lines after the story: "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik."
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}|\b(?:twitter|x|instagram|facebook)\.com/\w+", re.I)
_FOLLOW_ON = re.compile(
    r"\bfollow\s+(?:[\w'’.@-]+\s+){1,4}on\s+(?:twitter|x|facebook|instagram|threads|bluesky|linkedin|mastodon)\b", re.I
)
_CONTACT_LEAD = re.compile(
    r"^(?:[-•]\s*)?(?:have\s+a\s+(?:news\s+)?tip\b|reach\s+(?:the\s+)?(?:reporters?|writers?|authors?)\b|"
    r"write\s+to\b|contact\s+(?:the\s+)?(?:reporters?|writers?|authors?)\b|e-?mail\b|follow\b|"
    r"you\s+can\s+(?:reach|contact|e-?mail|follow)\b|(?:[\w.]+\s+){1,3}(?:can|may)\s+be\s+reached\b)",
    re.I,
)
# "(Reporting by Jane Roe; Editing by John Doe)", "AP writers ... contributed to this report."
_REPORTING_CREDIT = re.compile(
    r"^\(?(?:(?:additional|further)\s+)?(?:reporting|writing|editing|research|compiled|contributing)"
    r"(?:\s+by\b|\s*:)\s*.{1,300}$|"
    r"^.{0,250}\bcontributed\s+(?:reporting\s+|research\s+)?to\s+this\s+(?:report|story|article)\.?\)?$|"
    r"^.{0,120}\bcontributed\s+(?:reporting|research)\b.{0,80}$|"
    r"^\(?with\s+(?:[\w.’']+\s+){0,3}(?:wires?|agencies|reports?\s+from\s.{1,80})\.?\)?$|"
    r"^(?:staff\s+and\s+agencies|agencies|staff\s+reports?)\.?$",
    re.I,
)
_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|van|von|de|da|del|der|di|du|la|le|bin|al|el)){1,3}"
_BYLINE_LINE = re.compile(
    rf"^(?:(?i:by|von|par|por|door)\s+{_NAME}(?:\s*(?:,|\band\b|&)\s*{_NAME})*(?:\s*,\s*[A-Z][\w .&'’-]{{1,40}})?"
    rf"|{_NAME}(?:\s*/\s*{_NAME})+)\.?$"
)
_TIMESTAMP_ANCHOR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[:.h]\d{2}\b")
_DATE_WORDS = frozenset(
    """jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august
    september october november december mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday
    thursday friday saturday sunday am pm a.m p.m updated published posted last modified created on at
    janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi
    mercredi jeudi vendredi samedi dimanche januar februar märz april mai juni juli august oktober
    dezember montag dienstag mittwoch donnerstag freitag samstag sonntag enero febrero marzo abril mayo
    junio julio agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes
    sábado domingo janeiro fevereiro março maio junho julho setembro outubro novembro dezembro
    segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo gennaio febbraio
    aprile maggio giugno luglio settembre ottobre dicembre de às a las le am um el à h uhr del di il
    aktualisiert veröffentlicht publié mis jour actualizado publicado aggiornato pubblicato""".split()
)

_CAPTION_MAX_WORDS = 80
_PROMO_MAX_WORDS = 40
_PHRASE_MAX_WORDS = 60
_RELATED_ITEM_MAX_WORDS = 30
_HEAD_PARAGRAPHS = 3   # bylines and timestamps are looked for in the first paragraphs
_TAIL_PARAGRAPHS = 4   # credits and contact lines in the last ones
_TIME_ZONES = frozenset(
    "gmt utc est edt cst cdt mst mdt pst pdt bst cet cest eet eest jst kst ist aest aedt awst amt wib sgt hkt msk"
    .split()
)
_PHRASES_FILE = Path(__file__).parent / "data" / "extract_boilerplate.csv"


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    reason: str
    test: Callable[[str, int, int], bool]  # (paragraph, index, paragraph count)


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: str
    reason: str
    pattern: re.Pattern[str]


def _load_phrases(path: Path = _PHRASES_FILE) -> tuple[_Phrase, ...]:
    """The phrase rules of extract_boilerplate.csv (comment lines start with '#')."""
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return tuple(
        _Phrase(row["kind"], row["reason"], re.compile(row["pattern"], re.I))
        for row in csv.DictReader(lines)
    )


_PHRASES = _load_phrases()
_RELATED_HEADINGS = tuple(p for p in _PHRASES if p.reason == "related_heading")


def _words(text: str) -> int:
    return len(text.split())


def _ends_with_credit(p: str, _i: int, _n: int) -> bool:
    """A short paragraph that ends with a photo credit is a caption (credit and all)."""
    if _words(p) > _CAPTION_MAX_WORDS:
        return False
    match = _CREDIT_TAIL.search(p)
    return match is not None and match.start() > 0 and any(ch.isalpha() for ch in p[: match.start()])


def _ends_with_copyright(p: str, _i: int, _n: int) -> bool:
    """'Installation views, photos © Inexhibit, 2018': a short caption signed with ©."""
    if _words(p) > 40:
        return False
    match = _COPYRIGHT_TAIL.search(p)
    return match is not None and any(ch.isalpha() for ch in p[: match.start()])


def _is_promo(p: str, _i: int, _n: int) -> bool:
    if _words(p) > _PROMO_MAX_WORDS:
        return False
    if _PROMO.match(p):
        return _PROMO_WORDS.search(p) is not None
    # "Get our free daily newsletter: sign up here" and friends, anywhere in a short line.
    return _NEWSLETTER.search(p) is not None and re.search(r"\b(?:sign\s*up|subscri\w+)\b", p, re.I) is not None


def _is_timestamp(p: str) -> bool:
    """'Monday, November 18, 2019', 'UPDATED: Tue., Nov. 19, 2019', '17:41 JST, October 13, 2024',
    '5:45 AM PST 11/19/2019 by Patrick Shanley': a date/time line (and its byline), nothing else."""
    if _words(p) > 14 or not _TIMESTAMP_ANCHOR.search(p):
        return False
    p = re.sub(r"\s+(?i:by)\s+\S.{0,60}$", "", p)
    tokens = [t.strip(".,:;|[](){}-–—•·").casefold() for t in p.split()]
    tokens = [t for t in tokens if any(ch.isalnum() for ch in t)]
    other = [t for t in tokens
             if not any(ch.isdigit() for ch in t) and t not in _DATE_WORDS and t not in _TIME_ZONES]
    return bool(tokens) and len(other) <= max(1, len(tokens) // 3)


def _is_contact(p: str) -> bool:
    """A line that tells readers how to reach or follow the writer (an e-mail or a handle)."""
    if _words(p) > 45 or not (_EMAIL.search(p) or _HANDLE.search(p) or _FOLLOW_ON.search(p)):
        return False
    return _CONTACT_LEAD.match(p) is not None or _FOLLOW_ON.search(p) is not None or _words(p) <= 3


def _phrase(p: str) -> _Phrase | None:
    if _words(p) > _PHRASE_MAX_WORDS:
        return None
    return next((rule for rule in _PHRASES if rule.pattern.fullmatch(p)), None)


def _is_related_heading(p: str) -> bool:
    """'You may also like...', 'More Great WIRED Stories', 'Read more', 'Related': a heading
    over a list of links to other stories."""
    if _words(p) > 8:
        return False
    if any(rule.pattern.fullmatch(p) for rule in _RELATED_HEADINGS):
        return True
    return _words(p) <= 4 and _READ_MORE.match(p) is not None and re.search(r"[:：|»>›]\s*\S", p) is None


def _headline_like(p: str) -> bool:
    """A link title: short, and not a sentence of the story (which ends in a full stop)."""
    return _words(p) <= _RELATED_ITEM_MAX_WORDS and not p.rstrip(" \"'”’»)").endswith((".", ",", ";", ":"))


def _related_blocks(paragraphs: list[str]) -> dict[int, str]:
    """{index: reason} of related-links blocks: a heading ("You may also like...", "Read more")
    and the link titles under it, up to the first sentence of prose."""
    found: dict[int, str] = {}
    index = 1
    while index < len(paragraphs):
        if _is_related_heading(paragraphs[index]):
            found[index] = "related_heading"
            index += 1
            while index < len(paragraphs) and _headline_like(paragraphs[index]) and not _is_related_heading(
                    paragraphs[index]):
                found[index] = "related_block"
                index += 1
            continue
        index += 1
    return found


def _head(i: int, _n: int) -> bool:
    return i < _HEAD_PARAGRAPHS


def _tail(i: int, n: int) -> bool:
    return i >= n - _TAIL_PARAGRAPHS


_RULES: tuple[_Rule, ...] = (
    _Rule("boilerplate", "separator", lambda p, i, n: not any(ch.isalnum() for ch in p)),
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
    _Rule("promo", "also_on", lambda p, i, n: _words(p) <= _PROMO_MAX_WORDS and _ALSO_ON.match(p) is not None),
    _Rule("promo", "related_link",
          lambda p, i, n: _words(p) <= _RELATED_ITEM_MAX_WORDS and _TAGGED_LINK.search(p) is not None),
    _Rule("promo", "newsletter", _is_promo),
    _Rule("promo", "newsletter_name", lambda p, i, n: _words(p) <= 6 and _NEWSLETTER_NAME.match(p) is not None),
    _Rule("boilerplate", "copyright", lambda p, i, n: _words(p) <= 40 and _COPYRIGHT.match(p) is not None),
    _Rule("caption", "ends_with_copyright", _ends_with_copyright),
    _Rule("credit", "byline", lambda p, i, n: _head(i, n) and _words(p) <= 14 and _BYLINE_LINE.match(p) is not None),
    _Rule("boilerplate", "timestamp", lambda p, i, n: (_head(i, n) or i >= n - 2) and _is_timestamp(p)),
    _Rule("credit", "reporting_credit",
          lambda p, i, n: _tail(i, n) and _words(p) <= 60 and _REPORTING_CREDIT.match(p) is not None),
    _Rule("bio", "author_bio", lambda p, i, n: i >= n - 2 and _words(p) <= 70 and _BIO.match(p) is not None),
    _Rule("bio", "contact_line", lambda p, i, n: _tail(i, n) and _is_contact(p)),
)

_DATELINE_SEARCH_PARAGRAPHS = 3


def clean_text(text: str) -> CleanedText:
    """Paragraphs of `text` without captions, credits, adverts, promos, share and related-links
    lines, page furniture, bylines, bios and contact lines, and with the dateline parsed off the
    first body paragraph."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    removed: list[RemovedSpan] = []
    blocks = _related_blocks(paragraphs)
    kept: list[str] = []
    count = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        if index in blocks:
            removed.append(RemovedSpan("promo", paragraph, blocks[index]))
            continue
        rule = next((r for r in _RULES if r.test(paragraph, index, count)), None)
        if rule is not None:
            removed.append(RemovedSpan(rule.kind, paragraph, rule.reason))
            continue
        phrase = _phrase(paragraph)
        if phrase is not None:
            removed.append(RemovedSpan(phrase.kind, paragraph, phrase.reason))
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
