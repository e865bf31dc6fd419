-- Entity mentions per article UTC publication day.
-- Materialized: incremental table (migration 004); grain: published_date x entity_id.
-- A template over a relation of mentions: rows (article_id, entity_id, sentence_idx, published_date) that
-- warehouse.models fills in with every mention of the days being rebuilt, or, to keep the
-- table up to date after a load, with the mentions the load removed (counted negative) and
-- added: both measures add up across articles, so the table never needs a full pass.
with
mentions as (
    select * from {mentions}
),

final as (
    select
        published_date,
        entity_id,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles
    from mentions
    group by published_date, entity_id
)

select * from final
