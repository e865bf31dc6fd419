"""Entities, mentions and events of cleaned article texts: the one call the pipeline makes.

Two passes over a batch (DESIGN "Performance design"): the entity recogniser and sentence
splitter run on every text; the tagger and parser run only on sentences that hold an event
trigger and at least two candidate actors, all sentences of the batch in one `nlp.pipe` call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from transforms import nlp
from transforms.contracts import Annotation, Dateline
from transforms.dates import anchor_date
from transforms.entities import ArticleEntities, extract_entities
from transforms.events import candidate_sentences, code_events

log = logging.getLogger(__name__)


def annotate_texts(texts: Sequence[str], *, published: Sequence[date | None] | None = None,
                   datelines: Sequence[Dateline | None] | None = None, batch_size: int = 32) -> list[Annotation]:
    """Annotate a batch of cleaned texts; `published`/`datelines` line up with `texts` when given.

    Relative dates ("on Wednesday", "last month") resolve against the dateline's day, else the
    publication date; without either they stay "unstated". Output order is deterministic.
    """
    n = len(texts)
    if published is not None and len(published) != n:
        raise ValueError(f"published has {len(published)} items for {n} texts")
    if datelines is not None and len(datelines) != n:
        raise ValueError(f"datelines has {len(datelines)} items for {n} texts")
    if n == 0:
        return []
    docs = list(nlp.recognize(texts, batch_size=batch_size))
    articles: list[ArticleEntities] = [extract_entities(doc) for doc in docs]

    to_parse = []  # (article index, sentence index, span)
    for i, (doc, article) in enumerate(zip(docs, articles)):
        wanted = set(candidate_sentences(article))
        if not wanted:
            continue
        for idx, sent in enumerate(doc.sents):
            if idx in wanted:
                to_parse.append((i, idx, sent))
    parsed_docs = nlp.parse([span for _, _, span in to_parse], batch_size=batch_size)
    parsed: list[dict[int, tuple]] = [{} for _ in range(n)]
    for (i, idx, span), pdoc in zip(to_parse, parsed_docs):
        parsed[i][idx] = (pdoc, span.start_char)
    log.debug("annotate: %d texts, %d of %d sentences parsed", n, len(to_parse),
              sum(len(a.sentence_bounds) for a in articles))

    out = []
    for i, article in enumerate(articles):
        anchor = anchor_date(published[i] if published is not None else None,
                             datelines[i] if datelines is not None else None)
        events = code_events(article, parsed[i], anchor)
        events.sort(key=lambda e: (e.start_char, e.sentence_idx))
        actors = [eid for e in events for eid in (e.actor1_entity_id, e.actor2_entity_id, e.location_entity_id)]
        out.append(Annotation(article.entities(also=actors), article.final_mentions(), tuple(events)))
    return out


def annotate_text(text: str, *, published: date | None = None, dateline: Dateline | None = None) -> Annotation:
    """Annotate one cleaned text (a batch of one)."""
    return annotate_texts([text], published=[published], datelines=[dateline])[0]
