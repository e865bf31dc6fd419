-- One row per canonical entity, with how often and when it was mentioned (from the daily
-- mart, so it stays fast at a million articles).
create or replace view dim_entities as
with
entities as (
    select * from main.entities
),

mention_stats as (
    select
        entity_id,
        sum(num_mentions) as num_mentions,
        sum(num_articles) as num_articles,
        min(published_date) as first_seen_date,
        max(published_date) as last_seen_date
    from fct_entity_mentions_daily
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
        mention_stats.first_seen_date,
        mention_stats.last_seen_date
    from entities
    left join mention_stats using (entity_id)
)

select * from final;
