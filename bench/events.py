"""Event coding quality and speed: the seed gold, PLOVER gold-standard sentences, real news text.

Three corpora from ../shared, all in one run, against a simple baseline in the same run (the
issue names no peer that runs offline; PETRARCH2 and its kin are not installable here):

- seed: the UPI article of ../shared/seed, cleaned as tests/unit/test_seed.py does (caption and
  credit removed, the dateline passed separately), scored the way gold.json's scoring_notes say:
  a gold event is found when one of our events has its actor countries and its CAMEO root
  (alternative codes at root level) or its PLOVER type, and its date at the gold's precision
  (a gold without a date: ours must not be the publication date); every event of ours that no
  gold event absorbs is a false positive, repeats included (a gold event with k recipients, or a
  reciprocal one, absorbs up to k or 2 dyads). Non-events: how many of the 7 listed ones we emit.
- plover: ../shared/bench/events/plover_gsr_dev.jsonl, 163 sentences, each its own text. The
  sentence's event is our first event of highest confidence; type accuracy compares its PLOVER
  type, actor accuracy its actor1 country (an IGO actor as "IGO") with the gold source actors.
  A sentence where we code nothing counts as wrong for both.
- gum: the 24 Wikinews articles of ../shared/bench/entities (765 sentences), detokenised: real
  news text for speed, where most sentences hold no event and are never parsed.

Speed is CPU time (time.process_time) of `annotate_texts` over each corpus after a warm-up, so
other work on the machine changes it less; sentences are the corpus' own sentence counts.
`sentences_per_cpu_s` is over the real articles (seed + GUM), where most sentences hold no event
and are never parsed; `plover_sentences_per_cpu_s` is the worst case (every sentence an event,
every one parsed); `all_...` pools the three. `speed_ratio_to_baseline` is the median over runs
of ours / baseline measured in the same run (the machine is shared: compare ratios, not rates).

Baseline ("trigger lemma only"): the full spaCy pipeline on every sentence; the first token whose
lemma is a trigger in verb_patterns.csv gives the code (its first row, ignoring objects and
prepositions); the first two GPE/NORP entities, looked up in the country alias table, are actor1
and actor2; the event date is the publication date, as GDELT does.

    python bench/events.py [--repeat 1]

Prints a table on stderr, then one JSON line with seed_core_found, seed_precision,
plover_type_accuracy, plover_actor_accuracy, sentences_per_cpu_s and the baseline's figures.
With --repeat N, speeds are medians over N runs (quality figures are deterministic).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from transforms import nlp
from transforms.annotate import annotate_texts
from transforms.contracts import Dateline, Event
from transforms.entities import get_gazetteer
from transforms.events import get_lexicon

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_DIR = SHARED / "seed"
PLOVER_FILE = SHARED / "bench" / "events" / "plover_gsr_dev.jsonl"
GUM_FILE = SHARED / "bench" / "entities" / "gum_news.conll"

SEED_PUBLISHED = date(2022, 7, 14)
SEED_DATELINE = Dateline(place="SEOUL", date_text="July 14", agency="UPI", raw="SEOUL, July 14 (UPI) --")
# Codes of the GSR that are not ISO alpha-3 (CAMEO's own country codes) -> ISO.
GSR_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
# The GSR marks international organisations as IGO whether governmental or not (Amnesty, Red Cross).
INTERNATIONAL = {"IGO": {"IGO", "NGO"}, "NGO": {"IGO", "NGO"}, "IMG": {"IMG"}}


# --- corpora ----------------------------------------------------------------------------------

def seed_text() -> str:
    """The seed after news clean-up: caption + credit line dropped, dateline cut off the lead."""
    raw = (SEED_DIR / "upi-2022-07-14-north-korea-recognizes-donetsk-lugansk.txt").read_text("utf-8")
    lines = raw.split("\n")[1:]
    lines[0] = lines[0].replace("SEOUL, July 14 (UPI) -- ", "", 1)
    return "\n".join(lines)


def plover_rows() -> list[dict]:
    with open(PLOVER_FILE, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def gum_texts() -> tuple[list[str], int]:
    """The GUM news documents as plain text (one sentence per line) and their sentence count."""
    docs: list[list[str]] = []
    sent: list[str] = []
    n = 0
    for line in GUM_FILE.read_text("utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            docs.append([])
            continue
        if not line.strip():
            if sent and docs:
                docs[-1].append(_detokenize(sent))
                n += 1
            sent = []
            continue
        sent.append(line.rsplit(" ", 1)[0])
    if sent and docs:
        docs[-1].append(_detokenize(sent))
        n += 1
    return ["\n".join(d) for d in docs if d], n


def _detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{$]) ", r"\1", text)
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return re.sub(r" - ", "-", text)


# --- seed scoring -------------------------------------------------------------------------------

def _gold_keys(g: dict) -> tuple[set[tuple[str, str, str]], int]:
    """(actor1 country, actor2 country, root-or-type) keys a gold event accepts, and its capacity."""
    labels = {g["cameo"]["root"]} | {c[:2] for c in g.get("alt_cameo", [])}
    if g.get("plover", {}).get("type"):
        labels.add(g["plover"]["type"])
    a1 = {a["country_code"] or "" for a in g["actor1"]}
    a2 = {a["country_code"] or "" for a in g["actor2"] + g.get("actor2_alt", [])}
    keys = {(x, y, r) for x in a1 for y in a2 for r in labels}
    capacity = max(1, len({a["entity"] for a in g["actor2"]}))
    if g.get("reciprocal"):
        keys |= {(y, x, r) for x, y, r in keys}
        capacity = 2
    return keys, capacity


def _date_ok(e: Event, g: dict, published: date) -> bool:
    precision = g.get("date_precision")
    if not g.get("date") or precision in (None, "unstated"):
        return e.event_date != published
    if e.event_date is None:
        return False
    want = g["date"]
    got = e.event_date.isoformat()
    n = {"day": 10, "month": 7, "year": 4}[precision]
    return got[:n] == want[:n]


def score_seed(events: Sequence[Event], gold: dict, published: date = SEED_PUBLISHED) -> dict:
    """Greedy one-to-one matching, core events first; see the module docstring."""
    order = {"core": 0, "secondary": 1, "optional": 2}
    golds = sorted(gold["events"], key=lambda g: order[g["priority"]])
    keys = {g["id"]: _gold_keys(g) for g in golds}
    remaining = {gid: cap for gid, (_, cap) in keys.items()}
    matched: dict[str, list[Event]] = {}
    false_positives: list[Event] = []
    for e in events:
        own = {(e.actor1_country or "", e.actor2_country or "", label)
               for label in (e.cameo_root, e.plover_type) if label}
        for g in golds:
            if own & keys[g["id"]][0] and remaining[g["id"]] > 0:
                remaining[g["id"]] -= 1
                matched.setdefault(g["id"], []).append(e)
                break
        else:
            false_positives.append(e)
    core = [g for g in gold["events"] if g["priority"] == "core"]
    found = [g["id"] for g in core if g["id"] in matched]
    dated = [g["id"] for g in core if any(_date_ok(e, g, published) for e in matched.get(g["id"], []))]
    non_events = _non_events_emitted(events, false_positives, gold)
    return {"core_total": len(core), "core_found": len(dated), "core_found_ignoring_dates": len(found),
            "core_missed": sorted(set(g["id"] for g in core) - set(dated)),
            "precision": (len(events) - len(false_positives)) / len(events) if events else 0.0,
            "events": len(events), "false_positives": false_positives, "non_events_emitted": non_events,
            "matched": {k: len(v) for k, v in matched.items()}}


def _sentence_of(e: Event, gold: dict) -> str | None:
    for s in gold["sentences"]:
        if e.evidence and (e.evidence in s["text"] or s["text"] in e.evidence):
            return s["sid"]
    return None


def _non_events_emitted(events: Sequence[Event], false_positives: Sequence[Event], gold: dict) -> list[str]:
    """Listed non-events we emit: a false positive in its sentence; for attribution, any 01 or media actor."""
    hits = []
    fp_sids = {_sentence_of(e, gold) for e in false_positives}
    for ne in gold["non_events"]:
        sids = set(ne["sid"].split("/"))
        if "reporting" in ne["why"]:
            if any(e.cameo_root == "01" or e.actor1_role == "MED" for e in events):
                hits.append(ne["sid"])
        elif sids & fp_sids:
            hits.append(ne["sid"])
    return hits


# --- PLOVER scoring -----------------------------------------------------------------------------

def primary_event(events: Sequence[Event]) -> Event | None:
    """The sentence's event: the first of highest confidence."""
    best = None
    for e in events:
        if best is None or e.confidence > best.confidence:
            best = e
    return best


def actor_codes(e: Event) -> set[str]:
    """Codes our actor1 answers to: its country, else its international role (IGO/NGO, IMG)."""
    if e.actor1_country:
        return {e.actor1_country}
    return INTERNATIONAL.get(e.actor1_role or "", set())


def score_plover(rows: Sequence[dict], per_row: Sequence[Sequence[Event]]) -> dict:
    type_ok = actor_ok = any_type = coded = 0
    actor_total = 0
    by_type: dict[str, list[int]] = {}
    for row, events in zip(rows, per_row):
        gold_type = row["event_type_plover08"]
        gold_codes = {GSR_CODES.get(a.get("code") or "", a.get("code") or "") for a in row["source_actors"]}
        gold_codes.discard("")
        e = primary_event(events)
        hit = e is not None and e.plover_type == gold_type
        stat = by_type.setdefault(gold_type, [0, 0])
        stat[1] += 1
        stat[0] += hit
        type_ok += hit
        any_type += any(x.plover_type == gold_type for x in events)
        coded += bool(events)
        if gold_codes:
            actor_total += 1
            actor_ok += e is not None and bool(actor_codes(e) & gold_codes)
    n = len(rows)
    return {"sentences": n, "coded": coded, "type_accuracy": type_ok / n, "type_accuracy_any_event": any_type / n,
            "actor_accuracy": actor_ok / actor_total if actor_total else 0.0,
            "by_type": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_type.items())}}


# --- runs ---------------------------------------------------------------------------------------

@dataclass
class Run:
    seed: dict
    plover: dict
    cpu: dict[str, float]
    sentences: dict[str, int]


def run_newsetl(seed: str, gold: dict, rows: Sequence[dict], gum: list[str], gum_sentences: int) -> Run:
    cpu: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], list]) -> list:
        t0 = time.process_time()
        out = fn()
        cpu[name] = time.process_time() - t0
        return out

    seed_ann = timed("seed", lambda: annotate_texts([seed], published=[SEED_PUBLISHED], datelines=[SEED_DATELINE]))
    plover_ann = timed("plover", lambda: annotate_texts([r["text"] for r in rows]))
    timed("gum", lambda: annotate_texts(gum))
    return Run(score_seed(seed_ann[0].events, gold), score_plover(rows, [a.events for a in plover_ann]), cpu,
               {"seed": len(gold["sentences"]) - 2, "plover": len(rows), "gum": gum_sentences})


def baseline_events(texts: Sequence[str], published: Sequence[date | None]) -> list[list[Event]]:
    """Trigger lemma only, first two GPE/NORP entities as actors, publication date (see docstring)."""
    lex = get_lexicon()
    gaz = get_gazetteer()
    first_code = {trigger: rows_[0].code for trigger, rows_ in lex.patterns.items()}
    out: list[list[Event]] = []
    model = nlp.get_nlp()
    with model.select_pipes(disable=["senter"]):
        docs = list(model.pipe(texts, batch_size=32))
    for doc, pub in zip(docs, published):
        events = []
        for sent in doc.sents:
            trig = next((t for t in sent if t.lemma_.lower() in first_code and t.pos_ in ("VERB", "NOUN")), None)
            if trig is None:
                continue
            countries = []
            for ent in sent.ents:
                if ent.label_ in ("GPE", "NORP"):
                    hit = gaz.country_lookup(ent.text.removeprefix("the ").strip())
                    if hit is not None and hit.iso3:
                        countries.append(hit.iso3)
            if not countries:
                continue
            code = lex.cameo[first_code[trig.lemma_.lower()]]
            a2 = countries[1] if len(countries) > 1 else None
            events.append(Event(None, None, countries[0], None, None, None, a2, None, code.code, code.root,
                                code.quad_class, code.goldstein, code.plover_type, code.plover_mode, pub,
                                "day" if pub else "unstated", None, None, None, 0, sent.text, sent.start_char,
                                sent.end_char, "current", "asserted", 0.5))
        out.append(events)
    return out


def run_baseline(seed: str, gold: dict, rows: Sequence[dict], gum: list[str], gum_sentences: int) -> Run:
    cpu: dict[str, float] = {}
    t0 = time.process_time()
    seed_events = baseline_events([seed], [SEED_PUBLISHED])[0]
    cpu["seed"] = time.process_time() - t0
    t0 = time.process_time()
    plover_events = baseline_events([r["text"] for r in rows], [None] * len(rows))
    cpu["plover"] = time.process_time() - t0
    t0 = time.process_time()
    baseline_events(gum, [None] * len(gum))
    cpu["gum"] = time.process_time() - t0
    return Run(score_seed(seed_events, gold), score_plover(rows, plover_events), cpu,
               {"seed": len(gold["sentences"]) - 2, "plover": len(rows), "gum": gum_sentences})


NEWS = ("seed", "gum")   # real articles: the production case
ALL = ("seed", "gum", "plover")


def _rate(run: Run, corpora: tuple[str, ...] = NEWS) -> float:
    return sum(run.sentences[c] for c in corpora) / sum(run.cpu[c] for c in corpora)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs; figures are medians")
    ap.add_argument("--verbose", action="store_true", help="list seed false positives and misses")
    args = ap.parse_args(argv)
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} not found")
    gold = json.loads((SEED_DIR / "gold.json").read_text("utf-8"))
    seed, rows = seed_text(), plover_rows()
    gum, gum_sentences = gum_texts()
    # load what loads lazily, once per process (the model, the gazetteer, the geonames index)
    annotate_texts(["Warm-up: Russian forces shelled Ukrainian positions in Kharkiv on Monday, officials said."])
    ours: list[Run] = []
    base: list[Run] = []
    for _ in range(args.repeat):  # interleaved, so each pair shares the machine's load
        ours.append(run_newsetl(seed, gold, rows, gum, gum_sentences))
        base.append(run_baseline(seed, gold, rows, gum, gum_sentences))

    def med(runs: list[Run], fn: Callable[[Run], float]) -> float:
        return statistics.median(fn(r) for r in runs)

    o, b = ours[0], base[0]
    figures = {
        "seed_core_found": o.seed["core_found"],
        "seed_core_total": o.seed["core_total"],
        "seed_core_found_ignoring_dates": o.seed["core_found_ignoring_dates"],
        "seed_precision": round(o.seed["precision"], 3),
        "seed_events": o.seed["events"],
        "seed_non_events_emitted": len(o.seed["non_events_emitted"]),
        "plover_type_accuracy": round(o.plover["type_accuracy"], 3),
        "plover_type_accuracy_any_event": round(o.plover["type_accuracy_any_event"], 3),
        "plover_actor_accuracy": round(o.plover["actor_accuracy"], 3),
        "plover_coded": o.plover["coded"],
        "sentences_per_cpu_s": round(med(ours, _rate), 1),
        "all_sentences_per_cpu_s": round(med(ours, lambda r: _rate(r, ALL)), 1),
        "plover_sentences_per_cpu_s": round(med(ours, lambda r: _rate(r, ("plover",))), 1),
        "baseline_seed_core_found": b.seed["core_found"],
        "baseline_seed_precision": round(b.seed["precision"], 3),
        "baseline_plover_type_accuracy": round(b.plover["type_accuracy"], 3),
        "baseline_plover_actor_accuracy": round(b.plover["actor_accuracy"], 3),
        "baseline_sentences_per_cpu_s": round(med(base, _rate), 1),
        "baseline_all_sentences_per_cpu_s": round(med(base, lambda r: _rate(r, ALL)), 1),
        "baseline_plover_sentences_per_cpu_s": round(med(base, lambda r: _rate(r, ("plover",))), 1),
        "speed_ratio_to_baseline": round(statistics.median(_rate(o_) / _rate(b_) for o_, b_ in zip(ours, base)), 2),
        "runs": args.repeat,
    }
    print(f"{'':32}{'newsetl':>12}{'baseline':>12}", file=sys.stderr)
    for label, key in (("seed core found (dates too)", "seed_core_found"), ("seed precision", "seed_precision"),
                       ("PLOVER type accuracy", "plover_type_accuracy"),
                       ("PLOVER actor accuracy", "plover_actor_accuracy"),
                       ("news sentences / CPU-s", "sentences_per_cpu_s"),
                       ("all sentences / CPU-s", "all_sentences_per_cpu_s"),
                       ("PLOVER sentences / CPU-s", "plover_sentences_per_cpu_s")):
        print(f"{label:32}{figures[key]:>12}{figures['baseline_' + key]:>12}", file=sys.stderr)
    print(f"PLOVER by type (ours): {o.plover['by_type']}", file=sys.stderr)
    if args.verbose:
        print(f"seed missed: {o.seed['core_missed']}; non-events emitted: {o.seed['non_events_emitted']}",
              file=sys.stderr)
        for e in o.seed["false_positives"]:
            print(f"  FP {e.actor1_country} {e.cameo_code} {e.actor2_country}: {e.evidence[:70]}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
