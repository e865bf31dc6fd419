"""One pyarrow schema per table: the contracts between stages and with other engines.

Each table has a deterministic key (`KEYS`) that loads MERGE on, so reruns upsert.
Every row carries `run_id`. Timestamps are UTC (`timestamp[us, tz=UTC]`).
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())

SOURCES = pa.schema([
    ("source_id", pa.string()),
    ("name", pa.string()),
    ("url", pa.string()),
    ("kind", pa.string()),
    ("publisher", pa.string()),
    ("language", pa.string()),
    ("country", pa.string()),
    ("run_id", pa.string()),
])

FEED_STATE = pa.schema([
    ("source_id", pa.string()),
    ("url", pa.string()),
    ("etag", pa.string()),
    ("last_modified", pa.string()),
    ("content_sha256", pa.string()),
    ("last_status", pa.int32()),
    ("last_fetched_at", TS),
    ("next_due_at", TS),
    ("run_id", pa.string()),
    # 002_fetch: added after run_id (ALTER TABLE ADD COLUMN appends)
    ("source_url", pa.string()),       # the URL in sources.toml; `url` follows 301/308s
    ("last_reason", pa.string()),      # ok / not_modified / unchanged / http_404 / ...
    ("last_changed_at", TS),           # when the body last changed
    ("failures", pa.int32()),          # consecutive transient failures
])

FETCH_LOG = pa.schema([
    ("fetch_id", pa.string()),
    ("url", pa.string()),
    ("final_url", pa.string()),
    ("kind", pa.string()),
    ("source_id", pa.string()),
    ("status", pa.int32()),
    ("reason", pa.string()),
    ("bytes", pa.int64()),
    ("elapsed_ms", pa.int64()),
    ("content_type", pa.string()),
    ("encoding", pa.string()),
    ("raw_sha256", pa.string()),
    ("etag", pa.string()),
    ("last_modified", pa.string()),
    ("fetched_at", TS),
    ("run_id", pa.string()),
    # 002_fetch
    ("attempt", pa.int32()),
    ("redirects", pa.int32()),
    ("encoding_source", pa.string()),
    ("http_version", pa.string()),
])

FEED_ITEMS = pa.schema([
    ("item_id", pa.string()),
    ("source_id", pa.string()),
    ("guid", pa.string()),
    ("title", pa.string()),
    ("summary", pa.string()),
    ("link", pa.string()),
    ("canonical_link", pa.string()),
    ("published_at", TS),
    ("published_raw", pa.string()),
    ("authors", STR_LIST),
    ("run_id", pa.string()),
    # 002_fetch
    ("published_flag", pa.string()),
    ("fingerprint", pa.string()),
])

ARTICLES = pa.schema([
    ("article_id", pa.string()),
    ("url", pa.string()),
    ("canonical_url", pa.string()),
    ("source_id", pa.string()),
    ("publisher", pa.string()),
    ("title", pa.string()),
    ("authors", STR_LIST),
    ("authors_raw", pa.string()),
    ("published_at", TS),
    ("modified_at", TS),
    ("language", pa.string()),
    ("language_source", pa.string()),
    ("dateline_place", pa.string()),
    ("dateline_agency", pa.string()),
    ("dateline_date", pa.string()),
    ("text", pa.string()),
    ("word_count", pa.int32()),
    ("content_sha256", pa.string()),
    ("simhash", pa.uint64()),
    ("duplicate_of", pa.string()),
    ("story_id", pa.string()),
    ("extractor", pa.string()),
    ("extractor_version", pa.string()),
    ("raw_sha256", pa.string()),
    ("fetched_at", TS),
    ("removed_spans", STR_LIST),
    ("run_id", pa.string()),
])

ENTITIES = pa.schema([
    ("entity_id", pa.string()),
    ("kind", pa.string()),
    ("canonical_name", pa.string()),
    ("country_code", pa.string()),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("aliases", STR_LIST),
    ("run_id", pa.string()),
])

MENTIONS = pa.schema([
    ("mention_id", pa.string()),
    ("article_id", pa.string()),
    ("entity_id", pa.string()),
    ("surface", pa.string()),
    ("kind", pa.string()),
    ("sentence_idx", pa.int32()),
    ("start_char", pa.int32()),
    ("end_char", pa.int32()),
    ("confidence", pa.float32()),
    ("run_id", pa.string()),
])

EVENTS = pa.schema([
    ("event_id", pa.string()),
    ("article_id", pa.string()),
    ("story_id", pa.string()),
    ("event_date", pa.date32()),
    ("date_precision", pa.string()),
    ("actor1_entity_id", pa.string()),
    ("actor1_name", pa.string()),
    ("actor1_country", pa.string()),
    ("actor1_role", pa.string()),
    ("actor2_entity_id", pa.string()),
    ("actor2_name", pa.string()),
    ("actor2_country", pa.string()),
    ("actor2_role", pa.string()),
    ("cameo_code", pa.string()),
    ("cameo_root", pa.string()),
    ("quad_class", pa.int8()),
    ("goldstein", pa.float32()),
    ("plover_type", pa.string()),
    ("plover_mode", pa.string()),
    ("location_entity_id", pa.string()),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("sentence_idx", pa.int32()),
    ("evidence", pa.string()),
    ("start_char", pa.int32()),
    ("end_char", pa.int32()),
    ("temporal", pa.string()),
    ("factuality", pa.string()),
    ("confidence", pa.float32()),
    ("run_id", pa.string()),
])

QUARANTINE = pa.schema([
    ("quarantine_id", pa.string()),
    ("stage", pa.string()),
    ("key", pa.string()),
    ("source_id", pa.string()),
    ("reason", pa.string()),
    ("detail", pa.string()),
    ("raw_sha256", pa.string()),
    ("at", TS),
    ("run_id", pa.string()),
])

RUNS = pa.schema([
    ("run_id", pa.string()),
    ("started_at", TS),
    ("finished_at", TS),
    ("status", pa.string()),
    ("feeds", pa.int32()),
    ("feed_items", pa.int32()),
    ("pages_fetched", pa.int32()),
    ("articles", pa.int32()),
    ("mentions", pa.int32()),
    ("entities", pa.int32()),
    ("events", pa.int32()),
    ("quarantined", pa.int32()),
    ("code_version", pa.string()),
    ("data_version", pa.string()),
    # 003_runs_stages: added after data_version (ALTER TABLE ADD COLUMN appends)
    ("kind", pa.string()),                                        # pipeline / load / reprocess
    ("scope", pa.string()),                                       # reprocess: all, or since..until
    ("pages_processed", pa.int32()),                              # pages handed to process
    ("quarantined_by_stage", pa.map_(pa.string(), pa.int32())),   # fetch, parse_feed, extract, ...
    ("loaded_rows", pa.map_(pa.string(), pa.int64())),            # rows merged per table
    ("replaced_articles", pa.int32()),                            # reprocess: old articles dropped
    ("step_seconds", pa.map_(pa.string(), pa.float64())),         # load steps: merge, models, ...
])

# 007_stories: tables derived in the warehouse by the stories step (flows/stories.py), from
# articles of several runs; not lake tables, so not in SCHEMAS (loads never see them).
ARTICLE_DUPLICATES = pa.schema([
    ("article_id", pa.string()),
    ("duplicate_of", pa.string()),
    ("kind", pa.string()),             # exact / near / syndicated
    ("similarity", pa.float32()),
    ("run_id", pa.string()),
])

STORIES = pa.schema([
    ("story_id", pa.string()),
    ("headline", pa.string()),
    ("first_seen_at", TS),
    ("last_seen_at", TS),
    ("num_articles", pa.int32()),
    ("num_sources", pa.int32()),
    ("top_entities", STR_LIST),        # canonical names
    ("top_entity_ids", STR_LIST),
    ("article_id", pa.string()),       # the representative article
    ("run_id", pa.string()),
])

SCHEMAS: dict[str, pa.Schema] = {
    "sources": SOURCES,
    "feed_state": FEED_STATE,
    "fetch_log": FETCH_LOG,
    "feed_items": FEED_ITEMS,
    "articles": ARTICLES,
    "entities": ENTITIES,
    "mentions": MENTIONS,
    "events": EVENTS,
    "quarantine": QUARANTINE,
    "runs": RUNS,
}

# The deterministic key of each table: what MERGE matches on.
KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "feed_state": ("source_id",),
    "fetch_log": ("fetch_id",),
    "feed_items": ("item_id",),
    "articles": ("article_id",),
    "entities": ("entity_id",),
    "mentions": ("mention_id",),
    "events": ("event_id",),
    "quarantine": ("quarantine_id",),
    "runs": ("run_id",),
}

DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "article_duplicates": ARTICLE_DUPLICATES,
    "stories": STORIES,
}
DERIVED_KEYS: dict[str, tuple[str, ...]] = {
    "article_duplicates": ("article_id",),
    "stories": ("story_id",),
}

# Tables whose rows belong to one article: a load replaces them wholesale with the article, and
# their keys hash the article id, so two articles never share a key.
ARTICLE_CHILDREN: tuple[str, ...] = ("mentions", "events")
