"""The title of an article page, chosen from the places a page states it.

A page states its headline up to five times: og:title, the JSON-LD `headline`, the visible
<h1>, <title> and twitter:title. They often differ: <title> and og:title carry the site name
("Headline | Section | Site", "Site - Headline", "Headline-Section|Site"), og:title and
twitter:title are often rewritten for sharing, the JSON-LD headline and <title> for search.
The rules, each small and tested on its own (tests/unit/test_title*.py), in the order
`pick_title` applies them:

1. `strip_site_suffix`: site names (the publisher's name or the URL's host), dates and short
   sections are cut from the ends of every statement.
2. `_is_core_of`: a statement that is another plus " | Section | Site" counts for the shorter.
3. `condensed_og`: an og:title whose words all occur, in order, in the longer JSON-LD headline
   or <h1> is the headline proper; the longer statement only adds a tail ("... at Cobham in
   battling win over Tottenham") or a word ("information leaks" / "leaks").
4. `confirmed_headline`: otherwise the JSON-LD headline and the visible <h1>, when they agree,
   are the article's own headline and beat a rewritten sharing/search title however often
   that is repeated (og:title, twitter:title and <title> are frequently one value copied).
5. `vote`: otherwise the statement most places agree on; twitter:title (usually a copy of
   og:title) counts half; ties go to og:title, JSON-LD, <h1>, <title>.

The most common spelling within the chosen group is returned (curly or straight quotes).
Measured on the 68 Fundus-curated pages of ../shared/newsroom (docs/BENCHMARKS.md): 59 exact
titles with rules 1 (spaced separators only), 2 and 5; 65 with all of them. On the 38 other
newsroom pages with an expected title the added rules change nothing.

Hand-written: trafilatura's and htmldate's title helpers take one source (og:title, then
<title> with its first or last segment) and do not compare the sources with each other.
General by design: nothing here knows a publisher; site names come from the page itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["confirmed_headline", "condensed_og", "is_condensed", "pick_title", "squash", "strip_site_suffix", "vote"]

# Separators between a headline and its site/section parts: spaced punctuation, or the
# full-width colon (Japanese sites) that needs no spaces.
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/|ㅣ)\s+|\s*：\s*")
# Unspaced separator before a site name at the very end ("Headline-Section|Site"); Korean
# sites use the Hangul letter ㅣ as a pipe.
_TIGHT_SEPARATOR = "|ㅣ-–—·•»/"
_UI_TITLES = frozenset({"log in", "login", "sign in", "menu", "search", "home", "subscribe", "skip to content"})
_TITLE_VOTES = {"og": 1.0, "jsonld": 1.0, "h1": 1.0, "title": 1.0, "twitter": 0.5}
_TITLE_ORDER = ("og", "jsonld", "h1", "title", "twitter")
_RANK = {source: i for i, source in enumerate(_TITLE_ORDER)}
_AFTER_CORE = re.compile(r"^\s*(?:[|\-–—:：·•»/~]|ㅣ|--)")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)\W*$")
# A condensed og:title must still read like a headline: this many words at least.
_CONDENSED_MIN_WORDS = 4
_MAX_TITLE_CHARS = 400

Candidate = tuple[str, str]  # (source, value): source is one of _TITLE_ORDER


def squash(text: str) -> str:
    """Letters and digits only, case-folded: 'It’s here!' and 'its here' are one key."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def _loose(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _is_core_of(core: str, longer: str) -> bool:
    """'Headline' is the core of 'Headline - Section | Site' (a separator follows it)."""
    a, b = _loose(core), _loose(longer)
    return len(a) >= 8 and a != b and b.startswith(a) and _AFTER_CORE.match(b[len(a):]) is not None


def is_condensed(short: str, long: str) -> bool:
    """`short` is `long` with words left out: all its words occur in `long`, in order, and
    `long` has more. 'Police probe leaks to gangs' is condensed from 'Police probe information
    leaks to gangs'."""
    have, pool = _words(short), iter(_words(long))
    return bool(have) and len(have) < len(_words(long)) and all(word in pool for word in have)


def condensed_og(candidates: list[Candidate]) -> str | None:
    """Rule 3: og:title, when it is a condensed form of the JSON-LD headline or the <h1>
    (the headline proper; the longer statement adds a tail). Not when og:title is cut off
    ("…") or too short to be a headline."""
    og = next((value for source, value in candidates if source == "og"), None)
    if og is None or _ELLIPSIS.search(og) or len(_words(og)) < _CONDENSED_MIN_WORDS:
        return None
    longer = [value for source, value in candidates if source in ("jsonld", "h1")]
    return og if any(is_condensed(og, value) for value in longer) else None


def confirmed_headline(candidates: list[Candidate]) -> str | None:
    """Rule 4: the JSON-LD headline when the visible <h1> says the same (up to punctuation
    and case), in the spelling most statements use."""
    headline = next((value for source, value in candidates if source == "jsonld"), None)
    h1 = next((value for source, value in candidates if source == "h1"), None)
    if headline is None or h1 is None or squash(headline) != squash(h1):
        return None
    return _spelling([c for c in candidates if squash(c[1]) == squash(headline)])


def vote(candidates: list[Candidate]) -> str | None:
    """Rule 5: the statement most places agree on (twitter:title counts half); ties go to
    og:title, JSON-LD, <h1>, <title>."""
    if not candidates:
        return None
    groups: dict[str, list[Candidate]] = {}
    for source, value in candidates:
        groups.setdefault(squash(value) or value, []).append((source, value))

    def strength(members: list[Candidate]) -> tuple[float, int]:
        return sum(_TITLE_VOTES[s] for s, _ in members), -min(_RANK[s] for s, _ in members)

    return _spelling(max(groups.values(), key=strength))


def _spelling(members: list[Candidate]) -> str:
    """The most common spelling in a group of equal statements; ties by source rank."""
    spellings: dict[str, list[str]] = {}
    for source, value in members:
        spellings.setdefault(" ".join(value.split()), []).append(source)
    return max(spellings.items(), key=lambda kv: (len(kv[1]), -min(_RANK[s] for s in kv[1])))[0]


def pick_title(
    *,
    jsonld_headline: str | None,
    og_title: str | None,
    title_tag: str | None,
    h1: str | None = None,
    site_name: str | None = None,
    url: str | None = None,
    twitter_title: str | None = None,
    h1s: Iterable[str] = (),
) -> str | None:
    """The page's title from its statements (plain text, already free of markup): og:title,
    JSON-LD headline, the <h1> that matches one of them (else the first that reads like a
    headline), <title>, twitter:title. Rules 1-5 of the module docstring."""
    candidates: list[list[str]] = []
    for source, value in (("og", og_title), ("jsonld", jsonld_headline), ("title", title_tag),
                          ("twitter", twitter_title)):
        cleaned = " ".join((value or "").split())
        if cleaned and _loose(cleaned) not in _UI_TITLES and len(cleaned) <= _MAX_TITLE_CHARS:
            candidates.append([source, strip_site_suffix(cleaned, site_name, url=url)])
    headings = [" ".join(h.split()) for h in (*([h1] if h1 else []), *h1s)
                if h and h.strip() and len(h) <= 2 * _MAX_TITLE_CHARS]  # longer is not a headline
    chosen_h1 = _matching_heading([h for h in headings if _loose(h) not in _UI_TITLES],
                                  [value for _, value in candidates])
    if chosen_h1:
        candidates.append(["h1", chosen_h1])
    for cand in candidates:  # rule 2: affix variants count for their core
        for other in candidates:
            if other is not cand and _is_core_of(other[1], cand[1]):
                cand[1] = other[1]
    final = [(source, value) for source, value in candidates]
    return condensed_og(final) or confirmed_headline(final) or vote(final)


def _matching_heading(headings: list[str], others: list[str]) -> str | None:
    """The first <h1> that agrees with another title statement, else the first that reads like
    a headline (3+ words); pages often have a logo or "Log in" <h1> before the headline."""
    keys = {squash(o) for o in others}
    for heading in headings:
        if squash(heading) in keys or any(_is_core_of(heading, o) or _is_core_of(o, heading) for o in others):
            return heading
    return next((h for h in headings if len(h.split()) >= 3), None)


def _host_names(url: str | None) -> list[str]:
    """'https://www.upi.com/x' -> ['upi.com', 'upi']; 'https://news.bbc.co.uk/' -> [..., 'bbc']."""
    try:
        host = (urlsplit(url).hostname or "").lower() if url else ""
    except ValueError:  # bad IPv6 brackets and the like: no host to compare with
        return []
    host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
    labels = host.split(".")
    if len(labels) < 2:
        return []
    suffix = 2 if len(labels) >= 3 and len(labels[-2]) <= 3 else 1  # co.uk, com.au
    names = [host]
    if len(labels) > suffix:
        names.append(labels[-suffix - 1])
    return names


def _names_site(segment: str, sites: list[str]) -> bool:
    """A short segment that is (or contains, or is contained in) one of the site names."""
    seg = squash(segment)
    if not seg or len(segment.split()) > 5:
        return False
    return any(seg == site or (len(seg) >= 3 and len(site) >= 3 and (seg in site or site in seg)) for site in sites)


def strip_site_suffix(title: str, site_name: str | None = None, *, url: str | None = None) -> str:
    """'Headline | Section | The Site | 28.04.2023' -> 'Headline'. Drops end (or start) segments
    that name the site (its name or the URL's host), dates, short segments after a pipe, and a
    one- or two-word section just before a dropped site segment."""
    sites = [squash(name) for name in [site_name, *_host_names(url)] if name]
    sites = [site for site in sites if len(site) >= 2]
    title = strip_tight_site_suffix(title, sites)
    pieces = _TITLE_SEPARATORS.split(title)
    separators = _TITLE_SEPARATORS.findall(title)
    if len(pieces) < 2:
        return title

    def is_date(segment: str) -> bool:
        return re.fullmatch(r"[\d./\-]{6,10}", segment.strip()) is not None

    if _names_site(pieces[0], sites) and len(" ".join(pieces[1:]).split()) >= 3:
        pieces, separators = pieces[1:], separators[1:]
    dropped_site = False
    while len(pieces) > 1:
        last, sep, rest = pieces[-1], separators[-1].strip(), " ".join(pieces[:-1])
        short_after_pipe = sep in ("|", "ㅣ") and len(last.split()) <= 3
        section_before_site = dropped_site and len(last.split()) <= 2 and len(rest.split()) >= 4
        if len(rest.split()) < 2 or not (_names_site(last, sites) or is_date(last) or short_after_pipe
                                         or section_before_site):
            break
        dropped_site = dropped_site or _names_site(last, sites)
        pieces, separators = pieces[:-1], separators[:-1]
    return _join_title(pieces, separators)


def strip_tight_site_suffix(title: str, sites: list[str]) -> str:
    """'Headline-Politics|Site' -> 'Headline': a site name glued to the end by an unspaced
    separator, and the one-word section glued before it. Only when the site name is itself
    glued on, so 'Spider-Man' keeps its hyphen."""
    for i in range(len(title) - 1, 0, -1):
        if title[i] not in _TIGHT_SEPARATOR or title[i - 1].isspace() or title[i + 1:i + 2].isspace():
            continue
        if squash(title[i + 1:]) not in sites:
            return title
        head = title[:i]
        if len(head.split()) < 2:
            return title
        j = max(head.rfind(c) for c in _TIGHT_SEPARATOR)
        section = head[j + 1:]
        if j > 0 and not head[j - 1].isspace() and " " not in section.strip() and len(head[:j].split()) >= 4:
            head = head[:j]
        return head.strip()
    return title


def _join_title(parts: list[str], separators: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(separators, parts[1:], strict=False):
        out += sep + part
    return out.strip()
