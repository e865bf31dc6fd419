"""Entities of a news text: spaCy NER plus news rules, linked to stable ids.

This module recognises spans; `transforms.linking` decides what they refer to and
`transforms.gazetteer` holds the tables. Ids (DESIGN "Tables"): countries `country:<ISO alpha-3>`,
places `place:geonames:<id>` (or `place:<slug>` when the gazetteer does not know them),
organisations and armed or breakaway groups from the alias table (`org:nato`,
`group:donetsk-peoples-republic`), state institutions `org:<iso3>-<key>` (`org:rus-foreign-ministry`,
`org:ukr-armed-forces`), unnamed rebels `group:<iso3>-rebels`, persons `person:<slug>` of the
canonical name (a known person's id when the table lists them), unknown organisations `org:<slug>`.

News rules the model misses, each general:
- spans never cross a line break, lose determiners, possessives, titles and "(ABBR)" tails;
- "Foreign Minister X", "Mr. X", "striker X": a title or honorific before capitalised words is a person;
- ALL-CAPS datelines ("SEOUL, July 14 (UPI) --") give a place and an agency;
- alias-table names the model did not tag ("U.S." in "U.S.-led", "EPA-EFE", "Kyiv");
- "the Russian Foreign Ministry", "Ukrainian government forces": institutions of a named country;
- "Russian-backed rebels", "separatists": rebels of the country they fight in;
- "North and South Korea", "the republics of Donetsk and Lugansk": one mention per name.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.attrs import IDX
from spacy.tokens import Doc

from transforms.contracts import Entity
from transforms.gazetteer import (DATA, CapitalRecord, CountryAlias, Gazetteer, OrgRecord, get_gazetteer,
                                  strip_determiner)
from transforms.nlp import SENT_STARTS_KEY, STATUS_KEY, TEXT_KEY, split_sentences
from transforms.linking import (ArticleEntities, MentionInfo, SpanIndex, TokenIndex, clusters_by_kind, link_acronyms,
                                link_persons, mention_country, mention_role, metonymic_surface, org_entity,
                                person_context, resolve)

log = logging.getLogger(__name__)

NER_LABELS = frozenset({"GPE", "LOC", "NORP", "ORG", "PERSON", "FAC"})

# Closed word classes the rules below need (grammar, not domain data).
_DETERMINERS = ("the ", "The ", "THE ")
_STANCE_PREFIXES = ("pro-", "Pro-", "anti-", "Anti-", "non-", "Non-", "ex-")
_STANCE_SUFFIXES = frozenset({"backed", "sponsored", "allied", "aligned", "supported", "funded", "controlled",
                              "occupied", "held", "annexed", "installed", "friendly", "leaning", "speaking", "led",
                              "based", "born", "made", "bound"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "rev", "fr", "mr.",
                         "mrs.", "ms.", "dr.", "rev.", "fr.", "st."})
_CALENDAR = frozenset({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
                       "February", "March", "April", "May", "June", "July", "August", "September", "October",
                       "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
                       "Oct", "Nov", "Dec", "I", "The", "A", "An", "In", "On", "At", "He", "She", "It", "They",
                       "We", "But", "And", "This", "That"})
_PARTICLES = r"(?:al|el|bin|ibn|van|von|de|da|del|der|den|le|la|du|dos|di|ben)(?=[ -])"
_NAME_TOKEN = r"(?:[A-Z\u00C0-\u00DE][\w'\u2019\-]*\w|[A-Z]\.|" + _PARTICLES + ")"
_NAME_AFTER_TITLE = re.compile(r"[ \u00A0](" + _NAME_TOKEN + r"(?:[ \-]" + _NAME_TOKEN + r"){0,4})")


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    label: str
    stance: bool = False
    lookup: str | None = None      # the name to resolve when it differs from the span ("North" -> "North Korea")
    entity: Entity | None = None   # already linked by a rule
    role: str | None = None
    confidence: float | None = None
    place_hint: frozenset[str] | None = None  # the text says it is a place (in these countries, if any)


def sentence_bounds(doc: Doc, text: str | None = None) -> list[tuple[int, int]]:
    """Character span of each spaCy sentence, whitespace trimmed (empty sentences keep an empty span)."""
    starts = doc.user_data.get(SENT_STARTS_KEY) if doc.user_data else None
    if starts is not None:  # set by transforms.nlp.split_sentences: no Span objects needed
        idx = doc.to_array(IDX).tolist() if len(doc) else []
        text = doc.text if text is None else text
        bounds = []
        for n, tok in enumerate(starts):
            s = idx[tok]
            e = idx[starts[n + 1]] if n + 1 < len(starts) else len(text)
            seg = text[s:e]
            lead = len(seg) - len(seg.lstrip())
            bounds.append((s + lead, max(s + lead, s + len(seg.rstrip()))))
        return bounds
    if not doc.has_annotation("SENT_START"):  # a Doc that did not come through recognize()
        split_sentences(doc)
        return sentence_bounds(doc, text)
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
    text = doc.user_data.get(TEXT_KEY) if doc.user_data else None
    if text is None or len(text) != (doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0):
        text = doc.text
    status = doc.user_data.get(STATUS_KEY, "ok") if doc.user_data else "ok"
    if not text.strip():
        status = "empty"
    bounds = sentence_bounds(doc, text) if len(doc) else []
    if status != "ok":
        return ArticleEntities(text, [], {}, bounds, status=status)
    starts = [b[0] for b in bounds]

    def sent_of(char: int) -> int:
        return max(0, bisect.bisect_right(starts, char) - 1)

    ents = list(doc.ents)
    ner = _ner_candidates(doc, text, ents, gaz)
    ruled = _dateline_candidates(text, gaz) + _title_person_candidates(text, ents, gaz) \
        + _coordinated_candidates(text, gaz)
    candidates = _merge(ner, ruled)
    candidates = _add_gazetteer_matches(text, candidates, gaz)
    institutions = _institution_candidates(text, candidates, gaz)
    if institutions:
        candidates = _merge(candidates, institutions, keep_nested=True)
    group_hits = _group_pattern_matches(text, gaz)
    if group_hits:
        groups = SpanIndex((g.start, g.end, g) for g in group_hits)
        candidates = [c for c in candidates if not groups.overlapping(c.start, c.end)]
        candidates = sorted(candidates + group_hits, key=lambda c: (c.start, c.end))

    mentions, registry, person_spans = _link_candidates(text, candidates, gaz, sent_of)
    datelines = _datelines(text)
    if datelines:  # a dateline place is where, never who
        index = SpanIndex((m.start, m.end, m) for m in mentions if m.metonym_of)
        for start, end, _place, _agency in datelines:
            for _s, _e, m in index.overlapping(start, end):
                if start <= m.start < end:
                    m.metonym_of = None
    article = ArticleEntities(text, mentions, registry, bounds)
    link_acronyms(article, sent_of)
    _add_rebels(article, sent_of, gaz)
    tokens = TokenIndex(doc, ents, starts, text)
    link_persons(tokens, article, person_spans, sent_of)
    person_context(tokens, article)
    for m in article.mentions:
        if m.metonym_of and metonymic_surface(text, m):
            article.read_as_country(m, 0.75)
    article.mentions.sort(key=lambda m: (m.start, m.end))
    return article


def _link_candidates(text: str, candidates: list[_Candidate], gaz: Gazetteer, sent_of
                     ) -> tuple[list[MentionInfo], dict[str, Entity], list[MentionInfo]]:
    """Mentions of the candidates that name something, the entities they name, and the persons among them."""
    context = _article_countries(text, candidates, gaz)
    _place_hints(text, candidates, gaz)
    registry: dict[str, Entity] = {}
    mentions: list[MentionInfo] = []
    person_spans: list[MentionInfo] = []
    person_surfaces = {text[c.start:c.end] for c in candidates if c.label == "PERSON"}
    multi_person_tokens = {w for s in person_surfaces if " " in s for w in s.split()}
    for cand in candidates:
        surface = text[cand.start:cand.end]
        hinted = _hinted_place(surface, cand, gaz, context) if cand.place_hint is not None else None
        if cand.entity is not None:
            entity, confidence, metonym_of = cand.entity, cand.confidence or 0.8, None
        elif hinted is not None:
            entity, confidence, metonym_of = hinted, 0.8, None
        else:
            resolved = resolve(cand.lookup or surface, cand.label, gaz, person_tokens=multi_person_tokens,
                               context=context)
            if resolved is None:
                continue
            entity, confidence, metonym_of = resolved
        stance = cand.stance or _stance_suffix(text, cand.end)
        if entity.kind != "person":
            registry.setdefault(entity.entity_id, entity)
        info = MentionInfo(entity.entity_id, entity.kind, surface, cand.start, cand.end, sent_of(cand.start),
                           0.5 if stance else (cand.confidence or confidence), cand.label, stance=stance,
                           metonym_of=metonym_of, role=cand.role)
        if entity.kind in ("org", "group") and entity.entity_id not in gaz.orgs:
            info.country = entity.country_code
        if entity.kind == "person":
            person_spans.append(info)
        mentions.append(info)
    return mentions, registry, person_spans


def extract_all(docs: Iterable[Doc]) -> list[ArticleEntities]:
    """`extract_entities` over a batch (the shape the entity stage is benchmarked in)."""
    return [extract_entities(doc) for doc in docs]


# --- candidates from the model ---------------------------------------------------------------------

def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def _ner_candidates(doc: Doc, text: str, ents: list, gaz: Gazetteer) -> list[_Candidate]:
    """NER spans of the kept labels, trimmed of determiners, possessives, titles and credit debris."""
    out = []
    for ent in ents:
        if ent.label_ not in NER_LABELS:
            continue
        start_tok, end_tok = ent.start, ent.end
        if ent.label_ == "PERSON":  # "Choe Son" + "-" + "hui": hyphenated given names
            while (end_tok + 1 < len(doc) and doc[end_tok].text in ("-", "\u2010", "\u2011")
                   and not doc[end_tok - 1].whitespace_ and not doc[end_tok].whitespace_
                   and doc[end_tok + 1].is_alpha and not doc[end_tok + 1].is_stop):
                end_tok += 2
        span = doc[start_tok:end_tok]
        for start, end in _pieces(text, span.start_char, span.end_char, gaz):
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


def _pieces(text: str, start: int, end: int, gaz: Gazetteer) -> list[tuple[int, int]]:
    """A span cut at line breaks and before a parenthesis ("World Health Organisation (WHO").

    A piece that is a whole line by itself (a heading, "Election Results") is dropped unless it
    is a known name.
    """
    seg = text[start:end]
    paren = seg.find(" (")
    if paren < 0:
        paren = seg.find("(") if seg.find("(") > 0 else -1
    if paren > 0:
        end = start + paren
        seg = seg[:paren]
    if "/" in seg:  # credit lines: "Jane Doe/AFP", "Bui Lam Khanh/EPA-EFE"
        cut = seg.rfind("/")
        tail = seg[cut + 1:].strip()
        if tail and gaz.org_lookup(tail, ner=True) is not None:
            return _pieces(text, start, start + cut, gaz) + [(start + cut + 1, end)]
    if "\n" not in seg:
        return [(start, end)]
    out, pos = [], start
    for piece in seg.split("\n"):
        s, e = pos, pos + len(piece)
        pos = e + 1
        if not piece.strip():
            continue
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        whole_line = not text[line_start:s].strip() and not text[e:line_end].strip(" .:")
        if whole_line and not (gaz.org_lookup(piece.strip(), ner=True) or gaz.country_lookup(piece.strip())):
            continue
        out.append((s, e))
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
        three = " ".join(words[i:i + 3])
        if len(words) - i > 3 and gaz.is_title(three):
            i += 3
        elif len(words) - i > 2 and gaz.is_title(two):
            i += 2
        elif gaz.is_title(words[i]) or words[i].lower() in _HONORIFICS or _country_word(words[i], gaz):
            i += 1
        else:
            break
    return start + sum(len(w) + 1 for w in words[:i])


def _country_word(word: str, gaz: Gazetteer) -> bool:
    """"US" in "US President Barack Obama": a country word before a title, not part of the name."""
    alias = gaz.country_alias.get(word)
    return alias is not None and alias.iso3 is not None and not alias.ambiguous


def _plausible(surface: str, label: str, gaz: Gazetteer) -> bool:
    """Reject empty, numeric, lowercase-only, over-long and stoplisted spans."""
    if not surface or not any(ch.isalpha() for ch in surface) or len(surface) < 2:
        return False
    if surface in gaz.stoplist or strip_determiner(surface) in gaz.stoplist:
        return False
    if label in ("PERSON", "ORG", "GPE", "LOC", "FAC") and surface == surface.lower():
        return False
    if len(surface.split()) > 8:
        return False
    if label in ("ORG", "GPE") and " " not in surface and gaz.role_of(surface) is not None:
        return False  # "State" in "Secretary of State", "Parliament" alone
    if label == "PERSON" and " " not in surface and gaz.is_title(surface):
        return False  # "President" alone
    return True


def _stance_suffix(text: str, end: int) -> bool:
    """"Russian-backed", "U.S.-allied": the name qualifies someone else."""
    m = re.match(r"[-\u2010\u2011](\w+)", text[end:end + 20])
    return bool(m and m.group(1).lower() in _STANCE_SUFFIXES)


def _merge(base: list[_Candidate], ruled: list[_Candidate], *, keep_nested: bool = False) -> list[_Candidate]:
    """Rule candidates replace the model's candidates they overlap.

    `keep_nested`: a base candidate inside a linked rule span stays ("Ukrainian" inside
    "Ukrainian government forces" is still a mention of Ukraine).
    """
    if not ruled:
        return sorted(base, key=lambda c: (c.start, c.end))
    spans = {(r.start, r.end) for r in ruled}
    index = SpanIndex((r.start, r.end, r) for r in ruled)
    kept = []
    for c in base:
        hits = [r for _s, _e, r in index.overlapping(c.start, c.end)]
        if not hits:
            kept.append(c)
        elif keep_nested and (c.start, c.end) not in spans and \
                all(r.start <= c.start and c.end <= r.end and r.entity is not None for r in hits):
            kept.append(c)
    return sorted(kept + ruled, key=lambda c: (c.start, c.end))


# --- news rules ------------------------------------------------------------------------------------

_DATELINE = re.compile(r"(?m)^(?P<place>[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3})"
                       r"(?:, (?P<qual>[A-Z][\w.]*(?: [A-Z][\w.]*)?|[A-Z][a-z]+\.? \d{1,2}))*"
                       r"(?: \((?P<agency>[^)\n]{2,40})\))? ?(?:--|\u2014|\u2013|-|:) ")


def _datelines(text: str) -> list[tuple[int, int, tuple[int, int], tuple[int, int] | None]]:
    """Datelines at the start of a paragraph: (span, place span, agency span)."""
    out = []
    for m in _DATELINE.finditer(text):
        place = m.span("place")
        if len(text[place[0]:place[1]].replace(".", "")) < 3:
            continue
        agency = m.span("agency") if m.group("agency") else None
        out.append((m.start(), m.end(), place, agency))
    return out


def _dateline_candidates(text: str, gaz: Gazetteer) -> list[_Candidate]:
    """"SEOUL, July 14 (UPI) --", "KYIV, Ukraine (AP) —": the place (title-cased for lookup) and the agency."""
    out = []
    for _s, _e, (ps, pe), agency in _datelines(text):
        lookup = text[ps:pe].title()
        found = resolve(lookup, "RULE", gaz, person_tokens=set())
        if found is None or found[1] < 0.8:  # "BREAKING:" is no place
            continue
        out.append(_Candidate(ps, pe, "RULE", lookup=lookup, confidence=0.9))
        if agency is not None:
            a0, a1, _ = _trim(text, *agency)
            if gaz.org_lookup(text[a0:a1], ner=True) is not None:
                out.append(_Candidate(a0, a1, "GAZ", confidence=0.9))
    return out


def _title_person_candidates(text: str, ents: list, gaz: Gazetteer) -> list[_Candidate]:
    """"Foreign Minister Sergei Lavrov", "Mr. Smith", "striker Harry Kane": the words after a title.

    Not when the model calls the title itself part of another name ("General Motors"), nor when
    the words are a known country, organisation or place ("Captain America").
    """
    if gaz.title_matcher is None:
        return []
    non_person = SpanIndex((e.start_char, e.end_char, None) for e in ents if e.label_ not in ("PERSON", "NORP"))
    out = []
    for m in gaz.title_matcher.finditer(text):
        ts, te = m.span()
        if non_person.overlapping(ts, te):
            continue
        nm = _NAME_AFTER_TITLE.match(text, te)
        if nm is None:
            continue
        words = nm.group(1).split(" ")
        while words and (words[-1] in _CALENDAR or words[-1].endswith(".") and len(words[-1]) == 2):
            words.pop()
        while words and words[0] in _CALENDAR:
            words = []
        if not words:
            continue
        name = " ".join(words)
        start = nm.start(1)
        end = start + len(name)
        start, end, _ = _trim(text, start, end)
        name = text[start:end]
        if not name or not name[0].isupper() or gaz.is_title(name) or len(name) < 2 \
                or gaz.role_of(name.split()[0]) is not None or name.split()[0] in gaz.institutions:
            continue  # "Justice Ministry", "Defence Forces": an institution, not a name
        if gaz.org_lookup(name, ner=True) or gaz.country_lookup(name) or gaz.capital_lookup(name) \
                or gaz.org_lookup(f"{m.group(0)} {name}", ner=True):
            continue
        if any(not (start <= s and e <= end) for s, e, _ in non_person.overlapping(start, end)):
            continue
        out.append(_Candidate(start, end, "PERSON", confidence=0.85))
    return out


_COORDINATED = re.compile(r"(?<![\w-])(North|South|East|West|Northern|Southern|Eastern|Western)"
                          r" and (North|South|East|West|Northern|Southern|Eastern|Western) ([A-Z][a-z]+)\b")


def _coordinated_candidates(text: str, gaz: Gazetteer) -> list[_Candidate]:
    """"North and South Korea" -> "North" (North Korea) and "South Korea"."""
    out = []
    for m in _COORDINATED.finditer(text):
        head = m.group(3)
        first, second = f"{m.group(1)} {head}", f"{m.group(2)} {head}"
        if all(gaz.country_lookup(n) or gaz.org_lookup(n, ner=True) for n in (first, second)):
            out.append(_Candidate(m.start(1), m.end(1), "GPE", lookup=first))
            out.append(_Candidate(m.start(2), m.end(3), "GPE"))
    return out


def _add_gazetteer_matches(text: str, candidates: list[_Candidate], gaz: Gazetteer) -> list[_Candidate]:
    """Alias-table matches the model missed ("U.S." in "U.S.-led", "EPA-EFE"), case-sensitive.

    A known person's full name also replaces the shorter name the model saw inside it
    ("Recep Tayyip Erdogan" where the model tagged "Tayyip Erdogan").
    """
    out = list(candidates)
    spans = sorted(((c.start, c.end), i) for i, c in enumerate(candidates))
    keys = [s for s, _ in spans]
    dropped: set[int] = set()
    for m in gaz.text_matcher.finditer(text):
        start, end = m.span()
        i = bisect.bisect_left(keys, (end, -1))
        near = [j for (s, e), j in spans[max(0, i - 8):i + 1] if _overlaps(start, end, s, e)]
        name = m.group(0)
        if near:
            inner = [candidates[j] for j in near]
            if gaz.person_lookup(name) is not None and all(
                    c.label == "PERSON" and start <= c.start and c.end <= end for c in inner) \
                    and any((c.start, c.end) != (start, end) for c in inner):
                dropped.update(near)
                out.append(_Candidate(start, end, "PERSON"))
            continue
        stance = any(text[max(0, start - len(p)):start] == p for p in _STANCE_PREFIXES)
        if gaz.org_lookup(name, ner=False) or gaz.country_lookup(name) or gaz.capital_lookup(name):
            label = "GAZ"
        elif gaz.person_lookup(name) is not None:
            label = "PERSON"
        else:
            label = "RULE"  # a region of the table ("Gaza Strip", "Donbas")
        out.append(_Candidate(start, end, label, stance))
    if dropped:
        gone = {id(candidates[j]) for j in dropped}
        out = [c for c in out if id(c) not in gone]
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _institution_candidates(text: str, candidates: list[_Candidate], gaz: Gazetteer) -> list[_Candidate]:
    """"the Russian Foreign Ministry", "Ukraine's defence ministry", "Ukrainian government forces",
    "Ministry of Foreign Affairs of Ukraine" -> `org:<iso3>-<institution>`; a stance ("pro-Russian
    forces", "Russian-backed forces") or a known organisation's name ("Free Syrian Army") is not one.
    """
    if gaz.institution_matcher is None:
        return []
    known = SpanIndex((c.start, c.end, None) for c in candidates
                      if c.label in ("GAZ", "ORG") and gaz.org_lookup(text[c.start:c.end], ner=c.label == "ORG"))
    longer = SpanIndex((c.start, c.end, None) for c in candidates  # "Italian Supreme Court of Cassation"
                       if c.label in ("ORG", "FAC") and " of " in text[c.start:c.end])
    out = []
    for m in gaz.institution_matcher.finditer(text):
        cgroup, igroup = ("c1", "i1") if m.group("c1") else ("c2", "i2")
        cs, ce = m.span(cgroup)
        alias = gaz.country_alias.get(text[cs:ce])
        if alias is None or alias.iso3 is None:
            continue
        if text[max(0, m.start() - 4):m.start()].lower() == "pro-" or _stance_suffix(text, ce):
            continue
        hits = known.overlapping(m.start(), m.end())
        if any(not (m.start() <= s and e <= m.end()) for s, e, _ in hits + longer.overlapping(m.start(), m.end())):
            continue  # "Free Syrian Army": a known or longer name around it
        if any((s, e) != (cs, ce) for s, e, _ in hits):
            continue  # "Russian central bank": a known name for it
        inst = gaz.institutions[m.group(igroup)]
        entity = gaz.institution_entity(alias.iso3, inst)
        out.append(_Candidate(m.start(), m.end(), "RULE", entity=entity, role=inst.role, confidence=0.8))
        out.append(_Candidate(cs, ce, "GAZ"))
    return out


_GROUP_NOUNS = {"rebels": "REB", "separatists": "SEP", "insurgents": "INS", "militants": "REB",
                "guerrillas": "REB", "guerillas": "REB", "jihadists": "REB", "militias": "REB", "militiamen": "REB"}
_REBELS = re.compile(r"(?<![\w-])(?:(?P<sponsor>[A-Z][\w.]*(?:-| )(?:backed|sponsored|supported|allied|aligned|"
                     r"funded|armed|led)) |(?P<pro>[Pp]ro-[A-Z][\w.]*) )?(?P<noun>" + "|".join(_GROUP_NOUNS)
                     + r")(?![\w-])")
_LOCATIVE = frozenset({"in", "of", "across", "from", "inside", "throughout"})


def _add_rebels(article: ArticleEntities, sent_of, gaz: Gazetteer) -> None:
    """"Russian-backed rebels", "Syrian rebels", "separatists": the rebels of the country they fight in.

    The country is the one an adjective names ("Syrian rebels"), else the nearest country in the
    sentence that is not the sponsor, a country after "in"/"of" first; without one, no mention.
    Rebels a known group is named for ("Houthi rebels") are that group's mention already.
    """
    text = article.text
    mentions = sorted(article.mentions, key=lambda m: m.start)
    ends = {m.end: m for m in mentions}
    by_sentence: dict[int, list[MentionInfo]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence_idx, []).append(m)
    added = []
    for match in _REBELS.finditer(text):
        noun_start = match.start("noun")
        before = ends.get(noun_start - 1)
        if before is not None and text[noun_start - 1] == " " and before.kind in ("org", "group", "person"):
            continue
        sponsor = None
        if match.group("sponsor") or match.group("pro"):
            span = match.span("sponsor") if match.group("sponsor") else match.span("pro")
            for m in by_sentence.get(sent_of(span[0]), ()):
                if span[0] <= m.start < span[1] and m.kind == "country":
                    sponsor = m.entity_id
        country = None
        if before is not None and before.kind == "country" and not before.stance and text[noun_start - 1] == " ":
            country = before.entity_id
        if country is None:
            idx = sent_of(noun_start)
            pool = [m for m in by_sentence.get(idx, ()) if not m.stance and m.entity_id != sponsor
                    and (m.kind == "country" or (m.kind == "place" and m.entity_id in article.registry
                                                 and article.registry[m.entity_id].country_code))]

            def rank(m: MentionInfo) -> tuple:
                prev = text[max(0, m.start - 12):m.start].split()
                locative = bool(prev) and prev[-1].lower() in _LOCATIVE
                return (not locative, abs(m.start - noun_start))

            if pool:
                best = min(pool, key=rank)
                country = best.entity_id if best.kind == "country" else \
                    f"country:{article.registry[best.entity_id].country_code}"
        if country is None or country == sponsor:
            continue
        iso3 = country.split(":", 1)[1]
        if iso3 not in gaz.countries:
            continue
        eid = f"group:{iso3.lower()}-rebels"
        article.registry.setdefault(eid, Entity(eid, "group", f"Rebels in {gaz.country_name(iso3)}", iso3))
        article.registry.setdefault(country, gaz.countries[iso3])
        start = match.start()
        if before is not None and country == before.entity_id:
            start = before.start  # "Syrian rebels"
        info = MentionInfo(eid, "group", text[start:match.end()], start, match.end(), sent_of(start), 0.6, "RULE",
                           role=_GROUP_NOUNS[match.group("noun")], country=iso3)
        added.append(info)
    article.mentions.extend(added)


_PLACE_PREPOSITIONS = frozenset({"in", "from", "near", "outside", "inside"})
_AREA_AFTER = re.compile(r", ([A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")


def _place_hints(text: str, candidates: list[_Candidate], gaz: Gazetteer) -> None:
    """"Evansville, Indiana", "Chapel Hill, North Carolina": a name followed by a state or country
    is a place there; a one-word organisation after "in"/"from" ("from Herat") may be a place."""
    for c in candidates:
        if c.entity is not None or c.label in ("GAZ", "NORP", "RULE"):
            continue
        m = _AREA_AFTER.match(text, c.end)
        if m is not None:
            iso3 = gaz.area_country(m.group(1))
            if iso3 is not None:
                c.place_hint = frozenset({iso3})
                continue
        if c.label == "ORG" and " " not in text[c.start:c.end]:
            prev = text[max(0, c.start - 10):c.start].split()
            if prev and prev[-1].lower() in _PLACE_PREPOSITIONS:
                c.place_hint = frozenset()


def _hinted_place(surface: str, cand: _Candidate, gaz: Gazetteer, context: frozenset[str]) -> Entity | None:
    """The GeoNames place a hinted name is, if there is one (a known organisation stays itself)."""
    if gaz.org_lookup(surface, ner=True) is not None or gaz.country_lookup(surface) is not None:
        return None
    if cand.place_hint:
        place = gaz.place_entity(surface, "GPE", cand.place_hint)
        if place is not None and place.country_code in cand.place_hint:
            return place
        return None
    return gaz.big_place(surface)


def _article_countries(text: str, candidates: list[_Candidate], gaz: Gazetteer) -> frozenset[str]:
    """Countries the article names (for place disambiguation)."""
    out = set()
    for c in candidates:
        if c.entity is not None and c.entity.country_code:
            out.add(c.entity.country_code)
            continue
        alias = gaz.country_lookup(" ".join(text[c.start:c.end].split()))
        if alias is not None and alias.iso3 and (not alias.ambiguous or c.label in ("GPE", "NORP")):
            out.add(alias.iso3)
    return frozenset(out)


# --- breakaway republics ---------------------------------------------------------------------------

_NAME = r"[A-Z][\w'\u2019-]+(?: [A-Z][\w'\u2019-]+)?"
_GROUP_OF = re.compile(r"\b[Rr]epublics? of (" + _NAME + r")((?:, " + _NAME + r")*,? and " + _NAME + r")?")
_GROUP_PLURAL = re.compile(r"(" + _NAME + r")((?:, " + _NAME + r")*,? and) (" + _NAME
                           + r") People['\u2019]s Republics\b")


def _group_pattern_matches(text: str, gaz: Gazetteer) -> list[_Candidate]:
    """"the republics of Donetsk and Lugansk", "Donetsk and Lugansk People's Republics" -> one group each.

    A name counts only when "<name> People's Republic", "<name> Republic" or "Republic of <name>"
    is a known group; otherwise the names stay places.
    """
    if "epublic" not in text:
        return []
    hits: dict[tuple[int, int], OrgRecord] = {}

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
            hits[(s, e)] = rec

    for m in _GROUP_OF.finditer(text):
        for s, e in names_in(m, (1, 2)):
            add(s, e)
    for m in _GROUP_PLURAL.finditer(text):
        for s, e in names_in(m, (1, 2)):  # the last name is inside the model's "X People's Republics"
            add(s, e)
    return [_Candidate(s, e, "RULE", entity=org_entity(rec), role=rec.role, confidence=0.85)
            for (s, e), rec in sorted(hits.items())]


__all__ = ["DATA", "ArticleEntities", "CapitalRecord", "CountryAlias", "Gazetteer", "MentionInfo", "NER_LABELS",
           "OrgRecord", "STATUS_KEY", "clusters_by_kind", "extract_all", "extract_entities", "get_gazetteer",
           "mention_country", "mention_role", "sentence_bounds"]
