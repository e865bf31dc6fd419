"""Is an extracted page an article, or something that only looks like one?

Three kinds of page are refused with a reason instead of being stored as articles:

- `consent_wall`: a cookie/consent interstitial ("Before you continue", "We value your
  privacy ... Accept all") served instead of the article;
- `paywall`: a subscriber-only teaser: a short text with the publisher's own paywall flag
  (schema.org `isAccessibleForFree: false`) or a "subscribe to continue reading" prompt;
- `too_short`: fewer than MIN_WORDS words of main text.

The rules are general (vocabulary of consent platforms and paywall prompts in a few major
languages, the schema.org flag), never per publisher. A long text with a paywall flag is an
article: many publishers flag pages whose full text they still serve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MIN_WORDS", "PAYWALL_MAX_WORDS", "PageKind", "classify_page"]

MIN_WORDS = 40
PAYWALL_MAX_WORDS = 150
CONSENT_MAX_WORDS = 600

_CONSENT = re.compile(
    r"\b(?:cookies?|consent|consentement|einwilligung|zustimm\w*|datenschutz\w*|"
    r"privacy\s+(?:policy|settings|preferences|centre|center)|"
    r"(?:accept|reject|allow|refuse|decline)\s+all(?:\s+cookies)?|"
    r"(?:alle\s+)?(?:akzeptieren|ablehnen)|tout\s+(?:accepter|refuser)|aceptar\s+todo|rechazar\s+todo|"
    r"manage\s+(?:your\s+)?(?:preferences|choices|options|settings)|cookie\s+settings|"
    r"(?:we|wir)\s+(?:and|und)\s+(?:our|unsere)\s+(?:\d+\s+)?partner\w*|"
    r"legitimate\s+interests?|berechtigte[sn]?\s+interesse|intérêt\s+légitime|"
    r"personali[sz]ed\s+(?:ads|advertising|content)|precise\s+geolocation|"
    r"store\s+and/or\s+access\s+information\s+on\s+a\s+device|"
    r"before\s+you\s+continue|bevor\s+sie\s+fortfahren|avant\s+de\s+continuer)\b",
    re.I,
)
_PAYWALL = re.compile(
    r"(?:subscribe|sign\s+up|register|log\s*in|become\s+a\s+(?:member|subscriber))\s+(?:now\s+)?to\s+"
    r"(?:continue|keep)\s+reading|"
    r"(?:to\s+)?continue\s+reading[^.\n]{0,60}\b(?:subscri\w+|membership|log\s*in|sign\s+in)|"
    r"(?:this|the)\s+(?:article|story|content)\s+is\s+(?:only\s+)?(?:available\s+)?(?:exclusively\s+)?"
    r"(?:for|to)\s+(?:our\s+)?(?:subscribers|members|premium)|"
    r"(?:for\s+)?subscribers\s+only|already\s+a\s+(?:subscriber|member)\?|"
    r"to\s+read\s+the\s+(?:full|rest\s+of\s+the|entire)\s+(?:article|story)|"
    r"you(?:'|’)ve\s+(?:reached|read)\s+(?:your|the)\s+(?:limit|maximum)|"
    r"(?:free\s+)?articles?\s+(?:limit|remaining)\s+(?:this|per)\s+month|"
    r"jetzt\s+weiterlesen|weiterlesen\s+mit|exklusiv\s+für\s+abonnenten|nur\s+für\s+abonnenten|"
    r"réservé\s+aux\s+abonnés|il\s+vous\s+reste\s+\d+\s*%|"
    r"(?:exclusivo|solo)\s+para\s+suscriptores|contenido\s+exclusivo|"
    r"riservato\s+agli\s+abbonati|conteúdo\s+exclusivo\s+para\s+assinantes",
    re.I,
)


@dataclass(frozen=True, slots=True)
class PageKind:
    """`kind` is "article" or a refusal reason; `evidence` says what decided it."""

    kind: str
    evidence: str

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


def _consent_hits(text: str) -> int:
    return len(_CONSENT.findall(text))


def classify_page(
    text: str,
    words: int,
    *,
    title: str | None = None,
    accessible_for_free: bool | None = None,
) -> PageKind:
    """The kind of page whose main text is `text` (`words` long by extract.word_count)."""
    head = f"{title or ''}\n{text}"
    hits = _consent_hits(head)
    # A consent wall is short and made of consent vocabulary: several distinct hits, and at
    # least one per 40 words (an article *about* cookies is longer and has far fewer).
    if words <= CONSENT_MAX_WORDS and hits >= 3 and hits * 40 >= max(words, 1):
        return PageKind("consent_wall", f"{hits} consent phrases in {words} words")
    if words < PAYWALL_MAX_WORDS:
        if accessible_for_free is False:
            return PageKind("paywall", f"isAccessibleForFree=false and only {words} words")
        prompt = _PAYWALL.search(text)
        if prompt is not None:
            return PageKind("paywall", f"paywall prompt {prompt.group(0)!r} and only {words} words")
    if words < MIN_WORDS:
        return PageKind("too_short", f"main text has {words} words (< {MIN_WORDS})")
    return PageKind("article", f"{words} words")
