-- Warehouse (issue 7): marts too big to compute at query time over a million articles are
-- tables, kept up to date by each load from the rows it adds and removes (the SQL that fills
-- them is in warehouse/models/<name>.sql). model_refresh_queue lists models that need a full
-- rebuild at the next load (new here, or changed).

drop view if exists dim_entities;               -- was a view over the old view below
drop view if exists fct_entity_mentions_daily;  -- was a view (001-era warehouses)

create table fct_entity_mentions_daily (
    published_date date,       -- the article's UTC publication day (null: unknown)
    entity_id      varchar,
    num_mentions   bigint,
    num_articles   bigint
);

-- Two entities named in the same sentence; entity_a < entity_b.
create table fct_entity_cooccurrence (
    published_date date,
    entity_a       varchar,
    entity_b       varchar,
    num_sentences  bigint,
    num_articles   bigint
);

create table model_refresh_queue (
    model varchar not null     -- rebuilt in full at the next load, then removed
);

-- Warehouses loaded before this migration: fill the new tables at the next load.
insert into model_refresh_queue
select unnest(['fct_entity_mentions_daily', 'fct_entity_cooccurrence'])
where exists (select 1 from articles);
