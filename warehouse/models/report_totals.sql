-- Report: the headline numbers. $since (a date, or null for everything) filters articles by
-- UTC publication day (articles without one are kept only when $since is null), events and
-- mentions by their article's day, runs by start, quarantine rows by when they were made.
with
articles as (
    select * from stg_articles
    where $since::date is null or published_date >= $since::date
),

events as (
    select * from stg_events
    where $since::date is null or published_date >= $since::date
),

mentioned as (
    select entity_id from fct_entity_mentions_daily
    where ($since::date is null or published_date >= $since::date) and num_mentions > 0
),

final as (
    select
        (select count(*) from articles) as articles,
        (select count(distinct source_id) from articles) as sources_with_articles,
        (select count(*) from events) as events,
        (select count(distinct entity_id) from mentioned) as entities_mentioned,
        (select count(*) from main.runs
            where $since::date is null or started_at >= $since::date) as runs,
        (select count(*) from quarantine
            where $since::date is null or "at" >= $since::date) as quarantined,
        (select min(published_date) from articles) as first_day,
        (select max(published_date) from articles) as last_day
)

select * from final
