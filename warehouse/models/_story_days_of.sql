-- The event days of the articles in `story_article_ids` (Arrow from warehouse.models), into
-- the load's temp table story_days: fct_story_events is rebuilt for those days. From the base
-- tables, each filtered on the ids (stg_story_events would join every article: 3x the time).
insert into story_days
select distinct gdelt_day(events.date_precision, events.event_date, utc_day(articles.published_at))
from events
left join (
    select article_id, published_at
    from main.articles
    where article_id in (select article_id from story_article_ids)
) as articles using (article_id)
where events.article_id in (select article_id from story_article_ids);
