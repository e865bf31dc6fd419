"""The event coder's dictionary: CAMEO codes, verb patterns, reporting and light verbs, as data.

Loaded once per process by `get_lexicon` from `transforms/data/`:
- `cameo_codes.csv`: CAMEO 1.1b3 codes with GDELT's Goldstein scores and quad classes and the
  CAMEO2PLOVER type/mode (copied from ../shared/reference/cameo_event_codes.csv). One decision of
  ours: CAMEO 02 (APPEAL), which CAMEO2PLOVER drops, is PLOVER REQUEST as PLOVER 0.8 defines it.
- `verb_patterns.csv`: one row per pattern: the trigger (a lemma, or words: "call off" is a verb
  with its particle, "hunger strike" a noun with its modifier), its part of speech (VERB, NOUN,
  ADJ, ANY), object lemmas it needs, prepositions that introduce the target, the CAMEO code,
  flags, and an optional PLOVER type/mode that overrides the code's mapping ("invade": CAMEO 192,
  PLOVER ASSAULT as the PLOVER gold standard codes invasions). Flags:
  `needs_target`, `needs_prep`, `symmetric` ("X and Y met"), `reciprocal` ("fighting between X
  and Y"), `intent` / `threat` / `refuse` (the verb takes an action as its complement: "offered
  to negotiate", "threatened to invade", "refused to meet": the complement's code picks the
  CAMEO code, see `event_modal_codes.csv`), `clause_target` ("demanded that the US cancel":
  the target is the subject of the complement clause), `needs_complement` ("plan", "vow",
  "ready": no event unless the complement is one).
- `event_modal_codes.csv`: how a mood turns a complement's CAMEO root into a code: intent
  (offer, promise, "will" in the actor's own words) -> 03x, threat -> 13x, refusal -> 12x.
- `event_light_verbs.csv`: verbs that carry an event noun ("launched an investigation", "held
  talks"): the noun's agent is the verb's subject.
- `reporting_verbs.csv`: attribution verbs ("said", "reported", "claimed") and the factuality
  they give to the clause they report; they are never events themselves.
- `irregular_verbs.csv`: irregular forms, so the sentence pre-filter sees "met", "broke".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
_FLAGS = frozenset({"needs_target", "needs_prep", "symmetric", "reciprocal", "intent", "threat", "refuse",
                    "clause_target", "needs_complement"})
_POS = frozenset({"VERB", "NOUN", "ADJ", "ANY"})


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

    trigger: str                # the head word's lemma
    pos: str                    # VERB / NOUN / ADJ / ANY
    objects: frozenset[str]
    preps: frozenset[str]
    code: str
    reciprocal: bool = False
    needs_target: bool = False
    needs_prep: bool = False
    symmetric: bool = False     # "X and Y met": each is the other's target
    particles: tuple[str, ...] = ()   # other words of a multiword trigger ("call off", "hunger strike")
    mood: str | None = None     # intent / threat / refuse: the complement picks the code
    clause_target: bool = False
    needs_complement: bool = False   # "plan", "vow", "ready": an event only through a coded complement
    plover_type: str | None = None
    plover_mode: str | None = None
    row: int = 0                # line in verb_patterns.csv, for audits


@dataclass(frozen=True, slots=True)
class Lexicon:
    patterns: dict[str, tuple[VerbPattern, ...]]
    cameo: dict[str, CameoCode]
    reporting: dict[str, str]
    light_verbs: frozenset[str]
    modal_codes: dict[tuple[str, str], str]   # (mood, complement root) -> code; root "*" = any
    single_forms: frozenset[str]               # word forms that are a trigger on their own
    phrase_forms: dict[str, tuple[tuple[tuple[str, ...], bool], ...]]  # head form -> (other words, noun?)

    def has_trigger(self, text: str) -> bool:
        """Whether a sentence holds a trigger word (whole words; a multiword trigger with its other
        words nearby: "claimed responsibility", "a mediation effort"). Cheap: no regular expression
        over the dictionary, a set lookup per word."""
        words = _WORD.findall(text.lower())
        for i, w in enumerate(words):
            if w in self.single_forms:
                return True
            for others, noun in self.phrase_forms.get(w, ()):
                window = words[max(0, i - 4):i] if noun else words[i + 1:i + 6]
                if all(o in window for o in others):
                    return True
        return False

    def modal_code(self, mood: str, code: str | None) -> str:
        """The code a mood gives a complement with that CAMEO code ("threat", "190" -> 138).

        The most specific row wins: the complement's 3-digit code, then its root, then the default.
        """
        for key in ((code or "")[:3], (code or "")[:2]):
            if key and (mood, key) in self.modal_codes:
                return self.modal_codes[(mood, key)]
        return self.modal_codes[(mood, "*")]


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


_VOWELS = frozenset("aeiou")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def word_forms(lemma: str) -> set[str]:
    """The regular inflections of a verb or noun lemma ("ban" -> bans, banned, banning; "ally" -> allies).

    Whole words only: a stem with any ending would also find "first" for "fire" and "several" for
    "sever", and every such sentence would be parsed for nothing.
    """
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in _VOWELS:
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) >= 3 and lemma[-1] not in _VOWELS | {"w", "x", "y"} and lemma[-2] in _VOWELS and \
            lemma[-3] not in _VOWELS:  # "ban" -> "banned", "commit" -> "committed"
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _pattern(row: dict[str, str], line: int, cameo: dict[str, CameoCode]) -> VerbPattern:
    words = row["trigger"].lower().split()
    pos = (row["pos"] or "ANY").upper()
    if pos not in _POS:
        raise ValueError(f"verb_patterns.csv line {line}: unknown part of speech {pos!r}")
    if row["code"] not in cameo:
        raise ValueError(f"verb_patterns.csv line {line}: unknown CAMEO code {row['code']!r} for {row['trigger']!r}")
    flags = set(filter(None, row["flags"].split("|")))
    if flags - _FLAGS:
        raise ValueError(f"verb_patterns.csv line {line}: unknown flags {sorted(flags - _FLAGS)}")
    moods = flags & {"intent", "threat", "refuse"}
    if pos == "NOUN":  # the head is the last word: "hunger strike", "air strike"
        head, particles = words[-1], tuple(words[:-1])
    else:              # the head is the first word: "call off", "step down"
        head, particles = words[0], tuple(words[1:])
    plover = (row.get("plover") or "").split("/")
    return VerbPattern(head, pos, frozenset(filter(None, row["object"].lower().split("|"))),
                       frozenset(filter(None, row["prep"].lower().split("|"))), row["code"],
                       reciprocal="reciprocal" in flags, needs_target="needs_target" in flags,
                       needs_prep="needs_prep" in flags, symmetric="symmetric" in flags, particles=particles,
                       mood=next(iter(moods)) if moods else None, clause_target="clause_target" in flags,
                       needs_complement="needs_complement" in flags,
                       plover_type=plover[0] or None, plover_mode=plover[1] if len(plover) > 1 and plover[1] else None,
                       row=line)


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """Verb patterns, CAMEO codes, reporting and light verbs, loaded once per process."""
    cameo = {}
    for row in read_csv("cameo_codes.csv"):
        cameo[row["code"]] = CameoCode(row["code"], row["name"], row["root"], float(row["goldstein"]),
                                       int(row["quad_class"]), row["plover_type"] or None, row["plover_mode"] or None)
    by_trigger: dict[str, list[VerbPattern]] = {}
    for line, row in enumerate(read_csv("verb_patterns.csv"), start=2):
        pat = _pattern(row, line, cameo)
        by_trigger.setdefault(pat.trigger, []).append(pat)
    # most specific first: particles, then objects, then prepositions; file order otherwise
    patterns = {k: tuple(sorted(v, key=lambda p: (not p.particles, not p.objects, not p.preps)))
                for k, v in by_trigger.items()}
    reporting = {row["lemma"]: row["factuality"] for row in read_csv("reporting_verbs.csv")}
    light = frozenset(row["lemma"] for row in read_csv("event_light_verbs.csv"))
    modal_codes = {}
    for row in read_csv("event_modal_codes.csv"):
        if row["code"] not in cameo:
            raise ValueError(f"event_modal_codes.csv: unknown CAMEO code {row['code']!r}")
        modal_codes[(row["mood"], row["root"])] = row["code"]
    for mood in ("intent", "threat", "refuse"):
        if (mood, "*") not in modal_codes:
            raise ValueError(f"event_modal_codes.csv: no default code for mood {mood!r}")
    irregular = {row["lemma"]: row["forms"].split("|") for row in read_csv("irregular_verbs.csv")}
    single: set[str] = set()
    phrases: dict[str, set[tuple[tuple[str, ...], bool]]] = {}
    for trig, rows in patterns.items():
        head = word_forms(trig) | set(irregular.get(trig, ()))
        if any(not r.particles for r in rows):
            single |= head
            continue
        # a head that only triggers with its other words ("claim responsibility", "mediation effort")
        for form in head:
            for r in rows:
                phrases.setdefault(form, set()).add((r.particles, r.pos == "NOUN"))
    return Lexicon(patterns, cameo, reporting, light, modal_codes, frozenset(single),
                   {k: tuple(sorted(v)) for k, v in phrases.items()})


__all__ = ["DATA", "CameoCode", "Lexicon", "VerbPattern", "get_lexicon", "read_csv", "word_forms"]
