-- Events per day, actor country pair and CAMEO root code, with Goldstein sums (GDELT-style).
-- Grain: event_date (the date the text gives, null when unstated) x published_date (the
-- article's UTC day) x actor1_country x actor2_country x cameo_root. Sum over published_date
-- for per-event-day figures; event_date is never filled in from the article day.
-- A view: events are about one per article, so a million articles aggregate in well under a
-- second, and filters on the grouping columns are pushed below the aggregation.
create or replace view fct_events_daily_country_pair as
with
events as (
    select * from stg_events
),

final as (
    select
        event_date,
        published_date,
        actor1_country,
        actor2_country,
        cameo_root,
        quad_class,
        count(*) as num_events,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources,
        sum(goldstein) as goldstein_sum,
        avg(goldstein) as goldstein_avg
    from events
    group by all
)

select * from final;
