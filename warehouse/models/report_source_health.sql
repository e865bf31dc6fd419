-- Report: per source, how fetching went (feeds and pages; robots.txt attempts included),
-- like mart_source_health but for the report's period ($since, or everything when null).
with
fetches as (
    select * from stg_fetch_outcomes
    where $since::date is null or fetched_at >= $since::date
),

fetch_stats as (
    select
        source_id,
        count(*) as fetches,
        count_if(is_ok) as ok,
        count_if(is_not_modified) as not_modified,
        count_if(is_failure) as failures,
        median(elapsed_ms) as median_elapsed_ms,
        quantile_cont(elapsed_ms, 0.9) as p90_elapsed_ms
    from fetches
    group by source_id
),

quarantined as (
    select source_id, count(*) as quarantined
    from quarantine
    where source_id is not null and ($since::date is null or "at" >= $since::date)
    group by source_id
),

articles as (
    select source_id, count(*) as articles
    from stg_articles
    where $since::date is null or published_date >= $since::date
    group by source_id
),

all_sources as (
    select source_id from fetch_stats
    union
    select source_id from quarantined
    union
    select source_id from articles
),

final as (
    select
        all_sources.source_id,
        coalesce(fetch_stats.fetches, 0) as fetches,
        coalesce(fetch_stats.ok, 0) as ok,
        coalesce(fetch_stats.not_modified, 0) as not_modified,
        coalesce(fetch_stats.failures, 0) as failures,
        fetch_stats.ok / nullif(fetch_stats.ok + fetch_stats.failures, 0) as success_rate,
        fetch_stats.median_elapsed_ms,
        fetch_stats.p90_elapsed_ms,
        coalesce(quarantined.quarantined, 0) as quarantined,
        coalesce(articles.articles, 0) as articles
    from all_sources
    left join fetch_stats using (source_id)
    left join quarantined using (source_id)
    left join articles using (source_id)
    where all_sources.source_id is not null
)

select * from final
order by source_id
