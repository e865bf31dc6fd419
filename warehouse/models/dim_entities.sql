-- One row per canonical entity, with how often and when it was mentioned.
create or replace view dim_entities as
with
entities as (
    select * from main.entities
),

mentions as (
    select entity_id, article_id, source_id, published_date from stg_mentions
),

mention_stats as (
    select
        entity_id,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources,
        min(published_date) as first_seen_date,
        max(published_date) as last_seen_date
    from mentions
    group by entity_id
),

final as (
    select
        entities.entity_id,
        entities.kind,
        entities.canonical_name,
        entities.country_code,
        entities.lat,
        entities.lon,
        entities.aliases,
        coalesce(mention_stats.num_mentions, 0) as num_mentions,
        coalesce(mention_stats.num_articles, 0) as num_articles,
        coalesce(mention_stats.num_sources, 0) as num_sources,
        mention_stats.first_seen_date,
        mention_stats.last_seen_date
    from entities
    left join mention_stats using (entity_id)
)

select * from final;
