"""Who acts and who is acted on: actors of an event trigger from the dependency parse.

Actors come from the entity stage (countries, capitals read as their governments, groups,
organisations, persons with the country and title found before their name) and from role nouns
("Ukrainian government forces": UKR, MIL; "Lviv police": UKR, COP). Rules that hold for any
article: a noun phrase stands for all its coordinated phrases ("Syria and Nicaragua", "Hungarian
and Romanian officials"); a role noun takes the country of its modifier; an organisation the
alias table does not know takes the country named inside its name ("Latvian Constitutional
Court": LVA, JUD); the subject is inherited through xcomp/advcl/conj/pcomp ("joined China in
vetoing": both Russia and China); a pronoun subject inside a reported clause is the reporter
("Kiev announced that it was severing"); the agent of an event noun is its possessor, its "by"
phrase, its national adjective, or the subject of the light verb that carries it ("Israel mounted
an invasion"); "the two regions" with exactly two breakaway groups in the article means those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Token

from transforms.entities import (ArticleEntities, MentionInfo, clusters_by_kind, get_gazetteer, mention_country,
                                 mention_role)
from transforms.event_lexicon import VerbPattern, get_lexicon

# Closed word classes (grammar, not domain data).
PRONOUNS = frozenset({"it", "they", "he", "she", "its", "their", "his", "her", "we", "our", "them", "him"})
_RELATIVE = frozenset({"which", "who", "that", "whom", "whose"})
_COMPANION = frozenset({"join"})          # "X joined Y in vetoing": Y acts too
_CARDINALS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
POLITY = re.compile(r"\b(?:regions?|republics?|quasi-states?|territor(?:y|ies)|provinces?|enclaves?|entities)\b",
                    re.IGNORECASE)
_INHERIT_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "acl", "relcl"})
_AGENTIVE_PREPS = frozenset({"by", "with", "against"})
LOCATIVE = frozenset({"in", "at", "near", "across", "outside", "inside", "into", "around", "throughout", "on"})
_COUNTRY_MOD_DEPS = ("poss", "compound", "nmod", "amod", "nummod", "npadvmod")
LEADERS = frozenset({"GOV", "MIL", "COP"})
REBELS = frozenset({"REB", "SEP", "INS", "OPP"})
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "nsubjpass"})


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
            if self.entity_id.startswith("country:") and self.role and self.role != "GOV":
                return f"{self.entity_id}:{self.role}"   # "Turkish Kurd refugees" are not Turkey
            return self.entity_id
        if self.country:
            return f"{self.country}:{self.role or '?'}"
        return f"?:{self.role or '?'}:{(self.name or '').lower()}"

    @property
    def identified(self) -> bool:
        return bool(self.entity_id or self.country)


@dataclass(slots=True)
class Sentence:
    """A parsed sentence with the article facts the coder needs."""

    doc: Doc
    idx: int
    offset: int                 # character offset of doc[0] in the article text
    article: ArticleEntities
    token_mentions: dict[int, MentionInfo] = field(default_factory=dict)

    def mention_at(self, tok: Token) -> MentionInfo | None:
        return self.token_mentions.get(tok.i)


def make_sentence(doc: Doc, idx: int, offset: int, article: ArticleEntities) -> Sentence:
    s = Sentence(doc, idx, offset, article, _map_mentions(doc, offset, article))
    _relink_capitals(s)
    return s


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


def _relink_capitals(s: Sentence) -> None:
    """Capitals in a parsed sentence: subject, possessive or agent -> the country; locative -> the place."""
    for tok in s.doc:
        m = s.mention_at(tok)
        if m is None or (m.metonym_of is None and m.place_id is None) or tok.i != _first_token(s, m):
            continue
        head = tok.head
        if tok.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "dative") or \
                (tok.dep_ == "pobj" and head.lower_ in _AGENTIVE_PREPS):
            s.article.read_as_country(m, 0.85)
        elif tok.dep_ == "pobj" and head.lower_ in LOCATIVE:
            s.article.read_as_place(m)


def _first_token(s: Sentence, m: MentionInfo) -> int:
    for tok in s.doc:
        if s.offset + tok.idx + len(tok.text) > m.start:
            return tok.i
    return -1


# --- noun phrases -----------------------------------------------------------------------------

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


@lru_cache(maxsize=4096)
def _name_facts(name: str) -> tuple[str | None, str | None]:
    """Country and role read from an organisation's own name ("Latvian Constitutional Court")."""
    gaz = get_gazetteer()
    words = re.findall(r"[A-Za-z][\w'.-]*", name)
    country = None
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            hit = gaz.country_lookup(" ".join(words[i:i + n]))
            if hit is not None and hit.iso3 and not hit.ambiguous:
                country = hit.iso3
                break
        if country:
            break
    role = None
    for w in reversed(words):
        role = gaz.role_of(w)
        if role:
            break
    return country, role


_INTERNATIONAL = frozenset({"IGO", "NGO", "IMG"})


@lru_cache(maxsize=4096)
def _demonym_country(name: str) -> str | None:
    gaz = get_gazetteer()
    for word in name.split():
        hit = gaz.country_lookup(word)
        if hit is not None and hit.iso3 and not hit.ambiguous and hit.kind.startswith("demonym"):
            return hit.iso3
    return None


def _actor_from_mention(s: Sentence, m: MentionInfo, *, actor_position: bool,
                        tok: Token | None = None) -> Actor | None:
    article = s.article
    if m.metonym_of and actor_position:
        article.read_as_country(m, 0.85)
    ent = article.registry.get(m.entity_id)
    if ent is None:
        return None
    if m.kind == "person":
        country, role = article.person_facts.get(m.entity_id, (None, None))
        country = country or ent.country_code
        if tok is not None and country is None:  # "U.N. Secretary-General Kofi Annan", "Arab League ... Klibi"
            for mtok, mm in _modifier_mentions(s, tok):
                org_role = mention_role(mm) if mm.kind in ("org", "group") else None
                if org_role in _INTERNATIONAL:
                    role = org_role
                    break
                if mm.kind == "country":
                    country = mention_country(mm)
                    break
        if country is None:  # "Bosnian Serbs" read as a person: the demonym still says who they are
            country = _demonym_country(ent.canonical_name)
        return Actor(ent.entity_id, ent.canonical_name, country, role, m)
    country, role = mention_country(m) or ent.country_code, mention_role(m)
    if m.kind in ("org", "group") and (country is None or role is None) and \
            get_gazetteer().orgs.get(m.entity_id) is None:
        own_country, own_role = _name_facts(ent.canonical_name)
        country, role = country or own_country, role or own_role
    return Actor(ent.entity_id, ent.canonical_name, country, role, m)


def _modifier_mentions(s: Sentence, tok: Token) -> list[tuple[Token, MentionInfo]]:
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
            if m is not None and (not m.stance or _leads(s, m)) and m.kind != "person":
                found.append((_COUNTRY_MOD_DEPS.index(child.dep_), child, m))
        elif child.dep_ == "amod" and child.lemma_ == "lead" and child.i < tok.i:
            for gc in child.children:  # "Vietnamese-led forces": the leader's country
                m = s.mention_at(gc)
                if m is not None and m.kind in ("country", "org", "group"):
                    found.append((3, gc, m))
        elif child.dep_ == "prep" and child.lower_ in ("of", "from", "in"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    m = s.mention_at(pobj)
                    rank = 10 if child.lower_ != "in" else 11
                    if m is not None and not m.stance:
                        found.append((rank, pobj, m))
                    elif m is None:  # "inhabitants of the Syrian Golan Heights"
                        for gc in pobj.children:
                            gm = s.mention_at(gc)
                            if gc.dep_ in ("compound", "amod") and gm is not None and not gm.stance and \
                                    gm.kind == "country":
                                found.append((rank + 2, gc, gm))
    found.sort(key=lambda x: (x[0], abs(x[1].i - tok.i)))
    return [(t, m) for _, t, m in found]


def _leads(s: Sentence, m: MentionInfo) -> bool:
    """"Vietnamese-led forces": the stance word names who commands them."""
    return s.article.text[m.end:m.end + 4].lower() == "-led"


def _bridging_groups(s: Sentence, tok: Token) -> list[str]:
    """"the two regions", "two ... separatist regions" -> the article's breakaway groups if exactly that many."""
    start = _phrase_start(tok)
    phrase = s.doc[start:tok.i + 1].text
    if not POLITY.search(phrase):
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


def actors_of(s: Sentence, tok: Token, *, depth: int = 0, own_pronouns: bool = True) -> list[Actor]:
    """The actors a noun phrase stands for (its coordinated phrases included).

    `own_pronouns`: resolve "their" in "their forces" (off while resolving a pronoun, so the
    search cannot loop)."""
    heads = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
    out: list[Actor] = []
    for n, head in enumerate(heads):
        actors = _actors_of_head(s, head, depth=depth, own_pronouns=own_pronouns)
        if n and out and out[0].country:  # "Israeli helicopters and tanks": the shared adjective
            for a in actors:
                if a.entity_id is None and a.country is None:
                    a.country, a.inferred = out[0].country, True
        out.extend(actors)
    return out


def _role_actor(s: Sentence, tok: Token, mtok: Token, mm: MentionInfo, role: str) -> Actor | None:
    """"Ukrainian government forces", "Lviv police": the country in a role."""
    gaz = get_gazetteer()
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
    if mm.kind in ("org", "group") and country is None:
        country = _name_facts(s.article.registry[mm.entity_id].canonical_name)[0]
    org_role = mention_role(mm) if mm.kind in ("org", "group") else None
    if org_role in _INTERNATIONAL:  # "European Community foreign ministers" act for the IGO
        role = org_role
    name = _phrase_name(tok)
    if mm.kind in ("org", "group") and ent_id == mm.entity_id:  # "the separatist republics of Donetsk and ..."
        name = s.article.registry[ent_id].canonical_name
    return Actor(ent_id, name, country, role)


def _actors_of_head(s: Sentence, tok: Token, *, depth: int, own_pronouns: bool = True) -> list[Actor]:
    gaz = get_gazetteer()
    m = s.mention_at(tok)
    if m is not None and not m.stance:
        actor = _actor_from_mention(s, m, actor_position=True, tok=tok)
        if actor is not None and actor.role is None and m.kind != "person":
            actor.role = _role_from_modifiers(tok, gaz)
        if actor is not None and actor.country is None and m.kind in ("org", "group"):
            # "the Ivory Coast's Supreme Court": the country that owns the institution
            for _mtok, mm in _modifier_mentions(s, tok):
                if mm.kind == "country" and mm is not m:
                    actor.country = mention_country(mm)
                    break
        return [actor] if actor else []
    if tok.lower_ in PRONOUNS or tok.pos_ == "PRON":
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
        if role is not None:
            actors = []
            # "Senior Hungarian and Romanian officials": one actor per coordinated modifier
            for ctok in [mtok] + [c for c in mtok.conjuncts if c.i > mtok.i]:
                cm = s.mention_at(ctok)
                if cm is None or cm.stance or cm.kind == "person":
                    continue
                actor = _role_actor(s, tok, ctok, cm, role)
                if actor is not None and all(a.key() != actor.key() for a in actors):
                    actors.append(actor)
            return actors
        if depth == 0:  # "NATO expansion", "America's policy", "the Russian invasion": the modifier acts
            if mm.kind in ("country", "org", "group") or mm.metonym_of:
                actors = actors_of(s, mtok, depth=depth + 1) if mtok.dep_ == "pobj" else []
                if not actors:
                    actor = _actor_from_mention(s, mm, actor_position=True)
                    actors = [actor] if actor else []
                return actors
    if role is not None:
        mod_role = _role_from_modifiers(tok, gaz)
        actor = Actor(None, _phrase_name(tok), None, role if role != "GOV" or not mod_role else mod_role)
        poss = next((c for c in tok.children if c.dep_ == "poss" and c.lower_ in PRONOUNS), None)
        if poss is not None and depth == 0 and own_pronouns:  # "Bosnian Serbs said their forces had ..."
            owners = [a for a in resolve_pronoun(s, poss, own_pronouns=False) if a.identified]
            if owners:
                actor.entity_id = owners[0].entity_id if (owners[0].entity_id or "").startswith("country:") else None
                actor.country, actor.inferred = owners[0].country, True
        return [actor]
    if depth == 0:  # "positions of the Palestinian security forces": the "of" phrase acts
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        return actors_of(s, pobj, depth=depth + 1)
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


# --- agents and targets ---------------------------------------------------------------------

def subject_of(verb: Token, s: Sentence | None = None) -> Token | None:
    """The verb's subject; of two (the parser's "Minister ... Choe" split), the named one."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) > 1 and s is not None:
        named = [c for c in subjects if s.mention_at(c) is not None]
        if named:
            return named[-1]
    return subjects[0] if subjects else None


def resolve_pronoun(s: Sentence, pron: Token, *, own_pronouns: bool = True) -> list[Actor]:
    """"Kiev announced that it was severing ...": a pronoun in a reported clause is the reporter;
    a possessive pronoun ("its support") is the subject of its clause."""
    lex = get_lexicon()
    node = pron.head
    seen = 0
    while seen < 12:
        seen += 1
        if node.lemma_.lower() in lex.reporting or pron.dep_ == "poss":
            subj = subject_of(node, s)
            if subj is not None and subj.i != pron.i and subj.lower_ not in PRONOUNS:
                actors = actors_of(s, subj, own_pronouns=own_pronouns)
                for a in actors:
                    a.inferred = True
                if actors:
                    return actors
        if node.head.i == node.i:
            break
        node = node.head
    return []


def passive(verb: Token) -> bool:
    return verb.pos_ in ("VERB", "AUX") and any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _agent_phrase(s: Sentence, verb: Token) -> list[Actor] | None:
    """Actors of a passive's "by" phrase; None when there is none."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return actors_of(s, pobj)
    return None


def light_verb_of(noun: Token) -> Token | None:
    """The verb carrying an event noun: "launched an investigation", "launched 10 days of war games",
    "went on strike", "put under investigation"."""
    lex = get_lexicon()
    node = noun
    for _ in range(3):
        head = node.head
        if node.dep_ in ("dobj", "nsubjpass", "attr") and head.lemma_.lower() in lex.light_verbs:
            return head
        if node.dep_ == "pobj" and head.dep_ == "prep":
            verb = head.head
            if head.lower_ == "of" and verb.pos_ in ("NOUN", "NUM"):  # "10 days of war games"
                node = verb
                continue
            if verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() in lex.light_verbs:
                return verb
        return None
    return None


def agents(s: Sentence, trig: Token, row: VerbPattern) -> list[Actor]:
    """Actor1: the trigger's subject (or agent of a passive), inherited through xcomp/advcl/conj/pcomp."""
    if row.pos == "ADJ" or trig.pos_ == "ADJ":  # "Israel is opposed to", "France is ready to"
        if trig.dep_ in ("acomp", "oprd", "attr") and trig.head.i != trig.i:
            return verb_agents(s, trig.head)
        subj = next((c for c in trig.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return resolve_pronoun(s, subj) if subj.lower_ in PRONOUNS else actors_of(s, subj)
        return []
    if trig.pos_ in ("NOUN", "PROPN") or row.pos == "NOUN":
        return noun_agents(s, trig)
    return verb_agents(s, trig)


def noun_agents(s: Sentence, trig: Token) -> list[Actor]:
    for child in trig.children:
        if child.dep_ == "poss":
            if child.lower_ in PRONOUNS:
                return resolve_pronoun(s, child)
            return actors_of(s, child)
    for child in trig.children:
        if child.dep_ == "prep" and child.lower_ == "by":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return actors_of(s, pobj)
    for child in trig.children:
        if child.dep_ in ("amod", "compound", "nmod") and child.i < trig.i:
            m = s.mention_at(child)
            if m is not None and not m.stance and m.kind in ("country", "org", "group", "place"):
                a = _actor_from_mention(s, m, actor_position=True)
                return [a] if a else []
    light = light_verb_of(trig)
    if light is not None:
        return verb_agents(s, light)
    return []


def verb_agents(s: Sentence, trig: Token) -> list[Actor]:
    if passive(trig):  # "deported by Mexican authorities"; without "by", no agent is known
        return _agent_phrase(s, trig) or []
    extra: list[Actor] = []
    node, via_conj = trig, False
    for _ in range(8):
        patient = next((c for c in node.children if c.dep_ == "nsubjpass"), None)
        if patient is not None:
            if via_conj:  # "has been indicted ... and will resign": the indicted resigns
                return actors_of(s, patient) + extra
            return (_agent_phrase(s, node) or []) + extra
        subj = subject_of(node, s)
        if subj is not None:
            if subj.lower_ in _RELATIVE and node.dep_ == "relcl":
                return actors_of(s, node.head) + extra
            if subj.lower_ in PRONOUNS:
                return resolve_pronoun(s, subj) + extra
            return actors_of(s, subj) + extra
        if node.dep_ not in _INHERIT_DEPS or node.head.i == node.i:
            return extra
        if node.dep_ == "acl":  # "the second country to establish": the noun, or the copula's subject
            noun = node.head
            if noun.dep_ == "attr":
                node = noun.head
                continue
            found = actors_of(s, noun)
            carrier = _carrier(noun)
            if not found and carrier is not None:
                node = carrier  # "issued a declaration demanding ...": the issuer
                continue
            return found + extra
        if node.dep_ == "relcl":
            found = actors_of(s, node.head)
            carrier = _carrier(node.head)
            if not found and carrier is not None and node.head.lower_ not in _RELATIVE:
                node = carrier  # "converged for a rally to protest": those who converged
                continue
            return found + extra
        parent = node.head
        if node.dep_ == "pcomp" and parent.dep_ == "prep":
            parent = parent.head
        if parent.pos_ == "ADJ" and parent.dep_ in ("acomp", "oprd"):  # "ready to contribute": the copula's subject
            parent = parent.head
        if parent.lemma_.lower() in _COMPANION:
            for child in parent.children:
                if child.dep_ == "dobj":
                    extra.extend(actors_of(s, child))
        via_conj = node.dep_ == "conj"
        node = parent
    return extra


def _carrier(noun: Token) -> Token | None:
    """The verb a noun is the object of, directly or through a preposition."""
    head = noun.head
    if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
        return head
    if noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        return head.head
    return None


def inherited_subject(s: Sentence, verb: Token) -> list[Actor]:
    """The subject a subjectless passive shares with its governing clause ("... after being deported")."""
    node = verb
    for _ in range(6):
        if node.dep_ not in ("advcl", "xcomp", "conj", "pcomp") or node.head.i == node.i:
            return []
        node = node.head.head if node.dep_ == "pcomp" else node.head
        subj = subject_of(node, s)
        if subj is not None and subj.lower_ not in PRONOUNS:
            return actors_of(s, subj)
    return []


def prep_objects(head: Token, preps: frozenset[str]) -> list[Token]:
    """Objects of the head's prepositions in `preps`; several pobj siblings are one phrase."""
    for child in head.children:
        if child.dep_ in ("prep", "dative", "agent") and child.lower_ in preps:
            pobjs = [c for c in child.children if c.dep_ == "pobj" and c.ent_type_ not in ("DATE", "TIME")]
            if pobjs:
                return [pobjs[-1]] if len(pobjs) > 1 else pobjs
    return []


def targets(s: Sentence, trig: Token, row: VerbPattern, obj: Token | None) -> list[Actor]:
    """Actor2: the row's preposition, else the object, else (for clause targets) the complement's subject."""
    if obj is not None and obj.pos_ in ("VERB", "AUX"):  # "an attempt to assassinate X"
        verb_obj = next((c for c in obj.children if c.dep_ == "dobj"), None)
        return [a for a in actors_of(s, verb_obj) if a.identified] if verb_obj is not None else []
    if row.preps:
        heads = ([obj] if obj is not None else []) + [trig]
        if trig.pos_ in ("NOUN", "PROPN") and (light := light_verb_of(trig)) is not None:
            heads.append(light)  # "launched a mediation effort on Saturday between X and Y"
        for head in heads:
            pobjs = prep_objects(head, row.preps)
            if pobjs:
                return actors_of(s, pobjs[0])
        if row.needs_prep:
            return []
    if obj is not None:
        return [a for a in actors_of(s, obj) if a.identified]
    if trig.pos_ in ("NOUN", "PROPN") or row.pos == "NOUN":
        return []
    for child in trig.children:
        if child.dep_ in ("dobj", "nsubjpass", "dative"):
            if child.lower_ in PRONOUNS:
                return []
            found = actors_of(s, child)
            if found:
                return found
    # "demanded that the US cancel its plans", "allowed candidate Ouattara to participate"
    for child in trig.children:
        if child.dep_ == "ccomp" and row.clause_target or child.dep_ in ("xcomp", "ccomp") and row.needs_target:
            subj = subject_of(child, s)
            if subj is not None and subj.lower_ not in PRONOUNS:
                return actors_of(s, subj)
    if passive(trig):
        return inherited_subject(s, trig)
    return []


__all__ = ["Actor", "Sentence", "actors_of", "agents", "light_verb_of", "make_sentence", "noun_agents", "passive",
           "prep_objects", "resolve_pronoun", "subject_of", "targets", "verb_agents"]
