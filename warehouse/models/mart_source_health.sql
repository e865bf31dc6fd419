-- Per source: how fetching went (attempts, successes, failures by reason, median latency)
-- and how many items were quarantined. `not_modified` counts as neither ok nor failure.
create or replace view mart_source_health as
with
sources as (
    select * from main.sources
),

fetches as (
    select * from stg_fetch_outcomes
),

quarantined as (
    select source_id, count(*) as quarantined
    from quarantine
    where source_id is not null
    group by source_id
),

articles as (
    select source_id, count(*) as articles
    from main.articles
    group by source_id
),

fetch_stats as (
    select
        source_id,
        count(*) as fetches,
        count_if(is_ok) as ok,
        count_if(is_not_modified) as not_modified,
        count_if(is_failure) as failures,
        median(elapsed_ms) as median_elapsed_ms,
        sum(bytes) as bytes_fetched,
        max(fetched_at) as last_fetched_at,
        max(fetched_at) filter (where is_ok) as last_ok_at
    from fetches
    group by source_id
),

failure_counts as (
    select source_id, reason, count(*) as n
    from fetches
    where is_failure
    group by source_id, reason
),

failures_by_reason as (
    select source_id, map(list(reason order by reason), list(n order by reason)) as failures_by_reason
    from failure_counts
    group by source_id
),

all_sources as (
    select source_id from sources
    union
    select source_id from fetches
    union
    select source_id from quarantined
),

final as (
    select
        all_sources.source_id,
        sources.name,
        sources.kind,
        coalesce(fetch_stats.fetches, 0) as fetches,
        coalesce(fetch_stats.ok, 0) as ok,
        coalesce(fetch_stats.not_modified, 0) as not_modified,
        coalesce(fetch_stats.failures, 0) as failures,
        coalesce(failures_by_reason.failures_by_reason, map()) as failures_by_reason,
        fetch_stats.median_elapsed_ms,
        coalesce(fetch_stats.bytes_fetched, 0) as bytes_fetched,
        fetch_stats.last_fetched_at,
        fetch_stats.last_ok_at,
        coalesce(quarantined.quarantined, 0) as quarantined,
        coalesce(articles.articles, 0) as articles
    from all_sources
    left join sources using (source_id)
    left join fetch_stats using (source_id)
    left join failures_by_reason using (source_id)
    left join quarantined using (source_id)
    left join articles using (source_id)
    where all_sources.source_id is not null
)

select * from final;
