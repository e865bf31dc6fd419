"""Linking: which stable identity each recognised span names, one entity per thing in an article.

- `resolve`: one span -> an entity. Known names first (organisations, countries and their
  variants and demonyms, capitals, institutions), then places (GeoNames: continents, cities,
  regions, US states, with the article's countries breaking ties), then kind + slug for names
  nobody listed (`org:acme-widgets`, `place:south-lebanon`), so they can still be counted.
- `link_persons`: case variants, bare surnames and given names of a person become one entity
  within the article ("Choe Son-Hui", "Choe Son-hui", "Choe"); the id is the known person's
  (`entity_persons.csv`) or the slug of the canonical spelling, so the same person gets the same
  id in every article ("Vladimir Putin", "Putin", "President Putin").
- `link_acronyms`: "World Health Organisation (WHO)" defines WHO for the rest of the article.
- Metonymy: a capital standing for its government ("Moscow said") reads as the country and
  keeps its place id in `place_id`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.attrs import IDX
from spacy.lang.en.stop_words import STOP_WORDS as _STOP_WORDS
from spacy.tokens import Doc

from transforms.contracts import Entity, Mention
from transforms.gazetteer import Gazetteer, OrgRecord, get_gazetteer, name_slug, person_slug_id

# Closed word classes the rules below need (grammar, not domain data).
_METONYM_NEXT = frozenset({"said", "says", "say", "has", "have", "had", "is", "was", "will", "would", "could",
                           "should", "may", "might", "must", "wants", "did", "does", "also", "insists",
                           "warns", "accuses", "denies", "claims", "rejects", "calls", "hopes", "seeks", "plans"})
_METONYM_PREV = frozenset({"", ",", "and", "that", "but", "while", ";", "as", "when", "--", "—", "\"", "“"})
_TITLE_MODIFIERS = frozenset({"foreign", "deputy", "acting", "former", "chief", "senior", "top", "vice", "first",
                              "interim", "outgoing", "incoming", "late", "then"})
_PERSON_BLOCK = frozenset({"and", "or", "of", "in", "the", "to", "for", "by", "with"})
_AREA_PREFIXES = ("State of ", "Province of ", "Region of ", "Commonwealth of ")


# --- spans ------------------------------------------------------------------------------------------

class SpanIndex:
    """Character spans sorted by start, for "what overlaps [s, e)?" without scanning them all
    (a 1 MB text has tens of thousands of mentions)."""

    def __init__(self, spans: Iterable[tuple[int, int, object]]) -> None:
        items = sorted(spans, key=lambda x: (x[0], x[1]))
        self.starts = [x[0] for x in items]
        self.items = items
        self.longest = max((x[1] - x[0] for x in items), default=0)

    def overlapping(self, s: int, e: int) -> list[tuple[int, int, object]]:
        i = bisect.bisect_left(self.starts, e)
        out = []
        while i > 0:
            i -= 1
            item = self.items[i]
            if item[0] < s - self.longest:
                break
            if item[1] > s and item[0] < e:
                out.append(item)
        return out


# --- records of one article ------------------------------------------------------------------------

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
    role: str | None = None         # actor role a rule found ("Ukrainian troops" -> MIL)
    country: str | None = None      # country of an organisation or group no table lists

    def to_mention(self) -> Mention:
        return Mention(self.entity_id, self.surface, self.kind, self.sentence_idx, self.start, self.end,
                       round(self.confidence, 3))


@dataclass(slots=True)
class ArticleEntities:
    """Mentions of one text, the entities they may point to, and per-person facts.

    `status`: "ok", "empty" (no text), or "unsupported_language" (not English: nothing recognised).
    """

    text: str
    mentions: list[MentionInfo]
    registry: dict[str, Entity]
    sentence_bounds: list[tuple[int, int]]
    person_facts: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # id -> (iso3, role)
    status: str = "ok"

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


# --- one span -> one entity ------------------------------------------------------------------------

def org_entity(rec: OrgRecord) -> Entity:
    kind = "group" if rec.kind == "group" else "org"
    return Entity(rec.entity_id, kind, rec.canonical_name, rec.country)


def normalise_surface(surface: str, label: str) -> str:
    """Whitespace collapsed, curly apostrophes straightened, ALL-CAPS place names title-cased."""
    norm = " ".join(surface.replace("\u2019", "'").split())
    if norm.isupper() and label in ("GPE", "LOC", "NORP", "RULE") and (len(norm) > 4 or label == "RULE"):
        norm = norm.title()  # datelines and headlines: "SEOUL" -> "Seoul"
    return norm


def resolve(surface: str, label: str, gaz: Gazetteer, *, person_tokens: set[str],
            context: Iterable[str] = ()) -> tuple[Entity, float, str | None] | None:
    """Entity, confidence and metonymy country of one cleaned span, or None when it is no entity.

    `label`: the model's label, GAZ for an alias-table match, RULE for a news rule's place.
    `person_tokens`: words of multi-word person names in the article ("Trump" tagged ORG when
    "Donald Trump" is seen stays a person). `context`: countries the article names.
    """
    norm = normalise_surface(surface, label)
    ner = label not in ("GAZ", "RULE")
    part_of_name = label in ("PERSON", "ORG") and norm in person_tokens
    if not part_of_name:
        rec = gaz.org_lookup(norm, ner=ner or label == "RULE")
        if rec is not None:
            return org_entity(rec), 0.95 if ner else 0.85, None
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
    if label in ("ORG", "FAC", "PERSON") and not part_of_name:
        region = gaz.region_named(norm)  # "Crimea" tagged as an organisation
        if region is None and label != "PERSON":
            for prefix in _AREA_PREFIXES:  # "State of Texas" tagged as an organisation
                if norm.startswith(prefix):
                    region = gaz.region_named(norm[len(prefix):]) or gaz.us_state(norm[len(prefix):])
        if region is not None:
            return region, 0.7, None
    if label == "PERSON" and " " not in norm and not part_of_name and norm[:1].isupper() \
            and not gaz.person_surnames.get(norm.casefold()) and not gaz.person_given.get(norm.casefold()):
        place = gaz.big_place(norm)  # "Tuscany", "Evansville" tagged as a person
        if place is not None:
            return place, 0.6, None
    if label == "PERSON" or part_of_name:
        return Entity(person_slug_id(norm), "person", norm, None), 0.85, None
    if label in ("GPE", "LOC", "FAC") and norm in person_tokens and " " not in norm \
            and gaz.place_entity(norm, label, context) is None:
        return Entity(person_slug_id(norm), "person", norm, None), 0.7, None  # "Sondland" after "Gordon Sondland"
    if label in ("GPE", "LOC", "RULE"):
        place = gaz.place_entity(norm, label, context)
        if place is None:
            for prefix in _AREA_PREFIXES:  # "State of Texas"
                if norm.startswith(prefix):
                    place = gaz.place_entity(norm[len(prefix):], label, context)
                    break
        if place is not None:
            return place, 0.85, None
    slug = name_slug(norm)
    if not slug:
        return None
    if label in ("GPE", "LOC", "FAC", "RULE"):
        return Entity(f"place:{slug}", "place", norm, country_inside(norm, gaz)), 0.7, None
    return Entity(f"org:{slug}", "org", norm, country_inside(norm, gaz)), 0.7, None


def country_inside(name: str, gaz: Gazetteer) -> str | None:
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


# --- metonymy -------------------------------------------------------------------------------------

def metonymic_surface(text: str, m: MentionInfo) -> bool:
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


# --- acronyms --------------------------------------------------------------------------------------

_ACRONYM_DEF = re.compile(r"\s?\(([A-Z][A-Za-z0-9&.\-]{1,9})\)")


def _initials_match(acronym: str, name: str) -> bool:
    """"WHO" for "World Health Organisation", "JSC" for "Johnson Space Center", "M5S" loosely."""
    letters = [ch for ch in acronym if ch.isalpha() and ch.isupper()]
    caps = [w[0] for w in re.split(r"[\s\-]+", name) if w[:1].isupper() or w[:1].isdigit()]
    if len(letters) < 2 or not caps or letters[0] != caps[0]:
        return False
    it = iter(caps + [ch for ch in name if ch.isupper()])
    return all(any(c == ch for c in it) for ch in letters[1:])


def link_acronyms(article: ArticleEntities, sent_of: Callable[[int], int]) -> None:
    """"Name (ABBR)" makes ABBR mean the name's entity in this article, wherever it appears."""
    text = article.text
    by_end = {}
    for m in article.mentions:
        if m.kind != "person" and not m.stance:
            by_end.setdefault(m.end, m)
    defined: dict[str, MentionInfo] = {}
    for match in _ACRONYM_DEF.finditer(text):
        name = by_end.get(match.start())
        abbr = match.group(1)
        if name is None or abbr in defined or not _initials_match(abbr, name.surface):
            continue
        defined[abbr] = name
    if not defined:
        return
    covered = {(m.start, m.end): m for m in article.mentions}
    index = SpanIndex((m.start, m.end, m) for m in article.mentions)
    added = []
    for abbr, name in defined.items():
        for hit in re.finditer(r"(?<![\w-])" + re.escape(abbr) + r"(?![\w-])", text):
            s, e = hit.span()
            m = covered.get((s, e))
            if m is not None:
                if m.kind != "person":
                    m.entity_id, m.kind = name.entity_id, name.kind
                continue
            if index.overlapping(s, e):
                continue
            info = MentionInfo(name.entity_id, name.kind, abbr, s, e, sent_of(s), 0.8, "RULE", role=name.role)
            added.append(info)
            covered[(s, e)] = info
    article.mentions.extend(added)


# --- persons ---------------------------------------------------------------------------------------

def _name_key(surface: str) -> str:
    return " ".join(surface.casefold().split())


def _canonical_form(variants: Counter, first_seen: dict[str, int]) -> str:
    """Most frequent spelling; ties go to the properly capitalised form with fewest capitals."""
    def key(v: str) -> tuple:
        words_ok = all(w[:1].isupper() for w in v.split())
        return (-variants[v], not words_ok, sum(ch.isupper() for ch in v), first_seen[v])
    return min(variants, key=key)


class TokenIndex:
    """Character offset -> token index for one Doc, built from arrays (no Token objects per token)."""

    def __init__(self, doc: Doc, ents: list | None = None, sentence_chars: Iterable[int] = (),
                 text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        self.idx: list[int] = doc.to_array(IDX).tolist() if len(doc) else []
        self.at: dict[int, int] = dict(zip(self.idx, range(len(self.idx))))
        self.ents = list(doc.ents) if ents is None else ents
        self.sentence_chars = frozenset(sentence_chars)  # character offsets where sentences start


_WORDS_BEFORE = re.compile(r"['\u2019]s\b|[^\W_](?:[\w.\-]*[^\W_])?\.?|\S")


def title_context(tokens: TokenIndex, m: MentionInfo, mentions: SpanIndex,
                  gaz: Gazetteer) -> tuple[str | None, str | None, str | None]:
    """Country, role and office title from the words before a person's name.

    "Pyongyang's Foreign Minister Choe Son-hui", "Ukraine Foreign Minister Dmytro Kuleba",
    "Russian President Vladimir": titles give the role, the nearest country word before them the
    country ("Ambassador to Russia" does not make the ambassador Russian). Words are read from the
    text (no Token objects); `mentions` finds the mention a word belongs to.
    """
    text = tokens.text
    window = max(0, m.start - 160)
    line = text.rfind("\n", window, m.start)
    window = line + 1 if line >= 0 else window
    words = [(w.start(), w.end(), w.group(0)) for w in _WORDS_BEFORE.finditer(text, window, m.start)]
    country = role = office = None
    i, steps = len(words) - 1, 0

    def lower(k: int) -> str:
        return words[k][2].lower()

    while i >= 0 and steps < 10:
        steps += 1
        ws, we, word_text = words[i]
        if word_text in ("'s", "\u2019s"):
            i -= 1
            continue
        word = word_text.lower()
        two = f"{lower(i - 1)} {word}" if i > 0 else ""
        three = f"{lower(i - 2)} {two}" if i > 1 else ""
        if three and gaz.is_title(three):  # "Secretary of State"
            role = role or gaz.role_of(three)
            office = office or three
            i -= 3
            continue
        hits = [pm for _s, _e, pm in mentions.overlapping(ws, we) if pm is not m]
        pm = min(hits, key=lambda x: (x.start, x.end)) if hits else None
        if pm is not None and pm.kind in ("country", "place", "org", "group"):
            first = i
            while first > 0 and words[first - 1][0] >= pm.start:
                first -= 1
            before = lower(first - 1) if first > 0 else ""
            if before in ("to", "in", "for", "from", "at"):  # "Ambassador to Russia"
                i = first - 2
                continue
            iso = mention_country(pm, gaz)
            if iso and not pm.stance:
                country = iso
            break
        if two and gaz.is_title(two):
            role = role or gaz.role_of(two)
            office = office or two
            i -= 2
            continue
        if gaz.is_title(word) or word in _TITLE_MODIFIERS:
            role = role or gaz.role_of(word)
            if word not in _TITLE_MODIFIERS:
                office = office or word
            i -= 1
            continue
        break
    return country, role, office


def link_persons(tokens: TokenIndex, article: ArticleEntities, persons: list[MentionInfo],
                 sent_of: Callable[[int], int]) -> None:
    """One entity per person in the article: case variants, bare surnames and given names merge.

    Full names (two words or more) form clusters by their case-folded spelling; a one-word
    mention joins the cluster whose last word (else first word) it equals, preferring the most
    mentioned cluster; failing that, the one known person it means ("Putin"; "Vladimir" after
    "Russian President"). Name parts of a cluster also link where the model missed them.
    """
    gaz = get_gazetteer()
    clusters: dict[str, list[MentionInfo]] = {}
    order: list[str] = []
    for m in persons:
        if " " in m.surface.strip():
            key = _name_key(m.surface)
            if key not in clusters:
                clusters[key] = []
                order.append(key)
            clusters[key].append(m)
    for key in list(order):  # "George Bush" into "George W. Bush": same first and last word
        words = key.split()
        for other in order:
            ow = other.split()
            if other != key and len(ow) > len(words) and ow[0] == words[0] and ow[-1] == words[-1] \
                    and key in clusters and other in clusters:
                clusters[other].extend(clusters.pop(key))
                break
    order = [k for k in order if k in clusters]
    rank = {k: n for n, k in enumerate(order)}
    by_word: tuple[dict[str, list[str]], dict[str, list[str]]] = ({}, {})  # last words, first words
    for k in order:
        by_word[0].setdefault(k.split()[-1], []).append(k)
        by_word[1].setdefault(k.split()[0], []).append(k)

    def find_cluster(word: str) -> str | None:
        word = word.casefold()
        for table in by_word:
            hits = table.get(word)
            if hits:
                return max(hits, key=lambda k: (len(clusters[k]), -rank[k]))
        return None

    known: dict[str, str] = {}  # cluster key -> known person id
    singles = [m for m in persons if " " not in m.surface.strip()]
    mention_index = SpanIndex((x.start, x.end, x) for x in article.mentions) if singles else None
    for m in singles:
        target = find_cluster(m.surface)
        if target is None:
            rec = gaz.person_by_surname(m.surface)
            if rec is None:
                country, _role, office = title_context(tokens, m, mention_index, gaz)
                rec = gaz.person_by_given_name(m.surface, country, office)
            key = f"known:{rec.entity_id}" if rec is not None else _name_key(m.surface)
            if rec is not None:
                known[key] = rec.entity_id
            if key not in clusters:
                clusters[key] = []
                order.append(key)
            target = key
        clusters[target].append(m)

    _link_name_parts(tokens, article, clusters, order, sent_of)

    for key, members in clusters.items():
        full = [m for m in members if " " in m.surface.strip()] or members
        variants = Counter(" ".join(m.surface.split()) for m in full)
        first_seen: dict[str, int] = {}
        for m in sorted(full, key=lambda m: m.start):
            first_seen.setdefault(" ".join(m.surface.split()), m.start)
        canonical = _canonical_form(variants, first_seen)
        rec = gaz.persons.get(known[key]) if key in known else None
        if rec is None:
            rec = next((r for v in variants if (r := gaz.person_lookup(v)) is not None), None)
        if rec is not None:
            entity = Entity(rec.entity_id, "person", rec.canonical_name, rec.country)
        else:
            entity = Entity(person_slug_id(canonical), "person", canonical, None)
        article.registry.setdefault(entity.entity_id, entity)
        for m in members:
            m.entity_id = entity.entity_id


_CAPITALISED = re.compile(r"(?<![\w'\u2019-])[^\W\d_a-z][^\W_]*(?![\w-])")
_NEXT_WORD = re.compile(r"[ \t]+(\S+)")
_PREV_WORD = re.compile(r"(\S+)[ \t]+$")


def _link_name_parts(tokens: TokenIndex, article: ArticleEntities, clusters: dict[str, list[MentionInfo]],
                     order: list[str], sent_of: Callable[[int], int]) -> None:
    """"Choe wrote ...": a capitalised first or last word of a full name the model did not tag.

    Not inside another name: the word before and after must not be capitalised words of a name.
    """
    parts = {}
    for key in order:
        words = key.split()
        if len(words) >= 2 and not key.startswith("known:"):
            for w in (words[0], words[-1]):
                if len(w) >= 3 and w.isalpha() and w not in _STOP_WORDS:
                    parts.setdefault(w, key)
    if not parts:
        return
    text = article.text
    covered = sorted([(m.start, m.end) for m in article.mentions] + [(e.start_char, e.end_char) for e in tokens.ents])
    starts = [c[0] for c in covered]

    def is_covered(s: int, e: int) -> bool:
        i = bisect.bisect_right(starts, e) - 1
        while i >= 0:
            cs, ce = covered[i]
            if cs < e and s < ce:
                return True
            if cs < s - 300:
                break
            i -= 1
        return False

    sentence_chars = tokens.sentence_chars
    for hit in _CAPITALISED.finditer(text):
        if hit.group(0).casefold() not in parts:
            continue
        s, e = hit.span()
        if s not in tokens.at or is_covered(s, e):
            continue
        nxt = _NEXT_WORD.match(text, e)
        if nxt and nxt.group(1)[:1].isupper() and nxt.group(1).isalpha():
            continue
        window = max(0, s - 60)
        prv = _PREV_WORD.search(text[window:s])
        if prv is not None:
            word = prv.group(1)
            if word[:1].isupper() and word.isalpha() and window + prv.start(1) not in sentence_chars \
                    and word.lower() not in _PERSON_BLOCK:
                continue
        info = MentionInfo("", "person", text[s:e], s, e, sent_of(s), 0.7, "LINK")
        clusters[parts[hit.group(0).casefold()]].append(info)
        article.mentions.append(info)


def person_context(tokens: TokenIndex, article: ArticleEntities) -> None:
    """Country and role of each person from the words before the name (first mention that says wins).

    The person entity takes that country as its country_code when no table gave one.
    """
    gaz = get_gazetteer()
    mention_index = SpanIndex((x.start, x.end, x) for x in article.mentions)
    facts: dict[str, tuple[str | None, str | None]] = {}
    for m in sorted(article.mentions, key=lambda m: m.start):
        if m.kind != "person" or (m.entity_id in facts and all(facts[m.entity_id])):
            continue
        country, role, _office = title_context(tokens, m, mention_index, gaz)
        old = facts.get(m.entity_id, (None, None))
        facts[m.entity_id] = (old[0] or country, old[1] or role)
    for eid, (iso, role) in list(facts.items()):
        rec = gaz.persons.get(eid)
        if rec is not None:
            facts[eid] = (iso or rec.country, role or rec.role)
    article.person_facts = facts
    for eid, (iso, _role) in facts.items():
        ent = article.registry.get(eid)
        if ent is not None and iso and ent.country_code is None:
            article.registry[eid] = Entity(ent.entity_id, ent.kind, ent.canonical_name, iso, ent.lat, ent.lon)


# --- what a mention stands for ---------------------------------------------------------------------

def mention_country(m: MentionInfo, gaz: Gazetteer | None = None) -> str | None:
    """The country a mention stands for or belongs to."""
    gaz = gaz or get_gazetteer()
    if m.kind == "country":
        return m.entity_id.split(":", 1)[1]
    if m.metonym_of:
        return m.metonym_of
    if m.kind in ("org", "group"):
        rec = gaz.orgs.get(m.entity_id)
        if rec is not None:
            return rec.country
        return m.country
    return None


def mention_role(m: MentionInfo) -> str | None:
    """Actor role implied by the entity itself: IGO, MED, GOV for a capital read as its government."""
    if m.role is not None:
        return m.role
    if m.kind in ("org", "group"):
        rec = get_gazetteer().orgs.get(m.entity_id)
        return rec.role if rec is not None else None
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
