-- The event days of the articles in `story_article_ids` (Arrow from warehouse.models), into
-- the load's temp table story_days: fct_story_events is rebuilt for those days.
insert into story_days
select distinct event_day
from stg_story_events
where article_id in (select article_id from story_article_ids);
