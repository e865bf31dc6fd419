-- Events counted once per story: the same actors, CAMEO code and day within one story (the
-- articles of several outlets, syndicated copies included, reporting one event) are one row,
-- with how many coded mentions, articles and sources stand behind it (GDELT's NumMentions,
-- NumArticles, NumSources). An article outside any story (the stories step has not run) is a
-- story of its own. event_id is the group's representative: its earliest article's first
-- coded event; gdelt_events shows that row with these counts.
-- Materialized: table (migration 008), grain story_key x event_day x actors x cameo_code. A
-- template: `keyed` is filled in by warehouse.models with the stg_story_events rows to group
-- (all of them for a full rebuild, else those of some whole (story, day) groups,
-- _story_events_of_groups.sql): rebuilding a group's rows from its events rebuilds the group.
with
keyed as (
    {events}
),

final as (
    select
        arg_min(event_id, (coalesce(article_published_at, timestamptz '9999-12-31 00:00:00+00'), article_id,
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

select * from final
