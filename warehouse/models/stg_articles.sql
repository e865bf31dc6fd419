-- One row per article, with its UTC publication day.
-- Days are computed in UTC whatever the session TimeZone, so `duckdb -readonly` agrees.
create or replace view stg_articles as
with
source as (
    select * from articles
),

final as (
    select
        article_id,
        source_id,
        publisher,
        url,
        canonical_url,
        title,
        authors,
        published_at,
        utc_day(published_at) as published_date,
        modified_at,
        fetched_at,
        utc_day(fetched_at) as fetched_date,
        language,
        language_source,
        dateline_place,
        dateline_agency,
        dateline_date,
        text,
        word_count,
        content_sha256,
        simhash,
        story_id,
        duplicate_of,
        duplicate_of is not null as is_duplicate,
        extractor,
        extractor_version,
        raw_sha256,
        run_id
    from source
)

select * from final;
