-- Entity mentions per article UTC publication day.
create or replace view fct_entity_mentions_daily as
with
mentions as (
    select * from stg_mentions
),

entities as (
    select entity_id, kind as entity_kind, canonical_name, country_code from main.entities
),

daily as (
    select
        published_date,
        entity_id,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources
    from mentions
    group by published_date, entity_id
),

final as (
    select
        daily.published_date,
        daily.entity_id,
        entities.entity_kind,
        entities.canonical_name,
        entities.country_code,
        daily.num_mentions,
        daily.num_articles,
        daily.num_sources
    from daily
    left join entities using (entity_id)
)

select * from final;
