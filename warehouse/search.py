"""Full-text search over articles (title + text): an incremental BM25 index kept in DuckDB.

DuckDB's fts extension builds its index over the whole table and cannot update it, so keeping
it fresh means rebuilding it after every load: measured here at ~24 CPU-s per 50,000 articles,
about 8 CPU-minutes at a million, for every load. This index is updated by each load for the
articles it touched (new, changed or deleted), inside the load's transaction.

Indexing a batch: pyarrow splits the texts on whitespace and dictionary-encodes the tokens;
DuckDB turns each *distinct* token into terms (lower-case, accents stripped, split on anything
but letters and digits, stop words dropped, Porter-stemmed with the fts extension's stem(): the
same SQL as the query side) and gives each term an integer id; numpy makes one integer key per
occurrence (term_id << 32 | document) and sorts them once: runs of equal keys are postings,
already in term order, and their lengths the term frequencies.
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
# Articles tokenized at a time (bounds memory: ~3 KB of text and ~500 tokens each; indexing a
# 20,000-article batch peaked at 670 MiB RSS, 900 with the first version's 5,000-article
# chunks). A batch of up to this many is one chunk, sorted once; the chunks of a bigger batch
# are merged. Bigger chunks send fewer distinct tokens through _search_words.sql (most recur).
CHUNK_DOCS = 20_000
# New terms get their ids in term order, block by block of this many documents of a batch
# (CHUNK_DOCS of the first version), so the ids do not depend on CHUNK_DOCS.
TERM_ID_DOCS = 5_000
# Sort key of a token that gives no term (a stop word, punctuation): after every real term.
_DROPPED = np.iinfo(np.int64).max


class SearchIndexMissing(RuntimeError):
    """search() on a warehouse that has no search index tables (run a load first)."""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **tables: pa.Table) -> pa.Table:
    """The rows of the last statement of `sql`, run with `tables` visible by name."""
    return run_script(con, sql, tables=tables).fetch_arrow_table()


def _token_keys(con: duckdb.DuckDBPyConnection, dictionary: pa.Array,
                part: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each distinct token's term as a sort key (term_id << 32), _DROPPED if it gives none, -1
    if it gives several; and the (token, term key) pairs of those, by token. `part`: the
    first block of TERM_ID_DOCS documents each token is in."""
    raw_table = pa.table({"i": pa.array(np.arange(len(dictionary), dtype=np.int32)),
                          "token": dictionary, "part": pa.array(part)})
    words = _rows(con, load_sql("_search_words"), search_raw=raw_table)
    mapping = _rows(con, load_sql("_search_term_ids"), search_batch_terms=words)
    map_raw = mapping.column("i").to_numpy().astype(np.int64)
    map_key = mapping.column("term_id").to_numpy().astype(np.int64) << 32
    per_raw = np.bincount(map_raw, minlength=len(dictionary))
    keys = np.full(len(dictionary), _DROPPED)
    keys[map_raw] = map_key
    keys[per_raw > 1] = -1
    several = per_raw[map_raw] > 1
    order = np.argsort(map_raw[several], kind="stable")
    return keys, map_raw[several][order], map_key[several][order]


def _occurrences(con: duckdb.DuckDBPyConnection, bodies: pa.Array, first: int) -> np.ndarray:
    """One sort key per term occurrence in `bodies` (documents `first`... of their batch):
    term_id << 32 | the document's position in `bodies`; _DROPPED for tokens without terms."""
    tokens = pc.ascii_split_whitespace(bodies)  # other spaces: split by _search_words.sql
    encoded = pc.dictionary_encode(pc.list_flatten(tokens))
    # Each big array costs page faults on fresh memory (a quarter of the CPU time measured
    # here): int32 where it fits, few copies. owner: each token's document in `bodies`.
    owner = np.repeat(np.arange(len(bodies), dtype=np.int32), np.diff(tokens.offsets.to_numpy()))
    del tokens
    raw = encoded.indices.to_numpy()
    first_doc = np.full(len(encoded.dictionary), len(bodies), np.int32)  # same type as owner: fast
    np.minimum.at(first_doc, raw, owner)
    token_keys, several_raw, several_key = _token_keys(con, encoded.dictionary,
                                                       (first + first_doc) // TERM_ID_DOCS)
    keys = token_keys[raw]
    keys |= owner  # owner < 2**31; _DROPPED and -1 have every low bit set already
    if len(several_raw):  # "north-korea" -> north, korea: one key per term
        several = np.flatnonzero(keys == -1)
        multi = raw[several]
        start = np.searchsorted(several_raw, multi)
        count = np.searchsorted(several_raw, multi, side="right") - start
        within = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        extra = several_key[np.repeat(start, count) + within] | np.repeat(owner[several], count)
        keys[several] = _DROPPED
        keys = np.concatenate([keys, extra])
    return keys


def _postings(con: duckdb.DuckDBPyConnection, docids: np.ndarray, first: int,
              bodies: pa.Array) -> tuple[pa.Table, pa.Table]:
    """(postings sorted by term_id then docid, doc lengths) of one chunk of documents, the
    `first`-th onwards of their batch."""
    keys = _occurrences(con, bodies, first)
    keys.sort()
    keys = keys[:np.searchsorted(keys, _DROPPED)]
    # Equal keys are one (term, document): their count is the term frequency.
    new = np.empty(len(keys), bool)
    new[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    del new
    tf = np.empty(len(starts), np.int32)
    np.subtract(starts[1:], starts[:-1], out=tf[:-1])
    tf[-1:] = len(keys) - starts[-1:]
    keys = keys[starts]
    del starts
    term_id = np.empty(len(keys), np.int32)
    np.right_shift(keys, 32, out=term_id, casting="unsafe")
    keys &= 0xFFFFFFFF  # the document's position in the chunk
    lengths = np.zeros(len(docids), np.int32)
    np.add.at(lengths, keys, tf)
    if len(docids) and docids[-1] - docids[0] == len(docids) - 1:  # consecutive, as numbered
        keys += docids[0]
    else:
        keys = docids[keys]
    postings = pa.table({"term_id": pa.array(term_id), "docid": pa.array(keys), "tf": pa.array(tf)})
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
        docids = new_docs.column("docid").to_numpy()
        postings, lengths = [], []
        step = max(CHUNK_DOCS // TERM_ID_DOCS, 1) * TERM_ID_DOCS  # whole blocks: same term ids
        for lo in range(0, len(docids), step):
            chunk = picked.slice(lo, step)
            bodies = pc.binary_join_element_wise(pc.fill_null(chunk.column("title"), ""),
                                                 pc.fill_null(chunk.column("text"), ""), " ")
            if isinstance(bodies, pa.ChunkedArray):
                bodies = bodies.combine_chunks()
            p, d = _postings(con, docids[lo:lo + step], lo, bodies)
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
