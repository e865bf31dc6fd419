"""Annotation is thread-safe: the default `threads` task runner annotates batches concurrently.

A regression test for events vanishing under threads: `nlp.select_pipes` switched components off
on the one shared spaCy pipeline, so a batch parsing in one thread lost its parser whenever
another thread was recognising. Real pages from the bundled sample, coded one by one and then
by three threads at once, must give the same entities and events.
"""

from __future__ import annotations

import gzip
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from transforms.annotate import annotate_texts
from transforms.article import read_article
from transforms.extract import ExtractionError

SAMPLE = Path(__file__).resolve().parents[2] / "flows" / "sample"


def _texts(limit: int = 12) -> list[str]:
    texts = []
    for path in sorted(SAMPLE.rglob("*.html*")):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        try:
            read = read_article(data, f"https://example.org/{path.name}")
        except ExtractionError:
            continue
        texts.append(read.cleaned.text)
        if len(texts) == limit:
            break
    return texts


def _coded(text: str) -> tuple:
    (ann,) = annotate_texts([text], published=[None], datelines=[None])
    return (tuple((m.entity_id, m.start_char) for m in ann.mentions),
            tuple((e.cameo_code, e.actor1_entity_id, e.actor2_entity_id, e.sentence_idx)
                  for e in ann.events))


def test_three_threads_code_what_one_thread_codes() -> None:
    texts = _texts()
    if len(texts) < 8:
        pytest.fail(f"only {len(texts)} sample pages could be read from {SAMPLE}")
    alone = [_coded(t) for t in texts]
    assert sum(len(events) for _, events in alone) >= 10  # enough events to notice a loss
    for _ in range(2):
        with ThreadPoolExecutor(3) as pool:
            assert list(pool.map(_coded, texts)) == alone
