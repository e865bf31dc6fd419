"""The incremental BM25 index: kept by every load, equal to a rebuild, stemmed, ranked."""

from __future__ import annotations

import math

import pytest

from tests.integration.test_db import (  # noqa: F401 - fixtures
    _article,
    checksums,
    con,
    db_path,
    migrated_template,
    write_fixture,
)
from warehouse import db, search

TEXTS = {
    "a1": "North Korea recognized the Donetsk and Luhansk republics on Wednesday.",
    "a2": "Kyiv condemned the recognition. Kyiv cut ties with Pyongyang, Kyiv said.",
    "a3": "The sanctions committee met in Geneva to discuss shipping.",
}


def _load(con, tmp_path, run_id, texts):
    rows = [{**_article(a), "text": t, "title": f"Story {a}"} for a, t in texts.items()]
    db.load_parts(con, write_fixture(tmp_path / run_id, run_id, {"articles": rows}))


def _ids(con, query):
    return [hit[0] for hit in db.search(con, query)]


def test_stemming_stop_words_and_accents(con, tmp_path):
    _load(con, tmp_path, "r1", {**TEXTS, "a4": "Le café de São Paulo."})
    assert _ids(con, "recognizing") == ["a1"]          # recognized -> recogn
    assert set(_ids(con, "recognition")) == {"a2"}
    assert _ids(con, "the and of") == []               # stop words only
    assert _ids(con, "SAO PAULO cafe") == ["a4"]       # case and accents folded
    assert _ids(con, "") == []


def test_bm25_ranks_by_term_frequency_and_rarity(con, tmp_path):
    _load(con, tmp_path, "r1", TEXTS)
    hits = db.search(con, "Kyiv Geneva")
    assert [h[0] for h in hits] == ["a2", "a3"]  # three Kyivs beat one Geneva in a shorter text
    assert all(h[2] > 0 for h in hits)
    docs = con.execute("select count(*), avg(doc_len) from search_docs").fetchone()
    assert docs[0] == 3
    # One-term query, one matching document: the BM25 formula by hand.
    (score,) = [h[2] for h in db.search(con, "geneva")]
    n, avgdl = docs
    dl = con.execute("select doc_len from search_docs where article_id = 'a3'").fetchone()[0]
    idf = math.log(1 + (n - 1 + 0.5) / (1 + 0.5))
    assert score == pytest.approx(idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * dl / avgdl)))


def test_changed_articles_are_reindexed_and_unchanged_ones_skipped(con, tmp_path):
    _load(con, tmp_path, "r1", TEXTS)
    before = con.execute("select article_id, docid from search_docs order by 1").fetchall()
    _load(con, tmp_path, "r2", {"a1": TEXTS["a1"], "a2": "Kyiv welcomed the talks in Geneva."})
    after = dict(con.execute("select article_id, docid from search_docs").fetchall())
    assert after["a1"] == dict(before)["a1"]            # same title and text: not reindexed
    assert after["a2"] > max(d for _, d in before)      # changed: a new document id
    assert _ids(con, "condemned") == []                 # the old words are gone
    assert set(_ids(con, "geneva")) == {"a2", "a3"}


def test_incremental_index_equals_a_rebuild(con, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "RECENT_MAX_POSTINGS", 10)  # flush to search_postings often
    monkeypatch.setattr(search, "DIRECT_MIN_DOCS", 3)       # and load big batches directly
    _load(con, tmp_path, "r1", {"a1": TEXTS["a1"]})
    _load(con, tmp_path, "r2", {"a2": TEXTS["a2"], "a3": TEXTS["a3"]})
    _load(con, tmp_path, "r3", {k: v + " Update." for k, v in TEXTS.items()})
    queries = ["kyiv", "geneva sanctions", "donetsk update", "north korea"]
    incremental = {q: db.search(con, q) for q in queries}
    assert con.execute("select count(*) from search_postings_recent").fetchone()[0] < 10
    db.rebuild_fts(con)
    for q in queries:
        rebuilt = db.search(con, q)
        assert [h[:2] for h in rebuilt] == [h[:2] for h in incremental[q]], q
        assert [h[2] for h in rebuilt] == pytest.approx([h[2] for h in incremental[q]]), q


def test_a_reload_of_the_same_parts_leaves_the_index_as_it_was(con, tmp_path):
    parts = write_fixture(tmp_path / "lake", "r1", {"articles": [
        {**_article(a), "text": t} for a, t in TEXTS.items()]})
    db.load_parts(con, parts)
    before = checksums(con)
    db.load_parts(con, parts)
    after = checksums(con)
    assert {t: after[t] for t in after if t.startswith("search_")} == {
        t: before[t] for t in before if t.startswith("search_")}
