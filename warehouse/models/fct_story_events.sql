-- Events counted once per story: the same actors, CAMEO code and day within one story (the
-- articles of several outlets, syndicated copies included, reporting one event) are one row,
-- with how many coded mentions, articles and sources stand behind it (GDELT's NumMentions,
-- NumArticles, NumSources). An article outside any story (the stories step has not run) is a
-- story of its own. The day is GDELT's: the event's date when the text gives the day, else the
-- article's UTC publication day. event_id is the group's representative: its earliest article's
-- first coded event; gdelt_events shows that row with these counts.
create or replace view fct_story_events as
with
events as (
    select * from stg_events
),

published as (
    select article_id, published_at from articles
),

keyed as (
    select
        events.*,
        coalesce(story_id, 'article:' || article_id) as story_key,
        case
            when date_precision = 'day' and event_date is not null then event_date
            else coalesce(published_date, event_date)
        end as event_day,
        coalesce(actor1_entity_id, lower(actor1_name), '') as actor1_key,
        coalesce(actor2_entity_id, lower(actor2_name), '') as actor2_key,
        published.published_at
    from events
    left join published using (article_id)
),

final as (
    select
        arg_min(event_id, (coalesce(published_at, timestamptz '9999-12-31 00:00:00+00'), article_id,
            sentence_idx, event_id))
            as event_id,
        story_key,
        any_value(story_id) as story_id,
        event_day,
        actor1_key,
        actor2_key,
        cameo_code,
        any_value(cameo_root) as cameo_root,
        any_value(quad_class) as quad_class,
        count(*) as num_mentions,
        count(distinct article_id) as num_articles,
        count(distinct source_id) as num_sources,
        count(distinct article_id) filter (where not coalesce(is_duplicate, false)) as num_original_articles,
        min(published_date) as first_published_date
    from keyed
    group by story_key, event_day, actor1_key, actor2_key, cameo_code
)

select * from final;
