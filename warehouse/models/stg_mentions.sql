-- One row per entity mention, with the article's source and UTC publication day.
create or replace view stg_mentions as
with
source as (
    select * from mentions
),

articles as (
    select article_id, source_id, published_date, story_id from stg_articles
),

final as (
    select
        source.mention_id,
        source.article_id,
        source.entity_id,
        source.surface,
        source.kind,
        source.sentence_idx,
        source.start_char,
        source.end_char,
        source.confidence,
        articles.source_id,
        articles.story_id,
        articles.published_date,
        source.run_id
    from source
    left join articles using (article_id)
)

select * from final;
