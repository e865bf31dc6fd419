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


TRICKY = {  # article_id: (title, text)
    "t01": (None, None),
    "t02": ("", ""),
    "t03": (None, "Only the text, here."),
    "t04": ("Only a title", None),
    "t05": ("Caf\u00e9\u00a0S\u00e3o\u2003Paulo", "north-korea's  \t\nKyiv\u2009Geneva\u3000\u3000Kyiv"),
    "t06": ("!!! ??? ...", "--- *** ,,,"),
    "t07": ("the and of", "a an the"),
    "t08": ("   leading", "trailing   "),
    "t09": ("MIXED Case WORDS", "mixed case words words"),
    "t10": ("\u00c9L\u00c8VE", "\u00e9l\u00e8ve ELEVE eleve-\u00e9l\u00e8ve"),
    "t11": ("tab\there", "new\nline\r\nCRLF\x0bvertical\x0cfeed"),
    "t12": ("\u200bzero\u200bwidth", "\u0660\u0661 digits \u00b2 \u2460 a1b2 1,000.50"),
    "t13": ("Kyiv", "Geneva talks, Kyiv-Geneva line; geneva"),
}


def _tricky(ids=None):
    import pyarrow as pa
    ids = sorted(TRICKY) if ids is None else ids
    return pa.table({"article_id": ids, "title": [TRICKY[a][0] for a in ids],
                     "text": [TRICKY[a][1] for a in ids]})


def _index(con):
    """(term, article_id, tf) of every live posting, and doc_len per article."""
    postings = con.execute(
        "select t.term, d.article_id, p.tf from search_postings p join search_terms t using (term_id) "
        "join search_docs d using (docid) union all "
        "select t.term, d.article_id, p.tf from search_postings_recent p join search_terms t using (term_id) "
        "join search_docs d using (docid) order by all").fetchall()
    return postings, dict(con.execute("select article_id, doc_len from search_docs").fetchall())


def test_index_equals_a_plain_reference_on_tricky_text(con, monkeypatch):
    # Chunks of 2 articles merged, new term ids by blocks of 3: every path of the indexer.
    monkeypatch.setattr(search, "CHUNK_DOCS", 2)
    monkeypatch.setattr(search, "TERM_ID_DOCS", 3)
    tricky = _tricky()  # read by name by the SQL below
    search.index_articles(con, tricky)
    # The reference: the whole of title + text split on anything but letters and digits.
    expected = con.execute(r"""
        with words as (
            select article_id, unnest(regexp_split_to_array(
                lower(strip_accents(coalesce(title, '') || ' ' || coalesce(text, ''))), '[^\pL\pN]+')) as word
            from tricky
        )
        select stem(word, 'porter') as term, article_id, count(*) as tf
        from words
        where word <> '' and word not in (select word from search_stopwords)
        group by all order by all""").fetchall()
    postings, lengths = _index(con)
    assert postings == expected
    assert lengths == {a: sum(tf for _, b, tf in expected if b == a) for a in TRICKY}
    assert ("korea", "t05", 1) in postings and ("kyiv", "t05", 2) in postings
    assert lengths["t01"] == lengths["t06"] == lengths["t07"] == 0


def test_term_ids_do_not_depend_on_the_chunk_size(tmp_path, migrated_template, monkeypatch):
    import shutil
    monkeypatch.setattr(search, "TERM_ID_DOCS", 4)
    built = []
    for chunk in (1, 3, 8, 1_000):  # rounded to whole blocks of TERM_ID_DOCS
        monkeypatch.setattr(search, "CHUNK_DOCS", chunk)
        path = tmp_path / f"chunk{chunk}.duckdb"
        shutil.copy(migrated_template, path)
        with db.connect(path) as con:
            search.index_articles(con, _tricky(sorted(TRICKY)[:9]))
            search.index_articles(con, _tricky())  # the others new, the first nine unchanged
            built.append([con.execute(f"select * from {t} order by all").fetchall() for t in (
                "search_terms", "search_postings", "search_postings_recent", "search_docs", "search_meta")])
    assert built[0] == built[1] == built[2] == built[3]
    assert len(built[0][0]) > 10
