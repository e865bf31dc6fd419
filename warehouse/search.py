"""Full-text search over articles (title + text): an incremental BM25 index kept in DuckDB.

DuckDB's fts extension builds its index over the whole table and cannot update it, so keeping
it fresh means rebuilding it after every load: measured here at ~24 CPU-s per 50,000 articles,
about 8 CPU-minutes at a million, for every load. This index is updated by each load for the
articles it touched (new, changed or deleted), inside the load's transaction.

Indexing a batch: pyarrow splits the texts on whitespace and dictionary-encodes the tokens;
DuckDB turns each *distinct* token into terms (lower-case, accents stripped, split on anything
but letters and digits, stop words dropped, Porter-stemmed with the fts extension's stem(): the
same SQL as the query side) and gives each term an integer id; numpy counts term frequencies.
Tables (migration 005): `search_docs` (one row per indexed article), `search_terms`,
`search_postings` (term_id, docid, tf; appended in term order so row-group min/max statistics
let a query read only its terms' row groups) and `search_postings_recent` (postings of small
loads wait there, unsorted, until there are enough to append in order). Postings of replaced
documents stay behind, unreachable (search joins postings to search_docs), until
`rebuild_index` rewrites everything.
"""

from __future__ import annotations

import logging

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from warehouse.sql import load_sql, run_script

log = logging.getLogger(__name__)

# A batch of at least this many documents goes straight to search_postings in term order;
# smaller ones wait in search_postings_recent, flushed once it holds RECENT_MAX_POSTINGS.
DIRECT_MIN_DOCS = 2_000
RECENT_MAX_POSTINGS = 2_000_000
# Articles tokenized at a time (bounds memory: ~3 KB of text and ~500 tokens each).
CHUNK_DOCS = 5_000


class SearchIndexMissing(RuntimeError):
    """search() on a warehouse that has no search index tables (run a load first)."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **tables: pa.Table) -> pa.Table:
    """The rows of the last statement of `sql`, run with `tables` visible by name."""
    return run_script(con, sql, tables=tables).fetch_arrow_table()


def _postings(con: duckdb.DuckDBPyConnection, docids: np.ndarray,
              bodies: pa.Array) -> tuple[pa.Table, pa.Table]:
    """(postings sorted by term_id then docid, doc lengths) of one chunk of documents."""
    tokens = pc.ascii_split_whitespace(bodies)  # other spaces: split by _search_words.sql
    flat = pc.list_flatten(tokens)
    if len(flat) == 0:
        empty = pa.table({"term_id": pa.array([], pa.int32()), "docid": pa.array([], pa.int64()),
                          "tf": pa.array([], pa.int32())})
        return empty, pa.table({"docid": pa.array([], pa.int64()), "doc_len": pa.array([], pa.int32())})
    owner = pc.list_parent_indices(tokens).to_numpy().astype(np.int64)
    encoded = pc.dictionary_encode(flat)
    raw = encoded.indices.to_numpy().astype(np.int64)
    distinct = len(encoded.dictionary)
    raw_table = pa.table({"i": pa.array(np.arange(distinct, dtype=np.int32)), "token": encoded.dictionary})
    words = _rows(con, load_sql("_search_words"), search_raw=raw_table)
    mapping = _rows(con, load_sql("_search_term_ids"), search_batch_terms=words)
    map_raw = mapping.column("i").to_numpy().astype(np.int64)
    map_term = mapping.column("term_id").to_numpy().astype(np.int64)
    order = np.argsort(map_raw, kind="stable")
    map_raw, map_term = map_raw[order], map_term[order]
    per_raw = np.bincount(map_raw, minlength=distinct)
    first = np.concatenate([[0], np.cumsum(per_raw)[:-1]])
    # Occurrences of each (document, token), then each token's terms.
    pairs, counts = np.unique(owner * distinct + raw, return_counts=True)
    doc_pos, token = pairs // distinct, pairs % distinct
    repeat = per_raw[token]
    total = int(repeat.sum())
    starts = np.repeat(first[token], repeat)
    within = np.arange(total) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    term = map_term[starts + within]
    doc_pos = np.repeat(doc_pos, repeat)
    counts = np.repeat(counts, repeat)
    # Tokens that differ only in case or punctuation share a term: add them up, in term order.
    keys, inverse = np.unique((term << 32) | doc_pos, return_inverse=True)
    tf = np.bincount(inverse, weights=counts).astype(np.int32)
    docid = docids[keys & 0xFFFFFFFF]
    postings = pa.table({"term_id": pa.array((keys >> 32).astype(np.int32)),
                         "docid": pa.array(docid), "tf": pa.array(tf)})
    lengths = np.bincount(keys & 0xFFFFFFFF, weights=tf, minlength=len(docids)).astype(np.int32)
    return postings, pa.table({"docid": pa.array(docids), "doc_len": pa.array(lengths)})


def index_articles(con: duckdb.DuckDBPyConnection, articles: pa.Table) -> int:
    """Index the new or changed ones among `articles` (article_id, title, text, ...), in the
    caller's transaction. Unchanged articles (same title and text) are skipped."""
    if articles.num_rows == 0:
        return 0
    source = articles.select(["article_id", "title", "text"])
    run_script(con, load_sql("_search_pending"), tables={"search_source": source})
    new_docs = con.execute("select docid, article_id from search_new_docs order by docid").fetch_arrow_table()
    if new_docs.num_rows:
        target = "search_postings" if new_docs.num_rows >= DIRECT_MIN_DOCS else "search_postings_recent"
        rows = pc.index_in(new_docs.column("article_id"), value_set=source.column("article_id"))
        picked = source.take(rows)
        bodies = pc.binary_join_element_wise(pc.fill_null(picked.column("title"), ""),
                                             pc.fill_null(picked.column("text"), ""), " ")
        if isinstance(bodies, pa.ChunkedArray):
            bodies = bodies.combine_chunks()
        docids = new_docs.column("docid").to_numpy()
        postings, lengths = [], []
        for lo in range(0, len(docids), CHUNK_DOCS):
            p, d = _postings(con, docids[lo:lo + CHUNK_DOCS], bodies.slice(lo, CHUNK_DOCS))
            postings.append(p)
            lengths.append(d)
        all_postings = pa.concat_tables(postings)
        if len(postings) > 1:
            all_postings = all_postings.sort_by([("term_id", "ascending"), ("docid", "ascending")])
        run_script(con, load_sql("_search_store").format(postings=target), tables={
            "search_batch_postings": all_postings, "search_batch_docs": pa.concat_tables(lengths)})
        recent = con.execute("select count(*) from search_postings_recent").fetchone()[0]
        if recent >= RECENT_MAX_POSTINGS:
            run_script(con, load_sql("_search_flush"))
            log.info("search: flushed %d recent postings into search_postings", recent)
    con.execute("drop table if exists search_new_docs")
    return new_docs.num_rows


def drop_articles(con: duckdb.DuckDBPyConnection, article_ids: pa.Array) -> None:
    """Forget the documents of deleted articles (in the caller's transaction)."""
    if len(article_ids) == 0:
        return
    run_script(con, load_sql("_search_drop"), tables={"search_dropped": pa.table({"article_id": article_ids})})


def rebuild_index(con: duckdb.DuckDBPyConnection) -> int:
    """Index every article from scratch, chunk by chunk (in the caller's transaction)."""
    run_script(con, load_sql("_search_clear"))
    # Chunks by article_id range (rowids of rows added in this transaction are not dense).
    bounds = [lo for (lo,) in con.execute(load_sql("_search_chunks"), {"chunk": CHUNK_DOCS}).fetchall()]
    indexed = 0
    for i, lo in enumerate(bounds):
        hi = bounds[i + 1] if i + 1 < len(bounds) else None
        chunk = con.execute(load_sql("_search_chunk"), {"lo": lo, "hi": hi}).fetch_arrow_table()
        indexed += index_articles(con, chunk)
    run_script(con, load_sql("_search_flush"))
    return indexed


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> list[tuple[str, str | None, float]]:
    """(article_id, title, score) of the best BM25 matches, best first; [] when nothing matches."""
    try:
        return con.execute(load_sql("_search"), {"query": query, "limit": limit}).fetchall()
    except duckdb.CatalogException as exc:
        if "search_" not in str(exc):
            raise
        raise SearchIndexMissing("no search index yet: run a load first") from exc
