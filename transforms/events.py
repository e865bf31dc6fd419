"""The event coder: CAMEO/PLOVER events from the dependency parse, driven by data.

Modules with one job each: `event_lexicon` (the dictionary as data), `event_actors` (who acts and
who is acted on), `event_merge` (within-article de-duplication), `dates` (date expressions).
This module decides which sentences to parse, which words are events, in which mood, and with
which date, factuality and evidence.

Rules that apply to any article:
- A trigger used as an adjective ("Russian-backed") is no event; an infinitive is no event unless
  an implicative verb governs it ("decided to recognize", "became the second country to
  establish"); a clause governed by a demand, appeal or threat is not (yet) an act ("demanded
  that its partners refuse ..."); "may", "might", "could" make no event; nothing inside an
  "if"/"unless" clause is an event; a question asserts nothing.
- Mood changes the code, the way the CAMEO manual codes statements of intent: "will"/"would" in
  the actor's own announcement, "offer to", "agree to", "pledge to" turn a cooperative act into
  an intent (03x, PLOVER AGREE) and a hostile one into a threat (13x); "threaten to" is a threat;
  "refuse to", "will not" turn a cooperative act into a rejection (12x); a hostile act promised
  "unless" something happens is a threat. A forecast by commentators ("analysts said Russia would
  invade") is no event.
- Reporting verbs ("said", "KCNA reported") are attribution: they set factuality (reported,
  claimed) and are never events. Two exceptions that are acts of the speaker: "X said Y must ..."
  is a demand by X on Y (CAMEO 10), and a quote in which the speaker condemns a named actor
  ("... speaks more about Moscow's toxicity", Kuleba said) is a criticism (CAMEO 111) of that
  actor; the words that make a criticism are data (`event_criticism_words.csv`).
- Compound actors give one event per actor; symmetric acts ("X and Y signed a treaty") one per
  ordered pair; reciprocal ones ("fighting between X and Y") both directions. A violent act whose
  agent the text does not name ("three civilians were killed") keeps its victim as actor2.
- Dates come from the act's own clause; a date on the reporting verb ("state media announced
  Thursday") is the report's and only bounds the act (see `event_merge`). No date in the text:
  no date, never the publication date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from transforms.contracts import Event
from transforms.dates import UNSTATED, ResolvedDate, resolve_date, temporal_status
from transforms.entities import ArticleEntities, MentionInfo, get_gazetteer
from transforms.event_actors import (LEADERS, LOCATIVE, OBJECT_DEPS, POLITY, PRONOUNS, REBELS, Actor, Sentence,
                                     actors_of, agents, light_verb_of, make_sentence, prep_objects, subject_of,
                                     targets, verb_agents)
from transforms.event_lexicon import DATA, Lexicon, VerbPattern, get_lexicon, read_csv
from transforms.event_merge import Coded, DatedClause, merge_events, state_key

log = logging.getLogger(__name__)

MIN_CANDIDATE_ACTORS = 2

# Closed word classes (grammar, not domain data).
_FUTURE = frozenset({"will", "would", "'ll", "shall", "wo"})
_SPECULATIVE = frozenset({"might", "may", "could", "can", "ca", "should", "must", "ought"})
_OBLIGATION = frozenset({"must", "should", "ought"})
_IMPLICATIVE = frozenset({"decide", "become", "move", "vote", "begin", "start", "continue", "manage", "proceed",
                          "go"})
_CONDITION = frozenset({"if", "unless", "whether"})
# Speakers whose "X will ..." is a forecast, not X's own announcement.
_COMMENTATORS = frozenset({"analyst", "expert", "observer", "commentator", "economist", "scholar", "researcher",
                           "critic", "pundit", "forecaster", "strategist", "historian", "poll", "survey", "study",
                           "report"})
_COOPERATIVE_ROOTS = frozenset({"03", "04", "05", "06", "07", "08"})
_HOSTILE_ROOTS = frozenset({"14", "15", "16", "17", "18", "19", "20"})
_IRREALIS_ROOTS = frozenset({"02", "10", "13"})   # a clause governed by these is asked for, not done
_AGENTLESS_ROOTS = frozenset({"17", "18", "19", "20"})
# Nouns whose participle modifier is their content: "issued a declaration demanding ..."
_UTTERANCES = frozenset({"statement", "declaration", "letter", "resolution", "communique", "message", "note",
                         "appeal", "call", "report"})

__all__ = ["DATA", "candidate_sentences", "code_events", "code_sentence", "get_lexicon"]


# --- sentence selection -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _role_regex() -> re.Pattern[str]:
    gaz = get_gazetteer()
    role_terms = sorted({t for t in gaz.roles if not gaz.roles[t][1] or " " not in t}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in role_terms) + r")(?:s|es)?\b", re.IGNORECASE)


def candidate_sentences(article: ArticleEntities) -> list[int]:
    """Sentences worth parsing: a trigger word and at least two candidate actors.

    Candidate actors are entity mentions (not stance words like "pro-Russian"), role nouns
    ("rebels", "government", "troops") and polity nouns that may refer back to named groups
    ("the two quasi-states"). Cheap: mention counts, one regular expression for role nouns, and
    a set lookup per word for triggers (`Lexicon.has_trigger`); the actor count comes first, so
    most sentences are dismissed before their words are looked at.
    """
    lex = get_lexicon()
    role_regex = _role_regex()
    per_sentence: dict[int, int] = {}
    for m in article.mentions:
        if not m.stance:
            per_sentence[m.sentence_idx] = per_sentence.get(m.sentence_idx, 0) + 1
    out = []
    for idx, (start, end) in enumerate(article.sentence_bounds):
        sent = article.text[start:end]
        if not sent:
            continue
        actors = per_sentence.get(idx, 0)
        if actors < MIN_CANDIDATE_ACTORS:
            actors += len(role_regex.findall(sent))
            if actors < MIN_CANDIDATE_ACTORS:
                actors += len(POLITY.findall(sent))
        if actors >= MIN_CANDIDATE_ACTORS and lex.has_trigger(sent):
            out.append(idx)
    return out


# --- criticism words -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _criticism_words() -> frozenset[str]:
    return frozenset(row["word"].lower() for row in read_csv("event_criticism_words.csv"))


# --- trigger matching ------------------------------------------------------------------------------

def _rows_for(tok: Token, lex: Lexicon) -> tuple[VerbPattern, ...]:
    by_lemma = lex.patterns.get(tok.lemma_.lower(), ())
    by_form = lex.patterns.get(tok.lower_, ()) if tok.lower_ != tok.lemma_.lower() else ()
    adjectives = tuple(r for r in by_form if r.pos == "ADJ")  # "is opposed to": the adjective reading first
    return adjectives + by_lemma + tuple(r for r in by_form if r.pos != "ADJ") if by_form else by_lemma


def _pos_ok(row: VerbPattern, tok: Token) -> bool:
    is_verb = tok.pos_ in ("VERB", "AUX")
    is_noun = tok.pos_ in ("NOUN", "PROPN")
    if row.pos == "VERB":
        return is_verb
    if row.pos == "NOUN":
        return is_noun
    if row.pos == "ADJ":
        if tok.pos_ == "VERB" and tok.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in tok.children):
            return True   # "Israel is opposed to"
        return tok.pos_ in ("ADJ", "VERB") and tok.dep_ in ("acomp", "oprd", "conj")
    return is_verb or is_noun


def _particle_tokens(trig: Token, row: VerbPattern) -> list[Token] | None:
    """Tokens for a multiword trigger's other words, or None when one is missing."""
    found = []
    for word in row.particles:
        if row.pos == "NOUN":
            hit = next((c for c in trig.children if c.i < trig.i and c.dep_ in ("compound", "amod", "nmod")
                        and word in (c.lower_, c.lemma_.lower())), None)
        else:
            hit = next((c for c in trig.children if c.i > trig.i and word in (c.lower_, c.lemma_.lower())), None)
            if hit is None and trig.i + 1 < len(trig.doc) and trig.doc[trig.i + 1].lower_ == word:
                hit = trig.doc[trig.i + 1]   # "blew up" parsed without a particle arc
        if hit is None:
            return None
        found.append(hit)
    return found


def _object_candidates(trig: Token, row: VerbPattern, particles: Sequence[Token]) -> list[Token]:
    out = [c for c in trig.children if c.dep_ in OBJECT_DEPS]
    for c in list(out):      # "700 kg of medicine", "part of a stronghold", "the ceasefire agreement"
        out.extend(g for g in c.children if g.dep_ in ("compound", "amod") and g.i < c.i)
        for prep in c.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                out.extend(p for p in prep.children if p.dep_ == "pobj")
    for c in trig.children:  # "hold ... as human shields"
        if c.dep_ == "prep" and c.lower_ == "as":
            out.extend(p for p in c.children if p.dep_ == "pobj")
    for p in particles:      # "call for sanctions": the particle's object
        out.extend(c for c in p.children if c.dep_ in ("pobj", "dobj"))
    if row.pos == "NOUN":    # "suspension of air links", "attempt to assassinate"
        for c in trig.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                out.extend(p for p in c.children if p.dep_ == "pobj")
            elif c.dep_ in ("acl", "compound", "relcl"):
                out.append(c)
    return out


def match_row(trig: Token, rows: Sequence[VerbPattern]) -> tuple[VerbPattern | None, Token | None, list[Token]]:
    """The first row the trigger satisfies, the object it matched, and the multiword trigger's other tokens."""
    for row in rows:
        if not _pos_ok(row, trig):
            continue
        particles: list[Token] = []
        if row.particles:
            found = _particle_tokens(trig, row)
            if found is None:
                continue
            particles = found
        obj = None
        if row.objects:
            for cand in _object_candidates(trig, row, particles):
                if cand.lemma_.lower() in row.objects or cand.lower_ in row.objects:
                    obj = cand
                    break
            if obj is None:
                continue
        elif particles and particles[-1].pos_ in ("NOUN", "PROPN") and row.pos != "NOUN":
            obj = particles[-1]  # "express support for X": the target hangs on the noun
        if row.needs_prep:
            heads = [obj, trig] if obj is not None else [trig]
            heads += [p for p in particles if p is not obj]
            if not any(prep_objects(h, row.preps) for h in heads):
                continue
        return row, obj, particles
    return None, None, []


# --- mood, factuality, time ------------------------------------------------------------------------

def _aux(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}


def _future(tok: Token) -> bool:
    """"will"/"would" + verb, or "be going to" + verb."""
    if _aux(tok) & _FUTURE:
        return True
    head = tok.head
    return tok.dep_ == "xcomp" and head.lemma_ == "go" and any(c.lower_ in ("is", "are", "was", "were", "'s", "'re")
                                                               for c in head.children if c.dep_ == "aux")


def _negated(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _conditional(trig: Token) -> bool:
    """Inside an "if"/"unless" clause: hypothetical."""
    node = trig
    for _ in range(10):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION for c in node.children):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _unless_clause(trig: Token) -> bool:
    """The act is promised on a condition the other side must meet: "... unless Y does Z"."""
    return any(c.dep_ == "advcl" and any(g.dep_ == "mark" and g.lower_ == "unless" for g in c.children)
               for c in trig.children)


def _reporting_governor(trig: Token, lex: Lexicon) -> Token | None:
    """The reporting verb whose content clause holds the trigger ("Iran said it would ...")."""
    node = trig
    for _ in range(6):
        if node.head.i == node.i:
            break
        if node.lemma_.lower() in lex.reporting and node.i != trig.i:
            return node
        node = node.head
    if node.lemma_.lower() in lex.reporting and node.i != trig.i:
        return node
    main = trig
    while main.dep_ in ("conj", "xcomp", "advcl") and main.head.i != main.i:
        main = main.head
    for child in main.children:
        if child.dep_ in ("parataxis", "ccomp", "advcl") and child.lemma_.lower() in lex.reporting:
            return child
    return None


def _speech_governor(trig: Token, lex: Lexicon) -> Token | None:
    """The verb whose content clause holds the trigger: a reporting verb, or any verb the clause is
    the complement of ("analysts warned", "officials fear")."""
    rep = _reporting_governor(trig, lex)
    if rep is not None:
        return rep
    node = trig
    while node.dep_ in ("conj", "xcomp") and node.head.i != node.i:
        node = node.head
    if node.dep_ == "ccomp" and node.head.pos_ in ("VERB", "AUX"):
        return node.head
    return next((c for c in node.children if c.dep_ == "parataxis" and c.pos_ in ("VERB", "AUX")), None)


def _speaker_is_commentator(rep: Token | None) -> bool:
    if rep is None:
        return False
    subj = subject_of(rep)
    return subj is not None and subj.lemma_.lower() in _COMMENTATORS


def _irrealis_governor(trig: Token, lex: Lexicon) -> bool:
    """A clause governed by a demand, appeal or threat: asked for, not done."""
    if trig.dep_ not in ("ccomp", "xcomp"):
        return False
    gov = trig.head
    rows = _rows_for(gov, lex)
    return any(r.code[:2] in _IRREALIS_ROOTS or r.mood == "threat" for r in rows)


def _eventive(trig: Token, lex: Lexicon) -> bool:
    """False for adjectival participles, speculation, conditions and irrealis infinitives."""
    if _conditional(trig):
        return False
    if trig.pos_ not in ("VERB", "AUX"):
        return True
    if trig.dep_ in ("amod", "compound", "npadvmod"):
        return False
    if trig.dep_ == "acl" and trig.tag_ in ("VBG", "VBN") and trig.head.lemma_.lower() not in _UTTERANCES:
        return False  # "rebels fighting the government": a description, not a reported act
    if _aux(trig) & _SPECULATIVE:
        return False
    if any(c.dep_ == "mark" and c.lower_ in _CONDITION for c in trig.children):
        return False
    if _irrealis_governor(trig, lex):
        return False
    if any(c.dep_ == "aux" and c.tag_ == "TO" for c in trig.children):
        head = trig.head
        if trig.dep_ in ("xcomp", "advcl") and head.lemma_.lower() in _IMPLICATIVE:
            return not (_aux(head) & (_SPECULATIVE | _FUTURE))
        if trig.dep_ == "acl" and head.dep_ == "attr" and head.head.lemma_.lower() in ("be", "become"):
            return True
        if trig.dep_ in ("advcl", "relcl", "acl") and any(r.code[:2] == "14" for r in _rows_for(trig, lex)):
            return True  # "converged for a rally to protest": the gathering is the protest
        return False
    return True


def _factuality(trig: Token, lex: Lexicon) -> str:
    """reported / claimed (an attribution verb governs or follows the clause), negated, asserted."""
    if _negated(trig):
        return "negated"
    rep = _reporting_governor(trig, lex)
    if rep is not None:
        return lex.reporting[rep.lemma_.lower()]
    main = trig
    while main.dep_ in ("conj", "xcomp", "advcl") and main.head.i != main.i:
        main = main.head
    if any(c.dep_ == "prep" and c.lower_ == "according" for c in main.children):
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


def _with_preposition(ent: Span) -> str:
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None and prev.lower_ in ("in", "on", "since", "during"):
        return f"{prev.text} {ent.text}"
    return ent.text


# "SEOUL, July 14 (UPI) -- ": a dateline left in the text dates the report, never an event.
_DATELINE = re.compile(r"^\s*[A-Z][A-Z.'\- ]{2,40}(?:,[^\n]{0,40}?)?\s*(?:\([^)\n]{1,40}\))?\s*(?:--|\u2014|\u2013)\s")


def _sentence_dates(s: Sentence, anchor: date | None) -> list[tuple[Token, ResolvedDate]]:
    out = []
    dateline = _DATELINE.match(s.doc.text)
    for ent in s.doc.ents:
        if ent.label_ not in ("DATE", "TIME") or dateline is not None and ent.start_char < dateline.end():
            continue
        resolved = resolve_date(_with_preposition(ent), anchor)
        if resolved.stated:
            out.append((ent.root, resolved))
    return out


def _event_date(trig: Token, dates: Sequence[tuple[Token, ResolvedDate]], lex: Lexicon) -> tuple[ResolvedDate, str | None]:
    """The date in the trigger's own phrase, else one on a governing verb; and whose date it is.

    A date reached through a reporting verb ("..., state media announced Thursday") is the
    report's: source "report".
    """
    if not dates:
        return UNSTATED, None
    best = None
    for root, resolved in dates:
        depth, node, via_report = 0, root, False
        while node.i != trig.i and node.head.i != node.i and depth < 20:
            node, depth = node.head, depth + 1
            if node.i != trig.i and node.lemma_.lower() in lex.reporting:
                via_report = True
        if node.i == trig.i and (best is None or depth < best[0]):
            best = (depth, resolved, "report" if via_report else "own")
    if best is not None:
        return best[1], best[2]
    node = trig
    for _ in range(12):
        if node.head.i == node.i:
            break
        node = node.head
        for root, resolved in dates:
            if root.head.i == node.i or (root.head.dep_ == "prep" and root.head.head.i == node.i):
                return resolved, "report" if node.lemma_.lower() in lex.reporting else "own"
    return UNSTATED, None


def _location(s: Sentence, trig: Token) -> MentionInfo | None:
    """A place in a locative phrase of the trigger's own clause ("positions in Kharkiv"); never the dateline."""
    for tok in trig.subtree:
        if tok.dep_ != "pobj" or tok.head.lower_ not in LOCATIVE:
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


# --- coding ----------------------------------------------------------------------------------------

class _Draft:
    """One trigger's reading before it becomes events: code, actors, mood."""

    __slots__ = ("trig", "row", "code", "agents", "targets", "plover", "consumed")

    def __init__(self, trig: Token, row: VerbPattern, code: str, agents_: list[Actor], targets_: list[Actor],
                 plover: tuple[str | None, str | None] | None, consumed: set[int]) -> None:
        self.trig, self.row, self.code = trig, row, code
        self.agents, self.targets, self.plover, self.consumed = agents_, targets_, plover, consumed


def _complement(trig: Token) -> Token | None:
    """The action an intent/threat/refusal verb is about: "offered to negotiate", "agreed that ... should"."""
    head = trig.head if trig.pos_ == "ADJ" and trig.dep_ in ("acomp", "oprd") else None
    for node in (trig, head):
        if node is None:
            continue
        for child in node.children:
            if child.pos_ not in ("VERB", "AUX") or child.i < trig.i:
                continue
            if child.dep_ in ("xcomp", "ccomp") or \
                    child.dep_ == "advcl" and any(c.tag_ == "TO" for c in child.children):  # "sworn to fight"
                return child
    return None


def _mood_code(lex: Lexicon, mood: str, inner: str) -> str:
    """The code for an act in a mood: an intent to do something hostile is a threat."""
    root = inner[:2]
    if mood == "intent":
        if root in _HOSTILE_ROOTS:
            return lex.modal_code("threat", inner)
        if root in _COOPERATIVE_ROOTS:
            return lex.modal_code("intent", inner)
        return inner if root in ("09", "10", "11", "12", "13") else lex.modal_code("intent", inner)
    if mood == "threat":
        return lex.modal_code("threat", inner)
    if root in _COOPERATIVE_ROOTS or root in ("02", "09", "10"):  # refuse
        return lex.modal_code("refuse", inner)
    return lex.modal_code("refuse", None)


def _read_trigger(s: Sentence, trig: Token, lex: Lexicon) -> _Draft | None:
    rows = _rows_for(trig, lex)
    if not rows or s.mention_at(trig) is not None:
        return None  # no pattern, or part of a name: "Volatiles Investigating Polar Exploration Rover"
    row, obj, particles = match_row(trig, rows)
    if row is None:
        return None
    consumed = {p.i for p in particles} | ({obj.i} if obj is not None else set())
    code, plover = row.code, (row.plover_type, row.plover_mode) if row.plover_type else None
    tgts = targets(s, trig, row, obj)
    if row.mood is not None:
        comp = _complement(trig)
        inner = None
        if comp is not None:
            comp_row, comp_obj, comp_parts = match_row(comp, _rows_for(comp, lex))
            if comp_row is None and comp.lemma_.lower() in lex.light_verbs:
                # "agreed to undertake joint exercises", "threatened to launch an offensive"
                for noun in comp.children:
                    if noun.dep_ in ("dobj", "attr") and (noun_rows := _rows_for(noun, lex)):
                        comp_row, comp_obj, comp_parts = match_row(noun, noun_rows)
                        if comp_row is not None:
                            consumed.add(noun.i)
                            comp = noun
                            break
            if comp_row is not None and comp_row.mood is None:
                inner = comp_row
                consumed |= {comp.i} | {p.i for p in comp_parts} | ({comp_obj.i} if comp_obj is not None else set())
                comp_targets = targets(s, comp, comp_row, comp_obj)
                tgts = comp_targets or tgts
        if inner is not None:
            code, plover = _mood_code(lex, row.mood, inner.code), None
        elif row.needs_complement:
            return None
    if code[:2] == "12":  # "opposed to French mediation": the mediation is rejected, not done
        consumed |= {t.i for t in _target_heads(trig, row, obj)}
    return _Draft(trig, row, code, [], tgts, plover, consumed)


def _target_heads(trig: Token, row: VerbPattern, obj: Token | None) -> list[Token]:
    heads = [obj] if obj is not None else []
    heads += prep_objects(trig, row.preps) if row.preps else []
    heads += [c for c in trig.children if c.dep_ == "dobj"]
    return heads


def _apply_modality(d: _Draft, lex: Lexicon) -> bool:
    """Future, refusal and conditions in the trigger's own clause; False when it is no event."""
    trig = d.trig
    if trig.pos_ not in ("VERB", "AUX") or d.row.mood is not None:
        if trig.pos_ in ("VERB", "AUX") and _future(trig):  # "will offer", "would agree": still an intent
            return not _speaker_is_commentator(_speech_governor(trig, lex))
        return True
    if not _future(trig):
        return True
    if _speaker_is_commentator(_speech_governor(trig, lex)):
        return False  # "Russia would invade Ukraine, analysts said": a forecast
    root = d.code[:2]
    if _negated(trig):  # "will not accept refugees": a refusal
        if root in _COOPERATIVE_ROOTS:
            d.code, d.plover = _mood_code(lex, "refuse", d.code), None
            return True
        return False
    if _unless_clause(trig):
        d.code, d.plover = lex.modal_code("threat", d.code), None
    elif root in _COOPERATIVE_ROOTS or root in _HOSTILE_ROOTS:
        d.code, d.plover = _mood_code(lex, "intent", d.code), None
    return True


def _pairs(d: _Draft) -> list[tuple[Actor | None, Actor | None]]:
    row, agents_, tgts = d.row, d.agents, d.targets
    if row.reciprocal:
        if len(tgts) >= 2:
            a, b = tgts[0], tgts[1]
            _domestic_rebels(a, b)
            return [(a, b), (b, a)]
        return []
    if row.symmetric and not tgts and len(agents_) >= 2:  # "X and Y signed a treaty"
        return [(a, b) for a in agents_ for b in agents_ if a.key() != b.key()]
    pairs: list[tuple[Actor | None, Actor | None]] = []
    for a in agents_:
        if tgts:
            pairs.extend((a, t) for t in tgts if t.key() != a.key())
        elif not row.needs_target:
            pairs.append((a, None))
    if not agents_ and d.code[:2] in _AGENTLESS_ROOTS:  # "three civilians were killed": the victims are known
        pairs.extend((None, t) for t in tgts if t.identified)
    return pairs


def _domestic_rebels(a: Actor, b: Actor) -> None:
    """Rebels fighting a country's government or army are that country's rebels (CAMEO convention)."""
    for x, y in ((a, b), (b, a)):
        if x.country is None and x.role in REBELS and y.country and y.role in LEADERS:
            x.country = y.country
            x.inferred = True


def _clause_weight(trig: Token) -> float:
    """A main-clause act is told; one in a subordinate clause ("as police cracked down") is context."""
    node = trig
    while node.dep_ in ("conj", "xcomp", "ccomp", "dobj", "pobj", "prep") and node.head.i != node.i:
        if node.dep_ == "ccomp" and node.head.lemma_.lower() not in get_lexicon().reporting:
            break
        node = node.head
    if node.head.i == node.i:
        return 0.05
    return -0.05 if node.dep_ in ("advcl", "relcl", "acl", "pcomp") else 0.0


def _plain_place(actor: Actor) -> bool:
    """A city or region that is not read as its government does not act ("SEOUL, July 14 --")."""
    return (actor.entity_id or "").startswith("place:") and actor.role is None


def code_sentence(parsed: Doc, sentence_idx: int, offset: int, article: ArticleEntities,
                  anchor: date | None) -> tuple[list[Coded], list[DatedClause]]:
    """Events of one parsed sentence, and its dated clauses. `offset`: character offset of the parsed text."""
    lex = get_lexicon()
    s = make_sentence(parsed, sentence_idx, offset, article)
    start, end = article.sentence_bounds[sentence_idx]
    evidence = article.text[start:end]
    if evidence.rstrip("\"'\u201d\u2019) ").endswith("?"):
        return [], []  # a question asserts nothing
    dates = _sentence_dates(s, anchor)
    drafts: list[_Draft] = []
    consumed: set[int] = set()
    for trig in parsed:
        if trig.i in consumed or not _rows_for(trig, lex) or not _eventive(trig, lex):
            continue
        if trig.pos_ in ("NOUN", "PROPN") and (light := light_verb_of(trig)) is not None and \
                not _eventive(light, lex):
            continue  # "a resolution to impose sanctions": the carrying verb is not an act
        d = _read_trigger(s, trig, lex)
        if d is None or not _apply_modality(d, lex):
            continue
        consumed |= d.consumed
        drafts.append(d)
    drafts = [d for d in drafts if d.trig.i not in consumed or d.trig.i in d.consumed]
    drafts.extend(_speaker_acts(s, lex))
    out: list[Coded] = []
    seen: set[tuple] = set()
    for d in drafts:
        if not d.agents:
            d.agents = [a for a in agents(s, d.trig, d.row) if not _plain_place(a)]
        code = lex.cameo[d.code]
        if code.code == "180" and any(a.role == "MIL" for a in d.agents):
            code = lex.cameo["190"]  # soldiers or aircraft killing: conventional military force
        resolved, date_source = _event_date(d.trig, dates, lex)
        perfect = _is_perfect(d.trig)
        temporal = temporal_status(resolved, anchor, perfect=perfect)
        factuality = "reported" if d.row.trigger == "*speaker*" else _factuality(d.trig, lex)
        place = _location(s, d.trig)
        place_ent = article.registry.get(place.entity_id) if place else None
        plover_type, plover_mode = d.plover if d.plover else (code.plover_type, code.plover_mode)
        for a1, a2 in _pairs(d):
            if not (a1 is not None and a1.identified) and not (a2 is not None and a2.identified):
                continue  # "the business ... our goals": no named or located actor at all
            key = (a1.key() if a1 else None, code.code, a2.key() if a2 else None)
            if key in seen:
                continue
            seen.add(key)
            confidence = 0.55 + (0.15 if a1 is not None and a1.entity_id else 0.0) + \
                (0.15 if a2 is not None and a2.entity_id else 0.0)
            if (a1 is not None and a1.inferred) or (a2 is not None and a2.inferred):
                confidence -= 0.1
            confidence += _clause_weight(d.trig)
            event = Event(
                actor1_entity_id=a1.entity_id if a1 else None, actor1_name=a1.name if a1 else None,
                actor1_country=a1.country if a1 else None, actor1_role=a1.role if a1 else None,
                actor2_entity_id=a2.entity_id if a2 else None, actor2_name=a2.name if a2 else None,
                actor2_country=a2.country if a2 else None, actor2_role=a2.role if a2 else None,
                cameo_code=code.code, cameo_root=code.root, quad_class=code.quad_class, goldstein=code.goldstein,
                plover_type=plover_type, plover_mode=plover_mode,
                event_date=resolved.value, date_precision=resolved.precision,
                location_entity_id=place_ent.entity_id if place_ent else None,
                lat=place_ent.lat if place_ent else None, lon=place_ent.lon if place_ent else None,
                sentence_idx=sentence_idx, evidence=evidence, start_char=start, end_char=end,
                temporal=temporal, factuality=factuality, confidence=round(min(confidence, 0.9), 3))
            out.append(Coded(event, a1.key() if a1 else None, a2.key() if a2 else None,
                             date_source if resolved.stated else None, perfect))
    return out, _dated_clauses(s, dates, lex)


# --- acts of the speaker: demands and criticism inside reported speech ---------------------------------

_SPEAKER_ROW = VerbPattern("*speaker*", "VERB", frozenset(), frozenset(), "111")


def _speaker(s: Sentence, rep: Token) -> list[Actor]:
    subj = subject_of(rep, s)
    if subj is not None and subj.pos_ == "VERB":  # "The Red Cross operating in Iraq said": parsed as a clause
        subj = subject_of(subj, s)
    if subj is None or subj.lower_ in PRONOUNS:
        return []
    return [a for a in actors_of(s, subj) if a.identified and a.role != "MED"]


def _speaker_acts(s: Sentence, lex: Lexicon) -> list[_Draft]:
    """"X said Y must ..." (a demand by X on Y); a quote of X condemning a named actor (criticism)."""
    out: list[_Draft] = []
    for rep in s.doc:
        if lex.reporting.get(rep.lemma_.lower()) != "reported" or rep.pos_ not in ("VERB", "AUX"):
            continue
        clauses = [c for c in rep.children if c.dep_ in ("ccomp", "parataxis") and c.pos_ in ("VERB", "AUX")]
        if rep.dep_ in ("parataxis", "ccomp") and rep.head.pos_ in ("VERB", "AUX"):
            clauses.append(rep.head)  # '"...," Kuleba said': the quote is the governing clause
        if not clauses:
            continue
        speaker = None
        for clause in clauses:
            if _aux(clause) & _OBLIGATION and not _negated(clause):
                subj = subject_of(clause, s)
                if subj is not None and subj.lower_ not in PRONOUNS:
                    speaker = speaker if speaker is not None else _speaker(s, rep)
                    keys = {a.key() for a in speaker}
                    tgts = [a for a in actors_of(s, subj) if a.identified and a.key() not in keys]
                    if speaker and tgts:
                        row = VerbPattern("*speaker*", "VERB", frozenset(), frozenset(), "100")
                        out.append(_Draft(clause, row, "100", list(speaker), tgts, None, set()))
            targets_ = _criticised(s, clause, rep)
            if targets_:
                speaker = speaker if speaker is not None else _speaker(s, rep)
                if speaker:
                    out.append(_Draft(rep, _SPEAKER_ROW, "111", list(speaker), targets_, None, set()))
    return out


def _criticised(s: Sentence, clause: Token, rep: Token) -> list[Actor]:
    """Named actors a clause condemns: the owner of a criticism word ("Moscow's toxicity", "the isolation
    of the Russian Federation", "Russia's illegal war")."""
    words = _criticism_words()
    out: list[Actor] = []
    for tok in clause.subtree:
        if tok.i == rep.i or tok.lemma_.lower() not in words and tok.lower_ not in words:
            continue
        noun = tok
        if tok.pos_ == "ADJ":
            if tok.dep_ == "amod":
                noun = tok.head
            elif tok.dep_ in ("acomp", "attr"):
                noun = subject_of(tok.head, s) or tok
        for child in noun.children:
            owner = None
            if child.dep_ in ("poss", "compound", "amod", "nmod") and child.i < noun.i:
                owner = child
            elif child.dep_ == "prep" and child.lower_ == "of":
                owner = next((p for p in child.children if p.dep_ == "pobj"), None)
            if owner is None or s.mention_at(owner) is None:
                continue
            for a in actors_of(s, owner):
                if a.identified and all(a.key() != b.key() for b in out):
                    out.append(a)
    return out


# --- dated clauses, for dating reported acts -----------------------------------------------------------

def _dated_clauses(s: Sentence, dates: Sequence[tuple[Token, ResolvedDate]], lex: Lexicon) -> list[DatedClause]:
    out = []
    for root, resolved in dates:
        verb = root.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() in lex.reporting:
            continue
        states = set()
        for a in verb_agents(s, verb):
            st = state_key(a.entity_id, a.country, a.role, a.key())
            if st:
                states.add(st)
        ids = set()
        for tok in verb.subtree:
            m = s.mention_at(tok)
            if m is not None:
                ids.add(m.entity_id)
        if states and ids:
            out.append(DatedClause(s.idx, frozenset(states), frozenset(ids), resolved))
    return out


def code_events(article: ArticleEntities, parsed: dict[int, tuple[Doc, int]], anchor: date | None) -> list[Event]:
    """Events of one article from its parsed sentences ({sentence_idx: (doc, char offset)})."""
    coded: list[Coded] = []
    clauses: list[DatedClause] = []
    for idx in sorted(parsed):
        doc, offset = parsed[idx]
        events, dated = code_sentence(doc, idx, offset, article, anchor)
        coded.extend(events)
        clauses.extend(dated)
    return merge_events(coded, anchor, clauses)
