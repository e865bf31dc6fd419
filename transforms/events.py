"""A first event coder: CAMEO events from the dependency parse, driven by a verb dictionary.

Data (loaded once per process, see `get_lexicon`):
- `data/verb_patterns.csv`: trigger lemma, part of speech, required object lemmas, the
  preposition that introduces the target, CAMEO code and flags (`reciprocal`, `needs_target`,
  `needs_prep`). Rows with an object requirement are tried first.
- `data/cameo_codes.csv`: CAMEO 1.1b3 codes with GDELT's Goldstein scores and quad classes and the
  CAMEO2PLOVER type/mode (copied from ../shared/reference/cameo_event_codes.csv).
- `data/reporting_verbs.csv`: attribution verbs ("said", "reported", "claimed") and the
  factuality they give to the clause they report; they are never events themselves.
- `data/irregular_verbs.csv`: irregular forms, so the sentence pre-filter sees "met", "broke".

Rules that apply to any article: a trigger used as an adjective ("Russian-backed") is no event;
an infinitive is no event unless an implicative verb governs it ("decided to recognize", "became
the second country to establish"); a modal ("would", "could") makes no event; the subject is
inherited through xcomp/advcl/conj/pcomp ("joined China in vetoing": both Russia and China);
a pronoun subject inside a reported clause is the reporter ("Kiev announced that it was
severing"); "the two regions" with exactly two breakaway groups in the article means those.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from transforms.contracts import Event
from transforms.dates import UNSTATED, ResolvedDate, resolve_date, temporal_status
from transforms.entities import (ArticleEntities, MentionInfo, clusters_by_kind, get_gazetteer, mention_country,
                                 mention_role)

log = logging.getLogger(__name__)

DATA = Path(__file__).parent / "data"
MIN_CANDIDATE_ACTORS = 2

# Closed word classes (grammar, not domain data).
_MODALS = frozenset({"would", "could", "might", "may", "should", "will", "'ll", "can", "shall", "must"})
_IMPLICATIVE = frozenset({"decide", "become", "move", "vote", "begin", "start", "continue", "manage", "proceed",
                          "go"})
_COMPANION = frozenset({"join"})          # "X joined Y in vetoing": Y acts too
_PRONOUNS = frozenset({"it", "they", "he", "she", "its", "their", "his", "her", "we", "our", "them", "him"})
_RELATIVE = frozenset({"which", "who", "that", "whom", "whose"})
_CARDINALS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_POLITY = re.compile(r"\b(?:regions?|republics?|quasi-states?|territor(?:y|ies)|provinces?|enclaves?|entities)\b",
                     re.IGNORECASE)
_INHERIT_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "acl", "relcl"})
_OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "nsubjpass"})
_LOCATIVE = frozenset({"in", "at", "near", "across", "outside", "inside", "into", "around", "throughout", "on"})
_AGENTIVE_PREPS = frozenset({"by", "with", "against"})
_COUNTRY_MOD_DEPS = ("poss", "compound", "nmod", "amod", "nummod", "npadvmod")
_LEADERS = frozenset({"GOV", "MIL", "COP"})
_REBELS = frozenset({"REB", "SEP", "INS", "OPP"})


# --- lexicon ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    root: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None


@dataclass(frozen=True, slots=True)
class VerbPattern:
    """One row of verb_patterns.csv."""

    trigger: str
    pos: str                    # VERB / NOUN / ANY
    objects: frozenset[str]
    preps: frozenset[str]
    code: str
    reciprocal: bool
    needs_target: bool
    needs_prep: bool
    symmetric: bool = False     # "X and Y met": each is the other's target


@dataclass(frozen=True, slots=True)
class Lexicon:
    patterns: dict[str, tuple[VerbPattern, ...]]
    cameo: dict[str, CameoCode]
    reporting: dict[str, str]
    trigger_regex: re.Pattern[str]
    role_regex: re.Pattern[str]


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _stem(lemma: str) -> str:
    """A prefix that every regular form of the lemma starts with ("recognize" -> "recogniz")."""
    if lemma.endswith("e") and len(lemma) > 3:
        return lemma[:-1]
    if lemma.endswith("y") and len(lemma) > 3:
        return lemma[:-1]
    return lemma


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Verb patterns, CAMEO codes and reporting verbs, loaded once per process."""
    cameo = {}
    for row in _read_csv("cameo_codes.csv"):
        cameo[row["code"]] = CameoCode(row["code"], row["name"], row["root"], float(row["goldstein"]),
                                       int(row["quad_class"]), row["plover_type"] or None, row["plover_mode"] or None)
    by_trigger: dict[str, list[VerbPattern]] = {}
    for row in _read_csv("verb_patterns.csv"):
        if row["code"] not in cameo:
            raise ValueError(f"verb_patterns.csv: unknown CAMEO code {row['code']!r} for {row['trigger']!r}")
        flags = set(filter(None, row["flags"].split("|")))
        pat = VerbPattern(row["trigger"].lower(), row["pos"].upper() or "ANY",
                          frozenset(filter(None, row["object"].lower().split("|"))),
                          frozenset(filter(None, row["prep"].lower().split("|"))), row["code"],
                          "reciprocal" in flags, "needs_target" in flags, "needs_prep" in flags,
                          "symmetric" in flags)
        by_trigger.setdefault(pat.trigger, []).append(pat)
    patterns = {k: tuple(sorted(v, key=lambda p: (not p.objects, not p.preps))) for k, v in by_trigger.items()}
    reporting = {row["lemma"]: row["factuality"] for row in _read_csv("reporting_verbs.csv")}
    forms = set()
    for trig in patterns:
        forms.add(_stem(trig))
    for row in _read_csv("irregular_verbs.csv"):
        if row["lemma"] in patterns:
            forms.update(row["forms"].split("|"))
    trigger_regex = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\w*",
                               re.IGNORECASE)
    gaz = get_gazetteer()
    role_terms = sorted({t for t in gaz.roles if not gaz.roles[t][1] or " " not in t}, key=len, reverse=True)
    role_regex = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in role_terms) + r")(?:s|es)?\b", re.IGNORECASE)
    return Lexicon(patterns, cameo, reporting, trigger_regex, role_regex)


# --- sentence selection -------------------------------------------------------------------------

def candidate_sentences(article: ArticleEntities) -> list[int]:
    """Sentences worth parsing: a trigger word and at least two candidate actors.

    Candidate actors are entity mentions (not stance words like "pro-Russian"), role nouns
    ("rebels", "government", "troops") and polity nouns that may refer back to named groups
    ("the two quasi-states"). Cheap: regular expressions over the sentence text.
    """
    lex = get_lexicon()
    per_sentence: dict[int, int] = {}
    for m in article.mentions:
        if not m.stance:
            per_sentence[m.sentence_idx] = per_sentence.get(m.sentence_idx, 0) + 1
    out = []
    for idx, (start, end) in enumerate(article.sentence_bounds):
        sent = article.text[start:end]
        if not sent or not lex.trigger_regex.search(sent):
            continue
        actors = per_sentence.get(idx, 0) + len(lex.role_regex.findall(sent)) + len(_POLITY.findall(sent))
        if actors >= MIN_CANDIDATE_ACTORS:
            out.append(idx)
    return out


# --- actors -----------------------------------------------------------------------------------

@dataclass(slots=True)
class Actor:
    entity_id: str | None
    name: str | None
    country: str | None
    role: str | None
    mention: MentionInfo | None = None
    inferred: bool = False      # from a pronoun, a bridging "the two regions", an inherited subject

    def key(self) -> str:
        """Identity within an article: the entity, else country and role ("Israeli helicopters and tanks")."""
        if self.entity_id:
            return self.entity_id
        if self.country:
            return f"{self.country}:{self.role or '?'}"
        return f"?:{self.role or '?'}:{(self.name or '').lower()}"


@dataclass(slots=True)
class _Sentence:
    """A parsed sentence with the article facts the coder needs."""

    doc: Doc
    idx: int
    offset: int                 # character offset of doc[0] in the article text
    article: ArticleEntities
    token_mentions: dict[int, MentionInfo] = field(default_factory=dict)

    def mention_at(self, tok: Token) -> MentionInfo | None:
        return self.token_mentions.get(tok.i)


def _map_mentions(doc: Doc, offset: int, article: ArticleEntities) -> dict[int, MentionInfo]:
    """Token index -> the mention covering most of that token's characters."""
    out: dict[int, MentionInfo] = {}
    end = offset + len(doc.text)
    mentions = [m for m in article.mentions if m.start < end and m.end > offset]
    for tok in doc:
        t0, t1 = offset + tok.idx, offset + tok.idx + len(tok.text)
        best, best_len = None, 0
        for m in mentions:
            overlap = min(t1, m.end) - max(t0, m.start)
            if overlap > best_len:
                best, best_len = m, overlap
        if best is not None:
            out[tok.i] = best
    return out


def _phrase_start(tok: Token) -> int:
    """First token of a noun phrase; split siblings ("quasi" "-" "states", all pobj) count as one."""
    start = tok.left_edge.i
    for sib in tok.head.children:
        if sib.i < tok.i and sib.dep_ == tok.dep_ and sib.dep_ == "pobj":
            start = min(start, sib.left_edge.i)
    return start


def _phrase_name(tok: Token) -> str:
    """The noun phrase's head with its pre-modifiers ("Ukrainian government forces")."""
    doc = tok.doc
    i = _phrase_start(tok)
    while i < tok.i and doc[i].dep_ in ("det", "punct", "predet", "case"):
        i += 1
    return doc[i:tok.i + 1].text.strip() or tok.text


def _actor_from_mention(s: _Sentence, m: MentionInfo, *, actor_position: bool) -> Actor | None:
    article = s.article
    if m.metonym_of and actor_position:
        article.read_as_country(m, 0.85)
    ent = article.registry.get(m.entity_id)
    if ent is None:
        return None
    if m.kind == "person":
        country, role = article.person_facts.get(m.entity_id, (None, None))
        return Actor(ent.entity_id, ent.canonical_name, country or ent.country_code, role, m)
    return Actor(ent.entity_id, ent.canonical_name, mention_country(m) or ent.country_code, mention_role(m), m)


def _modifier_mentions(s: _Sentence, tok: Token) -> list[tuple[Token, MentionInfo]]:
    """Mentions among a noun's modifiers, nearest kinds first: possessive, compound, adjective, "of"."""
    found: list[tuple[int, Token, MentionInfo]] = []
    for child in tok.children:
        if child.dep_ in _COUNTRY_MOD_DEPS:
            m = s.mention_at(child)
            if m is None and child.dep_ in ("compound", "nmod"):
                # "U.N. Security Council resolution": the mention sits on the compound's own head
                for gc in child.subtree:
                    m = s.mention_at(gc)
                    if m is not None:
                        break
            if m is not None and not m.stance and m.kind != "person":
                found.append((_COUNTRY_MOD_DEPS.index(child.dep_), child, m))
        elif child.dep_ == "prep" and child.lower_ in ("of", "from", "in"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    m = s.mention_at(pobj)
                    if m is not None and not m.stance:
                        found.append((10 if child.lower_ != "in" else 11, pobj, m))
    found.sort(key=lambda x: (x[0], abs(x[1].i - tok.i)))
    return [(t, m) for _, t, m in found]


def _bridging_groups(s: _Sentence, tok: Token) -> list[str]:
    """"the two regions", "two ... separatist regions" -> the article's breakaway groups if exactly that many."""
    start = _phrase_start(tok)
    phrase = s.doc[start:tok.i + 1].text
    if not _POLITY.search(phrase):
        return []
    count = None
    for t in s.doc[start:tok.i + 1]:
        if t.lower_ in _CARDINALS and t.dep_ in ("nummod", "det", "predet", "quantmod", "amod"):
            count = _CARDINALS[t.lower_]
    if count is None:
        return []
    gaz = get_gazetteer()
    groups = [eid for eid in clusters_by_kind(s.article, "group")
              if (rec := gaz.orgs.get(eid)) is not None and rec.role == "SEP"]
    return groups if len(groups) == count else []


def _actors_of(s: _Sentence, tok: Token, *, depth: int = 0) -> list[Actor]:
    """The actors a noun phrase stands for (its coordinated phrases included)."""
    heads = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
    out: list[Actor] = []
    for n, head in enumerate(heads):
        actors = _actors_of_head(s, head, depth=depth)
        if n and out and out[0].country:  # "Israeli helicopters and tanks": the shared adjective
            for a in actors:
                if a.entity_id is None and a.country is None:
                    a.country, a.inferred = out[0].country, True
        out.extend(actors)
    return out


def _actors_of_head(s: _Sentence, tok: Token, *, depth: int) -> list[Actor]:
    gaz = get_gazetteer()
    m = s.mention_at(tok)
    if m is not None and not m.stance:
        actor = _actor_from_mention(s, m, actor_position=True)
        if actor is not None and actor.role is None and m.kind != "person":
            actor.role = _role_from_modifiers(tok, gaz)
        return [actor] if actor else []
    if tok.lower_ in _PRONOUNS or tok.pos_ == "PRON":
        return []
    if tok.pos_ not in ("NOUN", "PROPN", "NUM", "X"):
        return []
    role = gaz.role_of(tok.lemma_) or gaz.role_of(tok.text) or _role_from_modifiers(tok, gaz)
    mods = _modifier_mentions(s, tok)
    # an appositive person: "Foreign Minister Choe Son-Hui"
    for child in tok.children:
        if child.dep_ == "appos":
            pm = s.mention_at(child)
            if pm is not None and pm.kind == "person":
                actor = _actor_from_mention(s, pm, actor_position=True)
                if actor is not None:
                    if actor.country is None and mods:
                        actor.country = mention_country(mods[0][1])
                    actor.role = actor.role or role
                    return [actor]
    bridged = _bridging_groups(s, tok)
    if bridged:
        mod_role = _role_from_modifiers(tok, gaz)
        out = []
        for eid in bridged:
            ent = s.article.registry[eid]
            rec = gaz.orgs.get(eid)
            out.append(Actor(eid, ent.canonical_name, ent.country_code, mod_role or (rec.role if rec else None),
                             inferred=True))
        return out
    if mods:
        mtok, mm = mods[0]
        if role is not None:  # "Ukrainian government forces", "Lviv police": the country in a role
            country = mention_country(mm) or s.article.registry[mm.entity_id].country_code
            ent_id = f"country:{country}" if country and mm.kind in ("country", "place") else mm.entity_id
            if mm.metonym_of and mtok.dep_ in ("poss", "compound", "nmod", "amod"):  # not "police in Paris"
                s.article.read_as_country(mm, 0.85)
            if ent_id.startswith("country:"):
                country_entity = gaz.countries.get(country)
                if country_entity is None:
                    ent_id = mm.entity_id
                else:
                    s.article.registry.setdefault(ent_id, country_entity)
            return [Actor(ent_id, _phrase_name(tok), country, role)]
        if depth == 0:  # "NATO expansion", "America's policy", "the Russian invasion": the modifier acts
            if mm.kind in ("country", "org", "group") or mm.metonym_of:
                actors = _actors_of(s, mtok, depth=depth + 1) if mtok.dep_ == "pobj" else []
                if not actors:
                    actor = _actor_from_mention(s, mm, actor_position=True)
                    actors = [actor] if actor else []
                return actors
    if role is not None:
        mod_role = _role_from_modifiers(tok, gaz)
        return [Actor(None, _phrase_name(tok), None, role if role != "GOV" or not mod_role else mod_role)]
    if depth == 0:  # "positions of the Palestinian security forces": the "of" phrase acts
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return _actors_of(s, pobj, depth=depth + 1)
    return []


def _role_from_modifiers(tok: Token, gaz) -> str | None:
    """A role word among a noun's adjectives and compounds ("separatist regions" -> SEP).

    Participles do not count: "forced relocations" is not about armed forces.
    """
    for child in tok.children:
        if child.dep_ in ("amod", "compound", "nmod") and child.i < tok.i and child.pos_ in ("NOUN", "PROPN", "ADJ"):
            role = gaz.role_of(child.text) or (gaz.role_of(child.lemma_) if child.pos_ == "NOUN" else None)
            if role is not None:
                return role
    return None


def _subject_of(verb: Token, s: _Sentence | None = None) -> Token | None:
    """The verb's subject; of two (the parser's "Minister ... Choe" split), the named one."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) > 1 and s is not None:
        named = [c for c in subjects if s.mention_at(c) is not None]
        if named:
            return named[-1]
    return subjects[0] if subjects else None


def _resolve_pronoun(s: _Sentence, pron: Token) -> list[Actor]:
    """"Kiev announced that it was severing ...": a pronoun in a reported clause is the reporter;
    a possessive pronoun ("its support") is the subject of its clause."""
    lex = get_lexicon()
    node = pron.head
    seen = 0
    while seen < 12:
        seen += 1
        if node.lemma_.lower() in lex.reporting or pron.dep_ == "poss":
            subj = _subject_of(node, s)
            if subj is not None and subj.i != pron.i and subj.lower_ not in _PRONOUNS:
                actors = _actors_of(s, subj)
                for a in actors:
                    a.inferred = True
                if actors:
                    return actors
        if node.head.i == node.i:
            break
        node = node.head
    return []


def _agents(s: _Sentence, trig: Token, row: VerbPattern) -> list[Actor]:
    """Actor1: the trigger's subject (or agent of a passive), inherited through xcomp/advcl/conj/pcomp."""
    if trig.pos_ in ("NOUN", "PROPN") or row.pos == "NOUN":
        for child in trig.children:
            if child.dep_ == "poss":
                if child.lower_ in _PRONOUNS:
                    return _resolve_pronoun(s, child)
                return _actors_of(s, child)
        for child in trig.children:
            if child.dep_ == "prep" and child.lower_ == "by":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return _actors_of(s, pobj)
        for child in trig.children:
            if child.dep_ in ("amod", "compound", "nmod") and child.i < trig.i:
                m = s.mention_at(child)
                if m is not None and not m.stance and m.kind in ("country", "org", "group", "place"):
                    a = _actor_from_mention(s, m, actor_position=True)
                    return [a] if a else []
        return []
    if _passive(trig):  # "deported by Mexican authorities"; without "by", no agent is known
        for child in trig.children:
            if child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return _actors_of(s, pobj)
        return []
    extra: list[Actor] = []
    node = trig
    for _ in range(8):
        passive = any(c.dep_ == "nsubjpass" for c in node.children)
        if passive:
            for child in node.children:
                if child.dep_ == "agent":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return _actors_of(s, pobj) + extra
            return extra
        subj = _subject_of(node, s)
        if subj is not None:
            if subj.lower_ in _RELATIVE and node.dep_ == "relcl":
                return _actors_of(s, node.head) + extra
            if subj.lower_ in _PRONOUNS:
                return _resolve_pronoun(s, subj) + extra
            return _actors_of(s, subj) + extra
        if node.dep_ not in _INHERIT_DEPS or node.head.i == node.i:
            return extra
        if node.dep_ == "acl":  # "the second country to establish": the noun, or the copula's subject
            noun = node.head
            if noun.dep_ == "attr":
                node = noun.head
                continue
            return _actors_of(s, noun) + extra
        if node.dep_ == "relcl":
            return _actors_of(s, node.head) + extra
        parent = node.head
        if node.dep_ == "pcomp" and parent.dep_ == "prep":
            parent = parent.head
        if parent.lemma_.lower() in _COMPANION:
            for child in parent.children:
                if child.dep_ == "dobj":
                    extra.extend(_actors_of(s, child))
        node = parent
    return extra


def _passive(verb: Token) -> bool:
    return verb.pos_ in ("VERB", "AUX") and any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _inherited_subject(s: _Sentence, verb: Token) -> list[Actor]:
    """The subject a subjectless passive shares with its governing clause ("... after being deported")."""
    node = verb
    for _ in range(6):
        if node.dep_ not in ("advcl", "xcomp", "conj", "pcomp") or node.head.i == node.i:
            return []
        node = node.head.head if node.dep_ == "pcomp" else node.head
        subj = _subject_of(node, s)
        if subj is not None and subj.lower_ not in _PRONOUNS:
            return _actors_of(s, subj)
    return []


def _prep_objects(head: Token, preps: frozenset[str]) -> list[Token]:
    """Objects of the head's prepositions in `preps`; several pobj siblings are one phrase."""
    for child in head.children:
        if child.dep_ in ("prep", "dative", "agent") and child.lower_ in preps:
            pobjs = [c for c in child.children if c.dep_ == "pobj" and c.ent_type_ not in ("DATE", "TIME")]
            if pobjs:
                return [pobjs[-1]] if len(pobjs) > 1 else pobjs
    return []


def _targets(s: _Sentence, trig: Token, row: VerbPattern, obj: Token | None) -> tuple[list[Actor], bool]:
    """Actor2 and whether it came through the row's preposition."""
    if row.preps:
        for head in ([obj] if obj is not None else []) + [trig]:
            pobjs = _prep_objects(head, row.preps)
            if pobjs:
                return _actors_of(s, pobjs[0]), True
        if row.needs_prep:
            return [], False
    if obj is not None:
        return [a for a in _actors_of(s, obj) if a.country or a.entity_id], False
    if trig.pos_ in ("NOUN", "PROPN"):
        return [], False
    for child in trig.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            if child.lower_ in _PRONOUNS:
                return [], False
            return _actors_of(s, child), False
    if _passive(trig):
        return _inherited_subject(s, trig), False
    return [], False


# --- trigger tests ---------------------------------------------------------------------------------

def _eventive(trig: Token, lex: Lexicon) -> bool:
    """False for adjectival participles, modal or conditional verbs and irrealis infinitives."""
    if _conditional(trig):
        return False
    if trig.pos_ in ("VERB", "AUX"):
        if trig.dep_ in ("amod", "compound", "npadvmod"):
            return False
        if trig.dep_ == "acl" and trig.tag_ in ("VBG", "VBN"):
            return False  # "rebels fighting the government": a description, not a reported act
        children = list(trig.children)
        if any(c.dep_ == "aux" and c.lower_ in _MODALS for c in children):
            return False
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in children):
            return False
        to_inf = any(c.dep_ == "aux" and c.tag_ == "TO" for c in children)
        if to_inf:
            head = trig.head
            if trig.dep_ in ("xcomp", "advcl") and head.lemma_.lower() in _IMPLICATIVE:
                return not any(c.dep_ == "aux" and c.lower_ in _MODALS for c in head.children)
            if trig.dep_ == "acl" and head.dep_ == "attr" and head.head.lemma_.lower() in ("be", "become"):
                return True
            return False
    if trig.lemma_.lower() in lex.reporting:
        return False
    return True


def _conditional(trig: Token) -> bool:
    """Inside an "if"/"unless" clause: hypothetical."""
    node = trig
    for _ in range(10):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in node.children):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _match_row(trig: Token, rows: Sequence[VerbPattern]) -> tuple[VerbPattern | None, Token | None]:
    is_verb = trig.pos_ in ("VERB", "AUX")
    is_noun = trig.pos_ in ("NOUN", "PROPN")
    for row in rows:
        if row.pos == "VERB" and not is_verb or row.pos == "NOUN" and not is_noun:
            continue
        if row.pos == "ANY" and not (is_verb or is_noun):
            continue
        obj = None
        if row.objects:
            for child in trig.children:
                if child.dep_ in _OBJECT_DEPS and (child.lemma_.lower() in row.objects or child.lower_ in row.objects):
                    obj = child
                    break
            if obj is None:
                continue
        if row.needs_prep:
            heads = [obj, trig] if obj is not None else [trig]
            if not any(_prep_objects(h, row.preps) for h in heads):
                continue
        return row, obj
    return None, None


def _factuality(trig: Token, lex: Lexicon) -> str:
    """reported / claimed (an attribution verb governs or follows the clause), negated, asserted."""
    if any(c.dep_ == "neg" for c in trig.children):
        return "negated"
    node = trig
    for _ in range(12):
        if node.head.i == node.i:
            break
        node = node.head
        lemma = node.lemma_.lower()
        if lemma in lex.reporting:
            return lex.reporting[lemma] if lex.reporting[lemma] != "negated" else "negated"
    main = trig
    while main.dep_ in ("conj", "xcomp", "advcl") and main.head.i != main.i:
        main = main.head
    for child in main.children:
        if child.dep_ in ("parataxis", "ccomp", "advcl") and child.lemma_.lower() in lex.reporting and child.i > trig.i:
            return lex.reporting[child.lemma_.lower()]
        if child.dep_ == "prep" and child.lower_ == "according":
            return "reported"
    return "asserted"


def _is_perfect(trig: Token) -> bool:
    node = trig
    for _ in range(4):
        if any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in node.children):
            return True
        if node.dep_ not in ("advcl", "xcomp", "conj", "pcomp") or node.head.i == node.i:
            return False
        node = node.head.head if node.dep_ == "pcomp" else node.head
    return False


def _event_date(s: _Sentence, trig: Token, anchor: date | None) -> ResolvedDate:
    """The date expression in the trigger's own phrase, else one attached to a governing verb."""
    dates = []
    for ent in s.doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        resolved = resolve_date(_with_preposition(ent), anchor)
        if resolved.stated:
            dates.append((ent.root, resolved))
    if not dates:
        return UNSTATED
    best = None
    for root, resolved in dates:
        depth, node = 0, root
        while node.i != trig.i and node.head.i != node.i and depth < 20:
            node, depth = node.head, depth + 1
        if node.i == trig.i and (best is None or depth < best[0]):
            best = (depth, resolved)
    if best is not None:
        return best[1]
    ancestors = []
    node = trig
    while node.head.i != node.i and len(ancestors) < 12:
        node = node.head
        ancestors.append(node)
    for anc in ancestors:
        for root, resolved in dates:
            if root.head.i == anc.i or (root.head.dep_ == "prep" and root.head.head.i == anc.i):
                return resolved
    return UNSTATED


def _with_preposition(ent: Span) -> str:
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None and prev.lower_ in ("in", "on", "since", "during"):
        return f"{prev.text} {ent.text}"
    return ent.text


def _location(s: _Sentence, trig: Token) -> MentionInfo | None:
    """A place in a locative phrase of the trigger's own clause ("positions in Kharkiv"); never the dateline."""
    for tok in trig.subtree:
        if tok.dep_ != "pobj" or tok.head.lower_ not in _LOCATIVE:
            continue
        node, own_clause = tok.head, True
        while node.i != trig.i and node.head.i != node.i:
            node = node.head
            if node.pos_ in ("VERB", "AUX") and node.i != trig.i:
                own_clause = False
                break
        m = s.mention_at(tok)
        if own_clause and m is not None and m.kind == "place":
            return m
    return None


# --- coding -----------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Coded:
    event: Event
    actor1_key: str
    actor2_key: str | None

    @staticmethod
    def state_key(entity_id: str | None, country: str | None, role: str | None, key: str | None) -> str | None:
        """A country and its government officials are one actor when merging repeats of an event."""
        if country and ((entity_id or "").startswith("country:") or role == "GOV"):
            return f"state:{country}"
        return key

    @property
    def actor1_state(self) -> str | None:
        e = self.event
        return self.state_key(e.actor1_entity_id, e.actor1_country, e.actor1_role, self.actor1_key)

    @property
    def actor2_state(self) -> str | None:
        e = self.event
        if self.actor2_key is None:
            return None
        return self.state_key(e.actor2_entity_id, e.actor2_country, e.actor2_role, self.actor2_key)


def code_sentence(parsed: Doc, sentence_idx: int, offset: int, article: ArticleEntities,
                  anchor: date | None) -> list[_Coded]:
    """Events of one parsed sentence. `offset` is the character offset of the parsed text."""
    lex = get_lexicon()
    s = _Sentence(parsed, sentence_idx, offset, article, _map_mentions(parsed, offset, article))
    _relink_capitals(s)
    start, end = article.sentence_bounds[sentence_idx]
    evidence = article.text[start:end]
    out: list[_Coded] = []
    seen: set[tuple] = set()
    if evidence.rstrip("\"'\u201d\u2019) ").endswith("?"):
        return []  # a question asserts nothing
    for trig in parsed:
        rows = lex.patterns.get(trig.lemma_.lower()) or lex.patterns.get(trig.lower_)
        if not rows or not _eventive(trig, lex):
            continue
        if s.mention_at(trig) is not None:
            continue  # part of a name: "Volatiles Investigating Polar Exploration Rover"
        row, obj = _match_row(trig, rows)
        if row is None:
            continue
        agents = [a for a in _agents(s, trig, row) if not _plain_place(a)]
        targets, _ = _targets(s, trig, row, obj)
        pairs: list[tuple[Actor, Actor | None]] = []
        if row.reciprocal:
            sides = targets
            if len(sides) >= 2:
                a, b = sides[0], sides[1]
                _domestic_rebels(a, b)
                pairs = [(a, b), (b, a)]
        elif row.symmetric and not targets and len(agents) >= 2:  # "X and Y signed a treaty"
            pairs = [(a, b) for a in agents for b in agents if a.key() != b.key()]
        else:
            for a in agents:
                if targets:
                    pairs.extend((a, t) for t in targets if t.key() != a.key())
                elif not row.needs_target:
                    pairs.append((a, None))
        if not pairs:
            continue
        code = lex.cameo[row.code]
        resolved = _event_date(s, trig, anchor)
        temporal = temporal_status(resolved, anchor, perfect=_is_perfect(trig))
        factuality = _factuality(trig, lex)
        place = _location(s, trig)
        place_ent = article.registry.get(place.entity_id) if place else None
        for a1, a2 in pairs:
            if not _identified(a1) and (a2 is None or not _identified(a2)):
                continue  # "the business ... our goals": no named or located actor at all
            key = (a1.key(), code.code, a2.key() if a2 else None)
            if key in seen:
                continue
            seen.add(key)
            confidence = 0.55 + (0.15 if a1.entity_id else 0.0) + (0.15 if a2 is not None and a2.entity_id else 0.0)
            if a1.inferred or (a2 is not None and a2.inferred):
                confidence -= 0.1
            event = Event(
                actor1_entity_id=a1.entity_id, actor1_name=a1.name, actor1_country=a1.country, actor1_role=a1.role,
                actor2_entity_id=a2.entity_id if a2 else None, actor2_name=a2.name if a2 else None,
                actor2_country=a2.country if a2 else None, actor2_role=a2.role if a2 else None,
                cameo_code=code.code, cameo_root=code.root, quad_class=code.quad_class, goldstein=code.goldstein,
                plover_type=code.plover_type, plover_mode=code.plover_mode,
                event_date=resolved.value, date_precision=resolved.precision,
                location_entity_id=place_ent.entity_id if place_ent else None,
                lat=place_ent.lat if place_ent else None, lon=place_ent.lon if place_ent else None,
                sentence_idx=sentence_idx, evidence=evidence, start_char=start, end_char=end,
                temporal=temporal, factuality=factuality, confidence=round(min(confidence, 0.9), 3))
            out.append(_Coded(event, a1.key(), a2.key() if a2 else None))
    return out


def _identified(actor: Actor) -> bool:
    return bool(actor.entity_id or actor.country)


def _plain_place(actor: Actor) -> bool:
    """A city or region that is not read as its government does not act ("SEOUL, July 14 --")."""
    return (actor.entity_id or "").startswith("place:") and actor.role is None


def _domestic_rebels(a: Actor, b: Actor) -> None:
    """Rebels fighting a country's government or army are that country's rebels (CAMEO convention)."""
    for x, y in ((a, b), (b, a)):
        if x.country is None and x.role in _REBELS and y.country and y.role in _LEADERS:
            x.country = y.country
            x.inferred = True


def _relink_capitals(s: _Sentence) -> None:
    """Capitals in a parsed sentence: subject, possessive or agent -> the country; locative -> the place."""
    for tok in s.doc:
        m = s.mention_at(tok)
        if m is None or (m.metonym_of is None and m.place_id is None) or tok.i != _first_token(s, m):
            continue
        head = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "dative") or \
                (tok.dep_ == "pobj" and head.lower_ in _AGENTIVE_PREPS):
            s.article.read_as_country(m, 0.85)
        elif tok.dep_ == "pobj" and head.lower_ in _LOCATIVE:
            s.article.read_as_place(m)


def _first_token(s: _Sentence, m: MentionInfo) -> int:
    for tok in s.doc:
        if s.offset + tok.idx + len(tok.text) > m.start:
            return tok.i
    return -1


def _compatible(a: ResolvedDate, b: ResolvedDate) -> bool:
    if a.value is None or b.value is None:
        return True
    order = {"day": 0, "month": 1, "year": 2}
    coarse, fine = (a, b) if order[a.precision] >= order[b.precision] else (b, a)
    if coarse.precision == "year":
        return fine.value.year == coarse.value.year
    if coarse.precision == "month":
        return (fine.value.year, fine.value.month) == (coarse.value.year, coarse.value.month)
    return fine.value == coarse.value


def merge_events(coded: Sequence[_Coded], anchor: date | None) -> list[Event]:
    """One event per (actor1, code, actor2) with compatible dates; the first evidence sentence is kept.

    A later mention without a date, or without a target, is the same event told again; a later
    mention with a more precise date lends it its date. Each repeat raises the confidence a little.
    """
    kept: list[_Coded] = []
    for item in coded:
        ev = item.event
        match = None
        for k in kept:
            if k.actor1_state != item.actor1_state or k.event.cameo_code != ev.cameo_code:
                continue
            same_target = k.actor2_state == item.actor2_state or item.actor2_key is None
            if not same_target:
                continue
            a = ResolvedDate(k.event.event_date, k.event.date_precision)
            b = ResolvedDate(ev.event_date, ev.date_precision)
            if _compatible(a, b):
                match = k
                break
        if match is None:
            kept.append(item)
            continue
        old = match.event
        updates = {"confidence": round(min(old.confidence + 0.05, 0.95), 3)}
        if old.event_date is None and ev.event_date is not None:
            updates.update(event_date=ev.event_date, date_precision=ev.date_precision, temporal=ev.temporal)
        match.event = replace(old, **updates)
    # an event with no target whose twin with a target came later: drop the bare one
    out = []
    for k in kept:
        if k.actor2_key is None and any(o is not k and o.actor1_state == k.actor1_state and
                                        o.event.cameo_code == k.event.cameo_code and o.actor2_key for o in kept):
            continue
        out.append(k.event)
    return out


def code_events(article: ArticleEntities, parsed: dict[int, tuple[Doc, int]], anchor: date | None) -> list[Event]:
    """Events of one article from its parsed sentences ({sentence_idx: (doc, char offset)})."""
    coded: list[_Coded] = []
    for idx in sorted(parsed):
        doc, offset = parsed[idx]
        coded.extend(code_sentence(doc, idx, offset, article, anchor))
    return merge_events(coded, anchor)
