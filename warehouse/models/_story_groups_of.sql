-- The (story, event day) groups of the events of the articles in `story_article_ids` (Arrow
-- from warehouse.models), into the load's temp table story_groups: fct_story_events is rebuilt
-- for those groups. story_key and the day as stg_story_events has them, from the base tables,
-- each filtered on the ids (stg_story_events would join every article: 3x the time).
insert into story_groups
select distinct
    story_key(coalesce(events.story_id, articles.story_id), events.article_id),
    gdelt_day(events.date_precision, events.event_date, utc_day(articles.published_at))
from events
left join (
    select article_id, published_at, story_id
    from main.articles
    where article_id in (select article_id from story_article_ids)
) as articles using (article_id)
where events.article_id in (select article_id from story_article_ids);
