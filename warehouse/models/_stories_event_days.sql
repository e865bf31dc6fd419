-- The event days of the articles a stories step re-clustered (story_assigned, from
-- _stories_apply.sql): a change of story or original changes fct_story_events on those days.
select distinct event_day
from stg_story_events
where article_id in (select article_id from story_assigned)
