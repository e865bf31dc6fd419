-- One row per coded event, with the article's source and UTC publication day beside
-- event_date (the date the text gives; null when it gives none).
create or replace view stg_events as
with
source as (
    select * from events
),

articles as (
    select article_id, source_id, publisher, published_at, published_date, story_id, is_duplicate, url,
        fetched_at
    from stg_articles
),

final as (
    select
        source.event_id,
        source.article_id,
        coalesce(source.story_id, articles.story_id) as story_id,
        source.event_date,
        source.date_precision,
        articles.published_date,
        source.actor1_entity_id,
        source.actor1_name,
        source.actor1_country,
        source.actor1_role,
        source.actor2_entity_id,
        source.actor2_name,
        source.actor2_country,
        source.actor2_role,
        source.cameo_code,
        source.cameo_root,
        source.quad_class,
        source.goldstein,
        source.plover_type,
        source.plover_mode,
        source.location_entity_id,
        source.lat,
        source.lon,
        source.sentence_idx,
        source.evidence,
        source.temporal,
        source.factuality,
        source.confidence,
        articles.source_id,
        articles.publisher,
        articles.is_duplicate,
        articles.url as article_url,
        articles.fetched_at as article_fetched_at,
        articles.published_at as article_published_at,
        source.run_id
    from source
    left join articles using (article_id)
)

select * from final;
