-- fct_story_events becomes a table (it was a view): grouping every event by story at query
-- time cost ~0.75 s at a million articles, in every gdelt_events query. A load and the stories
-- step refresh the event days they touched (warehouse.models.refresh_story_events); the SELECT
-- is warehouse/models/fct_story_events.sql. gdelt_events is recreated by every load.
drop view if exists gdelt_events;
drop view if exists fct_story_events;

create table fct_story_events (
    event_id              varchar,  -- the group's representative coded event
    story_key             varchar,  -- story_id, or 'article:<id>' outside any story
    story_id              varchar,
    event_day             date,     -- GDELT's day (see stg_story_events)
    actor1_key            varchar,
    actor2_key            varchar,
    cameo_code            varchar,
    cameo_root            varchar,
    quad_class            tinyint,
    num_mentions          bigint,
    num_articles          bigint,
    num_sources           bigint,
    num_original_articles bigint,
    first_published_date  date
);

-- Warehouses with events already: fill the table at the next load.
insert into model_refresh_queue
select 'fct_story_events'
where exists (select 1 from events);
