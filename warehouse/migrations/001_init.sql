-- One table per entry of warehouse/schemas.py SCHEMAS, same column names, order and types.
-- No primary keys: loads MERGE on KEYS (faster than INSERT ... ON CONFLICT here), and
-- check_tables() tests key uniqueness after each load.

create table sources (
    source_id  varchar,
    name       varchar,
    url        varchar,
    kind       varchar,
    publisher  varchar,
    language   varchar,
    country    varchar,
    run_id     varchar
);

create table feed_state (
    source_id       varchar,
    url             varchar,
    etag            varchar,
    last_modified   varchar,
    content_sha256  varchar,
    last_status     integer,
    last_fetched_at timestamptz,
    next_due_at     timestamptz,
    run_id          varchar
);

create table fetch_log (
    fetch_id      varchar,
    url           varchar,
    final_url     varchar,
    kind          varchar,
    source_id     varchar,
    status        integer,
    reason        varchar,
    bytes         bigint,
    elapsed_ms    bigint,
    content_type  varchar,
    encoding      varchar,
    raw_sha256    varchar,
    etag          varchar,
    last_modified varchar,
    fetched_at    timestamptz,
    run_id        varchar
);

create table feed_items (
    item_id        varchar,
    source_id      varchar,
    guid           varchar,
    title          varchar,
    summary        varchar,
    link           varchar,
    canonical_link varchar,
    published_at   timestamptz,
    published_raw  varchar,
    authors        varchar[],
    run_id         varchar
);

create table articles (
    article_id        varchar,
    url               varchar,
    canonical_url     varchar,
    source_id         varchar,
    publisher         varchar,
    title             varchar,
    authors           varchar[],
    authors_raw       varchar,
    published_at      timestamptz,
    modified_at       timestamptz,
    language          varchar,
    language_source   varchar,
    dateline_place    varchar,
    dateline_agency   varchar,
    dateline_date     varchar,
    text              varchar,
    word_count        integer,
    content_sha256    varchar,
    simhash           ubigint,
    duplicate_of      varchar,
    story_id          varchar,
    extractor         varchar,
    extractor_version varchar,
    raw_sha256        varchar,
    fetched_at        timestamptz,
    removed_spans     varchar[],
    run_id            varchar
);

create table entities (
    entity_id      varchar,
    kind           varchar,
    canonical_name varchar,
    country_code   varchar,
    lat            double,
    lon            double,
    aliases        varchar[],
    run_id         varchar
);

create table mentions (
    mention_id   varchar,
    article_id   varchar,
    entity_id    varchar,
    surface      varchar,
    kind         varchar,
    sentence_idx integer,
    start_char   integer,
    end_char     integer,
    confidence   float,
    run_id       varchar
);

create table events (
    event_id           varchar,
    article_id         varchar,
    story_id           varchar,
    event_date         date,
    date_precision     varchar,
    actor1_entity_id   varchar,
    actor1_name        varchar,
    actor1_country     varchar,
    actor1_role        varchar,
    actor2_entity_id   varchar,
    actor2_name        varchar,
    actor2_country     varchar,
    actor2_role        varchar,
    cameo_code         varchar,
    cameo_root         varchar,
    quad_class         tinyint,
    goldstein          float,
    plover_type        varchar,
    plover_mode        varchar,
    location_entity_id varchar,
    lat                double,
    lon                double,
    sentence_idx       integer,
    evidence           varchar,
    start_char         integer,
    end_char           integer,
    temporal           varchar,
    factuality         varchar,
    confidence         float,
    run_id             varchar
);

create table quarantine (
    quarantine_id varchar,
    stage         varchar,
    key           varchar,
    source_id     varchar,
    reason        varchar,
    detail        varchar,
    raw_sha256    varchar,
    "at"          timestamptz,  -- quoted: AT is a keyword in DuckDB 1.5
    run_id        varchar
);

create table runs (
    run_id        varchar,
    started_at    timestamptz,
    finished_at   timestamptz,
    status        varchar,
    feeds         integer,
    feed_items    integer,
    pages_fetched integer,
    articles      integer,
    mentions      integer,
    entities      integer,
    events        integer,
    quarantined   integer,
    code_version  varchar,
    data_version  varchar
);
