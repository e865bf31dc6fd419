-- Per-source counts of one run ($run_id), for the Prefect table artifact.
with
fetches as (
    select
        source_id,
        count_if(kind = 'feed') as feed_fetches,
        count_if(kind = 'page') as page_fetches,
        count_if(kind = 'page' and is_ok) as pages_ok,
        median(elapsed_ms) as median_elapsed_ms
    from stg_fetch_outcomes
    where run_id = $run_id
    group by source_id
),

articles as (
    select source_id, count(*) as articles from main.articles where run_id = $run_id group by source_id
),

quarantined as (
    select source_id, count(*) as quarantined from quarantine where run_id = $run_id group by source_id
),

all_sources as (
    select source_id from fetches
    union
    select source_id from articles
    union
    select source_id from quarantined
),

final as (
    select
        all_sources.source_id,
        coalesce(fetches.feed_fetches, 0) as feed_fetches,
        coalesce(fetches.page_fetches, 0) as page_fetches,
        coalesce(fetches.pages_ok, 0) as pages_ok,
        coalesce(articles.articles, 0) as articles,
        coalesce(quarantined.quarantined, 0) as quarantined,
        fetches.median_elapsed_ms
    from all_sources
    left join fetches using (source_id)
    left join articles using (source_id)
    left join quarantined using (source_id)
    where all_sources.source_id is not null
)

select * from final
order by source_id
